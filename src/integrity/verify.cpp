// verify_file (Memvid::verify): read-only integrity checks. It opens the file without a lock, never writes,
// and reads the committed state the way an open would (integrity/committed_state.hpp), so it
// can run beside a live writer. Every structure is parsed by the decoder the library itself
// uses; a decoder's Corrupt / InvalidToc becomes a Failed check carrying its message.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <optional>

#include "format/frame_record.hpp"
#include "format/layout.hpp"
#include "format/owner_record.hpp"
#include "index/lex_segment.hpp"
#include "index/passages.hpp"
#include "index/search_index.hpp"
#include "index/time_segment.hpp"
#include "index/vec_segment.hpp"
#include "index/vector_index.hpp"
#include "integrity/committed_state.hpp"
#include "integrity/memory_evidence.hpp"
#include "io/read_exact.hpp"
#include "integrity/verify.hpp"

namespace memvid {

namespace integrity {
namespace {

using format::TocEntry;

constexpr auto kActive = static_cast<std::uint8_t>(FrameStatus::Active);
constexpr auto kDeleted = static_cast<std::uint8_t>(FrameStatus::Deleted);
constexpr auto kSuperseded = static_cast<std::uint8_t>(FrameStatus::Superseded);

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string range(std::uint64_t a, std::uint64_t b) { return "[" + num(a) + ", " + num(b) + ")"; }

// The first few problems of a check, and how many there were: a detail stays one readable
// line however damaged the file is.
class Problems {
 public:
  void add(std::string what) {
    if (shown_.size() < kShown) shown_.push_back(std::move(what));
    ++count_;
  }
  bool any() const { return count_ > 0; }
  std::uint64_t count() const { return count_; }
  std::string summary() const {
    std::string out;
    for (const std::string& s : shown_) out += (out.empty() ? "" : "; ") + s;
    if (count_ > shown_.size()) out += " (and " + num(count_ - shown_.size()) + " more)";
    return out;
  }

 private:
  static constexpr std::size_t kShown = 5;
  std::vector<std::string> shown_;
  std::uint64_t count_ = 0;
};

struct Outcome {
  CheckStatus status;
  std::string detail;
};
Outcome passed(std::string d) { return {CheckStatus::Passed, std::move(d)}; }
Outcome failed(std::string d) { return {CheckStatus::Failed, std::move(d)}; }
Outcome skipped(std::string d) { return {CheckStatus::Skipped, std::move(d)}; }

// An index part held in memory, so the decoders read it without a pread per structure.
class BufferSource final : public index::ByteSource {
 public:
  explicit BufferSource(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t length) const override {
    if (offset > bytes_.size() || length > bytes_.size() - offset)
      throw Error(ErrorCode::Corrupt, "read of " + num(length) + " bytes at part offset " + num(offset) +
                                          " runs past the part's " + num(bytes_.size()) + " bytes");
    return {bytes_.begin() + static_cast<std::ptrdiff_t>(offset),
            bytes_.begin() + static_cast<std::ptrdiff_t>(offset + length)};
  }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

// What the deep pass learned about each frame's record.
struct RecordFacts {
  enum State : std::uint8_t { kUnread, kGood, kDamaged };
  State state = kUnread;
  std::uint8_t kind = 0;  // as the record says
  bool has_vector = false;
  std::uint32_t chunks = 0;  // index documents its text makes (0 for kinds not indexed)
};

class Verifier {
 public:
  Verifier(File& file, Env& env, const std::string& path, bool deep, VerifyReport& report)
      : file_(file), env_(env), path_(path), deep_(deep), report_(report) {}

