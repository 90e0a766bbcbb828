// A hand-written recursive-descent parser for docs/QUERY.md. It reads the query in place
// (no separate token list) because what a character means depends on where it is: after
// `uri:` a ':' or '/' is part of the value, inside `date:[...]` the words are dates.
//
// Recursion happens only at parentheses, and their depth is capped before descending, so
// a hostile query cannot exhaust the stack; prefix chains (NOT NOT ..., ----x) are loops.
// The whole input is checked for UTF-8 first (and, lenient, repaired), so everything after
// can step over code points without re-validating.
//
// The lenient mode (parse_query_text) falls back locally at each construct, and only a
// failed field (a flat token) is read again, as a word, so it stays linear: the parser never
// re-reads a group, and never re-parses the whole query.
#include "search/query.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "base/utf8.hpp"
#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "time/time_zone.hpp"
#include "memvid/timestamp.hpp"

namespace memvid::search {
namespace {

constexpr std::size_t kExcerptContext = 12;  // code points shown on each side of an error

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (ascii_lower(a[k]) != ascii_lower(b[k])) return false;
  return true;
}

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlongs, surrogates or
// code points past U+10FFFF), or 0 if it is malformed or truncated.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) len = 2;
  else if (b0 == 0xE0) len = 3, lo = 0xA0;
  else if (b0 >= 0xE1 && b0 <= 0xEC) len = 3;
  else if (b0 == 0xED) len = 3, hi = 0x9F;
  else if (b0 >= 0xEE && b0 <= 0xEF) len = 3;
  else if (b0 == 0xF0) len = 4, lo = 0x90;
  else if (b0 >= 0xF1 && b0 <= 0xF3) len = 4;
  else if (b0 == 0xF4) len = 4, hi = 0x8F;
  else return 0;
  if (s.size() - i < len) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (!is_continuation(s[i + k])) return 0;
  return len;
}

// Decodes the (already validated) code point at s[i].
char32_t decode(std::string_view s, std::size_t i, std::size_t len) {
  const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (len) {
    case 1: return b(0);
    case 2: return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    case 3: return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    default: return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  }
}

// Byte length of the separator at s[i], or 0: ASCII space and control characters, and the
// Unicode spaces (NBSP, ideographic space, ...), so pasted text splits where it looks split.
std::size_t space_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return c <= 0x20 || c == 0x7F ? 1 : 0;
  const std::size_t len = utf8_length(s, i);
  if (len == 0) return 0;
  const char32_t cp = decode(s, i, len);
  const bool space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
                     cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
                     cp == 0xFEFF;
  return space ? len : 0;
}

bool is_blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = space_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// 1-based code point column of byte offset `at` (s[0, at) must be valid UTF-8).
std::size_t column_of(std::string_view s, std::size_t at) {
  std::size_t column = 1;
  for (std::size_t k = 0; k < at && k < s.size(); ++k)
    if (!is_continuation(s[k])) ++column;
  return column;
}

void append_printable(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7F ? ' ' : c;
  }
}

// Up to kExcerptContext code points either side of `at`, "..." where the query goes on.
// With `bad_byte`, s[at] is not valid UTF-8: only the text before it is shown, then \xNN.
std::string excerpt(std::string_view s, std::size_t at, bool bad_byte) {
  std::size_t begin = at;
  for (std::size_t n = 0; begin > 0 && n < kExcerptContext; ++n) {
    --begin;
    while (begin > 0 && is_continuation(s[begin])) --begin;
  }
  std::string out = begin > 0 ? "..." : "";
  append_printable(out, s.substr(begin, at - begin));
  if (bad_byte) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const auto u = static_cast<unsigned char>(s[at]);
    out += "\\x";
    out += kHex[u >> 4];
    out += kHex[u & 0xF];
    return out;
  }
  std::size_t end = at;
  for (std::size_t n = 0; end < s.size() && n < kExcerptContext; ++n) {
    ++end;
    while (end < s.size() && is_continuation(s[end])) ++end;
  }
  append_printable(out, s.substr(at, end - at));
  if (end < s.size()) out += "...";
  return out;
}

enum class Op { None, And, Or, Not };

struct FieldInfo {
  std::string_view name;
  bool is_date;
  Field field;
};
constexpr FieldInfo kFields[] = {
    {"title", false, Field::Title}, {"tag", false, Field::Tag}, {"label", false, Field::Label},
    {"kind", false, Field::Kind},   {"uri", false, Field::Uri}, {"date", true, Field::Text},
    {"mentions", true, Field::Mentions},
};
constexpr std::string_view kKinds[] = {"text", "document", "chunk", "binary"};

