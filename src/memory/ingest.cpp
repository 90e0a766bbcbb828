// Memvid::ingest: files and trees in, one transaction of documents out.
#include <algorithm>
#include <array>
#include <chrono>
#include <cctype>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "format/blake3.hpp"
#include "index/search_index.hpp"
#include "ingest/extracted.hpp"
#include "ingest/file_type.hpp"
#include "ingest/json_field.hpp"
#include "ingest/pages.hpp"
#include "ingest/tree_walk.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/records.hpp"

namespace memvid {
namespace {

using nlohmann::json;
using Hash = std::array<std::uint8_t, 32>;

// Documents go to put_many in batches of about this much text: large enough for its
// threaded analysis and batched embedding, small enough to bound memory on huge trees.
constexpr std::size_t kBatchBytes = 16u << 20;
constexpr std::size_t kBatchDocuments = 1024;

std::string hex(const Hash& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : h) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string lowercase_extension(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

struct Candidate {
  Document doc;
  IngestedDocument item;
};

// What is known of a file before its reader runs, recorded with each of its documents.
struct FileFacts {
  const ingest::InputFile* file = nullptr;
  std::string mime;
  std::string blake3;
};

json file_metadata(const FileFacts& f) {
  return {{"source", f.file->relative}, {"mime", f.mime}, {"bytes", f.file->size}, {"blake3", f.blake3}};
}

Candidate whole_file_document(const FileFacts& facts, ingest::Extracted x, const IngestOptions& o, bool single_file) {
  Candidate c;
  const ingest::InputFile& file = *facts.file;
  Document& doc = c.doc;
  doc.payload = std::move(x.text);
  doc.kind = o.defaults.kind.value_or(FrameKind::Document);
  doc.title = x.title.empty() ? std::filesystem::path(file.relative).stem().string() : std::move(x.title);
  if (single_file && o.defaults.title) doc.title = *o.defaults.title;
  doc.uri = single_file && o.defaults.uri ? *o.defaults.uri : "mv2://" + file.relative;
  json meta = file_metadata(facts);
  if (!x.page_starts.empty()) {
    meta["pages"] = x.page_starts.size();
    meta[ingest::kPageStartsKey] = x.page_starts;
  }
  if (x.invalid_bytes > 0) meta["invalid_utf8_bytes"] = x.invalid_bytes;
  doc.metadata_json = meta.dump();
  doc.timestamp_ms = o.defaults.timestamp_ms.value_or(file.mtime_ms);
  RecordDefaults rest = o.defaults;  // title and uri were settled above
  rest.title.reset();
  rest.uri.reset();
  apply_defaults(doc, rest);
  c.item.path = file.path.string();
  c.item.title = doc.title;
  c.item.mime = facts.mime;
  c.item.text_bytes = doc.payload.size();
  c.item.pages = static_cast<std::uint32_t>(x.page_starts.size());
  return c;
}

// Records keep what they say; the file supplies uri, time and provenance where they are silent.
std::vector<Candidate> record_documents(const FileFacts& facts, std::vector<Document> docs) {
  std::vector<Candidate> out;
  out.reserve(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Candidate c;
    c.doc = std::move(docs[i]);
    const std::string n = std::to_string(i + 1);
    if (c.doc.uri.empty()) c.doc.uri = "mv2://" + facts.file->relative + "#" + n;
    if (!c.doc.timestamp_ms) c.doc.timestamp_ms = facts.file->mtime_ms;
    json meta = file_metadata(facts);
    meta["record"] = i + 1;
    if (!c.doc.metadata_json.empty()) meta.update(json::parse(c.doc.metadata_json));
    c.doc.metadata_json = meta.dump();
    c.item.path = facts.file->path.string() + "#" + n;
    c.item.title = c.doc.title;
    c.item.mime = facts.mime;
    c.item.text_bytes = c.doc.payload.size();
    out.push_back(std::move(c));
  }
  return out;
}

// A file's documents, or a reason to skip it (returned in `skip`).
std::vector<Candidate> read_documents(const FileFacts& facts, const ingest::Detected& type, const std::string& bytes,
                                      const IngestOptions& o, bool single_file, std::string& skip,
                                      std::uint64_t& invalid_bytes) {
  using ingest::FileType;
  ingest::Extracted x;
  switch (type.type) {
    case FileType::Binary: skip = type.reason + " (" + type.mime + ")"; return {};
    case FileType::Jsonl:
    case FileType::Json: {
      RecordDefaults record_defaults = o.defaults;
      record_defaults.title.reset();
      record_defaults.uri.reset();
      try {
        const std::string where = facts.file->path.string();
        if (type.type == FileType::Jsonl) return record_documents(facts, parse_jsonl_records(bytes, where, record_defaults, o.fields));
        // A JSON file that holds records is read as records; any other JSON is a text.
        const json parsed = json::parse(bytes, nullptr, false);
        if (parsed.is_discarded()) {
          skip = "malformed JSON";
          return {};
        }
        const auto is_record = [&](const json& v) { return ingest::json_field(v, o.fields.text) != nullptr; };
        const bool records = is_record(parsed) || (parsed.is_array() && !parsed.empty() &&
                                                   std::all_of(parsed.begin(), parsed.end(), is_record));
        if (records) return record_documents(facts, parse_json_records(bytes, where, record_defaults, o.fields));
        x = ingest::extract_plain_text(bytes);
      } catch (const Error& e) {
        skip = e.what();
        return {};
      }
      break;
    }
    case FileType::Text: x = ingest::extract_plain_text(bytes); break;
    case FileType::Markdown: x = ingest::extract_markdown(bytes); break;
    case FileType::Html: x = ingest::extract_html(bytes); break;
    case FileType::Pdf: x = ingest::extract_pdf(bytes); break;
  }
  if (!x.ok()) {
    skip = x.skip_reason;
    return {};
  }
  if (x.text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    skip = type.type == FileType::Pdf ? "no text in the PDF (scanned pages without a text layer?)" : "no text";
    return {};
  }
  invalid_bytes += x.invalid_bytes;
  std::vector<Candidate> out;
  out.push_back(whole_file_document(facts, std::move(x), o, single_file));
  return out;
}

// Hashes of the payloads of active frames: what dedupe compares against.
std::set<Hash> active_hashes(const store::Store& s) {
  std::set<Hash> hashes;
  s.visit_entries([&](const format::TocEntry& e) {
    if (e.status == static_cast<std::uint8_t>(FrameStatus::Active)) hashes.insert(s.read_content_hash(e));
  });
  return hashes;
}

}  // namespace

IngestReport Memvid::ingest(const std::string& path, const IngestOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.chunk_bytes || options.chunk_overlap)
    index::SearchIndex::check_chunk_settings(options.chunk_bytes.value_or(impl_->index->settings().chunk_bytes),
                                             options.chunk_overlap.value_or(0));
  if (!options.dry_run) {
    std::lock_guard lock(impl_->mu);
    impl_->writer();  // a read-only handle fails here, before any work
    if (impl_->store->in_transaction())
      throw Error(ErrorCode::TransactionState, "ingest runs in its own transaction: commit or roll back the open one first");
  }
  if (!options.defaults.metadata_json.empty()) {
    Document probe;
    apply_defaults(probe, options.defaults);  // throws InvalidArgument for metadata that is not an object
  }

