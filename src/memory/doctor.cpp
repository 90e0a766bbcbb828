// doctor: verify --deep, turn its failures into findings and a plan, then carry the plan out.
// Every repair is a rewrite of the memory (maintenance/rewrite.hpp) into a temporary file that
// replaces the original only once complete: a salvage when the committed structure itself is
// damaged (it reads the file by scanning, maintenance/salvage.hpp), otherwise a rewrite
// through a writer handle. Either way every index is regenerated from the frame records, so a
// requested rebuild of one index rebuilds the others too.
#include <algorithm>
#include <initializer_list>

#include "format/layout.hpp"
#include "integrity/memory_evidence.hpp"
#include "maintenance/backup_name.hpp"
#include "maintenance/salvage.hpp"
#include "memory/embedder.hpp"
#include "memory/passage_vectors.hpp"
#include "memory/rewrite_in_place.hpp"

namespace memvid {

namespace {

bool failed(const VerifyReport& r, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names)
    if (const CheckResult* c = r.find(n); c && c->status == CheckStatus::Failed) return true;
  return false;
}

// The structure a writer opens through: if any of it fails, only a salvage reads the file.
bool structure_failed(const VerifyReport& r) {
  return failed(r, {"HeaderChecksum", "FooterChecksum", "TocDecode", "SegmentBounds", "FrameCountConsistency",
                    "WalPendingRecords", "FramePayloadChecksums"});
}

std::unique_ptr<File> take_writer_lock(Env& env, const std::string& path, int timeout_ms) {
  auto file = env.open(path, OpenMode::ReadWrite);
  for (int waited = 0;; waited += 10) {
    if (file->try_lock(format::kWriterLockByte, LockKind::Exclusive)) return file;
    if (waited >= timeout_ms)
      throw Error(ErrorCode::Locked, path + " is open by a writer; close it (or `memvid nudge` it) and run doctor again");
    env.sleep_ms(10);
  }
}

std::uint64_t file_size(Env& env, const std::string& path) {
  try {
    return env.open(path, OpenMode::ReadOnly)->size();
  } catch (const Error&) {
    return 0;
  }
}

}  // namespace

