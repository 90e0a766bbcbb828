#pragma once
// The public API: one Memvid handle over one .mv2 file.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "memvid/ingest.hpp"
#include "memvid/integrity.hpp"
#include "memvid/llm.hpp"

namespace memvid {

using FrameId = std::uint64_t;

enum class FrameKind : std::uint8_t { Text = 0, Document = 1, Chunk = 2, Binary = 3 };
enum class FrameStatus : std::uint8_t { Active = 0, Deleted = 1, Superseded = 2 };

// AutoTruncate replays committed WAL records and cuts torn or uncommitted tails (the writer
// default). Strict never modifies the file and refuses a file whose committed state is
// damaged (the reader default); a writer in Strict mode also refuses to cut a torn tail.
enum class RecoveryMode { Default, AutoTruncate, Strict };

// Like SQLite's synchronous pragma. Full: every commit is fsynced before it returns.
// Normal: only checkpoints are fsynced, so a power cut may lose the newest commits but never
// corrupts the file; a process crash loses nothing. Off: no fsync at all.
enum class SyncMode { Full, Normal, Off };

struct OpenOptions {
  RecoveryMode recovery = RecoveryMode::Default;
  SyncMode sync = SyncMode::Full;
  int lock_timeout_ms = 250;
  std::shared_ptr<Env> env;  // null: the POSIX environment
  std::string command;       // recorded in the owner record; default: this process's command line
  // A writer handle checks this often (in ms) for a `nudge` while it sits idle, so that a
  // long-lived writer lets go of its lock even between calls. 0: only at the next write.
  int nudge_poll_ms = 100;
  // Embeds documents at put and queries at find. Null: made from the memory's recorded model
  // when possible (the built-in model; "openai:<model>" and "ollama:<model>" endpoints, at
  // $MEMVID_EMBEDDING_URL when set). Its model() must be the memory's (ModelMismatch).
  std::shared_ptr<EmbeddingProvider> embedder;
};

struct CreateOptions {
  OpenOptions open;
  // Expected size of the memory; sizes the embedded WAL (1 MiB below 100 MB, 4 MiB below
  // 1 GB, 16 MiB below 10 GB, 64 MiB beyond).
  std::uint64_t capacity_bytes = 0;
  // Overrides the WAL size chosen from capacity (at least 64 KiB, a multiple of 4 KiB, at
  // most 64 MiB); 0 keeps the default.
  std::uint64_t wal_bytes = 0;
  // Lexical index settings, fixed for the memory's lifetime (recorded in the file).
  // Snowball stemmer language ("english", "french", ..., or "none" for no stemming); the
  // English stop-word list applies to "english" only.
  std::string language = "english";
  // Long texts are indexed as chunks of about this many bytes, cut at paragraph or sentence
  // boundaries, each overlapping the previous one by about chunk_overlap bytes.
  std::uint32_t chunk_bytes = 4000;
  std::uint32_t chunk_overlap = 400;
  // The embedding model whose vectors the memory holds, fixed for its lifetime:
  //   ""          open.embedder's model when one is given, else "builtin"
  //   "builtin"   the offline built-in model (kBuiltinModelName)
  //   "none"      no semantic index
  //   "p:m"       any other "provider:model", e.g. "openai:text-embedding-3-small",
  //               "ollama:nomic-embed-text", or "custom:my-model" for vectors the caller computes
  std::string embedding_model;
  std::uint32_t embedding_dimension = 0;  // 0: fixed by the first vector
  // Product-quantized vector index (about 16x smaller, approximate scores that find re-ranks
  // exactly); the raw vectors stay in the frames.
  bool vector_compression = false;
};

// Lex: BM25 over the lexical index. Sem: nearest vectors. Auto: both, fused (see Fusion);
// falls back to Lex, and says so in FindResult::note, when semantic search is unavailable.
enum class SearchMode { Lex, Sem, Auto };
// Linear: min-max normalized BM25 and cosine, weighted (1 - semantic_weight) and
// semantic_weight. Rrf: reciprocal rank fusion, 1/(60 + rank) summed.
enum class Fusion { Linear, Rrf };

struct FindOptions {
  std::size_t k = 10;
  std::size_t offset = 0;   // skip this many hits (ignored when cursor is set)
  std::string cursor;       // FindResult::next_cursor of the previous page
  SearchMode mode = SearchMode::Auto;
  std::size_t snippet_chars = 200;  // 0: no snippet
  bool collapse_chunks = true;      // one hit per document (its best chunk)
  std::string scope;                // only frames whose uri starts with this
  std::optional<FrameId> as_of_frame;        // only frames with id <= this
  std::optional<std::int64_t> as_of_ms;      // only frames with timestamp <= this
  double title_weight = 2.0;        // BM25F weight of title terms relative to body terms
  // Semantic and hybrid search.
  std::vector<float> query_vector;  // use this vector instead of embedding the query text
  std::string query_vector_model;   // the model it came from (checked when set)
  Fusion fusion = Fusion::Linear;
  double semantic_weight = 0.2;     // Linear fusion: the cosine's share of the score
  std::size_t candidates = 100;     // Auto: how many hits each retriever contributes
  // HNSW search breadth and, for a compressed index, inverted lists visited: recall against
  // speed. The defaults give recall@10 0.957 (HNSW) and 0.965 (IVF-PQ, re-ranked) against
  // exact search on 50K built-in-model vectors, at p50 0.27 / 0.19 ms (bench/README.md).
  std::size_t ef_search = 256;
  std::size_t nprobe = 64;
};

struct Span {
  std::uint32_t begin = 0;  // byte offsets into Hit::snippet
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
  double lexical_score = 0;   // BM25
  double semantic_score = 0;  // cosine with the query
};

struct FindResult {
  std::vector<Hit> hits;
  std::string next_cursor;  // empty when there are no more hits
  SearchMode mode_used = SearchMode::Lex;
  std::string note;         // e.g. why a requested mode was not used
  double elapsed_ms = 0;
};

// Ask: retrieval, then an answer built from the retrieved passages (Memvid::ask).
//   1. find() in the chosen mode fetches the best passages (chunks) for the question;
//   2. the context keeps the best of them within a token budget, drops passages that repeat
//      one already taken, and numbers them [1], [2], ... by relevance;
//   3. with a language model, the model answers from that context alone, citing by number;
//      without one (the offline default) the answer is extractive: the sentences of those
//      passages that best answer the question, each with its citation, and a note that no
//      language model was used.
// Every answer lists its sources. When nothing relevant is found the answer says so.
struct AskOptions {
  std::size_t k = 8;                   // passages to consider
  SearchMode mode = SearchMode::Auto;
  std::size_t context_tokens = 3000;   // budget for the passages (about 4 bytes a token)
  std::string scope;                   // only frames whose uri starts with this
  std::optional<std::int64_t> as_of_ms;
  // The language model: a LanguageModel object, else one by name ("openai:gpt-4o",
  // "ollama:llama3", "<provider>:<model>" with base_url), else none: extractive.
  std::shared_ptr<LanguageModel> language_model;
  std::string model;
  std::string base_url;
  std::string api_key_env;
  int timeout_ms = 60000;
  bool context_only = false;           // retrieve and assemble; no answer
  std::size_t max_sentences = 4;       // extractive answer length
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

struct Document {
  std::string payload;  // text (UTF-8) or arbitrary bytes
  FrameKind kind = FrameKind::Text;
  std::string title;
  std::string uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  std::string metadata_json;                 // empty, or a JSON object
  std::optional<std::int64_t> timestamp_ms;  // default: now
  std::optional<FrameId> parent;             // for chunks: the document they belong to
  // The document's vector, when the caller computed it (otherwise the memory's embedder
  // makes one from title and text). embedding_model, when set, must be the memory's.
  std::vector<float> embedding;
  std::string embedding_model;
  // How the index splits this document's text into passages, when not as the memory's
  // CreateOptions::chunk_bytes / chunk_overlap say (64 B to 16 MiB; overlap < size).
  std::optional<std::uint32_t> chunk_bytes;
  std::optional<std::uint32_t> chunk_overlap;
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
  std::vector<float> embedding;  // as stored (empty: the frame has no vector)
  std::optional<std::uint32_t> chunk_bytes;    // its own passage size, when it has one
  std::optional<std::uint32_t> chunk_overlap;
  std::string payload;  // filled by frame(id); empty from frame_info(id)
  // A vacuum (compaction) removed this deleted or superseded frame's record: only id, kind,
  // status, timestamp and superseded_by remain, and frame(id) throws NotFound.
  bool removed = false;
};

struct TimelineQuery {
  std::optional<std::int64_t> since_ms;  // inclusive
  std::optional<std::int64_t> until_ms;  // inclusive
  std::size_t limit = 0;                 // 0: no limit
  bool reverse = false;                  // newest first
  bool include_inactive = false;         // also deleted and superseded frames
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
  std::uint64_t vectors = 0;     // frames with a vector (including deleted ones not yet purged)
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

struct RestoreOptions {
  bool force = false;        // replace dest when it is an existing memory
  // When the memory being replaced holds frames the snapshot does not (written after it, or
  // another memory altogether), keep it as "<dest>.replaced-<UTC time>" beside dest first.
  bool keep_backup = true;
  std::shared_ptr<Env> env;  // null: the POSIX environment
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

class Memvid {
 public:
  static Memvid create(const std::string& path, const CreateOptions& options = {});
  static Memvid open(const std::string& path, const OpenOptions& options = {});
  static Memvid open_read_only(const std::string& path, const OpenOptions& options = {});

