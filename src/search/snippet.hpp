#pragma once
// Query-biased snippets: the part of a text that shows the most query terms, with the
// matched words highlighted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "text/analyzer.hpp"

namespace memvid::search {

struct Snippet {
  std::string text;
  // [begin, end) byte offsets into text, ascending and non-overlapping, one per matched word.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> highlights;
};

// Picks, inside text[begin, end), the window of about max_chars code points that covers the
// most distinct query terms (ties: most matched words, then the earliest), centred on its
// matches and snapped to word boundaries. Every word whose analyzed term (analyzer's
// pipeline, so `terms` must be analyzed terms) is in `terms` and lies whole in the window is
// highlighted. No match -> the start of the range.
//
// Output: leading/trailing white space dropped, each run of white space and control
// characters collapsed to one ' ', invalid UTF-8 bytes replaced by U+FFFD (so the text is
// always valid UTF-8), and "…" (U+2026) at an end where the range goes on beyond the window.
// The whole output, ellipses included, has at most max_chars code points when max_chars >= 3
// (below 3 there is no room for ellipses: the window is cut without them). A range that fits
// is returned whole. max_chars == 0, or an empty range, gives an empty snippet. begin and end
// are clamped to the text.
Snippet make_snippet(std::string_view text, std::uint32_t begin, std::uint32_t end,
                     const std::unordered_set<std::string>& terms, const text::Analyzer& analyzer,
                     std::size_t max_chars);

}  // namespace memvid::search
