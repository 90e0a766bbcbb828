// The vector-index plugin: faiss's HNSW builder and IVF-PQ behind the C entry points of
// index/vec/faiss_plugin_abi.h. It lives in its own shared object because faiss brings
// OpenMP, OpenBLAS, gfortran and quadmath, which every process would otherwise load and
// initialize at start; libmemvid loads this on the first graph or IVF-PQ index it builds, or
// the first IVF-PQ segment it searches. Built with hidden visibility: the entry points are its
// only exported symbols.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/invlists/InvertedLists.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "index/vec/faiss_plugin_abi.h"

namespace {

using idx_t = faiss::Index::idx_t;

void write_error(char* error, std::size_t capacity, std::initializer_list<std::string_view> parts) {
  if (error == nullptr || capacity == 0) return;
  std::size_t at = 0;
  for (std::string_view p : parts) {
    const std::size_t n = std::min(p.size(), capacity - 1 - at);
    std::memcpy(error + at, p.data(), n);
    at += n;
  }
  error[at] = '\0';
}

// Runs body, turning every exception into MEMVID_FAISS_ERROR with its reason: none may cross
// the C boundary.
template <typename Body>
int guarded(char* error, std::size_t capacity, const Body& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    write_error(error, capacity, {"out of memory"});
  } catch (const std::exception& e) {
    write_error(error, capacity, {e.what()});
  } catch (...) {
    write_error(error, capacity, {"unknown failure"});
  }
  return MEMVID_FAISS_ERROR;
}

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

// ---------------------------------------------------------------------------------------
// HNSW

// The packaged faiss 1.7.3 scores inner products with its scalar reference loop; an HNSW
// build spends nearly all its time there. This storage hands the graph builder the host's dot.
struct DotComputer final : faiss::DistanceComputer {
  DotComputer(const float* b, std::size_t dimension, memvid_faiss_dot_fn f) : base(b), d(dimension), dot(f) {}
  void set_query(const float* x) override { q = x; }
  float operator()(idx_t i) override { return dot(q, base + static_cast<std::size_t>(i) * d, d); }
  float symmetric_dis(idx_t i, idx_t j) override {
    return dot(base + static_cast<std::size_t>(i) * d, base + static_cast<std::size_t>(j) * d, d);
  }
  const float* base;
  std::size_t d;
  memvid_faiss_dot_fn dot;
  const float* q = nullptr;
};

struct DotStorage final : faiss::IndexFlatIP {
  DotStorage(idx_t dimension, memvid_faiss_dot_fn f) : faiss::IndexFlatIP(dimension), dot(f) {}
  faiss::DistanceComputer* get_distance_computer() const override {
    return new DotComputer(get_xb(), static_cast<std::size_t>(d), dot);
  }
  memvid_faiss_dot_fn dot;
};

struct PriorGraph {
  std::size_t rows;
  const std::int32_t* levels;
  const std::int32_t* neighbors;
  std::int32_t entry, max_level;
};

// Puts a graph built earlier over the first prior.rows vectors into index (checked first:
// faiss trusts its graph), so that adding the other rows extends it.
void place_prior(faiss::IndexHNSW& index, DotStorage& storage, const float* vectors, const PriorGraph& prior) {
  faiss::HNSW& h = index.hnsw;
  const auto top = static_cast<std::int32_t>(h.cum_nneighbor_per_level.size()) - 1;  // levels faiss can hold
  h.levels.resize(prior.rows);
  h.offsets.assign(1, 0);
  h.offsets.reserve(prior.rows + 1);
  for (std::size_t i = 0; i < prior.rows; ++i) {
    const std::int32_t l = prior.levels[i];
    if (l < 1 || l > top) throw std::invalid_argument("a prior graph row has " + std::to_string(l) + " levels");
    h.levels[i] = l;
    h.offsets.push_back(h.offsets.back() + static_cast<std::size_t>(h.cum_nb_neighbors(l)));
  }
  h.neighbors.assign(prior.neighbors, prior.neighbors + h.offsets.back());
  const auto limit = static_cast<std::int64_t>(prior.rows);
  for (const faiss::HNSW::storage_idx_t v : h.neighbors)
    if (v < -1 || v >= limit) throw std::invalid_argument("a prior graph links to a row it does not hold");
  if (prior.entry < 0 || prior.entry >= limit || prior.max_level != h.levels[static_cast<std::size_t>(prior.entry)] - 1)
    throw std::invalid_argument("a prior graph's entry point is not a row of its top level");
  h.entry_point = prior.entry;
  h.max_level = prior.max_level;
  storage.add(static_cast<idx_t>(prior.rows), vectors);
  index.ntotal = storage.ntotal;
}

