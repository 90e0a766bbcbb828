// Write path and recovery. The invariants that make a crash at any instant safe:
//  1. Bytes at or before the committed footer's end are never written again (only the
//     header page and the WAL ring are rewritten in place), so any footer a valid header
//     names stays intact, and readers holding an older snapshot are never disturbed.
//  2. A transaction is committed when its WAL Commit record is written (and, in Full sync
//     mode, synced together with the frame records it references). Replay re-checks every
//     new frame record's checksum, so a commit whose data did not reach the disk is
//     discarded along with everything after it: such a commit was never acknowledged.
//  3. A checkpoint writes TOC segments, manifest and footer after all data, syncs, and
//     only then writes a header copy naming the new footer and a new WAL salt; the header
//     write is the commit point. A torn header write ruins only the older copy's slot.
#include "store/store.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include <unistd.h>

#include "format/blake3.hpp"
#include "format/bytes.hpp"
#include "format/layout.hpp"
#include "format/toc_segment.hpp"
#include "io/identify.hpp"
#include "io/owner.hpp"
#include "io/warnings.hpp"
#include "io/read_exact.hpp"
#include "store/merge_policy.hpp"

namespace memvid::store {

using format::TocEntry;

// Deterministic per-epoch salt: a hash of the footer that starts the epoch. Footers differ
// in generation, so consecutive epochs never share a salt.
std::uint64_t derive_wal_salt(std::span<const std::uint8_t> footer_bytes) {
  format::Blake3 h;
  static constexpr char kContext[] = "memvid wal salt";
  h.update(kContext, sizeof kContext - 1);
  h.update(footer_bytes);
  std::uint8_t out[8];
  h.finalize(out, 8);
  return format::load_u64(out);
}

namespace {

std::vector<std::uint8_t> encode_commit(std::uint64_t data_end, std::uint64_t next_frame_id) {
  format::ByteWriter w;
  w.u64(data_end);
  w.u64(next_frame_id);
  return w.take();
}

std::vector<std::uint8_t> encode_entry(const TocEntry& e) {
  std::vector<std::uint8_t> out(TocEntry::kEncodedSize);
  e.encode_to(out.data());
  return out;
}

[[noreturn]] void invalid_toc(const std::string& why) { throw Error(ErrorCode::InvalidToc, why); }

// A memory closed cleanly ends with its newest footer: evidence, cheap to read, that a file
// whose header page was overwritten is a damaged memory rather than another kind of file.
bool ends_with_commit(File& file, std::uint64_t size) {
  if (size < format::kWalOffset + format::kMinWalSize + format::Footer::kEncodedSize) return false;
  auto tail = io::read_bytes(file, size - format::Footer::kEncodedSize, format::Footer::kEncodedSize, "footer");
  auto footer = format::Footer::decode(tail);
  return footer && footer->toc_offset >= format::kWalOffset &&
         footer->toc_offset + footer->toc_length == size - format::Footer::kEncodedSize;
}

}  // namespace

Store::Store(std::string path, StoreConfig config, std::unique_ptr<File> file)
    : path_(std::move(path)), config_(std::move(config)), file_(std::move(file)) {}

Store::~Store() = default;

std::unique_ptr<Store> Store::create(const std::string& path, const StoreConfig& config, std::uint64_t wal_size,
                                     std::vector<std::uint8_t> extension) {
  auto file = config.env->open(path, OpenMode::CreateNew);
  std::unique_ptr<Store> s(new Store(path, config, std::move(file)));
  bool ours = false;  // locked, and the path names it: ours to remove if the create fails
  try {
    s->take_writer_lock();
    // Another create may have taken our still-empty, unlocked file for a dead create's
    // leftover and replaced it before we locked it: then the memory at path is not ours.
    if (!config.env->same_file(*s->file_, path))
      throw Error(ErrorCode::AlreadyExists, "cannot create " + path + ": another process created it at the same moment");
    ours = true;
    const std::uint64_t data_start = format::kWalOffset + wal_size;
    format::Manifest manifest;
    manifest.extension = std::move(extension);
    std::vector<std::uint8_t> toc = manifest.encode();
    format::Footer footer{data_start, toc.size(), 0, format::checksum16(toc)};
    auto footer_bytes = footer.encode();
    // The WAL region stays a hole: it reads as zeros, which no record chain accepts.
    s->file_->truncate(data_start);
    toc.insert(toc.end(), footer_bytes.begin(), footer_bytes.end());
    s->file_->write_at(data_start, toc.data(), toc.size());
    format::Header h;
    h.wal_offset = format::kWalOffset;
    h.wal_size = wal_size;
    h.footer_offset = data_start + toc.size() - footer_bytes.size();
    h.generation = 0;
    h.wal_salt = derive_wal_salt(footer_bytes);
    // Both copies describe the empty memory, so either one is a valid fallback.
    for (std::uint64_t seq : {0ull, 1ull}) {
      h.sequence = seq;
      auto bytes = h.encode();
      s->file_->write_at(format::kHeaderSlotOffset[seq % 2], bytes.data(), bytes.size());
    }
    s->sync_if(config.sync != SyncMode::Off);
    s->load();
    s->announce_owner();
  } catch (...) {
    // Removed under our lock, so that no other create can have replaced it in between. A
    // file we could not lock belongs to whoever holds the lock: they remove or finish it.
    if (ours) config.env->remove(path);
    s->file_.reset();
    throw;
  }
  return s;
}

std::unique_ptr<Store> Store::open(const std::string& path, const StoreConfig& config) {
  if (!config.env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  auto file = config.env->open(path, config.writable ? OpenMode::ReadWrite : OpenMode::ReadOnly);
  std::unique_ptr<Store> s(new Store(path, config, std::move(file)));
  s->lock_current_file();
  s->load();
  if (config.writable) s->announce_owner();
  return s;
}

// A compaction renames a new file over the path while others may hold the old one open
// (waiting for the writer lock, say). The lock that counts is the one on the file the path
// names once we hold it: anything else would write to a file nobody will read again.
void Store::lock_current_file() {
  constexpr int kMaxAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    if (config_.writable) {
      take_writer_lock();
    } else {
      io::acquire_reader_lock(*file_, *config_.env, path_, config_.lock_timeout_ms);
    }
    if (attempt == kMaxAttempts || config_.env->same_file(*file_, path_)) return;
    file_ = config_.env->open(path_, config_.writable ? OpenMode::ReadWrite : OpenMode::ReadOnly);
  }
}

void Store::take_writer_lock() { io::acquire_writer_lock(*file_, *config_.env, path_, config_.lock_timeout_ms); }

// Written only after load() accepted the file, so a writer pointed at something that is not
// a memory changes none of its bytes.
void Store::announce_owner() {
  std::int64_t now = config_.env->now_ms();
  owner_ = format::OwnerRecord{::getpid(), now, now, io::current_host_name(), config_.command};
  io::write_owner_record(*file_, owner_);
  io::set_nudge_flag(*file_, false);
}

// ---------------------------------------------------------------------------------------
// Recovery

void Store::load() {
  // A reader races the writer: if a checkpoint flips the header and the next epoch starts
  // overwriting the WAL ring while we scan it, the scan stops early and we would hold an
  // older state than one already committed. Header flips precede every write of the new
  // epoch, so unchanged header bytes after the scan prove the scan saw an intact epoch.
  constexpr int kMaxAttempts = 100;
  for (int attempt = 1;; ++attempt) {
    std::vector<std::uint8_t> used = load_snapshot();
    if (config_.writable || attempt == kMaxAttempts) break;
    if (io::read_bytes(*file_, 0, used.size(), "header page") == used) break;
  }
  if (config_.writable) {
    cut_uncommitted_tail();
    if (recovery_.footer_fallback) restamp_header_after_fallback();
  } else if (!file_->is_locked_elsewhere(format::kWriterLockByte, LockKind::Exclusive)) {
    // With no live writer, bytes past the committed state are a crashed writer's leftovers:
    // report what the next writer will cut. (A live writer's tail is work in progress.)
    const std::uint64_t size = file_->size();
    if (size > append_pos_) recovery_.bytes_truncated = size - append_pos_;
  }
  ++change_counter_;
  if (participant_) participant_->store_reloaded();
}

std::vector<std::uint8_t> Store::load_snapshot() {
  recovery_ = RecoveryInfo{};
  // Another kind of file (a capsule, a PDF, an empty file) is refused before anything else,
  // with the same words every command uses.
  const io::Identified id = io::identify_file(*file_);
  if (id.kind == format::FileKind::Foreign && ends_with_commit(*file_, id.size))
    throw Error(ErrorCode::Corrupt, path_ + ": both header copies are destroyed (no header magic at offset 0 or 512), "
                                            "but the file ends with an intact memvid commit: run `memvid doctor " +
                                            path_ + "` to recover the memory");
  if (id.kind != format::FileKind::Memory) throw format::not_a_memory(path_, id.kind, id.head, id.size);
  const std::uint64_t size = id.size;
  if (size < format::kHeaderPageSize) {
    throw Error(ErrorCode::Corrupt, path_ + " is cut short: " + std::to_string(size) +
                                        " bytes is smaller than a memory's 4096-byte header page (`memvid doctor` "
                                        "can recover what is left)");
  }
  const std::vector<std::uint8_t>& page = id.head;
  std::optional<format::Header> copies[2] = {
      format::Header::decode(std::span(page).subspan(format::kHeaderSlotOffset[0], format::kHeaderSize)),
      format::Header::decode(std::span(page).subspan(format::kHeaderSlotOffset[1], format::kHeaderSize))};
  if (!copies[0] && !copies[1])
    throw Error(ErrorCode::Corrupt, path_ + ": both header copies fail their checksum (offsets 0 and 512); run "
                                            "`memvid doctor " + path_ + "` to recover the memory from its intact commits");
  recovery_.header_fallback = !copies[0] || !copies[1];
  std::vector<format::Header> candidates;
  for (auto& c : copies) if (c) candidates.push_back(*c);
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.sequence > b.sequence; });

  std::optional<Error> first_error;
  bool loaded = false;
  for (const format::Header& h : candidates) {
    try {
      load_committed(h, size);
      loaded = true;
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::Corrupt && e.code() != ErrorCode::InvalidToc) throw;
      if (!first_error) first_error = e;
      if (config_.recovery == RecoveryMode::Strict) break;
    }
  }
  if (!loaded) {
    if (config_.recovery == RecoveryMode::Strict && candidates.size() > 1) {
      throw Error(first_error->code(), std::string(first_error->what()) +
                                           " (Strict recovery: open for writing with AutoTruncate to fall back "
                                           "to the previous commit)");
    }
    throw *first_error;
  }
  recovery_.footer_fallback = header_.sequence != candidates.front().sequence;
  newest_sequence_ = candidates.front().sequence;
  replay_wal(size);
  return std::vector<std::uint8_t>(page.begin(), page.begin() + format::kHeaderSlotOffset[1] + format::kHeaderSize);
}

