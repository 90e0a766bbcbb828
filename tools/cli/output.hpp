#pragma once
// How results and failures leave the process: JSON or text on stdout, errors on stderr, and
// the exit code a script can branch on.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "memvid/error.hpp"
#include "memvid/memvid.hpp"

namespace memvid::cli {

// Output JSON keeps keys in the order written (id first), which reads better than sorted.
using Json = nlohmann::ordered_json;

enum ExitCode : int {
  kExitOk = 0,
  kExitOther = 1,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitLocked = 4,
  kExitCorrupt = 5,
  kExitIo = 6,
  kExitModel = 7,
  kExitNotAMemory = 8,
  kExitInterrupted = 130,  // as a shell reports a process ended by SIGINT
};

int exit_code_for(ErrorCode code) noexcept;

// A failure that exits with a code of the command's choosing rather than its ErrorCode's
// (`when` exits 1 for a phrase or zone it cannot resolve, as MEMORY.md asks).
class CommandError : public Error {
 public:
  CommandError(ErrorCode code, const std::string& message, int exit_code) : Error(code, message), exit_(exit_code) {}
  int exit_code() const noexcept { return exit_; }

 private:
  int exit_;
};
// The table shown at the foot of `memvid --help`.
std::string exit_codes_help();

// `memvid: error[Locked]: ...`, or {"error":{"code":"Locked","message":"..."}} with --json.
void report_error(std::string_view code_name, std::string_view message, bool json);

// Pretty JSON on stdout. Strings that are not valid UTF-8 (titles taken from arbitrary
// files) are printed with U+FFFD in place of the bad bytes rather than failing the command.
// An object gets a "warnings" array: the warnings of the command's library calls so far
// (memvid::take_warnings), each {code, step, message}.
void print_json(const Json& value);

// Warnings not printed yet, on stderr: `memvid: warning: ...`, or {"warning": {...}} lines.
void report_warnings(bool json);

// "0-4" for contiguous ids, "0-4, 9" otherwise.
std::string format_id_ranges(const std::vector<FrameId>& ids);

}  // namespace memvid::cli
