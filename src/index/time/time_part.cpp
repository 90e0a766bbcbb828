#include "index/time/time_part.hpp"

#include <algorithm>

#include "index/part_checks.hpp"
#include "memvid/error.hpp"
#include "store/store.hpp"

namespace memvid::index {

namespace {

// The part's own copy of what it holds, keyed by a segment's first frame and checksum.
using Cached = std::shared_ptr<const std::vector<TimeEntry>>;

class TimeKind final : public PartKind {
 public:
  PartTag tag() const override { return TimePart::kTag; }
  const char* name() const override { return "time"; }
  const char* short_name() const override { return "time"; }
  bool in_every_segment() const override { return true; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef& segment, const IndexSettings&) const override {
    if (ref.count != segment.frames())
      return "holds " + checks::num(ref.count) + " entries for " + checks::num(segment.frames()) + " frames";
    return "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<TimePart>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const override;
};

}  // namespace

void TimePart::reset(const IndexManifest& manifest) {
  std::vector<Cached> cache = carried_parts(manifest, kTag, pending_, segments_, cache_);
  segments_ = manifest.segments;
  indexed_ = manifest.indexed_frames;
  cache_ = std::move(cache);
  pending_.clear();
}

const std::vector<TimeEntry>& TimePart::entries(std::size_t i) const {
  if (!cache_[i]) {
    const PartRef& r = *segments_[i].part(kTag);
    auto bytes = host_.store.read_bytes(r.offset, r.length, "time index segment");
    auto decoded = decode_time_segment(bytes, r.offset, &r.checksum);
    if (decoded.size() != r.count)
      throw Error(ErrorCode::Corrupt, host_.store.path() + ": time index segment at file offset " + checks::num(r.offset) +
                                          " holds a different entry count than the TOC says");
    cache_[i] = std::make_shared<const std::vector<TimeEntry>>(std::move(decoded));
  }
  return *cache_[i];
}

std::vector<TimeEntry> TimePart::buffer_entries(std::uint64_t end) const {
  std::vector<TimeEntry> out;
  for (std::uint64_t id = indexed_; id < end; ++id) out.push_back({host_.store.entry(id).timestamp_ms, id});
  std::sort(out.begin(), out.end());
  return out;
}

BuiltPart TimePart::build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn&) {
  // Every frame keeps its place in time, live or not: nothing is purged here.
  auto merged = std::make_shared<std::vector<TimeEntry>>();
  for (std::size_t i : inputs) {
    if (i < segments_.size()) {
      const auto& e = entries(i);
      merged->insert(merged->end(), e.begin(), e.end());
    } else {
      auto b = buffer_entries(end);
      merged->insert(merged->end(), b.begin(), b.end());
    }
  }
  std::sort(merged->begin(), merged->end());
  BuiltPart built;
  built.bytes = encode_time_segment(*merged);
  built.count = merged->size();
  built.checksum = time_segment_checksum(built.bytes);
  pending_[first] = {built.checksum, std::move(merged)};
  return built;
}

std::vector<TimeEntry> TimePart::range(std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                                       std::uint64_t frame_end) const {
  const TimeEntry lo{since.value_or(INT64_MIN), 0};
  std::vector<TimeEntry> out;
  auto take = [&](const std::vector<TimeEntry>& v) {
    auto it = std::lower_bound(v.begin(), v.end(), lo);
    for (; it != v.end() && (!until || it->timestamp_ms <= *until); ++it) out.push_back(*it);
  };
  for (std::size_t i = 0; i < segments_.size(); ++i) take(entries(i));
  take(buffer_entries(frame_end));
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------
// Verify: TimeIndexRead, TimeIndexEntryCount, TimeIndexSortOrder (deep).

namespace {

using namespace checks;

class TimeVerifier final : public PartVerifier {
 public:
  explicit TimeVerifier(const PartCheckContext& c) : c_(c) {}

  std::vector<PartCheck> structure_checks() override {
    return {{"TimeIndexRead", [this] { return read(); }},
            {"TimeIndexEntryCount", [this] { return entry_count(); }},
            {"TimeIndexSortOrder", [this] { return sort_order(); }}};
  }
  std::vector<PartCheck> coverage_checks() override { return {}; }

 private:
  const std::vector<IndexSegmentRef>& segs() const { return c_.manifest.segments; }

  CheckResult read() {
    time_.assign(segs().size(), std::nullopt);
    Problems p;
    std::uint64_t entries = 0;
    for (std::size_t i = 0; i < segs().size(); ++i) {
      const PartRef& r = *segs()[i].part(TimePart::kTag);
      try {
        auto bytes = c_.read(r.offset, r.length, "time index part");
        auto decoded = decode_time_segment(bytes, r.offset, &r.checksum);
        if (decoded.size() != r.count)
          throw Error(ErrorCode::Corrupt, "holds " + num(decoded.size()) + " entries, the TOC says " + num(r.count));
        entries += decoded.size();
        time_[i] = std::move(decoded);
      } catch (const Error& e) {
        p.add("time part of " + c_.segment_name(i) + " at offset " + num(r.offset) + ": " + e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(segs().size()) + " time parts, " + num(entries) + " entries, each matching the checksum the TOC records");
  }

  std::string skip_reason() const {
    if (!time_.empty() && std::none_of(time_.begin(), time_.end(), [](const auto& t) { return t.has_value(); }))
      return "no time part is readable";
    return "";
  }

  CheckResult entry_count() const {
    if (auto why = skip_reason(); !why.empty()) return skipped(why);
    Problems p;
    std::size_t unread = 0;
    std::uint64_t frames = 0;
    for (std::size_t i = 0; i < time_.size(); ++i) {
      if (!time_[i]) {
        ++unread;
        continue;
      }
      const IndexSegmentRef& r = segs()[i];
      frames += r.frames();
      std::vector<std::uint8_t> seen(r.frames(), 0);
      for (const TimeEntry& t : *time_[i]) {
        if (t.frame_id < r.first_frame || t.frame_id >= r.end_frame) {
          p.add("time part of " + c_.segment_name(i) + " names frame " + num(t.frame_id) + ", outside its range");
        } else if (seen[t.frame_id - r.first_frame]) {
          p.add("time part of " + c_.segment_name(i) + " names frame " + num(t.frame_id) + " twice");
        } else {
          seen[t.frame_id - r.first_frame] = 1;
        }
      }
      const auto missing = std::find(seen.begin(), seen.end(), 0);
      if (missing != seen.end())
        p.add("time part of " + c_.segment_name(i) + " has no entry for frame " +
              num(r.first_frame + static_cast<std::uint64_t>(missing - seen.begin())));
    }
    if (p.any()) return failed(p.summary());
    return passed("every time part has exactly one entry per frame of its range (" + num(frames) + " frames)" +
                  unreadable_note(unread));
  }

  CheckResult sort_order() const {
    if (!c_.deep) return skipped("not deep");
    if (auto why = skip_reason(); !why.empty()) return skipped(why);
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
        const TimeEntry& t = entries[k];
        if (k > 0 && !(entries[k - 1] < t))
          p.add("time part of " + c_.segment_name(i) + " is out of (timestamp, frame) order at entry " + num(k));
        if (t.frame_id < c_.frames && c_.timestamp(t.frame_id) != t.timestamp_ms)
          p.add("time part of " + c_.segment_name(i) + " gives frame " + num(t.frame_id) + " timestamp " +
                std::to_string(t.timestamp_ms) + ", the TOC " + std::to_string(c_.timestamp(t.frame_id)));
        ++checked;
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " entries sorted by (timestamp, frame id), timestamps equal to the TOC's" +
                  unreadable_note(unread));
  }

  const PartCheckContext& c_;
  std::vector<std::optional<std::vector<TimeEntry>>> time_;
};

std::unique_ptr<PartVerifier> TimeKind::verifier(const PartCheckContext& context) const {
  return std::make_unique<TimeVerifier>(context);
}

}  // namespace

const PartKind& time_part_kind() {
  static const TimeKind kind;
  return kind;
}

}  // namespace memvid::index
