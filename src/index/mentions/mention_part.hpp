#pragma once
// The dates frames' texts mention (time/time_mentions.hpp) as a part of index segments, so
// that `when --mentions` and the query filter `mentions:` find frames that talk about a time.
// Recomputable from the frames' texts and timestamps, so stored where the other index parts
// are and merged with them. A segment has a mention part only when its texts mention a date;
// memories made before it existed (IndexSettings::index_mentions off) have none. Like the time
// part it keeps the mentions of deleted and superseded frames (timeline --all, as-of reads);
// readers filter by status.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "index/index_part.hpp"
#include "index/mentions/mention_segment.hpp"

namespace memvid::index {

const PartKind& mention_part_kind();

// The rows a text frame adds (what analysis stores in AnalyzedFrame::mentions).
std::vector<MentionRow> mention_rows(std::string_view text, std::uint64_t frame, std::int64_t timestamp_ms);

class MentionPart final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("MENT");
  explicit MentionPart(const PartHost& host) : host_(host) {}

  void reset(const IndexManifest& manifest) override;
  void add(AnalyzedFrame& frame) override;
  void forget_from(std::uint64_t frame_end) override;
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn& live) override;
  void abandon() override { pending_.clear(); }

  // Mentions whose days overlap [first_day, end_day) among frames before frame_end, in
  // (frame, begin) order, whatever the frames' status.
  std::vector<MentionRow> overlapping(std::int64_t first_day, std::int64_t end_day, std::uint64_t frame_end) const;

 private:
  using Part = std::shared_ptr<const MentionSegment>;
  const MentionSegment* segment(std::size_t i) const;  // null: the segment has no mention part

  PartHost host_;
  std::vector<IndexSegmentRef> segments_;
  mutable std::vector<Part> cache_;  // decoded on first use
  std::vector<MentionRow> buffer_;  // rows of the frames since the last checkpoint, in frame order
  std::map<std::uint64_t, std::pair<format::Checksum16, Part>> pending_;
};

}  // namespace memvid::index