int hnsw_build(const float* vectors, std::size_t rows, std::uint32_t dim, std::int32_t m, std::int32_t ef_construction,
               const PriorGraph& prior, memvid_faiss_dot_fn dot, void* ctx, memvid_faiss_graph_fn on_graph) {
  OneOmpThread one;
  DotStorage storage(static_cast<idx_t>(dim), dot);
  faiss::IndexHNSW index(&storage, m);
  index.own_fields = false;
  index.hnsw.efConstruction = ef_construction;
  if (prior.rows > rows) throw std::invalid_argument("a prior graph holds more rows than the build");
  if (prior.rows > 0) place_prior(index, storage, vectors, prior);
  index.add(static_cast<idx_t>(rows - prior.rows), vectors + prior.rows * dim);
  const faiss::HNSW& h = index.hnsw;
  if (h.levels.size() != rows || h.offsets.size() != rows + 1 || h.neighbors.size() != h.offsets[rows])
    throw std::logic_error("faiss built an HNSW graph of unexpected shape");
  static_assert(sizeof(int) == sizeof(std::int32_t) && sizeof(faiss::HNSW::storage_idx_t) == sizeof(std::int32_t));
  return on_graph(ctx, reinterpret_cast<const std::int32_t*>(h.levels.data()), h.offsets.data(),
                  reinterpret_cast<const std::int32_t*>(h.neighbors.data()), h.entry_point, h.max_level) == 0
             ? MEMVID_FAISS_OK
             : MEMVID_FAISS_STOPPED;
}

// ---------------------------------------------------------------------------------------
// IVF-PQ build

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

int ivfpq_build(const float* x, std::size_t rows, const float* sample, std::size_t train_rows, std::uint32_t padded_dim,
                std::uint32_t nlist, std::uint32_t m, std::uint32_t nbits, std::uint32_t dsub, int coarse_iterations,
                int pq_iterations, int pq_points_per_centroid, float* coarse_out, float* pq_out, std::int64_t* list_of,
                std::uint8_t* codes) {
  OneOmpThread one;
  faiss::IndexFlatIP quantizer(static_cast<idx_t>(padded_dim));
  faiss::IndexIVFPQ ivf(&quantizer, padded_dim, nlist, m, nbits, faiss::METRIC_INNER_PRODUCT);
  ivf.own_fields = false;
  ivf.by_residual = true;
  ivf.do_polysemous_training = false;
  ivf.cp.niter = coarse_iterations;
  ivf.pq.cp.niter = pq_iterations;
  // Residuals beyond this many per PQ centroid are subsampled by faiss with its fixed seed.
  ivf.pq.cp.max_points_per_centroid = pq_points_per_centroid;
  NearestL2 pq_assign(static_cast<idx_t>(dsub));
  ivf.pq.assign_index = &pq_assign;
  ivf.verbose = false;
  ivf.train(static_cast<idx_t>(train_rows), sample);
  ivf.pq.assign_index = nullptr;
  const std::size_t ksub = std::size_t{1} << nbits;
  const std::size_t code_size = (std::size_t{m} * nbits + 7) / 8;
  if (quantizer.ntotal != static_cast<idx_t>(nlist) || ivf.pq.centroids.size() != std::size_t{m} * ksub * dsub ||
      ivf.code_size != code_size || ivf.pq.dsub != dsub)
    throw std::logic_error("faiss trained an IVF-PQ index of unexpected shape");

  // Encoding, as IndexIVFPQ::add would: each row's nearest coarse centroid by inner product,
  // then the PQ code of its residual, packed by faiss from a table of distances.
  static_assert(sizeof(idx_t) == sizeof(std::int64_t));
  quantizer.assign(static_cast<idx_t>(rows), x, reinterpret_cast<idx_t*>(list_of));
  std::vector<std::vector<float>> tables(m);
  for (std::uint32_t q = 0; q < m; ++q) tables[q] = transpose(ivf.pq.get_centroids(q, 0), ksub, dsub);
  const float* coarse = quantizer.get_xb();
  std::vector<float> residual(padded_dim), dist(std::size_t{m} * ksub);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int64_t l = list_of[r];
    if (l < 0 || l >= static_cast<std::int64_t>(nlist)) throw std::logic_error("faiss assigned a row to no list");
    const float* c = coarse + static_cast<std::size_t>(l) * padded_dim;
    for (std::size_t j = 0; j < padded_dim; ++j) residual[j] = x[r * padded_dim + j] - c[j];
    for (std::uint32_t q = 0; q < m; ++q)
      l2_to_all(residual.data() + std::size_t{q} * dsub, tables[q].data(), dsub, ksub, dist.data() + q * ksub);
    ivf.pq.compute_code_from_distance_table(dist.data(), codes + r * code_size);
  }
  std::memcpy(coarse_out, coarse, std::size_t{nlist} * padded_dim * sizeof(float));
  std::memcpy(pq_out, ivf.pq.centroids.data(), ivf.pq.centroids.size() * sizeof(float));
  return MEMVID_FAISS_OK;
}

