#pragma once
// What callers pass in: options for opening, creating, finding, asking and restoring, the
// timeline query, and the Document a put writes.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/env.hpp"
#include "memvid/llm.hpp"
#include "memvid/types.hpp"

namespace memvid {

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
  // Vector index segments of at least this many rows get an HNSW graph, built by the
  // checkpoint or merge that writes them (~0.1 ms a row, one thread); smaller ones are
  // searched by an exact scan of their 8-bit rows (~30 ns a row, read in place). Lower it
  // to trade ingest time for query time on large memories; it changes how this handle's
  // checkpoints write segments, not what a search finds beyond the graph's recall.
  std::size_t vector_graph_min_rows = 100000;
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
  // Whether put reads facts about people from each text with the offline rules engine
  // (docs/FACTS.md) when the document does not say (Document::extract_facts).
  bool extract_facts = true;
  // Index the dates each text mentions ("March 2024", "last week"; memvid/time.hpp,
  // TimeMention) for `when --mentions` and the query filter `mentions:`.
  bool index_time_mentions = true;
  // What create does when path already holds a memory: Fail (AlreadyExists) or Open it with
  // `open` (the settings above then are the memory's own, not these). Open is "open or
  // create": safe against another process creating the same path at the same moment.
  IfExists if_exists = IfExists::Fail;
};

// The default FindOptions::semantic_floor (in standard deviations above the query's mean
// cosine with the memory), and the least cosine a hit found by meaning alone ever has.
inline constexpr double kDefaultSemanticFloor = 2.0;
inline constexpr double kMinSemanticCosine = 0.05;

struct FindOptions {
  std::size_t k = 10;
  std::size_t offset = 0;   // skip this many hits (ignored when cursor is set)
  std::string cursor;       // FindResult::next_cursor of the previous page
  SearchMode mode = SearchMode::Auto;
  std::size_t snippet_chars = 200;  // 0: no snippet
  // The unit of Hit::chunk_begin and chunk_end (offsets into the frame's text): bytes, or the
  // unit of the caller's strings (the SDKs ask for theirs, so that text[begin:end] is the passage).
  TextUnit offset_unit = TextUnit::Utf8Bytes;
  bool collapse_chunks = true;      // one hit per document (its best chunk)
  std::string scope;                // only frames whose uri starts with this
  // Only frames whose metadata satisfies this JSON object (docs/QUERY.md, "Metadata"), e.g.
  // {"user": "alice", "score": {"$gte": 3}}; empty: all. The query's meta.KEY:VALUE clauses
  // say the same inside the query.
  std::string where;
  std::optional<FrameId> as_of_frame;        // only frames with id <= this
  std::optional<std::int64_t> as_of_ms;      // only frames with timestamp <= this
  std::optional<std::int64_t> since_ms;      // only frames with timestamp >= this
  // Time phrases in the query's date: clauses (date:"last week", date:2025-11) are resolved
  // in this zone (an IANA name, "UTC", "+05:30", "local") from this anchor (absent: now).
  std::string time_zone = "UTC";
  std::optional<std::int64_t> time_anchor_ms;
  double title_weight = 2.0;        // BM25F weight of title terms relative to body terms
  // Semantic and hybrid search.
  std::vector<float> query_vector;  // use this vector instead of embedding the query text
  std::string query_vector_model;   // the model it came from (checked when set)
  Fusion fusion = Fusion::Linear;
  double semantic_weight = 0.2;     // Linear fusion: the cosine's share of the score
  std::size_t candidates = 100;     // Auto: how many hits each retriever contributes
  // A correction (Facts::correct) that the query's terms match ranks by its score times its
  // boost (lex and auto modes; a semantic neighbour is no match). False: plain ranking.
  bool correction_boost = true;
  // How the query is read (docs/QUERY.md). By default text that is not valid query syntax (an
  // unknown `field:` as in `std::vector`, an unbalanced bracket or quote, a dangling operator)
  // is read as plain words and FindResult::note says so; strict: it throws InvalidQuery.
  bool strict = false;
  // Hits with the same content (the payload's BLAKE3 and the same passage) collapse into one:
  // the best-ranked copy (of equally ranked copies, the earliest frame), the others in
  // Hit::duplicate_ids. False: every copy is a hit of its own.
  bool collapse_duplicates = true;
  // The relevance floor for hits found by meaning alone (every hit in sem mode, auto's hits
  // that match no query term): a hit must score at least z standard deviations above the
  // query's mean cosine with the memory's vectors (a fixed sample of them), and above
  // kMinSemanticCosine. Calibrated on data (bench/README.md); lower it to see weaker
  // neighbours, nullopt turns it off. FindResult::semantic_floor is the cosine applied.
  std::optional<double> semantic_floor = kDefaultSemanticFloor;
  // HNSW search breadth and, for a compressed index, inverted lists visited: recall against
  // speed. The defaults give recall@10 0.957 (HNSW) and 0.965 (IVF-PQ, re-ranked) against
  // exact search on 50K built-in-model vectors, at p50 0.27 / 0.19 ms (bench/README.md).
  std::size_t ef_search = 256;
  std::size_t nprobe = 64;
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
  TextUnit offset_unit = TextUnit::Utf8Bytes;  // of AskSource::chunk_begin/chunk_end (FindOptions)
  std::string scope;                   // only frames whose uri starts with this
  std::string where;                   // only frames whose metadata satisfies this (FindOptions::where)
  std::optional<std::int64_t> as_of_ms;
  std::optional<FrameId> as_of_frame;  // only frames with id <= this
  std::optional<std::int64_t> since_ms;  // only frames with timestamp >= this
  std::string time_zone = "UTC";       // of the question's date: phrases (FindOptions::time_zone)
  std::optional<std::int64_t> time_anchor_ms;
  // The language model: a LanguageModel object, else one by name ("openai:gpt-4o",
  // "ollama:llama3", "<provider>:<model>" with base_url), else none: extractive.
  std::shared_ptr<LanguageModel> language_model;
  std::string model;
  std::string base_url;
  std::string api_key_env;
  int timeout_ms = 60000;
  bool context_only = false;           // retrieve and assemble; no answer
  std::size_t max_sentences = 4;       // extractive answer length
  // The relevance floor (FindOptions::semantic_floor): here every passage must reach it when
  // its cosine is known, found by meaning or by shared words; nullopt: none.
  std::optional<double> semantic_floor = kDefaultSemanticFloor;
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
  // Whether the rules engine reads facts from this text (docs/FACTS.md); unset: as the
  // memory was created (CreateOptions::extract_facts).
  std::optional<bool> extract_facts;
};

struct TimelineQuery {
  std::optional<std::int64_t> since_ms;  // inclusive
  std::optional<std::int64_t> until_ms;  // inclusive
  std::size_t limit = 0;                 // 0: no limit
  bool reverse = false;                  // newest first
  bool include_inactive = false;         // also deleted and superseded frames
  std::string where;                     // only frames whose metadata satisfies this (FindOptions::where)
};

struct RestoreOptions {
  bool force = false;        // replace dest when it is an existing memory
  // When the memory being replaced holds frames the snapshot does not (written after it, or
  // another memory altogether), keep it as "<dest>.replaced-<UTC time>" beside dest first.
  bool keep_backup = true;
  std::shared_ptr<Env> env;  // null: the POSIX environment
};

}  // namespace memvid
