#pragma once
// The fixed trailer of a vector segment, and the scoring kernel every layout shares. The
// writer, the reader and the tests use these; the tests re-seal edited segments with
// reseal_vec_segment to reach the structural checks behind the checksums. The byte layout
// is described at the top of vec_segment.cpp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "index/vec/vec_segment.hpp"

#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

namespace memvid::index::vec {

// Sections in file order; a layout leaves the ones it does not use empty.
enum Section : std::size_t {
  kFrames,
  kVectors,
  kLevels,
  kNeighbours,
  kCoarse,
  kPqCentroids,
  kLists,
  kCodes,
  kSectionCount
};
inline constexpr const char* kSectionNames[kSectionCount] = {"frame column",     "vectors",      "graph levels",
                                                             "graph neighbours", "coarse centroids", "PQ centroids",
                                                             "inverted lists",   "PQ codes"};

// Layout parameters (Trailer::params): their meaning depends on the layout.
inline constexpr std::size_t kHnswM = 0, kHnswEfConstruction = 1, kHnswEntry = 2, kHnswMaxLevel = 3;
inline constexpr std::size_t kPqLists = 0, kPqSubquantizers = 1, kPqBits = 2, kPqSubDim = 3;

inline constexpr char kTrailerMagic[8] = {'M', 'V', 'V', 'E', 'C', 'S', 'G', '1'};
// Version 3 (written now for Flat and Hnsw): fixed-width row keys, level-0 links at fixed
// places and a checksum per 4 KiB block, so that a search reads the segment where it lies and
// checks only the blocks it touches. Version 2 (written for IvfPq, read for all): varint row
// keys, 8-bit vectors, graphs in faiss's layout. Version 1 (read): frame ids, float vectors.
inline constexpr std::uint32_t kVersion = 3;
inline constexpr std::uint32_t kQ8Version = 2;
inline constexpr std::uint32_t kFloatVersion = 1;
// Version 3 gives two slots that Flat and Hnsw leave empty a meaning of their own.
inline constexpr Section kUpperIndex = kCoarse;  // Hnsw: per row above level 0, u64 row and u64 first upper slot
inline constexpr Section kBlockSums = kCodes;    // XXH3-64 of each block of the sections before it
// A section's name in messages, as the segment's version and layout use the slot.
const char* section_name(std::uint32_t version, std::uint8_t layout, Section s);
inline constexpr std::size_t kTrailerBody = 48 + 24 * kSectionCount;
inline constexpr std::size_t kTrailerSize = kTrailerBody + 16;

struct Part {
  std::uint64_t offset = 0;  // from the segment's start
  std::uint64_t length = 0;
  std::uint64_t hash = 0;  // XXH3-64 of the section's bytes
};

struct Trailer {
  std::uint8_t layout = 0;  // VecLayout, unchecked until the reader validates it
  std::uint32_t version = kVersion;
  std::uint32_t dim = 0;
  std::uint64_t rows = 0;
  std::array<std::uint32_t, 4> params{};
  std::array<Part, kSectionCount> parts{};
  bool reserved_zero = true;  // the padding fields read as zero
};

// The trailer's bytes, its BLAKE3/16 checksum last.
std::vector<std::uint8_t> encode_trailer(const Trailer& t);
// Field by field, without judging anything (the reader checks magic and checksum first).
Trailer decode_trailer(std::span<const std::uint8_t> bytes);
std::uint64_t section_hash(std::span<const std::uint8_t> bytes);
// Recomputes the block checksums (version 3), every section hash and the trailer checksum
// of a whole segment, keeping the rest of the trailer as it reads (for tests that forge
// well-sealed hostile segments).
void reseal_vec_segment(std::span<std::uint8_t> segment);


// HNSW slots of a node on `levels` levels (faiss: 2M on level 0, M on each level above).
inline std::uint64_t hnsw_slots(std::uint64_t m, std::uint64_t levels) { return m * (levels + 1); }
inline std::uint64_t hnsw_level_begin(std::uint64_t m, std::uint64_t level) { return level == 0 ? 0 : m * (level + 1); }

// The inner product every layout scores floats with, in one fixed summation order, so a
// vector scores the same in a Flat scan, an HNSW walk and a test's brute force.
inline float dot(const float* a, const float* b, std::size_t n) {
  std::size_t i = 0;
#if defined(__SSE__) || defined(_M_X64)
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
  }
  if (i + 4 <= n) {
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    i += 4;
  }
  acc0 = _mm_add_ps(acc0, acc1);
  alignas(16) float lane[4];
  _mm_store_ps(lane, acc0);
#else
  // The same order as the SSE path, lane by lane.
  float lane[4] = {0, 0, 0, 0}, high[4] = {0, 0, 0, 0};
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 4; ++j) {
      lane[j] += a[i + j] * b[i + j];
      high[j] += a[i + 4 + j] * b[i + 4 + j];
    }
  if (i + 4 <= n) {
    for (int j = 0; j < 4; ++j) lane[j] += a[i + j] * b[i + j];
    i += 4;
  }
  for (int j = 0; j < 4; ++j) lane[j] += high[j];
