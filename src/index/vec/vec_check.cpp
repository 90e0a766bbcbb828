// The first of a vector segment's defences: every trailer field, section place and section
// length is checked against the counts before any section is read, and every section
// against its hash before it is decoded (a hostile segment may carry correct checksums, so
// the layouts' decoders check contents again).
#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/layout.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Section;
using vec::kMaxHnswLevels;
using vec::kMaxHnswM;
using vec::kMaxPqLists;
using vec::kMaxPqSubDim;
using vec::kMaxRows;
using vec::mul;

vec::Trailer VecSegment::Impl::check_trailer(std::span<const std::uint8_t> trailer, const format::Checksum16* expected,
                                             std::uint32_t memory_dim, std::uint64_t body_length) {
  if (trailer.size() != vec::kTrailerSize) fail("trailer read short");
  if (std::memcmp(trailer.data(), vec::kTrailerMagic, sizeof vec::kTrailerMagic) != 0) fail("bad trailer magic");
  if (!format::checksum_matches(trailer.first(vec::kTrailerBody), trailer.data() + vec::kTrailerBody))
    fail("trailer fails its checksum");
  if (expected && !std::equal(expected->begin(), expected->end(), trailer.data() + vec::kTrailerBody))
    fail("is not the segment the TOC names (checksum differs)");
  const vec::Trailer t = vec::decode_trailer(trailer);
  if (t.version != vec::kVersion && t.version != vec::kQ8Version && t.version != vec::kFloatVersion)
    fail("unknown segment version " + std::to_string(t.version));
  version = t.version;
  if (!t.reserved_zero) fail("reserved trailer fields are not zero");
  if (t.layout > static_cast<std::uint8_t>(VecLayout::IvfPq)) fail("unknown layout " + std::to_string(t.layout));
  layout = static_cast<VecLayout>(t.layout);
  if (version == vec::kVersion && layout == VecLayout::IvfPq) fail("an IvfPq segment of version 3 (IvfPq is version 2)");
  if (t.dim != memory_dim)
    fail("holds " + std::to_string(t.dim) + "-dimensional vectors; the memory's have " + std::to_string(memory_dim));
  if (memory_dim == 0 || memory_dim > format::kMaxEmbeddingDimension)
    fail("dimension " + std::to_string(memory_dim) + " out of range");
  dim = memory_dim;
  if (t.rows == 0 || t.rows > kMaxRows) fail("row count " + std::to_string(t.rows) + " out of range");

  // The sections tile the body in order.
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    const vec::Part& p = t.parts[i];
    if (p.offset != at || p.length > body_length - at)
      fail(std::string(vec::section_name(version, t.layout, static_cast<Section>(i))) + " section out of place (offset " + std::to_string(p.offset) +
           ", length " + std::to_string(p.length) + ")");
    at += p.length;
  }
  if (at != body_length) fail("sections do not fill the segment");

  // Every section's size follows from the trailer's counts: check them all before reading.
  auto len = [&](Section sec) { return t.parts[sec].length; };
  auto expect_len = [&](Section sec, std::uint64_t want) {
    if (len(sec) != want)
      fail(std::string(vec::section_name(version, t.layout, sec)) + " section holds " + std::to_string(len(sec)) + " bytes, " +
           std::to_string(want) + " expected");
  };
  if (t.rows > len(vec::kFrames)) fail("row count " + std::to_string(t.rows) + " does not fit the frame column");
  std::uint64_t floats = 0;
  if (version == vec::kVersion) {
    expect_len(vec::kFrames, t.rows * 8);
    expect_len(vec::kVectors, t.rows * (std::uint64_t{dim} + 4));
    for (Section sec : {vec::kPqCentroids, vec::kLists}) expect_len(sec, 0);
    expect_len(vec::kBlockSums, format::block_sums_length(t.parts[vec::kBlockSums].offset));
    if (layout == VecLayout::Flat) {
      for (Section sec : {vec::kLevels, vec::kNeighbours, vec::kUpperIndex}) expect_len(sec, 0);
      if (t.params != std::array<std::uint32_t, 4>{}) fail("Flat layout with nonzero parameters");
      return t;
    }
    expect_len(vec::kLevels, t.rows);
    const std::uint32_t graph_m = t.params[vec::kHnswM];
    if (graph_m < 2 || graph_m > static_cast<std::uint32_t>(kMaxHnswM)) fail("HNSW M " + std::to_string(graph_m) + " out of range");
    if (t.params[vec::kHnswEntry] >= t.rows) fail("HNSW entry point is not a row");
    if (t.params[vec::kHnswMaxLevel] >= kMaxHnswLevels) fail("HNSW max level out of range");
    const std::uint64_t level0 = t.rows * 2 * graph_m * 4;
    if (len(vec::kNeighbours) % 4 != 0 || len(vec::kNeighbours) < level0)
      fail("graph neighbours hold " + std::to_string(len(vec::kNeighbours)) + " bytes; level 0 alone needs " +
           std::to_string(level0));
    if (len(vec::kUpperIndex) % 16 != 0 || len(vec::kUpperIndex) / 16 > t.rows)
      fail("upper-level index of " + std::to_string(len(vec::kUpperIndex)) + " bytes does not fit " +
           std::to_string(t.rows) + " rows");
    return t;
  }
  switch (layout) {
    case VecLayout::Flat:
    case VecLayout::Hnsw: {
      // Version 1: rows x dim floats; version 2: a float scale and dim bytes per row.
      if (version == vec::kFloatVersion ? !mul(t.rows, dim, floats) || !mul(floats, 4, floats)
                                        : !mul(t.rows, std::uint64_t{dim} + 4, floats))
        fail("vector section size overflows");
      expect_len(vec::kVectors, floats);
      for (Section sec : {vec::kCoarse, vec::kPqCentroids, vec::kLists, vec::kCodes}) expect_len(sec, 0);
      if (layout == VecLayout::Flat) {
        expect_len(vec::kLevels, 0);
        expect_len(vec::kNeighbours, 0);
        if (t.params != std::array<std::uint32_t, 4>{}) fail("Flat layout with nonzero parameters");
      } else {
        expect_len(vec::kLevels, t.rows);
        if (len(vec::kNeighbours) % 4 != 0) fail("graph neighbours are not whole 32-bit slots");
        const std::uint32_t graph_m = t.params[vec::kHnswM];
        if (graph_m < 2 || graph_m > static_cast<std::uint32_t>(kMaxHnswM))
          fail("HNSW M " + std::to_string(graph_m) + " out of range");
        if (t.params[vec::kHnswEntry] >= t.rows) fail("HNSW entry point is not a row");
        if (t.params[vec::kHnswMaxLevel] >= kMaxHnswLevels) fail("HNSW max level out of range");
      }
      break;
    }
    case VecLayout::IvfPq: {
      for (Section sec : {vec::kVectors, vec::kLevels, vec::kNeighbours}) expect_len(sec, 0);
      const std::uint32_t lists = t.params[vec::kPqLists], pq_m = t.params[vec::kPqSubquantizers],
                          nbits = t.params[vec::kPqBits], dsub = t.params[vec::kPqSubDim];
      if (dsub == 0 || dsub > kMaxPqSubDim) fail("PQ sub-vector size " + std::to_string(dsub) + " out of range");
      if (pq_m == 0 || pq_m > (dim + dsub - 1) / dsub || std::uint64_t{pq_m} * dsub < dim)
        fail("PQ of " + std::to_string(pq_m) + " sub-quantizers of " + std::to_string(dsub) +
             " floats does not fit dimension " + std::to_string(dim));
      if (nbits == 0 || nbits > 8) fail("PQ code width " + std::to_string(nbits) + " bits out of range");
      if (lists == 0 || lists > kMaxPqLists || lists > t.rows) fail("list count " + std::to_string(lists) + " out of range");
      padded_dim = pq_m * dsub;
      nlist = lists;
      expect_len(vec::kCoarse, std::uint64_t{nlist} * padded_dim * 4);
      expect_len(vec::kPqCentroids, (std::uint64_t{pq_m} << nbits) * dsub * 4);
      std::uint64_t code_bytes = 0;
      if (!mul(t.rows, (std::uint64_t{pq_m} * nbits + 7) / 8, code_bytes)) fail("code section size overflows");
      expect_len(vec::kCodes, code_bytes);
      if (len(vec::kLists) < nlist) fail("inverted lists shorter than their count");
      break;
    }
  }
  return t;
}

