#include "output.hpp"

#include <cstdio>
#include <iostream>

namespace memvid::cli {

int exit_code_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidQuery:
    case ErrorCode::TransactionState: return kExitUsage;
    case ErrorCode::NotFound: return kExitNotFound;
    case ErrorCode::Locked: return kExitLocked;
    case ErrorCode::Corrupt:
    case ErrorCode::InvalidToc:
    case ErrorCode::RecoveryNeeded:
    case ErrorCode::AuxiliaryFileDetected:
    case ErrorCode::DecryptFailed: return kExitCorrupt;
    case ErrorCode::Io:
    case ErrorCode::NoSpace:
    case ErrorCode::ReadOnly: return kExitIo;
    case ErrorCode::ModelMismatch: return kExitUsage;
    case ErrorCode::ModelUnavailable:
    case ErrorCode::ProviderFailed: return kExitModel;
    case ErrorCode::AlreadyExists:
    case ErrorCode::Closed: return kExitOther;
    case ErrorCode::Interrupted: return kExitInterrupted;
    case ErrorCode::NotAMemory:
    case ErrorCode::Encrypted: return kExitNotAMemory;
  }
  return kExitOther;
}

std::string exit_codes_help() {
  return "Exit codes:\n"
         "  0  success; warnings, if any, are on stderr (`memvid: warning: committed, but ...`: a step after\n"
         "     the commit failed, the data is in) and in --json output under \"warnings\"\n"
         "  1  other error (e.g. AlreadyExists)\n"
         "  2  usage error: bad flags or arguments, malformed input or query, a vector from another\n"
         "     model (InvalidArgument, InvalidQuery, TransactionState, ModelMismatch)\n"
         "  3  not found: no such memory file or frame (NotFound)\n"
         "  4  locked: another process holds the writer lock (Locked; see `memvid who`, `memvid nudge`)\n"
         "  5  corruption: damaged file or sidecar present (Corrupt, InvalidToc, RecoveryNeeded,\n"
         "     AuxiliaryFileDetected, DecryptFailed: a wrong password or a changed capsule)\n"
         "  6  I/O error, disk full, or a write-protected file (Io, NoSpace, ReadOnly); nothing of the\n"
         "     failed command was committed\n"
         "  7  embedding or language model missing or its endpoint failing (ModelUnavailable,\n"
         "     ProviderFailed)\n"
         "  8  not a memory: another kind of file, an empty file or a directory (NotAMemory), or an\n"
         "     encrypted capsule (Encrypted: run `memvid unlock`); nothing was changed\n"
         "130  interrupted (Ctrl-C) before the work was committed: nothing of it was written (Interrupted)\n"
         "Errors are printed on stderr as `memvid: error[Code]: message`, or as\n"
         "{\"error\":{\"code\":...,\"message\":...}} with --json.";
}

void report_error(std::string_view code_name, std::string_view message, bool json) {
  std::cout.flush();
  if (json) {
    Json err{{"error", {{"code", code_name}, {"message", message}}}};
    std::cerr << err.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  } else {
    std::cerr << "memvid: error[" << code_name << "]: " << message << '\n';
  }
}

Json warning_json(const Warning& w) {
  return {{"code", to_string(w.code)}, {"step", w.step}, {"message", w.message}};
}

void print_json(const Json& value) {
  if (value.is_object()) {
    // Every JSON object a command prints says what went wrong after its work was committed.
    Json with = value;
    Json warnings = Json::array();
    for (const Warning& w : take_warnings()) warnings.push_back(warning_json(w));
    with["warnings"] = std::move(warnings);
    std::cout << with.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
    return;
  }
  std::cout << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void report_warnings(bool json) {
  std::cout.flush();
  for (const Warning& w : take_warnings()) {
    if (json) std::cerr << Json{{"warning", warning_json(w)}}.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    else std::cerr << "memvid: warning: " << w.message << '\n';
  }
}

std::string format_id_ranges(const std::vector<FrameId>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(ids[i]);
    if (j > i) {
      // Two appends, not "-" + to_string(): GCC 12 -O3 flags the latter with a bogus -Wrestrict.
      out += '-';
      out += std::to_string(ids[j]);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace memvid::cli
