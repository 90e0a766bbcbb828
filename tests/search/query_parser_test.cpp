#include "search/query.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "memvid/error.hpp"
#include "memvid/timestamp.hpp"

namespace memvid::search {
namespace {

// to_debug_string with every node's position, "<empty>" for a null root.
std::string with_positions(const Node* node) {
  if (!node) return "<empty>";
  std::string out = "(" + std::to_string(node->position) + " " + to_debug_string(*node);
  for (const auto& child : node->children) out += " " + with_positions(child.get());
  return out + ")";
}

// The S-expression of a query, "<empty>" for a null root. The lenient parser must read a
// valid query exactly as the strict one does, positions included, and add no note.
std::string P(std::string_view query) {
  const Query q = parse_query(query);
  const Query lenient = parse_query_text(query);
  EXPECT_EQ(with_positions(lenient.root.get()), with_positions(q.root.get())) << query;
  EXPECT_EQ(lenient.note, "") << query;
  return q.root ? to_debug_string(*q.root) : "<empty>";
}

// The message of the InvalidQuery error the query must raise. The lenient parser reads the
// same query without failing and its note names the same first problem: the note ends with
// the start of the error message ("<what> at position N").
std::string E(std::string_view query) {
  try {
    const Query q = parse_query(query);
    ADD_FAILURE() << "expected InvalidQuery for [" << query << "], got "
                  << (q.root ? to_debug_string(*q.root) : "<empty>");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidQuery) << e.what();
    const std::string message = e.what();
    const std::string note = parse_query_text(query).note;
    const std::size_t colon = note.find(": ");
    EXPECT_NE(colon, std::string::npos) << query << " noted " << note;
    if (colon != std::string::npos) {
      EXPECT_EQ(message.rfind(note.substr(colon + 2), 0), 0u) << note << " | " << message;
    }
    return message;
  }
  return {};
}

// The N of "at position N" in the error the query must raise (-1 if absent).
long Pos(std::string_view query) {
  // (No std::regex: GCC 12 warns inside <regex> under the sanitizers, and warnings are errors.)
  const std::string message = E(query);
  static constexpr std::string_view kMarker = "at position ";
  const std::size_t at = message.find(kMarker);
  const std::size_t digits = at == std::string::npos ? at : at + kMarker.size();
  if (digits == std::string::npos || digits >= message.size() || message[digits] < '0' || message[digits] > '9') {
    ADD_FAILURE() << "no position in: " << message;
    return -1;
  }
  return std::stol(message.substr(digits));
}

#define EXPECT_ERROR(query, position, fragment)                    \
  do {                                                             \
    const std::string message_ = E(query);                         \
    EXPECT_NE(message_.find(fragment), std::string::npos) << message_; \
    EXPECT_EQ(Pos(query), position) << message_;                   \
  } while (0)

// ---------------------------------------------------------------------------------------
// Terms, juxtaposition and operators

TEST(QueryParser, EmptyAndWhitespaceOnlyQueriesHaveNoRoot) {
  EXPECT_EQ(P(""), "<empty>");
  EXPECT_EQ(P("   \t\n "), "<empty>");
  EXPECT_EQ(P("\xC2\xA0\xE3\x80\x80"), "<empty>");  // NBSP, ideographic space
}

TEST(QueryParser, SingleTermKeepsTheRawWord) {
  EXPECT_EQ(P("foo"), R"((TERM text "foo"))");
  EXPECT_EQ(P("  Foo.Bar!  "), R"((TERM text "Foo.Bar!"))");
  EXPECT_EQ(P("naïve"), R"((TERM text "naïve"))");
}

TEST(QueryParser, JuxtapositionIsOr) {
  EXPECT_EQ(P("cats dogs"), R"((OR (TERM text "cats") (TERM text "dogs")))");
  EXPECT_EQ(P("a OR b"), R"((OR (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("a || b"), R"((OR (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("a OR b c"), R"((OR (TERM text "a") (TERM text "b") (TERM text "c")))");
  EXPECT_EQ(P("東京\xE3\x80\x80大阪"), R"((OR (TERM text "東京") (TERM text "大阪")))");
}

TEST(QueryParser, AndBindsTighterThanOr) {
  EXPECT_EQ(P("a AND b"), R"((AND (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("a && b"), R"((AND (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("a b AND c"), R"((OR (TERM text "a") (AND (TERM text "b") (TERM text "c"))))");
  EXPECT_EQ(P("a AND b c"), R"((OR (AND (TERM text "a") (TERM text "b")) (TERM text "c")))");
  EXPECT_EQ(P("a AND b OR c AND d"),
            R"((OR (AND (TERM text "a") (TERM text "b")) (AND (TERM text "c") (TERM text "d"))))");
  EXPECT_EQ(P("a AND b AND c"), R"((AND (TERM text "a") (TERM text "b") (TERM text "c")))");
}

TEST(QueryParser, OperatorsAreUppercaseOnly) {
  EXPECT_EQ(P("cats and dogs"), R"((OR (TERM text "cats") (TERM text "and") (TERM text "dogs")))");
  EXPECT_EQ(P("to be or not"),
            R"((OR (TERM text "to") (TERM text "be") (TERM text "or") (TERM text "not")))");
  EXPECT_EQ(P("And Or Not"), R"((OR (TERM text "And") (TERM text "Or") (TERM text "Not")))");
  EXPECT_EQ(P("ANDROID ORACLE NOTE"), R"((OR (TERM text "ANDROID") (TERM text "ORACLE") (TERM text "NOTE")))");
  EXPECT_EQ(P("a&&b"), R"((TERM text "a&&b"))");
}

TEST(QueryParser, GroupsAndFlattening) {
  EXPECT_EQ(P("((a))"), R"((TERM text "a"))");
  EXPECT_EQ(P("(a b) (c d)"), R"((OR (TERM text "a") (TERM text "b") (TERM text "c") (TERM text "d")))");
  EXPECT_EQ(P("a AND (b AND c)"), R"((AND (TERM text "a") (TERM text "b") (TERM text "c")))");
  EXPECT_EQ(P("(a AND b) AND (c AND d)"),
            R"((AND (TERM text "a") (TERM text "b") (TERM text "c") (TERM text "d")))");
  EXPECT_EQ(P("a AND (b c)"), R"((AND (TERM text "a") (OR (TERM text "b") (TERM text "c"))))");
  EXPECT_EQ(P("(a OR b) AND c"), R"((AND (OR (TERM text "a") (TERM text "b")) (TERM text "c")))");
  EXPECT_EQ(P("( a ( b ( c ) ) )"), R"((OR (TERM text "a") (TERM text "b") (TERM text "c")))");
  EXPECT_EQ(P("f(x)"), R"((OR (TERM text "f") (TERM text "x")))");
}

// ---------------------------------------------------------------------------------------
// Negation and '+'

TEST(QueryParser, NotAndMinusNegate) {
  EXPECT_EQ(P("NOT a"), R"((NOT (TERM text "a")))");
  EXPECT_EQ(P("-foo"), R"((NOT (TERM text "foo")))");
  EXPECT_EQ(P("NOT(a)"), R"((NOT (TERM text "a")))");
  EXPECT_EQ(P("-(a b)"), R"((NOT (OR (TERM text "a") (TERM text "b"))))");
  EXPECT_EQ(P("-\"a b\""), R"((NOT (PHRASE text "a b")))");
  EXPECT_EQ(P("a AND NOT b"), R"((AND (TERM text "a") (NOT (TERM text "b"))))");
  EXPECT_EQ(P("a AND -b"), R"((AND (TERM text "a") (NOT (TERM text "b"))))");
  EXPECT_EQ(P("NOT a AND b"), R"((AND (NOT (TERM text "a")) (TERM text "b")))");
}

TEST(QueryParser, NegationInsideAnOrListExcludesFromTheWholeList) {
  EXPECT_EQ(P("a -b"), R"((AND (TERM text "a") (NOT (TERM text "b"))))");
  EXPECT_EQ(P("a NOT b"), R"((AND (TERM text "a") (NOT (TERM text "b"))))");
  EXPECT_EQ(P("a OR NOT b"), R"((AND (TERM text "a") (NOT (TERM text "b"))))");
  EXPECT_EQ(P("a b -c"), R"((AND (OR (TERM text "a") (TERM text "b")) (NOT (TERM text "c"))))");
  EXPECT_EQ(P("-c a b"), R"((AND (OR (TERM text "a") (TERM text "b")) (NOT (TERM text "c"))))");
  EXPECT_EQ(P("a -b c -d"),
            R"((AND (OR (TERM text "a") (TERM text "c")) (NOT (TERM text "b")) (NOT (TERM text "d"))))");
  // Only negative clauses: kept as they are; the engine returns no hits.
  EXPECT_EQ(P("-a -b"), R"((AND (NOT (TERM text "a")) (NOT (TERM text "b"))))");
  // A negation inside a group excludes from that group only.
  EXPECT_EQ(P("a (b -c)"), R"((OR (TERM text "a") (AND (TERM text "b") (NOT (TERM text "c")))))");
  EXPECT_EQ(P("(a -b) -c"),
            R"((AND (TERM text "a") (NOT (TERM text "b")) (NOT (TERM text "c"))))");
  // AND binds tighter than the OR list, so the AND clause is an ordinary optional clause.
  EXPECT_EQ(P("x -a AND b"), R"((OR (TERM text "x") (AND (NOT (TERM text "a")) (TERM text "b"))))");
}

TEST(QueryParser, DoubleNegationCancels) {
  EXPECT_EQ(P("NOT NOT a"), R"((TERM text "a"))");
  EXPECT_EQ(P("--a"), R"((TERM text "a"))");
  EXPECT_EQ(P("-(-a)"), R"((TERM text "a"))");
  EXPECT_EQ(P("NOT -a b"), R"((OR (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("---a"), R"((NOT (TERM text "a")))");
}

TEST(QueryParser, HyphenInsideAWordIsPartOfIt) {
  EXPECT_EQ(P("state-of-the-art"), R"((TERM text "state-of-the-art"))");
  EXPECT_EQ(P("covid-19 vaccine"), R"((OR (TERM text "covid-19") (TERM text "vaccine")))");
  EXPECT_EQ(P("e-mail -spam"), R"((AND (TERM text "e-mail") (NOT (TERM text "spam"))))");
  EXPECT_EQ(P("-state-of-the-art"), R"((NOT (TERM text "state-of-the-art")))");
  EXPECT_EQ(P("a-"), R"((TERM text "a-"))");
  // A detached '-' is a word of its own (the engine's analyzer drops it).
  EXPECT_EQ(P("a - b"), R"((OR (TERM text "a") (TERM text "-") (TERM text "b")))");
  EXPECT_EQ(P("(a -)"), R"((OR (TERM text "a") (TERM text "-")))");
}

TEST(QueryParser, PlusMarksARequiredClause) {
  EXPECT_EQ(P("+a"), R"((TERM text "a"))");
  EXPECT_EQ(P("a +b"), R"((AND (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("a c +b"), R"((AND (OR (TERM text "a") (TERM text "c")) (TERM text "b")))");
  EXPECT_EQ(P("+a +b"), R"((AND (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("+a b c -d"),
            R"((AND (OR (TERM text "b") (TERM text "c")) (TERM text "a") (NOT (TERM text "d"))))");
  EXPECT_EQ(P("x +(a b)"), R"((AND (TERM text "x") (OR (TERM text "a") (TERM text "b"))))");
  EXPECT_EQ(P("x +a AND b"), R"((AND (TERM text "x") (TERM text "a") (TERM text "b")))");
  EXPECT_EQ(P("+-a b"), R"((AND (TERM text "b") (NOT (TERM text "a"))))");
  EXPECT_EQ(P("C++ +rust"), R"((AND (TERM text "C++") (TERM text "rust")))");
  EXPECT_EQ(P("a + b"), R"((OR (TERM text "a") (TERM text "+") (TERM text "b")))");
}

// ---------------------------------------------------------------------------------------
// Phrases

TEST(QueryParser, Phrases) {
  EXPECT_EQ(P("\"hello world\""), R"((PHRASE text "hello world"))");
  EXPECT_EQ(P("\"one\""), R"((PHRASE text "one"))");
  EXPECT_EQ(P(R"("say \"hi\" \\ now")"), R"((PHRASE text "say \"hi\" \\ now"))");
  EXPECT_EQ(P(R"("a\nb")"), R"((PHRASE text "a\\nb"))");  // other backslashes stay as typed
  EXPECT_EQ(P("foo\"bar baz\""), R"((OR (TERM text "foo") (PHRASE text "bar baz")))");
  EXPECT_EQ(P("\"a b\" c"), R"((OR (PHRASE text "a b") (TERM text "c")))");
  EXPECT_EQ(P("\"AND OR NOT ( ) title:x\""), R"((PHRASE text "AND OR NOT ( ) title:x"))");
}

// ---------------------------------------------------------------------------------------
// Fields

TEST(QueryParser, TitleField) {
  EXPECT_EQ(P("title:apple"), R"((TERM title "apple"))");
  EXPECT_EQ(P("TITLE:apple"), R"((TERM title "apple"))");
  EXPECT_EQ(P("Title:\"pie crust\""), R"((PHRASE title "pie crust"))");
  EXPECT_EQ(P("title:apple pie"), R"((OR (TERM title "apple") (TERM text "pie")))");
  EXPECT_EQ(P("title:foo:bar"), R"((TERM title "foo:bar"))");
  EXPECT_EQ(P("title:AND"), R"((TERM title "AND"))");
  EXPECT_EQ(P("-title:draft x"), R"((AND (TERM text "x") (NOT (TERM title "draft"))))");
}

TEST(QueryParser, TitleGroupAppliesToEveryTermAndPhrase) {
  EXPECT_EQ(P("title:(apple \"pie crust\")"), R"((OR (TERM title "apple") (PHRASE title "pie crust")))");
  EXPECT_EQ(P("title:(a AND (b -c))"),
            R"((AND (TERM title "a") (TERM title "b") (NOT (TERM title "c"))))");
  // A field inside the group overrides it.
  EXPECT_EQ(P("title:(a tag:x)"), R"((OR (TERM title "a") (TERM tag "x")))");
  EXPECT_EQ(P("x title:(a b) y"),
            R"((OR (TERM text "x") (TERM title "a") (TERM title "b") (TERM text "y")))");
}

TEST(QueryParser, KeywordFields) {
  EXPECT_EQ(P("tag:rust"), R"((TERM tag "rust"))");
  EXPECT_EQ(P("tag:\"machine learning\""), R"((TERM tag "machine learning"))");
  EXPECT_EQ(P("label:Inbox"), R"((TERM label "Inbox"))");
  EXPECT_EQ(P("tag:c++"), R"((TERM tag "c++"))");
  EXPECT_EQ(P("tag:a:b(c"), R"((TERM tag "a:b(c"))");
  EXPECT_EQ(P("tag:AND"), R"((TERM tag "AND"))");
  EXPECT_EQ(P("tag:-x"), R"((TERM tag "-x"))");
  EXPECT_EQ(P("(tag:x)"), R"((TERM tag "x"))");
  EXPECT_EQ(P("tag:(a OR b) -tag:draft"),
            R"((AND (OR (TERM tag "a") (TERM tag "b")) (NOT (TERM tag "draft"))))");
  EXPECT_EQ(P("tag:(a \"b c\" -d)"), R"((AND (OR (TERM tag "a") (TERM tag "b c")) (NOT (TERM tag "d"))))");
  EXPECT_EQ(P("TAG:x Label:y"), R"((OR (TERM tag "x") (TERM label "y")))");
}

TEST(QueryParser, KindValuesAreValidatedAndCanonical) {
  EXPECT_EQ(P("kind:text"), R"((TERM kind "text"))");
  EXPECT_EQ(P("kind:Document"), R"((TERM kind "document"))");
  EXPECT_EQ(P("kind:CHUNK"), R"((TERM kind "chunk"))");
  EXPECT_EQ(P("kind:\"binary\""), R"((TERM kind "binary"))");
  EXPECT_EQ(P("kind:(text chunk)"), R"((OR (TERM kind "text") (TERM kind "chunk")))");
  EXPECT_ERROR("kind:video", 6, "unknown kind 'video'");
  EXPECT_ERROR("kind:video", 6, "text, document, chunk, binary");
  EXPECT_ERROR("a kind:(text vid)", 14, "unknown kind 'vid'");
}

TEST(QueryParser, UriKeepsSlashesColonsAndDots) {
  EXPECT_EQ(P("uri:mv2://docs/a.md"), R"((TERM uri "mv2://docs/a.md"))");
  EXPECT_EQ(P("uri:https://example.com/x?y=1#z"), R"((TERM uri "https://example.com/x?y=1#z"))");
  EXPECT_EQ(P("(uri:mv2://docs/)"), R"((TERM uri "mv2://docs/"))");
  EXPECT_EQ(P("uri:(mv2://a https://b)"), R"((OR (TERM uri "mv2://a") (TERM uri "https://b")))");
  EXPECT_EQ(P("uri:\"mv2://my docs/\""), R"((TERM uri "mv2://my docs/"))");
}

TEST(QueryParser, ColonsInPlainText) {
  EXPECT_EQ(P("3:1"), R"((TERM text "3:1"))");
  EXPECT_EQ(P("meet 12:30"), R"((OR (TERM text "meet") (TERM text "12:30")))");
  EXPECT_EQ(P("John 3:16"), R"((OR (TERM text "John") (TERM text "3:16")))");
  EXPECT_EQ(P("x2:y"), R"((TERM text "x2:y"))");
  EXPECT_EQ(P("note: hi"), R"((OR (TERM text "note:") (TERM text "hi")))");
  EXPECT_EQ(P("re:"), R"((TERM text "re:"))");
  EXPECT_EQ(P(":foo"), R"((TERM text ":foo"))");
  EXPECT_EQ(P("café:x"), R"((TERM text "café:x"))");
}

// ---------------------------------------------------------------------------------------
// Dates

TEST(QueryParser, DateRanges) {
  EXPECT_EQ(P("date:[2024-01-01 TO 2024-12-31]"), "(DATE 2024-01-01T00:00:00.000Z 2024-12-31T23:59:59.999Z)");
  EXPECT_EQ(P("DATE:[2024-01-01 TO 2024-12-31]"), "(DATE 2024-01-01T00:00:00.000Z 2024-12-31T23:59:59.999Z)");
  EXPECT_EQ(P("date:[ 2024-01-01   TO   2024-12-31 ]"),
            "(DATE 2024-01-01T00:00:00.000Z 2024-12-31T23:59:59.999Z)");
  // Exclusive date-only bounds exclude the whole day.
  EXPECT_EQ(P("date:{2024-01-01 TO 2024-12-31}"), "(DATE 2024-01-02T00:00:00.000Z 2024-12-30T23:59:59.999Z)");
  EXPECT_EQ(P("date:[2024-01-01 TO 2024-12-31}"), "(DATE 2024-01-01T00:00:00.000Z 2024-12-30T23:59:59.999Z)");
  EXPECT_EQ(P("date:{2024-01-01 TO 2024-12-31]"), "(DATE 2024-01-02T00:00:00.000Z 2024-12-31T23:59:59.999Z)");
  EXPECT_EQ(P("date:[2024-03-05 TO 2024-03-05]"), "(DATE 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)");
}

TEST(QueryParser, DateRangeOpenEnds) {
  EXPECT_EQ(P("date:[* TO 2024-06-30]"), "(DATE * 2024-06-30T23:59:59.999Z)");
  EXPECT_EQ(P("date:{* TO 2024-06-30}"), "(DATE * 2024-06-29T23:59:59.999Z)");
  EXPECT_EQ(P("date:[2024-01-01 TO *]"), "(DATE 2024-01-01T00:00:00.000Z *)");
  EXPECT_EQ(P("date:{2024-01-01 TO *}"), "(DATE 2024-01-02T00:00:00.000Z *)");
  EXPECT_EQ(P("date:[* TO *]"), "(DATE * *)");
}

TEST(QueryParser, DateRangeWithTimestamps) {
  EXPECT_EQ(P("date:[2024-03-05T10:00:00+02:00 TO 2024-03-05T12:30:00.250Z]"),
            "(DATE 2024-03-05T08:00:00.000Z 2024-03-05T12:30:00.250Z)");
  EXPECT_EQ(P("date:[2024-03-05T10:00-0530 TO *]"), "(DATE 2024-03-05T15:30:00.000Z *)");
  // Exclusive instants move by one millisecond.
  EXPECT_EQ(P("date:{2024-03-05T10:00:00Z TO 2024-03-05T11:00:00Z}"),
            "(DATE 2024-03-05T10:00:00.001Z 2024-03-05T10:59:59.999Z)");
  // An inclusive timestamp upper bound is that instant, not the end of its day.
  EXPECT_EQ(P("date:[2024-03-05 TO 2024-03-06T00:00:00Z]"),
            "(DATE 2024-03-05T00:00:00.000Z 2024-03-06T00:00:00.000Z)");
  EXPECT_EQ(P("date:[1700000000000 TO 1700000000999]"),
            "(DATE 2023-11-14T22:13:20.000Z 2023-11-14T22:13:20.999Z)");
  EXPECT_EQ(P("date:{1700000000000 TO *]"), "(DATE 2023-11-14T22:13:20.001Z *)");
  EXPECT_EQ(P("date:[\"2024-03-05 10:00\" TO \"2024-03-05 11:00+01:00\"]"),
            "(DATE 2024-03-05T10:00:00.000Z 2024-03-05T10:00:00.000Z)");
}

TEST(QueryParser, SingleDate) {
  EXPECT_EQ(P("date:2024-03-05"), "(DATE 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)");
  EXPECT_EQ(P("date:2024-03-05T14:30:00-05:00"), "(DATE 2024-03-05T19:30:00.000Z 2024-03-05T19:30:00.000Z)");
  EXPECT_EQ(P("date:1700000000000"), "(DATE 2023-11-14T22:13:20.000Z 2023-11-14T22:13:20.000Z)");
  EXPECT_EQ(P("date:\"2024-03-05 14:30\""), "(DATE 2024-03-05T14:30:00.000Z 2024-03-05T14:30:00.000Z)");
  EXPECT_EQ(P("(date:2024-03-05)"), "(DATE 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)");
  EXPECT_EQ(P("news +date:[2024-01-01 TO *] -draft"),
            R"((AND (TERM text "news") (DATE 2024-01-01T00:00:00.000Z *) (NOT (TERM text "draft"))))");
  EXPECT_EQ(P("rust date:2024-03-05"),
            R"((OR (TERM text "rust") (DATE 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)))");
}

// Time phrases in date: resolve through the product's one resolver, in the zone and from
// the anchor the caller gives; a phrase window [start, end) becomes [start, end - 1 ms].
TEST(QueryParser, DatePhrases) {
  TimeContext time;
  time.anchor_ms = *parse_timestamp_ms("2025-11-21T12:00:00Z");
  auto D = [&](const char* q, const char* zone = "UTC") {
    time.zone = zone;
    return to_debug_string(*parse_query(q, time).root);
  };
  EXPECT_EQ(D("date:yesterday"), "(DATE 2025-11-20T00:00:00.000Z 2025-11-20T23:59:59.999Z)");
  EXPECT_EQ(D("date:\"last monday\""), "(DATE 2025-11-17T00:00:00.000Z 2025-11-17T23:59:59.999Z)");
  EXPECT_EQ(D("date:\"last week\"", "Europe/Berlin"), "(DATE 2025-11-09T23:00:00.000Z 2025-11-16T22:59:59.999Z)");
  EXPECT_EQ(D("date:2025-11"), "(DATE 2025-11-01T00:00:00.000Z 2025-11-30T23:59:59.999Z)");
  EXPECT_EQ(D("date:2025"), "(DATE 2025-01-01T00:00:00.000Z 2025-12-31T23:59:59.999Z)");
  EXPECT_EQ(D("date:20250"), "(DATE 1970-01-01T00:00:20.250Z 1970-01-01T00:00:20.250Z)");  // epoch ms as before
  EXPECT_EQ(D("date:\"since 2024\""), "(DATE 2024-01-01T00:00:00.000Z *)");
  EXPECT_EQ(D("date:[\"Q1 2025\" TO \"Q2 2025\"]"), "(DATE 2025-01-01T00:00:00.000Z 2025-06-30T23:59:59.999Z)");
  EXPECT_EQ(D("date:{\"Q1 2025\" TO \"Q3 2025\"}"), "(DATE 2025-04-01T00:00:00.000Z 2025-06-30T23:59:59.999Z)");
  // ISO dates keep their UTC meaning whatever the zone: existing queries do not change.
  EXPECT_EQ(D("date:2024-03-05", "Asia/Tokyo"), "(DATE 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)");
}

// mentions: takes what date: takes, but names calendar days: a phrase's edges become the
// zone's wall clock (written as UTC), so "last week" in Berlin is Monday to Sunday, not the
// instants 23:00Z to 22:59Z.
TEST(QueryParser, MentionsTakeCalendarDays) {
  TimeContext time;
  time.anchor_ms = *parse_timestamp_ms("2025-11-21T12:00:00Z");
  auto D = [&](const char* q, const char* zone = "UTC") {
    time.zone = zone;
    return to_debug_string(*parse_query(q, time).root);
  };
  EXPECT_EQ(D("mentions:\"last week\"", "Europe/Berlin"),
            "(MENTIONS 2025-11-10T00:00:00.000Z 2025-11-16T23:59:59.999Z)");
  EXPECT_EQ(D("mentions:2024"), "(MENTIONS 2024-01-01T00:00:00.000Z 2024-12-31T23:59:59.999Z)");
  EXPECT_EQ(D("mentions:2024-03-05", "Asia/Tokyo"), "(MENTIONS 2024-03-05T00:00:00.000Z 2024-03-05T23:59:59.999Z)");
  EXPECT_EQ(D("mentions:[2019 TO 2021] AND x"),
            R"((AND (MENTIONS 2019-01-01T00:00:00.000Z 2021-12-31T23:59:59.999Z) (TERM text "x")))");
  EXPECT_THROW(parse_query("mentions:someday", time), Error);
  EXPECT_EQ(to_debug_string(*parse_query_text("mentions:someday").root), R"((TERM text "mentions:someday"))");
}

TEST(QueryParser, MalformedDates) {
  EXPECT_ERROR("date:[2024-13-01 TO *]", 7, "invalid date '2024-13-01'");
  EXPECT_ERROR("date:[* TO 2023-02-29]", 12, "invalid date '2023-02-29'");
  EXPECT_ERROR("date:2024-02-30", 6, "invalid date");
  EXPECT_ERROR("x date:someday", 8, "invalid date 'someday'");
  EXPECT_ERROR("date:[2024-12-31 TO 2024-01-01]", 21, "empty date range");
  EXPECT_ERROR("date:{2024-03-05 TO 2024-03-06}", 21, "empty date range");
  EXPECT_ERROR("date:[2024-01-01 2024-12-31]", 18, "expected 'TO'");
  EXPECT_ERROR("date:[2024-01-01 to 2024-12-31]", 18, "'TO' in a date range must be uppercase");
  EXPECT_ERROR("date:[2024-01-01 TO 2024-12-31", 6, "unclosed date range");
  EXPECT_ERROR("date:[2024-01-01", 6, "unclosed date range");
  EXPECT_ERROR("date:[", 6, "unclosed date range");
  EXPECT_ERROR("date:[2024-01-01 TO * x]", 23, "expected ']' or '}'");
  EXPECT_ERROR("(date:[2024-01-01 TO *)", 23, "expected ']' or '}'");
  EXPECT_ERROR("date:[]", 7, "missing lower bound");
  EXPECT_ERROR("date:[* TO ]", 12, "missing upper bound");
  EXPECT_ERROR("date:(2024-01-01)", 6, "'date:' takes a date or a range");
  EXPECT_ERROR("date:*", 6, "'date:*' is not a date");
  EXPECT_ERROR("date:[\"\" TO *]", 7, "invalid date");
  EXPECT_ERROR("date:{9223372036854775807 TO *]", 7, "empty date range");
  EXPECT_ERROR("date:[* TO -9223372036854775808}", 12, "empty date range");
}

// ---------------------------------------------------------------------------------------
// Malformed queries: every error is InvalidQuery and names the right column

TEST(QueryParser, UnbalancedQuotes) {
  EXPECT_ERROR("foo \"bar", 5, "unbalanced quote");
  EXPECT_ERROR("\"a\" \"b", 5, "unbalanced quote");
  EXPECT_ERROR("\"abc\\\"", 1, "unbalanced quote");  // the closing quote is escaped
  EXPECT_ERROR("title:\"x", 7, "unbalanced quote");
  EXPECT_ERROR("12\" vinyl", 3, "unbalanced quote");
  EXPECT_EQ(E("abc foo \"bar baz"), "unbalanced quote at position 9: abc foo \"bar baz");
}

TEST(QueryParser, EmptyPhrases) {
  EXPECT_ERROR("\"\"", 1, "empty phrase");
  EXPECT_ERROR("a \"   \"", 3, "empty phrase");
  EXPECT_ERROR("title:\"\"", 7, "empty phrase");
  EXPECT_ERROR("tag:\"\"", 5, "empty tag: value");
}

TEST(QueryParser, UnbalancedParentheses) {
  EXPECT_ERROR("(a b", 1, "unbalanced '('");
  EXPECT_ERROR("a (b (c)", 3, "unbalanced '('");
  EXPECT_ERROR("a b)", 4, "unmatched ')'");
  EXPECT_ERROR("(a) b) c", 6, "unmatched ')'");
  EXPECT_ERROR(")", 1, "unmatched ')'");
  EXPECT_ERROR("title:(a b", 7, "unbalanced '('");
  EXPECT_ERROR("()", 1, "empty group");
  EXPECT_ERROR("a ( )", 3, "empty group");
  EXPECT_ERROR("title:()", 7, "empty group");
}

TEST(QueryParser, UnknownAndEmptyFields) {
  EXPECT_EQ(E("foo:bar"),
            "unknown field 'foo' at position 1 (known: title, tag, label, kind, uri, date, mentions): foo:bar");
  EXPECT_EQ(P("a http://example.com"), R"((OR (TERM text "a") (TERM text "http://example.com")))");
  EXPECT_EQ(P("mailto:me@x.org"), R"((TERM text "mailto:me@x.org"))");
  EXPECT_ERROR("a http:/example.com", 3, "unknown field 'http'");
  EXPECT_ERROR("a:b", 1, "unknown field 'a'");
  EXPECT_ERROR("(x foo:)", 4, "unknown field 'foo'");
  EXPECT_ERROR("title:", 1, "missing value after 'title:'");
  EXPECT_ERROR("a title: b", 3, "missing value after 'title:'");
  EXPECT_ERROR("(tag:)", 2, "missing value after 'tag:'");
  EXPECT_ERROR("x date:", 3, "missing value after 'date:'");
  EXPECT_ERROR("title:-foo", 7, "'-' must come before the field");
}

TEST(QueryParser, MisplacedOperators) {
  EXPECT_ERROR("a AND", 3, "missing operand after 'AND'");
  EXPECT_ERROR("a &&", 3, "missing operand after '&&'");
  EXPECT_ERROR("a OR", 3, "missing operand after 'OR'");
  EXPECT_ERROR("a NOT", 3, "missing operand after 'NOT'");
  EXPECT_ERROR("NOT", 1, "missing operand after 'NOT'");
  EXPECT_ERROR("(a AND) b", 4, "missing operand after 'AND'");
  EXPECT_ERROR("OR a", 1, "missing operand before 'OR'");
  EXPECT_ERROR("AND a", 1, "missing operand before 'AND'");
  EXPECT_ERROR("x (OR a)", 4, "missing operand before 'OR'");
  EXPECT_ERROR("a AND OR b", 7, "'OR' cannot follow 'AND'");
  EXPECT_ERROR("a OR AND b", 6, "'AND' cannot follow 'OR'");
  EXPECT_ERROR("a OR OR b", 6, "'OR' cannot follow 'OR'");
  EXPECT_ERROR("NOT OR a", 5, "'OR' cannot follow 'NOT'");
  EXPECT_ERROR("a -AND b", 4, "'AND' cannot follow '-'");
}

TEST(QueryParser, PositionsCountCodePoints) {
  EXPECT_ERROR("é \"x", 3, "unbalanced quote");
  EXPECT_ERROR("日本語 (", 5, "unbalanced '('");
  EXPECT_ERROR("\xF0\x9F\x98\x80 a AND", 5, "missing operand after 'AND'");
}

TEST(QueryParser, ErrorExcerptIsShortAndMarksTruncation) {
  EXPECT_EQ(E("0123456789abcdefghij \"xyz 0123456789abcdefghij"),
            "unbalanced quote at position 22: ...9abcdefghij \"xyz 0123456...");
  EXPECT_EQ(E("a\tb\n\"c"), "unbalanced quote at position 5: a b \"c");  // control characters blanked
}

TEST(QueryParser, InvalidUtf8) {
  EXPECT_ERROR("ab \xFF", 4, "invalid UTF-8");
  EXPECT_ERROR("é\xC3", 2, "invalid UTF-8");                  // truncated sequence
  EXPECT_ERROR("\xC0\xAF", 1, "invalid UTF-8");               // overlong '/'
  EXPECT_ERROR("x \xED\xA0\x80", 3, "invalid UTF-8");         // UTF-16 surrogate
  EXPECT_ERROR("\xF4\x90\x80\x80", 1, "invalid UTF-8");       // past U+10FFFF
  EXPECT_ERROR("\"abc \x80\"", 6, "invalid UTF-8");           // inside a phrase
  EXPECT_NE(E("ab \xFF").find("ab \\xFF"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Limits

TEST(QueryParser, QueryLengthLimit) {
  EXPECT_EQ(P(std::string(kMaxQueryBytes, 'a')), "(TERM text \"" + std::string(kMaxQueryBytes, 'a') + "\")");
  const std::string huge(100'000, 'a');
  const auto start = std::chrono::steady_clock::now();
  const std::string message = E(huge);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_NE(message.find("100000 bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("10000 bytes"), std::string::npos) << message;
  EXPECT_NE(E(std::string(kMaxQueryBytes + 1, ' ')).find("10001 bytes"), std::string::npos);
}

TEST(QueryParser, NestingDepthLimit) {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '(') + "a" + std::string(depth, ')');
  };
  EXPECT_EQ(P(nested(kMaxQueryDepth)), R"((TERM text "a"))");
  EXPECT_ERROR(nested(kMaxQueryDepth + 1), 33, "nested deeper than 32");
  EXPECT_ERROR(std::string(4000, '('), 33, "nested deeper than 32");
  EXPECT_EQ(P("title:" + nested(kMaxQueryDepth)), R"((TERM title "a"))");  // the field's '(' counts
  EXPECT_ERROR("title:" + nested(kMaxQueryDepth + 1), 39, "nested deeper than 32");
  // 100K parentheses: rejected by size before any recursion, without overflowing the stack.
  EXPECT_NE(E(std::string(100'000, '(')).find("100000 bytes"), std::string::npos);
  EXPECT_NE(E(nested(100'000)).find("200001 bytes"), std::string::npos);
  // Long prefix chains are loops, not recursion.
  std::string nots;
  for (int k = 0; k < 2000; ++k) nots += "NOT ";
  EXPECT_EQ(P(nots + "a"), R"((TERM text "a"))");
  EXPECT_EQ(P(std::string(9999, '-') + "a"), R"((NOT (TERM text "a")))");
}

TEST(QueryParser, AdversarialInputsAtTheSizeLimitParseQuickly) {
  const auto repeat = [](std::string_view piece) {
    std::string out;
    while (out.size() + piece.size() <= kMaxQueryBytes) out += piece;
    return out;
  };
  const std::vector<std::string> inputs = {
      std::string(kMaxQueryBytes - 1, '-') + "a", std::string(kMaxQueryBytes, '+'),
      repeat("NOT "),                             repeat("a:"),
      repeat("ab "),                              "\"" + std::string(kMaxQueryBytes - 1, 'x'),
      repeat(R"(\")"),                           "date:[" + std::string(kMaxQueryBytes - 6, '2'),
      repeat("(a) "),                             repeat("a AND "),
      "uri:" + std::string(kMaxQueryBytes - 4, '/'), repeat("é"),
  };
  for (const std::string& input : inputs) {
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)parse_query(input);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidQuery);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << input.substr(0, 20);
  }
}

TEST(QueryParser, ClauseLimit) {
  std::string query;
  for (std::size_t k = 0; k < kMaxQueryClauses; ++k) query += "w ";
  const Query ok = parse_query(query);
  ASSERT_TRUE(ok.root);
  EXPECT_EQ(ok.root->children.size(), kMaxQueryClauses);
  query += "x";  // the 1025th leaf, at byte 2048
  EXPECT_ERROR(query, 2049, "too many clauses");
  std::string dates;
  for (std::size_t k = 0; k <= kMaxQueryClauses; ++k) dates += "date:1 ";
  EXPECT_ERROR(dates, 1024 * 7 + 1, "too many clauses");
}

// ---------------------------------------------------------------------------------------
// Node positions

TEST(QueryParser, NodePositionsAreByteOffsets) {
  const Query q = parse_query("foo -bar title:(b \"c d\") tag:x");
  ASSERT_TRUE(q.root);
  EXPECT_EQ(to_debug_string(*q.root),
            R"((AND (OR (TERM text "foo") (TERM title "b") (PHRASE title "c d") (TERM tag "x")) (NOT (TERM text "bar"))))");
  EXPECT_EQ(q.root->position, 0u);
  const Node& any = *q.root->children[0];
  EXPECT_EQ(any.position, 0u);
  EXPECT_EQ(any.children[1]->position, 16u);  // b
  EXPECT_EQ(any.children[2]->position, 18u);  // "c d"
  EXPECT_EQ(any.children[3]->position, 25u);  // tag:x
  const Node& excluded = *q.root->children[1];
  EXPECT_EQ(excluded.position, 4u);             // the '-'
  EXPECT_EQ(excluded.children[0]->position, 5u);
  EXPECT_EQ(parse_query("  NOT a").root->position, 2u);
  EXPECT_EQ(parse_query("x date:[* TO *]").root->children[1]->position, 2u);
}

// ---------------------------------------------------------------------------------------
// Robustness: random strings of query characters either parse into a well-formed tree or
// raise InvalidQuery; never another exception, a crash or a sanitizer report.

std::size_t check_tree(const Node& node, std::size_t depth) {
  EXPECT_LT(depth, 4 * kMaxQueryDepth + 8);
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase:
    case Node::Type::DateRange:
      EXPECT_TRUE(node.children.empty());
      if (node.type == Node::Type::DateRange && node.from_ms && node.until_ms) {
        EXPECT_LE(*node.from_ms, *node.until_ms);
      }
      return 1;
    case Node::Type::Not:
      EXPECT_EQ(node.children.size(), 1u);
      EXPECT_NE(node.children.front()->type, Node::Type::Not);
      return check_tree(*node.children.front(), depth + 1);
    case Node::Type::And:
    case Node::Type::Or: {
      EXPECT_GE(node.children.size(), 2u);
      std::size_t leaves = 0;
      for (const auto& child : node.children) {
        EXPECT_NE(child->type, node.type);
        EXPECT_GE(child->position, node.position);
        leaves += check_tree(*child, depth + 1);
      }
      return leaves;
    }
  }
  return 0;
}

TEST(QueryParser, RandomQueriesParseOrRaiseInvalidQuery) {
  static const std::vector<std::string> kPieces = {
      "a", "b", "foo", " ", "  ", "\t", "\"", "\\", "(", ")", "-", "+", ":", "title:", "TAG:", "kind:",
      "kind:text", "date:", "uri:", "label:", "x:", "[", "]", "{", "}", "*", " TO ", "TO", "AND", "OR",
      "NOT", "&&", "||", "2024-01-01", "2024-01-01T10:00:00+02:00", "12:30", "é", "東", "\xFF", "\xC3",
      "\xC2\xA0", "1700000000000", "state-of-the-art"};
  std::mt19937 rng(20240305);
  std::uniform_int_distribution<std::size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 24);
  std::size_t parsed = 0, rejected = 0;
  for (int iteration = 0; iteration < 20'000; ++iteration) {
    std::string query;
    for (int n = length(rng); n > 0; --n) query += kPieces[piece(rng)];
    try {
      const Query q = parse_query(query);
      ++parsed;
      if (q.root) {
        EXPECT_LE(check_tree(*q.root, 0), kMaxQueryClauses) << query;
        EXPECT_FALSE(to_debug_string(*q.root).empty());
      }
    } catch (const Error& e) {
      ++rejected;
      ASSERT_EQ(e.code(), ErrorCode::InvalidQuery) << query;
      ASSERT_NE(std::string(e.what()).find("at position "), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      FAIL() << "unexpected exception for [" << query << "]: " << e.what();
    }
  }
  // Both outcomes must actually be exercised.
  EXPECT_GT(parsed, 1000u);
  EXPECT_GT(rejected, 1000u);
}

}  // namespace
}  // namespace memvid::search
