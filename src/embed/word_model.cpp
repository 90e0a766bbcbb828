#include "embed/word_model.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "embed/model_format.hpp"
#include "embed/word_forms.hpp"
#include "memvid/error.hpp"

namespace memvid::embed {
namespace {

struct Mapping {
  void* addr = nullptr;
  std::size_t size = 0;
  Mapping(void* a, std::size_t s) : addr(a), size(s) {}
  ~Mapping() { ::munmap(addr, size); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
};

std::string hex(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
  return s;
}

}  // namespace

std::shared_ptr<const WordModel> WordModel::open(const std::string& path, ModelCheck check) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                "model file " + path + ": cannot open: " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(ErrorCode::Io, "model file " + path + ": cannot stat: " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::Io, "model file " + path + ": not a regular file");
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < mvem::kHeaderSize) {
    ::close(fd);
    throw Error(ErrorCode::Corrupt, "model file " + path + ": " + std::to_string(size) + " bytes, shorter than the " +
                                        std::to_string(mvem::kHeaderSize) + "-byte header (truncated?)");
  }
  // The header says whether the file can be checked lazily; a whole check reads every page,
  // and populating the mapping up front costs less than faulting them in one by one.
  std::uint8_t header[12];
  const bool whole = check == ModelCheck::Whole || ::pread(fd, header, sizeof header, 0) != sizeof header ||
                     mvem::load_u32(header + 8) == mvem::kWholeCheckedVersion;
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | (whole ? MAP_POPULATE : 0), fd, 0);
  const int err = errno;
  ::close(fd);
  if (addr == MAP_FAILED) throw Error(ErrorCode::Io, "model file " + path + ": cannot map: " + std::strerror(err));
  auto mapping = std::make_shared<Mapping>(addr, size);
  std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(addr), size);
  return std::shared_ptr<const WordModel>(new WordModel(std::move(mapping), bytes, "model file " + path, check));
}

std::shared_ptr<const WordModel> WordModel::from_bytes(std::vector<std::uint8_t> bytes, std::string what, ModelCheck check) {
  auto owned = std::make_shared<std::vector<std::uint8_t>>(std::move(bytes));
  std::span<const std::uint8_t> view(owned->data(), owned->size());
  return std::shared_ptr<const WordModel>(new WordModel(std::move(owned), view, std::move(what), check));
}

WordModel::WordModel(std::shared_ptr<const void> owner, std::span<const std::uint8_t> bytes, std::string what,
                     ModelCheck check)
    : owner_(std::move(owner)), bytes_(bytes), what_(std::move(what)) {
  validate(check);
}

void WordModel::corrupt(const std::string& field, std::uint64_t offset, const std::string& problem) const {
  throw Error(ErrorCode::Corrupt, what_ + ": " + field + " at offset " + std::to_string(offset) + ": " + problem);
}

