#include "ingest/glob.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace memvid::ingest {
namespace {

struct Token {
  enum Kind { Literal, AnyChar, Class, Star, DeepStar, DeepDir } kind = Literal;
  char c = 0;                                   // Literal
  std::vector<std::pair<char, char>> ranges;    // Class
  bool negate = false;                          // Class
};

// Parses "[...]" starting at pattern[at] == '['; nullopt-like false when unterminated (then
// '[' is a literal).
bool parse_class(std::string_view pattern, std::size_t& at, Token& out) {
  std::size_t i = at + 1;
  out = Token{};
  out.kind = Token::Class;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    out.negate = true;
    ++i;
  }
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = pattern[i];
    if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      i += 2;
    }
    out.ranges.emplace_back(lo, hi);
    ++i;
  }
  if (i >= pattern.size()) return false;
  at = i + 1;
  return true;
}

std::vector<Token> tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < pattern.size();) {
    Token t;
    const char c = pattern[i];
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        // "**/" matches any run of whole directories, including none; a bare "**" anything.
        const bool dir = i + 2 < pattern.size() && pattern[i + 2] == '/';
        t.kind = dir ? Token::DeepDir : Token::DeepStar;
        i += dir ? 3 : 2;
      } else {
        t.kind = Token::Star;
        ++i;
      }
    } else if (c == '?') {
      t.kind = Token::AnyChar;
      ++i;
    } else if (c == '[' && parse_class(pattern, i, t)) {
      // i moved past the class
    } else {
      t.kind = Token::Literal;
      t.c = c == '\\' && i + 1 < pattern.size() ? pattern[++i] : c;
      ++i;
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

bool single_matches(const Token& t, char c) {
  switch (t.kind) {
    case Token::Literal: return c == t.c;
    case Token::AnyChar: return c != '/';
    case Token::Class: {
      if (c == '/') return false;
      const bool in = std::any_of(t.ranges.begin(), t.ranges.end(), [c](auto r) { return r.first <= c && c <= r.second; });
      return in != t.negate;
    }
    default: return false;
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.find('/') == std::string_view::npos) {
    const std::size_t slash = path.rfind('/');
    if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  } else if (pattern.front() == '/') {
    pattern.remove_prefix(1);  // anchored at the input root, which relative paths already are
  }
  // reach[j]: the tokens so far can match path[0, j). One pass per token: O(tokens x path).
  const std::size_t n = path.size();
  std::vector<char> reach(n + 1, 0), next(n + 1, 0);
  reach[0] = 1;
  for (const Token& t : tokenize(pattern)) {
    std::fill(next.begin(), next.end(), 0);
    switch (t.kind) {
      case Token::Star:
      case Token::DeepStar: {
        bool open = false;  // some earlier position reaches here through a run of allowed chars
        for (std::size_t j = 0; j <= n; ++j) {
          open = open || reach[j];
          next[j] = open;
          if (j < n && t.kind == Token::Star && path[j] == '/') open = false;
        }
        break;
      }
      case Token::DeepDir: {
        bool open = false;
        for (std::size_t j = 0; j <= n; ++j) {
          if (reach[j]) next[j] = 1;  // no directory at all
          open = open || reach[j];
          if (open && j < n && path[j] == '/') next[j + 1] = 1;
        }
        break;
      }
      default:
        for (std::size_t j = 0; j < n; ++j)
          if (reach[j] && single_matches(t, path[j])) next[j + 1] = 1;
    }
    reach.swap(next);
  }
  return reach[n] != 0;
}

}  // namespace memvid::ingest
