#include "ask/context.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace memvid::ask {
namespace {

// Lowercased words joined by single spaces: two passages that differ only in spacing,
// case or punctuation are the same passage.
std::string normalized(std::string_view text) {
  std::string out;
  bool space = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c)) {
      if (space && !out.empty()) out += ' ';
      out += static_cast<char>(std::tolower(c));
      space = false;
    } else {
      space = true;
    }
  }
  return out;
}

bool mostly_overlaps(const AskSource& a, const AskSource& b) {
  if (a.id != b.id) return false;
  const std::uint64_t lo = std::max(a.chunk_begin, b.chunk_begin), hi = std::min(a.chunk_end, b.chunk_end);
  if (hi <= lo) return false;
  const std::uint64_t shorter = std::min(a.chunk_end - a.chunk_begin, b.chunk_end - b.chunk_begin);
  return (hi - lo) * 2 > shorter;
}

// Cuts text to at most max_bytes at a UTF-8 boundary, preferring the end of a word.
std::string cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  const std::size_t space = text.substr(0, n).find_last_of(" \n\t");
  if (space != std::string_view::npos && space > n / 2) n = space;
  return std::string(text.substr(0, n));
}

}  // namespace

std::size_t estimate_tokens(std::string_view text) { return (text.size() + 3) / 4; }

std::vector<AskSource> assemble_context(std::vector<AskSource> candidates, std::size_t token_budget) {
  std::vector<AskSource> kept;
  std::unordered_set<std::string> seen;
  std::size_t used = 0;
  for (AskSource& c : candidates) {
    if (used >= token_budget) break;
    const std::string key = normalized(c.text);
    if (key.empty() || seen.count(key) > 0) continue;
    if (std::any_of(kept.begin(), kept.end(), [&](const AskSource& k) { return mostly_overlaps(k, c); })) continue;
    std::size_t tokens = estimate_tokens(c.text);
    if (used + tokens > token_budget) {
      // A later, shorter passage may still fit; only the first is cut to make room.
      if (!kept.empty()) continue;
      c.text = cut(c.text, token_budget * 4);
      c.chunk_end = c.chunk_begin + c.text.size();
      tokens = estimate_tokens(c.text);
    }
    seen.insert(key);
    used += tokens;
    kept.push_back(std::move(c));
    kept.back().number = kept.size();
  }
  return kept;
}

std::string format_context(const std::vector<AskSource>& sources) {
  std::string out;
  for (const AskSource& s : sources) {
    if (!out.empty()) out += "\n\n";
    out += "[" + std::to_string(s.number) + "] " + (s.title.empty() ? std::string("(untitled)") : s.title);
    if (!s.uri.empty()) out += " \xE2\x80\x94 " + s.uri;
    if (s.page > 0) out += " (page " + std::to_string(s.page) + ")";
    out += "\n";
    out += s.text;
  }
  return out;
}

std::string question_to_query(std::string_view question) {
  std::string out;
  out.reserve(question.size());
  for (char ch : question) {
    const auto c = static_cast<unsigned char>(ch);
    // Letters, digits and non-ASCII bytes stay; apostrophes join words ("don't"). Everything
    // else, including the query language's operators and field colons, becomes a space.
    // Lowercase, so that AND / OR / NOT in a question are words.
    if (c >= 0x80 || std::isalnum(c) || c == '\'') out += static_cast<char>(std::tolower(c));
    else out += ' ';
  }
  return out;
}

}  // namespace memvid::ask
