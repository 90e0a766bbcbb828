// Vector segment byte layout (little-endian). Eight sections follow each other with no gaps,
// in this order, then the trailer; a layout leaves the sections it does not use empty.
//
//   frames       rows varints: the first row's frame id, then the (>= 1) gap to each next
//   vectors      Flat, Hnsw: rows x dim f32, row order
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
//     8   version u32 (1)
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
// Reading validates every count, length, row number, neighbour and level before anything
// uses it (a hostile segment may carry correct checksums), and rebuilds the in-memory
// structures from the checked arrays: faiss never parses segment bytes.
#include "index/vec/vec_segment.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <queue>
#include <stdexcept>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/invlists/InvertedLists.h>
#include <omp.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "index/varint.hpp"
#include "index/vec/vec_format.hpp"
#include "memvid/error.hpp"

static_assert(std::endian::native == std::endian::little, "vector segments copy floats in host order");
static_assert(sizeof(int) == 4 && sizeof(float) == 4);

namespace memvid::index {

namespace {

using vec::Section;

// Below this many rows a compressed segment is stored Flat: too few rows to train even 16
// centroids per sub-quantizer, and a Flat segment that small costs little.
constexpr std::uint64_t kMinPqRows = 1024;
constexpr std::uint32_t kPqSubDim = 4;  // 4 floats (16 bytes) -> one 8-bit code: 16x smaller
// faiss warns on stderr below 39 training points per centroid.
constexpr std::uint64_t kPqPointsPerCentroid = 40;
constexpr std::uint64_t kCoarseSamplePerList = 64;
constexpr int kCoarseIterations = 20;
constexpr int kPqIterations = 10;
constexpr std::uint32_t kMaxPqLists = 1u << 16;
constexpr std::uint32_t kMaxPqSubDim = 64;
constexpr std::uint32_t kMaxHnswLevels = 64;
constexpr int kMaxHnswM = 256;
// faiss's HNSW numbers rows with int.
constexpr std::uint64_t kMaxRows = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());

using idx_t = faiss::Index::idx_t;
using Accept = std::function<bool(std::uint64_t)>;

struct Cand {
  float score;
  std::uint32_t row;
};

// Rows ascend with frames, so ordering by row on equal scores orders by frame.
bool better(const Cand& a, const Cand& b) { return a.score != b.score ? a.score > b.score : a.row < b.row; }

// The k best candidates offered, kept in a heap whose top is the worst of them.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }
  std::size_t size() const { return heap_.size(); }
  bool full() const { return heap_.size() >= k_; }
  const Cand& worst() const { return heap_.front(); }
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

// faiss parallelizes builds with OpenMP, and a multi-threaded HNSW or k-means build depends
// on thread timing. libgomp keeps the thread count per calling thread, so this pins only
// the thread that builds, and gives it back its setting afterwards.
class OneOmpThread {
 public:
  OneOmpThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneOmpThread() { omp_set_num_threads(saved_); }
  OneOmpThread(const OneOmpThread&) = delete;
  OneOmpThread& operator=(const OneOmpThread&) = delete;

 private:
  int saved_;
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

bool mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

template <typename T>
void put_array(std::vector<std::uint8_t>& out, const T* data, std::size_t n) {
  if (n == 0) return;
  const std::size_t at = out.size();
  out.resize(at + n * sizeof(T));
  std::memcpy(out.data() + at, data, n * sizeof(T));
}

std::uint64_t floor_pow2(std::uint64_t v) { return v == 0 ? 0 : std::bit_floor(v); }

using Sections = std::array<std::vector<std::uint8_t>, vec::kSectionCount>;

// ---------------------------------------------------------------------------------------
// Building

// The packaged faiss 1.7.3 scores inner products with its scalar reference loop; an HNSW
// build spends nearly all its time there. This storage hands the graph builder vec::dot.
struct DotComputer final : faiss::DistanceComputer {
  DotComputer(const float* b, std::size_t dimension) : base(b), d(dimension) {}
  void set_query(const float* x) override { q = x; }
  float operator()(idx_t i) override { return vec::dot(q, base + static_cast<std::size_t>(i) * d, d); }
  float symmetric_dis(idx_t i, idx_t j) override {
    return vec::dot(base + static_cast<std::size_t>(i) * d, base + static_cast<std::size_t>(j) * d, d);
  }
  const float* base;
  std::size_t d;
  const float* q = nullptr;
};

struct DotStorage final : faiss::IndexFlatIP {
  explicit DotStorage(idx_t dimension) : faiss::IndexFlatIP(dimension) {}
  faiss::DistanceComputer* get_distance_computer() const override {
    return new DotComputer(get_xb(), static_cast<std::size_t>(d));
  }
};

void build_hnsw(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, const VecBuildOptions& o,
                vec::Trailer& t, Sections& s) {
  OneOmpThread one;
  DotStorage storage(static_cast<idx_t>(dim));
  faiss::IndexHNSW index(&storage, o.hnsw_m);
  index.own_fields = false;
  index.hnsw.efConstruction = o.hnsw_ef_construction;
  index.add(static_cast<idx_t>(rows), vectors.data());
  const faiss::HNSW& h = index.hnsw;
  const auto m = static_cast<std::uint64_t>(o.hnsw_m);
  if (h.levels.size() != rows || h.offsets.size() != rows + 1)
    throw std::logic_error("faiss built an HNSW graph of unexpected shape");
  s[vec::kLevels].resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const int l = h.levels[i];
    if (l < 1 || l > static_cast<int>(kMaxHnswLevels) ||
        h.offsets[i + 1] - h.offsets[i] != vec::hnsw_slots(m, static_cast<std::uint64_t>(l)))
      throw std::logic_error("faiss built an HNSW graph of unexpected shape");
    s[vec::kLevels][i] = static_cast<std::uint8_t>(l);
  }
  if (h.neighbors.size() != h.offsets[rows]) throw std::logic_error("faiss built an HNSW graph of unexpected shape");
  put_array(s[vec::kVectors], vectors.data(), vectors.size());
  put_array(s[vec::kNeighbours], h.neighbors.data(), h.neighbors.size());
  t.params[vec::kHnswM] = static_cast<std::uint32_t>(o.hnsw_m);
  t.params[vec::kHnswEfConstruction] = static_cast<std::uint32_t>(o.hnsw_ef_construction);
  t.params[vec::kHnswEntry] = static_cast<std::uint32_t>(h.entry_point);
  t.params[vec::kHnswMaxLevel] = static_cast<std::uint32_t>(h.max_level);
}

// Squared L2 distances from x (d floats) to `count` points stored transposed (d rows of
// count floats, count a multiple of 4), summed in coordinate order like faiss's reference
// loop. The kernel of k-means on PQ sub-vectors and of PQ encoding: on rows of 4 floats,
// faiss's BLAS path spends more time in its thread pool than computing, and its packaged
// scalar path computes one distance at a time.
void l2_to_all(const float* x, const float* transposed, std::size_t d, std::size_t count, float* out) {
  std::size_t c = 0;
#if defined(__SSE__)
  for (; c + 4 <= count; c += 4) {
    __m128 acc = _mm_setzero_ps();
    for (std::size_t j = 0; j < d; ++j) {
      const __m128 diff = _mm_sub_ps(_mm_set1_ps(x[j]), _mm_loadu_ps(transposed + j * count + c));
      acc = _mm_add_ps(acc, _mm_mul_ps(diff, diff));
    }
    _mm_storeu_ps(out + c, acc);
  }
#endif
  for (; c < count; ++c) {
    float acc = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const float diff = x[j] - transposed[j * count + c];
      acc += diff * diff;
    }
    out[c] = acc;
  }
}

