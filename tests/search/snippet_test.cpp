// Window choice, highlights, ellipses, white-space collapsing and UTF-8 safety of snippets.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "search/snippet.hpp"
#include "text/analyzer.hpp"

using namespace memvid;
using namespace memvid::search;

namespace {

const std::string kEllipsis = "\u2026";

std::unordered_set<std::string> query(const text::Analyzer& a, std::string_view q) {
  const auto terms = a.terms(q);
  return {terms.begin(), terms.end()};
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = text::decode_utf8(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> highlighted(const Snippet& s) {
  std::vector<std::string> out;
  for (const auto& [b, e] : s.highlights) {
    EXPECT_LT(b, e);
    EXPECT_LE(e, s.text.size());
    out.push_back(s.text.substr(b, e - b));
  }
  return out;
}

std::string filler(int words, const char* word = "lorem") {
  std::string out;
  for (int i = 0; i < words; ++i) out += std::string(word) + (i % 9 == 8 ? ". " : " ");
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST(Snippet, WholeShortTextWithExactHighlights) {
  const text::Analyzer a;
  const std::string t = "The quick brown fox jumps over the lazy dog";
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "dogs FOX"), a, 200);
  EXPECT_EQ(s.text, t);
  ASSERT_EQ(s.highlights.size(), 2u);
  EXPECT_EQ(s.highlights[0], std::make_pair(16u, 19u));
  EXPECT_EQ(s.highlights[1], std::make_pair(40u, 43u));
  EXPECT_EQ(highlighted(s), (Strings{"fox", "dog"}));
}

TEST(Snippet, StemmedAndPossessiveMatches) {
  const text::Analyzer a;
  const std::string t = "He runs and ran; running daily with O'Neil's Runners' club.";
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "run oneil"), a, 500);
  EXPECT_EQ(highlighted(s), (Strings{"runs", "running", "O'Neil's"}));
}

TEST(Snippet, WindowCoversTheMatchesWithEllipses) {
  const text::Analyzer a;
  const std::string t = filler(200) + "the gradient descent algorithm converges " + filler(200);
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "gradient descent"), a, 80);
  EXPECT_TRUE(s.text.starts_with(kEllipsis)) << s.text;
  EXPECT_TRUE(s.text.ends_with(kEllipsis)) << s.text;
  EXPECT_LE(code_points(s.text), 80u);
  EXPECT_GE(code_points(s.text), 60u);
  EXPECT_EQ(highlighted(s), (Strings{"gradient", "descent"}));
  // Snapped to words: the text between the ellipses starts and ends with whole words.
  const std::string inner = s.text.substr(kEllipsis.size(), s.text.size() - 2 * kEllipsis.size());
  EXPECT_NE(inner.front(), ' ');
  EXPECT_NE(inner.back(), ' ');
  EXPECT_NE(t.find(inner), std::string::npos);
  const std::size_t at = t.find(inner);
  EXPECT_TRUE(at == 0 || t[at - 1] == ' ') << inner;
  EXPECT_TRUE(t[at + inner.size()] == ' ' || t[at + inner.size()] == '.') << inner;
  // The matches sit near the middle.
  const std::size_t mid = s.text.find("gradient");
  EXPECT_GT(mid, 15u);
  EXPECT_LT(mid, s.text.size() - 30);
}

TEST(Snippet, PrefersMostDistinctTermsThenMostOccurrencesThenEarliest) {
  const text::Analyzer a;
  const auto terms = query(a, "alpha beta");
  // Many "alpha" early, one "alpha beta" later: the later window has two distinct terms.
  std::string t = "alpha alpha alpha alpha " + filler(100) + "alpha beta " + filler(100);
  auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), terms, a, 60);
  EXPECT_EQ(highlighted(s), (Strings{"alpha", "beta"}));
  // Same distinct count: more occurrences win.
  t = "alpha beta " + filler(100) + "alpha beta beta alpha " + filler(100);
  s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), terms, a, 60);
  EXPECT_EQ(highlighted(s), (Strings{"alpha", "beta", "beta", "alpha"}));
  // Full tie: the earliest window.
  t = filler(50, "first") + "alpha beta " + filler(100) + "alpha beta " + filler(100, "second");
  s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), terms, a, 60);
  EXPECT_EQ(highlighted(s), (Strings{"alpha", "beta"}));
  EXPECT_NE(s.text.find("first"), std::string::npos) << s.text;
}

