#pragma once
// The bytes of an index segment's fact part (docs/FORMAT.md, "Fact part"): the facts its
// frames state, sorted by (entity, slot, frame, ordinal), with every string stored once.
#include <cstdint>
#include <span>
#include <vector>

#include "facts/fact_model.hpp"
#include "format/checksum.hpp"

namespace memvid::index {

// rows need not be sorted: the encoding sorts a copy.
std::vector<std::uint8_t> encode_fact_segment(std::vector<facts::FactRow> rows);
// The checksum that closes the bytes (what the manifest's part reference records).
format::Checksum16 fact_segment_checksum(std::span<const std::uint8_t> encoded);
// Verifies magic, version, every length and index, the sort order and the checksum (against
// expected too, when given); throws Corrupt naming file_offset otherwise.
std::vector<facts::FactRow> decode_fact_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                                const format::Checksum16* expected = nullptr);

// The order rows are stored and searched in.
bool fact_row_less(const facts::FactRow& a, const facts::FactRow& b);

}  // namespace memvid::index
