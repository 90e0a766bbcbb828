#ifndef MEMVID_INDEX_VEC_FAISS_PLUGIN_ABI_H_
#define MEMVID_INDEX_VEC_FAISS_PLUGIN_ABI_H_
/* The contract between libmemvid and the vector-index plugin (libmemvid_faiss.so), which the
 * library loads with dlopen when it first builds an HNSW graph or an IVF-PQ index, or searches
 * an IVF-PQ part (opening and verifying one need only the library's own checks). faiss links OpenMP, OpenBLAS, gfortran and quadmath, whose loading and
 * initialization cost every process ~0.4 ms at start; most commands (a search walking a
 * stored graph, a lexical find, version) never need them. Plain C types only, and a change of
 * contract gets new symbol names (..._v2). No function throws; each reports a failure as a
 * one-line, NUL-terminated reason in error (truncated to error_capacity). */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MEMVID_FAISS_PLUGIN_FILE "libmemvid_faiss.so"
#define MEMVID_FAISS_HNSW_BUILD_SYMBOL "memvid_faiss_hnsw_build_v2"
#define MEMVID_FAISS_IVFPQ_BUILD_SYMBOL "memvid_faiss_ivfpq_build_v1"
#define MEMVID_FAISS_IVFPQ_OPEN_SYMBOL "memvid_faiss_ivfpq_open_v1"
#define MEMVID_FAISS_IVFPQ_SEARCH_SYMBOL "memvid_faiss_ivfpq_search_v1"
#define MEMVID_FAISS_IVFPQ_CLOSE_SYMBOL "memvid_faiss_ivfpq_close_v1"

enum {
  MEMVID_FAISS_OK = 0,
  MEMVID_FAISS_ERROR = 1,   /* faiss refused the input or failed; why is in error[] */
  MEMVID_FAISS_STOPPED = 2  /* a callback returned nonzero; the host knows why */
};

/* The inner product the host scores with, so that a graph is built on the same bits a
 * search later sees. */
typedef float (*memvid_faiss_dot_fn)(const float* a, const float* b, size_t n);

/* The HNSW graph faiss built, in faiss's layout, valid only during the call: levels[rows]
 * (1 + the row's top level), offsets[rows + 1] (each row's first slot in neighbors),
 * neighbors[offsets[rows]] (-1 ends a list). Returns 0 to go on, nonzero to stop. */
typedef int (*memvid_faiss_graph_fn)(void* ctx, const int32_t* levels, const size_t* offsets, const int32_t* neighbors,
                                     int32_t entry_point, int32_t max_level);

/* Builds an HNSW graph over rows x dim floats on the calling thread only (deterministic),
 * with M links per level (2M on level 0) and ef_construction, then hands it to on_graph.
 * With prior_rows > 0 the first prior_rows rows already have a graph built with the same M
 * and ef_construction, in faiss's layout (prior_levels[prior_rows], prior_neighbors with
 * each row's slots in order, the entry point and top level): the graph is extended by the
 * other rows instead of built anew (a merge that keeps its largest input's graph). */
typedef int (*memvid_faiss_hnsw_build_v2_fn)(const float* vectors, size_t rows, uint32_t dim, int32_t m,
                                             int32_t ef_construction, size_t prior_rows, const int32_t* prior_levels,
                                             const int32_t* prior_neighbors, int32_t prior_entry,
                                             int32_t prior_max_level, memvid_faiss_dot_fn dot, void* ctx,
                                             memvid_faiss_graph_fn on_graph, char* error, size_t error_capacity);

/* Trains an IVF-PQ index (inner product, residual codes) on train_rows x padded_dim floats
 * (sample) on the calling thread only, then encodes rows x padded_dim floats (x). Writes
 * coarse[nlist * padded_dim], pq_centroids[m * 2^nbits * dsub], list_of[rows] (each row's
 * list) and codes[rows * code_size], code_size = (m * nbits + 7) / 8. */
typedef int (*memvid_faiss_ivfpq_build_v1_fn)(const float* x, size_t rows, const float* sample, size_t train_rows,
                                              uint32_t padded_dim, uint32_t nlist, uint32_t m, uint32_t nbits,
                                              uint32_t dsub, int32_t coarse_iterations, int32_t pq_iterations,
                                              int32_t pq_points_per_centroid, float* coarse, float* pq_centroids,
                                              int64_t* list_of, uint8_t* codes, char* error, size_t error_capacity);

/* An IVF-PQ index rebuilt from checked arrays: coarse[nlist * padded_dim],
 * pq_centroids[pq_count], then per list (in order) list_sizes[l] rows, whose row numbers
 * are the next entries of ids and whose codes the next entries of codes. NULL on failure. */
typedef void* (*memvid_faiss_ivfpq_open_v1_fn)(uint32_t padded_dim, uint32_t nlist, uint32_t m, uint32_t nbits,
                                               const float* coarse, const float* pq_centroids, size_t pq_count,
                                               const uint32_t* list_sizes, const int64_t* ids, const uint8_t* codes,
                                               size_t rows, char* error, size_t error_capacity);

/* Whether a row may be returned: 1 yes, 0 no. Must not throw or longjmp. */
typedef int (*memvid_faiss_accept_fn)(void* ctx, int64_t row);

/* The k best rows of index for query[padded_dim] over the nprobe nearest lists, among
 * those accept admits (every row when accept is NULL): scores[k] and labels[k], label -1
 * where fewer were found. Safe to call from several threads at once. */
typedef int (*memvid_faiss_ivfpq_search_v1_fn)(const void* index, const float* query, size_t k, size_t nprobe,
                                               void* ctx, memvid_faiss_accept_fn accept, float* scores,
                                               int64_t* labels, char* error, size_t error_capacity);

typedef void (*memvid_faiss_ivfpq_close_v1_fn)(void* index);

#ifdef __cplusplus
}
#endif

#endif /* MEMVID_INDEX_VEC_FAISS_PLUGIN_ABI_H_ */
