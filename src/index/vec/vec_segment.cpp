// Vector segment byte layout (little-endian). Eight sections follow each other with no gaps,
// in this order, then the trailer; a layout leaves the sections it does not use empty.
//
//   frames       per row: varint frame id (the first row) or gap to the previous row's
//                frame (>= 0), then (version 2) varint passage number; rows ascend by
//                (frame, passage). Version 1: varint frame id or (>= 1) gap only
//   vectors      Flat, Hnsw: version 2: rows x f32 scale, then rows x dim i8 codes (component
//                i of a row is code[i] x scale); version 1: rows x dim f32, row order
//   levels       Hnsw: rows x u8, the number of graph levels of each row (1..64)
//   neighbours   Hnsw: i32 slots, row by row: 2M on level 0, then M for each level above
//                (faiss's HNSW arrays); -1 marks an empty slot, a list ends at its first -1
//   coarse       IvfPq: nlist x dp f32 coarse centroids (dp = dim rounded up to a multiple
//                of dsub; vectors are zero-padded to dp, which leaves inner products as
//                they are)
//   pq           IvfPq: M x 2^nbits x dsub f32 product-quantizer centroids
//   lists        IvfPq: per inverted list: varint count, then count varints: the first row
//                number, then the (>= 1) gap to each next; every row in exactly one list
//   codes        IvfPq: ceil(M x nbits / 8) bytes per row, lists in order, rows in list
//                order (faiss's residual PQ codes, inner-product metric)
//
//   trailer (256 bytes):
//     0   magic "MVVECSG1"          8
//     8   version u32 (2; 1 is read)
//     12  layout u8 (0 Flat, 1 Hnsw, 2 IvfPq), 3 zero bytes
//     16  dim u32, then u32 0
//     24  rows u64 (>= 1)
//     32  4 x u32 layout parameters
//           Hnsw:  M, efConstruction, entry point row, max level (levels of the entry - 1)
//           IvfPq: nlist, M (sub-quantizers), nbits, dsub
//           Flat:  zeros
//     48  8 x {offset u64, length u64, XXH3-64 u64}, the sections above in order
//     240 BLAKE3 of bytes 0..239, first 16 bytes: the segment's checksum (the manifest's)
//
// Graphs and product quantizers are built from the vectors as stored (dequantized), so a
// search scores exactly what a scan would.
//
// Reading validates every count, length, row number, neighbour and level before anything
// uses it (a hostile segment may carry correct checksums), and rebuilds the in-memory
#include <cmath>

#include <faiss/impl/FaissException.h>

#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "index/varint.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Accept;
using vec::Cand;
using vec::Section;
using vec::kMaxHnswM;
using vec::kMaxRows;
using vec::kMinPqRows;
using vec::put_array;

// ---------------------------------------------------------------------------------------
// Encoding

void quantize_row(std::span<const float> v, std::int8_t* codes, float& scale) {
  float top = 0;
  for (float x : v) top = std::max(top, std::fabs(x));
  const float step = top / 127.0f;
  double norm = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const float c = step > 0 ? std::nearbyint(v[i] / step) : 0.0f;
    codes[i] = static_cast<std::int8_t>(std::clamp(c, -127.0f, 127.0f));
    norm += double{c} * c;
  }
  // The scale makes the stored row unit length again, so that a row scores 1 against itself
  // and cosines stay within [-1, 1]. Quantizing a stored row gives the same codes and scale.
  scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
}

void append_quantized(Q8Rows& rows, std::span<const float> v) {
  const std::size_t at = rows.codes.size();
  rows.codes.resize(at + v.size());
  rows.scales.push_back(0);
  quantize_row(v, rows.codes.data() + at, rows.scales.back());
}

void dequantize_row(const std::int8_t* codes, float scale, std::size_t dim, float* out) {
  for (std::size_t i = 0; i < dim; ++i) out[i] = static_cast<float>(codes[i]) * scale;
}

