#pragma once
// The checks of verify that read the committed structure itself: both header copies, the
// footer, the TOC, where every segment, part and record lies, the frame counts, the WAL
// epoch's pending records and the owner record. integrity/verify.cpp runs them in order.
#include <string>

#include "integrity/committed_state.hpp"
#include "memvid/env.hpp"
#include "memvid/integrity.hpp"

namespace memvid::integrity {

class StructureChecks {
 public:
  // read_error: why the committed state could not be read at all ("" when it was).
  StructureChecks(const CommittedState& state, const std::string& read_error, File& file, Env& env);

  CheckResult header_checksum() const;
  CheckResult footer_checksum() const;
  CheckResult toc_decode() const;
  CheckResult segment_bounds() const;
  CheckResult frame_count_consistency() const;
  CheckResult wal_pending_records() const;
  CheckResult owner_record() const;

  // Why checks that need the committed TOC, or its index section, cannot run ("" when they can).
  std::string toc_skip_reason() const;
  std::string index_skip_reason() const;

 private:
  const CommittedState& st_;
  const std::string& read_error_;
  File& file_;
  Env& env_;
  const CommitView* u_ = nullptr;
  const index::IndexManifest* idx_ = nullptr;
};

}  // namespace memvid::integrity
