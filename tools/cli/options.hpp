#pragma once
// Flags that several commands share, declared once so that every command spells and
// documents them the same way.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"

namespace memvid::cli {

// Only the one subcommand that was invoked writes these.
struct GlobalOptions {
  bool json = false;
  int lock_timeout_ms = 250;
  std::string sync = "full";  // checked by CLI11: full, normal or off
  std::string embedding_url, embedding_key_env, model_path;
  std::size_t vector_graph_min_rows = OpenOptions{}.vector_graph_min_rows;
};

void add_json_flag(CLI::App& cmd, GlobalOptions& global);
// --lock-timeout, --sync and the embedding endpoint flags, for commands that open the memory
// through Memvid.
void add_open_flags(CLI::App& cmd, GlobalOptions& global);
OpenOptions open_options(const GlobalOptions& global);
void add_file_argument(CLI::App& cmd, std::string& path);
// A memory opened for a read that a session may record (find, ask): read-only, unless a
// session is open (memvid session start), when the read must be written into it.
Memvid open_for_recorded_read(const std::string& path, const GlobalOptions& global);

// Digits only: CLI11 would otherwise wrap "-1" into a huge unsigned frame id.
CLI::Validator non_negative_integer();

// Rejects at parse time what is neither a timestamp (ms since the epoch, ISO-8601) nor a time
// phrase ("yesterday", "last week", "2025-11"), so a bad --since is a usage error reported by
// CLI11 like any other.
CLI::Validator timestamp_validator();

// Which instant of a phrase's window a flag takes: --since its first, --until (inclusive) and
// the as-of flags its last ("--until yesterday" keeps all of yesterday).
enum class TimeEdge { First, Last };
// Now, as ms since the epoch: what time phrases count from without --anchor.
std::int64_t wall_clock_ms();
// The zone phrases are read in when a command has no --tz: $MEMVID_TZ, else UTC.
std::string default_time_zone();
// For values that already passed timestamp_validator(). Timestamps keep their meaning;
// phrases are resolved in `zone` from `anchor_ms` (absent: now).
std::int64_t timestamp_flag_value(const std::string& text, TimeEdge edge = TimeEdge::First,
                                  const std::string& zone = default_time_zone(),
                                  std::optional<std::int64_t> anchor_ms = std::nullopt);

// An instant for a frame (put --timestamp): a bare number stays milliseconds, as it always
// was; a phrase gives the start of its window.
std::int64_t instant_flag_value(const std::string& text);

// --tz ZONE and --anchor TIME: how phrases are read (find's date: clauses, --since ...).
struct TimeFlags {
  std::string tz;
  std::string anchor;
  std::string zone() const { return tz.empty() ? default_time_zone() : tz; }
  std::optional<std::int64_t> anchor_ms() const;
};
void add_time_flags(CLI::App& cmd, TimeFlags& flags);

// --semantic-floor of find and ask: a number of standard deviations (-10 to 10) or "off".
CLI::Validator semantic_floor_validator();
// For values that already passed it ("" keeps the default).
std::optional<double> semantic_floor_value(const std::string& text, std::optional<double> default_value);

// The whole file (a JSONL batch, a vector): NotFound / Io errors name the path.
std::string read_whole_file(const std::string& path);

// The metadata flags of put and update.
struct MetaFlags {
  CLI::App* cmd = nullptr;
  std::string title, uri, metadata, timestamp, kind;
  std::vector<std::string> tags, labels;
  std::string vector, vector_model;

  bool given(const char* flag) const { return cmd->count(flag) > 0; }
  // What the flags say, as defaults for documents built from files or records.
  RecordDefaults defaults() const;
};
void add_meta_flags(CLI::App& cmd, MetaFlags& flags);

}  // namespace memvid::cli
