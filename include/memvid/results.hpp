#pragma once
// What calls return: hits and find results, answers and their sources, frames, timeline
// entries, statistics, recovery and owner information, and the restore report.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/types.hpp"

namespace memvid {

struct Span {
  // Offsets into Hit::snippet: UTF-8 bytes in the library and the CLI, code points in the
  // Python SDK, UTF-16 code units in the Node SDK (fields::convert_highlights).
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct Hit {
  FrameId id = 0;
  double score = 0;
  std::size_t rank = 0;  // 1-based, across pages
  FrameKind kind = FrameKind::Text;
  std::int64_t timestamp_ms = 0;
  std::string title;
  std::string uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  std::uint32_t chunk = 0;         // which chunk of the frame's text matched best
  std::uint32_t chunk_count = 1;
  std::uint64_t chunk_begin = 0;   // that chunk's byte range in the payload
  std::uint64_t chunk_end = 0;
  // The page the chunk starts on (1-based) for paged documents (PDFs ingested with their
  // page offsets in metadata "page_starts"); 0 otherwise.
  std::uint32_t page = 0;
  std::string snippet;             // UTF-8, at most about snippet_chars characters
  std::vector<Span> highlights;    // the matched terms inside snippet
  // Which retrievers found the hit, and what each scored (Auto fuses them into score).
  bool lexical_match = false;
  bool semantic_match = false;
  std::optional<double> lexical_score;   // BM25; none when no query term matched (or in sem mode)
  std::optional<double> semantic_score;  // cosine with the query; none in lex mode or without a vector
  // With FindOptions::collapse_duplicates: the other frames of the same content ranked down to
  // this page's end (the hit is the best-ranked copy), and how many there are.
  std::uint32_t duplicates = 0;
  std::vector<FrameId> duplicate_ids;
};

struct FindResult {
  std::vector<Hit> hits;
  std::string next_cursor;  // empty when there are no more hits
  SearchMode mode_used = SearchMode::Lex;
  std::string note;         // e.g. why a requested mode was not used, how the query was read
  // How many distinct hits the query has: exact when total_hits_exact, else a lower bound (the
  // hits ranked so far; the ranking stops at the depth the page needed).
  std::uint64_t total_hits = 0;
  bool total_hits_exact = false;
  // The cosine a hit found by meaning alone had to reach (FindOptions::semantic_floor); none
  // when no floor applied (lex mode, floor off, no vectors).
  std::optional<double> semantic_floor;
  double elapsed_ms = 0;
};

struct AskSource {
  std::size_t number = 0;  // the citation number, [number] in the answer
  FrameId id = 0;
  std::string title;
  std::string uri;
  std::int64_t timestamp_ms = 0;
  std::uint32_t page = 0;  // 0: not a paged document
  std::uint64_t chunk_begin = 0;  // the passage's byte range in the frame's text
  std::uint64_t chunk_end = 0;
  double score = 0;        // retrieval score
  std::string snippet;     // the start of the passage, about 200 characters
  std::string text;        // the passage as given to the model
};

struct AskResult {
  std::string question;
  std::string answer;      // empty with context_only
  bool found = false;      // some relevant passage was found
  bool used_model = false;
  std::string model;       // the language model's name when used
  std::string note;        // e.g. "No language model was used: ..."
  std::vector<AskSource> sources;      // the passages of the context, by number
  std::vector<std::size_t> citations;  // the numbers the answer cites, in order of first use
  std::string context;     // the numbered passages as sent to the model
  SearchMode mode_used = SearchMode::Lex;
  double retrieval_ms = 0;
  double generation_ms = 0;
  std::uint64_t prompt_tokens = 0;      // reported by the model
  std::uint64_t completion_tokens = 0;
};

struct Frame {
  FrameId id = 0;
  FrameKind kind = FrameKind::Text;
  FrameStatus status = FrameStatus::Active;
  std::int64_t timestamp_ms = 0;
  std::string title;
  std::string uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  std::string metadata_json;
  std::optional<FrameId> parent;
  std::optional<FrameId> supersedes;     // the frame this one replaced (update)
  std::optional<FrameId> superseded_by;  // set once a later update replaced this one
  std::array<std::uint8_t, 32> content_hash{};  // BLAKE3 of the payload
  std::uint64_t payload_bytes = 0;              // uncompressed size
  std::uint64_t stored_bytes = 0;               // size on disk (after zstd, if it helped)
  bool compressed = false;
  // The caller's vector, as given with the document (empty otherwise: vectors the memory's
  // model makes are one per passage, kept in the index, not here).
  std::vector<float> embedding;
  std::uint32_t vectors = 0;  // the vectors the frame is searched by: one per passage (0: none)
  std::optional<std::uint32_t> chunk_bytes;    // its own passage size, when it has one
  std::optional<std::uint32_t> chunk_overlap;
  std::string payload;       // filled by frame(id); empty from frame_info(id)
  bool has_payload = false;  // payload was read (frame(id))
  // A vacuum (compaction) removed this deleted or superseded frame's record: only id, kind,
  // status, timestamp and superseded_by remain, and frame(id) throws NotFound.
  bool removed = false;
};

struct TimelineEntry {
  FrameId id = 0;
  std::int64_t timestamp_ms = 0;
  FrameKind kind = FrameKind::Text;
  FrameStatus status = FrameStatus::Active;
  std::string title;
  std::string uri;
  std::string preview;  // the first characters of the text
};

struct Stats {
  std::uint64_t frames = 0;  // every frame ever written, whatever its status
  std::uint64_t active_frames = 0;
  std::uint64_t deleted_frames = 0;
  std::uint64_t superseded_frames = 0;
  std::uint64_t payload_bytes = 0;  // raw bytes of active frames
  std::uint64_t stored_bytes = 0;   // their bytes on disk
  std::uint64_t file_bytes = 0;
  std::uint64_t wal_bytes = 0;
  std::uint64_t wal_used_bytes = 0;
  std::uint64_t wal_pending_transactions = 0;
  std::uint64_t toc_segments = 0;
  std::uint64_t generation = 0;  // checkpoints since creation
  std::string embedding_model;   // empty: no semantic index
  std::uint32_t embedding_dimension = 0;
  bool vector_compression = false;
  std::uint64_t vectors = 0;     // vectors in the index: one per passage of each frame with vectors (deleted frames' too, until purged)
  // Why semantic search cannot run right now (model not installed, ...); empty when it can.
  std::string semantic_unavailable;
};

struct RecoveryInfo {
  std::uint64_t wal_records_replayed = 0;
  std::uint64_t transactions_replayed = 0;
  std::uint64_t bytes_truncated = 0;     // cut by AutoTruncate (or that a writer would cut)
  bool header_fallback = false;          // the newest header copy was torn; the other was used
  bool footer_fallback = false;          // the newest footer was damaged; the previous was used
};

struct OwnerInfo {
  bool present = false;  // an owner record is written
  bool alive = false;    // and its writer lock is held right now
  std::int64_t pid = 0;
  std::string host;
  std::string command;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
  bool nudge_requested = false;
};

struct RestoreReport {
  std::string snapshot;
  std::string dest;
  std::uint64_t snapshot_frames = 0;
  bool replaced = false;                // dest held a memory, now replaced
  std::uint64_t replaced_frames = 0;    // the frames it had
  // Of those, the frames (id and content) the snapshot does not hold: what the restore drops.
  std::uint64_t dropped_frames = 0;
  std::vector<FrameId> dropped_ids;     // the first 100 of them
  std::string backup_path;              // where the replaced memory was kept ("" if not)
};

}  // namespace memvid
