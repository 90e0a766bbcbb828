#pragma once
// The bytes of an index segment's fact part (docs/FORMAT.md, "Fact part"): the facts its
// frames state, grouped by entity behind a directory of entities, so that the facts of one
// entity are read without decoding the others.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "facts/fact_model.hpp"
#include "format/checksum.hpp"

namespace memvid::index {

// rows need not be sorted: the encoding sorts a copy.
std::vector<std::uint8_t> encode_fact_segment(std::vector<facts::FactRow> rows);
// The checksum that closes the bytes (what the manifest's part reference records).
format::Checksum16 fact_segment_checksum(std::span<const std::uint8_t> encoded);

// A fact part opened for reading: its checksum (and expected, when given), magic, version
// and directory are checked on construction; each entity's facts are decoded when asked.
// The checksum checked is the XXH3-64 of a version 2 part, and also the BLAKE3 trailer with
// full_check (verify) or for a version 1 part (which has no other).
// Every length and index read from the bytes is checked; a violation throws Corrupt naming
// file_offset. Holds a view of bytes: they must outlive it.
class FactSegmentReader {
 public:
  FactSegmentReader(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                    const format::Checksum16* expected = nullptr, bool full_check = false);

  std::uint64_t fact_count() const { return facts_; }
  // The facts about entity (its canonical key), in (slot, frame, ordinal) order.
  std::vector<facts::FactRow> rows_of(const std::string& entity) const;
  // Every fact, in (entity, slot, frame, ordinal) order; checks that order.
  std::vector<facts::FactRow> all_rows() const;

 private:
  struct Entry {
    std::string entity;
    std::uint64_t rows = 0, offset = 0, length = 0;  // its run in the rows region
  };
  void decode_run(const Entry& e, std::vector<facts::FactRow>& out) const;

  std::span<const std::uint8_t> rows_region_;
  std::uint64_t rows_base_ = 0, facts_ = 0;
  std::vector<Entry> directory_;  // sorted by entity
};

// Decodes and checks a whole part (verify and tests).
std::vector<facts::FactRow> decode_fact_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                                const format::Checksum16* expected = nullptr);

// The order rows are stored and searched in.
bool fact_row_less(const facts::FactRow& a, const facts::FactRow& b);

}  // namespace memvid::index
