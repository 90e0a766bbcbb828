// Vector segment byte layout (little-endian). Eight sections follow each other with no gaps,
// in this order, then the trailer; a layout leaves the sections it does not use empty.
// docs/FORMAT.md ("Vector segment") describes the same.
//
//   0 frames     version 3 ("row keys"): rows x u64 vec_key, ascending. Versions 1 and 2:
//                per row: varint frame id (the first row) or gap to the previous row's frame
//                (>= 0), then (version 2) varint passage number; rows ascend by (frame,
//                passage). Version 1: varint frame id or (>= 1) gap only
//   1 vectors    Flat, Hnsw: versions 2 and 3: rows x f32 scale, then rows x dim i8 codes
//                (component i of a row is code[i] x scale); version 1: rows x dim f32
//   2 levels     Hnsw: rows x u8, the number of graph levels of each row (1..64)
//   3 neighbours Hnsw: i32 slots; -1 marks an empty slot, a list ends at its first -1.
//                Version 3: rows x 2M level-0 slots, then for each row with levels above 0,
//                in row order, M slots per level above 0. Versions 1 and 2: row by row, 2M
//                on level 0, then M for each level above (faiss's HNSW arrays)
//   4 coarse     IvfPq: nlist x dp f32 coarse centroids (dp = dim rounded up to a multiple
//                of dsub; vectors are zero-padded to dp, which leaves inner products as
//                they are). Version 3 Hnsw ("upper-level index"): per row with levels above
//                0, ascending: u64 row, u64 its first slot after the level-0 slots
//   5 pq         IvfPq: M x 2^nbits x dsub f32 product-quantizer centroids
//   6 lists      IvfPq: per inverted list: varint count, then count varints: the first row
//                number, then the (>= 1) gap to each next; every row in exactly one list
//   7 codes      IvfPq: ceil(M x nbits / 8) bytes per row, lists in order, rows in list
//                order (faiss's residual PQ codes, inner-product metric). Version 3 Flat and
//                Hnsw ("block checksums"): XXH3-64 of each 4 KiB block of sections 0-6
//
//   trailer (256 bytes):
//     0   magic "MVVECSG1"          8
//     8   version u32 (3 for Flat and Hnsw, 2 for IvfPq; 1 and 2 are read)
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
// Reading validates every count and length in the trailer before anything else is read.
// Whole reads check every section, row number, neighbour and level before a search (a
// hostile segment may carry correct checksums); in-place reads (version 3) check each block
// when it is first read, and each key, scale, level and link as it is used.
#include <cmath>


#include "format/block_checks.hpp"
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
  VecLayout layout = VecLayout::Flat;
  if (options.compress && rows >= kMinPqRows)
    layout = VecLayout::IvfPq;
  else if (rows >= options.hnsw_threshold)
    layout = VecLayout::Hnsw;
  t.layout = static_cast<std::uint8_t>(layout);
  if (options.version != vec::kVersion && options.version != vec::kQ8Version)
    throw Error(ErrorCode::InvalidArgument, "vector segment: version " + std::to_string(options.version) + " cannot be written");
  t.version = layout == VecLayout::IvfPq ? vec::kQ8Version : options.version;
  vec::Sections s;
  std::uint64_t prev = 0;
  s[vec::kFrames].reserve(t.version == vec::kVersion ? rows * 8 : rows * 2);
  for (std::size_t i = 0; i < rows; ++i) {
    if (key_frame(frames[i]) > kMaxVecFrame)
      throw Error(ErrorCode::InvalidArgument, "vector segment: frame id out of range");
    if (t.version == vec::kVersion) {
      put_array(s[vec::kFrames], &frames[i], 1);
    } else {
      put_varint(s[vec::kFrames], key_frame(frames[i]) - key_frame(prev));
      put_varint(s[vec::kFrames], key_passage(frames[i]));
    }
    prev = frames[i];
  }
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

  std::size_t total = vec::kTrailerSize;
  for (const auto& part : s) total += part.size();
  std::vector<std::uint8_t> out;
  out.reserve(total + format::block_sums_length(total));
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    if (i == vec::kBlockSums && t.version == vec::kVersion) {
      s[i].resize(format::block_sums_length(out.size()));
      format::fill_block_sums(out, s[i]);
    }
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
                                                   std::uint32_t dim, std::string what, VecReadMode mode) {
  auto impl = std::make_unique<Impl>();
  Impl& s = *impl;
  s.what = std::move(what);
  if (length < vec::kTrailerSize) s.fail("shorter than its trailer (" + std::to_string(length) + " bytes)");
  if (offset > std::numeric_limits<std::uint64_t>::max() - length) s.fail("extends past the largest file offset");
  const std::uint64_t body_end = length - vec::kTrailerSize;
  const std::vector<std::uint8_t> trailer = source->read(offset + body_end, vec::kTrailerSize);
  const vec::Trailer t = s.check_trailer(trailer, expected, dim, body_end);
  s.nrows = static_cast<std::size_t>(t.rows);
  if (s.version == vec::kVersion) {
    std::shared_ptr<const FileView> body = mode == VecReadMode::InPlace
                                               ? source->view(offset, body_end)
                                               : std::make_shared<BufferView>(source->read(offset, body_end));
    if (body->size() != body_end) s.fail("body read short");
    s.place(t, std::move(body), mode == VecReadMode::Whole);
    return std::shared_ptr<const VecSegment>(new VecSegment(std::move(impl)));
  }
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
  // check_trailer fixed the section at rows x (4 + dim) bytes. Rows are scored from their
  // codes (vec::dot_q8), never dequantized.
  const std::size_t rows_n = rows();
  q8_scales.resize(rows_n);
  std::memcpy(q8_scales.data(), bytes.data(), rows_n * sizeof(float));
  for (float v : q8_scales)
    if (!std::isfinite(v) || v < 0) fail("a stored vector has a bad scale");
  q8_codes.resize(rows_n * dim);
  std::memcpy(q8_codes.data(), bytes.data() + rows_n * sizeof(float), rows_n * dim);
}