void WordModel::validate(ModelCheck check) {
  const std::uint8_t* b = bytes_.data();
  const std::uint64_t size = bytes_.size();
  if (size < mvem::kHeaderSize)
    corrupt("header", 0, std::to_string(size) + " bytes, shorter than the " + std::to_string(mvem::kHeaderSize) +
                             "-byte header (truncated?)");
  if (std::memcmp(b, mvem::kMagic.data(), mvem::kMagic.size()) != 0)
    corrupt("magic", 0, "not a memvid embedding model (expected \"MVEMBED\")");
  const std::uint64_t header_hash = mvem::hash(bytes_.first(mvem::kHeaderHashOffset));
  if (header_hash != mvem::load_u64(b + mvem::kHeaderHashOffset))
    corrupt("header checksum", mvem::kHeaderHashOffset,
            "stored " + hex(mvem::load_u64(b + mvem::kHeaderHashOffset)) + ", computed " + hex(header_hash));
  version_ = mvem::load_u32(b + 8);
  if (version_ != mvem::kVersion && version_ != mvem::kWholeCheckedVersion)
    corrupt("format version", 8, std::to_string(version_) + "; this build reads versions 1 and " + std::to_string(mvem::kVersion));
  const std::size_t sections = mvem::section_count(version_);
  if (const std::uint32_t hs = mvem::load_u32(b + 12); hs != mvem::kHeaderSize)
    corrupt("header size", 12, std::to_string(hs) + ", expected " + std::to_string(mvem::kHeaderSize));

  dimension_ = mvem::load_u32(b + 16);
  words_ = mvem::load_u32(b + 20);
  vocabulary_slots_ = mvem::load_u32(b + 24);
  stem_slots_ = mvem::load_u32(b + 28);
  const std::uint32_t stems = mvem::load_u32(b + 32);
  removed_components_ = mvem::load_u32(b + 36);
  if (dimension_ == 0 || dimension_ > mvem::kMaxDimension)
    corrupt("dimension", 16, std::to_string(dimension_) + " is outside 1.." + std::to_string(mvem::kMaxDimension));
  if (words_ == 0 || words_ > mvem::kMaxWords)
    corrupt("word count", 20, std::to_string(words_) + " is outside 1.." + std::to_string(mvem::kMaxWords));
  if (vocabulary_slots_ != mvem::slots_for(words_))
    corrupt("vocabulary slots", 24, std::to_string(vocabulary_slots_) + ", expected " +
                                        std::to_string(mvem::slots_for(words_)) + " for " + std::to_string(words_) + " words");
  if (stems > words_) corrupt("stem count", 32, std::to_string(stems) + " exceeds the word count " + std::to_string(words_));
  if (stem_slots_ != mvem::slots_for(stems))
    corrupt("stem slots", 28, std::to_string(stem_slots_) + ", expected " + std::to_string(mvem::slots_for(stems)) +
                                  " for " + std::to_string(stems) + " stems");
  if (removed_components_ > dimension_)
    corrupt("removed components", 36, std::to_string(removed_components_) + " exceeds the dimension");

  const std::uint8_t* name = b + mvem::kNameOffset;
  std::size_t name_len = 0;
  while (name_len < mvem::kNameSize && name[name_len] != 0) {
    if (name[name_len] < 0x21 || name[name_len] > 0x7E)
      corrupt("model name", mvem::kNameOffset + name_len, "byte " + std::to_string(name[name_len]) + " is not printable ASCII");
    ++name_len;
  }
  if (name_len == 0 || name_len == mvem::kNameSize) corrupt("model name", mvem::kNameOffset, "empty or not NUL-terminated");
  for (std::size_t i = name_len; i < mvem::kNameSize; ++i) {
    if (name[i] != 0) corrupt("model name", mvem::kNameOffset + i, "padding is not zero");
  }
  name_.assign(reinterpret_cast<const char*>(name), name_len);
  for (std::size_t i = mvem::kSectionTableOffset + 24 * sections; i < mvem::kHeaderHashOffset; ++i) {
    if (b[i] != 0) corrupt("header", i, "reserved byte is not zero");
  }

  auto entry = [&](std::size_t s, int field) { return mvem::load_u64(b + mvem::kSectionTableOffset + 24 * s + 8 * static_cast<std::size_t>(field)); };
  mvem::Counts counts;
  counts.dimension = dimension_;
  counts.words = words_;
  counts.vocabulary_slots = vocabulary_slots_;
  counts.stem_slots = stem_slots_;
  counts.word_bytes = entry(mvem::WordBytes, 1);
  counts.source_bytes = entry(mvem::Source, 1);
  if (counts.word_bytes > 0xFFFFFFFFu || counts.word_bytes > size)
    corrupt("word bytes length", mvem::kSectionTableOffset + 24 * mvem::WordBytes + 8,
            std::to_string(counts.word_bytes) + " exceeds the file (" + std::to_string(size) + " bytes; truncated?)");
  if (counts.source_bytes > size)
    corrupt("source length", mvem::kSectionTableOffset + 24 * mvem::Source + 8,
            std::to_string(counts.source_bytes) + " exceeds the file (" + std::to_string(size) + " bytes; truncated?)");
  const mvem::Layout layout = mvem::plan(counts, version_);
  if (layout.file_size != size)
    corrupt("file size", size, std::to_string(size) + " bytes; the header's counts need " + std::to_string(layout.file_size) +
                                   (size < layout.file_size ? " (truncated?)" : " (trailing bytes)"));
  for (std::size_t s = 0; s < sections; ++s) {
    const std::string field = std::string(mvem::kSectionNames[s]) + " section";
    const std::uint64_t table_at = mvem::kSectionTableOffset + 24 * s;
    if (entry(s, 0) != layout.offset[s] || entry(s, 1) != layout.length[s])
      corrupt(field, table_at, "recorded at " + std::to_string(entry(s, 0)) + " (+" + std::to_string(entry(s, 1)) +
                                   "), expected " + std::to_string(layout.offset[s]) + " (+" + std::to_string(layout.length[s]) + ")");
  }

  word_offsets_ = b + layout.offset[mvem::WordOffsets];
  word_bytes_ = b + layout.offset[mvem::WordBytes];
  word_bytes_size_ = counts.word_bytes;
  vocabulary_ = b + layout.offset[mvem::Vocabulary];
  stems_ = b + layout.offset[mvem::Stems];
  scales_ = b + layout.offset[mvem::Scales];
  vectors_ = reinterpret_cast<const std::int8_t*>(b + layout.offset[mvem::Vectors]);
  source_ = b + layout.offset[mvem::Source];
  source_size_ = layout.length[mvem::Source];

  if (version_ != mvem::kWholeCheckedVersion) {
    const std::uint64_t sums_at = layout.offset[mvem::BlockSums];
    const std::uint64_t computed = mvem::hash(bytes_.subspan(sums_at, layout.length[mvem::BlockSums]));
    if (computed != entry(mvem::BlockSums, 2))
      corrupt("block checksums section", sums_at,
              "checksum mismatch: stored " + hex(entry(mvem::BlockSums, 2)) + ", computed " + hex(computed));
    blocks_ = format::BlockChecks(bytes_.subspan(mvem::kHeaderSize, sums_at - mvem::kHeaderSize), b + sums_at, what_);
    lazy_ = check == ModelCheck::Lazy;
  }
  if (!lazy_) check_whole(layout);
}