void Store::restamp_header_after_fallback() {
  // Overwrite the header copy that names the damaged footer, so that it is not chosen
  // again; the slot written is the damaged one, never the one we loaded.
  format::Header h = header_;
  h.sequence = newest_sequence_ + 1;
  if (h.sequence % 2 == header_.sequence % 2) ++h.sequence;
  write_header(h);
  sync_if(config_.sync != SyncMode::Off);
  header_ = h;
}

void Store::load_committed(const format::Header& h, std::uint64_t size) {
  auto where = [&](const std::string& what, std::uint64_t off) {
    return path_ + ": " + what + " at file offset " + std::to_string(off);
  };
  if (h.wal_offset != format::kWalOffset || h.wal_size < format::kMinWalSize || h.wal_size > format::kMaxWalSize ||
      h.wal_size % 8 != 0) {
    throw Error(ErrorCode::Corrupt, path_ + ": header names an impossible WAL region (offset " +
                                        std::to_string(h.wal_offset) + ", size " + std::to_string(h.wal_size) + ")");
  }
  const std::uint64_t data_start = h.wal_offset + h.wal_size;
  if (h.footer_offset < data_start || h.footer_offset > size || size - h.footer_offset < format::Footer::kEncodedSize) {
    throw Error(ErrorCode::Corrupt, path_ + ": header names footer offset " + std::to_string(h.footer_offset) +
                                        " outside the " + std::to_string(size) + "-byte file (truncated?)");
  }
  auto footer_bytes = io::read_bytes(*file_, h.footer_offset, format::Footer::kEncodedSize, "footer");
  auto footer = format::Footer::decode(footer_bytes);
  if (!footer) throw Error(ErrorCode::Corrupt, where("footer fails its magic or checksum", h.footer_offset));
  if (footer->generation != h.generation || footer->toc_length > h.footer_offset - data_start ||
      footer->toc_offset != h.footer_offset - footer->toc_length) {
    throw Error(ErrorCode::Corrupt, where("footer disagrees with the header (generation or TOC position)", h.footer_offset));
  }
  auto toc_bytes = io::read_bytes(*file_, footer->toc_offset, footer->toc_length, "TOC");
  if (format::checksum16(toc_bytes) != footer->toc_hash) throw Error(ErrorCode::Corrupt, where("TOC fails its BLAKE3 check", footer->toc_offset));
  format::Manifest manifest = format::Manifest::decode(toc_bytes, footer->toc_offset, size);
  if (manifest.generation != h.generation) invalid_toc(where("TOC generation differs from the footer's", footer->toc_offset));

  std::uint64_t listed = 0;
  for (const auto& s : manifest.segments) listed += s.entry_count;
  if (manifest.next_frame_id > listed) {
    invalid_toc(where("TOC claims " + std::to_string(manifest.next_frame_id) + " frames but its segments hold only " +
                          std::to_string(listed) + " entries",
                      footer->toc_offset));
  }
  SegmentReaders segments = open_segments(manifest, data_start, footer->toc_offset, {});
  // The segments the newest checkpoint wrote are checked whole now: a checkpoint torn by a
  // crash is found here, where open can still fall back to the commit before it. Older ones
  // are checked block by block as look-ups read them.
  for (const auto& seg : segments)
    if (seg->file_offset() > manifest.prev_footer_offset) seg->check_blocks();
  header_ = h;
  toc_.reset(manifest.next_frame_id, std::move(segments), path_);
  manifest_ = std::move(manifest);
  committed_toc_offset_ = footer->toc_offset;
  dirty_.clear();
  append_pos_ = h.footer_offset + format::Footer::kEncodedSize;
  wal_ = io::Wal(h.wal_offset, h.wal_size);
  txns_since_checkpoint_ = 0;
}

