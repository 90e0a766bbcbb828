#pragma once
// Ingestion: files and directory trees in, documents out (Memvid::ingest).
//
// Readers by type (from the extension, else the first bytes):
//   text/plain     .txt .text .log and any other file that is valid text
//   text/markdown  .md .markdown; title = the first heading, headings kept as they are
//   text/html      .html .htm .xhtml; text via a real HTML parser, title from <title>
//   application/pdf  .pdf; text per page (page offsets in metadata "page_starts")
//   application/json, application/x-ndjson  .json .jsonl .ndjson: one document per record
// Known binary types, files with NUL bytes and files that are mostly not UTF-8 are skipped
// with a reason, never stored as garbage text. Invalid UTF-8 in text is replaced by U+FFFD
// and counted.
//
// Each document records metadata {"source", "mime", "bytes", "blake3"} (the file's path
// relative to the input, its type, size and BLAKE3 hash of its bytes; plus "pages" and
// "page_starts" for PDFs and "invalid_utf8_bytes" when some were replaced), its URI as
// mv2://<relative path> and the file's modification time as its timestamp, unless the
// options say otherwise.
//
// A run is one transaction: an error, a stop request or a killed process leaves the memory as
// it was, or (once commit returned) with every document of the run in.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "memvid/types.hpp"

namespace memvid {

struct IngestProgress {
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t bytes_done = 0;   // of the files' sizes
  std::uint64_t bytes_total = 0;
  std::string current;            // the file being read
};

// What the caller (flags, options) supplies where a document or record is silent. Tags and
// labels are added to the document's own; metadata keys of the document win.
struct RecordDefaults {
  std::optional<std::string> title;
  std::optional<std::string> uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  std::string metadata_json;                 // empty, or a JSON object
  std::optional<std::int64_t> timestamp_ms;
  std::optional<FrameKind> kind;
};

// Where a JSON record keeps its text and title (the other fields are fixed: see
// memvid/records.hpp).
struct RecordFields {
  std::string text = "text";
  std::string title = "title";
};

struct IngestOptions {
  // Globs on the '/'-separated path relative to the input directory: '*' and '?' stay within
  // one path segment, '**' spans segments, [abc] and [!abc] are classes. A pattern without a
  // '/' is matched against the file name alone (like .gitignore). A file is taken when it
  // matches some include (or there are none) and no exclude. Hidden files and directories
  // (a name starting with '.') are skipped unless an include names them explicitly.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool include_hidden = false;
  bool dedupe = false;   // skip documents whose text hash is already in the memory (or this run)
  bool dry_run = false;  // read and extract everything, write nothing
  // Passage size for the index (Document::chunk_bytes / chunk_overlap); unset: the memory's.
  std::optional<std::uint32_t> chunk_bytes;
  std::optional<std::uint32_t> chunk_overlap;
  // Document::extract_facts for every document; unset: as the memory was created.
  std::optional<bool> extract_facts;
  RecordFields fields;  // JSON and JSONL records (memvid/records.hpp)
  std::uint64_t max_file_bytes = 512ull << 20;  // larger files are skipped
  // For every document: title and uri only when the input is a single file; timestamp
  // instead of the file's modification time; kind default Document (records: Text).
  RecordDefaults defaults;
  // Called after each file; may be called from the ingesting thread only.
  std::function<void(const IngestProgress&)> on_progress;
  // Polled between files: returning true abandons the run (rolled back, Error Interrupted).
  std::function<bool()> should_stop;
};

struct IngestSkip {
  std::string path;
  std::string reason;
};

struct IngestedDocument {
  std::string path;     // the file (and "#N" for the N-th record of a JSON file)
  std::optional<FrameId> frame;  // empty in a dry run
  std::string title;
  std::string mime;
  std::uint64_t text_bytes = 0;
  std::uint32_t pages = 0;
};

struct IngestReport {
  std::size_t files_seen = 0;       // files under the input that passed the globs
  std::size_t files_processed = 0;  // read successfully
  std::size_t documents = 0;        // extracted from them
  std::size_t ingested = 0;         // written (0 in a dry run)
  std::size_t duplicates = 0;       // skipped by dedupe
  std::size_t filtered = 0;         // left out by the globs or as hidden
  std::vector<IngestSkip> skipped;  // files and records not ingested, with why
  std::uint64_t bytes_in = 0;       // bytes of the files read
  std::uint64_t text_bytes = 0;     // text extracted from them
  std::uint64_t bytes_stored = 0;   // growth of the memory file
  std::uint64_t invalid_utf8_bytes = 0;
  std::vector<IngestedDocument> items;
  bool dry_run = false;
  double elapsed_ms = 0;
};

}  // namespace memvid