// Every section's checksum and padding, every word offset and scale (and every block).
void WordModel::check_whole(const mvem::Layout& layout) {
  const std::uint8_t* b = bytes_.data();
  auto entry = [&](std::size_t s, int field) { return mvem::load_u64(b + mvem::kSectionTableOffset + 24 * s + 8 * static_cast<std::size_t>(field)); };
  std::uint64_t previous_end = mvem::kHeaderSize;
  for (std::size_t s = 0; s < mvem::section_count(version_); ++s) {
    const std::string field = std::string(mvem::kSectionNames[s]) + " section";
    for (std::uint64_t i = previous_end; i < layout.offset[s]; ++i) {
      if (b[i] != 0) corrupt(field, i, "padding before the section is not zero");
    }
    const std::uint64_t computed = mvem::hash(bytes_.subspan(layout.offset[s], layout.length[s]));
    if (computed != entry(s, 2))
      corrupt(field, layout.offset[s], "checksum mismatch: stored " + hex(entry(s, 2)) + ", computed " + hex(computed));
    previous_end = layout.offset[s] + layout.length[s];
  }

  if (version_ != mvem::kWholeCheckedVersion) blocks_.touch_all();
  if (mvem::load_u32(word_offsets_) != 0) corrupt("word offsets", layout.offset[mvem::WordOffsets], "the first is not 0");
  std::uint32_t previous = 0;
  for (std::uint32_t i = 1; i <= words_; ++i) {
    const std::uint32_t off = mvem::load_u32(word_offsets_ + 4 * std::size_t{i});
    if (off <= previous || off - previous > mvem::kMaxWordBytes)
      corrupt("word offsets", layout.offset[mvem::WordOffsets] + 4 * std::size_t{i},
              "word " + std::to_string(i - 1) + " would be " + std::to_string(static_cast<std::int64_t>(off) - previous) +
                  " bytes (1..255 allowed)");
    previous = off;
  }
  if (previous != word_bytes_size_)
    corrupt("word offsets", layout.offset[mvem::WordOffsets] + 4 * std::size_t{words_},
            "the words end at " + std::to_string(previous) + ", the word bytes at " + std::to_string(word_bytes_size_));
  for (std::uint32_t i = 0; i < words_; ++i) {
    const float s = mvem::load_f32(scales_ + 4 * std::size_t{i});
    if (!std::isfinite(s) || s < 0)
      corrupt("scales", layout.offset[mvem::Scales] + 4 * std::size_t{i}, "scale of word " + std::to_string(i) + " is not finite and >= 0");
  }
}