// Where the parser is: plain text, inside title:(...) (Title, fields may override), or
// inside tag:(...) and friends (keyword: every word is a literal value, no field syntax).
struct Context {
  Field field = Field::Text;
  bool keyword = false;
};

// A clause of an OR list; `required` marks a '+' prefix.
struct Clause {
  NodePtr node;
  bool required = false;
};

// A date or timestamp as typed inside date:...
struct DateToken {
  std::string text;
  std::size_t position = 0;
  bool quoted = false;
};

NodePtr make_list(Node::Type type, std::vector<NodePtr> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  auto node = std::make_unique<Node>();
  node->type = type;
  node->position = std::numeric_limits<std::size_t>::max();
  for (auto& part : parts) {
    node->position = std::min(node->position, part->position);
    if (part->type == type) {
      for (auto& child : part->children) node->children.push_back(std::move(child));
    } else {
      node->children.push_back(std::move(part));
    }
  }
  return node;
}

NodePtr make_not(NodePtr child, std::size_t position) {
  if (child->type == Node::Type::Not) return std::move(child->children.front());
  auto node = std::make_unique<Node>();
  node->type = Node::Type::Not;
  node->position = position;
  node->children.push_back(std::move(child));
  return node;
}

// What a lenient reading changed, named by the note's first words.
enum class Problem { Syntax, Encoding, Limit };

std::string_view problem_lead(Problem problem) {
  switch (problem) {
    case Problem::Syntax: return "query read as plain text where it was not valid syntax";
    case Problem::Encoding: return "invalid UTF-8 in the query replaced by U+FFFD";
    case Problem::Limit: return "query reduced to the parser's limits";
  }
  return "query read differently than written";
}

// One parser for both modes. Every place the grammar can fail calls malformed(): strict, it
// throws; lenient, it records the first problem for the note and returns, and the caller
// reads the construct the plain-text way (a word, a group closed at the end, an operator
// dropped). Until its first problem a lenient parse takes exactly the strict path, so a
// valid query gives the same tree in both modes.
class Parser {
 public:
  Parser(std::string_view input, bool lenient, const std::optional<TimeContext>& time)
      : s_(input), lenient_(lenient), time_(time) {}

  Query run() {
    if (s_.size() > kMaxQueryBytes) {
      const std::string what = "query is " + std::to_string(s_.size()) + " bytes, longer than the limit of " +
                               std::to_string(kMaxQueryBytes) + " bytes";
      if (!lenient_) throw Error(ErrorCode::InvalidQuery, what);
      note(Problem::Limit, what);
      repair_and_cut();
    } else if (const std::size_t bad = first_invalid_utf8(s_); bad < s_.size()) {
      const std::string what = "invalid UTF-8 at position " + std::to_string(column_of(s_, bad));
      if (!lenient_) throw Error(ErrorCode::InvalidQuery, what + ": " + excerpt(s_, bad, true));
      note(Problem::Encoding, what);
      repair_and_cut();
    }
    Query query;
    query.root = parse_or(Context{}, 0, false);
    query.note = std::move(note_);
    return query;
  }

 private:
  std::string_view s_;
  bool lenient_;
  std::optional<TimeContext> time_;  // what phrases in date: count from; absent: the clock, UTC
  Field date_field_ = Field::Text;   // the date field being read: Text (date:) or Mentions
  std::string repaired_;  // lenient: the input made valid UTF-8 and cut to the size limit
  std::string note_;
  std::size_t i_ = 0;
  std::size_t clauses_ = 0;
  // Lenient: '(' read as spaces past the depth limit, whose ')' are skipped too.
  std::size_t flattened_ = 0;

  static std::size_t first_invalid_utf8(std::string_view s) {
    std::size_t k = 0;
    while (k < s.size()) {
      const std::size_t len = utf8_length(s, k);
      if (len == 0) break;
      k += len;
    }
    return k;
  }

  // A replaced bad sequence (at most 3 bytes) becomes the 3 bytes of U+FFFD, so the first
  // kMaxQueryBytes bytes of the repair come from at most as many input bytes; the 4 more
  // keep whole a code point that straddles the limit. Huge inputs cost no more than this.
  void repair_and_cut() {
    repaired_ = base::repair_utf8(s_.substr(0, kMaxQueryBytes + 4)).text;
    if (repaired_.size() > kMaxQueryBytes) {
      std::size_t cut = kMaxQueryBytes;
      while (cut > 0 && is_continuation(repaired_[cut])) --cut;
      repaired_.resize(cut);
    }
    s_ = repaired_;
  }

  // One line of text: a quoted value (`kind:"a<NUL>b"`) may bring control characters.
  void note(Problem problem, std::string_view what) {
    if (!note_.empty()) return;
    note_ = problem_lead(problem);
    note_ += ": ";
    append_printable(note_, what);
  }