// ---------------------------------------------------------------------------------------
// IVF-PQ search

// Hands faiss the host's accept() by row number.
struct AcceptSelector final : faiss::IDSelector {
  AcceptSelector(void* c, memvid_faiss_accept_fn a) : ctx(c), accept(a) {}
  bool is_member(idx_t id) const override { return accept(ctx, id) != 0; }
  void* ctx;
  memvid_faiss_accept_fn accept;
};

faiss::IndexIVFPQ* ivfpq_open(std::uint32_t padded_dim, std::uint32_t nlist, std::uint32_t m, std::uint32_t nbits,
                              const float* coarse, const float* pq, std::size_t pq_count, const std::uint32_t* list_sizes,
                              const std::int64_t* ids, const std::uint8_t* codes, std::size_t rows) {
  auto quantizer = std::make_unique<faiss::IndexFlatIP>(static_cast<idx_t>(padded_dim));
  quantizer->add(static_cast<idx_t>(nlist), coarse);
  auto ivf = std::make_unique<faiss::IndexIVFPQ>(quantizer.get(), padded_dim, nlist, m, nbits,
                                                 faiss::METRIC_INNER_PRODUCT);
  quantizer.release();
  ivf->own_fields = true;
  if (ivf->pq.centroids.size() != pq_count || ivf->code_size != (std::size_t{m} * nbits + 7) / 8)
    throw std::logic_error("PQ parameters do not match faiss's");
  ivf->pq.centroids.assign(pq, pq + pq_count);
  ivf->by_residual = true;
  ivf->do_polysemous_training = false;
  ivf->is_trained = true;
  std::size_t at = 0;
  for (std::uint32_t l = 0; l < nlist; ++l) {
    if (list_sizes[l] > 0)
      ivf->invlists->add_entries(l, list_sizes[l], reinterpret_cast<const idx_t*>(ids) + at, codes + at * ivf->code_size);
    at += list_sizes[l];
  }
  if (at != rows) throw std::logic_error("the inverted lists do not hold every row");
  ivf->ntotal = static_cast<idx_t>(rows);
  return ivf.release();
}

int ivfpq_search(const faiss::IndexIVFPQ& ivf, const float* query, std::size_t k, std::size_t nprobe, void* ctx,
                 memvid_faiss_accept_fn accept, float* scores, std::int64_t* labels) {
  AcceptSelector selector(ctx, accept);
  faiss::SearchParametersIVF params;
  params.nprobe = nprobe;
  params.sel = accept ? &selector : nullptr;
  std::vector<idx_t> lists(nprobe);
  std::vector<float> list_scores(nprobe);
  // search_preassigned rather than search: search adds to faiss's global statistics, which
  // concurrent searches would race on.
  ivf.quantizer->search(1, query, static_cast<idx_t>(nprobe), list_scores.data(), lists.data());
  ivf.search_preassigned(1, query, static_cast<idx_t>(k), lists.data(), list_scores.data(), scores,
                         reinterpret_cast<idx_t*>(labels), false, &params, nullptr);
  return MEMVID_FAISS_OK;
}

}  // namespace