  Memvid(Memvid&&) noexcept;
  Memvid& operator=(Memvid&&) noexcept;
  ~Memvid();  // a writer commits, checkpoints and releases its lock (errors are swallowed: call close())

  // Writes. Outside begin()/commit() each call is its own transaction.
  FrameId put(const Document& doc);
  std::vector<FrameId> put_many(const std::vector<Document>& docs);  // one transaction
  FrameId update(FrameId id, const Document& doc);                   // supersedes id
  void delete_frame(FrameId id);                                     // tombstone

  void begin();
  // Ends an open transaction and checkpoints everything into the file's table of contents.
  void commit();
  void rollback();
  bool in_transaction() const;

  // Reads (a writer sees its own uncommitted transaction).
  Frame frame(FrameId id) const;       // with payload
  Frame frame_info(FrameId id) const;  // metadata only
  std::vector<TimelineEntry> timeline(const TimelineQuery& query = {}) const;
  Stats stats() const;
  // Ranked search (BM25) in the query language of docs/QUERY.md: terms, "phrases",
  // AND/OR/NOT/-term, parentheses, title:/tag:/label:/kind:/uri: fields and
  // date:[FROM TO UNTIL] ranges. Sees committed frames plus this handle's own transaction.
  // Throws InvalidQuery (with the position) for a malformed query.
  FindResult find(std::string_view query, const FindOptions& options = {}) const;
  std::uint64_t frame_count() const;
  // Answers a question from the memory (see AskOptions). Throws InvalidQuery for an empty
  // question, ProviderFailed / ModelUnavailable when the language model fails.
  AskResult ask(std::string_view question, const AskOptions& options = {}) const;
  // Adds a file or a directory tree (see memvid/ingest.hpp) in one transaction. Throws
  // NotFound for a missing path, Interrupted when should_stop asked to stop.
  IngestReport ingest(const std::string& path, const IngestOptions& options = {});
  // A read-only handle reads the snapshot committed when it opened; refresh() moves it to
  // the newest committed state. A writer's view is always current, so it is a no-op there.
  void refresh();

