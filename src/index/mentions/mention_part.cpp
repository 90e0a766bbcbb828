#include "index/mentions/mention_part.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include "index/part_checks.hpp"
#include "index/passages.hpp"
#include "memvid/error.hpp"
#include "store/store.hpp"
#include "time/time_mentions.hpp"

namespace memvid::index {

namespace {

class MentionKind final : public PartKind {
 public:
  PartTag tag() const override { return MentionPart::kTag; }
  const char* name() const override { return "date-mention"; }
  const char* short_name() const override { return "date"; }
  bool in_every_segment() const override { return false; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef& segment, const IndexSettings& settings) const override {
    if (!settings.index_mentions) return "exists in a memory that does not index date mentions";
    if (ref.count == 0) return "holds no mentions (a segment without mentions has no mention part)";
    if (ref.count > segment.frames() * mentions::kMaxMentionsPerText)
      return "holds " + checks::num(ref.count) + " mentions for " + checks::num(segment.frames()) + " frames";
    return "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<MentionPart>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const override;
};

}  // namespace

std::vector<MentionRow> mention_rows(std::string_view text, std::uint64_t frame, std::int64_t timestamp_ms) {
  std::vector<MentionRow> out;
  for (const mentions::MentionSpan& m : mentions::extract_mentions(text, timestamp_ms)) {
    MentionRow r;
    r.first_day = m.first_day;
    r.end_day = m.end_day;
    r.frame = frame;
    r.begin = m.begin;
    r.length = m.end - m.begin;
    r.grain = static_cast<std::uint8_t>(m.grain);
    r.flags = static_cast<std::uint8_t>((m.relative ? kMentionRelative : 0) | (m.ambiguous ? kMentionAmbiguous : 0));
    out.push_back(r);
  }
  return out;
}

void MentionPart::reset(const IndexManifest& manifest) {
  std::vector<Part> cache = carried_parts(manifest, kTag, pending_, segments_, cache_);
  segments_ = manifest.segments;
  cache_ = std::move(cache);
  buffer_.clear();
  pending_.clear();
}

void MentionPart::add(AnalyzedFrame& frame) {
  buffer_.insert(buffer_.end(), frame.mentions.begin(), frame.mentions.end());
}

void MentionPart::forget_from(std::uint64_t frame_end) {
  while (!buffer_.empty() && buffer_.back().frame >= frame_end) buffer_.pop_back();
}

const MentionSegment* MentionPart::segment(std::size_t i) const {
  const PartRef* r = segments_[i].part(kTag);
  if (!r) return nullptr;
  if (!cache_[i]) {
    auto decoded = decode_mention_segment(host_.store.read_bytes(r->offset, r->length, "date-mention part"), r->offset,
                                          &r->checksum);
    if (decoded.rows.size() != r->count)
      throw Error(ErrorCode::Corrupt, host_.store.path() + ": date-mention part at file offset " +
                                          checks::num(r->offset) + " holds a different mention count than the TOC says");
    cache_[i] = std::make_shared<const MentionSegment>(std::move(decoded));
  }
  return cache_[i].get();
}

BuiltPart MentionPart::build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t, const LiveFn&) {
  // Mentions of dead frames stay, as their timestamps stay in the time part.
  std::vector<MentionRow> merged;
  for (std::size_t i : inputs) {
    if (i < segments_.size()) {
      if (const MentionSegment* s = segment(i)) merged.insert(merged.end(), s->rows.begin(), s->rows.end());
    } else {
      merged.insert(merged.end(), buffer_.begin(), buffer_.end());
    }
  }
  BuiltPart built;
  if (merged.empty()) return built;
  built.count = merged.size();
  built.bytes = encode_mention_segment(std::move(merged));
  built.checksum = mention_segment_checksum(built.bytes);
  pending_[first] = {built.checksum, std::make_shared<const MentionSegment>(decode_mention_segment(built.bytes, 0, nullptr))};
  return built;
}

std::vector<MentionRow> MentionPart::overlapping(std::int64_t first_day, std::int64_t end_day,
                                                 std::uint64_t frame_end) const {
  std::vector<MentionRow> out;
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (const MentionSegment* s = segment(i)) s->overlapping(first_day, end_day, out);
  for (const MentionRow& r : buffer_)
    if (r.frame < frame_end && r.first_day < end_day && r.end_day > first_day) out.push_back(r);
  std::sort(out.begin(), out.end(),
            [](const MentionRow& a, const MentionRow& b) { return std::tie(a.frame, a.begin) < std::tie(b.frame, b.begin); });
  return out;
}

// ---------------------------------------------------------------------------------------
// Verify: MentionIndexRead, and MentionIndexCoverage (deep: the extractor, run again on each
// intact text frame with its timestamp, finds exactly the mentions stored for it).

namespace {

using namespace checks;

class MentionVerifier final : public PartVerifier {
 public:
  explicit MentionVerifier(const PartCheckContext& c) : c_(c) {}