std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> keys, std::span<const float> vectors,
                                             std::uint32_t dim, const VecBuildOptions& options) {
  if (dim == 0 || dim > format::kMaxEmbeddingDimension)
    throw Error(ErrorCode::InvalidArgument, "vector segment: dimension " + std::to_string(dim) + " out of range");
  if (vectors.size() / dim != keys.size() || vectors.size() % dim != 0)
    throw Error(ErrorCode::InvalidArgument, "vector segment: " + std::to_string(vectors.size()) + " floats for " +
                                                std::to_string(keys.size()) + " rows of dimension " + std::to_string(dim));
  for (float v : vectors)
    if (!std::isfinite(v)) throw Error(ErrorCode::InvalidArgument, "vector segment: a vector holds NaN or infinity");
  Q8Rows q;
  q.codes.reserve(vectors.size());
  q.scales.reserve(keys.size());
  for (std::size_t r = 0; r < keys.size(); ++r) append_quantized(q, vectors.subspan(r * dim, dim));
  return encode_vec_segment(keys, q, dim, options);
}

std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> frames, const Q8Rows& q8,
                                             std::uint32_t dim, const VecBuildOptions& options) {
  if (dim == 0 || dim > format::kMaxEmbeddingDimension)
    throw Error(ErrorCode::InvalidArgument, "vector segment: dimension " + std::to_string(dim) + " out of range");
  if (frames.empty()) throw Error(ErrorCode::InvalidArgument, "vector segment: no rows to encode");
  if (frames.size() > kMaxRows) throw Error(ErrorCode::InvalidArgument, "vector segment: too many rows");
  const std::size_t rows = frames.size();
  if (q8.rows() != rows || q8.codes.size() != rows * dim)
    throw Error(ErrorCode::InvalidArgument, "vector segment: " + std::to_string(q8.rows()) + " vectors for " +
                                                std::to_string(rows) + " rows of dimension " + std::to_string(dim));
  for (std::size_t i = 1; i < rows; ++i)
    if (frames[i] <= frames[i - 1])
      throw Error(ErrorCode::InvalidArgument, "vector segment: row keys must ascend (" + std::to_string(frames[i]) +
                                                  " after " + std::to_string(frames[i - 1]) + ")");
  for (float v : q8.scales)
    if (!std::isfinite(v) || v < 0) throw Error(ErrorCode::InvalidArgument, "vector segment: a bad vector scale");
  if (options.hnsw_m < 2 || options.hnsw_m > kMaxHnswM || options.hnsw_ef_construction < 1)
    throw Error(ErrorCode::InvalidArgument, "vector segment: HNSW needs 2 <= M <= 256 and efConstruction >= 1");
  // The graph and the quantizers are built from the vectors as a search will see them.
  std::vector<float> vectors(rows * dim);
  for (std::size_t r = 0; r < rows; ++r) dequantize_row(&q8.codes[r * dim], q8.scales[r], dim, &vectors[r * dim]);

  vec::Trailer t;
  t.dim = dim;
  t.rows = rows;
  vec::Sections s;
  std::uint64_t prev = 0;
  s[vec::kFrames].reserve(rows * 2);
  for (std::size_t i = 0; i < rows; ++i) {
    if (key_frame(frames[i]) > kMaxVecFrame)
      throw Error(ErrorCode::InvalidArgument, "vector segment: frame id out of range");
    put_varint(s[vec::kFrames], key_frame(frames[i]) - key_frame(prev));
    put_varint(s[vec::kFrames], key_passage(frames[i]));
    prev = frames[i];
  }
  VecLayout layout = VecLayout::Flat;
  if (options.compress && rows >= kMinPqRows)
    layout = VecLayout::IvfPq;
  else if (rows >= options.hnsw_threshold)
    layout = VecLayout::Hnsw;
  t.layout = static_cast<std::uint8_t>(layout);
  try {
    if (layout != VecLayout::IvfPq) {
      put_array(s[vec::kVectors], q8.scales.data(), q8.scales.size());
      put_array(s[vec::kVectors], q8.codes.data(), q8.codes.size());
    }
    switch (layout) {
      case VecLayout::Flat:
        break;
      case VecLayout::Hnsw:
        vec::build_hnsw(vectors, rows, dim, options, t, s);
        break;
      case VecLayout::IvfPq:
        vec::build_ivfpq(vectors, rows, dim, t, s);
        break;
    }
  } catch (const faiss::FaissException& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("vector segment: faiss failed to build the index: ") + e.what());
  }

  std::size_t total = vec::kTrailerSize;
  for (const auto& part : s) total += part.size();
  std::vector<std::uint8_t> out;
  out.reserve(total);
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    t.parts[i] = {out.size(), s[i].size(), vec::section_hash(s[i])};
    out.insert(out.end(), s[i].begin(), s[i].end());
    s[i] = {};
  }
  const std::vector<std::uint8_t> trailer = vec::encode_trailer(t);
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

