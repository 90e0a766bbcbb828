#pragma once
// A long text cut at blank lines into parts of bounded size, so that what reads a text word
// by word (the rules engine, the date-mention extractor) holds one part's words at a time.
#include <cstddef>
#include <string_view>
#include <vector>

namespace memvid {

struct TextPart {
  std::size_t base = 0;   // where the part starts in the text
  std::string_view text;
};

// The part size the rules engine and the date-mention extractor read long texts in.
inline constexpr std::size_t kTextPartBytes = 256 * 1024;

// The largest part for min_bytes: 4 x min_bytes, at least 64 KiB.
inline constexpr std::size_t paragraph_part_limit(std::size_t min_bytes) {
  return min_bytes * 4 > 65536 ? min_bytes * 4 : 65536;
}

// Parts of at least min_bytes that end just after a blank line ("\n\n"), in order, tiling the
// text. Where no blank line comes within paragraph_part_limit(min_bytes) (a log, a long list),
// a part ends after the last line end before the limit, or at the limit: memory stays bounded
// for any text, and a sentence that runs on across such a cut is read as two.
std::vector<TextPart> paragraph_parts(std::string_view text, std::size_t min_bytes);

}  // namespace memvid