DoctorReport doctor(const std::string& path, const DoctorOptions& options) {
  std::shared_ptr<Env> env = options.env ? options.env : default_env();
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  // Only a memory is repaired: a text file, a PDF or a capsule is refused here, unchanged
  // (a salvage of it would find no frame and write an empty memory over it).
  integrity::require_memory_evidence(*env->open(path, OpenMode::ReadOnly), path);
  const bool elsewhere = !options.output.empty();
  if (elsewhere) {
    if (env->exists(options.output))
      throw Error(ErrorCode::AlreadyExists, options.output + " already exists; doctor -o writes a new file: choose another name");
  }
  DoctorReport r;
  r.path = path;
  r.output_path = elsewhere ? options.output : path;
  r.before = verify(path, VerifyOptions{/*deep=*/true, env});
  r.bytes_before = file_size(*env, path);

  for (const CheckResult& c : r.before.checks) {
    if (c.status == CheckStatus::Failed) r.findings.push_back({Severity::Error, c.name, c.detail});
    else if (c.name == "WalPendingRecords" && c.status == CheckStatus::Passed && r.before.ok && !c.detail.empty())
      r.findings.push_back({Severity::Info, c.name, c.detail});
  }
  const bool salvage = structure_failed(r.before);
  if (!salvage) {
    try {
      FileAnatomy a = inspect_file(path, InspectOptions{env});
      OpenOptions read;
      read.env = env;
      Memvid m = Memvid::open_read_only(path, read);
      Stats st = m.stats();
      if (st.deleted_frames + st.superseded_frames > 0 || a.dead_bytes > 0)
        r.findings.push_back({Severity::Info, "",
                              std::to_string(st.deleted_frames) + " deleted and " + std::to_string(st.superseded_frames) +
                                  " superseded frames, and " + std::to_string(a.dead_bytes) +
                                  " bytes of merged-away segments: --vacuum reclaims them"});
    } catch (const Error& e) {
      r.findings.push_back({Severity::Warn, "", std::string("could not read the memory's statistics: ") + e.what()});
    }
  }

  const char* how = salvage ? " (by the salvage rewrite, which rebuilds every index)"
                            : " (by rewriting the memory, which rebuilds every index)";
  auto plan = [&](const char* name, std::string description) {
    r.actions.push_back({name, std::move(description), ActionStatus::Planned, ""});
  };
  if (salvage)
    plan("Salvage", "recover every frame whose record checks out, and rewrite the memory around them");
  if (options.rebuild_time_index || failed(r.before, {"TimeIndexRead", "TimeIndexEntryCount", "TimeIndexSortOrder"}))
    plan("RebuildTimeIndex", std::string("regenerate the time index from the frames") + how);
  if (options.rebuild_lex_index || failed(r.before, {"LexIndexDecode", "LexIndexCoverage"}))
    plan("RebuildLexIndex", std::string("regenerate the lexical index from the frames") + how);
  if (options.rebuild_vec_index || failed(r.before, {"VecIndexDecode", "VecIndexCoverage"}))
    plan("RebuildVecIndex", std::string("regenerate the vector index from the frames' stored vectors") + how);
  if (failed(r.before, {"FactIndexRead", "FactIndexCoverage"}))
    plan("RebuildFactIndex", std::string("read the facts again from the frames' texts") + how);
  if (failed(r.before, {"MentionIndexRead", "MentionIndexCoverage"}))
    plan("RebuildMentionIndex", std::string("read the dates again from the frames' texts") + how);
  if (options.vacuum)
    plan("Vacuum", "drop deleted and superseded frames' records and dead index bytes (their ids stay reserved)");
  if (failed(r.before, {"OwnerRecord"}))
    plan("ClearOwnerRecord", "replace the damaged owner record (it only names the last writer)");

  if (options.plan_only || r.actions.empty()) {
    r.ok = r.before.ok;
    return r;
  }

  const bool rewrite = std::any_of(r.actions.begin(), r.actions.end(),
                                   [](const DoctorAction& a) { return a.name != std::string("ClearOwnerRecord"); });
  std::string backup;  // the name a salvage in place keeps the damaged file under
  const maintenance::KeepRecord keep =
      options.vacuum ? maintenance::keep_active_records() : maintenance::keep_every_record();
  try {
    if (salvage) {
      // In place, the writer lock keeps every writer out while the file is replaced; into
      // another file the original is only read.
      std::unique_ptr<File> lock;
      if (!elsewhere) lock = take_writer_lock(*env, path, options.lock_timeout_ms);
      maintenance::Salvager salvager(env, path, keep);
      maintenance::RewritePlan salvaged = salvager.plan();
      auto embedder = std::make_shared<Embedder>(nullptr);
      salvaged.embed_passages = [embedder](const std::string& model, std::string_view title, std::string_view text,
                                           std::span<const text::ChunkRange> passages) {
        return embed_frame_passages(*embedder, model, title, text, passages);
      };
      if (!elsewhere && options.keep_backup) backup = maintenance::free_backup_name(*env, path, "damaged");
      salvaged.keep_replaced_as = backup;
      maintenance::rewrite_memory(salvaged, r.output_path, env);
      const maintenance::SalvageReport& s = salvager.report();
      r.frames_recovered = s.recovered;
      r.lost_frames = s.lost;
      for (const std::string& note : s.notes) r.findings.push_back({Severity::Warn, "Salvage", note});
      if (!s.lost.empty()) {
        std::string ids;
        for (std::size_t i = 0; i < s.lost.size() && i < 20; ++i) ids += (i ? ", " : "") + std::to_string(s.lost[i]);
        if (s.lost.size() > 20) ids += ", ...";
        r.findings.push_back({Severity::Error, "Salvage",
                              std::to_string(s.lost.size()) + " committed frames had no intact record and are lost: " + ids});
      }
      if (s.uncommitted_records_ignored > 0)
        r.findings.push_back({Severity::Info, "Salvage",
                              std::to_string(s.uncommitted_records_ignored) +
                                  " records of transactions that never committed were left out"});
      r.actions.front().detail = std::to_string(s.recovered) + " of " + std::to_string(s.frames) + " frames carried over";
    } else if (elsewhere) {
      // Any repair, into a new file: a rewrite of the committed state as a reader sees it.
      OpenOptions read;
      read.env = env;
      Memvid m = Memvid::open_read_only(path, read);
      {
        std::lock_guard lock(HandleAccess::of(m).mu);
        maintenance::rewrite_memory(plan_from(HandleAccess::of(m), keep), r.output_path, env);
      }
      m.close();
    } else {
      OpenOptions open;
      open.env = env;
      open.lock_timeout_ms = options.lock_timeout_ms;
      open.nudge_poll_ms = 0;
      Memvid m = Memvid::open(path, open);  // a writer: replaces the owner record, and closing clears it
      if (rewrite) {
        std::lock_guard lock(HandleAccess::of(m).mu);
        rewrite_in_place(HandleAccess::of(m), keep);
      }
      m.close();
    }
    for (DoctorAction& a : r.actions) a.status = ActionStatus::Done;
    r.changed = true;
  } catch (const Error& e) {
    // A writer holding the file, or a write-protected file: doctor did not start.
    if (e.code() == ErrorCode::Locked || e.code() == ErrorCode::ReadOnly) throw;
    for (DoctorAction& a : r.actions) {
      a.status = ActionStatus::Failed;
      a.detail = e.what();
    }
    r.error = e.what();
    r.error_code = e.code();
  }
  // Reported whenever it exists: also when the rename after it failed.
  if (!backup.empty() && env->exists(backup)) r.backup_path = backup;
  if (!r.backup_path.empty())
    r.findings.push_back({Severity::Info, "Salvage",
                          "the damaged file was kept as " + r.backup_path + " (remove it once the repair is confirmed)"});
  if (r.changed || !elsewhere) {
    r.after = verify(r.output_path, VerifyOptions{/*deep=*/true, env});
    r.ok = r.after->ok && r.error.empty();
    r.bytes_after = file_size(*env, r.output_path);
  }
  return r;
}

}  // namespace memvid
