// A hand-written recursive-descent parser for docs/QUERY.md. It reads the query in place
// (no separate token list) because what a character means depends on where it is: after
// `uri:` a ':' or '/' is part of the value, inside `date:[...]` the words are dates.
//
// Recursion happens only at parentheses, and their depth is capped before descending, so
// a hostile query cannot exhaust the stack; prefix chains (NOT NOT ..., ----x) are loops.
// The whole input is checked for UTF-8 first, so everything after can step over code
// points without re-validating.
#include "search/query.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "memvid/error.hpp"
#include "memvid/timestamp.hpp"

namespace memvid::search {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
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

class Parser {
 public:
  explicit Parser(std::string_view input) : s_(input) {}

  Query run() {
    if (s_.size() > kMaxQueryBytes)
      throw Error(ErrorCode::InvalidQuery, "query is " + std::to_string(s_.size()) +
                                               " bytes, longer than the limit of " +
                                               std::to_string(kMaxQueryBytes) + " bytes");
    for (std::size_t k = 0; k < s_.size();) {
      const std::size_t len = utf8_length(s_, k);
      if (len == 0)
        throw Error(ErrorCode::InvalidQuery, "invalid UTF-8 at position " + std::to_string(column_of(s_, k)) +
                                                 ": " + excerpt(s_, k, true));
      k += len;
    }
    return Query{parse_or(Context{}, 0, false)};
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  std::size_t clauses_ = 0;

  [[noreturn]] void fail(std::size_t at, const std::string& what, const std::string& detail = {}) const {
    throw Error(ErrorCode::InvalidQuery, what + " at position " + std::to_string(column_of(s_, at)) + detail +
                                             ": " + excerpt(s_, at, false));
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

  // After a binary operator or NOT at `op_pos` (spaces skipped): an operand must follow.
  void expect_operand_after(std::size_t op_pos) const {
    if (at_end() || s_[i_] == ')') fail(op_pos, "missing operand after " + op_text(op_pos));
    std::size_t length = 0;
    const Op next = op_at(i_, &length);
    if (next == Op::And || next == Op::Or) fail(i_, op_text(i_) + " cannot follow " + op_text(op_pos));
  }

  // A '+' or '-' prefix applies when something other than a separator or ')' follows it.
  bool prefix_attached(std::size_t at) const {
    return at + 1 < s_.size() && s_[at + 1] != ')' && !is_space(at + 1);
  }

  NodePtr make_leaf(Node::Type type, Field field, std::string text, std::size_t position) {
    if (++clauses_ > kMaxQueryClauses)
      fail(position, "too many clauses (the limit is " + std::to_string(kMaxQueryClauses) +
                         " terms, phrases and date ranges)");
    auto node = std::make_unique<Node>();
    node->type = type;
    node->field = field;
    node->text = std::move(text);
    node->position = position;
    return node;
  }

  // or_list := and_expr ( [OR] and_expr )*      -- up to the end or the closing ')'
  NodePtr parse_or(const Context& ctx, std::size_t depth, bool in_group) {
    std::vector<Clause> clauses;
    while (true) {
      skip_space();
      if (at_end()) break;
      if (s_[i_] == ')') {
        if (in_group) break;
        fail(i_, "unmatched ')'");
      }
      std::size_t length = 0;
      const Op op = op_at(i_, &length);
      if (op == Op::And || (op == Op::Or && clauses.empty())) fail(i_, "missing operand before " + op_text(i_));
      if (op == Op::Or) {
        const std::size_t op_pos = i_;
        i_ += length;
        skip_space();
        expect_operand_after(op_pos);
      }
      clauses.push_back(parse_and(ctx, depth));
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
    Clause first = parse_unary(ctx, depth);
    bool required = first.required;
    std::vector<NodePtr> parts;
    parts.push_back(std::move(first.node));
    while (true) {
      const std::size_t before = i_;
      skip_space();
      std::size_t length = 0;
      if (at_end() || op_at(i_, &length) != Op::And) {
        i_ = before;
        break;
      }
      const std::size_t op_pos = i_;
      i_ += length;
      skip_space();
      expect_operand_after(op_pos);
      Clause next = parse_unary(ctx, depth);
      required = required || next.required;
      parts.push_back(std::move(next.node));
    }
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
        expect_operand_after(op_pos);
      } else if ((c == '-' || c == '+') && prefix_attached(i_)) {
        if (c == '-') {
          if (!negate) negate_pos = i_;
          negate = !negate;
        } else {
          required = true;
        }
        ++i_;
        const Op next = op_at(i_, &length);
        if (next == Op::And || next == Op::Or) fail(i_, op_text(i_) + " cannot follow '" + std::string(1, c) + "'");
      } else {
        break;
      }
    }
    NodePtr node = parse_primary(ctx, depth);
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
      if (ctx.keyword) return make_keyword(ctx.field, std::move(text), start, start);
      if (is_blank(text)) fail(start, "empty phrase");
      return make_leaf(Node::Type::Phrase, ctx.field, std::move(text), start);
    }
    if (ctx.keyword) {
      i_ = word_end(start, WordKind::Keyword);
      return make_keyword(ctx.field, std::string(s_.substr(start, i_ - start)), start, start);
    }
    if (NodePtr field = try_field(depth)) return field;
    i_ = word_end(start, WordKind::Plain);
    return make_leaf(Node::Type::Term, ctx.field, std::string(s_.substr(start, i_ - start)), start);
  }