// ---------------------------------------------------------------------------------------
// Row access, in place or decoded

std::uint64_t VecSegment::Impl::key(std::size_t row) const {
  if (!in_place()) return frames[row];
  touch(keys_at + 8 * std::uint64_t{row}, 8);
  return format::load_u64(seg_bytes + keys_at + 8 * std::uint64_t{row});
}

const std::int8_t* VecSegment::Impl::codes(std::uint32_t row, float& scale) const {
  if (!in_place()) {
    scale = q8_scales[row];
    return &q8_codes[std::size_t{row} * dim];
  }
  touch(scales_at + 4 * std::uint64_t{row}, 4);
  std::memcpy(&scale, seg_bytes + scales_at + 4 * std::uint64_t{row}, 4);
  if (!std::isfinite(scale) || scale < 0) fail("row " + std::to_string(row) + " has a bad vector scale");
  const std::uint64_t at = codes_at + std::uint64_t{row} * dim;
  touch(at, dim);
  return reinterpret_cast<const std::int8_t*>(seg_bytes + at);
}

float VecSegment::Impl::score(const float* q, std::uint32_t row) const {
  if (version == vec::kFloatVersion) return vec::dot(q, &vectors[std::size_t{row} * dim], dim);
  float scale = 0;
  const std::int8_t* c = codes(row, scale);
  return fast_dot_q8(q, c, scale, dim);
}

std::uint32_t VecSegment::Impl::level_count(std::uint32_t row) const {
  if (!in_place()) return levels[row];
  touch(levels_at + row, 1);
  const std::uint8_t l = seg_bytes[levels_at + row];
  if (l == 0 || l > vec::kMaxHnswLevels) fail("row " + std::to_string(row) + " has " + std::to_string(l) + " graph levels");
  return l;
}

const std::uint8_t* VecSegment::Impl::links(std::uint32_t row, std::uint32_t level) const {
  if (!in_place())
    return reinterpret_cast<const std::uint8_t*>(neighbours.data() + offsets[row] + vec::hnsw_level_begin(m, level));
  if (level == 0) {
    const std::uint64_t at = links_at + std::uint64_t{row} * 2 * m * 4;
    touch(at, std::uint64_t{2} * m * 4);
    return seg_bytes + at;
  }
  // The upper-level index lists the rows above level 0 in ascending order.
  std::uint64_t lo = 0, hi = upper_rows;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    touch(upper_index_at + 16 * mid, 8);
    if (format::load_u64(seg_bytes + upper_index_at + 16 * mid) < row)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < upper_rows) touch(upper_index_at + 16 * lo, 16);
  if (lo == upper_rows || format::load_u64(seg_bytes + upper_index_at + 16 * lo) != row)
    fail("row " + std::to_string(row) + " is missing from the upper-level index");
  const std::uint64_t first = format::load_u64(seg_bytes + upper_index_at + 16 * lo + 8);
  const std::uint32_t levels_of_row = level_count(row);
  if (level >= levels_of_row) fail("a walk reached level " + std::to_string(level) + " of row " + std::to_string(row));
  if (first > upper_slots || std::uint64_t{m} * (levels_of_row - 1) > upper_slots - first)
    fail("row " + std::to_string(row) + "'s upper-level links run past the neighbour section");
  const std::uint64_t at = upper_links_at + 4 * (first + std::uint64_t{m} * (level - 1));
  touch(at, std::uint64_t{m} * 4);
  return seg_bytes + at;
}