std::uint64_t encoded_vec_count(std::span<const std::uint8_t> segment) {
  if (segment.size() < vec::kTrailerSize) throw Error(ErrorCode::Corrupt, "vector segment shorter than its trailer");
  return vec::decode_trailer(segment.subspan(segment.size() - vec::kTrailerSize)).rows;
}

format::Checksum16 vec_segment_checksum(std::span<const std::uint8_t> segment) {
  if (segment.size() < vec::kTrailerSize) throw Error(ErrorCode::Corrupt, "vector segment shorter than its trailer");
  format::Checksum16 c;
  std::copy(segment.end() - 16, segment.end(), c.begin());
  return c;
}

// ---------------------------------------------------------------------------------------
// Opening

VecSegment::VecSegment(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VecSegment::~VecSegment() = default;

std::shared_ptr<const VecSegment> VecSegment::open(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                                                   std::uint64_t length, const format::Checksum16* expected,
                                                   std::uint32_t dim, std::string what) {
  auto impl = std::make_unique<Impl>();
  Impl& s = *impl;
  s.what = std::move(what);
  if (length < vec::kTrailerSize) s.fail("shorter than its trailer (" + std::to_string(length) + " bytes)");
  if (offset > std::numeric_limits<std::uint64_t>::max() - length) s.fail("extends past the largest file offset");
  const std::uint64_t body_end = length - vec::kTrailerSize;
  const std::vector<std::uint8_t> trailer = source->read(offset + body_end, vec::kTrailerSize);
  const vec::Trailer t = s.check_trailer(trailer, expected, dim, body_end);
  const std::vector<std::uint8_t> body = source->read(offset, body_end);
  if (body.size() != body_end) s.fail("body read short");
  s.check_sections(t, body);

  const auto section = [&](Section sec) { return std::span(body).subspan(t.parts[sec].offset, t.parts[sec].length); };
  s.decode_frames(section(vec::kFrames), t.rows, offset + t.parts[vec::kFrames].offset);
  if (s.layout != VecLayout::IvfPq) s.decode_vectors(section(vec::kVectors));
  if (s.layout == VecLayout::Hnsw) s.decode_hnsw(t, body, offset);
  if (s.layout == VecLayout::IvfPq) s.decode_ivfpq(t, body, offset);
  return std::shared_ptr<const VecSegment>(new VecSegment(std::move(impl)));
}

void VecSegment::Impl::decode_frames(std::span<const std::uint8_t> bytes, std::uint64_t n, std::uint64_t base) {
  format::ByteReader r(bytes, what + " frame column", base);
  frames.resize(static_cast<std::size_t>(n));
  std::uint64_t frame = 0, prev = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t gap = r.varint();
    if (gap > kMaxVecFrame - frame) r.fail("frame id out of range at row " + std::to_string(i));
    frame += gap;
    std::uint64_t key = vec_key(frame, 0);
    if (version != vec::kFloatVersion) {
      const std::uint64_t passage = r.varint();
      if (passage > kMaxPassage) r.fail("passage number out of range at row " + std::to_string(i));
      key = vec_key(frame, static_cast<std::uint32_t>(passage));
    }
    if (i > 0 && key <= prev) r.fail("row keys do not ascend at row " + std::to_string(i));
    frames[static_cast<std::size_t>(i)] = prev = key;
  }
  if (!r.done()) r.fail("bytes left after the last row");
}