  NodePtr parse_group(const Context& ctx, std::size_t depth) {
    const std::size_t open = i_;
    if (depth >= kMaxQueryDepth)
      fail(open, "parentheses nested deeper than " + std::to_string(kMaxQueryDepth) + " levels");
    ++i_;
    NodePtr inner = parse_or(ctx, depth + 1, true);
    if (at_end()) fail(open, "unbalanced '('");
    if (!inner) fail(open, "empty group '()'");
    ++i_;  // the ')'
    return inner;
  }

  // `"...`: the unescaped text; i_ ends past the closing quote.
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
    fail(open, "unbalanced quote");
  }

  NodePtr make_keyword(Field field, std::string value, std::size_t value_pos, std::size_t node_pos) {
    if (value.empty()) fail(value_pos, "empty " + std::string(field_name(field)) + ": value");
    if (field == Field::Kind) {
      std::string lower;
      for (char c : value) lower += ascii_lower(c);
      if (std::find(std::begin(kKinds), std::end(kKinds), lower) == std::end(kKinds))
        fail(value_pos, value.size() <= 40 ? "unknown kind '" + value + "'" : std::string("unknown kind"),
             " (expected one of: text, document, chunk, binary)");
      value = std::move(lower);
    }
    return make_leaf(Node::Type::Term, field, std::move(value), node_pos);
  }

  // A field is an ASCII-alphabetic name, ':' and then a non-separator. Returns nullptr
  // (and consumes nothing) when the word at i_ is not a field.
  NodePtr try_field(std::size_t depth) {
    const std::size_t start = i_;
    std::size_t colon = start;
    while (colon < s_.size() && is_ascii_alpha(s_[colon])) ++colon;
    if (colon == start || colon >= s_.size() || s_[colon] != ':') return nullptr;
    const std::string_view name = s_.substr(start, colon - start);
    const bool value_follows = colon + 1 < s_.size() && !is_space(colon + 1);
    const FieldInfo* info = nullptr;
    for (const FieldInfo& f : kFields)
      if (iequals(f.name, name)) info = &f;
    if (!info) {
      if (!value_follows) return nullptr;  // "note: ..." is plain text
      // A URL typed into a query (https://..., mailto:x) is text, not a field.
      if (s_.substr(colon + 1, 2) == "//" || iequals(name, "mailto")) return nullptr;
      fail(start, "unknown field '" + std::string(name) + "'", " (known: title, tag, label, kind, uri, date)");
    }
    std::string label(1, '\'');
    label.append(info->name);
    label += ":'";
    if (!value_follows || s_[colon + 1] == ')') fail(start, "missing value after " + label);
    i_ = colon + 1;
    if (info->is_date) return parse_date(start);

    const char c = s_[i_];
    if (c == '(') return parse_group(Context{info->field, info->field != Field::Title}, depth);
    if (c == '"') {
      const std::size_t quote = i_;
      std::string text = read_quoted();
      if (info->field != Field::Title) return make_keyword(info->field, std::move(text), quote, start);
      if (is_blank(text)) fail(quote, "empty phrase");
      return make_leaf(Node::Type::Phrase, Field::Title, std::move(text), start);
    }
    if (info->field == Field::Title) {
      if ((c == '-' || c == '+') && prefix_attached(i_))
        fail(i_, "'" + std::string(1, c) + "' must come before the field", " (write " + std::string(1, c) + "title:word)");
      i_ = word_end(i_, WordKind::Plain);
      return make_leaf(Node::Type::Term, Field::Title, std::string(s_.substr(colon + 1, i_ - colon - 1)), start);
    }
    i_ = word_end(i_, WordKind::Keyword);
    return make_keyword(info->field, std::string(s_.substr(colon + 1, i_ - colon - 1)), colon + 1, start);
  }

