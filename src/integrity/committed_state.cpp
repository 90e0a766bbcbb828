#include "integrity/committed_state.hpp"

#include <algorithm>
#include <cstring>

#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/frame_record.hpp"
#include "format/layout.hpp"
#include "format/toc_segment.hpp"
#include "format/wal_record.hpp"
#include "io/read_exact.hpp"
#include "memvid/error.hpp"
#include "memvid/types.hpp"

namespace memvid::integrity {

using format::TocEntry;

namespace {

std::string at(std::uint64_t offset) { return " at file offset " + std::to_string(offset); }

std::string copy_label(int slot) { return std::string("header copy ") + kCopyName[slot]; }

// The footer stage: what store::Store::load_committed checks before it reads the TOC.
CommitView load_footer(File& file, const format::Header& h, int slot, std::uint64_t size) {
  CommitView c;
  c.slot = slot;
  c.header = h;
  if (h.wal_offset != format::kWalOffset || h.wal_size < format::kMinWalSize || h.wal_size > format::kMaxWalSize ||
      h.wal_size % 8 != 0) {
    c.footer_error = copy_label(slot) + " names an impossible WAL region (offset " + std::to_string(h.wal_offset) +
                     ", size " + std::to_string(h.wal_size) + ")";
    return c;
  }
  c.data_start = h.wal_offset + h.wal_size;
  if (h.footer_offset < c.data_start || h.footer_offset > size || size - h.footer_offset < format::Footer::kEncodedSize) {
    c.footer_error = copy_label(slot) + " names footer offset " + std::to_string(h.footer_offset) + " outside the " +
                     std::to_string(size) + "-byte file's data region (truncated?)";
    return c;
  }
  try {
    auto bytes = io::read_bytes(file, h.footer_offset, format::Footer::kEncodedSize, "footer");
    auto footer = format::Footer::decode(bytes);
    if (!footer) {
      c.footer_error = "footer" + at(h.footer_offset) + " fails its magic or checksum";
      return c;
    }
    if (footer->generation != h.generation || footer->toc_length > h.footer_offset - c.data_start ||
        footer->toc_offset != h.footer_offset - footer->toc_length) {
      c.footer_error = "footer" + at(h.footer_offset) + " disagrees with " + copy_label(slot) +
                       " (generation " + std::to_string(footer->generation) + " vs " + std::to_string(h.generation) +
                       ", or the TOC does not end where the footer starts)";
      return c;
    }
    c.footer = *footer;
    c.footer_ok = true;
  } catch (const Error& e) {
    c.footer_error = e.what();
  }
  return c;
}

// The TOC stage: the manifest, every TOC segment and the index section. Record positions,
// statuses and kinds are judged by the callers (verify reports them as separate checks).
void load_toc(File& file, CommitView& c, std::uint64_t size, const std::string& path) {
  c.toc_read = true;
  const std::uint64_t toc_at = c.footer.toc_offset;
  try {
    auto toc = io::read_bytes(file, toc_at, c.footer.toc_length, "TOC");
    if (format::checksum16(toc) != c.footer.toc_hash)
      throw Error(ErrorCode::Corrupt, "TOC" + at(toc_at) + " fails its BLAKE3 check against the footer's hash");
    c.manifest = format::Manifest::decode(toc, toc_at, size);
    if (c.manifest.generation != c.header.generation)
      throw Error(ErrorCode::InvalidToc, "TOC" + at(toc_at) + " has generation " +
                                             std::to_string(c.manifest.generation) + ", the footer " +
                                             std::to_string(c.header.generation));
    std::uint64_t listed = 0, bytes_listed = 0;
    for (const auto& s : c.manifest.segments) {
      listed += s.entry_count;
      bytes_listed += s.length;
    }
    // Live segments never overlap, so together they fit the data region; without this a
    // hostile TOC could name the same huge range 4096 times and make us read it each time.
    if (bytes_listed > toc_at - std::min(toc_at, c.data_start))
      throw Error(ErrorCode::InvalidToc, "TOC" + at(toc_at) + " lists " + std::to_string(bytes_listed) +
                                             " bytes of TOC segments, more than the data region before it holds");
    const std::uint64_t frames = c.manifest.next_frame_id;
    // Checked before the entry table is allocated: each listed entry takes at least 6 bytes
    // of a segment that lies inside the file.
    if (frames > listed)
      throw Error(ErrorCode::InvalidToc, "TOC" + at(toc_at) + " claims " + std::to_string(frames) +
                                             " frames but its segments list only " + std::to_string(listed) + " entries");
    std::vector<TocEntry> entries(frames);
    std::vector<bool> seen(frames, false);
    c.segments.assign(c.manifest.segments.size(), {});
    c.listed_entries = 0;
    for (std::size_t i = 0; i < c.manifest.segments.size(); ++i) {
      const format::SegmentRef& ref = c.manifest.segments[i];
      auto bytes = io::read_bytes(file, ref.offset, ref.length, "TOC segment");
      if (!std::equal(ref.checksum.begin(), ref.checksum.end(), bytes.end() - 16))
        throw Error(ErrorCode::Corrupt, "TOC segment " + std::to_string(i) + at(ref.offset) +
                                            " is not the one the TOC names (checksum differs)");
      CommitView::SegmentInfo& info = c.segments[i];
      format::decode_toc_segment(bytes, ref.offset, [&](const TocEntry& e) {
        if (e.frame_id >= frames)
          throw Error(ErrorCode::InvalidToc, "TOC segment " + std::to_string(i) + at(ref.offset) + " names frame " +
                                                 std::to_string(e.frame_id) + ", beyond the frame count " +
                                                 std::to_string(frames));
        if (info.entries == 0) info.min_id = e.frame_id;
        info.max_id = e.frame_id;
        ++info.entries;
        entries[e.frame_id] = e;
        seen[e.frame_id] = true;
      });
      if (info.entries != ref.entry_count)
        throw Error(ErrorCode::InvalidToc, "TOC segment " + std::to_string(i) + at(ref.offset) + " holds " +
                                               std::to_string(info.entries) + " entries, the TOC says " +
                                               std::to_string(ref.entry_count));
      c.listed_entries += info.entries;
    }
    const auto missing = std::find(seen.begin(), seen.end(), false);
    if (missing != seen.end()) {
      const auto n = std::count(seen.begin(), seen.end(), false);
      throw Error(ErrorCode::InvalidToc, "frame " + std::to_string(missing - seen.begin()) + " has no TOC entry" +
                                             (n > 1 ? " (" + std::to_string(n) + " frames have none)" : ""));
    }
    c.entries = std::move(entries);
    c.toc_ok = true;
  } catch (const Error& e) {
    c.toc_error = e.what();
    c.entries.clear();
    return;
  }
  if (c.manifest.extension.empty()) return;
  c.has_index = true;
  try {
    c.index = index::IndexManifest::decode(c.manifest.extension, toc_at, c.manifest.next_frame_id, path);
    std::uint64_t part_bytes = 0;
    for (const index::IndexSegmentRef& r : c.index.segments)
      for (const index::PartRef& p : r.parts) part_bytes += p.length;
    // As for TOC segments: parts never overlap, and every check reads each of them.
    if (part_bytes > toc_at - std::min(toc_at, c.data_start))
      throw Error(ErrorCode::InvalidToc, path + ": index section: its parts claim " + std::to_string(part_bytes) +
                                             " bytes, more than the data region before the TOC holds");
    c.index_ok = true;
  } catch (const Error& e) {
    c.index_error = e.what();
  }
}

struct ChainRecord {
  std::uint64_t offset = 0;
  format::WalRecordView view{};
};

// Looks for records of this epoch after the first one that fails: a record with the salt
// and a later sequence number that chains from the checksum stored in the record just
// before it. A torn tail has none (the writer appends in order and stops); damage in the
// middle leaves the rest of the chain intact behind it.
void find_chain_break(std::span<const std::uint8_t> ring, WalScan& w) {
  w.break_checked = true;
  const std::uint64_t from = w.chain_bytes;
  const std::uint64_t expected_seq = w.chain_records + 1;
  if (ring.size() < format::kWalRecordHeaderSize || from > ring.size() - format::kWalRecordHeaderSize) return;
  struct Candidate {
    std::uint64_t offset, seq;
  };
  std::vector<Candidate> candidates;
  const std::uint64_t max_seq = expected_seq + ring.size() / format::kWalRecordHeaderSize;
  for (std::uint64_t p = from + 8; p + format::kWalRecordHeaderSize <= ring.size(); p += 8) {
    if (format::load_u64(ring.data() + p) != w.salt) continue;
    const std::uint64_t seq = format::load_u64(ring.data() + p + 8);
    // A record of this epoch numbered at most the expected one, past the break: the tail
    // of a batch whose write or sync failed, which the writer rewound over with a shorter
    // one (records have fixed sizes, so the leftover never starts exactly at the break).
    // What follows it chains validly but was never committed: not damage.
    if (seq >= 1 && seq <= expected_seq) return;
    if (seq > expected_seq && seq <= max_seq) candidates.push_back({p, seq});
  }
  // Predecessors by where the record starting there (whatever its salt) claims to end.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ends;  // (end, start)
  auto add_end = [&](std::uint64_t q) {
    ends.emplace_back(q + format::wal_record_size(format::load_u32(ring.data() + q + 20)), q);
  };
  add_end(from);
  for (const Candidate& c : candidates) add_end(c.offset);
  std::sort(ends.begin(), ends.end());
  // Each chain check hashes a payload: a hostile ring full of salt-like words must not turn
  // this into hours of hashing.
  constexpr std::uint64_t kMaxHashed = 256ull << 20;
  std::uint64_t hashed = 0;
  for (const Candidate& c : candidates) {
    auto [lo, hi] = std::equal_range(ends.begin(), ends.end(), std::pair<std::uint64_t, std::uint64_t>{c.offset, 0},
                                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = lo; it != hi; ++it) {
      const std::uint64_t q = it->second;
      if (q >= c.offset) continue;
      hashed += format::wal_record_size(format::load_u32(ring.data() + c.offset + 20));
      if (hashed > kMaxHashed) return;
      format::WalRecordView view{};
      if (format::read_wal_record(ring.subspan(c.offset), w.salt, c.seq, format::load_u64(ring.data() + q + 24), view)) {
        w.broken_offset = from;
        w.broken = "the record chain breaks at WAL offset " + std::to_string(from) + " (sequence " +
                   std::to_string(expected_seq) + ") but valid records of the same epoch continue at WAL offset " +
                   std::to_string(c.offset) + " (sequence " + std::to_string(c.seq) +
                   "): damage in the middle of the log, not a torn tail; replay stops at the break";
        return;
      }
    }
  }
}

// The store's replay rules (store::Store::replay_wal), recording why it stops.
WalScan scan_wal(File& file, const CommitView& c, std::uint64_t& size, bool look_for_break) {
  WalScan w;
  w.scanned = true;
  w.salt = c.header.wal_salt;
  w.size = c.header.wal_size;
  const std::uint64_t avail = size > c.header.wal_offset ? size - c.header.wal_offset : 0;
  std::vector<std::uint8_t> ring(static_cast<std::size_t>(std::min(w.size, avail)));
  std::size_t got = 0;
  while (got < ring.size()) {
    const std::size_t n = file.read_at(c.header.wal_offset + got, ring.data() + got, ring.size() - got);
    if (n == 0) break;
    got += n;
  }
  ring.resize(got);
  // The file may have grown while the ring was read; a Commit seen here had its frame
  // records written before it, so the size taken now covers them (and the callers read
  // those records with it).
  size = std::max(size, file.size());

  std::vector<ChainRecord> chain;
  {
    std::uint64_t used = 0, prev = w.salt;
    format::WalRecordView view{};
    while (format::read_wal_record(std::span<const std::uint8_t>(ring).subspan(used), w.salt, chain.size() + 1, prev,
                                   view)) {
      chain.push_back({used, view});
      used += view.size;
      prev = view.chain;
    }
    w.chain_bytes = used;
    w.chain_records = chain.size();
  }

  std::uint64_t data_end = c.footer_end();
  std::uint64_t next_id = c.entries.size();
  std::uint64_t pending_next = next_id;
  std::vector<TocEntry> pending;
  std::optional<std::string> problem;  // the open transaction fails, if it commits
  std::uint64_t problem_offset = 0, txn_begin = 0;
  std::size_t applied_records = 0;
  auto fail = [&](std::uint64_t offset, std::string why) {
    if (!problem) {
      problem = std::move(why);
      problem_offset = offset;
    }
  };
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const ChainRecord& r = chain[i];
    const std::string where = " at WAL offset " + std::to_string(r.offset);
    if (pending.empty() && !problem) txn_begin = r.offset;
    if (r.view.type == format::WalRecordType::Entry) {
      if (problem) continue;  // only its Commit matters now
      if (r.view.payload.size() != TocEntry::kEncodedSize) {
        fail(r.offset, "entry record" + where + " has a " + std::to_string(r.view.payload.size()) + "-byte payload");
        continue;
      }
      TocEntry e = TocEntry::decode_from(r.view.payload.data());
      if (!is_known_status(e.status) ||
          !is_known_kind(e.kind) || e.frame_id > pending_next) {
        fail(r.offset, "entry record" + where + " names frame " + std::to_string(e.frame_id) +
                           " with an impossible id, status or kind");
        continue;
      }
      if (e.frame_id == pending_next) {
        if (e.record_offset < data_end || e.record_offset > size || e.record_length > size - e.record_offset) {
          fail(r.offset, "entry record" + where + " puts new frame " + std::to_string(e.frame_id) +
                             "'s record at file offset " + std::to_string(e.record_offset) +
                             ", outside the data written after the previous commit");
          continue;
        }
        try {
          auto bytes = io::read_bytes(file, e.record_offset, e.record_length, "frame record");
          const format::FrameRecord rec = format::decode_frame_record(bytes, e.record_offset);
          if (rec.frame_id != e.frame_id)
            throw Error(ErrorCode::Corrupt, "the record" + at(e.record_offset) + " holds frame " +
                                                std::to_string(rec.frame_id));
        } catch (const Error& err) {
          fail(r.offset, "new frame " + std::to_string(e.frame_id) + " (entry record" + where + "): " + err.what());
          continue;
        }
        ++pending_next;
      } else if (record_removed(e) ? e.status == static_cast<std::uint8_t>(FrameStatus::Active)
                                   : (e.record_offset < format::kWalOffset || e.record_offset > size ||
                                      e.record_length > size - e.record_offset)) {
        fail(r.offset, "entry record" + where + " gives frame " + std::to_string(e.frame_id) +
                           " a record outside the file, or makes a frame without a record active");
        continue;
      }
      pending.push_back(e);
      continue;
    }
    // A Commit record.
    if (!problem) {
      if (r.view.payload.size() != 16) {
        fail(r.offset, "commit record" + where + " has a " + std::to_string(r.view.payload.size()) + "-byte payload");
      } else {
        const std::uint64_t commit_end = format::load_u64(r.view.payload.data());
        const std::uint64_t commit_next = format::load_u64(r.view.payload.data() + 8);
        if (commit_next != pending_next || commit_end < data_end || commit_end > size) {
          fail(r.offset, "commit record" + where + " (data end " + std::to_string(commit_end) + ", next frame " +
                             std::to_string(commit_next) + ") disagrees with its entries or the " +
                             std::to_string(size) + "-byte file");
        } else if (!std::all_of(pending.begin(), pending.end(), [&](const TocEntry& e) {
                     return e.frame_id < next_id || e.record_offset + e.record_length <= commit_end;
                   })) {
          fail(r.offset, "commit record" + where + " ends the data before its frames' records");
        }
      }
    }
    if (problem) {
      w.rejected = "the committed transaction at WAL offset " + std::to_string(txn_begin) + " does not check out: " +
                   *problem;
      w.rejected_offset = problem_offset;
      break;
    }
    const std::uint64_t commit_end = format::load_u64(r.view.payload.data());
    WalTransaction t;
    t.begin = txn_begin;
    t.end = r.offset + r.view.size;
    t.data_end = commit_end;
    t.first_new = next_id;
    t.new_frames = pending_next - next_id;
    t.entries = pending.size();
    w.applied.push_back(t);
    w.changes.insert(w.changes.end(), pending.begin(), pending.end());
    pending.clear();
    next_id = pending_next;
    data_end = commit_end;
    w.applied_bytes = t.end;
    applied_records = i + 1;
  }
  w.tail_records = chain.size() - applied_records;
  w.data_end = data_end;
  w.next_frame = next_id;
  if (look_for_break && !w.rejected) find_chain_break(ring, w);
  return w;
}

CommittedState read_once(File& file, const std::string& path) {
  CommittedState s;
  s.path = path;
  s.file_size = file.size();
  const std::uint64_t page_len = std::min<std::uint64_t>(s.file_size, format::kHeaderPageSize);
  s.page = io::read_bytes(file, 0, static_cast<std::size_t>(page_len), "header page");
  // A live writer writes the footer before the header that names it: measured after the
  // header page was read, the size includes any footer that page names (measured before, a
  // commit landing in between looked like a header naming a footer past the end).
  s.file_size = std::max(s.file_size, file.size());
  if (s.file_size < format::kHeaderPageSize) return s;  // the store refuses such a file outright
  for (int slot = 0; slot < 2; ++slot) {
    auto bytes = std::span<const std::uint8_t>(s.page).subspan(format::kHeaderSlotOffset[slot], format::kHeaderSize);
    s.copy_magic[slot] = std::memcmp(bytes.data(), "MV2HEAD", 8) == 0;
    s.copy_checksum_ok[slot] = format::checksum_matches(bytes.first(format::kHeaderSize - 16),
                                                        bytes.data() + format::kHeaderSize - 16);
    s.copies[slot] = format::Header::decode(bytes);
  }
  for (int slot = 0; slot < 2; ++slot)
    if (s.copies[slot]) s.commits.push_back(load_footer(file, *s.copies[slot], slot, s.file_size));
  std::stable_sort(s.commits.begin(), s.commits.end(),
                   [](const CommitView& a, const CommitView& b) { return a.header.sequence > b.header.sequence; });
  for (std::size_t i = 0; i < s.commits.size(); ++i) {
    CommitView& c = s.commits[i];
    if (!c.footer_ok) continue;
    load_toc(file, c, s.file_size, path);
    if (c.toc_ok) {
      s.used = static_cast<int>(i);
      break;
    }
  }
  const CommitView* u = s.used_commit();
  if (!u) return s;
  // Only the newest epoch can be told apart from a newer one that overwrote it: with a
  // damaged copy or a fallback, records past the chain may belong to a lost later epoch.
  const bool newest_epoch = s.used == 0 && s.copies[0] && s.copies[1];
  s.wal = scan_wal(file, *u, s.file_size, newest_epoch);
  s.view = u->entries;
  for (const TocEntry& e : s.wal.changes) {
    if (e.frame_id == s.view.size()) s.view.push_back(e);
    else if (e.frame_id < s.view.size()) s.view[e.frame_id] = e;
  }
  s.committed_end = s.wal.data_end;
  return s;
}

}  // namespace

CommittedState read_committed_state(File& file, const std::string& path, Env& env) {
  // As in store::Store::load: a checkpoint may flip the header and start a new WAL epoch
  // while we read. Header flips precede every write of the new epoch, so unchanged header
  // copies after the scan prove the scan saw one intact state. A chain break may also be a
  // live writer's append seen half-way: read again before believing it.
  constexpr int kMaxAttempts = 100, kMaxBreakRereads = 5;
  constexpr std::size_t kCompared = format::kHeaderSlotOffset[1] + format::kHeaderSize;
  int rereads = 0;
  for (int attempt = 1;; ++attempt) {
    CommittedState s = read_once(file, path);
    s.attempts = attempt;
    if (attempt == kMaxAttempts || s.page.size() < kCompared) return s;
    auto now = io::read_bytes(file, 0, kCompared, "header page");
    if (!std::equal(now.begin(), now.end(), s.page.begin())) continue;
    if (s.wal.broken && rereads++ < kMaxBreakRereads) {
      env.sleep_ms(2);
      continue;
    }
    return s;
  }
}

std::string hex(const std::uint8_t* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

}  // namespace memvid::integrity
