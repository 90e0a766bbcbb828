#pragma once
// A time index segment: (timestamp, frame id) pairs sorted by time, fixed width so a range
// is found by binary search. Layout: magic "MVTS", u32 version, u64 count, count x (i64 ms,
// u64 frame id), BLAKE3-16 of everything before it.
#include <cstdint>
#include <span>
#include <vector>

#include "format/checksum.hpp"

namespace memvid::index {

struct TimeEntry {
  std::int64_t timestamp_ms = 0;
  std::uint64_t frame_id = 0;
  auto operator<=>(const TimeEntry&) const = default;
};

std::vector<std::uint8_t> encode_time_segment(std::span<const TimeEntry> sorted);
// Checks magic, count, order and checksum (and, if given, that it is the segment expected).
std::vector<TimeEntry> decode_time_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                           const format::Checksum16* expected);
format::Checksum16 time_segment_checksum(std::span<const std::uint8_t> encoded);

}  // namespace memvid::index
