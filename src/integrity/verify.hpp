#pragma once
// The read-only integrity checks behind memvid::verify and doctor (memvid/files.hpp; the
// report and the check names in memvid/integrity.hpp).
#include <memory>
#include <string>

#include "memvid/env.hpp"
#include "memvid/integrity.hpp"

namespace memvid::integrity {

// Throws NotFound, NotAMemory / Encrypted (no evidence the file is a memory), or Io when the
// file cannot be read at all; every other problem is a failed check in the report.
VerifyReport verify_file(const std::string& path, bool deep, const std::shared_ptr<Env>& env);

}  // namespace memvid::integrity