std::string_view WordModel::source() const {
  touch(source_, source_size_);
  return {reinterpret_cast<const char*>(source_), source_size_};
}

void WordModel::check_id(std::uint32_t id) const {
  if (id >= words_)
    throw Error(ErrorCode::InvalidArgument, what_ + ": word id " + std::to_string(id) + " is out of range (" +
                                                std::to_string(words_) + " words)");
}

std::string_view WordModel::word(std::uint32_t id) const {
  check_id(id);
  touch(word_offsets_ + 4 * std::size_t{id}, 8);
  const std::uint32_t begin = mvem::load_u32(word_offsets_ + 4 * std::size_t{id});
  const std::uint32_t end = mvem::load_u32(word_offsets_ + 4 * (std::size_t{id} + 1));
  if (lazy_ && (end <= begin || end - begin > mvem::kMaxWordBytes || end > word_bytes_size_))
    corrupt("word offsets", static_cast<std::uint64_t>(word_offsets_ - bytes_.data()) + 4 * std::uint64_t{id},
            "word " + std::to_string(id) + " would be bytes " + std::to_string(begin) + ".." + std::to_string(end));
  touch(word_bytes_ + begin, end - begin);
  return {reinterpret_cast<const char*>(word_bytes_) + begin, end - begin};
}

float WordModel::scale(std::uint32_t id) const {
  check_id(id);
  touch(scales_ + 4 * std::size_t{id}, 4);
  const float s = mvem::load_f32(scales_ + 4 * std::size_t{id});
  if (lazy_ && !(std::isfinite(s) && s >= 0))
    corrupt("scales", static_cast<std::uint64_t>(scales_ - bytes_.data()) + 4 * std::uint64_t{id},
            "scale of word " + std::to_string(id) + " is not finite and >= 0");
  return s;
}

std::span<const std::int8_t> WordModel::quantized(std::uint32_t id) const {
  check_id(id);
  touch(vectors_ + std::size_t{id} * dimension_, dimension_);
  return {vectors_ + std::size_t{id} * dimension_, dimension_};
}

std::vector<float> WordModel::vector(std::uint32_t id) const {
  std::vector<float> out(dimension_, 0.0f);
  add_to(id, 1.0f, out.data());
  return out;
}

void WordModel::add_to(std::uint32_t id, float weight, float* acc) const {
  const float f = weight * scale(id);
  const std::int8_t* q = quantized(id).data();
  for (std::uint32_t j = 0; j < dimension_; ++j) acc[j] += f * static_cast<float>(q[j]);
}

std::uint32_t WordModel::probe(const std::uint8_t* slots, std::uint32_t slot_count, std::uint64_t h, std::string_view key,
                               bool by_stem) const {
  const std::uint32_t mask = slot_count - 1;
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  std::uint32_t s = static_cast<std::uint32_t>(h) & mask;
  // One pass at most: a forged table without an empty slot must not make this loop forever.
  for (std::uint32_t n = 0; n < slot_count; ++n, s = (s + 1) & mask) {
    const std::uint8_t* slot = slots + std::size_t{s} * mvem::kSlotBytes;
    touch(slot, mvem::kSlotBytes);
    const std::uint32_t id = mvem::load_u32(slot + 4);
    if (id == mvem::kEmptySlot) return kNotFound;
    if (mvem::load_u32(slot) != tag || id >= words_) continue;
    const std::string_view w = word(id);
    if (by_stem ? porter_stem(w) == key : w == key) return id;
  }
  return kNotFound;
}

std::uint32_t WordModel::find(std::string_view w) const {
  return probe(vocabulary_, vocabulary_slots_, mvem::hash(w), w, false);
}

std::uint32_t WordModel::find_by_stem(std::string_view stem) const {
  if (stem.empty()) return kNotFound;
  return probe(stems_, stem_slots_, mvem::hash(stem), stem, true);
}

}  // namespace memvid::embed