  ingest::InputSet inputs = ingest::collect_inputs(path, options, impl_->store->path());
  if (inputs.from_directory && (options.defaults.title || options.defaults.uri))
    throw Error(ErrorCode::InvalidArgument, "a title or uri names a single document; with a directory each file gets its own");

  IngestReport report;
  report.dry_run = options.dry_run;
  report.files_seen = inputs.files.size();
  report.filtered = inputs.filtered;
  report.skipped = std::move(inputs.skipped);
  std::set<Hash> seen;
  if (options.dedupe) {
    std::lock_guard lock(impl_->mu);
    seen = active_hashes(*impl_->store);
  }
  const std::uint64_t file_bytes_before = stats().file_bytes;

  IngestProgress progress;
  progress.files_total = inputs.files.size();
  for (const auto& f : inputs.files) progress.bytes_total += f.size;

  std::vector<Document> batch;
  std::vector<std::size_t> batch_items;  // indexes into report.items
  std::size_t batch_bytes = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    if (!options.dry_run) {
      const std::vector<FrameId> ids = put_many(batch);
      for (std::size_t i = 0; i < ids.size(); ++i) report.items[batch_items[i]].frame = ids[i];
      report.ingested += ids.size();
    }
    batch.clear();
    batch_items.clear();
    batch_bytes = 0;
  };

  if (!options.dry_run) begin();
  try {
    for (const ingest::InputFile& file : inputs.files) {
      if (options.should_stop && options.should_stop())
        throw Error(ErrorCode::Interrupted, "ingest of " + path + " stopped before its commit: nothing was added");
      progress.current = file.path.string();
      std::string skip;
      std::vector<Candidate> found;
      if (file.size > options.max_file_bytes) {
        skip = "larger than the " + megabytes(options.max_file_bytes) + " limit";
      } else {
        std::string bytes;
        try {
          bytes = ingest::read_file_bytes(file.path, options.max_file_bytes);
        } catch (const Error& e) {
          skip = e.what();
        }
        if (skip.empty() && bytes.size() > options.max_file_bytes) skip = "larger than the " + megabytes(options.max_file_bytes) + " limit";
        if (skip.empty()) {
          ++report.files_processed;
          report.bytes_in += bytes.size();
          const ingest::Detected type =
              ingest::detect_file_type(lowercase_extension(file.path), std::string_view(bytes).substr(0, 8192));
          FileFacts facts{&file, type.mime, hex(format::blake3(bytes.data(), bytes.size()))};
          found = read_documents(facts, type, bytes, options, !inputs.from_directory, skip, report.invalid_utf8_bytes);
        }
      }
      if (!skip.empty()) report.skipped.push_back({file.path.string(), std::move(skip)});
      for (Candidate& c : found) {
        ++report.documents;
        if (options.dedupe && !seen.insert(format::blake3(c.doc.payload.data(), c.doc.payload.size())).second) {
          ++report.duplicates;
          report.skipped.push_back({c.item.path, "duplicate: the same text is already in the memory"});
          continue;
        }
        if (options.chunk_bytes) c.doc.chunk_bytes = options.chunk_bytes;
        if (options.chunk_overlap) c.doc.chunk_overlap = options.chunk_overlap;
        if (options.extract_facts) c.doc.extract_facts = options.extract_facts;
        report.text_bytes += c.doc.payload.size();
        batch_bytes += c.doc.payload.size();
        report.items.push_back(std::move(c.item));
        batch_items.push_back(report.items.size() - 1);
        batch.push_back(std::move(c.doc));
      }
      if (batch_bytes >= kBatchBytes || batch.size() >= kBatchDocuments) flush();
      ++progress.files_done;
      progress.bytes_done += file.size;
      if (options.on_progress) options.on_progress(progress);
    }
    flush();
    if (!options.dry_run) commit();
  } catch (...) {
    if (!options.dry_run && in_transaction()) rollback();
    throw;
  }
  if (!options.dry_run) {
    const std::uint64_t after = stats().file_bytes;
    report.bytes_stored = after > file_bytes_before ? after - file_bytes_before : 0;
  }
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace memvid
