#pragma once
// verify's deep pass over the frame records: every record of the committed state read in
// offset order, in large reads, its checksum, frame id and content hash checked, and what
// each says (kind, passages, vector) collected for the index parts' coverage checks.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "format/frame_record.hpp"
#include "index/index_part.hpp"
#include "index/part_checks.hpp"
#include "integrity/committed_state.hpp"
#include "memvid/env.hpp"
#include "memvid/integrity.hpp"

namespace memvid::integrity {

class RecordPass {
 public:
  // see: each intact record as it is read (the index parts compare what they store).
  RecordPass(File& file, const CommittedState& state, const index::IndexSettings& settings,
             std::function<void(std::uint64_t, const format::FrameRecord&)> see);

  // The FramePayloadChecksums check: reads every record (damaged frames by id into report).
  CheckResult run(VerifyReport& report);
  bool done() const { return done_; }
  const std::vector<index::RecordFacts>& facts() const { return facts_; }

 private:
  std::string read_all();
  void damage(std::uint64_t id, const std::string& why);

  File& file_;
  const CommittedState& st_;
  const index::IndexSettings& settings_;
  std::function<void(std::uint64_t, const format::FrameRecord&)> see_;
  VerifyReport* report_ = nullptr;
  std::vector<index::RecordFacts> facts_;
  index::checks::Problems damaged_, mismatches_;
  std::uint64_t records_ = 0, record_bytes_ = 0;
  bool done_ = false;
};

}  // namespace memvid::integrity
