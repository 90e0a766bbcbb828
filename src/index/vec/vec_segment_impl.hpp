#pragma once
// What the files of the vector segment share. vec_segment.cpp is the codec (encode, open,
// search dispatch); vec_check.cpp validates a trailer and its sections before anything reads
// them; vec_flat.cpp, vec_hnsw.cpp and vec_ivfpq.cpp hold one layout each (build, decode,
// search). Only those files include this header.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "format/block_checks.hpp"
#include "index/vec/faiss_plugin.hpp"
#include "index/vec/vec_format.hpp"
#include "index/vec/vec_segment.hpp"
#include "memvid/error.hpp"

static_assert(std::endian::native == std::endian::little, "vector segments copy floats in host order");
static_assert(sizeof(int) == 4 && sizeof(float) == 4);

namespace memvid::index {

namespace vec {

// Below this many rows a compressed segment is stored Flat: too few rows to train even 16
// centroids per sub-quantizer, and a Flat segment that small costs little.
constexpr std::uint64_t kMinPqRows = 1024;
constexpr std::uint32_t kMaxPqLists = 1u << 16;
constexpr std::uint32_t kMaxPqSubDim = 64;
constexpr std::uint32_t kMaxHnswLevels = 64;
constexpr int kMaxHnswM = 256;
// faiss's HNSW numbers rows with int.
constexpr std::uint64_t kMaxRows = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());

using Accept = std::function<bool(std::uint64_t)>;

struct Cand {
  float score;
  std::uint32_t row;
};

// Rows ascend with frames, so ordering by row on equal scores orders by frame.
inline bool better(const Cand& a, const Cand& b) { return a.score != b.score ? a.score > b.score : a.row < b.row; }

// The k best candidates offered, kept in a heap whose top is the worst of them.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }
  std::size_t size() const { return heap_.size(); }
  bool full() const { return heap_.size() >= k_; }
  const Cand& worst() const { return heap_.front(); }
  // Whether offer(c) would keep c: a filter need only be asked about such candidates.
  bool would_take(const Cand& c) const { return heap_.size() < k_ || (k_ > 0 && better(c, heap_.front())); }
  void offer(const Cand& c) {
    if (heap_.size() < k_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (k_ > 0 && better(c, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  std::vector<Cand> take() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<Cand> heap_;
};

// Leaves resized elements uninitialized: the big arrays of a segment are filled by a copy
// right away, and zeroing them first would be one more pass over most of its bytes.
template <typename T>
struct NoInit : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = NoInit<U>;
  };
  NoInit() = default;
  template <typename U>
  NoInit(const NoInit<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using RawVector = std::vector<T, NoInit<T>>;

inline bool mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

template <typename T>
inline void put_array(std::vector<std::uint8_t>& out, const T* data, std::size_t n) {
  if (n == 0) return;
  const std::size_t at = out.size();
  out.resize(at + n * sizeof(T));
  std::memcpy(out.data() + at, data, n * sizeof(T));
}

inline std::uint64_t floor_pow2(std::uint64_t v) { return v == 0 ? 0 : std::bit_floor(v); }

using Sections = std::array<std::vector<std::uint8_t>, vec::kSectionCount>;

// Copies a section of floats and rejects NaN and infinity (vec_flat.cpp).
bool copy_finite(std::span<const std::uint8_t> bytes, RawVector<float>& out);
// Builds a layout's sections and trailer parameters from rows x dim normalized floats.
void build_hnsw(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, const VecBuildOptions& o,
                Trailer& t, Sections& s);                                                    // vec_hnsw.cpp
void build_ivfpq(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, Trailer& t, Sections& s);  // vec_ivfpq.cpp

}  // namespace vec

// A segment as searched. Version 3 Flat and Hnsw segments are read where they lie (view):
// every access goes through touch(), which checks the blocks it reads against their checksums
// the first time. Older segments and IvfPq are decoded into the arrays below at open.
struct VecSegment::Impl {
  std::string what;
  VecLayout layout = VecLayout::Flat;
  std::uint32_t version = vec::kVersion;
  std::uint32_t dim = 0;
  std::size_t nrows = 0;
  vec::DotQ8 fast_dot_q8 = vec::fastest_dot_q8();  // the bits of vec::dot_q8, with AVX2 where it can

  // Version 3, in place.
  std::shared_ptr<const FileView> view;
  const std::uint8_t* seg_bytes = nullptr;  // the segment's first byte
  std::uint64_t keys_at = 0, scales_at = 0, codes_at = 0, levels_at = 0, links_at = 0, upper_links_at = 0;
  std::uint64_t upper_slots = 0, upper_index_at = 0, upper_rows = 0;
  format::BlockChecks blocks;  // over sections 0-6

  // Versions 1 and 2, decoded.
  std::vector<std::uint64_t> frames;     // row keys (vec_key), ascending
  vec::RawVector<float> vectors;         // version 1: the stored floats
  vec::RawVector<std::int8_t> q8_codes;  // version 2 Flat, Hnsw: as stored
  std::vector<float> q8_scales;
  std::vector<std::uint8_t> levels;
  std::vector<std::uint64_t> offsets;  // each row's first slot in neighbours (faiss's layout)
  vec::RawVector<std::int32_t> neighbours;

  // Hnsw
  std::uint32_t m = 0, entry = 0, max_level = 0, ef_construction = 0;
  // IvfPq
  std::uint32_t padded_dim = 0, nlist = 0;
  // The checked arrays faiss's index is built from on the first search (so that opening and
  // verifying an IVF-PQ part never need the vector-index plugin), then released.
  struct IvfPqArrays {
    vec::IvfPqShape shape{};
    vec::RawVector<float> coarse, pq;
    std::vector<std::uint32_t> list_sizes;
    std::vector<std::int64_t> ids;
    std::vector<std::uint8_t> codes;
  };
  mutable std::unique_ptr<IvfPqArrays> ivf_arrays;
  mutable std::once_flag ivf_built;
  mutable std::unique_ptr<vec::FaissIvfPq> ivf;
  const vec::FaissIvfPq& ivf_index() const;

  [[noreturn]] void fail(const std::string& why) const { throw Error(ErrorCode::Corrupt, what + ": " + why); }
  bool in_place() const { return seg_bytes != nullptr; }
  std::size_t rows() const { return nrows; }

  // Checks the blocks under [at, at + len) of a version 3 segment (once each).
  void touch(std::uint64_t at, std::uint64_t len) const { blocks.touch(at, len); }
  std::uint64_t key(std::size_t row) const;
  // Row r's 8-bit codes and scale (versions 2 and 3); the scale is checked finite and >= 0.
  const std::int8_t* codes(std::uint32_t row, float& scale) const;
  float score(const float* q, std::uint32_t row) const;
  bool admit(const vec::Accept& accept, std::uint32_t row) const { return !accept || accept(key_frame(key(row))); }
  // Hnsw: row's level count (1..64), and its link slots on a level (2M on level 0, M above)
  // as little-endian i32s: a list ends at its first -1.
  std::uint32_t level_count(std::uint32_t row) const;
  const std::uint8_t* links(std::uint32_t row, std::uint32_t level) const;
  // The row a slot links to on level, or -1 at the end of the list; Corrupt for a link to a
  // row that is not on that level.
  std::int64_t link(const std::uint8_t* slots, std::uint32_t j, std::uint32_t level) const;

  // vec_check.cpp: validates the trailer (and sets layout, dim and the IVF-PQ shape), then
  // the body's section checksums.
  vec::Trailer check_trailer(std::span<const std::uint8_t> trailer, const format::Checksum16* expected,
                             std::uint32_t memory_dim, std::uint64_t body_length);
  void check_sections(const vec::Trailer& t, std::span<const std::uint8_t> body) const;
  // Version 3: sets up the view (the block checksums checked against the trailer), then with
  // whole = true checks every block and every structure as a decoder would.
  void place(const vec::Trailer& t, std::shared_ptr<const FileView> bytes, bool whole);
  void check_everything() const;

  void decode_frames(std::span<const std::uint8_t> bytes, std::uint64_t rows, std::uint64_t base_offset);
  void decode_vectors(std::span<const std::uint8_t> bytes);
  void decode_hnsw(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base_offset);
  void decode_ivfpq(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base_offset);

  std::vector<vec::Cand> exact(const float* q, std::size_t k, const vec::Accept& accept) const;
  std::vector<vec::Cand> scan(const float* q, std::size_t k, const vec::Accept& accept) const;  // every row
  // The first k rows of best (best first) that accept() admits, asking in that order.
  std::vector<vec::Cand> first_admitted(const std::vector<vec::Cand>& best, std::size_t k, const vec::Accept& accept) const;
  std::vector<vec::Cand> hnsw_walk(const float* q, std::size_t ef, const vec::Accept& accept, std::size_t& seen) const;
  std::vector<vec::Cand> hnsw(const float* q, std::size_t k, const vec::Accept& accept,
                              const VecSearchOptions& o) const;
  std::vector<vec::Cand> ivfpq(const float* q, std::size_t k, const vec::Accept& accept,
                               const VecSearchOptions& o) const;
};

}  // namespace memvid::index