  // Compaction and backups. Each writes a new memory from this handle's committed state
  // (every frame keeps its id) to a temporary file beside the destination, syncs it and
  // renames it into place: killed at any point, the destination is either untouched or
  // complete. Indexes are rebuilt from the frames.
  //   compact_to: active frames only (deleted and superseded frames are dropped; their ids
  //     stay reserved), no dead bytes. dest must not exist (AlreadyExists).
  //   compact_in_place: the same over this memory's own file; a writer handle only. Readers
  //     that have it open keep reading the old bytes until they refresh().
  //   export_snapshot: every frame, whatever its status: a consistent backup of the state
  //     this handle sees, taken while another process may be writing.
  void compact_to(const std::string& dest);
  void compact_in_place();
  void export_snapshot(const std::string& dest);
  // Checks a snapshot (deep verify) and installs it at dest. A dest that exists is replaced
  // only with RestoreOptions::force (AlreadyExists otherwise), only when it is a memory
  // (NotAMemory / Encrypted otherwise, even with force), and only when no writer holds it
  // (Locked). The report says how many of the replaced memory's frames the snapshot lacks;
  // when there are any, the replaced file is kept beside dest (RestoreReport::backup_path).
  // Throws Corrupt, naming the failed check, for a damaged snapshot; Encrypted for a capsule.
  static RestoreReport restore_snapshot(const std::string& snapshot, const std::string& dest,
                                        const RestoreOptions& options = {});

  // Read-only integrity checks (see VerifyReport); never changes a byte and takes no lock,
  // so it runs beside a live writer. Throws only when the file cannot be opened at all.
  static VerifyReport verify(const std::string& path, bool deep = false, std::shared_ptr<Env> env = nullptr);
  // Finds what is wrong (verify --deep), plans repairs and, unless plan_only, carries them
  // out under the writer lock (Locked when a writer is active).
  static DoctorReport doctor(const std::string& path, const DoctorOptions& options = {});

  // Commits, checkpoints, syncs and closes; the handle is then unusable.
  void seal();
  void close();

  const RecoveryInfo& recovery_info() const;
  const std::string& path() const;
  bool read_only() const;

  // Owner record of the current writer (or of the last one that crashed).
  static OwnerInfo who(const std::string& path, std::shared_ptr<Env> env = nullptr);
  // Asks a long-lived writer to commit and release its lock at its next call.
  static void nudge(const std::string& path, std::shared_ptr<Env> env = nullptr);
  // Names a -wal/-shm/-lock/-journal sidecar beside path, or returns nullopt.
  static std::optional<std::string> find_sidecar(const std::string& path, std::shared_ptr<Env> env = nullptr);

  struct Impl;

 private:
  explicit Memvid(std::unique_ptr<Impl> impl);
  static Memvid open_existing(const std::string& path, const OpenOptions& options, bool writable);
  std::unique_ptr<Impl> impl_;
};

// Well-formed UTF-8 per RFC 3629 (no overlong forms, surrogates or code points past
// U+10FFFF): whether a payload can be shown as text.
bool is_valid_utf8(std::string_view bytes) noexcept;

std::string_view to_string(FrameKind kind) noexcept;
std::string_view to_string(FrameStatus status) noexcept;
std::optional<FrameKind> frame_kind_from_string(std::string_view name) noexcept;
std::string_view to_string(SearchMode mode) noexcept;
std::optional<SearchMode> search_mode_from_string(std::string_view name) noexcept;
std::string_view to_string(Fusion fusion) noexcept;
std::optional<Fusion> fusion_from_string(std::string_view name) noexcept;

}  // namespace memvid