std::vector<float> transpose(const float* rows, std::size_t n, std::size_t d) {
  std::vector<float> t(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) t[j * n + i] = rows[i * d + j];
  return t;
}

// The nearest centroid of each point: the assignment step of faiss's k-means for the PQ
// sub-quantizers (ProductQuantizer::assign_index).
struct NearestL2 final : faiss::Index {
  explicit NearestL2(idx_t dimension) : faiss::Index(dimension, faiss::METRIC_L2) {}
  void add(idx_t n, const float* x) override {
    points.insert(points.end(), x, x + static_cast<std::size_t>(n * d));
    ntotal += n;
    transposed = transpose(points.data(), static_cast<std::size_t>(ntotal), static_cast<std::size_t>(d));
  }
  void reset() override {
    points.clear();
    transposed.clear();
    ntotal = 0;
  }
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* = nullptr) const override {
    if (k != 1) throw std::logic_error("NearestL2 finds one neighbour");
    const auto dd = static_cast<std::size_t>(d), count = static_cast<std::size_t>(ntotal);
    for (idx_t i = 0; i < n; ++i) {
      const float* xi = x + static_cast<std::size_t>(i) * dd;
      float best = std::numeric_limits<float>::infinity();
      std::size_t arg = count;
      std::size_t c = 0;
#if defined(__SSE2__)
      // Four running minima, one per lane; strict < keeps each lane's first minimum.
      __m128 lane_best = _mm_set1_ps(best);
      __m128i lane_arg = _mm_setzero_si128(), at = _mm_setr_epi32(0, 1, 2, 3);
      const __m128i four = _mm_set1_epi32(4);
      for (; c + 4 <= count && count <= 0x7FFFFFFF; c += 4) {
        __m128 acc = _mm_setzero_ps();
        for (std::size_t j = 0; j < dd; ++j) {
          const __m128 diff = _mm_sub_ps(_mm_set1_ps(xi[j]), _mm_loadu_ps(transposed.data() + j * count + c));
          acc = _mm_add_ps(acc, _mm_mul_ps(diff, diff));
        }
        const __m128i less = _mm_castps_si128(_mm_cmplt_ps(acc, lane_best));
        lane_best = _mm_min_ps(acc, lane_best);
        lane_arg = _mm_or_si128(_mm_and_si128(less, at), _mm_andnot_si128(less, lane_arg));
        at = _mm_add_epi32(at, four);
      }
      alignas(16) float lb[4];
      alignas(16) std::int32_t la[4];
      _mm_store_ps(lb, lane_best);
      _mm_store_si128(reinterpret_cast<__m128i*>(la), lane_arg);
      for (int j = 0; j < 4 && c > 0; ++j) {
        const auto a = static_cast<std::size_t>(la[j]);
        if (lb[j] < best || (lb[j] == best && a < arg)) {
          best = lb[j];
          arg = a;
        }
      }
#endif
      for (; c < count; ++c) {
        float acc = 0;
        for (std::size_t j = 0; j < dd; ++j) {
          const float diff = xi[j] - transposed[j * count + c];
          acc += diff * diff;
        }
        if (acc < best) {
          best = acc;
          arg = c;
        }
      }
      distances[i] = best;
      labels[i] = arg == count ? -1 : static_cast<idx_t>(arg);
    }
  }
  std::vector<float> points, transposed;
};

