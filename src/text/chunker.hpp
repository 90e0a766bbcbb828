#pragma once
// Splits a long text into overlapping chunks of about target_bytes for indexing and snippets.
//
// A text of at most target_bytes (or empty) is one chunk [0, size). Otherwise every chunk but
// the last ends, within its window [begin, begin + target], at the last of these found in the
// window's second half, in this order of preference: a paragraph break (blank line; the
// chunk ends after it), a sentence end ([.!?] then white space; the chunk ends after that
// white-space byte), white space (the chunk ends after it), else a UTF-8 character boundary
// (a sequence is never split). The next chunk starts about overlap_bytes before the previous
// end, moved forward to a sentence start, else a word start, else the previous end itself.
//
// Guarantees: chunks are in order, chunk[0].begin == 0, the last end == size, every begin is
// strictly after the previous begin and at or before the previous end (no gap), every end is
// strictly after the previous end; chunks hold at most max(64, target_bytes) bytes. Overlap is
// clamped to a quarter of the target, so each chunk advances by at least a quarter of the
// target and the work is O(size). Deterministic.
#include <cstdint>
#include <string_view>
#include <vector>

namespace memvid::text {

struct ChunkOptions {
  std::uint32_t target_bytes = 4000;  // < 64 is treated as 64
  std::uint32_t overlap_bytes = 400;  // clamped to target_bytes / 4
};

struct ChunkRange {
  std::uint32_t begin = 0;  // byte range in the text
  std::uint32_t end = 0;
};

// Throws InvalidArgument for a text of 4 GiB or more (ranges are 32-bit).
std::vector<ChunkRange> chunk_text(std::string_view text, const ChunkOptions& options);

}  // namespace memvid::text
