#pragma once
// The committed state of a memory as the file holds it, read without a lock and without
// writing a byte: both header copies, the commit (footer, TOC, index section) each valid copy
// names, and the WAL epoch of the commit in use. verify, inspect and dump-catalog share it.
//
// Unlike store::Store::load, it does not stop at the first problem: each stage records what
// went wrong and the callers turn that into checks. It follows the store's rules for which
// commit is in use (the newest valid header copy whose footer and TOC load; otherwise the
// other copy, as a writer falls back to it) and for WAL replay, so what it reports is what
// an open would see.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/header.hpp"
#include "format/toc.hpp"
#include "index/index_manifest.hpp"
#include "memvid/env.hpp"

namespace memvid::integrity {

inline constexpr char kCopyName[2] = {'A', 'B'};

// One header copy's commit, read as far as it goes.
struct CommitView {
  int slot = -1;  // 0: copy A (offset 0), 1: copy B (offset 512)
  format::Header header;
  std::uint64_t data_start = 0;

  bool footer_ok = false;
  std::string footer_error;
  format::Footer footer;

  bool toc_read = false;  // the TOC stage ran (only after a good footer)
  bool toc_ok = false;
  std::string toc_error;
  format::Manifest manifest;
  struct SegmentInfo {
    std::uint64_t entries = 0;  // decoded
    std::uint64_t min_id = 0, max_id = 0;
  };
  std::vector<SegmentInfo> segments;  // parallel to manifest.segments
  std::uint64_t listed_entries = 0;   // entries of all segments (status changes repeat an id)
  std::vector<format::TocEntry> entries;  // by id, the newest segment's copy

  bool has_index = false;  // the TOC carries an index section
  bool index_ok = false;
  std::string index_error;
  index::IndexManifest index;

  std::uint64_t toc_end() const { return footer.toc_offset + footer.toc_length; }
  std::uint64_t footer_end() const { return header.footer_offset + format::Footer::kEncodedSize; }
};

struct WalTransaction {
  std::uint64_t begin = 0, end = 0;  // ring offsets: its first record, and just past its Commit
  std::uint64_t data_end = 0;        // data-region offset after its frame records
  std::uint64_t first_new = 0, new_frames = 0, entries = 0;
};

// The WAL epoch of the commit in use, replayed by the store's rules.
struct WalScan {
  bool scanned = false;
  std::uint64_t salt = 0, size = 0;
  std::uint64_t chain_bytes = 0, chain_records = 0;  // the unbroken chain from the ring's start
  std::vector<WalTransaction> applied;
  std::vector<format::TocEntry> changes;  // entries of the applied transactions, in order
  std::uint64_t applied_bytes = 0;        // ring bytes up to the last applied Commit
  std::uint64_t data_end = 0;             // the committed data end after replay
  std::uint64_t next_frame = 0;
  // Replay stopped at a complete, validly chained transaction that does not check out (a
  // frame record failing its checksum, an impossible entry): what and where.
  std::optional<std::string> rejected;
  std::uint64_t rejected_offset = 0;
  std::uint64_t tail_records = 0;  // chained records after the last applied Commit
  // Records of this epoch continue, validly chained among themselves, after the first record
  // that fails: damage in the middle of the log rather than a torn tail.
  bool break_checked = false;  // the search ran (only for the newest commit's epoch)
  std::optional<std::string> broken;
  std::uint64_t broken_offset = 0;
};

struct CommittedState {
  std::string path;
  std::uint64_t file_size = 0;  // taken after the WAL scan, so it covers the records it found
  std::vector<std::uint8_t> page;  // the header page as read (shorter for a short file)
  std::optional<format::Header> copies[2];
  bool copy_magic[2] = {false, false};
  bool copy_checksum_ok[2] = {false, false};  // a valid checksum with an invalid copy: unknown version
  std::vector<CommitView> commits;  // one per valid copy, newest first
  int used = -1;                    // index into commits of the commit in use; -1: none loads
  WalScan wal;
  // The committed frames: the TOC's entries with the replayed WAL changes applied, by id.
  std::vector<format::TocEntry> view;
  std::uint64_t committed_end = 0;  // where the committed data ends (WAL-committed records included)
  int attempts = 0;                 // reads needed for a stable snapshot

  const CommitView* used_commit() const { return used >= 0 ? &commits[static_cast<std::size_t>(used)] : nullptr; }
  const CommitView* newest_commit() const { return commits.empty() ? nullptr : &commits.front(); }
  std::uint64_t toc_frames() const { return used_commit() ? used_commit()->entries.size() : 0; }
};

// Reads the committed state; starts over (bounded) when the header copies changed while it
// read, so that it never mixes two commits. Throws only for I/O errors on the header page.
CommittedState read_committed_state(File& file, const std::string& path, Env& env);

// A vacuum removed this inactive frame's record; its id and TOC entry stay.
inline bool record_removed(const format::TocEntry& e) { return e.record_offset == 0 && e.record_length == 0; }

std::string hex(const std::uint8_t* bytes, std::size_t n);
template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& a) { return hex(a.data(), N); }

}  // namespace memvid::integrity
