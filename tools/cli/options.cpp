#include "options.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "memvid/records.hpp"
#include "memvid/sessions.hpp"

#include "memvid/time.hpp"
#include "memvid/timestamp.hpp"

namespace memvid::cli {

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_json_flag(CLI::App& cmd, GlobalOptions& global) {
  cmd.add_flag("--json", global.json, "Print machine-readable JSON (errors go to stderr as JSON too)");
}

void add_open_flags(CLI::App& cmd, GlobalOptions& global) {
  cmd.add_option("--lock-timeout", global.lock_timeout_ms, "How long to wait for a lock held by another process, in ms")
      ->type_name("MS")
      ->default_val(250)
      ->check(non_negative_integer());
  cmd.add_option("--sync", global.sync, "full: fsync every commit; normal: fsync checkpoints only; off: never fsync")
      ->default_val("full")
      ->check(CLI::IsMember({"full", "normal", "off"}, CLI::ignore_case));
  cmd.add_option("--embedding-url", global.embedding_url,
                 "Base URL of the OpenAI-compatible endpoint for an openai:/ollama: memory (default: "
                 "$MEMVID_EMBEDDING_URL, else api.openai.com/v1 or 127.0.0.1:11434/v1)");
  cmd.add_option("--embedding-key-env", global.embedding_key_env,
                 "Environment variable holding the endpoint's API key (default OPENAI_API_KEY for openai:)");
  cmd.add_option("--vector-graph-min-rows", global.vector_graph_min_rows,
                 "Vector index parts this command writes get an HNSW graph from this many rows (smaller ones are "
                 "scanned exactly): lower it to trade ingest time for query time on a large memory")
      ->type_name("ROWS")
      ->default_val(OpenOptions{}.vector_graph_min_rows)
      ->check(non_negative_integer());
  cmd.add_option("--model-path", global.model_path, "The built-in embedding model file (default: see `memvid model`)");
}

OpenOptions open_options(const GlobalOptions& global) {
  // The library reads these where it makes a provider from the memory's model name.
  if (!global.embedding_url.empty()) ::setenv("MEMVID_EMBEDDING_URL", global.embedding_url.c_str(), 1);
  if (!global.embedding_key_env.empty()) ::setenv("MEMVID_EMBEDDING_KEY_ENV", global.embedding_key_env.c_str(), 1);
  if (!global.model_path.empty()) ::setenv("MEMVID_MODEL", global.model_path.c_str(), 1);
  OpenOptions o;
  o.lock_timeout_ms = global.lock_timeout_ms;
  o.vector_graph_min_rows = global.vector_graph_min_rows;
  o.sync = global.sync == "off" ? SyncMode::Off : global.sync == "normal" ? SyncMode::Normal : SyncMode::Full;
  // A CLI command is over in moments and releases its lock at exit: no poller thread.
  o.nudge_poll_ms = 0;
  return o;
}

Memvid open_for_recorded_read(const std::string& path, const GlobalOptions& global) {
  Memvid mem = Memvid::open_read_only(path, open_options(global));
  if (!Sessions(mem).recording()) return mem;
  mem.close();
  return Memvid::open(path, open_options(global));
}

void add_file_argument(CLI::App& cmd, std::string& path) {
  cmd.add_option("FILE", path, "The .mv2 memory file")->required();
}

CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) return {};
        return "expected a non-negative integer, got '" + value + "'";
      },
      "");
}

CLI::Validator timestamp_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (parse_timestamp_ms(value)) return {};
        try {
          (void)resolve_time_phrase(value, {wall_clock_ms(), "UTC"});
          return {};
        } catch (const Error& e) {
          return "not a timestamp or time phrase: " + std::string(e.what()) +
                 " (a timestamp is ms since the epoch or ISO-8601 like 2024-01-31T12:00:00Z)";
        }
      },
      "TIME");
}

std::string default_time_zone() {
  const char* env = std::getenv("MEMVID_TZ");
  return env && *env ? env : "UTC";
}

