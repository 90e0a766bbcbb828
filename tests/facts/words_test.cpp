// Sentence splitting a part at a time: the parts of a long text, split on their own, give the
// sentences of the whole text, word for word and offset for offset; and the rules engine, which
// reads long texts that way, finds the same facts.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "facts/rules_extractor.hpp"
#include "facts/words.hpp"

namespace memvid::facts {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The repository's own prose: headings, lists, code, tables, e-mail addresses, blank lines.
std::string long_text() {
  std::string text;
  for (const char* f : {"/README.md", "/docs/FORMAT.md", "/docs/QUERY.md", "/docs/ARCHITECTURE.md", "/docs/FACTS.md"})
    text += slurp(std::string(MEMVID_SOURCE_DIR) + f) + "\n";
  text += "Alice Smith works at Acme Corp. She joined in March 2021.\n\nContact: bob@example.org.\n";
  return text;
}

std::string describe(const SplitText& sentences) {
  std::string out;
  for (const Sentence& s : sentences) {
    for (const Word& w : s) out += std::to_string(w.begin) + ":" + std::to_string(w.end) + ":" + w.folded + " ";
    out += "|\n";
  }
  return out;
}

TEST(SentenceParts, PartsSplitLikeTheWholeText) {
  const std::string text = long_text();
  ASSERT_GT(text.size(), 100'000u);
  const std::string whole = describe(split_sentences(text));
  for (std::size_t min_bytes : {1u, 100u, 4096u, 65536u}) {
    const std::vector<TextPart> parts = paragraph_parts(text, min_bytes);
    if (min_bytes <= 4096) {
      EXPECT_GT(parts.size(), 10u);
    }
    std::string joined;
    std::size_t next = 0;
    for (const TextPart& p : parts) {
      EXPECT_EQ(p.base, next);  // the parts tile the text
      next = p.base + p.text.size();
      joined += describe(split_sentences(p.text, p.base, text.find('@') != std::string::npos));
    }
    EXPECT_EQ(next, text.size());
    EXPECT_EQ(joined, whole) << "parts of at least " << min_bytes << " bytes";
  }
}

TEST(SentenceParts, ATextWithoutBlankLinesIsOnePart) {
  const std::string text(10000, 'a');
  ASSERT_EQ(paragraph_parts(text, 100).size(), 1u);
  EXPECT_EQ(paragraph_parts("", 100).size(), 1u);
}

TEST(SentenceParts, PartsStayBoundedWithoutBlankLines) {
  // A log of single lines, then a stretch with no line end at all, with multi-byte letters.
  std::string text;
  for (int i = 0; text.size() < 300'000; ++i) text += "line " + std::to_string(i) + " of a log without blank lines\n";
  const std::size_t unbroken = text.size();
  for (int i = 0; i < 40'000; ++i) text += "\xc3\xa9t\xc3\xa9 ";
  const std::size_t limit = paragraph_part_limit(1000);
  const std::vector<TextPart> parts = paragraph_parts(text, 1000);
  ASSERT_GT(parts.size(), text.size() / limit);
  std::size_t next = 0;
  for (const TextPart& p : parts) {
    EXPECT_EQ(p.base, next);
    EXPECT_LE(p.text.size(), limit);
    next = p.base + p.text.size();
    if (next < unbroken) {
      EXPECT_EQ(p.text.back(), '\n');  // cut after a line end where the text has them
    }
    EXPECT_NE(static_cast<unsigned char>(p.text.front()) & 0xC0, 0x80) << "a part starts inside a character";
  }
  EXPECT_EQ(next, text.size());
}

TEST(SentenceParts, ALongTextStatesTheFactsItsParagraphsState) {
  // The same paragraph many times over: every copy's facts, with offsets into the whole text.
  const std::string paragraph = "Alice Smith works at Acme Corp. She lives in Oslo.\n\n";
  std::string text;
  while (text.size() < 300 * 1024) text += paragraph;
  const auto facts = extract_facts_by_rules(text, 0);
  const auto one = extract_facts_by_rules(paragraph, 0);
  ASSERT_FALSE(one.empty());
  ASSERT_EQ(facts.size() % one.size(), 0u);
  EXPECT_EQ(facts.size() / one.size(), text.size() / paragraph.size());
  const ExtractedFact& last = facts.back();
  EXPECT_EQ(text.substr(last.value_begin, last.value_length), "Oslo");
  EXPECT_GT(last.value_begin, 300u * 1024 - paragraph.size());
}

}  // namespace
}  // namespace memvid::facts
