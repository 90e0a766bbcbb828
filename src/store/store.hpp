#pragma once
// The store: one .mv2 file's committed state (TOC entries) plus the open transaction, and
// the write path that makes transactions durable (WAL) and folds them into the TOC
// (checkpoint). Recovery runs on open. docs/FORMAT.md and docs/ARCHITECTURE.md explain why
// each step happens in the order it does.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "format/frame_record.hpp"
#include "format/header.hpp"
#include "format/owner_record.hpp"
#include "format/toc.hpp"
#include "io/wal.hpp"
#include "store/toc_table.hpp"
#include "memvid/results.hpp"
#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "memvid/types.hpp"

namespace memvid::store {

struct StoreConfig {
  bool writable = false;
  RecoveryMode recovery = RecoveryMode::Strict;  // resolved: never Default here
  SyncMode sync = SyncMode::Full;
  int lock_timeout_ms = 250;
  std::string command;
  std::shared_ptr<Env> env;
};

struct NewFrame {
  std::int64_t timestamp_ms = 0;
  std::uint8_t kind = 0;
  format::FrameMeta meta;
  std::span<const std::uint8_t> payload;
  // The record already encoded from the fields above for the id the frame is about to get
  // (format::encode_frame_record), so that a batch compresses and hashes its records on other
  // threads; empty: append_frame encodes it.
  std::vector<std::uint8_t> encoded;
};

inline constexpr std::uint64_t kCheckpointEveryTransactions = 1000;

// The WAL salt of the epoch a footer starts (FORMAT.md, WAL).
std::uint64_t derive_wal_salt(std::span<const std::uint8_t> footer_bytes);

// The index layer's part in a checkpoint. The store calls it and never looks inside what it
// writes: index segments go into the file beside the TOC segments, and the bytes returned
// become the manifest's extension, committed (or not) together with the TOC.
class CheckpointParticipant {
 public:
  virtual ~CheckpointParticipant() = default;
  // Appends this checkpoint's segments to out (out.front() will sit at file offset `at`)
  // and returns the extension naming them. Throwing aborts the checkpoint.
  virtual std::vector<std::uint8_t> prepare_checkpoint(std::uint64_t at, std::vector<std::uint8_t>& out) = 0;
  // The checkpoint prepared last is now the committed state.
  virtual void checkpoint_committed() = 0;
  // The store re-read its committed state from the file (refresh, or a reload after a nudge).
  virtual void store_reloaded() = 0;
};

class Store {
 public:
  // extension: the index layer's initial manifest extension (its settings).
  static std::unique_ptr<Store> create(const std::string& path, const StoreConfig& config, std::uint64_t wal_size,
                                       std::vector<std::uint8_t> extension = {});
  static std::unique_ptr<Store> open(const std::string& path, const StoreConfig& config);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Reads see the committed state plus this handle's open transaction.
  std::uint64_t frame_count() const { return toc_.size() + txn_new_frames_; }
  const format::TocEntry& entry(std::uint64_t id) const;
  // The committed state of a frame, ignoring the open transaction (id < committed_frame_count()).
  const format::TocEntry& committed_entry(std::uint64_t id) const;
  // The committed data end: every committed frame record lies before it.
  std::uint64_t committed_data_end() const { return in_transaction() ? txn_start_append_pos_ : append_pos_; }
  format::FrameRecord read_record(const format::TocEntry& entry) const;
  // BLAKE3 of a frame's payload, from its record header alone (no payload read). The header
  // is checked for its magic and frame id; the record's checksum is not.
  std::array<std::uint8_t, 32> read_content_hash(const format::TocEntry& entry) const;
  void visit_entries(const std::function<void(const format::TocEntry&)>& fn) const;
  // Frames [0, committed_frame_count()) are committed (the rest belong to the open transaction).
  std::uint64_t committed_frame_count() const { return toc_.size(); }
  std::vector<std::uint8_t> read_bytes(std::uint64_t offset, std::uint64_t length, const char* what) const;
  // Committed bytes in place (File::view): mapped by the POSIX Env.
  std::shared_ptr<const FileView> view_bytes(std::uint64_t offset, std::uint64_t length, const char* what) const;
  // Where the committed TOC starts: every committed segment lies before it.
  std::uint64_t committed_toc_offset() const { return committed_toc_offset_; }
  const std::vector<std::uint8_t>& manifest_extension() const { return manifest_.extension; }
  void set_participant(CheckpointParticipant* participant) { participant_ = participant; }
  // Bumped by every change a reader of entries could notice (writes, rollbacks, reloads).
  std::uint64_t change_counter() const { return change_counter_; }

