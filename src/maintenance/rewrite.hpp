#pragma once
// Writes a whole new memory from a sequence of frame records: the one mechanism behind
// compaction (vacuum), snapshots and salvage. Frames keep their ids; a frame given without a
// record is written as a removed entry (its id stays reserved). The indexes are rebuilt from
// the records by the index layer itself, in one checkpoint of the new file, so a rewritten
// memory is indexed exactly as one written by puts.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/toc.hpp"
#include "index/vec/q8.hpp"
#include "text/chunker.hpp"
#include "memvid/env.hpp"
#include "memvid/types.hpp"

namespace memvid::maintenance {

// Which frames a rewrite carries with their records; the others become removed entries
// (their ids stay reserved). A rule per entry, not a flag, so that a kind of frame whose
// history must outlive a vacuum can say so where the rule is made.
using KeepRecord = std::function<bool(const format::TocEntry&)>;
// Every frame that still has a record (snapshots, rebuilds, a salvage without vacuum).
KeepRecord keep_every_record();
// Active frames only: deleted and superseded frames lose their records (vacuum, compaction).
KeepRecord keep_active_records();

struct RewriteFrame {
  // Status, kind, timestamp and superseded_by are written as given; the offset and length
  // are the new file's.
  format::TocEntry entry;
  std::vector<std::uint8_t> record;  // a complete, verified frame record; empty: removed
};

struct RewritePlan {
  std::uint64_t wal_size = 0;
  std::vector<std::uint8_t> index_extension;  // settings only (SearchIndex::initial_extension)
  std::uint64_t frame_count = 0;
  std::function<RewriteFrame(std::uint64_t id)> frame;  // called once per id, in order
  SyncMode sync = SyncMode::Full;
  std::function<void(std::uint64_t frames_done)> on_progress;
  // Before the new memory replaces dest, give the file at dest this second name (Env::keep_as):
  // a repair that drops damaged bytes keeps the only copy of them. Empty: no backup.
  std::string keep_replaced_as;
  // Computes a frame's passage vectors again from its text with the memory's model (null:
  // frames whose records hold no vectors get none). With prefer_text_vectors, frames whose
  // records hold one whole-frame vector for a text of several passages get passage vectors too (doctor --rebuild-vec-index
  // on a memory written before passage vectors).
  std::function<index::Q8Rows(const std::string& model, std::string_view title, std::string_view text,
                              std::span<const text::ChunkRange> passages)>
      embed_passages;
  bool prefer_text_vectors = false;
};

struct RewriteResult {
  std::uint64_t frames = 0;
  std::uint64_t records_written = 0;
  std::uint64_t records_removed = 0;
  std::uint64_t file_bytes = 0;
};

// Builds the memory in a temporary file beside dest and renames it over dest (replacing any
// file there) only once it is complete and synced. On any failure nothing at dest changes and
// the temporary file is gone.
RewriteResult rewrite_memory(const RewritePlan& plan, const std::string& dest, const std::shared_ptr<Env>& env);

}  // namespace memvid::maintenance