struct PqPlan {
  std::uint32_t nlist, m, nbits, dsub, padded_dim;
  std::size_t train_rows;
};

// nlist: the power of two nearest sqrt(rows) (256 at 50K rows), so the coarse centroids
// stay a small part of the segment; sub-quantizers of 4 floats with 8-bit codes. Fewer
// rows than 40 per centroid (faiss trains badly and warns below 39) lower nlist and the
// code width, down to 4 bits at kMinPqRows.
PqPlan plan_pq(std::uint64_t rows, std::uint32_t dim) {
  PqPlan p{};
  p.dsub = kPqSubDim;
  p.m = (dim + p.dsub - 1) / p.dsub;
  p.padded_dim = p.m * p.dsub;
  const std::uint64_t cap = floor_pow2(rows / kPqPointsPerCentroid);
  p.nbits = static_cast<std::uint32_t>(std::min<std::uint64_t>(8, std::bit_width(cap) - 1));
  std::uint64_t nlist = 1;
  while ((nlist * 2) * (nlist * 2) <= 2 * rows) nlist *= 2;
  p.nlist = static_cast<std::uint32_t>(std::min<std::uint64_t>({nlist, cap, kMaxPqLists}));
  p.train_rows = static_cast<std::size_t>(
      std::min<std::uint64_t>(rows, std::max(kCoarseSamplePerList * p.nlist, kPqPointsPerCentroid << p.nbits)));
  return p;
}

void build_ivfpq(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, vec::Trailer& t, Sections& s) {
  const PqPlan p = plan_pq(rows, dim);
  // Zero padding to a whole number of sub-quantizers (a no-op copy is skipped).
  std::vector<float> padded;
  const float* x = vectors.data();
  if (p.padded_dim != dim) {
    padded.assign(rows * p.padded_dim, 0.0f);
    for (std::size_t r = 0; r < rows; ++r) std::memcpy(&padded[r * p.padded_dim], &vectors[r * dim], dim * sizeof(float));
    x = padded.data();
  }
  // An even stride over the rows: deterministic, and it spans the whole run of frames.
  std::vector<float> sample(p.train_rows * p.padded_dim);
  for (std::size_t i = 0; i < p.train_rows; ++i) {
    const std::size_t r = static_cast<std::size_t>(static_cast<std::uint64_t>(i) * rows / p.train_rows);
    std::memcpy(&sample[i * p.padded_dim], x + r * p.padded_dim, p.padded_dim * sizeof(float));
  }

  OneOmpThread one;
  faiss::IndexFlatIP quantizer(static_cast<idx_t>(p.padded_dim));
  faiss::IndexIVFPQ ivf(&quantizer, p.padded_dim, p.nlist, p.m, p.nbits, faiss::METRIC_INNER_PRODUCT);
  ivf.own_fields = false;
  ivf.by_residual = true;
  ivf.do_polysemous_training = false;
  ivf.cp.niter = kCoarseIterations;
  ivf.pq.cp.niter = kPqIterations;
  // Residuals beyond 40 per PQ centroid are subsampled by faiss with its fixed seed.
  ivf.pq.cp.max_points_per_centroid = static_cast<int>(kPqPointsPerCentroid);
  NearestL2 pq_assign(static_cast<idx_t>(p.dsub));
  ivf.pq.assign_index = &pq_assign;
  ivf.verbose = false;
  ivf.train(static_cast<idx_t>(p.train_rows), sample.data());
  ivf.pq.assign_index = nullptr;
  sample = {};
  const std::size_t ksub = std::size_t{1} << p.nbits;
  if (quantizer.ntotal != static_cast<idx_t>(p.nlist) || ivf.pq.centroids.size() != std::size_t{p.m} * ksub * p.dsub ||
      ivf.code_size != (std::size_t{p.m} * p.nbits + 7) / 8)
    throw std::logic_error("faiss trained an IVF-PQ index of unexpected shape");

  // Encoding, as IndexIVFPQ::add would: each row's nearest coarse centroid by inner product,
  // then the PQ code of its residual, packed by faiss from a table of distances.
  std::vector<idx_t> list_of(rows);
  quantizer.assign(static_cast<idx_t>(rows), x, list_of.data());
  std::vector<std::vector<float>> tables(p.m);
  for (std::uint32_t q = 0; q < p.m; ++q) tables[q] = transpose(ivf.pq.get_centroids(q, 0), ksub, p.dsub);
  const float* coarse = quantizer.get_xb();
  std::vector<std::uint8_t> codes(rows * ivf.code_size);
  std::vector<float> residual(p.padded_dim), dist(std::size_t{p.m} * ksub);
  std::vector<std::uint32_t> list_sizes(p.nlist);
  for (std::size_t r = 0; r < rows; ++r) {
    const idx_t l = list_of[r];
    if (l < 0 || l >= static_cast<idx_t>(p.nlist)) throw std::logic_error("faiss assigned a row to no list");
    ++list_sizes[static_cast<std::size_t>(l)];
    const float* c = coarse + static_cast<std::size_t>(l) * p.padded_dim;
    for (std::size_t j = 0; j < p.padded_dim; ++j) residual[j] = x[r * p.padded_dim + j] - c[j];
    for (std::uint32_t q = 0; q < p.m; ++q)
      l2_to_all(residual.data() + std::size_t{q} * p.dsub, tables[q].data(), p.dsub, ksub, dist.data() + q * ksub);
    ivf.pq.compute_code_from_distance_table(dist.data(), codes.data() + r * ivf.code_size);
  }

  put_array(s[vec::kCoarse], coarse, std::size_t{p.nlist} * p.padded_dim);
  put_array(s[vec::kPqCentroids], ivf.pq.centroids.data(), ivf.pq.centroids.size());
  // Lists in order, rows ascending in each (a counting sort by list).
  std::vector<std::size_t> start(p.nlist + 1);
  for (std::uint32_t l = 0; l < p.nlist; ++l) start[l + 1] = start[l] + list_sizes[l];
  std::vector<std::uint32_t> order(rows);
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < rows; ++r) order[at[static_cast<std::size_t>(list_of[r])]++] = static_cast<std::uint32_t>(r);
  }
  s[vec::kCodes].resize(rows * ivf.code_size);
  for (std::uint32_t l = 0; l < p.nlist; ++l) {
    put_varint(s[vec::kLists], list_sizes[l]);
    std::uint32_t prev = 0;
    for (std::size_t j = start[l]; j < start[l + 1]; ++j) {
      put_varint(s[vec::kLists], order[j] - prev);
      prev = order[j];
      std::memcpy(s[vec::kCodes].data() + j * ivf.code_size, codes.data() + std::size_t{order[j]} * ivf.code_size,
                  ivf.code_size);
    }
  }
  t.params[vec::kPqLists] = p.nlist;
  t.params[vec::kPqSubquantizers] = p.m;
  t.params[vec::kPqBits] = p.nbits;
  t.params[vec::kPqSubDim] = p.dsub;
}