void VecSegment::Impl::decode_vectors(std::span<const std::uint8_t> bytes) {
  if (version == vec::kFloatVersion) {
    if (!vec::copy_finite(bytes, vectors)) fail("a stored vector holds NaN or infinity");
    return;
  }
  // check_trailer fixed the section at rows x (4 + dim) bytes.
  const std::size_t n = rows();
  q8_scales.resize(n);
  std::memcpy(q8_scales.data(), bytes.data(), n * sizeof(float));
  for (float v : q8_scales)
    if (!std::isfinite(v) || v < 0) fail("a stored vector has a bad scale");
  q8_codes.resize(n * dim);
  std::memcpy(q8_codes.data(), bytes.data() + n * sizeof(float), n * dim);
  vectors.resize(n * dim);
  for (std::size_t r = 0; r < n; ++r) dequantize_row(&q8_codes[r * dim], q8_scales[r], dim, &vectors[r * dim]);
}

// ---------------------------------------------------------------------------------------
// Searching

VecLayout VecSegment::layout() const { return impl_->layout; }
std::uint32_t VecSegment::dim() const { return impl_->dim; }
std::size_t VecSegment::size() const { return impl_->frames.size(); }
const std::vector<std::uint64_t>& VecSegment::keys() const { return impl_->frames; }
std::uint32_t VecSegment::version() const { return impl_->version; }

std::vector<VecHit> VecSegment::search(std::span<const float> query, std::size_t k, const Accept& accept,
                                       const VecSearchOptions& options) const {
  const Impl& s = *impl_;
  if (query.size() != s.dim)
    throw Error(ErrorCode::InvalidArgument, s.what + ": a " + std::to_string(query.size()) +
                                                "-dimensional query for " + std::to_string(s.dim) +
                                                "-dimensional vectors");
  for (float v : query)
    if (!std::isfinite(v)) throw Error(ErrorCode::InvalidArgument, s.what + ": the query holds NaN or infinity");
  k = std::min(k, s.rows());
  if (k == 0) return {};
  std::vector<Cand> best;
  switch (s.layout) {
    case VecLayout::Flat:
      best = s.exact(query.data(), k, accept);
      break;
    case VecLayout::Hnsw:
      best = s.hnsw(query.data(), k, accept, options);
      break;
    case VecLayout::IvfPq:
      best = s.ivfpq(query.data(), k, accept, options);
      break;
  }
  std::vector<VecHit> out;
  out.reserve(best.size());
  for (const Cand& c : best) out.push_back({key_frame(s.frames[c.row]), key_passage(s.frames[c.row]), c.score});
  return out;
}

std::span<const float> VecSegment::exact_vector(std::uint64_t key) const {
  const Impl& s = *impl_;
  if (s.vectors.empty()) return {};
  auto it = std::lower_bound(s.frames.begin(), s.frames.end(), key);
  if (it == s.frames.end() || *it != key) return {};
  const auto row = static_cast<std::size_t>(it - s.frames.begin());
  return std::span<const float>(s.vectors).subspan(row * s.dim, s.dim);
}

bool VecSegment::quantized_row(std::uint64_t key, const std::int8_t*& codes, float& scale) const {
  const Impl& s = *impl_;
  if (s.q8_codes.empty()) return false;
  auto it = std::lower_bound(s.frames.begin(), s.frames.end(), key);
  if (it == s.frames.end() || *it != key) return false;
  const auto row = static_cast<std::size_t>(it - s.frames.begin());
  codes = &s.q8_codes[row * s.dim];
  scale = s.q8_scales[row];
  return true;
}

}  // namespace memvid::index
