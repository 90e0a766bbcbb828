#pragma once
// Salvage: recovers every committed frame of a memory whose header, footer, TOC or WAL is
// damaged, from whatever still checks out, and plans a rewrite of it (maintenance/rewrite.hpp).
//
// Sources, most trusted first:
//  1. every valid footer in the file (found by scanning for its magic; its checksum and its
//     TOC's hash must hold) and the TOC segments it names that verify, newest generation
//     first: frame statuses and record positions;
//  2. the WAL epoch of the newest commit, read tolerantly: a damaged record in the middle of
//     the chain is skipped when the records after it still chain from its stored checksum;
//     its commits extend the committed data and frame count, its entries add statuses;
//  3. every frame record in the file whose checksum and content hash hold (found by scanning
//     for its magic), accepted only if it lies within committed data, so that an interrupted
//     transaction's records are never resurrected.
// A committed frame none of whose copies checks out is lost and reported by id; its id stays
// reserved (a removed entry). Index settings come from the newest index section that decodes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maintenance/rewrite.hpp"
#include "memvid/env.hpp"

namespace memvid::maintenance {

struct SalvageReport {
  std::uint64_t frames = 0;           // the frame count of the salvaged memory
  std::uint64_t recovered = 0;        // frames carried over with their record
  std::vector<std::uint64_t> lost;    // committed frames with no intact record (were active or unknown)
  std::uint64_t lost_inactive = 0;    // deleted or superseded frames with no intact record
  std::uint64_t uncommitted_records_ignored = 0;
  std::uint64_t wal_records_damaged = 0;
  std::vector<std::string> notes;     // what was used and what was not, for the doctor's findings
};

class Salvager {
 public:
  // Reads and plans; the file is not changed. keep: which frames carry their records into
  // the new file (keep_active_records() vacuums at the same time).
  Salvager(std::shared_ptr<Env> env, std::string path, KeepRecord keep);
  ~Salvager();
  const SalvageReport& report() const { return report_; }
  // The rewrite plan; frame() reads records from the file lazily (it must not change meanwhile).
  RewritePlan plan();

 private:
  struct Found;
  std::shared_ptr<Env> env_;
  std::string path_;
  KeepRecord keep_;
  std::unique_ptr<File> file_;
  std::unique_ptr<Found> found_;
  SalvageReport report_;
};

}  // namespace memvid::maintenance
