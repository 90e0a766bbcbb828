#pragma once
// A loaded model file (layout: model_format.hpp): word -> id, stem -> id, and id -> vector.
// open() memory-maps the file. A whole check validates all of it before use: header and
// section checksums, the exact layout its counts imply, zero padding, word offsets, scales.
// A lazy check (version 2 files) validates the header, the layout and the block checksums'
// own checksum, then each 4 KiB block when a look-up first reads it, and each word offset and
// scale as it is used: a process that embeds a query reads a few dozen pages, not 48 MB.
// Either way look-ups check every id and stop probing after one pass over a table, so even a
// file forged to pass the checksums cannot make a reader crash, loop or allocate.
//
// The mapping is read-only and private; replace an installed model by renaming a new file
// over it (scripts/install-model.sh does), never by rewriting it in place: a mapped file
// truncated under a running reader would fault.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embed/model_format.hpp"
#include "format/block_checks.hpp"

namespace memvid::embed {

enum class ModelCheck : std::uint8_t { Whole, Lazy };

class WordModel {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

  // NotFound when the file does not exist, Io when it cannot be read, Corrupt (naming the file,
  // field and offset) when its bytes are not a valid model. With ModelCheck::Lazy, damage
  // found later (by a look-up) is Corrupt too. Version 1 files are always checked whole.
  static std::shared_ptr<const WordModel> open(const std::string& path, ModelCheck check = ModelCheck::Whole);
  // The same checks over bytes in memory; what names them in messages.
  static std::shared_ptr<const WordModel> from_bytes(std::vector<std::uint8_t> bytes, std::string what = "model bytes",
                                                     ModelCheck check = ModelCheck::Whole);
  std::uint32_t version() const { return version_; }

  std::string_view name() const { return name_; }
  std::uint32_t dimension() const { return dimension_; }
  std::uint32_t size() const { return words_; }  // ids are 0..size()-1, most frequent first
  std::uint32_t removed_components() const { return removed_components_; }
  std::string_view source() const;

  // The id of a word spelled exactly so, or kNotFound.
  std::uint32_t find(std::string_view word) const;
  // The most frequent alphabetic word whose Porter stem is stem, or kNotFound.
  std::uint32_t find_by_stem(std::string_view stem) const;

  // id < size() (InvalidArgument otherwise).
  std::string_view word(std::uint32_t id) const;
  float scale(std::uint32_t id) const;
  std::span<const std::int8_t> quantized(std::uint32_t id) const;
  std::vector<float> vector(std::uint32_t id) const;  // scale x quantized
  // acc[0..dimension) += weight x vector(id), the encoder's inner loop.
  void add_to(std::uint32_t id, float weight, float* acc) const;

 private:
  WordModel(std::shared_ptr<const void> owner, std::span<const std::uint8_t> bytes, std::string what, ModelCheck check);
  void validate(ModelCheck check);
  void check_whole(const mvem::Layout& layout);
  // Checks the blocks under [p, p + len) of a lazily checked file (once each).
  void touch(const void* p, std::size_t len) const {
    if (lazy_) blocks_.touch(static_cast<std::uint64_t>(static_cast<const std::uint8_t*>(p) - bytes_.data()) - mvem::kHeaderSize, len);
  }
  [[noreturn]] void corrupt(const std::string& field, std::uint64_t offset, const std::string& problem) const;
  void check_id(std::uint32_t id) const;
  std::uint32_t probe(const std::uint8_t* slots, std::uint32_t slot_count, std::uint64_t h, std::string_view key,
                      bool by_stem) const;

  std::shared_ptr<const void> owner_;  // keeps the mapping or buffer alive
  std::span<const std::uint8_t> bytes_;
  std::string what_;
  std::string name_;
  std::uint32_t dimension_ = 0;
  std::uint32_t words_ = 0;
  std::uint32_t vocabulary_slots_ = 0;
  std::uint32_t stem_slots_ = 0;
  std::uint32_t removed_components_ = 0;
  std::uint32_t version_ = 0;
  bool lazy_ = false;
  format::BlockChecks blocks_;
  std::uint64_t word_bytes_size_ = 0;
  const std::uint8_t* word_offsets_ = nullptr;
  const std::uint8_t* word_bytes_ = nullptr;
  const std::uint8_t* vocabulary_ = nullptr;
  const std::uint8_t* stems_ = nullptr;
  const std::uint8_t* scales_ = nullptr;
  const std::int8_t* vectors_ = nullptr;
  const std::uint8_t* source_ = nullptr;
  std::size_t source_size_ = 0;
};

}  // namespace memvid::embed
