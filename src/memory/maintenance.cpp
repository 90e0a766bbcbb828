// Compaction and snapshots: each is a rewrite (maintenance/rewrite.hpp) of the committed state
// this handle sees, differing only in which frames keep their records and where the result goes.
#include <algorithm>

#include "format/frame_record.hpp"
#include "format/layout.hpp"
#include "io/identify.hpp"
#include "io/read_exact.hpp"
#include "maintenance/backup_name.hpp"
#include "maintenance/rewrite.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/maintenance.hpp"
#include "memory/rewrite_in_place.hpp"

namespace memvid {

namespace {

std::shared_ptr<Env> env_or_default(const std::shared_ptr<Env>& env) { return env ? env : default_env(); }

// A record is copied only after it proves intact (checksum, id, content hash), so a rewrite
// never carries damage into a file that would then verify as healthy.
std::vector<std::uint8_t> verified_record(const store::Store& s, const format::TocEntry& e) {
  std::vector<std::uint8_t> bytes = s.read_bytes(e.record_offset, e.record_length, "frame record");
  format::FrameRecord rec = format::decode_frame_record(bytes, e.record_offset);
  if (rec.frame_id != e.frame_id)
    throw Error(ErrorCode::Corrupt, s.path() + ": the record at file offset " + std::to_string(e.record_offset) +
                                        " holds frame " + std::to_string(rec.frame_id) + ", not " +
                                        std::to_string(e.frame_id) + " (run `memvid doctor`)");
  format::frame_payload(rec, e.record_offset);  // checks the content hash
  return bytes;
}

}  // namespace

maintenance::RewritePlan plan_from(const Memvid::Impl& impl, maintenance::KeepRecord keep) {
  const store::Store& s = impl.s();
  maintenance::RewritePlan plan;
  plan.wal_size = s.wal_size();
  // The manifest's settings, not the live vector index: that may be what is being repaired.
  index::IndexSettings settings = impl.index->settings();
  plan.index_extension = index::SearchIndex::initial_extension(settings);
  plan.frame_count = s.committed_frame_count();
  plan.sync = s.config().sync;
  // Frames whose vectors come from their text get them again; a memory written before
  // passage vectors gets them for every frame with text.
  plan.embed_passages = [&impl](const std::string&, std::string_view title, std::string_view text,
                                std::span<const text::ChunkRange> passages) {
    return impl.embed_for_index(title, text, passages);
  };
  plan.prefer_text_vectors = vectors_derivable(settings.embedding_model, settings.vector_compression);
  plan.frame = [&s, keep = std::move(keep)](std::uint64_t id) {
    maintenance::RewriteFrame f;
    f.entry = s.committed_entry(id);
    if (!f.entry.record_removed() && keep(f.entry)) f.record = verified_record(s, f.entry);
    return f;
  };
  return plan;
}

void rewrite_in_place(Memvid::Impl& impl, const maintenance::KeepRecord& keep) {
  store::Store& s = impl.writer();
  if (s.in_transaction())
    throw Error(ErrorCode::TransactionState, "commit or roll back the open transaction before rewriting " + s.path());
  // The writer lock on the old file is held throughout, so no other writer commits to it
  // while it is copied; one waiting for it finds the new file once it gets the lock.
  maintenance::rewrite_memory(plan_from(impl, keep), s.path(), impl.env);
  impl.attach(store::Store::open(s.path(), s.config()));
}

namespace {

void refuse_existing(Env& env, const std::string& dest) {
  if (env.exists(dest)) throw Error(ErrorCode::AlreadyExists, dest + " already exists; remove it or choose another name");
}

}  // namespace

void Maintenance::compact_to(const std::string& dest) {
  std::lock_guard lock(impl().mu);
  const store::Store& s = impl().s();
  if (dest == s.path()) throw Error(ErrorCode::InvalidArgument, "compact_to(" + dest + "): that is this memory; use compact_in_place()");
  refuse_existing(*impl().env, dest);
  maintenance::rewrite_memory(plan_from(impl(), maintenance::keep_active_records()), dest, impl().env);
}

void Maintenance::export_snapshot(const std::string& dest) {
  std::lock_guard lock(impl().mu);
  const store::Store& s = impl().s();
  if (dest == s.path()) throw Error(ErrorCode::InvalidArgument, "export_snapshot(" + dest + "): that is this memory");
  refuse_existing(*impl().env, dest);
  maintenance::rewrite_memory(plan_from(impl(), maintenance::keep_every_record()), dest, impl().env);
}

void Maintenance::compact_in_place() {
  std::lock_guard lock(impl().mu);
  rewrite_in_place(impl(), maintenance::keep_active_records());
}

namespace {

// The frames of `replaced` (by id and content) that `snapshot` does not hold.
void count_dropped(const Memvid::Impl& replaced, const Memvid::Impl& snapshot, RestoreReport& r) {
  const store::Store& old_s = replaced.s();
  const store::Store& new_s = snapshot.s();
  r.replaced_frames = old_s.frame_count();
  old_s.visit_entries([&](const format::TocEntry& e) {
    if (e.record_removed()) return;
    bool kept = false;
    if (e.frame_id < new_s.frame_count()) {
      const format::TocEntry& n = new_s.entry(e.frame_id);
      kept = !n.record_removed() && new_s.read_content_hash(n) == old_s.read_content_hash(e);
    }
    if (kept) return;
    ++r.dropped_frames;
    if (r.dropped_ids.size() < 100) r.dropped_ids.push_back(e.frame_id);
  });
}

}  // namespace

RestoreReport restore_snapshot(const std::string& snapshot, const std::string& dest, const RestoreOptions& options) {
  std::shared_ptr<Env> env = env_or_default(options.env);
  RestoreReport report;
  report.snapshot = snapshot;
  report.dest = dest;
  if (!env->exists(snapshot)) throw Error(ErrorCode::NotFound, "no snapshot at " + snapshot);
  auto source = env->open(snapshot, OpenMode::ReadOnly);
  io::require_memory(*source, snapshot);
  // Replacing a memory some writer has open would lose its next commits: hold its writer
  // lock while the new file goes in. Anything but a memory is never replaced.
  std::unique_ptr<File> existing;
  if (env->exists(dest)) {
    existing = env->open(dest, OpenMode::ReadOnly);
    if (env->same_file(*existing, snapshot))
      throw Error(ErrorCode::InvalidArgument, dest + " is the snapshot itself: restore it somewhere else");
    const io::Identified id = io::identify_file(*existing);
    if (id.kind != format::FileKind::Memory) {
      Error why = format::not_a_memory(dest, id.kind, id.head, id.size);
      throw Error(why.code(), std::string(why.what()) + ". restore replaces only a memory, even with --force: "
                                                         "move that file away yourself if it should go");
    }
    if (!options.force)
      throw Error(ErrorCode::AlreadyExists, dest + " already exists: restore replaces an existing memory only when "
                                                   "forced (--force), and says what that drops; nothing was changed");
    existing = env->open(dest, OpenMode::ReadWrite);
    if (!existing->try_lock(format::kWriterLockByte, LockKind::Exclusive))
      throw Error(ErrorCode::Locked, dest + " is open by a writer; close it (or `memvid nudge` it) before restoring over it");
    report.replaced = true;
  }
  const std::string temp = env->create_temp(dest);
  try {
    auto out = env->open(temp, OpenMode::ReadWrite);
    const std::uint64_t size = source->size();
    constexpr std::uint64_t kChunk = 8u << 20;
    for (std::uint64_t at = 0; at < size; at += kChunk) {
      auto bytes = io::read_bytes(*source, at, std::min(kChunk, size - at), "snapshot");
      out->write_at(at, bytes.data(), bytes.size());
    }
    out.reset();
    // The copy itself is verified, so what goes in place is exactly what passed.
    VerifyReport verified = verify(temp, VerifyOptions{/*deep=*/true, env});
    if (!verified.ok) {
      std::string failed;
      for (const CheckResult& c : verified.checks)
        if (c.status == CheckStatus::Failed) failed += (failed.empty() ? "" : "; ") + c.name + ": " + c.detail;
      throw Error(ErrorCode::Corrupt, snapshot + " fails verification, so it was not restored: " + failed);
    }
    report.snapshot_frames = verified.frames;
    if (report.replaced) {
      OpenOptions read;
      read.env = env;
      read.nudge_poll_ms = 0;
      Memvid old_memory = Memvid::open_read_only(dest, read);
      Memvid new_memory = Memvid::open_read_only(temp, read);
      count_dropped(HandleAccess::of(old_memory), HandleAccess::of(new_memory), report);
      old_memory.close();
      new_memory.close();
      if (report.dropped_frames > 0 && options.keep_backup) {
        report.backup_path = maintenance::free_backup_name(*env, dest, "replaced");
        env->keep_as(dest, report.backup_path);
      }
    }
    env->commit_temp(temp, dest);
  } catch (...) {
    try {
      env->discard_temp(temp);
    } catch (...) {
    }
    throw;
  }
  return report;
}

}  // namespace memvid
