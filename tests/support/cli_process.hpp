#pragma once
// Runs the `memvid` binary as a user would, in a chosen working directory, with its output
// captured outside that directory (so that a test can compare the directory before and
// after), optionally killing it with SIGKILL after a delay.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace memvid::testing {

struct CliOutcome {
  int code = -1;          // exit code; 128 + signal when killed
  bool killed = false;    // SIGKILL arrived before it exited
  std::string out, err;
  double elapsed_ms = 0;
  // The "code" of the JSON error on stderr (--json), or "" when there is none.
  std::string error_code() const;
};

CliOutcome run_memvid(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {},
                      std::optional<std::chrono::microseconds> kill_after = std::nullopt);

// Damages the memory `file` (in cwd) in an index part of a kind, as `dump-catalog` names it
// ("fact", "date"): flips byte `into` bytes into the first such part. False when the memory
// has no part of that kind.
bool flip_byte_in_part(const std::filesystem::path& cwd, const std::string& file, const std::string& kind,
                       std::uint64_t into);

}  // namespace memvid::testing
