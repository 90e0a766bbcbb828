#include "text/chunker.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "memvid/error.hpp"

namespace memvid::text {
namespace {

constexpr std::size_t kMinTarget = 64;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_sentence_end(char c) { return c == '.' || c == '!' || c == '?'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// End of the chunk that starts at b: a position p with lo < p <= hi (hi < text.size()).
std::size_t find_end(std::string_view t, std::size_t b, std::size_t lo, std::size_t hi) {
  // Paragraph break: '\n', optional spaces/tabs/CRs, '\n'; the chunk ends after it. Each
  // inner scan covers the blank run before one '\n', so the pass stays linear.
  for (std::size_t idx = hi; idx-- > lo;) {
    if (t[idx] != '\n') continue;
    std::size_t k = idx;
    while (k > b && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r')) --k;
    if (k > b && t[k - 1] == '\n') return idx + 1;
  }
  // Sentence end: [.!?] followed by white space; the chunk ends after that white-space byte.
  for (std::size_t idx = hi; idx-- > lo;) {
    if (is_ws(t[idx]) && idx > b && is_sentence_end(t[idx - 1])) return idx + 1;
  }
  for (std::size_t idx = hi; idx-- > lo;) {
    if (is_ws(t[idx])) return idx + 1;
  }
  // A character boundary: back off over at most 3 continuation bytes (more means the bytes
  // are not UTF-8 anyway, and any cut is as good as another).
  std::size_t p = hi;
  for (int k = 0; k < 3 && p > lo + 1 && is_continuation(t[p]); ++k) --p;
  return is_continuation(t[p]) ? hi : p;
}

// Start of the chunk after [b, e): about overlap bytes before e, moved forward to a sentence
// start (after [.!?] or a line break, then white space) if one lies in the first half of the
// overlap, else to the first word start, else e. Always in (b, e].
std::size_t next_begin(std::string_view t, std::size_t b, std::size_t e, std::size_t overlap) {
  if (overlap == 0) return e;
  std::size_t s = e > overlap ? e - overlap : 0;
  if (s <= b) s = b + 1;

  // Context before s: are we after white space, and what precedes that white space?
  bool in_ws = is_ws(t[s - 1]);
  bool newline_in_run = false;
  char last = '\0';
  for (std::size_t k = s; k > b;) {
    --k;
    if (!is_ws(t[k])) {
      last = t[k];
      break;
    }
    newline_in_run |= t[k] == '\n';
  }

  const std::size_t half = s + (e - s) / 2;
  std::size_t first_word = kNone;
  for (std::size_t p = s; p < e; ++p) {
    const char c = t[p];
    if (is_ws(c)) {
      if (!in_ws) newline_in_run = false;
      in_ws = true;
      newline_in_run |= c == '\n';
      continue;
    }
    if (in_ws) {
      if ((newline_in_run || is_sentence_end(last)) && p <= half) return p;
      if (first_word == kNone) first_word = p;
      if (p > half) break;
    }
    in_ws = false;
    last = c;
  }
  return first_word != kNone ? first_word : e;
}

}  // namespace

std::vector<ChunkRange> chunk_text(std::string_view text, const ChunkOptions& options) {
  const std::size_t n = text.size();
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ErrorCode::InvalidArgument, "text to chunk is " + std::to_string(n) + " bytes; the limit is 4 GiB - 1");
  }
  const std::size_t target = std::max<std::size_t>(kMinTarget, options.target_bytes);
  const std::size_t overlap = std::min<std::size_t>(options.overlap_bytes, target / 4);

  std::vector<ChunkRange> out;
  std::size_t b = 0;
  while (n - b > target) {
    const std::size_t e = find_end(text, b, b + target / 2, b + target);
    out.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
    b = next_begin(text, b, e, overlap);
  }
  out.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(n)});
  return out;
}

}  // namespace memvid::text
