#pragma once
// The index of one memory: its segments in the file, each with one part of every registered
// kind (index/part_registry.hpp), plus the frames written since the last checkpoint, which
// every part buffers. It analyzes each frame once for all parts, takes part in every
// checkpoint (a new segment from the buffers, and merges by the tiered policy, each part
// building its own bytes) and hands the search layer the parts it reads.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/index_manifest.hpp"
#include "index/index_part.hpp"
#include "index/lex/lex_part.hpp"
#include "index/time/time_part.hpp"
#include "index/vec/vector_index.hpp"
#include "store/store.hpp"
#include "text/analyzer.hpp"
#include "text/chunker.hpp"

namespace memvid::index {

// What the index reads of a frame.
struct FrameText {
  std::uint64_t id = 0;
  std::uint8_t kind = 0;
  std::string_view payload;
  std::string_view title;
  std::string_view uri;
  std::span<const std::string> tags;
  std::span<const std::string> labels;
  std::span<const float> embedding;  // the caller's vector for the whole frame; empty: none
  const Q8Rows* vectors = nullptr;     // passage vectors made already (put, or the record's)
  bool vectors_from_text = false;      // embed the passages with the memory's model (embed_passages)
  // The passages when the caller cut them already (so the text is cut once); null: cut here.
  const std::vector<text::ChunkRange>* passages = nullptr;
  std::optional<std::uint32_t> chunk_bytes;    // the frame's own chunking, if it has one
  std::optional<std::uint32_t> chunk_overlap;
  std::int64_t timestamp_ms = 0;
  bool facts_off = false;  // put with fact extraction off
};

class SearchIndex final : public store::CheckpointParticipant {
 public:
  explicit SearchIndex(store::Store& store);
  ~SearchIndex() override;
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // The extension a new memory starts with; throws InvalidArgument for a bad setting.
  static std::vector<std::uint8_t> initial_extension(const IndexSettings& settings);

  const IndexSettings& settings() const { return manifest_.settings; }
  const text::Analyzer& analyzer() const { return *analyzer_; }
  // Throws InvalidArgument unless 64 <= bytes <= 16 MiB and overlap < bytes.
  static void check_chunk_settings(std::uint32_t bytes, std::uint32_t overlap);

  // A frame just appended to the store (committed or in the open transaction).
  void add_frame(const FrameText& frame);
  // Several consecutive frames (put_many), analyzed on two other threads. The caller may
  // store them window by window in before_each_window(begin, end), which runs on this
  // thread once the window is analyzed, while the next windows are. prepare(i), when given,
  // runs on an analysis thread just before frame i is analyzed (the caller's own per-frame
  // work, such as encoding its record), and before frame i's window is stored; calls for
  // different frames run at once.
  void add_frames(std::span<const FrameText> frames,
                  const std::function<void(std::size_t begin, std::size_t end)>& before_each_window = {},
                  const std::function<void(std::size_t i)>& prepare = {});
  // Forgets buffered frames the store no longer has (after a rollback or failed commit).
  void sync_with_store();

  // Embeds one frame's passages with the memory's model (a unit row per passage), for frames
  // whose records say their vectors come from their text; no rows when the model cannot be
  // had here (the frame is then searched by its words only until the index is rebuilt).
  using PassageEmbedder =
      std::function<Q8Rows(std::string_view title, std::string_view text, std::span<const text::ChunkRange> passages)>;
  void set_passage_embedder(PassageEmbedder embed) { embed_passages_ = std::move(embed); }
  // Frames whose records hold one whole-frame vector for a text of several passages get
  // passage vectors from their text instead (a rebuild of a memory written before passage
  // vectors, whose vectors the built-in model can make again).
  void set_prefer_text_vectors(bool prefer) { prefer_text_vectors_ = prefer; }
  // Vector segments of at least this many rows get an HNSW graph (OpenOptions).
  void set_vector_graph_min_rows(std::size_t rows);

  // Every lexical segment a search must read, the buffer last (encoded if it changed).
  std::vector<std::shared_ptr<const LexSegment>> lex_segments() const;
  // The vector index, caught up with every frame the store has.
  const VectorIndex& vectors() const;
  // Frames with since <= timestamp <= until in (timestamp, id) order, whatever their status.
  std::vector<TimeEntry> time_range(std::optional<std::int64_t> since, std::optional<std::int64_t> until) const;
  // The frames (ascending, whatever their status) whose texts mention a day from from_ms's
  // to until_ms's (both inclusive; wall-clock ms whose UTC days are the days; absent: open).
  std::vector<std::uint64_t> mentioned_frames(std::optional<std::int64_t> from_ms,
                                              std::optional<std::int64_t> until_ms) const;
  // A part of a registered kind (null when no such kind is registered), caught up.
  const IndexPart* part(PartTag tag) const;

  std::vector<std::uint8_t> prepare_checkpoint(std::uint64_t at, std::vector<std::uint8_t>& out) override;
  void checkpoint_committed() override;
  void store_reloaded() override;

 private:
  void reset_from_store();
  void catch_up(std::uint64_t frame_end) const;
  // Analyzes frames (the next ones to index, in order) on two threads and adds them to the
  // buffer in order on this one, running before_each_window before each window is added.
  void analyze_and_add(std::span<const FrameText> frames,
                       const std::function<void(std::size_t begin, std::size_t end)>& before_each_window,
                       const std::function<void(std::size_t i)>& prepare = {}) const;
  void forget_frames_from(std::uint64_t frame_end);
  AnalyzedFrame analyze_frame(const FrameText& frame) const;
  void add_analyzed(AnalyzedFrame& frame) const;
  void index_frame(const FrameText& frame) const;

  store::Store& store_;
  IndexManifest manifest_;
  std::unique_ptr<text::Analyzer> analyzer_;
  std::shared_ptr<const ByteSource> file_source_;
  // One live part per registered kind, in the registry's order; the built-in ones typed too.
  std::vector<std::unique_ptr<IndexPart>> parts_;
  LexPart* lex_ = nullptr;
  TimePart* time_ = nullptr;
  VectorIndex* vectors_ = nullptr;
  // Frames [manifest_.indexed_frames, buffer_end_) are in every part's buffer.
  mutable std::uint64_t buffer_end_ = 0;
  std::optional<IndexManifest> pending_;  // the manifest of the checkpoint being written
  PassageEmbedder embed_passages_;
  // Analysis runs on two threads at once (add_frames); an embedder need not be thread-safe,
  // so its calls take turns.
  mutable std::mutex embed_mu_;
  bool prefer_text_vectors_ = false;
};

}  // namespace memvid::index