TEST(Snippet, NoMatchGivesTheStartOfTheRange) {
  const text::Analyzer a;
  const std::string t = "Opening words of a long document " + filler(100);
  auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "zebra"), a, 40);
  EXPECT_TRUE(s.text.starts_with("Opening words of a long document")) << s.text;
  EXPECT_TRUE(s.text.ends_with(kEllipsis));
  EXPECT_TRUE(s.highlights.empty());
  EXPECT_LE(code_points(s.text), 40u);
  // Whole words only: "Opening words of a long document lorem" is 38 code points + "…".
  EXPECT_EQ(s.text, "Opening words of a long document lorem" + kEllipsis);
  // An empty term set behaves the same.
  s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), {}, a, 40);
  EXPECT_EQ(s.text, "Opening words of a long document lorem" + kEllipsis);
  // One word longer than the window is cut inside it.
  const std::string longword(100, 'x');
  s = make_snippet(longword, 0, 100, {}, a, 10);
  EXPECT_EQ(s.text, std::string(8, 'x') + kEllipsis);
}

TEST(Snippet, WhitespaceCollapsesAndOffsetsFollow) {
  const text::Analyzer a;
  const std::string t = "\n\n  foo\n\n\tbar \r\n baz\x01qux  \n";
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "bar qux"), a, 100);
  EXPECT_EQ(s.text, "foo bar baz qux");
  ASSERT_EQ(s.highlights.size(), 2u);
  EXPECT_EQ(s.highlights[0], std::make_pair(4u, 7u));
  EXPECT_EQ(s.highlights[1], std::make_pair(12u, 15u));
  // Unicode spaces collapse too.
  const std::string u = "a\u00A0\u3000b\u2028c";
  EXPECT_EQ(make_snippet(u, 0, static_cast<std::uint32_t>(u.size()), {}, a, 100).text, "a b c");
}

TEST(Snippet, InvalidUtf8BecomesReplacementCharacter) {
  const text::Analyzer a;
  const std::string t = "abc \xFF\xFE def\xC3 ghi \xE2\x82";
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "def ghi"), a, 100);
  EXPECT_EQ(s.text, "abc \uFFFD\uFFFD def\uFFFD ghi \uFFFD\uFFFD");
  EXPECT_TRUE(valid_utf8(s.text));
  EXPECT_EQ(highlighted(s), (Strings{"def", "ghi"}));
  EXPECT_EQ(s.highlights[0].first, 11u);
}

TEST(Snippet, RangeInsideTheText) {
  const text::Analyzer a;
  const std::string t = "skip this part. Keep the kernel panic here. And skip this.";
  const auto b = static_cast<std::uint32_t>(t.find("Keep"));
  const auto e = static_cast<std::uint32_t>(t.find("And"));
  const auto s = make_snippet(t, b, e, query(a, "panic skip"), a, 100);
  EXPECT_EQ(s.text, "Keep the kernel panic here.");
  EXPECT_EQ(highlighted(s), (Strings{"panic"}));
  EXPECT_EQ(s.highlights[0], std::make_pair(16u, 21u));
  // Out-of-range bounds are clamped; an empty range gives an empty snippet.
  EXPECT_EQ(make_snippet(t, e, 100000, {}, a, 100).text, "And skip this.");
  EXPECT_TRUE(make_snippet(t, 100000, 200000, {}, a, 100).text.empty());
  EXPECT_TRUE(make_snippet(t, e, b, {}, a, 100).text.empty());
  EXPECT_TRUE(make_snippet("   \n\t ", 0, 6, {}, a, 100).text.empty());
}