void Store::replay_wal(std::uint64_t size) {
  std::vector<io::WalRecord> records = wal_.scan(*file_, header_.wal_salt);
  // The log is kept only up to the last Commit whose transaction checks out.
  std::uint64_t kept_end = 0, kept_seq = 0, kept_chain = header_.wal_salt;
  std::uint64_t data_end = append_pos_;
  std::uint64_t next_id = toc_.size();
  std::vector<TocEntry> pending;
  std::uint64_t pending_next = next_id;
  std::uint64_t seq = 0;
  for (const io::WalRecord& r : records) {
    ++seq;
    if (r.type == format::WalRecordType::Entry) {
      if (r.payload.size() != TocEntry::kEncodedSize) break;
      TocEntry e = TocEntry::decode_from(r.payload.data());
      if (!is_known_status(e.status) ||
          !is_known_kind(e.kind) || e.frame_id > pending_next)
        break;
      if (e.frame_id == pending_next) {
        // A new frame: its record must lie after the committed data and be intact, or the
        // commit that names it never fully reached the disk.
        if (e.record_offset < data_end || e.record_offset > size || e.record_length > size - e.record_offset) break;
        try {
          auto bytes = io::read_bytes(*file_, e.record_offset, e.record_length, "frame record");
          if (format::decode_frame_record(bytes, e.record_offset).frame_id != e.frame_id) break;
        } catch (const Error&) {
          break;
        }
        ++pending_next;
      } else if (e.record_removed() ? e.status == static_cast<std::uint8_t>(FrameStatus::Active)
                                    : (e.record_offset < format::kWalOffset || e.record_offset > size ||
                                       e.record_length > size - e.record_offset)) {
        break;
      }
      pending.push_back(e);
      continue;
    }
    if (r.payload.size() != 16) break;
    const std::uint64_t commit_end = format::load_u64(r.payload.data());
    const std::uint64_t commit_next = format::load_u64(r.payload.data() + 8);
    if (commit_next != pending_next || commit_end < data_end || commit_end > size) break;
    const bool inside = std::all_of(pending.begin(), pending.end(), [&](const TocEntry& e) {
      return e.frame_id < next_id || e.record_offset + e.record_length <= commit_end;
    });
    if (!inside) break;
    apply(pending);
    recovery_.wal_records_replayed += pending.size() + 1;
    recovery_.transactions_replayed += 1;
    ++txns_since_checkpoint_;
    pending.clear();
    next_id = pending_next;
    data_end = commit_end;
    kept_end = r.end;
    kept_seq = seq;
    kept_chain = r.chain;
  }
  wal_.rewind(kept_end, kept_seq, kept_chain);
  append_pos_ = data_end;
}

