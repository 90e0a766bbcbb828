#pragma once
// The bytes of an index segment's date-mention part (docs/FORMAT.md, "Date-mention part"):
// every date its frames' texts mention, as a run of calendar days, sorted by first day, fixed
// width, so the mentions that overlap a run of days are found by binary search. The header
// records the longest mention, which bounds how far before a window's first day a mention
// that reaches into it can start.
//
// Layout: magic "MVDM", u32 version (1), u64 count, i64 longest (days), count x (i64
// first_day, i64 end_day, u64 frame, u32 begin, u32 length, u8 grain, u8 flags), then the
// BLAKE3-16 of everything before it.
#include <cstdint>
#include <span>
#include <vector>

#include "format/checksum.hpp"

namespace memvid::index {

struct MentionRow {
  std::int64_t first_day = 0, end_day = 0;  // days since 1970-01-01, [first, end)
  std::uint64_t frame = 0;
  std::uint32_t begin = 0, length = 0;  // byte span in the frame's text
  std::uint8_t grain = 1;               // mentions::Grain
  std::uint8_t flags = 0;               // kMentionRelative | kMentionAmbiguous
  auto operator<=>(const MentionRow&) const = default;
};
inline constexpr std::uint8_t kMentionRelative = 1, kMentionAmbiguous = 2;

// rows need not be sorted: the encoding sorts a copy.
std::vector<std::uint8_t> encode_mention_segment(std::vector<MentionRow> rows);
format::Checksum16 mention_segment_checksum(std::span<const std::uint8_t> encoded);

// A decoded part: its rows in order and the longest mention's length in days.
struct MentionSegment {
  std::vector<MentionRow> rows;
  std::int64_t longest = 0;
  // The rows whose days overlap [first_day, end_day), appended to out.
  void overlapping(std::int64_t first_day, std::int64_t end_day, std::vector<MentionRow>& out) const;
};

// Checks magic, version, count, order, every row's fields and the checksum (and, if given,
// that it is the part expected); a violation throws Corrupt naming file_offset.
MentionSegment decode_mention_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                                      const format::Checksum16* expected);

}  // namespace memvid::index