void VecSegment::Impl::check_sections(const vec::Trailer& t, std::span<const std::uint8_t> body) const {
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    const vec::Part& p = t.parts[i];
    if (vec::section_hash(body.subspan(p.offset, p.length)) != p.hash)
      fail(std::string(vec::section_name(version, t.layout, static_cast<Section>(i))) + " at segment offset " +
           std::to_string(p.offset) + " fails its checksum");
  }
}

void VecSegment::Impl::place(const vec::Trailer& t, std::shared_ptr<const FileView> bytes, bool whole) {
  view = std::move(bytes);
  seg_bytes = view->data();
  const vec::Part& sums = t.parts[vec::kBlockSums];
  if (vec::section_hash(std::span(seg_bytes + sums.offset, sums.length)) != sums.hash)
    fail("block checksums at segment offset " + std::to_string(sums.offset) + " fail their checksum");
  blocks = format::BlockChecks(std::span(seg_bytes, sums.offset), seg_bytes + sums.offset, what);
  keys_at = t.parts[vec::kFrames].offset;
  scales_at = t.parts[vec::kVectors].offset;
  codes_at = scales_at + 4 * std::uint64_t{nrows};
  if (layout == VecLayout::Hnsw) {
    m = t.params[vec::kHnswM];
    ef_construction = t.params[vec::kHnswEfConstruction];
    entry = t.params[vec::kHnswEntry];
    max_level = t.params[vec::kHnswMaxLevel];
    levels_at = t.parts[vec::kLevels].offset;
    links_at = t.parts[vec::kNeighbours].offset;
    upper_links_at = links_at + std::uint64_t{nrows} * 2 * m * 4;
    upper_slots = (t.parts[vec::kNeighbours].length - std::uint64_t{nrows} * 2 * m * 4) / 4;
    upper_index_at = t.parts[vec::kUpperIndex].offset;
    upper_rows = t.parts[vec::kUpperIndex].length / 16;
    if (level_count(entry) != max_level + 1)
      fail("HNSW entry point " + std::to_string(entry) + " is not on the top level " + std::to_string(max_level));
  }
  if (whole) {
    check_sections(t, std::span(seg_bytes, sums.offset + sums.length));
    check_everything();
  }
}