void Store::cut_uncommitted_tail() {
  std::uint64_t size = file_->size();
  if (size <= append_pos_) return;
  recovery_.bytes_truncated = size - append_pos_;
  if (config_.recovery == RecoveryMode::Strict) {
    throw Error(ErrorCode::RecoveryNeeded,
                path_ + ": " + std::to_string(size - append_pos_) + " uncommitted bytes after file offset " +
                    std::to_string(append_pos_) + " (Strict recovery refuses to cut them; use AutoTruncate)");
  }
  file_->truncate(append_pos_);
  sync_if(config_.sync != SyncMode::Off);
}

// ---------------------------------------------------------------------------------------
// Reads

const TocEntry& Store::entry(std::uint64_t id) const {
  if (txn_active_) {
    auto it = txn_latest_.find(id);
    if (it != txn_latest_.end()) return txn_entries_[it->second];
  }
  if (id >= toc_.size()) {
    throw Error(ErrorCode::NotFound, "frame " + std::to_string(id) + " does not exist in " + path_ + " (it has " +
                                         std::to_string(frame_count()) + " frames)");
  }
  return toc_.at(id);
}

const TocEntry& Store::committed_entry(std::uint64_t id) const {
  if (id >= toc_.size())
    throw Error(ErrorCode::NotFound, "frame " + std::to_string(id) + " is not committed in " + path_);
  return toc_.at(id);
}

void Store::require_record(const TocEntry& e) const {
  if (e.record_removed())
    throw Error(ErrorCode::NotFound, "frame " + std::to_string(e.frame_id) + " of " + path_ + " was " +
                                         std::string(to_string(static_cast<FrameStatus>(e.status))) +
                                         " and a vacuum removed its record");
}

format::FrameRecord Store::read_record(const TocEntry& e) const {
  require_record(e);
  auto bytes = io::read_bytes(*file_, e.record_offset, e.record_length, "frame record");
  format::FrameRecord rec = format::decode_frame_record(bytes, e.record_offset);
  if (rec.frame_id != e.frame_id) {
    throw Error(ErrorCode::Corrupt, path_ + ": frame record at file offset " + std::to_string(e.record_offset) +
                                        " holds frame " + std::to_string(rec.frame_id) + ", the TOC expected " +
                                        std::to_string(e.frame_id));
  }
  return rec;
}