  // date:VALUE (a whole day for YYYY-MM-DD, else one instant) or date:[FROM TO UNTIL]
  // with '[' ']' inclusive, '{' '}' exclusive and '*' for an open end.
  NodePtr parse_date(std::size_t start) {
    const char c = s_[i_];
    if (c == '[' || c == '{') return parse_date_range(start);
    if (c == '(')
      fail(i_, "'date:' takes a date or a range, not a group", " (e.g. date:2024-03-05 or date:[2024-01-01 TO *])");
    const DateToken token = read_date_token(WordKind::Keyword);
    if (!token.quoted && token.text == "*") fail(token.position, "'date:*' is not a date", " (use date:[* TO *])");
    const auto [ms, day] = parse_date_value(token);
    return make_date(start, ms, day ? ms + kMsPerDay - 1 : ms);
  }

  NodePtr parse_date_range(std::size_t start) {
    const std::size_t open = i_;
    const bool from_inclusive = s_[open] == '[';
    ++i_;
    const DateToken from = expect_bound(open, "lower");
    skip_space();
    if (at_end()) fail_unclosed_range(open);
    const std::size_t to_pos = i_;
    const std::size_t to_end = word_end(i_, WordKind::RangeBound);
    const std::string_view to = s_.substr(to_pos, to_end - to_pos);
    if (to != "TO") {
      if (iequals(to, "TO")) fail(to_pos, "'TO' in a date range must be uppercase");
      fail(to_pos, "expected 'TO' in the date range");
    }
    i_ = to_end;
    const DateToken until = expect_bound(open, "upper");
    skip_space();
    if (at_end()) fail_unclosed_range(open);
    if (s_[i_] != ']' && s_[i_] != '}') fail(i_, "expected ']' or '}' to close the date range");
    const bool until_inclusive = s_[i_] == ']';
    ++i_;

    std::optional<std::int64_t> from_ms, until_ms;
    if (from.quoted || from.text != "*") {
      const auto [ms, day] = parse_date_value(from);
      if (from_inclusive) {
        from_ms = ms;
      } else if (day) {
        from_ms = ms + kMsPerDay;  // after that day
      } else {
        if (ms == std::numeric_limits<std::int64_t>::max()) fail(from.position, "empty date range");
        from_ms = ms + 1;
      }
    }
    if (until.quoted || until.text != "*") {
      const auto [ms, day] = parse_date_value(until);
      if (until_inclusive) {
        until_ms = day ? ms + kMsPerDay - 1 : ms;  // through the end of that day
      } else if (day) {
        until_ms = ms - 1;  // before that day
      } else {
        if (ms == std::numeric_limits<std::int64_t>::min()) fail(until.position, "empty date range");
        until_ms = ms - 1;
      }
    }
    if (from_ms && until_ms && *from_ms > *until_ms)
      fail(until.position, "empty date range", " (no instant lies between the bounds)");
    return make_date(start, from_ms, until_ms);
  }

  [[noreturn]] void fail_unclosed_range(std::size_t open) const {
    fail(open, "unclosed date range", " (missing ']' or '}')");
  }

  DateToken expect_bound(std::size_t open, const char* which) {
    skip_space();
    if (at_end()) fail_unclosed_range(open);
    const char c = s_[i_];
    if (c == ']' || c == '}' || c == ')')
      fail(i_, std::string("missing ") + which + " bound in the date range", " (use * for an open end)");
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

  // The instant a date token names, and whether it is a bare YYYY-MM-DD (a whole day).
  std::pair<std::int64_t, bool> parse_date_value(const DateToken& token) const {
    const auto ms = parse_timestamp_ms(token.text);
    if (!ms) {
      const std::string shown = token.text.size() <= 40 ? " '" + token.text + "'" : "";
      fail(token.position, "invalid date" + shown,
           " (expected YYYY-MM-DD, an ISO-8601 date-time such as 2024-03-05T14:30:00Z, or epoch milliseconds)");
    }
    const bool day = token.text.size() == 10 && token.text[4] == '-' && token.text[7] == '-';
    return {*ms, day};
  }

  NodePtr make_date(std::size_t start, std::optional<std::int64_t> from, std::optional<std::int64_t> until) {
    NodePtr node = make_leaf(Node::Type::DateRange, Field::Text, {}, start);
    node->from_ms = from;
    node->until_ms = until;
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
  }
  return "unknown";
}

Query parse_query(std::string_view input) { return Parser(input).run(); }

std::string to_debug_string(const Node& node) {
  std::string out = "(";
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase:
      out += node.type == Node::Type::Term ? "TERM " : "PHRASE ";
      out += field_name(node.field);
      out += ' ';
      append_quoted(out, node.text);
      break;
    case Node::Type::DateRange:
      out += "DATE ";
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