  // The message reads "<what> at position N<detail>: <excerpt>"; the note keeps its first
  // part. Only the first problem is located, so a hostile query with thousands of problems
  // does not count columns thousands of times.
  void malformed(std::size_t at, const std::string& what, const std::string& detail = {},
                 Problem problem = Problem::Syntax) {
    if (lenient_ && !note_.empty()) return;
    const std::string located = what + " at position " + std::to_string(column_of(s_, at));
    if (!lenient_) throw Error(ErrorCode::InvalidQuery, located + detail + ": " + excerpt(s_, at, false));
    note(problem, located);
  }

  bool at_end() const { return i_ >= s_.size(); }
  bool is_space(std::size_t at) const { return space_length(s_, at) != 0; }
  void skip_space() {
    while (!at_end()) {
      const std::size_t len = space_length(s_, i_);
      if (len == 0) return;
      i_ += len;
    }
  }

  void skip_flattened_closes() {
    while (flattened_ > 0 && !at_end() && s_[i_] == ')') {
      --flattened_;
      ++i_;
      skip_space();
    }
  }

  // End of the word starting at `from`. Plain words stop at a separator, a parenthesis or
  // a quote; keyword values (tag:, uri:, ...) and date values only at a separator or ')'
  // (and date range bounds also at ']' or '}').
  enum class WordKind { Plain, Keyword, RangeBound };
  std::size_t word_end(std::size_t from, WordKind kind) const {
    std::size_t k = from;
    while (k < s_.size()) {
      const char c = s_[k];
      if (c == ')' || is_space(k)) break;
      if (kind == WordKind::Plain && (c == '(' || c == '"')) break;
      if (kind == WordKind::RangeBound && (c == ']' || c == '}')) break;
      ++k;
    }
    return k;
  }

