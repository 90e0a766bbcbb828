#pragma once
// An immutable vector index segment: the embeddings of a run of frames and an index over
// them, searched by inner product (vectors are L2-normalized, so the score is the cosine).
// docs/FORMAT.md ("Vector segment") has the byte layout. Three layouts:
//   Flat   the vectors; search is an exact scan (small segments)
//   Hnsw   the vectors plus an HNSW graph (faiss), for segments of hnsw_threshold rows or more
//   IvfPq  product-quantized codes in inverted lists (faiss IVF-PQ): about 16x smaller than
//          the floats, approximate scores; chosen when the memory asks for compression
// Every part is checksummed and every structure read from disk is validated before faiss
// sees it, so a damaged or hostile segment gives Corrupt, never a crash or a huge allocation.
// Builds are deterministic: fixed seeds, one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "format/checksum.hpp"
#include "index/lex/lex_segment.hpp"  // ByteSource

namespace memvid::index {

enum class VecLayout : std::uint8_t { Flat = 0, Hnsw = 1, IvfPq = 2 };

struct VecBuildOptions {
  bool compress = false;                // IvfPq instead of Flat/Hnsw
  std::size_t hnsw_threshold = 10000;   // rows from which an uncompressed segment gets a graph
  int hnsw_m = 16;
  // 40 gave recall@10 0.917 at ef_search 256 on 50K built-in-model vectors, 100 gives 0.957
  // (build 1.8 s -> 4.7 s, one thread); sentence vectors are hard for HNSW (low contrast).
  int hnsw_ef_construction = 100;
};

struct VecSearchOptions {
  std::size_t ef_search = 256;  // Hnsw: candidate list size (raised to k when k is larger)
  std::size_t nprobe = 64;     // IvfPq: inverted lists visited
};

struct VecHit {
  std::uint64_t frame = 0;
  float score = 0;  // inner product with the query
};

// Encodes a segment. frames: ascending ids, one per row; vectors: rows x dim floats,
// already L2-normalized. Same input, same bytes.
std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> frames, std::span<const float> vectors,
                                             std::uint32_t dim, const VecBuildOptions& options);

class VecSegment {
 public:
  // Reads and validates the whole segment. expected: the checksum the manifest names (null:
  // only the segment's own checksums). dim: the memory's dimension; a segment of another
  // dimension is Corrupt. what names the segment in error messages.
  static std::shared_ptr<const VecSegment> open(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                                                std::uint64_t length, const format::Checksum16* expected,
                                                std::uint32_t dim, std::string what);
  ~VecSegment();

  VecLayout layout() const;
  std::uint32_t dim() const;
  std::size_t size() const;                          // rows
  const std::vector<std::uint64_t>& frames() const;  // ascending

  // The k best rows for query (dim floats) among frames accept() admits (null: all), best
  // first; equal scores by ascending frame id. Thread-safe.
  std::vector<VecHit> search(std::span<const float> query, std::size_t k,
                             const std::function<bool(std::uint64_t)>& accept, const VecSearchOptions& options) const;
  // The stored vector of frame (Flat, Hnsw), or an empty span (IvfPq keeps no floats, or the
  // frame is not in this segment).
  std::span<const float> exact_vector(std::uint64_t frame) const;

 private:
  struct Impl;
  explicit VecSegment(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The row count a segment's trailer records (for segments this process just wrote).
std::uint64_t encoded_vec_count(std::span<const std::uint8_t> segment);
// The checksum the manifest records for a segment and open() compares `expected` with.
format::Checksum16 vec_segment_checksum(std::span<const std::uint8_t> segment);

}  // namespace memvid::index