// What a search would find wrong, found now: every block, key order, scale, level and link.
void VecSegment::Impl::check_everything() const {
  blocks.touch_all();
  std::uint64_t previous = 0;
  for (std::size_t r = 0; r < nrows; ++r) {
    const std::uint64_t k = key(r);
    if (r > 0 && k <= previous) fail("row keys do not ascend at row " + std::to_string(r));
    previous = k;
    float scale = 0;
    (void)codes(static_cast<std::uint32_t>(r), scale);
  }
  if (layout != VecLayout::Hnsw) return;
  std::uint64_t tall = 0, next_slot = 0, top = 0;
  for (std::uint32_t r = 0; r < nrows; ++r) {
    const std::uint32_t l = level_count(r);
    top = std::max<std::uint64_t>(top, l);
    if (l < 2) continue;
    if (tall >= upper_rows) fail("the upper-level index misses row " + std::to_string(r));
    const std::uint8_t* e = seg_bytes + upper_index_at + 16 * tall;
    if (format::load_u64(e) != r || format::load_u64(e + 8) != next_slot)
      fail("upper-level index entry " + std::to_string(tall) + " should name row " + std::to_string(r) + " at slot " +
           std::to_string(next_slot));
    next_slot += std::uint64_t{m} * (l - 1);
    ++tall;
  }
  if (tall != upper_rows) fail("the upper-level index lists rows without upper levels");
  if (next_slot != upper_slots)
    fail("graph neighbours hold " + std::to_string(upper_slots) + " upper-level slots; the levels call for " +
         std::to_string(next_slot));
  if (top != max_level + 1) fail("HNSW max level " + std::to_string(max_level) + " is not the top level");
  for (std::uint32_t r = 0; r < nrows; ++r) {
    const std::uint32_t l = level_count(r);
    for (std::uint32_t level = 0; level < l; ++level) {
      const std::uint8_t* slots = links(r, level);
      const std::uint32_t count = level == 0 ? 2 * m : m;
      for (std::uint32_t j = 0; j < count; ++j) (void)link(slots, j, level);
    }
  }
}

}  // namespace memvid::index
