// memvid put FILE (--text TEXT | --input PATH) [metadata flags] [ingest flags]
// --input reads files and trees through Memvid::ingest: one transaction per run, so an error,
// Ctrl-C or a kill part-way leaves the memory exactly as it was.
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "memvid/records.hpp"
#include "output.hpp"
#include "result_json.hpp"
#include "progress.hpp"

namespace memvid::cli {
namespace {

struct PutArgs {
  std::string path;
  std::string text;
  std::string input;
  MetaFlags meta;
  std::vector<std::string> include, exclude;
  bool dedupe = false, dry_run = false, hidden = false;
  std::uint32_t chunk_size = 0, chunk_overlap = 0;
  std::string text_field = "text", title_field = "title";
  std::uint64_t max_file_mb = 512;
  bool enrich = false, no_enrich = false;
};

std::optional<bool> extract_choice(const PutArgs& args) {
  if (args.no_enrich) return false;
  if (args.enrich) return true;
  return std::nullopt;
}

// Ctrl-C during an ingest asks it to stop between files and roll back, rather than dying
// mid-write (which would also leave the memory as it was, but say nothing).
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) { g_interrupted = 1; }

class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &previous_int_);
    ::sigaction(SIGTERM, &sa, &previous_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

FrameId put_text(Memvid& mem, const PutArgs& args, const CLI::App& cmd) {
  Document doc;
  doc.payload = args.text;
  RecordDefaults d = args.meta.defaults();
  doc.kind = d.kind.value_or(FrameKind::Text);
  apply_defaults(doc, d);
  if (args.meta.given("--vector")) doc.embedding = parse_vector_json(args.meta.vector, "--vector");
  doc.embedding_model = args.meta.vector_model;
  if (cmd.count("--chunk-size") > 0) doc.chunk_bytes = args.chunk_size;
  if (cmd.count("--chunk-overlap") > 0) doc.chunk_overlap = args.chunk_overlap;
  doc.extract_facts = extract_choice(args);
  return mem.put(doc);
}

IngestOptions ingest_options(const PutArgs& args, const CLI::App& cmd) {
  IngestOptions o;
  o.include = args.include;
  o.exclude = args.exclude;
  o.include_hidden = args.hidden;
  o.dedupe = args.dedupe;
  o.dry_run = args.dry_run;
  if (cmd.count("--chunk-size") > 0) o.chunk_bytes = args.chunk_size;
  if (cmd.count("--chunk-overlap") > 0) o.chunk_overlap = args.chunk_overlap;
  o.extract_facts = extract_choice(args);
  o.fields.text = args.text_field;
  o.fields.title = args.title_field;
  o.max_file_bytes = args.max_file_mb << 20;
  o.defaults = args.meta.defaults();
  o.should_stop = [] { return g_interrupted != 0; };
  return o;
}

std::string size_text(std::uint64_t bytes) {
  char buf[32];
  if (bytes >= 1'000'000) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  else if (bytes >= 1000) std::snprintf(buf, sizeof buf, "%.1f KB", static_cast<double>(bytes) / 1e3);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  return buf;
}

Json report_json(const IngestReport& r) {
  Json out = to_json(r);
  std::vector<FrameId> ids;
  for (const IngestedDocument& d : r.items)
    if (d.frame) ids.push_back(*d.frame);
  out["frames"] = ids.size();
  out["frame_ids"] = ids;
  return out;
}

void print_report(const IngestReport& r, const std::string& input) {
  std::vector<FrameId> ids;
  for (const IngestedDocument& d : r.items)
    if (d.frame) ids.push_back(*d.frame);
  if (r.dry_run) {
    std::cout << "dry run: would add " << r.items.size() << " document" << (r.items.size() == 1 ? "" : "s") << " from "
              << input << " (nothing written)\n";
    for (const IngestedDocument& d : r.items)
      std::cout << "  " << d.path << "  [" << d.mime << ", " << size_text(d.text_bytes) << " text"
                << (d.pages ? ", " + std::to_string(d.pages) + " pages" : "") << "]  " << d.title << '\n';
  } else if (ids.size() == 1) {
    std::cout << "added frame " << ids.front() << " from " << input << '\n';
  } else {
    std::cout << "added " << ids.size() << " frames" << (ids.empty() ? "" : ": " + format_id_ranges(ids)) << " from "
              << input << '\n';
  }
  for (const IngestSkip& s : r.skipped) std::cout << "skipped " << s.path << ": " << s.reason << '\n';
  std::cout << "files: " << r.files_seen << " seen, " << r.files_processed << " read";
  if (r.filtered) std::cout << ", " << r.filtered << " filtered out";
  std::cout << "; documents: " << r.documents << " found, " << (r.dry_run ? r.items.size() : r.ingested)
            << (r.dry_run ? " to ingest" : " ingested") << ", " << r.duplicates << " duplicate"
            << (r.duplicates == 1 ? "" : "s") << ", " << r.skipped.size() << " skipped\n";
  std::cout << "bytes: " << size_text(r.bytes_in) << " read, " << size_text(r.text_bytes) << " of text";
  if (!r.dry_run) std::cout << ", " << size_text(r.bytes_stored) << " stored";
  if (r.invalid_utf8_bytes) std::cout << ", " << r.invalid_utf8_bytes << " invalid UTF-8 bytes replaced";
  std::cout << "; " << static_cast<long long>(r.elapsed_ms) << " ms\n";
}

}  // namespace

