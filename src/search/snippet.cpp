#include "search/snippet.hpp"

#include <algorithm>
#include <unordered_map>

namespace memvid::search {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// One output code point: a character of the range, a collapsed white-space run, or an
// invalid byte shown as U+FFFD. begin/end are byte offsets in the range.
enum class UnitKind : std::uint8_t { Char, Space, Invalid };
struct Unit {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  UnitKind kind = UnitKind::Char;
  bool word = false;  // letter, digit or mark (not an ideograph)
};

struct Match {
  std::size_t ub = 0;  // units [ub, ue)
  std::size_t ue = 0;
  std::uint32_t term = 0;
};

std::vector<Unit> make_units(std::string_view range) {
  std::vector<Unit> units;
  for (std::size_t i = 0; i < range.size();) {
    char32_t cp = 0;
    std::size_t len = text::decode_utf8(range, i, cp);
    const bool valid = len != 0;
    if (!valid) len = 1;
    const text::CharClass cls = valid ? text::classify(cp) : text::CharClass::Other;
    const auto b = static_cast<std::uint32_t>(i);
    const auto e = static_cast<std::uint32_t>(i + len);
    i += len;
    if (cls == text::CharClass::Space) {
      if (units.empty()) continue;  // leading white space is dropped
      if (units.back().kind == UnitKind::Space) {
        units.back().end = e;
      } else {
        units.push_back({b, e, UnitKind::Space, false});
      }
      continue;
    }
    const bool word = cls == text::CharClass::Letter || cls == text::CharClass::Digit || cls == text::CharClass::Mark;
    units.push_back({b, e, valid ? UnitKind::Char : UnitKind::Invalid, word});
  }
  if (!units.empty() && units.back().kind == UnitKind::Space) units.pop_back();
  return units;
}

}  // namespace

Snippet make_snippet(std::string_view text, std::uint32_t begin, std::uint32_t end,
                     const std::unordered_set<std::string>& terms, const text::Analyzer& analyzer,
                     std::size_t max_chars) {
  Snippet out;
  const std::size_t b = std::min<std::size_t>(begin, text.size());
  const std::size_t e = std::min<std::size_t>(end, text.size());
  if (max_chars == 0 || b >= e) return out;
  const std::string_view range = text.substr(b, e - b);

  const std::vector<Unit> units = make_units(range);
  const std::size_t n = units.size();
  if (n == 0) return out;

  // Matched words, as unit ranges, with a dense id per distinct term.
  std::vector<text::Token> tokens;
  if (!terms.empty()) analyzer.analyze(range, tokens);
  std::vector<Match> matches;
  std::unordered_map<std::string_view, std::uint32_t> term_ids;
  std::size_t u = 0;
  for (const auto& t : tokens) {
    if (terms.find(t.term) == terms.end()) continue;
    while (u < n && units[u].begin < t.begin) ++u;
    if (u == n) break;
    if (units[u].begin != t.begin) continue;  // cannot happen: words start on a character
    std::size_t v = u;
    while (v < n && units[v].end < t.end) ++v;
    if (v == n || units[v].end != t.end) continue;
    const auto id = term_ids.emplace(t.term, static_cast<std::uint32_t>(term_ids.size())).first->second;
    matches.push_back({u, v + 1, id});
  }

  std::size_t ws = 0;  // window [ws, we) in units
  std::size_t we = n;
  bool ellipses = false;
  if (n > max_chars) {
    ellipses = max_chars >= 3;
    const std::size_t width = ellipses ? max_chars - 2 : max_chars;

    // Slide over the matches: the window starting at match i holds matches [i, j).
    std::size_t best_i = 0, best_j = 0, best_distinct = 0;
    std::vector<std::uint32_t> count(term_ids.size(), 0);
    std::size_t distinct = 0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < matches.size(); ++i) {
      if (j < i) j = i;
      while (j < matches.size() && matches[j].ue - matches[i].ub <= width) {
        if (count[matches[j].term]++ == 0) ++distinct;
        ++j;
      }
      if (j > i && (distinct > best_distinct || (distinct == best_distinct && j - i > best_j - best_i))) {
        best_i = i;
        best_j = j;
        best_distinct = distinct;
      }
      if (j > i && --count[matches[i].term] == 0) --distinct;
    }
    // A cut between two non-space characters one of which is a letter or digit splits a word
    // ("wor|d", "end|.", "(|word"); cuts between ideographs or at white space are fine.
    auto mid_word = [&](std::size_t p) {
      if (p == 0 || p >= n) return false;
      const Unit& l = units[p - 1];
      const Unit& r = units[p];
      return l.kind != UnitKind::Space && r.kind != UnitKind::Space && (l.word || r.word);
    };

    if (best_distinct > 0) {
      const std::size_t gs = matches[best_i].ub;
      const std::size_t ge = matches[best_j - 1].ue;
      const std::size_t extra = width - (ge - gs);
      ws = gs - std::min(gs, extra / 2);
      if (ws + width > n) ws = n - width;
      we = ws + width;
      while (ws < gs && mid_word(ws)) ++ws;  // never past the first match
      while (we > ge && mid_word(we)) --we;
    } else {
      ws = 0;
      we = width;
      std::size_t p = we;
      while (p > 0 && mid_word(p)) --p;
      if (p > 0) we = p;  // else the first word is longer than the window: cut inside it
    }
    while (ws < we && units[ws].kind == UnitKind::Space) ++ws;
    while (we > ws && units[we - 1].kind == UnitKind::Space) --we;
  }

  // Emit the window, recording where each unit lands in the output.
  std::string& o = out.text;
  const bool cut_front = ellipses && ws > 0;
  const bool cut_back = ellipses && we < n;
  if (cut_front) o.append(kEllipsis);
  std::vector<std::uint32_t> at(we - ws + 1);
  for (std::size_t k = ws; k < we; ++k) {
    at[k - ws] = static_cast<std::uint32_t>(o.size());
    switch (units[k].kind) {
      case UnitKind::Space: o.push_back(' '); break;
      case UnitKind::Invalid: o.append(kReplacement); break;
      case UnitKind::Char: o.append(range.substr(units[k].begin, units[k].end - units[k].begin)); break;
    }
  }
  at[we - ws] = static_cast<std::uint32_t>(o.size());
  if (cut_back) o.append(kEllipsis);
  for (const auto& m : matches) {
    if (m.ub >= ws && m.ue <= we) out.highlights.emplace_back(at[m.ub - ws], at[m.ue - ws]);
  }
  return out;
}

}  // namespace memvid::search