  std::vector<PartCheck> structure_checks() override { return {{"MentionIndexRead", [this] { return read(); }}}; }

  void see_record(std::uint64_t frame, const format::FrameRecord& record) override {
    if (!c_.deep || !c_.manifest.settings.index_mentions || !has_passages(record.kind)) return;
    try {
      const std::vector<std::uint8_t> payload = format::frame_payload(record, 0);
      const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
      auto rows = mention_rows(text, frame, record.timestamp_ms);
      if (!rows.empty()) expected_[frame] = std::move(rows);
    } catch (const Error&) {
      // The record checks report a payload that does not decode.
    }
  }

  std::vector<PartCheck> coverage_checks() override {
    return {{"MentionIndexCoverage", [this] { return coverage(); }}};
  }

 private:
  CheckResult read() {
    Problems p;
    const RowPartsRead r = read_row_parts(
        c_, MentionPart::kTag, "date-mention", "mentions",
        [](const std::vector<std::uint8_t>& bytes, std::uint64_t offset, const format::Checksum16* checksum) {
          return decode_mention_segment(bytes, offset, checksum).rows;
        },
        [this](MentionRow row) { stored_[row.frame].push_back(row); }, p);
    readable_ = r.readable;
    if (p.any()) return failed(p.summary());
    if (!c_.manifest.settings.index_mentions) return passed("this memory does not index date mentions");
    return passed(num(r.parts) + " date-mention parts, " + num(r.rows) + " mentions, each matching the checksum the TOC records");
  }

  CheckResult coverage() {
    if (!c_.manifest.settings.index_mentions) return passed("this memory does not index date mentions");
    if (!c_.deep) return skipped("not deep");
    if (!*c_.records_read) return skipped("frame records unreadable");
    if (!readable_) return skipped("a date-mention part is unreadable");
    Problems p;
    std::uint64_t frames = 0;
    const auto by_span = [](const MentionRow& a, const MentionRow& b) { return a.begin < b.begin; };
    for (std::uint64_t f = 0; f < c_.manifest.indexed_frames && f < c_.records->size(); ++f) {
      if ((*c_.records)[f].state != RecordFacts::kGood) continue;
      ++frames;
      auto want = expected_.find(f);
      auto have = stored_.find(f);
      std::vector<MentionRow> a = want == expected_.end() ? std::vector<MentionRow>{} : want->second;
      std::vector<MentionRow> b = have == stored_.end() ? std::vector<MentionRow>{} : have->second;
      std::sort(a.begin(), a.end(), by_span);
      std::sort(b.begin(), b.end(), by_span);
      if (a != b)
        p.add("frame " + num(f) + " mentions " + num(a.size()) + " dates, the date-mention parts hold " + num(b.size()) +
              (a.size() == b.size() ? " different ones" : ""));
    }
    if (p.any()) return failed(p.summary());
    return passed("the date mentions of " + num(frames) + " indexed frames are what their texts say");
  }

  const PartCheckContext& c_;
  bool readable_ = true;
  std::map<std::uint64_t, std::vector<MentionRow>> stored_, expected_;
};

std::unique_ptr<PartVerifier> MentionKind::verifier(const PartCheckContext& context) const {
  return std::make_unique<MentionVerifier>(context);
}

}  // namespace

const PartKind& mention_part_kind() {
  static const MentionKind kind;
  return kind;
}

}  // namespace memvid::index