// ---------------------------------------------------------------------------------------
// Reading helpers

// Copies a section of floats out of the body and rejects NaN and infinity, which would make
// every score computed from them meaningless. One pass: this is most of a segment's bytes.
bool copy_finite(std::span<const std::uint8_t> bytes, RawVector<float>& out) {
  const std::size_t n = bytes.size() / sizeof(float);
  out.resize(n);
  const std::uint8_t* src = bytes.data();
  float* dst = out.data();
  constexpr std::uint32_t kExp = 0x7F800000u;  // all exponent bits set: infinity or NaN
  std::size_t i = 0;
  bool ok = true;
#if defined(__SSE2__)
  const __m128i exp = _mm_set1_epi32(static_cast<int>(kExp));
  __m128i bad = _mm_setzero_si128();
  for (; i + 4 <= n; i += 4) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi32(_mm_and_si128(v, exp), exp));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), v);
  }
  ok = _mm_movemask_epi8(bad) == 0;
#endif
  for (; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, src + 4 * i, 4);
    ok = ok && (bits & kExp) != kExp;
    std::memcpy(dst + i, &bits, 4);
  }
  return ok;
}

// Hands faiss the caller's accept() by row number; an exception from accept() is kept and
// rethrown after the search rather than thrown through faiss.
struct AcceptSelector final : faiss::IDSelector {
  AcceptSelector(const std::vector<std::uint64_t>& f, const Accept& a) : frames(f), accept(a) {}
  bool is_member(idx_t id) const override {
    if (error || id < 0 || static_cast<std::uint64_t>(id) >= frames.size()) return false;
    try {
      return accept(frames[static_cast<std::size_t>(id)]);
    } catch (...) {
      error = std::current_exception();
      return false;
    }
  }
  const std::vector<std::uint64_t>& frames;
  const Accept& accept;
  mutable std::exception_ptr error;
};

}  // namespace

// ---------------------------------------------------------------------------------------

struct VecSegment::Impl {
  std::string what;
  VecLayout layout = VecLayout::Flat;
  std::uint32_t dim = 0;
  std::vector<std::uint64_t> frames;
  RawVector<float> vectors;  // Flat, Hnsw
  // Hnsw
  std::uint32_t m = 0, entry = 0, max_level = 0;
  std::vector<std::uint8_t> levels;
  std::vector<std::uint64_t> offsets;  // each row's first slot in neighbours
  RawVector<std::int32_t> neighbours;
  // IvfPq
  std::uint32_t padded_dim = 0, nlist = 0;
  std::unique_ptr<faiss::IndexIVFPQ> ivf;

  [[noreturn]] void fail(const std::string& why) const { throw Error(ErrorCode::Corrupt, what + ": " + why); }
  std::size_t rows() const { return frames.size(); }
  float score(const float* q, std::uint32_t row) const { return vec::dot(q, &vectors[std::size_t{row} * dim], dim); }

  void decode_frames(std::span<const std::uint8_t> bytes, std::uint64_t n, std::uint64_t base);
  void decode_hnsw(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base);
  void decode_ivfpq(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base);

  std::vector<Cand> exact(const float* q, std::size_t k, const Accept& accept) const;
  std::vector<Cand> hnsw(const float* q, std::size_t k, const Accept& accept, const VecSearchOptions& o) const;
  std::vector<Cand> ivfpq(const float* q, std::size_t k, const Accept& accept, const VecSearchOptions& o) const;
};

// ---------------------------------------------------------------------------------------
// Encoding