std::array<std::uint8_t, 32> Store::read_content_hash(const TocEntry& e) const {
  require_record(e);
  if (e.record_length < format::kFrameRecordHeaderSize)
    throw Error(ErrorCode::Corrupt, path_ + ": frame record at file offset " + std::to_string(e.record_offset) +
                                        " is shorter than its header");
  auto bytes = io::read_bytes(*file_, e.record_offset, format::kFrameRecordHeaderSize, "frame record header");
  format::ByteReader r(bytes, "frame record header");
  const bool magic_ok = std::memcmp(bytes.data(), "MVFR", 4) == 0;
  r.skip(8);
  if (!magic_ok || r.u64() != e.frame_id)
    throw Error(ErrorCode::Corrupt, path_ + ": no record of frame " + std::to_string(e.frame_id) + " at file offset " +
                                        std::to_string(e.record_offset));
  std::array<std::uint8_t, 32> hash{};
  std::memcpy(hash.data(), bytes.data() + 48, hash.size());
  return hash;
}

void Store::visit_entries(const std::function<void(const TocEntry&)>& fn) const {
  toc_.visit([&](const TocEntry& e) {
    if (txn_active_) {
      auto it = txn_latest_.find(e.frame_id);
      if (it != txn_latest_.end()) {
        fn(txn_entries_[it->second]);
        return;
      }
    }
    fn(e);
  });
  if (!txn_active_) return;
  for (std::uint64_t id = toc_.size(); id < frame_count(); ++id) fn(txn_entries_[txn_latest_.at(id)]);
}

std::uint64_t Store::file_size() const { return file_->size(); }

std::vector<std::uint8_t> Store::read_bytes(std::uint64_t offset, std::uint64_t length, const char* what) const {
  if (closed_) throw Error(ErrorCode::Closed, path_ + " is closed");
  return io::read_bytes(*file_, offset, length, what);
}

std::shared_ptr<const FileView> Store::view_bytes(std::uint64_t offset, std::uint64_t length, const char* what) const {
  if (closed_) throw Error(ErrorCode::Closed, path_ + " is closed");
  if (length > std::numeric_limits<std::size_t>::max())
    throw Error(ErrorCode::Corrupt, std::string(what) + " at file offset " + std::to_string(offset) + " is too long");
  return file_->view(offset, static_cast<std::size_t>(length), what);
}

// ---------------------------------------------------------------------------------------
// Transactions

void Store::ensure_writer() {
  if (!config_.writable) throw Error(ErrorCode::ReadOnly, path_ + " is open read-only");
  if (closed_) throw Error(ErrorCode::Closed, path_ + " is closed");
  if (broken_) throw Error(ErrorCode::Io, path_ + ": an earlier sync failed, so the file's state is unknown; reopen it");
  if (released_) {
    // We let go of the lock after a nudge: take it back and reload whatever the other
    // writer committed meanwhile. Until the reload succeeds our state is stale, so a
    // failure lets go of the lock again rather than let a write use old offsets.
    if (!config_.env->same_file(*file_, path_))
      file_ = config_.env->open(path_, OpenMode::ReadWrite);  // a compaction replaced it meanwhile
    lock_current_file();
    try {
      load();
      announce_owner();
    } catch (...) {
      file_->unlock(format::kWriterLockByte);
      throw;
    }
    released_ = false;
  }
}

void Store::begin(bool explicit_transaction) {
  ensure_writer();
  if (txn_active_) {
    if (explicit_transaction && txn_explicit_)
      throw Error(ErrorCode::TransactionState, "begin(): a transaction is already open on " + path_);
    if (explicit_transaction) txn_explicit_ = true;
    return;
  }
  txn_active_ = true;
  txn_explicit_ = explicit_transaction;
  txn_entries_.clear();
  txn_latest_.clear();
  txn_new_frames_ = 0;
  txn_start_append_pos_ = append_pos_;
}

std::uint64_t Store::append_frame(const NewFrame& frame) {
  if (!txn_active_) throw Error(ErrorCode::TransactionState, "append_frame outside a transaction");
  const std::uint64_t id = frame_count();
  std::vector<std::uint8_t> encoded;
  if (frame.encoded.empty()) {
    encoded = format::encode_frame_record(id, frame.timestamp_ms, frame.kind, frame.meta, frame.payload);
  } else if (frame.encoded.size() < format::kFrameRecordHeaderSize || format::load_u64(frame.encoded.data() + 8) != id) {
    throw Error(ErrorCode::Io, path_ + ": a record encoded ahead was made for another frame id than " + std::to_string(id));
  }
  const std::vector<std::uint8_t>& record = frame.encoded.empty() ? encoded : frame.encoded;
  file_->write_at(append_pos_, record.data(), record.size());
  TocEntry e;
  e.frame_id = id;
  e.record_offset = append_pos_;
  e.timestamp_ms = frame.timestamp_ms;
  e.record_length = static_cast<std::uint32_t>(record.size());
  e.payload_length = static_cast<std::uint32_t>(frame.payload.size());
  e.status = static_cast<std::uint8_t>(FrameStatus::Active);
  e.kind = frame.kind;
  append_pos_ += record.size();
  ++change_counter_;
  txn_latest_[id] = txn_entries_.size();
  txn_entries_.push_back(e);
  ++txn_new_frames_;
  return id;
}