#endif
  float s = (lane[0] + lane[1]) + (lane[2] + lane[3]);
  for (; i < n; ++i) s += a[i] * b[i];
  // A NaN (inf - inf from huge values) would break the ordering every search sorts by.
  return s == s ? s : -std::numeric_limits<float>::infinity();
}

// dot(q, v) for the row v that 8-bit codes and a scale stand for, computed without making v:
// each component is float(code) x scale, rounded as dequantize_row rounds it, and summed in
// dot's order, so the two give the same bits.
inline float dot_q8(const float* q, const std::int8_t* codes, float scale, std::size_t n) {
  std::size_t i = 0;
#if defined(__SSE2__) || defined(_M_X64)
  const __m128 s4 = _mm_set1_ps(scale);
  // Sign-extends the low four bytes of c to 32-bit lanes, as floats times the scale.
  auto widen = [&](__m128i c8, bool high) {
    const __m128i c16 = _mm_srai_epi16(_mm_unpacklo_epi8(c8, c8), 8);
    const __m128i c32 = high ? _mm_srai_epi32(_mm_unpackhi_epi16(c16, c16), 16) : _mm_srai_epi32(_mm_unpacklo_epi16(c16, c16), 16);
    return _mm_mul_ps(_mm_cvtepi32_ps(c32), s4);
  };
  __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    std::int64_t eight;
    std::memcpy(&eight, codes + i, 8);
    const __m128i c8 = _mm_cvtsi64_si128(eight);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(q + i), widen(c8, false)));
    acc1 = _mm_add_ps(acc1, _mm_mul_ps(_mm_loadu_ps(q + i + 4), widen(c8, true)));
  }
  if (i + 4 <= n) {
    std::int32_t four;
    std::memcpy(&four, codes + i, 4);
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(q + i), widen(_mm_cvtsi32_si128(four), false)));
    i += 4;
  }
  acc0 = _mm_add_ps(acc0, acc1);
  alignas(16) float lane[4];
  _mm_store_ps(lane, acc0);
#else
  float lane[4] = {0, 0, 0, 0}, high[4] = {0, 0, 0, 0};
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 4; ++j) {
      lane[j] += q[i + j] * (static_cast<float>(codes[i + j]) * scale);
      high[j] += q[i + 4 + j] * (static_cast<float>(codes[i + 4 + j]) * scale);
    }
  if (i + 4 <= n) {
    for (int j = 0; j < 4; ++j) lane[j] += q[i + j] * (static_cast<float>(codes[i + j]) * scale);
    i += 4;
  }
  for (int j = 0; j < 4; ++j) lane[j] += high[j];
#endif
  float s = (lane[0] + lane[1]) + (lane[2] + lane[3]);
  for (; i < n; ++i) s += q[i] * (static_cast<float>(codes[i]) * scale);
  return s == s ? s : -std::numeric_limits<float>::infinity();
}

// dot_q8, computed with AVX2 where the processor has it (the same lanes in one register, so
// the same bits): the kernel of exact scans, chosen once per process.
using DotQ8 = float (*)(const float* q, const std::int8_t* codes, float scale, std::size_t n);
DotQ8 fastest_dot_q8();

}  // namespace memvid::index::vec