std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> frames, std::span<const float> vectors,
                                             std::uint32_t dim, const VecBuildOptions& options) {
  if (dim == 0 || dim > format::kMaxEmbeddingDimension)
    throw Error(ErrorCode::InvalidArgument, "vector segment: dimension " + std::to_string(dim) + " out of range");
  if (frames.empty()) throw Error(ErrorCode::InvalidArgument, "vector segment: no rows to encode");
  if (frames.size() > kMaxRows) throw Error(ErrorCode::InvalidArgument, "vector segment: too many rows");
  const std::size_t rows = frames.size();
  if (vectors.size() / dim != rows || vectors.size() % dim != 0)
    throw Error(ErrorCode::InvalidArgument, "vector segment: " + std::to_string(vectors.size()) + " floats for " +
                                                std::to_string(rows) + " rows of dimension " + std::to_string(dim));
  for (std::size_t i = 1; i < rows; ++i)
    if (frames[i] <= frames[i - 1])
      throw Error(ErrorCode::InvalidArgument, "vector segment: frame ids must ascend (" + std::to_string(frames[i]) +
                                                  " after " + std::to_string(frames[i - 1]) + ")");
  for (float v : vectors)
    if (!std::isfinite(v)) throw Error(ErrorCode::InvalidArgument, "vector segment: a vector holds NaN or infinity");
  if (options.hnsw_m < 2 || options.hnsw_m > kMaxHnswM || options.hnsw_ef_construction < 1)
    throw Error(ErrorCode::InvalidArgument, "vector segment: HNSW needs 2 <= M <= 256 and efConstruction >= 1");

  vec::Trailer t;
  t.dim = dim;
  t.rows = rows;
  Sections s;
  std::uint64_t prev = 0;
  s[vec::kFrames].reserve(rows * 2);
  for (std::size_t i = 0; i < rows; ++i) {
    put_varint(s[vec::kFrames], frames[i] - prev);
    prev = frames[i];
  }
  VecLayout layout = VecLayout::Flat;
  if (options.compress && rows >= kMinPqRows)
    layout = VecLayout::IvfPq;
  else if (rows >= options.hnsw_threshold)
    layout = VecLayout::Hnsw;
  t.layout = static_cast<std::uint8_t>(layout);
  try {
    switch (layout) {
      case VecLayout::Flat:
        put_array(s[vec::kVectors], vectors.data(), vectors.size());
        break;
      case VecLayout::Hnsw:
        build_hnsw(vectors, rows, dim, options, t, s);
        break;
      case VecLayout::IvfPq:
        build_ivfpq(vectors, rows, dim, t, s);
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
  const std::vector<std::uint8_t> tb = source->read(offset + body_end, vec::kTrailerSize);
  if (tb.size() != vec::kTrailerSize) s.fail("trailer read short");
  if (std::memcmp(tb.data(), vec::kTrailerMagic, sizeof vec::kTrailerMagic) != 0) s.fail("bad trailer magic");
  if (!format::checksum_matches(std::span(tb).first(vec::kTrailerBody), tb.data() + vec::kTrailerBody))
    s.fail("trailer fails its checksum");
  if (expected && !std::equal(expected->begin(), expected->end(), tb.data() + vec::kTrailerBody))
    s.fail("is not the segment the TOC names (checksum differs)");
  const vec::Trailer t = vec::decode_trailer(tb);
  if (t.version != vec::kVersion) s.fail("unknown segment version " + std::to_string(t.version));
  if (!t.reserved_zero) s.fail("reserved trailer fields are not zero");
  if (t.layout > static_cast<std::uint8_t>(VecLayout::IvfPq)) s.fail("unknown layout " + std::to_string(t.layout));
  s.layout = static_cast<VecLayout>(t.layout);
  if (t.dim != dim)
    s.fail("holds " + std::to_string(t.dim) + "-dimensional vectors; the memory's have " + std::to_string(dim));
  if (dim == 0 || dim > format::kMaxEmbeddingDimension) s.fail("dimension " + std::to_string(dim) + " out of range");
  s.dim = dim;
  if (t.rows == 0 || t.rows > kMaxRows) s.fail("row count " + std::to_string(t.rows) + " out of range");

  // The sections tile the body in order.
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    const vec::Part& p = t.parts[i];
    if (p.offset != at || p.length > body_end - at)
      s.fail(std::string(vec::kSectionNames[i]) + " section out of place (offset " + std::to_string(p.offset) +
             ", length " + std::to_string(p.length) + ")");
    at += p.length;
  }
  if (at != body_end) s.fail("sections do not fill the segment");

  // Every section's size follows from the trailer's counts: check them all before reading.
  auto len = [&](Section sec) { return t.parts[sec].length; };
  auto expect_len = [&](Section sec, std::uint64_t want) {
    if (len(sec) != want)
      s.fail(std::string(vec::kSectionNames[sec]) + " section holds " + std::to_string(len(sec)) + " bytes, " +
             std::to_string(want) + " expected");
  };
  if (t.rows > len(vec::kFrames)) s.fail("row count " + std::to_string(t.rows) + " does not fit the frame column");
  std::uint64_t floats = 0;
  switch (s.layout) {
    case VecLayout::Flat:
    case VecLayout::Hnsw: {
      if (!mul(t.rows, dim, floats) || !mul(floats, 4, floats)) s.fail("vector section size overflows");
      expect_len(vec::kVectors, floats);
      for (Section sec : {vec::kCoarse, vec::kPqCentroids, vec::kLists, vec::kCodes}) expect_len(sec, 0);
      if (s.layout == VecLayout::Flat) {
        expect_len(vec::kLevels, 0);
        expect_len(vec::kNeighbours, 0);
        if (t.params != std::array<std::uint32_t, 4>{}) s.fail("Flat layout with nonzero parameters");
      } else {
        expect_len(vec::kLevels, t.rows);
        if (len(vec::kNeighbours) % 4 != 0) s.fail("graph neighbours are not whole 32-bit slots");
        const std::uint32_t m = t.params[vec::kHnswM];
        if (m < 2 || m > static_cast<std::uint32_t>(kMaxHnswM)) s.fail("HNSW M " + std::to_string(m) + " out of range");
        if (t.params[vec::kHnswEntry] >= t.rows) s.fail("HNSW entry point is not a row");
        if (t.params[vec::kHnswMaxLevel] >= kMaxHnswLevels) s.fail("HNSW max level out of range");
      }
      break;
    }
    case VecLayout::IvfPq: {
      for (Section sec : {vec::kVectors, vec::kLevels, vec::kNeighbours}) expect_len(sec, 0);
      const std::uint32_t nlist = t.params[vec::kPqLists], m = t.params[vec::kPqSubquantizers],
                          nbits = t.params[vec::kPqBits], dsub = t.params[vec::kPqSubDim];
      if (dsub == 0 || dsub > kMaxPqSubDim) s.fail("PQ sub-vector size " + std::to_string(dsub) + " out of range");
      if (m == 0 || m > (dim + dsub - 1) / dsub || std::uint64_t{m} * dsub < dim)
        s.fail("PQ of " + std::to_string(m) + " sub-quantizers of " + std::to_string(dsub) +
               " floats does not fit dimension " + std::to_string(dim));
      if (nbits == 0 || nbits > 8) s.fail("PQ code width " + std::to_string(nbits) + " bits out of range");
      if (nlist == 0 || nlist > kMaxPqLists || nlist > t.rows) s.fail("list count " + std::to_string(nlist) + " out of range");
      s.padded_dim = m * dsub;
      s.nlist = nlist;
      expect_len(vec::kCoarse, std::uint64_t{nlist} * s.padded_dim * 4);
      expect_len(vec::kPqCentroids, (std::uint64_t{m} << nbits) * dsub * 4);
      std::uint64_t codes = 0;
      if (!mul(t.rows, (std::uint64_t{m} * nbits + 7) / 8, codes)) s.fail("code section size overflows");
      expect_len(vec::kCodes, codes);
      if (len(vec::kLists) < nlist) s.fail("inverted lists shorter than their count");
      break;
    }
  }

  const std::vector<std::uint8_t> body = source->read(offset, body_end);
  if (body.size() != body_end) s.fail("body read short");
  for (std::size_t i = 0; i < vec::kSectionCount; ++i) {
    const vec::Part& p = t.parts[i];
    if (vec::section_hash(std::span(body).subspan(p.offset, p.length)) != p.hash)
      s.fail(std::string(vec::kSectionNames[i]) + " at segment offset " + std::to_string(p.offset) +
             " fails its checksum");
  }

  s.decode_frames(std::span(body).subspan(t.parts[vec::kFrames].offset, len(vec::kFrames)), t.rows,
                  offset + t.parts[vec::kFrames].offset);
  if (s.layout != VecLayout::IvfPq &&
      !copy_finite(std::span(body).subspan(t.parts[vec::kVectors].offset, len(vec::kVectors)), s.vectors))
    s.fail("a stored vector holds NaN or infinity");
  if (s.layout == VecLayout::Hnsw) s.decode_hnsw(t, body, offset);
  if (s.layout == VecLayout::IvfPq) s.decode_ivfpq(t, body, offset);
  return std::shared_ptr<const VecSegment>(new VecSegment(std::move(impl)));
}

void VecSegment::Impl::decode_frames(std::span<const std::uint8_t> bytes, std::uint64_t n, std::uint64_t base) {
  format::ByteReader r(bytes, what + " frame column", base);
  frames.resize(static_cast<std::size_t>(n));
  std::uint64_t prev = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t gap = r.varint();
    if (i > 0 && (gap == 0 || gap > std::numeric_limits<std::uint64_t>::max() - prev))
      r.fail("frame ids do not ascend at row " + std::to_string(i));
    prev = i == 0 ? gap : prev + gap;
    frames[static_cast<std::size_t>(i)] = prev;
  }
  if (!r.done()) r.fail("bytes left after the last row");
}