#define MEMVID_FAISS_EXPORT extern "C" __attribute__((visibility("default")))

MEMVID_FAISS_EXPORT int memvid_faiss_hnsw_build_v2(const float* vectors, size_t rows, uint32_t dim, int32_t m,
                                                   int32_t ef_construction, size_t prior_rows,
                                                   const int32_t* prior_levels, const int32_t* prior_neighbors,
                                                   int32_t prior_entry, int32_t prior_max_level,
                                                   memvid_faiss_dot_fn dot, void* ctx, memvid_faiss_graph_fn on_graph,
                                                   char* error, size_t error_capacity) {
  return guarded(error, error_capacity, [&] {
    const PriorGraph prior{prior_rows, prior_levels, prior_neighbors, prior_entry, prior_max_level};
    return hnsw_build(vectors, rows, dim, m, ef_construction, prior, dot, ctx, on_graph);
  });
}

MEMVID_FAISS_EXPORT int memvid_faiss_ivfpq_build_v1(const float* x, size_t rows, const float* sample, size_t train_rows,
                                                    uint32_t padded_dim, uint32_t nlist, uint32_t m, uint32_t nbits,
                                                    uint32_t dsub, int32_t coarse_iterations, int32_t pq_iterations,
                                                    int32_t pq_points_per_centroid, float* coarse, float* pq_centroids,
                                                    int64_t* list_of, uint8_t* codes, char* error,
                                                    size_t error_capacity) {
  return guarded(error, error_capacity, [&] {
    return ivfpq_build(x, rows, sample, train_rows, padded_dim, nlist, m, nbits, dsub, coarse_iterations,
                       pq_iterations, pq_points_per_centroid, coarse, pq_centroids, list_of, codes);
  });
}

MEMVID_FAISS_EXPORT void* memvid_faiss_ivfpq_open_v1(uint32_t padded_dim, uint32_t nlist, uint32_t m, uint32_t nbits,
                                                     const float* coarse, const float* pq_centroids, size_t pq_count,
                                                     const uint32_t* list_sizes, const int64_t* ids,
                                                     const uint8_t* codes, size_t rows, char* error,
                                                     size_t error_capacity) {
  faiss::IndexIVFPQ* index = nullptr;
  guarded(error, error_capacity, [&] {
    index = ivfpq_open(padded_dim, nlist, m, nbits, coarse, pq_centroids, pq_count, list_sizes, ids, codes, rows);
    return MEMVID_FAISS_OK;
  });
  return index;
}

MEMVID_FAISS_EXPORT int memvid_faiss_ivfpq_search_v1(const void* index, const float* query, size_t k, size_t nprobe,
                                                     void* ctx, memvid_faiss_accept_fn accept, float* scores,
                                                     int64_t* labels, char* error, size_t error_capacity) {
  return guarded(error, error_capacity, [&] {
    return ivfpq_search(*static_cast<const faiss::IndexIVFPQ*>(index), query, k, nprobe, ctx, accept, scores, labels);
  });
}

MEMVID_FAISS_EXPORT void memvid_faiss_ivfpq_close_v1(void* index) { delete static_cast<faiss::IndexIVFPQ*>(index); }

// The contract's types and the definitions must agree; a mismatch fails the build here.
[[maybe_unused]] static constexpr memvid_faiss_hnsw_build_v2_fn kHnswBuildCheck = &memvid_faiss_hnsw_build_v2;
[[maybe_unused]] static constexpr memvid_faiss_ivfpq_build_v1_fn kIvfpqBuildCheck = &memvid_faiss_ivfpq_build_v1;
[[maybe_unused]] static constexpr memvid_faiss_ivfpq_open_v1_fn kIvfpqOpenCheck = &memvid_faiss_ivfpq_open_v1;
[[maybe_unused]] static constexpr memvid_faiss_ivfpq_search_v1_fn kIvfpqSearchCheck = &memvid_faiss_ivfpq_search_v1;
[[maybe_unused]] static constexpr memvid_faiss_ivfpq_close_v1_fn kIvfpqCloseCheck = &memvid_faiss_ivfpq_close_v1;