std::int64_t VecSegment::Impl::link(const std::uint8_t* slots, std::uint32_t j, std::uint32_t level) const {
  std::int32_t v;
  std::memcpy(&v, slots + 4 * std::size_t{j}, 4);
  if (v == -1) return -1;
  if (v < 0 || static_cast<std::uint64_t>(v) >= nrows)
    fail("a level-" + std::to_string(level) + " link goes to " + std::to_string(v) + ", which is not a row");
  if (level > 0 && level_count(static_cast<std::uint32_t>(v)) <= level)
    fail("a level-" + std::to_string(level) + " link goes to row " + std::to_string(v) + ", which is not on that level");
  return v;
}

// ---------------------------------------------------------------------------------------
// Searching

VecLayout VecSegment::layout() const { return impl_->layout; }
std::uint32_t VecSegment::dim() const { return impl_->dim; }
std::size_t VecSegment::size() const { return impl_->rows(); }
std::uint64_t VecSegment::key(std::size_t row) const { return impl_->key(row); }
std::uint32_t VecSegment::version() const { return impl_->version; }

std::vector<std::uint64_t> VecSegment::keys() const {
  if (!impl_->in_place()) return impl_->frames;
  std::vector<std::uint64_t> out(impl_->rows());
  for (std::size_t r = 0; r < out.size(); ++r) out[r] = impl_->key(r);
  return out;
}

std::pair<std::size_t, std::size_t> VecSegment::rows_between(std::uint64_t lo, std::uint64_t hi) const {
  const Impl& s = *impl_;
  auto first_at_least = [&](std::uint64_t key) {
    std::size_t a = 0, b = s.rows();
    while (a < b) {
      const std::size_t mid = a + (b - a) / 2;
      if (s.key(mid) < key)
        a = mid + 1;
      else
        b = mid;
    }
    return a;
  };
  const std::size_t first = first_at_least(lo);
  const std::size_t end = hi == ~std::uint64_t{0} ? s.rows() : first_at_least(hi + 1);
  return {first, std::max(first, end)};
}

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
  for (const Cand& c : best) {
    const std::uint64_t key = s.key(c.row);
    out.push_back({key_frame(key), key_passage(key), c.score});
  }
  return out;
}

namespace {

// The row holding key, or npos.
std::size_t row_of(const VecSegment& seg, std::uint64_t key) {
  const auto [first, end] = seg.rows_between(key, key);
  return first < end ? first : static_cast<std::size_t>(-1);
}

}  // namespace

std::vector<float> VecSegment::row_vector(std::uint64_t key) const {
  if (impl_->layout == VecLayout::IvfPq) return {};
  const std::size_t row = row_of(*this, key);
  if (row == static_cast<std::size_t>(-1)) return {};
  return row_vector_at(row);
}

std::vector<float> VecSegment::row_vector_at(std::size_t row) const {
  const Impl& s = *impl_;
  if (s.layout == VecLayout::IvfPq || row >= s.rows()) return {};
  if (s.version == vec::kFloatVersion)
    return {s.vectors.begin() + static_cast<std::ptrdiff_t>(row * s.dim),
            s.vectors.begin() + static_cast<std::ptrdiff_t>((row + 1) * s.dim)};
  float scale = 0;
  const std::int8_t* c = s.codes(static_cast<std::uint32_t>(row), scale);
  std::vector<float> out(s.dim);
  dequantize_row(c, scale, s.dim, out.data());
  return out;
}

bool VecSegment::quantized_row(std::uint64_t key, const std::int8_t*& codes, float& scale) const {
  const Impl& s = *impl_;
  if (s.layout == VecLayout::IvfPq || s.version == vec::kFloatVersion) return false;
  const std::size_t row = row_of(*this, key);
  if (row == static_cast<std::size_t>(-1)) return false;
  codes = s.codes(static_cast<std::uint32_t>(row), scale);
  return true;
}

}  // namespace memvid::index