void VecSegment::Impl::decode_hnsw(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base) {
  m = t.params[vec::kHnswM];
  entry = t.params[vec::kHnswEntry];
  max_level = t.params[vec::kHnswMaxLevel];
  const std::size_t n = rows();
  const vec::Part& lp = t.parts[vec::kLevels];
  levels.assign(body.begin() + static_cast<std::ptrdiff_t>(lp.offset),
                body.begin() + static_cast<std::ptrdiff_t>(lp.offset + lp.length));
  offsets.resize(n + 1);
  std::uint64_t slots = 0;
  std::uint8_t top = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t l = levels[i];
    if (l == 0 || l > kMaxHnswLevels)
      fail("graph levels at file offset " + std::to_string(base + lp.offset + i) + ": row " + std::to_string(i) +
           " has " + std::to_string(l) + " levels");
    top = std::max(top, l);
    offsets[i] = slots;
    slots += vec::hnsw_slots(m, l);
  }
  offsets[n] = slots;
  const vec::Part& np = t.parts[vec::kNeighbours];
  if (slots != np.length / 4)
    fail("graph neighbours hold " + std::to_string(np.length / 4) + " slots; the levels call for " +
         std::to_string(slots));
  if (top != max_level + 1 || levels[entry] != top)
    fail("HNSW entry point " + std::to_string(entry) + " is not on the top level " + std::to_string(max_level));
  neighbours.resize(static_cast<std::size_t>(slots));
  std::memcpy(neighbours.data(), body.data() + np.offset, static_cast<std::size_t>(np.length));
  // A search follows a level-l link only into rows that have level l, and reads a row's
  // slots only within its own span: both hold for every slot checked here.
  const auto limit = static_cast<std::uint32_t>(n);
  auto reject = [&](std::size_t i, std::uint64_t j) {
    const std::int32_t v = neighbours[offsets[i] + j];
    const std::uint64_t level = j < 2 * std::uint64_t{m} ? 0 : j / m - 1;
    fail("graph neighbours at file offset " + std::to_string(base + np.offset + 4 * (offsets[i] + j)) + ": row " +
         std::to_string(i) + " links to " + std::to_string(v) + " on level " + std::to_string(level) +
         ", which is not a row of that level");
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* nb = neighbours.data() + offsets[i];
    // Level 0: every row has it, so a slot is good when it is -1 or a row number; unsigned
    // arithmetic maps -1 to 0 and every other negative past the limit.
    std::uint32_t bad = 0;
    for (std::uint32_t j = 0; j < 2 * m; ++j) bad |= static_cast<std::uint32_t>(static_cast<std::uint32_t>(nb[j]) + 1u > limit);
    if (bad)
      for (std::uint32_t j = 0; j < 2 * m; ++j)
        if (static_cast<std::uint32_t>(nb[j]) + 1u > limit) reject(i, j);
    const std::uint64_t count = vec::hnsw_slots(m, levels[i]);
    for (std::uint64_t j = 2 * std::uint64_t{m}; j < count; ++j) {
      const std::int32_t v = nb[j];
      if (v == -1) continue;
      if (v < 0 || static_cast<std::uint32_t>(v) >= limit || levels[static_cast<std::size_t>(v)] <= j / m - 1)
        reject(i, j);
    }
  }
}

