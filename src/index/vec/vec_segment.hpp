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
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "format/checksum.hpp"
#include "index/lex/lex_segment.hpp"  // ByteSource
#include "index/vec/faiss_plugin.hpp"  // HnswGraph
#include "index/vec/q8.hpp"

namespace memvid::index {

enum class VecLayout : std::uint8_t { Flat = 0, Hnsw = 1, IvfPq = 2 };

struct VecBuildOptions {
  bool compress = false;                // IvfPq instead of Flat/Hnsw
  std::size_t hnsw_threshold = 100000;  // rows from which an uncompressed segment gets a graph
  int hnsw_m = 16;
  // 40 gave recall@10 0.917 at ef_search 256 on 50K built-in-model vectors, 100 gives 0.957
  // (build 1.8 s -> 4.7 s, one thread); sentence vectors are hard for HNSW (low contrast).
  int hnsw_ef_construction = 100;
  // Flat and Hnsw segments are written in version 3; 2 writes the previous layout, which
  // older files hold (for tests that read it back). IvfPq is always version 2.
  std::uint32_t version = 3;
  // A graph over the first rows (a merge's first input), built with these M and
  // ef_construction: an Hnsw build extends it by the other rows instead of building anew.
  const vec::HnswGraph* prior_graph = nullptr;
};

struct VecSearchOptions {
  std::size_t ef_search = 256;  // Hnsw: candidate list size (raised to k when k is larger)
  std::size_t nprobe = 64;     // IvfPq: inverted lists visited
};

// A row's key: its frame and which passage of the frame's text (index/passages.hpp) the
// vector embeds. Segments and the buffer keep rows in ascending key order, so a frame's rows
// are adjacent. A vector that stands for the whole frame (a caller's vector, or a segment
// written before passage vectors, format version 1) is passage 0.
inline constexpr unsigned kPassageBits = 28;  // a 1 GiB text cut into 48-byte steps fits
inline constexpr std::uint64_t kMaxVecFrame = (std::uint64_t{1} << (64 - kPassageBits)) - 1;
inline constexpr std::uint32_t kMaxPassage = (1u << kPassageBits) - 1;
inline constexpr std::uint64_t vec_key(std::uint64_t frame, std::uint32_t passage) {
  return frame << kPassageBits | passage;
}
inline constexpr std::uint64_t key_frame(std::uint64_t key) { return key >> kPassageBits; }
inline constexpr std::uint32_t key_passage(std::uint64_t key) { return static_cast<std::uint32_t>(key & kMaxPassage); }

struct VecHit {
  std::uint64_t frame = 0;
  std::uint32_t passage = 0;
  float score = 0;  // inner product with the query
};

// Encodes a segment. keys: ascending vec_key()s, one per row; vectors: rows x dim, already
// L2-normalized, as 8-bit rows (quantized here from floats). Same input, same bytes.
std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> keys, const Q8Rows& vectors,
                                             std::uint32_t dim, const VecBuildOptions& options);
std::vector<std::uint8_t> encode_vec_segment(std::span<const std::uint64_t> keys, std::span<const float> vectors,
                                             std::uint32_t dim, const VecBuildOptions& options);

// How open() reads a segment.
//   Whole    every byte is read and every structure checked before open returns (verify,
//            and every segment of versions 1 and 2)
//   InPlace  a version 3 segment is viewed where it lies (mapped); open checks the trailer
//            and the block checksums' own checksum, and each 4 KiB block is checked against
//            its checksum when a search first touches it, each link and scale when it is
//            followed: a query reads the pages it needs, and damage is still Corrupt
enum class VecReadMode : std::uint8_t { Whole, InPlace };

class VecSegment {
 public:
  // Opens a segment. expected: the checksum the manifest names (null: only the segment's own
  // checksums). dim: the memory's dimension; a segment of another dimension is Corrupt. what
  // names the segment in error messages.
  static std::shared_ptr<const VecSegment> open(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                                                std::uint64_t length, const format::Checksum16* expected,
                                                std::uint32_t dim, std::string what,
                                                VecReadMode mode = VecReadMode::Whole);
  ~VecSegment();

  VecLayout layout() const;
  std::uint32_t dim() const;
  std::size_t size() const;  // rows
  // Row r's vec_key(); rows ascend by key.
  std::uint64_t key(std::size_t row) const;
  std::vector<std::uint64_t> keys() const;  // all of them, in row order
  // The rows whose keys lie in [lo, hi], as [first, end).
  std::pair<std::size_t, std::size_t> rows_between(std::uint64_t lo, std::uint64_t hi) const;
  // Format version 1 holds one float vector per frame; versions 2 and 3, 8-bit passage vectors.
  std::uint32_t version() const;

  // The k best rows for query (dim floats) among frames accept() admits (null: all), best
  // first; equal scores by ascending key. Thread-safe.
  std::vector<VecHit> search(std::span<const float> query, std::size_t k,
                             const std::function<bool(std::uint64_t)>& accept, const VecSearchOptions& options) const;
  // The stored vector of a row key (Flat, Hnsw; dequantized), or nothing (IvfPq keeps no
  // vectors, or the key is not in this segment).
  std::vector<float> row_vector(std::uint64_t key) const;
  // The same for the row at a position (0 .. size()-1), without looking its key up.
  std::vector<float> row_vector_at(std::size_t row) const;
  // The stored 8-bit row of a key (versions 2 and 3, Flat and Hnsw), for merges that must
  // carry it unchanged; false when the segment holds no such row. codes stay valid while the
  // segment lives.
  bool quantized_row(std::uint64_t key, const std::int8_t*& codes, float& scale) const;
  // An Hnsw segment's graph in faiss's layout, every link checked as a walk checks it
  // (Corrupt otherwise); nothing for the other layouts.
  std::optional<vec::HnswGraph> hnsw_graph() const;

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