  void run() {
    try {
      st_ = read_committed_state(file_, path_, env_);
    } catch (const std::exception& e) {
      // An I/O error under the header page or the WAL (or no memory for the TOC's entry
      // table): nothing can be judged.
      st_ = CommittedState{};
      read_error_ = std::string("cannot read the committed state: ") + e.what();
    }
    report_.file_bytes = st_.file_size;
    report_.frames = st_.view.size();
    u_ = st_.used_commit();
    if (u_ && u_->index_ok) idx_ = &u_->index;
    check("HeaderChecksum", [&] { return header_checksum(); });
    check("FooterChecksum", [&] { return footer_checksum(); });
    check("TocDecode", [&] { return toc_decode(); });
    check("SegmentBounds", [&] { return segment_bounds(); });
    check("FrameCountConsistency", [&] { return frame_count_consistency(); });
    check("TimeIndexRead", [&] { return time_index_read(); });
    check("TimeIndexEntryCount", [&] { return time_index_entry_count(); });
    check("TimeIndexSortOrder", [&] { return time_index_sort_order(); });
    check("LexIndexDecode", [&] { return lex_index_decode(); });
    check("VecIndexDecode", [&] { return vec_index_decode(); });
    check("WalPendingRecords", [&] { return wal_pending_records(); });
    check("OwnerRecord", [&] { return owner_record(); });
    check("FramePayloadChecksums", [&] { return frame_payload_checksums(); });
    check("LexIndexCoverage", [&] { return lex_index_coverage(); });
    check("VecIndexCoverage", [&] { return vec_index_coverage(); });
    report_.ok = std::none_of(report_.checks.begin(), report_.checks.end(),
                              [](const CheckResult& c) { return c.status == CheckStatus::Failed; });
  }

 private:
  void check(const char* name, const std::function<Outcome()>& fn) {
    Outcome o;
    try {
      o = fn();
    } catch (const Error& e) {
      o = failed(e.what());
    } catch (const std::bad_alloc&) {
      o = failed("out of memory while checking");
    } catch (const std::exception& e) {
      o = failed(std::string("unexpected error: ") + e.what());
    }
    report_.checks.push_back({name, o.status, std::move(o.detail)});
  }

  // Why checks that need the committed TOC cannot run, or "" when they can.
  std::string toc_skip_reason() const {
    if (u_) return "";
    if (st_.commits.empty()) return "no valid header copy";
    return "TOC unreadable";
  }
  std::string index_skip_reason() const {
    if (!u_) return toc_skip_reason();
    if (!u_->has_index) return "the TOC has no index section (a file from before indexes)";
    if (!u_->index_ok) return "index section unreadable";
    return "";
  }
  std::string segment_name(std::size_t i) const {
    const index::IndexSegmentRef& r = idx_->segments[i];
    return "index segment " + num(i) + " (frames " + range(r.first_frame, r.end_frame) + ")";
  }
  // The index segment covering frame id (id < indexed_frames).
  std::size_t segment_of(std::uint64_t id) const {
    const auto& segs = idx_->segments;
    auto it = std::upper_bound(segs.begin(), segs.end(), id,
                               [](std::uint64_t v, const index::IndexSegmentRef& r) { return v < r.first_frame; });
    return static_cast<std::size_t>(it - segs.begin()) - 1;
  }