void VecSegment::Impl::decode_ivfpq(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base) {
  const std::uint32_t pq_m = t.params[vec::kPqSubquantizers], nbits = t.params[vec::kPqBits];
  const std::size_t n = rows();
  auto section = [&](Section sec) {
    return std::span(body).subspan(t.parts[sec].offset, t.parts[sec].length);
  };
  RawVector<float> coarse, pq;
  if (!copy_finite(section(vec::kCoarse), coarse)) fail("a coarse centroid holds NaN or infinity");
  if (!copy_finite(section(vec::kPqCentroids), pq)) fail("a PQ centroid holds NaN or infinity");

  format::ByteReader r(section(vec::kLists), what + " inverted lists", base + t.parts[vec::kLists].offset);
  std::vector<std::uint32_t> list_sizes(nlist);
  std::vector<idx_t> ids(n);
  std::vector<std::uint64_t> seen((n + 63) / 64);
  std::size_t filled = 0;
  for (std::uint32_t l = 0; l < nlist; ++l) {
    const std::uint64_t count = r.varint();
    if (count > n - filled) r.fail("list " + std::to_string(l) + " holds more rows than the segment");
    std::uint64_t row = 0;
    for (std::uint64_t j = 0; j < count; ++j) {
      const std::uint64_t gap = r.varint();
      if (j > 0 && gap == 0) r.fail("rows of list " + std::to_string(l) + " do not ascend");
      if (gap >= n || row + gap >= n) r.fail("list " + std::to_string(l) + " names a row past the last");
      row = j == 0 ? gap : row + gap;
      std::uint64_t& word = seen[row / 64];
      const std::uint64_t bit = std::uint64_t{1} << (row % 64);
      if (word & bit) r.fail("row " + std::to_string(row) + " is in two lists");
      word |= bit;
      ids[filled++] = static_cast<idx_t>(row);
    }
    list_sizes[l] = static_cast<std::uint32_t>(count);
  }
  if (!r.done()) r.fail("bytes left after the last list");
  if (filled != n) fail("inverted lists hold " + std::to_string(filled) + " of " + std::to_string(n) + " rows");

  try {
    auto quantizer = std::make_unique<faiss::IndexFlatIP>(static_cast<idx_t>(padded_dim));
    quantizer->add(static_cast<idx_t>(nlist), coarse.data());
    ivf = std::make_unique<faiss::IndexIVFPQ>(quantizer.get(), padded_dim, nlist, pq_m, nbits,
                                              faiss::METRIC_INNER_PRODUCT);
    quantizer.release();
    ivf->own_fields = true;
    if (ivf->pq.centroids.size() != pq.size() || ivf->code_size != (std::size_t{pq_m} * nbits + 7) / 8)
      fail("PQ parameters do not match faiss's");
    ivf->pq.centroids.assign(pq.begin(), pq.end());
    ivf->by_residual = true;
    ivf->do_polysemous_training = false;
    ivf->is_trained = true;
    const std::uint8_t* codes = body.data() + t.parts[vec::kCodes].offset;
    std::size_t at = 0;
    for (std::uint32_t l = 0; l < nlist; ++l) {
      if (list_sizes[l] > 0) ivf->invlists->add_entries(l, list_sizes[l], ids.data() + at, codes + at * ivf->code_size);
      at += list_sizes[l];
    }
    ivf->ntotal = static_cast<idx_t>(n);
  } catch (const faiss::FaissException& e) {
    fail(std::string("faiss rejects the IVF-PQ parameters: ") + e.what());
  }
}

// ---------------------------------------------------------------------------------------
// Searching

std::vector<Cand> VecSegment::Impl::exact(const float* q, std::size_t k, const Accept& accept) const {
  TopK top(k);
  const auto n = static_cast<std::uint32_t>(rows());
  for (std::uint32_t r = 0; r < n; ++r) {
    if (accept && !accept(frames[r])) continue;
    top.offer({score(q, r), r});
  }
  return top.take();
}