TEST(Snippet, ZeroAndTinyMaxChars) {
  const text::Analyzer a;
  const std::string t = "alpha beta gamma delta";
  auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "gamma"), a, 0);
  EXPECT_TRUE(s.text.empty());
  EXPECT_TRUE(s.highlights.empty());
  for (std::size_t m = 1; m <= 30; ++m) {
    s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "gamma"), a, m);
    EXPECT_LE(code_points(s.text), m) << m << ": " << s.text;
    EXPECT_TRUE(valid_utf8(s.text));
    if (m >= 9) {
      EXPECT_EQ(highlighted(s), (Strings{"gamma"})) << m;  // "…gamma…" fits
    }
  }
}

TEST(Snippet, CjkAndOtherScripts) {
  const text::Analyzer a;
  std::string t;
  for (int i = 0; i < 50; ++i) t += "日本の首都は東京です。";
  t += "大阪は大きい都市です。";
  for (int i = 0; i < 50; ++i) t += "日本の首都は東京です。";
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "大阪"), a, 20);
  EXPECT_TRUE(valid_utf8(s.text));
  EXPECT_LE(code_points(s.text), 20u);
  EXPECT_EQ(highlighted(s), (Strings{"大", "阪", "大"}));
  const std::string ru = "Москва — столица России, а Санкт-Петербург — северная столица.";
  const auto r = make_snippet(ru, 0, static_cast<std::uint32_t>(ru.size()), query(text::Analyzer("russian"), "столицы"),
                              text::Analyzer("russian"), 200);
  EXPECT_EQ(highlighted(r), (Strings{"столица", "столица"}));
}

TEST(Snippet, MaxLengthAndValidityOnRandomInput) {
  const text::Analyzer a;
  std::mt19937 rng(99);
  const char* pieces[] = {"alpha", "beta", "gamma", " ", "\n", "\t", ". ", "\u00E9t\u00E9", "日本", "\U0001F600",
                          "\xFF", "\xC3", "\xE2\x80", "-", "x"};
  const auto terms = query(a, "alpha gamma été 日");
  for (int iter = 0; iter < 500; ++iter) {
    std::string t;
    const std::size_t len = rng() % 400;
    while (t.size() < len) t += pieces[rng() % std::size(pieces)];
    const std::size_t max_chars = rng() % 120;
    const auto b = static_cast<std::uint32_t>(rng() % (t.size() + 1));
    const auto e = static_cast<std::uint32_t>(b + rng() % (t.size() + 1));
    const auto s = make_snippet(t, b, e, terms, a, max_chars);
    ASSERT_TRUE(valid_utf8(s.text)) << iter;
    ASSERT_LE(code_points(s.text), max_chars) << iter;
    std::uint32_t prev = 0;
    for (const auto& [hb, he] : s.highlights) {
      ASSERT_LE(prev, hb);
      ASSERT_LT(hb, he);
      ASSERT_LE(he, s.text.size());
      const auto got = a.terms(s.text.substr(hb, he - hb));
      ASSERT_EQ(got.size(), 1u) << s.text.substr(hb, he - hb);
      ASSERT_TRUE(terms.count(got[0])) << got[0];
      prev = he;
    }
    ASSERT_EQ(make_snippet(t, b, e, terms, a, max_chars).text, s.text);  // deterministic
  }
}

TEST(Snippet, LargeRangeIsFast) {
  const text::Analyzer a;
  std::string t = filler(200000);
  t += " needle ";
  t += filler(1000);
  const auto s = make_snippet(t, 0, static_cast<std::uint32_t>(t.size()), query(a, "needle"), a, 150);
  EXPECT_EQ(highlighted(s), (Strings{"needle"}));
  EXPECT_LE(code_points(s.text), 150u);
}