void add_put_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<PutArgs>();
  CLI::App* cmd = app.add_subcommand("put", "Add a text, or the documents in files and directory trees");
  add_file_argument(*cmd, args->path);
  auto* text = cmd->add_option("--text", args->text, "The text of one new frame");
  auto* input = cmd->add_option("--input", args->input,
                                "A file or a directory (walked recursively): text, Markdown, HTML, PDF, JSON and "
                                "JSONL files become documents; other files are skipped with a reason");
  text->excludes(input);
  add_meta_flags(*cmd, args->meta);
  cmd->add_option("--include", args->include, "Only files whose relative path matches this glob (repeatable; ** spans directories)")
      ->allow_extra_args(false);
  cmd->add_option("--exclude", args->exclude, "Leave out files matching this glob (repeatable)")->allow_extra_args(false);
  cmd->add_flag("--hidden", args->hidden, "Also read hidden files and directories (names starting with '.')");
  cmd->add_flag("--dedupe", args->dedupe, "Skip documents whose text is already in the memory (BLAKE3 of the text)");
  cmd->add_flag("--dry-run", args->dry_run, "Read and extract everything, report what would be added, write nothing");
  cmd->add_option("--chunk-size", args->chunk_size, "Passage size in bytes for search (default: the memory's)")
      ->check(CLI::Range(64, 1 << 24));
  cmd->add_option("--chunk-overlap", args->chunk_overlap, "Overlap between passages in bytes (default: the memory's)")
      ->check(CLI::Range(0, 1 << 24));
  auto* no_enrich = cmd->add_flag("--no-enrich", args->no_enrich,
                                  "Read no facts from these texts (default: as the memory was created)");
  cmd->add_flag("--enrich", args->enrich, "Read facts from these texts even if the memory was created with --no-enrich")
      ->excludes(no_enrich);
  cmd->add_option("--text-field", args->text_field, "JSON/JSONL records: the field holding the text (dots for nesting)")
      ->capture_default_str();
  cmd->add_option("--title-field", args->title_field, "JSON/JSONL records: the field holding the title")->capture_default_str();
  cmd->add_option("--max-file-size", args->max_file_mb, "Skip files larger than this many MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->footer(
      "With --input, each document takes its title from the file (Markdown heading, HTML <title>, PDF title) or "
      "its name, its URI from its path (mv2://<relative path>), its time from the file's mtime, kind 'document', "
      "and metadata {source, mime, bytes, blake3} (plus pages and page_starts for PDFs). --title and --uri are "
      "only allowed for a single file. Tags, labels and --metadata apply to every document. Hidden files are "
      "skipped unless --hidden. A summary ends the run; a progress bar shows on a terminal.");
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  // Cross-flag rules run inside the parse, so breaking them is a usage error like any other.
  cmd->callback([cmd] {
    if (cmd->count("--text") == 0 && cmd->count("--input") == 0) throw CLI::RequiredError("--text or --input");
    if (cmd->count("--vector") > 0 && cmd->count("--text") == 0)
      throw CLI::ValidationError("--vector", "goes with --text (files and records carry no single vector)");
    for (const char* flag : {"--include", "--exclude", "--hidden", "--dedupe", "--dry-run", "--text-field", "--title-field",
                             "--max-file-size"})
      if (cmd->count(flag) > 0 && cmd->count("--input") == 0) throw CLI::ValidationError(flag, "goes with --input");
  });

  registry.push_back({cmd, [args, cmd, &global] {
                        if (cmd->count("--text") > 0) {
                          Memvid mem = Memvid::open(args->path, open_options(global));
                          const FrameId id = put_text(mem, *args, *cmd);
                          mem.close();
                          if (global.json) print_json({{"frame_ids", {id}}, {"frames", 1}, {"skipped", Json::array()}});
                          else std::cout << "added frame " << id << '\n';
                          return;
                        }
                        IngestOptions options = ingest_options(*args, *cmd);
                        std::optional<ProgressBar> bar;
                        options.on_progress = [&bar](const IngestProgress& p) {
                          if (!bar) bar.emplace(p.files_total, p.bytes_total);
                          bar->update(p.files_done, p.bytes_done);
                        };
                        g_interrupted = 0;
                        InterruptGuard guard;
                        Memvid mem = args->dry_run ? Memvid::open_read_only(args->path, open_options(global))
                                                   : Memvid::open(args->path, open_options(global));
                        IngestReport report;
                        try {
                          report = mem.ingest(args->input, options);
                        } catch (...) {
                          if (bar) bar->finish();
                          throw;
                        }
                        if (bar) bar->finish();
                        mem.close();
                        if (global.json) print_json(report_json(report));
                        else print_report(report, args->input);
                      }});
}

}  // namespace memvid::cli
