#pragma once
// The search query language (docs/QUERY.md), parsed into a small tree that the engine
// evaluates. The parser only recognizes syntax: it does not tokenize, case-fold or stem
// words; a Term keeps the word exactly as typed and the engine analyzes it.
//
// Shape of the tree (after normalization):
//   - juxtaposition and OR make an Or node; AND binds tighter than OR;
//   - And/Or nodes have >= 2 children and never a child of their own type (flattened);
//   - a negated clause (NOT x, -x) or a required one (+x) in an OR list lifts out of it:
//     `a b +c -d` = (AND (OR a b) c (NOT d)); a lone negation stays (NOT x);
//   - NOT NOT x is x.
// Two readings of the same language: parse_query (strict) rejects a malformed query,
// parse_query_text (lenient, what search uses by default) reads any text.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/time.hpp"

namespace memvid::search {

enum class Field : std::uint8_t { Text, Title, Tag, Label, Kind, Uri, Meta, Mentions };

// "text", "title", "tag", "label", "kind", "uri": the names to_debug_string prints.
std::string_view field_name(Field field) noexcept;

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  enum class Type { Term, Phrase, DateRange, And, Or, Not };
  Type type = Type::Term;
  // Term/Phrase: Text (title and body) or Title. Tag/Label/Kind/Uri: Term only, matched
  // exactly (Uri: as a prefix of the frame's uri). Unused (Text) for the other types.
  Field field = Field::Text;
  // Term on Text/Title: the word as typed, unnormalized (the engine analyzes it, and one
  // word may analyze to several terms or none, e.g. "state-of-the-art", "--").
  // Phrase: the text between the quotes with \" and \\ unescaped.
  // Tag/Label/Uri: the raw value. Kind: the canonical lowercase kind name.
  std::string text;
  // DateRange: both bounds inclusive, in ms since the epoch; nullopt = open end. With field
  // Mentions (`mentions:`, frames whose texts mention a day of the range) the bounds are wall
  // clock times of the query's zone written as if UTC: their calendar days are the range.
  std::optional<std::int64_t> from_ms, until_ms;
  // Term on Meta (`meta.KEY:VALUE`, `meta.KEY:[A TO B]`): the metadata key as typed (a dotted
  // path), and for a range its bounds as typed (nullopt: `*`) and whether each is included;
  // `text` is the value of a plain clause. search/meta_filter.hpp says what matches.
  std::string meta_key;
  bool meta_range = false;
  std::optional<std::string> meta_from, meta_until;
  bool meta_from_inclusive = true, meta_until_inclusive = true;
  // And/Or: two or more; Not: exactly one; leaves: none.
  std::vector<NodePtr> children;
  // Byte offset in the query where the node starts (for And/Or: its earliest child).
  std::size_t position = 0;
};

struct Query {
  NodePtr root;  // nullptr for an empty or whitespace-only query (it matches nothing)
  // parse_query_text only: empty when the query was read exactly as written, else one
  // sentence on the first thing read differently, e.g. "query read as plain text where it
  // was not valid syntax: unknown field 'std' at position 1".
  std::string note;
};

// Strict. Every failure is a memvid::Error with ErrorCode::InvalidQuery whose message reads
// "<what went wrong> at position N<detail>: <excerpt>", N being the 1-based code point
// column (or "query is N bytes, longer than the limit of 10000 bytes").
// `time` anchors and zones the time phrases of date: ("last week"); absent: the clock, UTC.
Query parse_query(std::string_view input, const std::optional<TimeContext>& time = std::nullopt);

// Lenient: never fails, for any bytes (invalid UTF-8, any length). A query parse_query
// accepts gives the same tree and an empty note. Otherwise what is malformed is read as
// plain text and the rest keeps its meaning (docs/QUERY.md, "Plain text never fails"):
//   - an unknown field (`std::vector`, `errno:ENOENT`) is a Term exactly as typed, and so is
//     a known field whose value it cannot take (`kind:banana`, `date:[garbage]`, `title:`);
//   - a '(' without its ')' is closed at the end, a ')' without its '(' is skipped, an empty
//     group `()` is dropped;
//   - a phrase without its closing quote runs to the end of the query; a blank one is dropped;
//   - a binary operator with nothing on one side (`a OR`, `AND b`) or following another one
//     (the OR of `a AND OR b`) is dropped, and so is a NOT with nothing after it; a '-' or
//     '+' attached to AND/OR applies to it as a word (`-AND` is NOT "AND");
//   - invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart), a query longer than
//     kMaxQueryBytes is cut at the last code point boundary within the limit, parentheses
//     past kMaxQueryDepth are ignored (the nesting is flattened) and clauses past
//     kMaxQueryClauses dropped.
// Node positions are then byte offsets in the query as read (repaired and cut). The cost is
// linear in the query read (at most kMaxQueryBytes + 4 bytes of the input are looked at).
Query parse_query_text(std::string_view input, const std::optional<TimeContext>& time = std::nullopt);

// An S-expression for tests and debugging, e.g.
//   (OR (TERM text "foo") (NOT (PHRASE title "a b")) (DATE 2024-01-01T00:00:00.000Z *))
std::string to_debug_string(const Node& node);

// True when the query is only words and phrases in an OR list (on text or title): it ranks
// and constrains nothing, so hybrid search may add semantic neighbours that match none of
// it. Any AND, NOT, required clause, field filter or date range constrains the result set.
bool is_free_text(const Node& node);

inline constexpr std::size_t kMaxQueryBytes = 10000;
inline constexpr std::size_t kMaxQueryDepth = 32;     // nested parentheses
inline constexpr std::size_t kMaxQueryClauses = 1024; // terms, phrases and date ranges

}  // namespace memvid::search
