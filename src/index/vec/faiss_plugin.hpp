#pragma once
// The library's side of the vector-index plugin (faiss_plugin_abi.h): loaded on first use,
// once per process, and wrapped so that callers get memvid::Error and C++ types. When the
// plugin cannot be loaded each call throws Error(ModelUnavailable) saying where it was looked for.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace memvid::index::vec {

// Builds an HNSW graph over rows x dim floats with the host's vec::dot and hands it, in
// faiss's layout, to use (see memvid_faiss_graph_fn). InvalidArgument when faiss fails.
using HnswGraphFn = std::function<void(const std::int32_t* levels, const std::size_t* offsets,
                                       const std::int32_t* neighbors, std::int32_t entry, std::int32_t max_level)>;
// An HNSW graph in faiss's layout over a segment's rows, for a build that extends it.
struct HnswGraph {
  std::uint32_t m = 0, ef_construction = 0;
  std::int32_t entry = 0, max_level = 0;
  std::vector<std::int32_t> levels;     // per row: 1 + its top level
  std::vector<std::int32_t> neighbors;  // per row: 2M level-0 slots, then M per upper level; -1 ends a list
};
// prior (may be null): a graph over the first prior->levels.size() rows, built with the same
// M and ef_construction, which the build extends by the other rows.
void faiss_build_hnsw(const float* vectors, std::size_t rows, std::uint32_t dim, int m, int ef_construction,
                      const HnswGraph* prior, const HnswGraphFn& use);

struct IvfPqShape {
  std::uint32_t padded_dim, nlist, m, nbits, dsub;
};
struct IvfPqTraining {
  int coarse_iterations, pq_iterations, pq_points_per_centroid;
};
// Trains on sample (train_rows x padded_dim) and encodes x (rows x padded_dim) into the
// caller's arrays (sizes in memvid_faiss_ivfpq_build_v1_fn). InvalidArgument when faiss fails.
void faiss_build_ivfpq(const float* x, std::size_t rows, const float* sample, std::size_t train_rows,
                       const IvfPqShape& shape, const IvfPqTraining& training, float* coarse, float* pq_centroids,
                       std::int64_t* list_of, std::uint8_t* codes);

// An IVF-PQ index held by the plugin.
class FaissIvfPq {
 public:
  // Rebuilt from checked arrays; Corrupt (naming what) when faiss refuses them.
  FaissIvfPq(const IvfPqShape& shape, const float* coarse, const float* pq_centroids, std::size_t pq_count,
             const std::uint32_t* list_sizes, const std::int64_t* ids, const std::uint8_t* codes, std::size_t rows,
             const std::string& what);
  ~FaissIvfPq();
  FaissIvfPq(const FaissIvfPq&) = delete;
  FaissIvfPq& operator=(const FaissIvfPq&) = delete;
  // The k best rows over the nprobe nearest lists among those accept admits (all when it is
  // empty): scores and labels (-1 past the rows found). An exception accept throws is
  // rethrown here.
  void search(const float* query, std::size_t k, std::size_t nprobe, const std::function<bool(std::int64_t)>& accept,
              float* scores, std::int64_t* labels) const;

 private:
  void* index_ = nullptr;
  std::string what_;
};

}  // namespace memvid::index::vec