  // Writes; an implicit transaction is opened when none is.
  void begin(bool explicit_transaction);
  bool in_transaction() const { return txn_active_; }
  bool explicit_transaction() const { return txn_active_ && txn_explicit_; }
  std::uint64_t append_frame(const NewFrame& frame);
  void change_entry(const format::TocEntry& entry);
  void commit_transaction();
  void rollback_transaction();
  // even_if_unchanged: write a checkpoint with no new entries too, so that the participant
  // writes its part (used to build a rewritten memory's indexes).
  void checkpoint(bool even_if_unchanged = false);
  // Checks for a nudge after a write: commits, checkpoints and lets go of the writer lock.
  void honour_nudge();
  void close();
  void refresh();

  bool writable() const { return config_.writable; }
  const StoreConfig& config() const { return config_; }
  const RecoveryInfo& recovery_info() const { return recovery_; }
  const std::string& path() const { return path_; }
  std::uint64_t file_size() const;
  std::uint64_t wal_size() const { return wal_.size(); }
  std::uint64_t wal_used() const { return wal_.used(); }
  std::uint64_t wal_pending_transactions() const { return txns_since_checkpoint_; }
  std::uint64_t segment_count() const { return manifest_.segments.size(); }
  std::uint64_t generation() const { return header_.generation; }

 private:
  Store(std::string path, StoreConfig config, std::unique_ptr<File> file);

  struct Undo {
    std::size_t old_size = 0;
    std::vector<format::TocEntry> replaced;
    std::vector<std::uint64_t> newly_dirty;
  };

  void load();                              // header -> footer -> TOC -> WAL replay -> tail
  std::vector<std::uint8_t> load_snapshot();  // one attempt; returns the header bytes it used
  void load_committed(const format::Header& header, std::uint64_t file_size);
  void replay_wal(std::uint64_t file_size);
  void cut_uncommitted_tail();
  void restamp_header_after_fallback();
  Undo apply(std::span<const format::TocEntry> changes);
  void undo(const Undo& u);
  void checkpoint_now(bool even_if_unchanged = false);
  void warn_checkpoint_failed(const Error& e) const;
  void require_record(const format::TocEntry& e) const;
  // Readers of the manifest's segments: kept ones reused, new ones opened in place.
  // Segments at or past unwritten_at are read from *unwritten (a checkpoint's bytes).
  SegmentReaders open_segments(const format::Manifest& manifest, std::uint64_t data_start, std::uint64_t toc_offset,
                               const SegmentReaders& current, const std::vector<std::uint8_t>* unwritten = nullptr,
                               std::uint64_t unwritten_at = 0) const;
  void write_header(const format::Header& header);
  void take_writer_lock();
  void lock_current_file();
  void announce_owner();
  void ensure_writer();
  void sync_if(bool condition);
  void end_transaction();

  std::string path_;
  StoreConfig config_;
  std::unique_ptr<File> file_;
  bool closed_ = false;
  bool released_ = false;  // let go of the writer lock after a nudge
  bool broken_ = false;    // a sync failed after a header write: state on disk is unknown

  format::Header header_;
  format::OwnerRecord owner_;
  std::uint64_t newest_sequence_ = 0;  // of the newest valid header copy seen at load
  format::Manifest manifest_;
  io::Wal wal_{0, 0};
  TocTable toc_;                           // committed view, by frame id
  std::set<std::uint64_t> dirty_;          // ids changed since the last checkpoint
  std::uint64_t append_pos_ = 0;           // where the next data record goes
  std::uint64_t txns_since_checkpoint_ = 0;
  RecoveryInfo recovery_;
  CheckpointParticipant* participant_ = nullptr;
  std::uint64_t committed_toc_offset_ = 0;
  std::uint64_t change_counter_ = 0;

  bool txn_active_ = false;
  bool txn_explicit_ = false;
  std::vector<format::TocEntry> txn_entries_;
  std::unordered_map<std::uint64_t, std::size_t> txn_latest_;  // id -> index into txn_entries_
  std::uint64_t txn_new_frames_ = 0;
  std::uint64_t txn_start_append_pos_ = 0;
};

}  // namespace memvid::store
