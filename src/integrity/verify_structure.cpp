#include "integrity/verify_structure.hpp"

#include <algorithm>

#include "format/layout.hpp"
#include "format/owner_record.hpp"
#include "index/part_checks.hpp"
#include "index/part_registry.hpp"
#include "io/read_exact.hpp"
#include "memvid/types.hpp"

namespace memvid::integrity {

namespace {

using namespace index::checks;
using format::TocEntry;

constexpr auto kActive = static_cast<std::uint8_t>(FrameStatus::Active);
constexpr auto kDeleted = static_cast<std::uint8_t>(FrameStatus::Deleted);
constexpr auto kSuperseded = static_cast<std::uint8_t>(FrameStatus::Superseded);

}  // namespace

StructureChecks::StructureChecks(const CommittedState& state, const std::string& read_error, File& file, Env& env)
    : st_(state), read_error_(read_error), file_(file), env_(env) {
  u_ = st_.used_commit();
  if (u_ && u_->index_ok) idx_ = &u_->index;
}

std::string StructureChecks::toc_skip_reason() const {
  if (u_) return "";
  if (st_.commits.empty()) return "no valid header copy";
  return "TOC unreadable";
}

std::string StructureChecks::index_skip_reason() const {
  if (!u_) return toc_skip_reason();
  if (!u_->has_index) return "the TOC has no index section (a file from before indexes)";
  if (!u_->index_ok) return "index section unreadable";
  return "";
}

CheckResult StructureChecks::header_checksum() const {
  if (!read_error_.empty()) return failed(read_error_);
  if (st_.file_size < format::kHeaderPageSize)
    return failed("the file is " + num(st_.file_size) +
                  " bytes, smaller than the 4096-byte header page: not a memvid file");
  auto describe = [&](int slot) {
    const std::string name = std::string("copy ") + kCopyName[slot] + " (offset " +
                             num(format::kHeaderSlotOffset[slot]) + ")";
    if (st_.copies[slot]) return name + " valid, sequence " + num(st_.copies[slot]->sequence);
    if (!st_.copy_magic[slot]) return name + " has no header magic";
    return name + (st_.copy_checksum_ok[slot] ? " has an unknown format version or header size" : " fails its checksum");
  };
  const std::string both = describe(0) + "; " + describe(1);
  if (!st_.copies[0] && !st_.copies[1]) {
    if (!st_.copy_magic[0] && !st_.copy_magic[1]) return failed(both + ": not a memvid file");
    return failed(both + ": no header copy names a commit");
  }
  std::string used;
  if (const CommitView* u = u_)
    used = "; in use: copy " + std::string(1, kCopyName[u->slot]) + " (sequence " + num(u->header.sequence) +
           ", generation " + num(u->header.generation) + ")";
  else
    used = "; no copy names a readable commit";
  if (st_.copies[0] && st_.copies[1]) return passed(both + used);
  return failed(both + used);
}

CheckResult StructureChecks::footer_checksum() const {
  const CommitView* n = st_.newest_commit();
  if (!n) return skipped("no valid header copy");
  const std::string who = std::string("copy ") + kCopyName[n->slot] + " (sequence " + num(n->header.sequence) + ")";
  if (n->footer_ok)
    return passed("footer at offset " + num(n->header.footer_offset) + " named by " + who + ": generation " +
                  num(n->footer.generation) + ", TOC at offset " + num(n->footer.toc_offset) + " (" +
                  num(n->footer.toc_length) + " bytes)");
  std::string d = who + " names a bad footer: " + n->footer_error;
  if (st_.commits.size() > 1) {
    const CommitView& o = st_.commits[1];
    const std::string other = std::string("copy ") + kCopyName[o.slot] + "'s footer at offset " +
                              num(o.header.footer_offset);
    if (o.footer_ok)
      d += "; " + other + " (generation " + num(o.header.generation) +
           ") is good: a writer falls back to that previous commit";
    else
      d += "; " + other + " is damaged too: " + o.footer_error;
  } else {
    d += "; there is no other valid header copy to fall back to";
  }
  return failed(d);
}

CheckResult StructureChecks::toc_decode() const {
  const CommitView* n = st_.newest_commit();
  if (!n) return skipped("no valid header copy");
  Problems p;
  if (!u_) {
    bool any_read = false;
    for (const CommitView& c : st_.commits)
      if (c.toc_read) {
        any_read = true;
        p.add(std::string("copy ") + kCopyName[c.slot] + "'s TOC: " + c.toc_error);
      }
    if (!any_read) return skipped("no readable footer");
    return failed(p.summary() + "; no commit loads");
  }
  if (n->toc_read && !n->toc_ok)
    p.add("the newest commit's TOC (copy " + std::string(1, kCopyName[n->slot]) + "): " + n->toc_error +
          "; a writer falls back to copy " + std::string(1, kCopyName[u_->slot]) + "'s commit (generation " +
          num(u_->header.generation) + "), which the other checks examine");
  if (u_->has_index && !u_->index_ok) p.add(u_->index_error);
  if (p.any()) return failed(p.summary());
  std::string d = "TOC at offset " + num(u_->footer.toc_offset) + " (" + num(u_->footer.toc_length) +
                  " bytes, generation " + num(u_->manifest.generation) + "): " +
                  num(u_->manifest.segments.size()) + " TOC segments, " + num(u_->entries.size()) + " frames";
  if (idx_)
    d += "; index section: " + num(idx_->segments.size()) + " index segments covering frames " +
         range(0, idx_->indexed_frames);
  else
    d += "; no index section";
  if (u_ != n) d += " (the previous commit: the newest footer is damaged)";
  return passed(d);
}

CheckResult StructureChecks::segment_bounds() const {
  if (!u_) return skipped(toc_skip_reason());
  struct Span {
    std::uint64_t begin, end;
    std::string what;
  };
  const std::uint64_t lo = u_->data_start, hi = u_->footer.toc_offset;
  Problems p;
  std::vector<Span> spans;
  std::uint64_t parts = 0, records = 0;
  auto add = [&](std::uint64_t off, std::uint64_t len, std::string what, std::uint64_t from, std::uint64_t to) {
    const std::string label = what + " " + range(off, off + len);
    if (off < from || off > to || len > to - off) {
      p.add(label + " lies outside " + range(from, to));
      return;
    }
    if (len > 0) spans.push_back({off, off + len, label});
  };
  for (std::size_t i = 0; i < u_->manifest.segments.size(); ++i)
    add(u_->manifest.segments[i].offset, u_->manifest.segments[i].length, "TOC segment " + num(i), lo, hi);
  if (idx_) {
    for (std::size_t i = 0; i < idx_->segments.size(); ++i)
      for (const index::PartRef& part : idx_->segments[i].parts) {
        const index::PartKind* kind = index::find_part_kind(part.tag);
        add(part.offset, part.length,
            std::string(kind ? kind->name() : index::tag_name(part.tag).c_str()) + " part of index segment " + num(i), lo, hi);
        ++parts;
      }
  }
  const std::uint64_t toc_frames = u_->entries.size();
  for (const TocEntry& e : st_.view) {
    if (record_removed(e)) continue;
    ++records;
    if (e.record_length < format::kFrameRecordHeaderSize + 16) {
      p.add("frame " + num(e.frame_id) + "'s record is " + num(e.record_length) +
            " bytes, too short for a record's header and checksum");
      continue;
    }
    // A frame committed through the WAL lies after the committed footer.
    const std::string what = "record of frame " + num(e.frame_id);
    if (e.frame_id < toc_frames)
      add(e.record_offset, e.record_length, what, lo, hi);
    else
      add(e.record_offset, e.record_length, what, u_->footer_end(), st_.committed_end);
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  const Span* reach = nullptr;  // the span reaching furthest so far
  for (const Span& s : spans) {
    if (reach && s.begin < reach->end) p.add(s.what + " overlaps " + reach->what);
    if (!reach || s.end > reach->end) reach = &s;
  }
  if (p.any()) return failed(p.summary());
  return passed(num(u_->manifest.segments.size()) + " TOC segments, " + num(parts) + " index parts and " +
                num(records) + " frame records lie between the WAL end (" + num(lo) + ") and the TOC (" + num(hi) +
                ") without overlapping");
}

CheckResult StructureChecks::frame_count_consistency() const {
  if (!u_) return skipped(toc_skip_reason());
  Problems p;
  const std::uint64_t frames = st_.view.size();
  std::uint64_t by_status[3] = {0, 0, 0}, removed = 0;
  for (const TocEntry& e : st_.view) {
    const std::string f = "frame " + num(e.frame_id);
    if (!is_known_status(e.status)) {
      p.add(f + " has unknown status " + num(e.status));
      continue;
    }
    ++by_status[e.status];
    if (!is_known_kind(e.kind)) p.add(f + " has unknown kind " + num(e.kind));
    if (record_removed(e)) {
      ++removed;
      if (e.status == kActive) p.add(f + " is active but has no record");
      if (e.payload_length != 0) p.add(f + "'s record was removed but its entry keeps a payload length");
    }
    if (e.superseded_by != format::kNoFrame) {
      if (e.superseded_by <= e.frame_id || e.superseded_by >= frames)
        p.add(f + " is superseded by frame " + num(e.superseded_by) + ", which is not a later frame of the " +
              num(frames));
      if (e.status == kActive) p.add(f + " is active yet names frame " + num(e.superseded_by) + " as its successor");
    } else if (e.status == kSuperseded) {
      p.add(f + " is superseded but names no successor");
    }
  }
  if (p.any()) return failed(p.summary());
  const std::uint64_t toc_frames = u_->entries.size();
  std::string d = num(frames) + " frames";
  if (frames > toc_frames) d += " (" + num(toc_frames) + " in the TOC, " + num(frames - toc_frames) + " from the WAL)";
  d += ": " + num(by_status[kActive]) + " active, " + num(by_status[kDeleted]) + " deleted, " +
       num(by_status[kSuperseded]) + " superseded";
  if (removed > 0) d += " (" + num(removed) + " records removed by a vacuum)";
  d += "; TOC segments hold " + num(u_->listed_entries) + " entries for " + num(toc_frames) + " frames";
  return passed(d);
}

CheckResult StructureChecks::wal_pending_records() const {
  if (!u_) return skipped(toc_skip_reason() + ": the WAL epoch is unknown");
  const WalScan& w = st_.wal;
  if (w.rejected)
    return failed(*w.rejected + "; replay stops there, dropping it and " + num(w.tail_records) +
                  " chained records after the last good commit");
  if (w.broken) return failed(*w.broken);
  std::uint64_t new_frames = 0, entries = 0;
  for (const WalTransaction& t : w.applied) {
    new_frames += t.new_frames;
    entries += t.entries;
  }
  std::string d = num(w.applied.size()) + " committed transactions pending replay (" + num(new_frames) +
                  " new frames, " + num(entries - new_frames) + " status changes), " + num(w.applied_bytes) + " of " +
                  num(w.size) + " WAL bytes used";
  if (w.tail_records > 0)
    d += "; " + num(w.tail_records) + " records of an unfinished transaction follow (a torn tail, ignored)";
  if (!w.break_checked) d += "; an older epoch (a header copy is damaged or newer): records past its chain not examined";
  return passed(d);
}

CheckResult StructureChecks::owner_record() const {
  if (st_.file_size < format::kHeaderPageSize) return skipped("no header page");
  // A live writer rewrites the record at checkpoints, and a read racing that write may see
  // half of it: only a record that fails the same way twice is damaged.
  std::vector<std::uint8_t> prev;
  for (int attempt = 0;; ++attempt) {
    auto bytes = io::read_bytes(file_, format::kOwnerRecordOffset, format::kOwnerRecordSize, "owner record");
    if (std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; }))
      return passed("no owner recorded (the last writer closed cleanly)");
    if (auto owner = format::OwnerRecord::decode(bytes)) {
      const bool alive = file_.is_locked_elsewhere(format::kWriterLockByte, LockKind::Exclusive);
      return passed("writer pid " + std::to_string(owner->pid) + " on " +
                    (owner->host.empty() ? std::string("an unnamed host") : owner->host) +
                    (alive ? ", holding the writer lock" : ", writer lock free: it crashed (a stale record)"));
    }
    if (bytes == prev || attempt >= 4)
      return failed("the owner record at offset 1024 is not zero and fails its checksum");
    prev = std::move(bytes);
    env_.sleep_ms(2);
  }
}


}  // namespace memvid::integrity
