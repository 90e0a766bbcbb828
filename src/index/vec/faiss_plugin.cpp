#include "index/vec/faiss_plugin.hpp"

#include <exception>
#include <string>

#include "index/vec/faiss_plugin_abi.h"
#include "index/vec/vec_format.hpp"
#include "io/plugins.hpp"
#include "memvid/error.hpp"

namespace memvid::index::vec {
namespace {

struct Api {
  memvid_faiss_hnsw_build_v2_fn hnsw_build = nullptr;
  memvid_faiss_ivfpq_build_v1_fn ivfpq_build = nullptr;
  memvid_faiss_ivfpq_open_v1_fn ivfpq_open = nullptr;
  memvid_faiss_ivfpq_search_v1_fn ivfpq_search = nullptr;
  memvid_faiss_ivfpq_close_v1_fn ivfpq_close = nullptr;
  std::string error;
};

Api load() {
  const io::Plugin found = io::load_plugin(
      MEMVID_FAISS_PLUGIN_FILE, "MEMVID_FAISS_PLUGIN", "Vector index support (faiss)",
      {MEMVID_FAISS_HNSW_BUILD_SYMBOL, MEMVID_FAISS_IVFPQ_BUILD_SYMBOL, MEMVID_FAISS_IVFPQ_OPEN_SYMBOL,
       MEMVID_FAISS_IVFPQ_SEARCH_SYMBOL, MEMVID_FAISS_IVFPQ_CLOSE_SYMBOL});
  Api api;
  api.error = found.error;
  if (found.symbols.size() != 5) return api;
  api.hnsw_build = reinterpret_cast<memvid_faiss_hnsw_build_v2_fn>(found.symbols[0]);
  api.ivfpq_build = reinterpret_cast<memvid_faiss_ivfpq_build_v1_fn>(found.symbols[1]);
  api.ivfpq_open = reinterpret_cast<memvid_faiss_ivfpq_open_v1_fn>(found.symbols[2]);
  api.ivfpq_search = reinterpret_cast<memvid_faiss_ivfpq_search_v1_fn>(found.symbols[3]);
  api.ivfpq_close = reinterpret_cast<memvid_faiss_ivfpq_close_v1_fn>(found.symbols[4]);
  return api;
}

const Api& api() {
  // Loaded once, on first use, however many threads ask at once.
  static const Api loaded = load();
  if (loaded.hnsw_build == nullptr) throw Error(ErrorCode::ModelUnavailable, loaded.error);
  return loaded;
}

constexpr std::size_t kErrorCapacity = 512;

float host_dot(const float* a, const float* b, std::size_t n) { return dot(a, b, n); }

}  // namespace

void faiss_build_hnsw(const float* vectors, std::size_t rows, std::uint32_t dim, int m, int ef_construction,
                      const HnswGraph* prior, const HnswGraphFn& use) {
  struct Context {
    const HnswGraphFn* use;
    std::exception_ptr error;
  } context{&use, nullptr};
  auto on_graph = [](void* ctx, const std::int32_t* levels, const std::size_t* offsets, const std::int32_t* neighbors,
                     std::int32_t entry, std::int32_t max_level) -> int {
    auto* c = static_cast<Context*>(ctx);
    try {
      (*c->use)(levels, offsets, neighbors, entry, max_level);
      return 0;
    } catch (...) {
      c->error = std::current_exception();
      return 1;
    }
  };
  char error[kErrorCapacity] = {};
  const int rc = api().hnsw_build(vectors, rows, dim, m, ef_construction, prior ? prior->levels.size() : 0,
                                  prior ? prior->levels.data() : nullptr, prior ? prior->neighbors.data() : nullptr,
                                  prior ? prior->entry : 0, prior ? prior->max_level : 0, &host_dot, &context,
                                  on_graph, error, sizeof error);
  if (context.error) std::rethrow_exception(context.error);
  if (rc != MEMVID_FAISS_OK)
    throw Error(ErrorCode::InvalidArgument, std::string("vector segment: faiss failed to build the index: ") + error);
}

void faiss_build_ivfpq(const float* x, std::size_t rows, const float* sample, std::size_t train_rows,
                       const IvfPqShape& s, const IvfPqTraining& t, float* coarse, float* pq_centroids,
                       std::int64_t* list_of, std::uint8_t* codes) {
  char error[kErrorCapacity] = {};
  if (api().ivfpq_build(x, rows, sample, train_rows, s.padded_dim, s.nlist, s.m, s.nbits, s.dsub, t.coarse_iterations,
                        t.pq_iterations, t.pq_points_per_centroid, coarse, pq_centroids, list_of, codes, error,
                        sizeof error) != MEMVID_FAISS_OK)
    throw Error(ErrorCode::InvalidArgument, std::string("vector segment: faiss failed to build the index: ") + error);
}

FaissIvfPq::FaissIvfPq(const IvfPqShape& s, const float* coarse, const float* pq_centroids, std::size_t pq_count,
                       const std::uint32_t* list_sizes, const std::int64_t* ids, const std::uint8_t* codes,
                       std::size_t rows, const std::string& what)
    : what_(what) {
  char error[kErrorCapacity] = {};
  index_ = api().ivfpq_open(s.padded_dim, s.nlist, s.m, s.nbits, coarse, pq_centroids, pq_count, list_sizes, ids, codes,
                            rows, error, sizeof error);
  if (index_ == nullptr) throw Error(ErrorCode::Corrupt, what + ": faiss rejects the IVF-PQ parameters: " + error);
}

FaissIvfPq::~FaissIvfPq() {
  if (index_ != nullptr) api().ivfpq_close(index_);
}

void FaissIvfPq::search(const float* query, std::size_t k, std::size_t nprobe,
                        const std::function<bool(std::int64_t)>& accept, float* scores, std::int64_t* labels) const {
  struct Context {
    const std::function<bool(std::int64_t)>* accept;
    std::exception_ptr error;
  } context{&accept, nullptr};
  // An exception from accept() is kept and rethrown after the search rather than thrown
  // through faiss; once one is kept nothing more is admitted.
  auto admit = [](void* ctx, std::int64_t row) -> int {
    auto* c = static_cast<Context*>(ctx);
    if (c->error) return 0;
    try {
      return (*c->accept)(row) ? 1 : 0;
    } catch (...) {
      c->error = std::current_exception();
      return 0;
    }
  };
  char error[kErrorCapacity] = {};
  const int rc = api().ivfpq_search(index_, query, k, nprobe, &context, accept ? +admit : nullptr, scores, labels, error,
                                    sizeof error);
  if (context.error) std::rethrow_exception(context.error);
  if (rc != MEMVID_FAISS_OK) throw Error(ErrorCode::Corrupt, what_ + ": faiss failed to search: " + error);
}

}  // namespace memvid::index::vec