std::int64_t timestamp_flag_value(const std::string& text, TimeEdge edge, const std::string& zone,
                                  std::optional<std::int64_t> anchor_ms) {
  // As date: in a query: an instant is itself, a bare day its whole UTC day (--until
  // 2025-11-17 keeps what was written that day), a year or a phrase its window.
  const TimeSpan v = resolve_time_value(text, {anchor_ms.value_or(wall_clock_ms()), zone});
  if (edge == TimeEdge::First) {
    if (!v.first) throw Error(ErrorCode::InvalidArgument, "'" + text + "' has no start to begin from");
    return *v.first;
  }
  if (!v.last) throw Error(ErrorCode::InvalidArgument, "'" + text + "' has no end");
  return *v.last;
}

std::int64_t instant_flag_value(const std::string& text) {
  if (auto ms = parse_timestamp_ms(text)) return *ms;
  return timestamp_flag_value(text, TimeEdge::First);
}

std::optional<std::int64_t> TimeFlags::anchor_ms() const {
  if (anchor.empty()) return std::nullopt;
  return timestamp_flag_value(anchor);
}

void add_time_flags(CLI::App& cmd, TimeFlags& flags) {
  cmd.add_option("--tz", flags.tz,
                 "Time zone of time phrases (IANA name such as Europe/Berlin, UTC, +05:30, local; default $MEMVID_TZ "
                 "or UTC)")
      ->type_name("ZONE");
  cmd.add_option("--anchor", flags.anchor, "What time phrases count from: ms or ISO-8601 (default now)")
      ->type_name("TIME")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            if (parse_timestamp_ms(value)) return {};
            return "--anchor takes ms since the epoch or ISO-8601 such as 2025-11-21T12:00:00Z, not '" + value + "'";
          },
          "TIME"));
}

CLI::Validator semantic_floor_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value == "off") return {};
        try {
          std::size_t used = 0;
          const double z = std::stod(value, &used);
          if (used == value.size() && z >= -10 && z <= 10) return {};
        } catch (const std::exception&) {
        }
        return "expected a number between -10 and 10, or 'off', not '" + value + "'";
      },
      "Z|off");
}

std::optional<double> semantic_floor_value(const std::string& text, std::optional<double> default_value) {
  if (text.empty()) return default_value;
  if (text == "off") return std::nullopt;
  return std::stod(text);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw Error(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, "cannot open " + path + ": " + std::strerror(err));
  }
  std::string bytes;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) bytes.append(block, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::Io, "cannot read " + path);
  return bytes;
}

void add_meta_flags(CLI::App& cmd, MetaFlags& flags) {
  flags.cmd = &cmd;
  cmd.add_option("--title", flags.title, "Title of the frame");
  cmd.add_option("--uri", flags.uri, "URI of the frame (e.g. mv2://notes/today)");
  // allow_extra_args(false): one value per --tag, so a trailing FILE is not taken as a tag.
  cmd.add_option("--tag", flags.tags, "A tag (repeatable)")->allow_extra_args(false);
  cmd.add_option("--label", flags.labels, "A label (repeatable)")->allow_extra_args(false);
  cmd.add_option("--metadata", flags.metadata, "Free-form metadata: a JSON object");
  cmd.add_option("--timestamp", flags.timestamp, "Frame time: ms since the epoch or ISO-8601 (default: now)")
      ->check(timestamp_validator());
  cmd.add_option("--kind", flags.kind, "Frame kind")->check(CLI::IsMember({"text", "document", "chunk", "binary"}));
  cmd.add_option("--vector", flags.vector,
                 "The document's embedding, computed by you: a JSON array of numbers (with --text)");
  cmd.add_option("--vector-model", flags.vector_model, "The model --vector came from (checked against the memory's)");
}

RecordDefaults MetaFlags::defaults() const {
  RecordDefaults d;
  if (given("--title")) d.title = title;
  if (given("--uri")) d.uri = uri;
  d.tags = tags;
  d.labels = labels;
  if (given("--metadata")) {
    d.metadata_json = metadata;
    Document probe;
    try {
      apply_defaults(probe, d);
    } catch (const Error&) {
      throw Error(ErrorCode::InvalidArgument, "--metadata must be a JSON object, got: " + metadata.substr(0, 80));
    }
  }
  if (given("--timestamp")) d.timestamp_ms = instant_flag_value(timestamp);
  if (given("--kind")) d.kind = frame_kind_from_string(kind);
  return d;
}

}  // namespace memvid::cli