  // The operator spelled by the whole word at `at`, if any. Looks at no more than four
  // characters, so scanning a long word for prefixes stays linear.
  Op op_at(std::size_t at, std::size_t* length) const {
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"AND", Op::And}, {"&&", Op::And}, {"OR", Op::Or}, {"||", Op::Or}, {"NOT", Op::Not}};
    for (const auto& [spelling, op] : kOps) {
      if (s_.substr(at, spelling.size()) != spelling) continue;
      const std::size_t end = at + spelling.size();
      if (end < s_.size() && word_end(end, WordKind::Plain) != end) continue;
      *length = spelling.size();
      return op;
    }
    *length = 0;
    return Op::None;
  }

  std::string op_text(std::size_t at) const {
    std::size_t length = 0;
    op_at(at, &length);
    // Appended piecewise: GCC 12 at -O3 misreports "lit" + std::string as overlapping memcpy.
    std::string text(1, '\'');
    text.append(s_.substr(at, length));
    text += '\'';
    return text;
  }

  // After a binary operator or NOT at `op_pos` (spaces skipped): whether an operand follows.
  // Lenient, a user who typed `a AND OR b` or `a OR` meant no operator there: operators
  // doubled after this one are dropped, and so is this one when nothing follows it.
  bool operand_follows(std::size_t op_pos) {
    while (true) {
      if (at_end() || s_[i_] == ')') {
        malformed(op_pos, "missing operand after " + op_text(op_pos));
        return false;
      }
      std::size_t length = 0;
      const Op next = op_at(i_, &length);
      if (next != Op::And && next != Op::Or) return true;
      malformed(i_, op_text(i_) + " cannot follow " + op_text(op_pos));
      i_ += length;
      skip_space();
    }
  }

  // A '+' or '-' prefix applies when something other than a separator or ')' follows it.
  bool prefix_attached(std::size_t at) const {
    return at + 1 < s_.size() && s_[at + 1] != ')' && !is_space(at + 1);
  }

  // A '(' at i_ that would nest deeper than the limit.
  bool too_deep(std::size_t depth) {
    if (depth < kMaxQueryDepth) return false;
    malformed(i_, "parentheses nested deeper than " + std::to_string(kMaxQueryDepth) + " levels", {},
              Problem::Limit);
    return true;
  }

  // Lenient: nullptr past the clause limit (the clause is dropped).
  NodePtr make_leaf(Node::Type type, Field field, std::string text, std::size_t position) {
    if (++clauses_ > kMaxQueryClauses) {
      malformed(position,
                "too many clauses (the limit is " + std::to_string(kMaxQueryClauses) +
                    " terms, phrases and date ranges)",
                {}, Problem::Limit);
      return nullptr;
    }
    auto node = std::make_unique<Node>();
    node->type = type;
    node->field = field;
    node->text = std::move(text);
    node->position = position;
    return node;
  }

  // Lenient: nullptr for a blank phrase, which says nothing to search for.
  NodePtr make_phrase(Field field, std::string text, std::size_t position) {
    if (is_blank(text)) {
      malformed(position, "empty phrase");
      return nullptr;
    }
    return make_leaf(Node::Type::Phrase, field, std::move(text), position);
  }

  // or_list := and_expr ( [OR] and_expr )*      -- up to the end or the closing ')'
  // Lenient parsing may drop a clause, so any clause may be null; a list of none is null.
  NodePtr parse_or(const Context& ctx, std::size_t depth, bool in_group) {
    std::vector<Clause> clauses;
    while (true) {
      skip_space();
      skip_flattened_closes();
      if (at_end()) break;
      if (s_[i_] == ')') {
        if (in_group) break;
        malformed(i_, "unmatched ')'");
        ++i_;
        continue;
      }
      std::size_t length = 0;
      const Op op = op_at(i_, &length);
      if (op == Op::And || (op == Op::Or && clauses.empty())) {
        malformed(i_, "missing operand before " + op_text(i_));
        i_ += length;
        continue;
      }
      if (op == Op::Or) {
        const std::size_t op_pos = i_;
        i_ += length;
        skip_space();
        if (!operand_follows(op_pos)) continue;
      }
      Clause clause = parse_and(ctx, depth);
      if (clause.node) clauses.push_back(std::move(clause));
    }
    if (clauses.empty()) return nullptr;

    // Optional clauses form an OR; required and negated ones are AND-ed with it.
    std::vector<NodePtr> optional, rest;
    for (auto& clause : clauses) {
      if (clause.required || clause.node->type == Node::Type::Not) rest.push_back(std::move(clause.node));
      else optional.push_back(std::move(clause.node));
    }
    if (rest.empty()) return make_list(Node::Type::Or, std::move(optional));
    std::vector<NodePtr> parts;
    if (!optional.empty()) parts.push_back(make_list(Node::Type::Or, std::move(optional)));
    for (auto& node : rest) parts.push_back(std::move(node));
    return make_list(Node::Type::And, std::move(parts));
  }

  // and_expr := unary ( AND unary )*   -- required if any operand carries '+'
  Clause parse_and(const Context& ctx, std::size_t depth) {
    std::vector<NodePtr> parts;
    bool required = false;
    const auto add = [&](Clause clause) {
      if (!clause.node) return;
      required = required || clause.required;
      parts.push_back(std::move(clause.node));
    };
    add(parse_unary(ctx, depth));
    while (true) {
      skip_space();
      skip_flattened_closes();  // so that `((a) AND b)` past the depth limit keeps its AND
      std::size_t length = 0;
      if (at_end() || op_at(i_, &length) != Op::And) break;
      const std::size_t op_pos = i_;
      i_ += length;
      skip_space();
      if (!operand_follows(op_pos)) break;
      add(parse_unary(ctx, depth));
    }
    if (parts.empty()) return Clause{};
    return Clause{make_list(Node::Type::And, std::move(parts)), required};
  }

  // unary := ( NOT | '-' | '+' )* primary      -- i_ is at a non-space character
  Clause parse_unary(const Context& ctx, std::size_t depth) {
    bool negate = false, required = false;
    std::size_t negate_pos = 0;
    while (true) {
      std::size_t length = 0;
      const Op op = op_at(i_, &length);
      const char c = s_[i_];
      if (op == Op::Not) {
        if (!negate) negate_pos = i_;
        negate = !negate;
        const std::size_t op_pos = i_;
        i_ += length;
        skip_space();
        if (!operand_follows(op_pos)) return Clause{};
      } else if ((c == '-' || c == '+') && prefix_attached(i_)) {
        if (c == '-') {
          if (!negate) negate_pos = i_;
          negate = !negate;
        } else {
          required = true;
        }
        ++i_;
        const Op next = op_at(i_, &length);
        if (next == Op::And || next == Op::Or) {
          malformed(i_, op_text(i_) + " cannot follow '" + std::string(1, c) + "'");
          break;  // the prefix applies to the operator read as a word: -AND is NOT "AND"
        }
      } else if (c == '(' && too_deep(depth)) {
        // Flattened: read as a space, which a recursion could not do past the limit.
        const std::size_t open = i_;
        ++flattened_;
        ++i_;
        skip_space();
        if (!operand_follows(open)) return Clause{};
      } else {
        break;
      }
    }
    NodePtr node = parse_primary(ctx, depth);
    if (!node) return Clause{};
    if (negate) node = make_not(std::move(node), negate_pos);
    return Clause{std::move(node), required};
  }

  // primary := '(' or_list ')' | "phrase" | field:value | word
  NodePtr parse_primary(const Context& ctx, std::size_t depth) {
    const std::size_t start = i_;
    const char c = s_[i_];
    if (c == '(') return parse_group(ctx, depth);
    if (c == '"') {
      std::string text = read_quoted();
      if (!ctx.keyword) return make_phrase(ctx.field, std::move(text), start);
      if (NodePtr value = make_keyword(ctx.field, text, start, start)) return value;
      return make_phrase(Field::Text, std::move(text), start);
    }
    if (ctx.keyword) {
      i_ = word_end(start, WordKind::Keyword);
      std::string text(s_.substr(start, i_ - start));
      // A value the field cannot take (`kind:(text vid)`) is text, as a word or a phrase.
      if (NodePtr value = make_keyword(ctx.field, text, start, start)) return value;
      return make_leaf(Node::Type::Term, Field::Text, std::move(text), start);
    }
    if (std::optional<NodePtr> field = try_field(depth)) return std::move(*field);
    i_ = word_end(start, WordKind::Plain);
    return make_leaf(Node::Type::Term, ctx.field, std::string(s_.substr(start, i_ - start)), start);
  }

  // A group past the depth limit never gets here: parse_unary flattens it first.
  NodePtr parse_group(const Context& ctx, std::size_t depth) {
    const std::size_t open = i_;
    ++i_;
    NodePtr inner = parse_or(ctx, depth + 1, true);
    if (at_end()) malformed(open, "unbalanced '('");  // lenient: closed at the end
    else ++i_;                                         // the ')'
    if (!inner) malformed(open, "empty group '()'");
    return inner;
  }

  // `"...`: the unescaped text; i_ ends past the closing quote. Lenient, a phrase whose
  // closing quote is missing runs to the end of the query: most often it was forgotten there.
  std::string read_quoted() {
    const std::size_t open = i_;
    std::string text;
    for (std::size_t k = open + 1; k < s_.size(); ++k) {
      const char c = s_[k];
      if (c == '\\' && k + 1 < s_.size() && (s_[k + 1] == '"' || s_[k + 1] == '\\')) {
        text += s_[++k];
      } else if (c == '"') {
        i_ = k + 1;
        return text;
      } else {
        text += c;
      }
    }
    malformed(open, "unbalanced quote");
    i_ = s_.size();
    return text;
  }

  // Lenient: nullptr for a value the field cannot take (empty, or not a kind).
  NodePtr make_keyword(Field field, std::string value, std::size_t value_pos, std::size_t node_pos) {
    if (value.empty()) {
      malformed(value_pos, "empty " + std::string(field_name(field)) + ": value");
      return nullptr;
    }
    if (field == Field::Kind) {
      std::string lower;
      for (char c : value) lower += ascii_lower(c);
      if (std::find(std::begin(kKinds), std::end(kKinds), lower) == std::end(kKinds)) {
        malformed(value_pos, value.size() <= 40 ? "unknown kind '" + value + "'" : std::string("unknown kind"),
                  " (expected one of: text, document, chunk, binary)");
        return nullptr;
      }
      value = std::move(lower);
    }
    return make_leaf(Node::Type::Term, field, std::move(value), node_pos);
  }

  // A field is an ASCII-alphabetic name, ':' and then a non-separator. nullopt, with i_
  // back at the start, when the word at i_ is to be read as a plain word: it is no field,
  // or (lenient) an unknown one or one with an unusable value (`std::vector`, `kind:banana`).
  // Otherwise the field's clause, null when it was dropped (`title:()`, the clause limit).
  std::optional<NodePtr> try_field(std::size_t depth) {
    const std::size_t start = i_;
    std::size_t colon = start;
    while (colon < s_.size() && is_ascii_alpha(s_[colon])) ++colon;
    if (colon < s_.size() && s_[colon] == '.' && iequals(s_.substr(start, colon - start), "meta")) return try_meta(start, colon);
    if (colon == start || colon >= s_.size() || s_[colon] != ':') return std::nullopt;
    const std::string_view name = s_.substr(start, colon - start);
    const bool value_follows = colon + 1 < s_.size() && !is_space(colon + 1);
    const FieldInfo* info = nullptr;
    for (const FieldInfo& f : kFields)
      if (iequals(f.name, name)) info = &f;
    if (!info) {
      if (!value_follows) return std::nullopt;  // "note: ..." is plain text
      // A URL typed into a query (https://..., mailto:x) is text, not a field.
      if (s_.substr(colon + 1, 2) == "//" || iequals(name, "mailto")) return std::nullopt;
      malformed(start, "unknown field '" + std::string(name) + "'", " (known: title, tag, label, kind, uri, date, mentions)");
      return std::nullopt;
    }
    std::string label(1, '\'');
    label.append(info->name);
    label += ":'";
    if (!value_follows || s_[colon + 1] == ')') {
      malformed(start, "missing value after " + label);
      return std::nullopt;
    }
    i_ = colon + 1;
    date_field_ = info->field;
    std::optional<NodePtr> value = info->is_date ? parse_date(start) : parse_field_value(*info, start, depth);
    date_field_ = Field::Text;
    if (!value) i_ = start;
    return value;
  }

  // meta.KEY:VALUE, meta.KEY:"a value", meta.KEY:[A TO B] (dot at s_[dot]); returns as
  // try_field does. KEY: letters, digits and _ - . (a dotted path into nested objects).
  std::optional<NodePtr> try_meta(std::size_t start, std::size_t dot) {
    std::size_t colon = dot + 1;
    auto key_char = [](char c) {
      return is_ascii_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
             static_cast<unsigned char>(c) >= 0x80;
    };
    while (colon < s_.size() && key_char(s_[colon])) ++colon;
    if (colon >= s_.size() || s_[colon] != ':') return std::nullopt;  // "meta.data" is a word
    const std::string key(s_.substr(dot + 1, colon - dot - 1));
    if (key.empty() || key.front() == '.' || key.back() == '.') {
      malformed(dot + 1, "missing metadata key after 'meta.'", " (e.g. meta.user:alice)");
      return std::nullopt;
    }
    if (colon + 1 >= s_.size() || is_space(colon + 1) || s_[colon + 1] == ')') {
      malformed(start, "missing value after 'meta." + key + ":'");
      return std::nullopt;
    }
    i_ = colon + 1;
    const std::size_t value_pos = i_;
    NodePtr node;
    if (s_[i_] == '[' || s_[i_] == '{') {
      auto range = parse_meta_range();
      if (!range) {
        i_ = start;
        return std::nullopt;
      }
      node = make_leaf(Node::Type::Term, Field::Meta, {}, start);
      if (node) {
        node->meta_range = true;
        node->meta_from = std::move(range->from);
        node->meta_until = std::move(range->until);
        node->meta_from_inclusive = range->from_inclusive;
        node->meta_until_inclusive = range->until_inclusive;
      }
    } else if (s_[i_] == '(') {
      malformed(i_, "'meta.' takes a value or a range, not a group", " (e.g. meta.user:alice or meta.score:[3 TO *])");
      i_ = start;
      return std::nullopt;
    } else {
      std::string value;
      if (s_[i_] == '"') {
        value = read_quoted();
      } else {
        i_ = word_end(i_, WordKind::Keyword);
        value = std::string(s_.substr(value_pos, i_ - value_pos));
      }
      node = make_leaf(Node::Type::Term, Field::Meta, std::move(value), start);
    }
    if (node) node->meta_key = key;
    return node;
  }

  struct MetaRange {
    std::optional<std::string> from, until;
    bool from_inclusive = true, until_inclusive = true;
  };

  // [A TO B] or {A TO B} after meta.KEY: (i_ at the bracket); bounds are words or quoted,
  // '*' for an open end; compared as numbers, dates or strings when the filter runs.
  std::optional<MetaRange> parse_meta_range() {
    const std::optional<RangeTokens> t = read_range("range");
    if (!t) return std::nullopt;
    MetaRange r;
    r.from_inclusive = t->from_inclusive;
    r.until_inclusive = t->until_inclusive;
    if (t->from.quoted || t->from.text != "*") r.from = t->from.text;
    if (t->until.quoted || t->until.text != "*") r.until = t->until.text;
    return r;
  }

  // The value of a field other than date:, i_ just past the colon; returns as try_field does
  // (nullopt: a value the field cannot take), and so do the date parsers.
  std::optional<NodePtr> parse_field_value(const FieldInfo& info, std::size_t start, std::size_t depth) {
    const std::size_t value_pos = i_;
    const char c = s_[i_];
    if (c == '(') {
      if (too_deep(depth)) return std::nullopt;
      return parse_group(Context{info.field, info.field != Field::Title}, depth);
    }
    NodePtr value;
    if (c == '"') {
      std::string text = read_quoted();
      if (info.field != Field::Title) {
        value = make_keyword(info.field, std::move(text), value_pos, start);
      } else if (is_blank(text)) {
        malformed(value_pos, "empty phrase");
      } else {
        return make_leaf(Node::Type::Phrase, Field::Title, std::move(text), start);
      }
    } else if (info.field == Field::Title) {
      if ((c == '-' || c == '+') && prefix_attached(i_)) {
        malformed(i_, "'" + std::string(1, c) + "' must come before the field",
                  " (write " + std::string(1, c) + "title:word)");
        return std::nullopt;
      }
      i_ = word_end(i_, WordKind::Plain);
      return make_leaf(Node::Type::Term, Field::Title, std::string(s_.substr(value_pos, i_ - value_pos)), start);
    } else {
      i_ = word_end(i_, WordKind::Keyword);
      value = make_keyword(info.field, std::string(s_.substr(value_pos, i_ - value_pos)), value_pos, start);
    }
    if (!value) return std::nullopt;
    return value;
  }

  // date:VALUE (a whole day for YYYY-MM-DD, else one instant) or date:[FROM TO UNTIL]
  // with '[' ']' inclusive, '{' '}' exclusive and '*' for an open end.
  std::optional<NodePtr> parse_date(std::size_t start) {
    const char c = s_[i_];
    if (c == '[' || c == '{') return parse_date_range(start);
    if (c == '(') {
      malformed(i_, "'date:' takes a date or a range, not a group", " (e.g. date:2024-03-05 or date:[2024-01-01 TO *])");
      return std::nullopt;
    }
    const DateToken token = read_date_token(WordKind::Keyword);
    if (!token.quoted && token.text == "*") {
      malformed(token.position, "'date:*' is not a date", " (use date:[* TO *])");
      return std::nullopt;
    }
    const auto value = parse_date_value(token);
    if (!value) return std::nullopt;
    return make_date(start, value->first, value->last);  }

  // The two bounds of [FROM TO UNTIL] or {FROM TO UNTIL} at i_, and which are inclusive
  // ('[' ']'); what names the range in messages ("date range", "range").
  struct RangeTokens {
    DateToken from, until;
    bool from_inclusive = true, until_inclusive = true;
  };
  std::optional<RangeTokens> read_range(const std::string& what) {
    const std::size_t open = i_;
    RangeTokens r;
    r.from_inclusive = s_[open] == '[';
    ++i_;
    const std::optional<DateToken> from = expect_bound(open, "lower", what);
    if (!from) return std::nullopt;
    skip_space();
    if (at_end()) return unclosed_range(open, what);
    const std::size_t to_pos = i_;
    const std::size_t to_end = word_end(i_, WordKind::RangeBound);
    const std::string_view to = s_.substr(to_pos, to_end - to_pos);
    if (to != "TO") {
      if (iequals(to, "TO")) malformed(to_pos, "'TO' in a " + what + " must be uppercase");
      else malformed(to_pos, "expected 'TO' in the " + what);
      return std::nullopt;
    }
    i_ = to_end;
    const std::optional<DateToken> until = expect_bound(open, "upper", what);
    if (!until) return std::nullopt;
    skip_space();
    if (at_end()) return unclosed_range(open, what);
    if (s_[i_] != ']' && s_[i_] != '}') {
      malformed(i_, "expected ']' or '}' to close the " + what);
      return std::nullopt;
    }
    r.until_inclusive = s_[i_] == ']';
    ++i_;
    r.from = *from;
    r.until = *until;
    return r;
  }

  std::optional<NodePtr> parse_date_range(std::size_t start) {
    const std::optional<RangeTokens> range = read_range("date range");
    if (!range) return std::nullopt;
    const DateToken* from = &range->from;
    const DateToken* until = &range->until;
    const bool from_inclusive = range->from_inclusive, until_inclusive = range->until_inclusive;

    std::optional<std::int64_t> from_ms, until_ms;
    if (from->quoted || from->text != "*") {
      const auto value = parse_date_value(*from);
      if (!value) return std::nullopt;
      const auto edge = from_inclusive ? value->first : value->last;
      if (edge && !from_inclusive && *edge == std::numeric_limits<std::int64_t>::max()) {
        malformed(from->position, "empty date range");
        return std::nullopt;
      }
      if (edge) from_ms = from_inclusive ? *edge : *edge + 1;  // '{': after all of that date
    }
    if (until->quoted || until->text != "*") {
      const auto value = parse_date_value(*until);
      if (!value) return std::nullopt;
      const auto edge = until_inclusive ? value->last : value->first;
      if (edge && !until_inclusive && *edge == std::numeric_limits<std::int64_t>::min()) {
        malformed(until->position, "empty date range");
        return std::nullopt;
      }
      if (edge) until_ms = until_inclusive ? *edge : *edge - 1;  // '}': before all of that date
    }
    if (from_ms && until_ms && *from_ms > *until_ms) {
      malformed(until->position, "empty date range", " (no instant lies between the bounds)");
      return std::nullopt;
    }
    return make_date(start, from_ms, until_ms);
  }

  std::nullopt_t unclosed_range(std::size_t open, const std::string& what) {
    malformed(open, "unclosed " + what, " (missing ']' or '}')");
    return std::nullopt;
  }

  std::optional<DateToken> expect_bound(std::size_t open, const char* which, const std::string& what) {
    skip_space();
    if (at_end()) return unclosed_range(open, what);
    const char c = s_[i_];
    if (c == ']' || c == '}' || c == ')') {
      malformed(i_, std::string("missing ") + which + " bound in the " + what, " (use * for an open end)");
      return std::nullopt;
    }
    return read_date_token(WordKind::RangeBound);
  }

  DateToken read_date_token(WordKind kind) {
    DateToken token;
    token.position = i_;
    if (s_[i_] == '"') {
      token.quoted = true;
      token.text = read_quoted();
    } else {
      const std::size_t end = word_end(i_, kind);
      token.text = std::string(s_.substr(i_, end - i_));
      i_ = end;
    }
    return token;
  }

  // The instants a date token covers (resolve_time_value, memvid/time.hpp), in the query's
  // time zone and from its anchor.
  std::optional<TimeSpan> parse_date_value(const DateToken& token) {
    const std::string shown = token.text.size() <= 40 ? " '" + token.text + "'" : "";
    try {
      TimeContext context;
      if (time_) {
        context = *time_;
      } else {
        context.anchor_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
      }
      TimeSpan v = resolve_time_value(token.text, context);
      if (date_field_ == Field::Mentions && v.phrase) {
        // mentions: compares calendar days, so a phrase's edges become the zone's wall clock
        const timezone::TimeZone zone = timezone::TimeZone::load(context.zone);
        if (v.first) v.first = zone.local_ms(*v.first);
        if (v.last) v.last = zone.local_ms(*v.last);
      }
      return v;
    } catch (const Error& e) {
      std::string why = e.what();
      if (const auto colon = why.find("': "); colon != std::string::npos) why = why.substr(colon + 3);
      malformed(token.position, "invalid date" + shown,
                " (" + why + "; dates are YYYY-MM-DD, ISO-8601 date-times, epoch milliseconds or phrases such as "
                "\"last week\")");
      return std::nullopt;
    }
  }

  NodePtr make_date(std::size_t start, std::optional<std::int64_t> from, std::optional<std::int64_t> until) {
    NodePtr node = make_leaf(Node::Type::DateRange, date_field_, {}, start);
    if (node) {
      node->from_ms = from;
      node->until_ms = until;
    }
    return node;
  }
};

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string_view field_name(Field field) noexcept {
  switch (field) {
    case Field::Text: return "text";
    case Field::Title: return "title";
    case Field::Tag: return "tag";
    case Field::Label: return "label";
    case Field::Kind: return "kind";
    case Field::Uri: return "uri";
    case Field::Meta: return "meta";
    case Field::Mentions: return "mentions";
  }
  return "unknown";
}

