#pragma once
// The vector index as a part of index segments: each segment's rows (a Flat, HNSW or IVF-PQ
// part), plus the vectors of frames written since the last checkpoint, kept in memory and
// searched exactly. A row is one passage of a frame (vec_key); vectors are L2-normalized and
// quantized to 8 bits when added, so inner product is the cosine, and the buffer scores
// exactly as the segment it becomes.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "index/index_manifest.hpp"
#include "index/index_part.hpp"
#include "index/vec/vec_segment.hpp"

namespace memvid::index {

// Scales v to unit length; a zero vector stays zero. Throws InvalidArgument for NaN/inf.
std::vector<float> normalized(std::span<const float> v);

const PartKind& vector_part_kind();

class VectorIndex final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("VEC ");
  // Reads the vectors the index does not hold exactly (IvfPq segments keep only codes): from
  // the frame's record, a row per passage (or one for a whole-frame vector). No rows when the
  // record holds none.
  using RecordVectorReader = std::function<Q8Rows(std::uint64_t frame, std::uint32_t dim)>;

  explicit VectorIndex(const PartHost& host);
  VectorIndex(std::shared_ptr<const ByteSource> file, std::string path, RecordVectorReader read_record_vector);

  // IndexPart: the committed segments (opened lazily), the buffer, checkpoints.
  void reset(const IndexManifest& manifest) override;
  void add(AnalyzedFrame& frame) override;
  void forget_from(std::uint64_t frame) override;
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn& live) override;
  void abandon() override {}

  const std::string& model() const { return settings_.embedding_model; }
  std::uint32_t dimension() const { return dimension_; }
  bool compression() const { return settings_.vector_compression; }
  // Rows (passage vectors) in committed segments plus buffered ones.
  std::uint64_t vector_count() const;

  // Checks a vector against the memory's dimension (fixing it if still open); throws
  // ModelMismatch naming both dimensions.
  void check_dimension(std::size_t dim) const;
  // Adds the vectors of a frame written after every buffered one: row i is passage i.
  void add(std::uint64_t frame, const Q8Rows& rows);

  // The k nearest rows to query (unit length) whose frame accept() admits, best first (equal
  // scores by ascending frame, then passage). Scores from IvfPq segments are approximate.
  std::vector<VecHit> search(std::span<const float> query, std::size_t k,
                             const std::function<bool(std::uint64_t)>& accept, const VecSearchOptions& options) const;
  // The frame's passage nearest to query, scored exactly (from a segment, the buffer, or the
  // frame's record); nothing when the frame has no vector.
  std::optional<VecHit> best_passage(std::uint64_t frame, std::span<const float> query) const;
  // The frame's vectors as stored, a unit row per passage (rows x dimension floats).
  std::vector<float> frame_vectors(std::uint64_t frame) const;
  // How many rows the frame has (from the row keys alone: no vector is read).
  std::uint32_t row_count(std::uint64_t frame) const;

  // Up to n of the index's unit vectors (rows x dimension floats), spread evenly over its
  // rows in frame order: the same rows for the same index. They stand for "any vector of this
  // memory" where a query's similarity must be judged against the typical one.
  std::vector<float> sample(std::size_t n) const;

  // Segments built from now on get an HNSW graph from this many rows (VecBuildOptions).
  void set_graph_min_rows(std::size_t rows) { graph_min_rows_ = std::max<std::size_t>(rows, 1); }

  // The segment of ref i, opened on first use (null when it holds no vectors).
  std::shared_ptr<const VecSegment> segment(std::size_t i) const;

 private:
  // The rows of the given inputs (committed segment numbers; the segment count stands for the
  // buffer) that live admits (null: all), as a vector segment; empty when none remains.
  std::vector<std::uint8_t> build_segment(std::span<const std::size_t> inputs, const LiveFn& live) const;

  std::shared_ptr<const ByteSource> file_;
  std::string path_;
  RecordVectorReader read_record_vector_;
  IndexSettings settings_;
  std::size_t graph_min_rows_ = VecBuildOptions{}.hnsw_threshold;
  std::vector<IndexSegmentRef> refs_;
  mutable std::vector<std::shared_ptr<const VecSegment>> segments_;
  mutable std::vector<bool> opened_;
  mutable std::uint32_t dimension_ = 0;
  // Calls fn(key, unit vector) for each row of frame, in passage order.
  void for_each_row(std::uint64_t frame, const std::function<void(std::uint64_t, std::span<const float>)>& fn) const;

  std::vector<std::uint64_t> buffer_keys_;
  Q8Rows buffer_q8_;
  std::vector<float> buffer_vectors_;  // buffer_q8_ dequantized, as searched
};

}  // namespace memvid::index
