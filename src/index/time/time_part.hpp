#pragma once
// The time index as a part of index segments: each segment's (timestamp, frame id) pairs in
// time order, for every frame whatever its status (timeline --all, as-of queries). Frames
// since the last checkpoint are read from the store's entries when asked.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "index/index_part.hpp"
#include "index/time/time_segment.hpp"

namespace memvid::index {

const PartKind& time_part_kind();

class TimePart final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("TIME");
  explicit TimePart(const PartHost& host) : host_(host) {}

  void reset(const IndexManifest& manifest) override;
  void add(AnalyzedFrame&) override {}  // the store's entries hold the timestamps
  void forget_from(std::uint64_t) override {}
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn& live) override;
  void abandon() override { pending_.clear(); }

  // Frames with since <= timestamp <= until among the first frame_end frames, in (timestamp,
  // id) order, whatever their status.
  std::vector<TimeEntry> range(std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                               std::uint64_t frame_end) const;

 private:
  const std::vector<TimeEntry>& entries(std::size_t segment) const;
  std::vector<TimeEntry> buffer_entries(std::uint64_t end) const;

  PartHost host_;
  std::vector<IndexSegmentRef> segments_;
  std::uint64_t indexed_ = 0;
  mutable std::vector<std::shared_ptr<const std::vector<TimeEntry>>> cache_;  // decoded on first use
  std::map<std::uint64_t, std::pair<format::Checksum16, std::shared_ptr<const std::vector<TimeEntry>>>> pending_;
};

}  // namespace memvid::index