Query parse_query(std::string_view input, const std::optional<TimeContext>& time) {
  return Parser(input, false, time).run();
}

Query parse_query_text(std::string_view input, const std::optional<TimeContext>& time) {
  return Parser(input, true, time).run();
}

std::string to_debug_string(const Node& node) {
  std::string out = "(";
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase:
      out += node.type == Node::Type::Term ? "TERM " : "PHRASE ";
      out += field_name(node.field);
      out += ' ';
      if (node.field == Field::Meta) {
        append_quoted(out, node.meta_key);
        out += ' ';
        if (node.meta_range) {
          out += node.meta_from_inclusive ? '[' : '{';
          if (node.meta_from) append_quoted(out, *node.meta_from);
          else out += '*';
          out += " TO ";
          if (node.meta_until) append_quoted(out, *node.meta_until);
          else out += '*';
          out += node.meta_until_inclusive ? ']' : '}';
          break;
        }
      }
      append_quoted(out, node.text);
      break;
    case Node::Type::DateRange:
      out += node.field == Field::Mentions ? "MENTIONS " : "DATE ";
      out += node.from_ms ? format_timestamp_iso(*node.from_ms) : "*";
      out += ' ';
      out += node.until_ms ? format_timestamp_iso(*node.until_ms) : "*";
      break;
    case Node::Type::And:
    case Node::Type::Or:
    case Node::Type::Not:
      out += node.type == Node::Type::And ? "AND" : node.type == Node::Type::Or ? "OR" : "NOT";
      for (const auto& child : node.children) {
        out += ' ';
        out += to_debug_string(*child);
      }
      break;
  }
  out += ')';
  return out;
}

bool is_free_text(const Node& node) {
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase: return node.field == Field::Text || node.field == Field::Title;
    case Node::Type::Or:
      for (const NodePtr& c : node.children)
        if (!is_free_text(*c)) return false;
      return true;
    case Node::Type::And:
    case Node::Type::Not:
    case Node::Type::DateRange: return false;
  }
  return false;
}

}  // namespace memvid::search