void Store::change_entry(const TocEntry& e) {
  if (!txn_active_) throw Error(ErrorCode::TransactionState, "change_entry outside a transaction");
  ++change_counter_;
  txn_latest_[e.frame_id] = txn_entries_.size();
  txn_entries_.push_back(e);
}

void Store::end_transaction() {
  txn_active_ = false;
  txn_explicit_ = false;
  txn_entries_.clear();
  txn_latest_.clear();
  txn_new_frames_ = 0;
}

void Store::rollback_transaction() {
  if (!txn_active_) return;
  // The frame records already written past the committed data are simply overwritten by
  // the next append (or cut at close): nothing references them.
  append_pos_ = txn_start_append_pos_;
  ++change_counter_;
  end_transaction();
}

Store::Undo Store::apply(std::span<const TocEntry> changes) {
  Undo u;
  u.old_size = toc_.size();
  for (const TocEntry& e : changes) {
    if (e.frame_id < u.old_size) u.replaced.push_back(toc_.at(e.frame_id));
    toc_.put(e);
    if (dirty_.insert(e.frame_id).second) u.newly_dirty.push_back(e.frame_id);
  }
  return u;
}

void Store::undo(const Undo& u) {
  for (auto it = u.replaced.rbegin(); it != u.replaced.rend(); ++it) toc_.put(*it);
  toc_.truncate(u.old_size);
  for (std::uint64_t id : u.newly_dirty) dirty_.erase(id);
}