  // ---------------------------------------------------------------------------------------
  Outcome header_checksum() const {
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

  Outcome footer_checksum() const {
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

  Outcome toc_decode() const {
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

  Outcome segment_bounds() const {
    if (!u_) return skipped(toc_skip_reason());
    enum Kind : std::uint8_t { kToc, kLex, kTime, kVec, kRecord };
    struct Span {
      std::uint64_t begin, end, index;
      Kind kind;
    };
    auto label = [&](const Span& s) {
      static constexpr const char* kNames[] = {"TOC segment ", "lexical part of index segment ",
                                               "time part of index segment ", "vector part of index segment ",
                                               "record of frame "};
      return kNames[s.kind] + num(s.index) + " " + range(s.begin, s.end);
    };
    const std::uint64_t lo = u_->data_start, hi = u_->footer.toc_offset;
    Problems p;
    std::vector<Span> spans;
    std::uint64_t parts = 0, records = 0;
    auto add = [&](std::uint64_t off, std::uint64_t len, std::uint64_t index, Kind kind, std::uint64_t from,
                   std::uint64_t to) {
      const Span s{off, off + len, index, kind};
      if (off < from || off > to || len > to - off) {
        p.add(label(s) + " lies outside " + range(from, to));
        return;
      }
      if (len > 0) spans.push_back(s);
    };
    for (std::size_t i = 0; i < u_->manifest.segments.size(); ++i)
      add(u_->manifest.segments[i].offset, u_->manifest.segments[i].length, i, kToc, lo, hi);
    if (idx_) {
      for (std::size_t i = 0; i < idx_->segments.size(); ++i) {
        const index::IndexSegmentRef& r = idx_->segments[i];
        add(r.lex_offset, r.lex_length, i, kLex, lo, hi);
        add(r.time_offset, r.time_length, i, kTime, lo, hi);
        if (r.vec_length > 0) add(r.vec_offset, r.vec_length, i, kVec, lo, hi);
        parts += r.vec_length > 0 ? 3 : 2;
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
      if (e.frame_id < toc_frames)
        add(e.record_offset, e.record_length, e.frame_id, kRecord, lo, hi);
      else
        add(e.record_offset, e.record_length, e.frame_id, kRecord, u_->footer_end(), st_.committed_end);
    }
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
    const Span* reach = nullptr;  // the span reaching furthest so far
    for (const Span& s : spans) {
      if (reach && s.begin < reach->end) p.add(label(s) + " overlaps " + label(*reach));
      if (!reach || s.end > reach->end) reach = &s;
    }
    if (p.any()) return failed(p.summary());
    return passed(num(u_->manifest.segments.size()) + " TOC segments, " + num(parts) + " index parts and " +
                  num(records) + " frame records lie between the WAL end (" + num(lo) + ") and the TOC (" + num(hi) +
                  ") without overlapping");
  }

  Outcome frame_count_consistency() const {
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

  // ---------------------------------------------------------------------------------------
  // Time index

  Outcome time_index_read() {
    if (auto why = index_skip_reason(); !why.empty()) return skipped(why);
    time_.assign(idx_->segments.size(), std::nullopt);
    Problems p;
    std::uint64_t entries = 0;
    for (std::size_t i = 0; i < idx_->segments.size(); ++i) {
      const index::IndexSegmentRef& r = idx_->segments[i];
      try {
        auto bytes = io::read_bytes(file_, r.time_offset, r.time_length, "time index part");
        auto decoded = index::decode_time_segment(bytes, r.time_offset, &r.time_checksum);
        if (decoded.size() != r.time_entries)
          throw Error(ErrorCode::Corrupt, "holds " + num(decoded.size()) + " entries, the TOC says " +
                                              num(r.time_entries));
        entries += decoded.size();
        time_[i] = std::move(decoded);
      } catch (const Error& e) {
        p.add("time part of " + segment_name(i) + " at offset " + num(r.time_offset) + ": " + e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(idx_->segments.size()) + " time parts, " + num(entries) +
                  " entries, each matching the checksum the TOC records");
  }

  // Why checks over decoded time parts cannot run, or "".
  std::string time_skip_reason() const {
    if (auto why = index_skip_reason(); !why.empty()) return why;
    if (!time_.empty() && std::none_of(time_.begin(), time_.end(), [](const auto& t) { return t.has_value(); }))
      return "no time part is readable";
    return "";
  }
  std::string unreadable_note(std::size_t unread, const char* what) const {
    return unread == 0 ? "" : " (" + num(unread) + " unreadable " + what + " not checked)";
  }

  Outcome time_index_entry_count() const {
    if (auto why = time_skip_reason(); !why.empty()) return skipped(why);
    Problems p;
    std::size_t unread = 0;
    std::uint64_t frames = 0;
    for (std::size_t i = 0; i < time_.size(); ++i) {
      if (!time_[i]) {
        ++unread;
        continue;
      }
      const index::IndexSegmentRef& r = idx_->segments[i];
      frames += r.frames();
      std::vector<std::uint8_t> seen(r.frames(), 0);
      for (const index::TimeEntry& t : *time_[i]) {
        if (t.frame_id < r.first_frame || t.frame_id >= r.end_frame) {
          p.add("time part of " + segment_name(i) + " names frame " + num(t.frame_id) + ", outside its range");
        } else if (seen[t.frame_id - r.first_frame]) {
          p.add("time part of " + segment_name(i) + " names frame " + num(t.frame_id) + " twice");
        } else {
          seen[t.frame_id - r.first_frame] = 1;
        }
      }
      const auto missing = std::find(seen.begin(), seen.end(), 0);
      if (missing != seen.end())
        p.add("time part of " + segment_name(i) + " has no entry for frame " +
              num(r.first_frame + static_cast<std::uint64_t>(missing - seen.begin())));
    }
    if (p.any()) return failed(p.summary());
    return passed("every time part has exactly one entry per frame of its range (" + num(frames) + " frames)" +
                  unreadable_note(unread, "parts"));
  }

  Outcome time_index_sort_order() const {
    if (!deep_) return skipped("not deep");
    if (auto why = time_skip_reason(); !why.empty()) return skipped(why);
    Problems p;
    std::size_t unread = 0;
    std::uint64_t checked = 0;
    for (std::size_t i = 0; i < time_.size(); ++i) {
      if (!time_[i]) {
        ++unread;
        continue;
      }
      const auto& entries = *time_[i];
      for (std::size_t k = 0; k < entries.size(); ++k) {
        const index::TimeEntry& t = entries[k];
        if (k > 0 && !(entries[k - 1] < t))
          p.add("time part of " + segment_name(i) + " is out of (timestamp, frame) order at entry " + num(k));
        if (t.frame_id < st_.view.size() && st_.view[t.frame_id].timestamp_ms != t.timestamp_ms)
          p.add("time part of " + segment_name(i) + " gives frame " + num(t.frame_id) + " timestamp " +
                std::to_string(t.timestamp_ms) + ", the TOC " + std::to_string(st_.view[t.frame_id].timestamp_ms));
        ++checked;
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " entries sorted by (timestamp, frame id), timestamps equal to the TOC's" +
                  unreadable_note(unread, "parts"));
  }

  // ---------------------------------------------------------------------------------------
  // Lexical index

  Outcome lex_index_decode() {
    if (auto why = index_skip_reason(); !why.empty()) return skipped(why);
    lex_frames_.assign(idx_->segments.size(), std::nullopt);
    Problems p;
    std::uint64_t docs = 0, terms = 0;
    for (std::size_t i = 0; i < idx_->segments.size(); ++i) {
      const index::IndexSegmentRef& r = idx_->segments[i];
      const std::string what = "lexical part of " + segment_name(i) + " at offset " + num(r.lex_offset);
      try {
        auto source = std::make_shared<BufferSource>(io::read_bytes(file_, r.lex_offset, r.lex_length, "lexical part"));
        auto seg = index::LexSegment::open(source, 0, r.lex_length, &r.lex_checksum, what);
        if (seg->doc_count() != r.lex_docs)
          throw Error(ErrorCode::Corrupt, what + " holds " + num(seg->doc_count()) + " documents, the TOC says " +
                                              num(r.lex_docs));
        check_postings(*seg, *source, what);
        docs += seg->doc_count();
        terms += seg->term_count();
        lex_frames_[i] = seg->frames();
      } catch (const Error& e) {
        p.add(e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(idx_->segments.size()) + " lexical parts open with the checksums the TOC records: " + num(docs) +
                  " documents, " + num(terms) + " terms, every dictionary block and posting list intact");
  }

  // What a search would check term by term, for every term: each dictionary block's hash,
  // and each posting list's two parts against the hashes the dictionary holds. The parts of
  // consecutive terms must follow each other.
  void check_postings(const index::LexSegment& seg, const BufferSource& source, const std::string& what) const {
    const std::span<const std::uint8_t> bytes = source.bytes();
    std::uint64_t expect = 0, seen = 0;
    seg.scan("", [&](std::string_view term, const index::TermInfo& t) {
      auto fail = [&](const std::string& why) {
        throw Error(ErrorCode::Corrupt, what + ": term '" + std::string(term.substr(0, 40)) + "': " + why);
      };
      if (t.docs_offset != expect) fail("its postings do not follow the previous term's");
      if (t.positions_offset > bytes.size() || t.positions_length > bytes.size() - t.positions_offset ||
          t.docs_length > t.positions_offset - t.docs_offset)
        fail("its postings lie outside the part");
      if (index::part_hash(bytes.subspan(t.docs_offset, t.docs_length)) != t.docs_hash)
        fail("docs part at part offset " + num(t.docs_offset) + " fails its checksum");
      if (index::part_hash(bytes.subspan(t.positions_offset, t.positions_length)) != t.positions_hash)
        fail("positions part at part offset " + num(t.positions_offset) + " fails its checksum");
      expect = t.positions_offset + t.positions_length;
      ++seen;
      return true;
    });
    if (seen != seg.term_count())
      throw Error(ErrorCode::Corrupt, what + ": the dictionary holds " + num(seen) + " terms, the trailer says " +
                                          num(seg.term_count()));
  }

  // ---------------------------------------------------------------------------------------
  // Vector index

  bool has_semantic_index() const { return idx_ && !idx_->settings.embedding_model.empty(); }

  Outcome vec_index_decode() {
    if (auto why = index_skip_reason(); !why.empty()) return skipped(why);
    vec_.assign(idx_->segments.size(), nullptr);
    vec_ok_.assign(idx_->segments.size(), false);
    const bool any_part = std::any_of(idx_->segments.begin(), idx_->segments.end(),
                                      [](const index::IndexSegmentRef& r) { return r.vec_length > 0; });
    if (!any_part) {
      std::fill(vec_ok_.begin(), vec_ok_.end(), true);
      if (!has_semantic_index()) return skipped("the memory has no semantic index (embedding model none)");
      return passed("no vector parts yet (model " + idx_->settings.embedding_model + ")");
    }
    const std::uint32_t dim = idx_->settings.embedding_dimension;
    Problems p;
    std::uint64_t rows = 0, layouts[3] = {0, 0, 0};
    for (std::size_t i = 0; i < idx_->segments.size(); ++i) {
      const index::IndexSegmentRef& r = idx_->segments[i];
      if (r.vec_length == 0) {
        vec_ok_[i] = true;
        continue;
      }
      const std::string what = "vector part of " + segment_name(i) + " at offset " + num(r.vec_offset);
      try {
        auto source = std::make_shared<BufferSource>(io::read_bytes(file_, r.vec_offset, r.vec_length, "vector part"));
        auto seg = index::VecSegment::open(source, 0, r.vec_length, &r.vec_checksum, dim, what);
        if (seg->size() != r.vec_count)
          throw Error(ErrorCode::Corrupt, what + " holds " + num(seg->size()) + " rows, the TOC says " + num(r.vec_count));
        if (seg->dim() != dim)
          throw Error(ErrorCode::Corrupt, what + " has dimension " + num(seg->dim()) + ", the memory " + num(dim));
        rows += seg->size();
        ++layouts[static_cast<std::size_t>(seg->layout()) % 3];
        vec_ok_[i] = true;
        // Kept for the deep coverage check, which compares rows with the records' vectors.
        if (deep_) vec_[i] = std::move(seg);
      } catch (const Error& e) {
        p.add(e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(layouts[0] + layouts[1] + layouts[2]) + " vector parts (" + num(layouts[0]) + " Flat, " +
                  num(layouts[1]) + " HNSW, " + num(layouts[2]) + " IVF-PQ): " + num(rows) + " rows of dimension " +
                  num(dim) + ", every section and structure valid");
  }

  // ---------------------------------------------------------------------------------------

  Outcome wal_pending_records() const {
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

  Outcome owner_record() const {
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

  // ---------------------------------------------------------------------------------------
  // Deep: every frame record, read in offset order in large reads.

  // Returns why the records were not read, or "".
  std::string deep_pass() {
    facts_.assign(st_.view.size(), RecordFacts{});
    index::IndexSettings defaults;
    const index::IndexSettings& settings = idx_ ? idx_->settings : defaults;
    const bool compare_vectors = has_semantic_index();
    const std::uint64_t size = st_.file_size;
    constexpr std::uint64_t kMaxRecord =
        format::kFrameRecordHeaderSize + format::kMaxMetadataBytes + format::kMaxPayloadBytes + 16;

    struct Item {
      std::uint64_t offset;
      std::uint32_t length;
      std::uint64_t id;
    };
    std::vector<Item> items;
    items.reserve(st_.view.size());
    for (const TocEntry& e : st_.view) {
      if (record_removed(e)) continue;
      if (e.record_offset > size || e.record_length > size - e.record_offset || e.record_length > kMaxRecord ||
          e.record_length < format::kFrameRecordHeaderSize + 16) {
        damage(e.frame_id, "its record " + range(e.record_offset, e.record_offset + e.record_length) +
                               " cannot be read from the " + num(size) + "-byte file");
        continue;
      }
      items.push_back({e.record_offset, e.record_length, e.frame_id});
      ++records_;
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.offset < b.offset; });
    // Records never overlap, so together they fit the committed data; a hostile TOC whose
    // entries all name one huge range must not make us read it 50,000 times.
    std::uint64_t claimed = 0;
    for (const Item& it : items) claimed += it.length;
    const std::uint64_t region = st_.committed_end - std::min(st_.committed_end, u_->data_start);
    if (claimed > region)
      return "frame records claim " + num(claimed) + " bytes, more than the " + num(region) +
             "-byte committed data region holds: they overlap (see SegmentBounds); not read";

    auto process = [&](const Item& it, std::span<const std::uint8_t> bytes) {
      const TocEntry& e = st_.view[it.id];
      RecordFacts& f = facts_[it.id];
      format::FrameRecord rec;
      std::vector<std::uint8_t> payload;
      try {
        rec = format::decode_frame_record(bytes, it.offset);
        if (rec.frame_id != it.id)
          throw Error(ErrorCode::Corrupt, "the record at offset " + num(it.offset) + " holds frame " + num(rec.frame_id));
        payload = format::frame_payload(rec, it.offset);
      } catch (const Error& err) {
        damage(it.id, err.what());
        return;
      }
      f.state = RecordFacts::kGood;
      f.kind = rec.kind;
      f.has_vector = !rec.meta.embedding.empty();
      record_bytes_ += it.length;
      if (rec.kind != e.kind || rec.timestamp_ms != e.timestamp_ms || rec.raw_length != e.payload_length)
        mismatches_.add("frame " + num(it.id) + "'s record (kind " + num(rec.kind) + ", timestamp " +
                        std::to_string(rec.timestamp_ms) + ", " + num(rec.raw_length) +
                        " payload bytes) disagrees with its TOC entry (kind " + num(e.kind) + ", timestamp " +
                        std::to_string(e.timestamp_ms) + ", " + num(e.payload_length) + " bytes)");
      if (index::has_passages(rec.kind)) {
        const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
        f.chunks = static_cast<std::uint32_t>(
            index::passages(text, settings, rec.meta.chunk_bytes, rec.meta.chunk_overlap).size());
      }
      if (compare_vectors && f.has_vector) compare_vector(it.id, rec.meta.embedding);
    };

    // Records are laid end to end, so one read covers thousands; a gap (dead bytes, index
    // parts) is read through when small, skipped when large.
    constexpr std::uint64_t kBatch = 8ull << 20, kMaxGap = 256ull << 10;
    std::vector<std::uint8_t> buf;
    for (std::size_t i = 0; i < items.size();) {
      const std::uint64_t begin = items[i].offset;
      std::uint64_t end = begin + items[i].length;
      std::size_t j = i + 1;
      while (j < items.size() && items[j].offset >= begin && items[j].offset <= end + kMaxGap &&
             std::max(end, items[j].offset + items[j].length) - begin <= kBatch) {
        end = std::max(end, items[j].offset + items[j].length);
        ++j;
      }
      bool read_ok = true;
      try {
        buf.resize(end - begin);
        io::read_exact(file_, begin, buf.data(), buf.size(), "frame records");
      } catch (const Error&) {
        read_ok = false;
      }
      for (std::size_t k = i; k < j; ++k) {
        const Item& it = items[k];
        if (read_ok) {
          process(it, std::span<const std::uint8_t>(buf).subspan(it.offset - begin, it.length));
          continue;
        }
        try {
          auto one = io::read_bytes(file_, it.offset, it.length, "frame record");
          process(it, one);
        } catch (const Error& err) {
          damage(it.id, err.what());
        }
      }
      i = j;
    }
    return "";
  }

  void damage(std::uint64_t id, const std::string& why) {
    facts_[id].state = RecordFacts::kDamaged;
    report_.damaged_frames.push_back(id);
    damaged_.add("frame " + num(id) + ": " + why);
  }

  // The stored row of a Flat or HNSW part must be the record's vector, normalized.
  void compare_vector(std::uint64_t id, const std::vector<float>& embedding) {
    if (!idx_ || id >= idx_->indexed_frames) return;
    const std::size_t s = segment_of(id);
    const auto& seg = vec_[s];
    if (!seg || seg->layout() == index::VecLayout::IvfPq) return;
    const std::span<const float> stored = seg->exact_vector(id);
    if (stored.empty()) return;  // no row: the coverage check judges that
    std::vector<float> unit;
    try {
      unit = index::normalized(embedding);
    } catch (const Error&) {
      vec_rows_.add("frame " + num(id) + "'s record holds a NaN or infinite vector value, yet it has a row");
      return;
    }
    if (unit.size() != stored.size()) {
      vec_rows_.add("frame " + num(id) + "'s record vector has dimension " + num(unit.size()) + ", its row " +
                    num(stored.size()));
      return;
    }
    for (std::size_t k = 0; k < unit.size(); ++k)
      if (!(std::fabs(unit[k] - stored[k]) <= 1e-5f)) {
        vec_rows_.add("frame " + num(id) + "'s row in the vector part of " + segment_name(s) +
                      " differs from its record's normalized vector at component " + num(k));
        return;
      }
  }

  Outcome frame_payload_checksums() {
    if (!deep_) return skipped("not deep");
    if (!u_) return skipped(toc_skip_reason());
    const std::string why = deep_pass();
    std::sort(report_.damaged_frames.begin(), report_.damaged_frames.end());
    if (!why.empty()) return failed(why);
    deep_done_ = true;
    if (damaged_.any() || mismatches_.any()) {
      std::string d;
      if (damaged_.any()) d = num(damaged_.count()) + " damaged frame records: " + damaged_.summary();
      if (mismatches_.any())
        d += (d.empty() ? "" : "; ") + num(mismatches_.count()) + " records disagree with the TOC: " +
             mismatches_.summary();
      return failed(d);
    }
    std::uint64_t removed = 0;
    for (const TocEntry& e : st_.view) removed += record_removed(e);
    return passed(num(records_) + " frame records (" + num(record_bytes_) +
                  " bytes) decode with valid checksums, frame ids and content hashes" +
                  (removed > 0 ? "; " + num(removed) + " records removed by a vacuum" : ""));
  }

  std::string coverage_skip_reason(bool lexical) const {
    if (!deep_) return "not deep";
    if (auto why = index_skip_reason(); !why.empty()) return why;
    if (!deep_done_) return "frame records unreadable";
    if (lexical && std::none_of(lex_frames_.begin(), lex_frames_.end(), [](const auto& f) { return f.has_value(); }) &&
        !lex_frames_.empty())
      return "no lexical part is readable";
    return "";
  }

  Outcome lex_index_coverage() const {
    if (auto why = coverage_skip_reason(true); !why.empty()) return skipped(why);
    const std::uint64_t indexed = idx_->indexed_frames, frames = st_.view.size();
    Problems p;
    std::vector<std::uint32_t> docs(indexed, 0);
    std::size_t unread = 0;
    for (std::size_t i = 0; i < lex_frames_.size(); ++i) {
      if (!lex_frames_[i]) {
        ++unread;
        continue;
      }
      const index::IndexSegmentRef& r = idx_->segments[i];
      for (std::uint64_t f : *lex_frames_[i]) {
        if (f >= frames)
          p.add("lexical part of " + segment_name(i) + " has documents of frame " + num(f) +
                ", beyond the frame count " + num(frames));
        else if (f < r.first_frame || f >= r.end_frame)
          p.add("lexical part of " + segment_name(i) + " has documents of frame " + num(f) + ", outside its range");
        else
          ++docs[f];
      }
    }
    std::uint64_t checked = 0, checked_docs = 0;
    for (std::uint64_t f = 0; f < indexed; ++f) {
      const std::size_t s = segment_of(f);
      if (!lex_frames_[s]) continue;
      const RecordFacts& facts = facts_[f];
      // Inactive frames may linger in parts not merged since they changed; searches filter
      // them by status.
      if (st_.view[f].status != kActive || facts.state != RecordFacts::kGood) continue;
      ++checked;
      checked_docs += docs[f];
      if (docs[f] != facts.chunks)
        p.add("active frame " + num(f) + " has " + num(docs[f]) + " documents in the lexical part of " +
              segment_name(s) + "; its text makes " + num(facts.chunks));
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " active frames below " + num(indexed) + " each have one document per chunk (" +
                  num(checked_docs) + " documents) in the lexical part covering them" +
                  unreadable_note(unread, "parts"));
  }

  Outcome vec_index_coverage() const {
    if (auto why = coverage_skip_reason(false); !why.empty()) return skipped(why);
    if (!has_semantic_index()) return skipped("the memory has no semantic index (embedding model none)");
    const std::uint64_t indexed = idx_->indexed_frames, frames = st_.view.size();
    Problems p = vec_rows_;
    std::vector<std::uint8_t> rows(indexed, 0);
    std::size_t unread = 0;
    for (std::size_t i = 0; i < idx_->segments.size(); ++i) {
      const index::IndexSegmentRef& r = idx_->segments[i];
      if (!vec_ok_[i] || (r.vec_length > 0 && !vec_[i])) {
        ++unread;
        continue;
      }
      if (!vec_[i]) continue;
      for (std::uint64_t f : vec_[i]->frames()) {
        if (f >= frames)
          p.add("vector part of " + segment_name(i) + " has a row for frame " + num(f) + ", beyond the frame count " +
                num(frames));
        else if (f < r.first_frame || f >= r.end_frame)
          p.add("vector part of " + segment_name(i) + " has a row for frame " + num(f) + ", outside its range");
        else if (rows[f])
          p.add("vector part of " + segment_name(i) + " has two rows for frame " + num(f));
        else {
          rows[f] = 1;
          if (facts_[f].state == RecordFacts::kGood && !facts_[f].has_vector)
            p.add("frame " + num(f) + " has a row in the vector part of " + segment_name(i) +
                  " but its record carries no vector");
        }
      }
    }
    std::uint64_t checked = 0;
    for (std::uint64_t f = 0; f < indexed; ++f) {
      const std::size_t s = segment_of(f);
      const index::IndexSegmentRef& r = idx_->segments[s];
      if (!vec_ok_[s] || (r.vec_length > 0 && !vec_[s])) continue;
      if (st_.view[f].status != kActive || facts_[f].state != RecordFacts::kGood || !facts_[f].has_vector) continue;
      ++checked;
      if (!rows[f])
        p.add("active frame " + num(f) + " carries a vector but has no row in the vector part of " + segment_name(s));
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " active frames with a vector below " + num(indexed) +
                  " each have one row, equal to their normalized record vector where the part keeps floats" +
                  unreadable_note(unread, "parts"));
  }

  File& file_;
  Env& env_;
  const std::string& path_;
  const bool deep_;
  VerifyReport& report_;

  CommittedState st_;
  std::string read_error_;
  const CommitView* u_ = nullptr;
  const index::IndexManifest* idx_ = nullptr;
  std::vector<std::optional<std::vector<index::TimeEntry>>> time_;
  std::vector<std::optional<std::vector<std::uint64_t>>> lex_frames_;  // each part's frame column
  std::vector<std::shared_ptr<const index::VecSegment>> vec_;          // kept only when deep
  std::vector<bool> vec_ok_;
  bool deep_done_ = false;
  std::vector<RecordFacts> facts_;
  Problems damaged_, mismatches_, vec_rows_;
  std::uint64_t records_ = 0, record_bytes_ = 0;
};

}  // namespace
}  // namespace integrity

namespace integrity {

VerifyReport verify_file(const std::string& path, bool deep, const std::shared_ptr<Env>& env) {
  const auto start = std::chrono::steady_clock::now();
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  auto file = env->open(path, OpenMode::ReadOnly);
  require_memory_evidence(*file, path);
  VerifyReport report;
  report.path = path;
  report.deep = deep;
  Verifier(*file, *env, path, deep, report).run();
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace integrity

}  // namespace memvid