// The usual HNSW walk (greedy descent through the upper levels, then a best-first search of
// level 0 with a candidate list of ef), written here rather than taken from faiss 1.7.3,
// whose search sizes its candidate heap from the shared hnsw.efSearch field and ignores the
// per-call efSearch: a per-query ef would mean mutating shared state. Rows accept() rejects
// are walked through but never returned.
std::vector<Cand> VecSegment::Impl::hnsw(const float* q, std::size_t k, const Accept& accept,
                                         const VecSearchOptions& o) const {
  const std::size_t n = rows();
  const std::size_t ef = std::min(n, std::max(o.ef_search, k));
  std::uint32_t cur = entry;
  float cur_score = score(q, cur);
  for (std::uint32_t level = max_level; level >= 1; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      const std::int32_t* nb = neighbours.data() + offsets[cur] + vec::hnsw_level_begin(m, level);
      for (std::uint32_t j = 0; j < m && nb[j] >= 0; ++j) {
        const auto v = static_cast<std::uint32_t>(nb[j]);
        const float sv = score(q, v);
        if (sv > cur_score) {
          cur = v;
          cur_score = sv;
          moved = true;
        }
      }
    }
  }

  std::vector<std::uint64_t> visited((n + 63) / 64);
  std::size_t seen = 0;
  auto visit = [&](std::uint32_t r) {
    std::uint64_t& word = visited[r / 64];
    const std::uint64_t bit = std::uint64_t{1} << (r % 64);
    if (word & bit) return false;
    word |= bit;
    ++seen;
    return true;
  };
  auto admit = [&](std::uint32_t r) { return !accept || accept(frames[r]); };
  std::priority_queue<std::pair<float, std::uint32_t>> candidates;  // best on top
  TopK found(ef);                                                 // accepted rows only
  visit(cur);
  candidates.push({cur_score, cur});
  if (admit(cur)) found.offer({cur_score, cur});
  while (!candidates.empty()) {
    const auto [cs, c] = candidates.top();
    // With a filter, keep walking until ef accepted rows are found: the rejected ones
    // still lead to the rest of the graph.
    if (found.size() > 0 && (found.full() || !accept) && cs < found.worst().score) break;
    candidates.pop();
    const std::int32_t* nb = neighbours.data() + offsets[c];
    for (std::uint32_t j = 0; j < 2 * m && nb[j] >= 0; ++j) {
      const auto v = static_cast<std::uint32_t>(nb[j]);
      if (!visit(v)) continue;
      const float sv = score(q, v);
      if (found.full() && !(sv > found.worst().score)) continue;
      candidates.push({sv, v});
      if (admit(v)) found.offer({sv, v});
    }
  }
  std::vector<Cand> out = found.take();
  // The walk reaches only what is linked to the entry point: when it comes back short and
  // rows were left unseen, a scan gives the exact answer instead.
  if (out.size() < k && seen < n) return exact(q, k, accept);
  if (out.size() > k) out.resize(k);
  return out;
}

std::vector<Cand> VecSegment::Impl::ivfpq(const float* q, std::size_t k, const Accept& accept,
                                          const VecSearchOptions& o) const {
  std::vector<float> query(padded_dim, 0.0f);
  std::memcpy(query.data(), q, dim * sizeof(float));
  AcceptSelector selector(frames, accept);
  std::size_t nprobe = std::clamp<std::size_t>(o.nprobe, 1, nlist);
  std::vector<idx_t> lists(nlist), labels(k);
  std::vector<float> list_scores(nlist), scores(k);
  std::vector<Cand> out;
  for (;;) {
    faiss::SearchParametersIVF params;
    params.nprobe = nprobe;
    params.sel = accept ? &selector : nullptr;
    // search_preassigned rather than search: search adds to faiss's global statistics,
    // which concurrent searches would race on.
    ivf->quantizer->search(1, query.data(), static_cast<idx_t>(nprobe), list_scores.data(), lists.data());
    ivf->search_preassigned(1, query.data(), static_cast<idx_t>(k), lists.data(), list_scores.data(), scores.data(),
                            labels.data(), false, &params, nullptr);
    if (selector.error) std::rethrow_exception(selector.error);
    out.clear();
    for (std::size_t j = 0; j < k; ++j) {
      const idx_t row = labels[j];
      if (row < 0 || static_cast<std::uint64_t>(row) >= rows()) continue;
      const float sc = scores[j] == scores[j] ? scores[j] : -std::numeric_limits<float>::infinity();
      out.push_back({sc, static_cast<std::uint32_t>(row)});
    }
    // Short with a filter or small lists: widen the probe until every list is visited.
    if (out.size() >= k || nprobe >= nlist) break;
    nprobe = std::min<std::size_t>(nlist, nprobe * 2);
  }
  std::sort(out.begin(), out.end(), better);
  return out;
}

VecLayout VecSegment::layout() const { return impl_->layout; }
std::uint32_t VecSegment::dim() const { return impl_->dim; }
std::size_t VecSegment::size() const { return impl_->frames.size(); }
const std::vector<std::uint64_t>& VecSegment::frames() const { return impl_->frames; }

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
  for (const Cand& c : best) out.push_back({s.frames[c.row], c.score});
  return out;
}

std::span<const float> VecSegment::exact_vector(std::uint64_t frame) const {
  const Impl& s = *impl_;
  if (s.vectors.empty()) return {};
  auto it = std::lower_bound(s.frames.begin(), s.frames.end(), frame);
  if (it == s.frames.end() || *it != frame) return {};
  const auto row = static_cast<std::size_t>(it - s.frames.begin());
  return std::span<const float>(s.vectors).subspan(row * s.dim, s.dim);
}

}  // namespace memvid::index