void Store::commit_transaction() {
  if (!txn_active_) return;
  if (txn_entries_.empty()) {
    end_transaction();
    return;
  }
  std::vector<io::WalRecord> records;
  records.reserve(txn_entries_.size() + 1);
  for (const TocEntry& e : txn_entries_) records.push_back({format::WalRecordType::Entry, encode_entry(e)});
  records.push_back({format::WalRecordType::Commit, encode_commit(append_pos_, frame_count())});
  const std::uint64_t bytes = io::Wal::batch_size(records);
  try {
    if (txns_since_checkpoint_ + 1 >= kCheckpointEveryTransactions || !wal_.fits(bytes)) {
      // Too big for the log (or the log is due anyway): commit by checkpointing directly.
      Undo u = apply(txn_entries_);
      try {
        checkpoint_now();
      } catch (...) {
        undo(u);
        throw;
      }
    } else {
      const std::uint64_t used = wal_.used(), seq = wal_.seq(), chain = wal_.chain();
      try {
        wal_.append(*file_, records);
        sync_if(config_.sync == SyncMode::Full);
      } catch (...) {
        wal_.rewind(used, seq, chain);
        throw;
      }
      apply(txn_entries_);
      ++txns_since_checkpoint_;
    }
  } catch (...) {
    rollback_transaction();
    throw;
  }
  end_transaction();
  if (wal_.used() * 4 >= wal_.size() * 3) {
    // Opportunistic: the transaction is already durable in the WAL, so a failure here (a
    // full disk, say) must not be reported as a failed commit; the next commit retries.
    try {
      checkpoint_now();
    } catch (const Error& e) {
      warn_checkpoint_failed(e);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Checkpoint

SegmentReaders Store::open_segments(const format::Manifest& manifest, std::uint64_t data_start,
                                   std::uint64_t toc_offset, const SegmentReaders& current,
                                   const std::vector<std::uint8_t>* unwritten, std::uint64_t unwritten_at) const {
  const std::uint64_t frames = manifest.next_frame_id;
  const std::string path = path_;
  // What open once checked of every entry, now checked of each as its block is decoded.
  format::TocEntryCheck check = [path, frames, data_start, toc_offset](const TocEntry& e, std::uint64_t seg) {
    auto where = [&](const std::string& what) { return path + ": " + what + " at file offset " + std::to_string(seg); };
    if (e.frame_id >= frames) invalid_toc(where("TOC segment names frame " + std::to_string(e.frame_id) + " beyond the frame count"));
    if (!is_known_status(e.status) || !is_known_kind(e.kind))
      invalid_toc(where("frame " + std::to_string(e.frame_id) + " has an unknown status or kind"));
    if (e.record_removed()) {
      if (e.status == static_cast<std::uint8_t>(FrameStatus::Active) || e.payload_length != 0)
        invalid_toc(where("active frame " + std::to_string(e.frame_id) + " has no record"));
    } else if (e.record_offset < data_start || e.record_offset > toc_offset || e.record_length > toc_offset - e.record_offset ||
               e.record_length < format::kFrameRecordHeaderSize + 16) {
      invalid_toc(where("frame " + std::to_string(e.frame_id) + " points outside the data region"));
    }
  };
  SegmentReaders out;
  for (const auto& ref : manifest.segments) {
    auto kept = std::find_if(current.begin(), current.end(), [&](const auto& r) { return r->file_offset() == ref.offset; });
    if (kept != current.end()) {
      out.push_back(*kept);
      continue;
    }
    if (ref.offset < data_start)
      invalid_toc(path_ + ": TOC segment inside the WAL region at file offset " + std::to_string(ref.offset));
    std::shared_ptr<const FileView> bytes;
    if (unwritten && ref.offset >= unwritten_at) {
      const auto from = unwritten->begin() + static_cast<std::ptrdiff_t>(ref.offset - unwritten_at);
      bytes = std::make_shared<BufferView>(std::vector<std::uint8_t>(from, from + static_cast<std::ptrdiff_t>(ref.length)));
    } else {
      bytes = file_->view(ref.offset, ref.length, "TOC segment");
    }
    out.push_back(std::make_shared<const format::TocSegmentReader>(std::move(bytes), ref.offset, ref.checksum, check));
    if (out.back()->entry_count() != ref.entry_count)
      invalid_toc(path_ + ": TOC segment at file offset " + std::to_string(ref.offset) + " holds " +
                  std::to_string(out.back()->entry_count()) + " entries; the TOC says " + std::to_string(ref.entry_count));
  }
  return out;
}

void Store::checkpoint(bool even_if_unchanged) {
  ensure_writer();
  if (txn_active_) throw Error(ErrorCode::TransactionState, "checkpoint(): a transaction is open on " + path_);
  checkpoint_now(even_if_unchanged);
}

void Store::checkpoint_now(bool even_if_unchanged) {
  if (dirty_.empty() && !even_if_unchanged) return;
  std::vector<std::uint64_t> sizes;
  for (const auto& s : manifest_.segments) sizes.push_back(s.entry_count);
  const std::size_t new_index = manifest_.segments.size();
  std::vector<MergeGroup> groups;
  if (dirty_.empty()) {
    // Nothing new for the TOC: its segments stay as they are; the participant's part changes.
    for (std::size_t i = 0; i < sizes.size(); ++i) groups.push_back({i});
  } else {
    sizes.push_back(dirty_.size());
    groups = plan_segment_merges(sizes);
  }

  std::vector<std::uint8_t> out;
  std::vector<format::SegmentRef> refs;
  for (const MergeGroup& g : groups) {
    if (g.size() == 1 && g[0] != new_index) {
      refs.push_back(manifest_.segments[g[0]]);
      continue;
    }
    std::vector<std::uint64_t> ids;
    for (std::size_t src : g) {
      if (src == new_index) {
        ids.insert(ids.end(), dirty_.begin(), dirty_.end());
      } else {
        toc_.segments()[src]->visit([&](const TocEntry& e) { ids.push_back(e.frame_id); });
      }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // Every id's newest state is toc_.at(id): writing it into a merged (possibly older)
    // segment cannot change what later segments say, because they say the same.
    std::vector<TocEntry> seg_entries;
    seg_entries.reserve(ids.size());
    for (std::uint64_t id : ids) seg_entries.push_back(toc_.at(id));
    std::vector<std::uint8_t> seg = format::encode_toc_segment(seg_entries);
    format::SegmentRef ref;
    ref.offset = append_pos_ + out.size();
    ref.length = seg.size();
    ref.entry_count = seg_entries.size();
    std::copy(seg.end() - 16, seg.end(), ref.checksum.begin());
    refs.push_back(ref);
    out.insert(out.end(), seg.begin(), seg.end());
  }
  format::Manifest manifest;
  manifest.generation = header_.generation + 1;
  manifest.next_frame_id = toc_.size();
  manifest.prev_footer_offset = header_.footer_offset;
  manifest.segments = std::move(refs);
  manifest.extension =
      participant_ ? participant_->prepare_checkpoint(append_pos_, out) : manifest_.extension;
  // Readers of the new segments, from the bytes about to be written: nothing is left to fail
  // once the checkpoint is committed.
  SegmentReaders readers = open_segments(manifest, header_.wal_offset + header_.wal_size, append_pos_ + out.size(),
                                         toc_.segments(), &out, append_pos_);
  std::vector<std::uint8_t> toc = manifest.encode();
  format::Footer footer{append_pos_ + out.size(), toc.size(), manifest.generation, format::checksum16(toc)};
  out.insert(out.end(), toc.begin(), toc.end());
  const std::uint64_t footer_offset = append_pos_ + out.size();
  auto footer_bytes = footer.encode();
  out.insert(out.end(), footer_bytes.begin(), footer_bytes.end());

  try {
    file_->write_at(append_pos_, out.data(), out.size());
    sync_if(config_.sync != SyncMode::Off);
  } catch (...) {
    // No header names these bytes yet: give their space back, so that a disk this filled
    // up stays usable (for the next checkpoint, or for other files).
    try {
      file_->truncate(append_pos_);
    } catch (...) {
    }
    throw;
  }

  format::Header h = header_;
  h.sequence = header_.sequence + 1;
  h.footer_offset = footer_offset;
  h.generation = manifest.generation;
  h.wal_salt = derive_wal_salt(footer_bytes);
  write_header(h);
  try {
    sync_if(config_.sync != SyncMode::Off);
  } catch (...) {
    broken_ = true;
    throw;
  }
  header_ = h;
  manifest_ = std::move(manifest);
  toc_.replace_segments(std::move(readers));
  committed_toc_offset_ = footer.toc_offset;
  dirty_.clear();
  wal_.reset(h.wal_salt);
  if (participant_) participant_->checkpoint_committed();
  append_pos_ = footer_offset + footer_bytes.size();
  txns_since_checkpoint_ = 0;
  // The heartbeat lets `who` show that a long-lived writer is still making progress; the
  // checkpoint is already committed, so a failure to refresh it is not an error.
  try {
    owner_.heartbeat_ms = config_.env->now_ms();
    io::write_owner_record(*file_, owner_);
  } catch (const Error&) {
  }
}

// A failed or torn write here can only damage the slot of the older copy; the other copy
// still names the previous commit, which is intact.
void Store::write_header(const format::Header& h) {
  auto bytes = h.encode();
  file_->write_at(format::kHeaderSlotOffset[h.sequence % 2], bytes.data(), bytes.size());
}

void Store::sync_if(bool condition) {
  if (condition) file_->sync();
}

void Store::warn_checkpoint_failed(const Error& e) const {
  io::warn_after_commit("checkpoint", "the checkpoint that folds it into " + path_ + "'s table of contents", e,
                        "The data is safe in the memory's write-ahead log; the next writer retries the checkpoint");
}

void Store::honour_nudge() {
  if (!config_.writable || closed_ || released_ || broken_ || txn_active_) return;
  // Runs after a write has committed, so its failures must not surface as that write's
  // failure: if the checkpoint fails (a full disk, say), keep the lock; the nudger times out
  // with Locked and may ask again.
  try {
    if (!io::nudge_requested(*file_)) return;
    checkpoint_now();
    if (file_->size() > append_pos_) file_->truncate(append_pos_);
    io::clear_owner_record(*file_);
    io::set_nudge_flag(*file_, false);
    sync_if(config_.sync != SyncMode::Off);
  } catch (const Error& e) {
    io::warn_after_commit("nudge", "letting go of the writer lock of " + path_ + " as `memvid nudge` asked", e,
                          "The lock is kept; the nudging process may ask again");
    return;
  }
  file_->unlock(format::kWriterLockByte);
  released_ = true;
}

void Store::refresh() {
  if (config_.writable || closed_) return;
  if (!config_.env->same_file(*file_, path_)) {
    // A compaction replaced the file: move to the new one (the old one stays readable to
    // whoever still has it open, so our snapshot was consistent until now).
    auto fresh = config_.env->open(path_, OpenMode::ReadOnly);
    std::swap(file_, fresh);
    try {
      lock_current_file();
    } catch (...) {
      std::swap(file_, fresh);
      throw;
    }
  }
  load();
}

void Store::close() {
  if (closed_) return;
  if (config_.writable && !released_ && !broken_) {
    rollback_transaction();
    // Everything committed is durable already (in the TOC or in the WAL), so nothing that
    // fails from here on undoes a commit: it is a warning, and the handle closes anyway.
    bool checkpointed = true;
    try {
      checkpoint_now();
    } catch (const Error& e) {
      checkpointed = false;
      warn_checkpoint_failed(e);
    }
    // Cut bytes a rolled-back transaction left past the end, and drop the owner record so
    // that a closed file's bytes do not depend on which process wrote it. After a failed
    // checkpoint nothing is cut: which of its bytes a header may name is not known here, and
    // the next writer's recovery cuts exactly what is not committed.
    try {
      if (checkpointed && file_->size() > append_pos_) file_->truncate(append_pos_);
      io::clear_owner_record(*file_);
      io::set_nudge_flag(*file_, false);
      sync_if(config_.sync != SyncMode::Off);
    } catch (const Error& e) {
      io::warn_after_commit("close", "tidying " + path_ + " at close (cutting an unfinished tail, clearing the owner record)",
                            e, "The next writer does it");
    }
  }
  closed_ = true;
  file_.reset();
}

}  // namespace memvid::store
