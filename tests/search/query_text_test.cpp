// parse_query_text, the lenient reading of a query (docs/QUERY.md, "Plain text never fails").
// Valid queries are checked against the strict parser in query_parser_test.cpp, whose P()
// and E() helpers read every query both ways; here, what the lenient parser makes of the rest.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.hpp"
#include "memvid/error.hpp"
#include "search/query.hpp"

namespace memvid::search {
namespace {

// The S-expression of the lenient reading, "<empty>" for a null root.
std::string T(std::string_view query) {
  const Query q = parse_query_text(query);
  return q.root ? to_debug_string(*q.root) : "<empty>";
}

std::string Note(std::string_view query) { return parse_query_text(query).note; }

std::string Strict(std::string_view query) {
  const Query q = parse_query(query);
  return q.root ? to_debug_string(*q.root) : "<empty>";
}

constexpr std::string_view kSyntax = "query read as plain text where it was not valid syntax: ";
constexpr std::string_view kEncoding = "invalid UTF-8 in the query replaced by U+FFFD: ";
constexpr std::string_view kLimits = "query reduced to the parser's limits: ";

std::string syntax(std::string_view what) { return std::string(kSyntax) + std::string(what); }

std::string repeat(std::string_view piece, std::size_t bytes = kMaxQueryBytes) {
  std::string out;
  while (out.size() + piece.size() <= bytes) out += piece;
  return out;
}

// ---------------------------------------------------------------------------------------
// Fields

TEST(QueryText, UnknownFieldIsAWordAsTyped) {
  EXPECT_EQ(T("std::vector"), R"((TERM text "std::vector"))");
  EXPECT_EQ(Note("std::vector"), syntax("unknown field 'std' at position 1"));
  EXPECT_EQ(T("errno:ENOENT"), R"((TERM text "errno:ENOENT"))");
  EXPECT_EQ(T("HTTP status:500 error"),
            R"((OR (TERM text "HTTP") (TERM text "status:500") (TERM text "error")))");
  EXPECT_EQ(Note("HTTP status:500 error"), syntax("unknown field 'status' at position 6"));
  // Only the name is a word: a quoted or grouped value is read as usual.
  EXPECT_EQ(T("foo:\"a b\""), R"((OR (TERM text "foo:") (PHRASE text "a b")))");
  EXPECT_EQ(T("foo:(a b)"), R"((OR (TERM text "foo:") (TERM text "a") (TERM text "b")))");
  // Inside title:(...) a plain word is a title word, and so is the unknown field.
  EXPECT_EQ(T("title:(std::vector x)"), R"((OR (TERM title "std::vector") (TERM title "x")))");
  EXPECT_EQ(T("-std::move"), R"((NOT (TERM text "std::move")))");
}

TEST(QueryText, KnownFieldWithAnUnusableValueIsText) {
  EXPECT_EQ(T("kind:banana"), R"((TERM text "kind:banana"))");
  EXPECT_EQ(Note("kind:banana"), syntax("unknown kind 'banana' at position 6"));
  EXPECT_EQ(T("-kind:banana x"), R"((AND (TERM text "x") (NOT (TERM text "kind:banana"))))");
  EXPECT_EQ(T("kind:\"vid eo\""), R"((OR (TERM text "kind:") (PHRASE text "vid eo")))");
  // In a kind group only the bad value is text.
  EXPECT_EQ(T("kind:(text vid)"), R"((OR (TERM kind "text") (TERM text "vid")))");
  EXPECT_EQ(T("kind:(text \"vid eo\")"), R"((OR (TERM kind "text") (PHRASE text "vid eo")))");
  EXPECT_EQ(T("title:"), R"((TERM text "title:"))");
  EXPECT_EQ(T("a title: b"), R"((OR (TERM text "a") (TERM text "title:") (TERM text "b")))");
  EXPECT_EQ(T("(tag:)"), R"((TERM text "tag:"))");
  EXPECT_EQ(T("title:-foo"), R"((TERM text "title:-foo"))");
  EXPECT_EQ(T("tag:\"\" x"), R"((OR (TERM text "tag:") (TERM text "x")))");  // the blank "" adds nothing
  EXPECT_EQ(T("title:\"  \""), R"((TERM text "title:"))");
  // The note is one line of text, whatever the quoted value holds.
  EXPECT_EQ(Note(std::string("kind:\"a\0b\nc\"", 12)), syntax("unknown kind 'a b c' at position 6"));
}

TEST(QueryText, MalformedDatesAreText) {
  EXPECT_EQ(T("date:[garbage]"), R"((TERM text "date:[garbage]"))");
  EXPECT_EQ(Note("date:[garbage]"), syntax("expected 'TO' in the date range at position 14"));
  EXPECT_EQ(T("date:someday news"), R"((OR (TERM text "date:someday") (TERM text "news")))");
  EXPECT_EQ(Note("date:someday news"), syntax("invalid date 'someday' at position 6"));
  EXPECT_EQ(T("date:[2024-01-01 TO someday]"),
            R"((OR (TERM text "date:[2024-01-01") (TERM text "TO") (TERM text "someday]")))");
  EXPECT_EQ(T("date:[2024-12-31 TO 2024-01-01]"),
            R"((OR (TERM text "date:[2024-12-31") (TERM text "TO") (TERM text "2024-01-01]")))");
  EXPECT_EQ(T("date:[2024-01-01"), R"((TERM text "date:[2024-01-01"))");
  EXPECT_EQ(T("date:["), R"((TERM text "date:["))");
  EXPECT_EQ(T("date:*"), R"((TERM text "date:*"))");
  EXPECT_EQ(T("date:(2024-01-01)"), R"((OR (TERM text "date:") (TERM text "2024-01-01")))");
  // A well-formed date next to a malformed one keeps its meaning.
  EXPECT_EQ(T("+date:[2024-01-01 TO *] date:[x]"),
            R"((AND (TERM text "date:[x]") (DATE 2024-01-01T00:00:00.000Z *)))");
}

TEST(QueryText, WellFormedPartsKeepTheirMeaning) {
  EXPECT_EQ(T("kind:document std::vector"), R"((OR (TERM kind "document") (TERM text "std::vector")))");
  EXPECT_EQ(T("+kind:document std::vector"), R"((AND (TERM text "std::vector") (TERM kind "document")))");
  EXPECT_EQ(T("tag:ops AND errno:ENOENT -draft"),
            R"((AND (TERM tag "ops") (TERM text "errno:ENOENT") (NOT (TERM text "draft"))))");
  EXPECT_EQ(T("\"std::vector\" OR \"a b"), R"((OR (PHRASE text "std::vector") (PHRASE text "a b")))");
  EXPECT_EQ(T("title:rust (async"), R"((OR (TERM title "rust") (TERM text "async")))");
}

// ---------------------------------------------------------------------------------------
// Parentheses and quotes

TEST(QueryText, UnbalancedParentheses) {
  EXPECT_EQ(T("(foo bar"), T("(foo bar)"));
  EXPECT_EQ(T("(foo bar"), Strict("(foo bar)"));
  EXPECT_EQ(Note("(foo bar"), syntax("unbalanced '(' at position 1"));
  EXPECT_EQ(T("don't (panic"), R"((OR (TERM text "don't") (TERM text "panic")))");
  EXPECT_EQ(T("a AND (b c"), Strict("a AND (b c)"));
  EXPECT_EQ(T("a (b (c -d"), Strict("a (b (c -d))"));
  EXPECT_EQ(T("title:(a b"), Strict("title:(a b)"));
  EXPECT_EQ(T("foo)"), R"((TERM text "foo"))");
  EXPECT_EQ(Note("foo)"), syntax("unmatched ')' at position 4"));
  EXPECT_EQ(T("a b) c"), Strict("a b c"));
  EXPECT_EQ(T(")))"), "<empty>");
  EXPECT_EQ(T("(a) b) c)"), Strict("a b c"));
  EXPECT_EQ(T(":-)"), R"((TERM text ":-"))");
  // Empty groups say nothing and are dropped.
  EXPECT_EQ(T("()"), "<empty>");
  EXPECT_EQ(Note("()"), syntax("empty group '()' at position 1"));
  EXPECT_EQ(T("a ( ) b"), Strict("a b"));
  EXPECT_EQ(T("-() x"), R"((TERM text "x"))");
  EXPECT_EQ(T("title:() x"), R"((TERM text "x"))");
}

TEST(QueryText, UnclosedQuoteMakesAPhraseToTheEnd) {
  EXPECT_EQ(T("\"unclosed"), R"((PHRASE text "unclosed"))");
  EXPECT_EQ(Note("\"unclosed"), syntax("unbalanced quote at position 1"));
  EXPECT_EQ(T("abc \"machine learning"), R"((OR (TERM text "abc") (PHRASE text "machine learning")))");
  EXPECT_EQ(T("12\" vinyl"), R"((OR (TERM text "12") (PHRASE text " vinyl")))");
  EXPECT_EQ(T("\"a AND (b tag:x"), R"((PHRASE text "a AND (b tag:x"))");  // no syntax inside
  EXPECT_EQ(T("\"abc\\\""), R"((PHRASE text "abc\""))");                  // the escaped quote is text
  EXPECT_EQ(T("title:\"pie crust"), R"((PHRASE title "pie crust"))");
  EXPECT_EQ(T("tag:\"machine learning"), R"((TERM tag "machine learning"))");
  EXPECT_EQ(T("date:\"2024-03-05"), Strict("date:2024-03-05"));
  // Nothing to search for: a blank phrase is dropped.
  EXPECT_EQ(T("a \""), R"((TERM text "a"))");
  EXPECT_EQ(T("\"\""), "<empty>");
  EXPECT_EQ(Note("\"\""), syntax("empty phrase at position 1"));
  EXPECT_EQ(T("a \"  \" b"), Strict("a b"));
}

// ---------------------------------------------------------------------------------------
// Operators

TEST(QueryText, DanglingOperatorsAreDropped) {
  EXPECT_EQ(T("a OR"), R"((TERM text "a"))");
  EXPECT_EQ(Note("a OR"), syntax("missing operand after 'OR' at position 3"));
  EXPECT_EQ(T("a AND"), R"((TERM text "a"))");
  EXPECT_EQ(T("a &&"), R"((TERM text "a"))");
  EXPECT_EQ(T("AND b"), R"((TERM text "b"))");
  EXPECT_EQ(Note("AND b"), syntax("missing operand before 'AND' at position 1"));
  EXPECT_EQ(T("OR a"), R"((TERM text "a"))");
  EXPECT_EQ(T("|| a b"), Strict("a b"));
  EXPECT_EQ(T("(a AND) b"), Strict("a b"));
  EXPECT_EQ(T("x (OR a)"), Strict("x a"));
  EXPECT_EQ(T("NOT"), "<empty>");
  EXPECT_EQ(Note("NOT"), syntax("missing operand after 'NOT' at position 1"));
  EXPECT_EQ(T("a NOT"), R"((TERM text "a"))");
  EXPECT_EQ(T("a AND NOT"), R"((TERM text "a"))");
  EXPECT_EQ(T("a OR NOT"), R"((TERM text "a"))");
  EXPECT_EQ(T("x -NOT"), R"((TERM text "x"))");
  EXPECT_EQ(T("AND"), "<empty>");
  EXPECT_EQ(T("AND OR NOT &&"), "<empty>");
}

TEST(QueryText, DoubledOperatorsKeepTheFirst) {
  EXPECT_EQ(T("a AND OR b"), Strict("a AND b"));
  EXPECT_EQ(Note("a AND OR b"), syntax("'OR' cannot follow 'AND' at position 7"));
  EXPECT_EQ(T("a OR AND b"), Strict("a OR b"));
  EXPECT_EQ(T("a OR OR b"), Strict("a OR b"));
  EXPECT_EQ(T("a AND AND && b"), Strict("a AND b"));
  EXPECT_EQ(T("NOT OR a"), Strict("NOT a"));
  EXPECT_EQ(T("a AND OR"), R"((TERM text "a"))");
}

TEST(QueryText, PrefixOnAnOperatorAppliesToTheWord) {
  EXPECT_EQ(T("a -AND b"), R"((AND (OR (TERM text "a") (TERM text "b")) (NOT (TERM text "AND"))))");
  EXPECT_EQ(Note("a -AND b"), syntax("'AND' cannot follow '-' at position 4"));
  EXPECT_EQ(T("+OR x"), R"((AND (TERM text "x") (TERM text "OR")))");
  // A '-' or '+' standing alone is a word in both modes (the engine drops it).
  EXPECT_EQ(T("-"), R"((TERM text "-"))");
  EXPECT_EQ(T("a - b"), Strict("a - b"));
  EXPECT_EQ(T("+"), R"((TERM text "+"))");
  EXPECT_EQ(T("a +"), Strict("a +"));
  EXPECT_EQ(Note("a - b +"), "");
}

// ---------------------------------------------------------------------------------------
// Encoding and limits

TEST(QueryText, InvalidUtf8IsReplaced) {
  EXPECT_EQ(T("ab \xFF"), "(OR (TERM text \"ab\") (TERM text \"\xEF\xBF\xBD\"))");
  EXPECT_EQ(Note("ab \xFF"), std::string(kEncoding) + "invalid UTF-8 at position 4");
  EXPECT_EQ(T("caf\xE9 au lait"), Strict("caf\xEF\xBF\xBD au lait"));
  EXPECT_EQ(T("\"abc \x80\""), "(PHRASE text \"abc \xEF\xBF\xBD\")");
  EXPECT_EQ(T("x \xED\xA0\x80"), Strict("x \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));  // a surrogate: 3 bad bytes
  EXPECT_EQ(T("\xE6\x97"), "(TERM text \"\xEF\xBF\xBD\")");  // a truncated sequence is one U+FFFD
  // Replacement never makes a space, so a field stays a field.
  EXPECT_EQ(T("tag:\xFF"), "(TERM tag \"\xEF\xBF\xBD\")");
}

TEST(QueryText, LongQueriesAreCutAtACodePointBoundary) {
  const std::string limit(kMaxQueryBytes, 'a');
  EXPECT_EQ(T(limit + "a"), "(TERM text \"" + limit + "\")");
  EXPECT_EQ(Note(limit + "a"), std::string(kLimits) + "query is 10001 bytes, longer than the limit of 10000 bytes");
  EXPECT_EQ(T(limit + " b"), T(limit));
  // 'x' and 5000 two-byte code points: the 10000th byte is the first half of one, so the
  // query is cut just before it.
  std::string accents = "x";
  for (int k = 0; k < 5000; ++k) accents += "é";
  const Query cut = parse_query_text(accents);
  ASSERT_TRUE(cut.root);
  EXPECT_EQ(cut.root->text.size(), kMaxQueryBytes - 1);
  EXPECT_TRUE(base::is_valid_utf8(cut.root->text));
  // Replacement can lengthen a query: it is cut at the limit too.
  const Query replaced = parse_query_text(std::string(kMaxQueryBytes, '\xFF'));
  ASSERT_TRUE(replaced.root);
  EXPECT_EQ(replaced.root->text.size(), kMaxQueryBytes / 3 * 3);
  EXPECT_EQ(replaced.note, std::string(kEncoding) + "invalid UTF-8 at position 1");
  // Past the limit a query is not even looked at.
  const std::string huge(50'000'000, '(');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(T(huge), "<empty>");
  // A guard against a hang, not a speed test (benchmarks measure speed): a few milliseconds
  // in an optimized build, far less than a second in a sanitizer build on a busy machine.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(QueryText, DeepNestingIsFlattened) {
  const auto nested = [](std::size_t depth, std::string_view inside) {
    return std::string(depth, '(') + std::string(inside) + std::string(depth, ')');
  };
  EXPECT_EQ(T(nested(kMaxQueryDepth + 1, "a")), R"((TERM text "a"))");
  EXPECT_EQ(Note(nested(kMaxQueryDepth + 1, "a")),
            std::string(kLimits) + "parentheses nested deeper than 32 levels at position 33");
  EXPECT_EQ(T(nested(4000, "a")), R"((TERM text "a"))");
  EXPECT_EQ(T(std::string(9000, '(')), "<empty>");
  EXPECT_EQ(T(nested(4000, "")), "<empty>");
  // Prefixes and operators keep their meaning past the limit; only the grouping is lost.
  EXPECT_EQ(T(nested(40, "a AND -(b)")), Strict("a AND -b"));
  EXPECT_EQ(T(nested(kMaxQueryDepth, "((a) AND b)")), Strict("a AND b"));
  EXPECT_EQ(T(nested(kMaxQueryDepth, "NOT (a b)")), Strict("(NOT a) b"));
  EXPECT_EQ(T(nested(kMaxQueryDepth, "x (OR a)")), Strict("x a"));
  EXPECT_EQ(T(nested(kMaxQueryDepth, "title:(a b)")), R"((OR (TERM text "title:") (TERM text "a") (TERM text "b")))");
  // Unbalanced as well as too deep: closed at the end.
  EXPECT_EQ(T(std::string(100, '(') + "a b"), Strict("a b"));
}

TEST(QueryText, ClausesPastTheLimitAreDropped) {
  std::string query;
  for (std::size_t k = 0; k < kMaxQueryClauses; ++k) query += "w ";
  query += "x y (z) \"p q\" tag:t date:1";
  const Query q = parse_query_text(query);
  ASSERT_TRUE(q.root);
  EXPECT_EQ(q.root->type, Node::Type::Or);
  EXPECT_EQ(q.root->children.size(), kMaxQueryClauses);
  EXPECT_EQ(q.root->children.back()->text, "w");
  EXPECT_EQ(q.note, std::string(kLimits) +
                        "too many clauses (the limit is 1024 terms, phrases and date ranges) at position 2049");
  // Operators and prefixes around a dropped clause do not leave a hole.
  EXPECT_EQ(T(query + " AND -v +u"), T(query));
}

TEST(QueryText, EmptyQueries) {
  for (const char* blank : {"", " ", "\t\n", "\xC2\xA0\xE3\x80\x80"}) {
    const Query q = parse_query_text(blank);
    EXPECT_EQ(q.root, nullptr);
    EXPECT_EQ(q.note, "");
  }
}

// ---------------------------------------------------------------------------------------
// Robustness

TEST(QueryText, HostileInputsAtTheSizeLimitParseQuickly) {
  std::mt19937 rng(7);
  std::string noise(kMaxQueryBytes, ' ');
  for (char& c : noise) c = static_cast<char>(rng());
  const std::vector<std::string> inputs = {
      repeat(")"),           repeat("("),          repeat("( "),        repeat("\""),
      repeat("\" "),         repeat("a AND OR "),  repeat("AND "),      repeat("-AND "),
      repeat("NOT "),        repeat("kind:x "),    repeat("x:y "),      repeat("date:[ "),
      repeat("date:[\" "),   repeat("date:[a TO "), repeat("title:\" "), repeat("title:("),
      repeat("tag:(kind:("), repeat("()"),         repeat("(\"a\" "),   repeat("\\\""),
      repeat("w "),          repeat("\xFF"),       repeat("\xE6\x97 "), noise,
      std::string(kMaxQueryBytes * 10, ')'),
  };
  for (const std::string& input : inputs) {
    const auto start = std::chrono::steady_clock::now();
    const Query q = parse_query_text(input);
    if (q.root) (void)to_debug_string(*q.root), (void)is_free_text(*q.root);
    // A guard against backtracking, not a speed test: well under 10 ms in an optimized build;
    // the margin is for sanitizer builds on a busy machine (a parser that backtracked over
    // these inputs would take minutes).
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << input.substr(0, 20);
  }
}

// The shape query.hpp promises, whichever way the tree was read; returns the leaf count.
std::size_t check_tree(const Node& node) {
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase:
    case Node::Type::DateRange:
      EXPECT_TRUE(node.children.empty());
      EXPECT_TRUE(base::is_valid_utf8(node.text));
      return 1;
    case Node::Type::Not:
      EXPECT_EQ(node.children.size(), 1u);
      EXPECT_NE(node.children.front()->type, Node::Type::Not);
      return check_tree(*node.children.front());
    case Node::Type::And:
    case Node::Type::Or: {
      EXPECT_GE(node.children.size(), 2u);
      std::size_t leaves = 0;
      for (const auto& child : node.children) {
        EXPECT_NE(child->type, node.type);
        leaves += check_tree(*child);
      }
      return leaves;
    }
  }
  return 0;
}

TEST(QueryText, RandomQueriesAgreeWithTheStrictParser) {
  static const std::vector<std::string> kPieces = {
      "a", "b", "foo", " ", "  ", "\"", "\\", "(", ")", "((((", "))))", "-", "+", ":", "title:", "tag:",
      "kind:", "kind:text", "kind:x", "date:", "x:", "std::", "[", "]", "{", "}", "*", " TO ", "AND", "OR",
      "NOT", "&&", "||", "2024-01-01", "12:30", "é", "\xFF", "\xC3", "\xC2\xA0"};
  std::mt19937 rng(20240306);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 30);
  std::size_t valid = 0, repaired = 0;
  for (int iteration = 0; iteration < 20'000; ++iteration) {
    std::string query;
    for (int n = length(rng); n > 0; --n) query += kPieces[piece(rng)];
    const Query lenient = parse_query_text(query);
    if (lenient.root) {
      EXPECT_LE(check_tree(*lenient.root), kMaxQueryClauses) << query;
    }
    try {
      const Query strict = parse_query(query);
      ++valid;
      EXPECT_EQ(lenient.note, "") << query;
      EXPECT_EQ(lenient.root ? to_debug_string(*lenient.root) : "", strict.root ? to_debug_string(*strict.root) : "")
          << query;
    } catch (const Error& e) {
      ++repaired;
      const std::size_t colon = lenient.note.find(": ");
      ASSERT_NE(colon, std::string::npos) << query;
      EXPECT_EQ(std::string(e.what()).rfind(lenient.note.substr(colon + 2), 0), 0u) << lenient.note << " | " << e.what();
    }
  }
  EXPECT_GT(valid, 1000u);
  EXPECT_GT(repaired, 1000u);
}

}  // namespace
}  // namespace memvid::search
