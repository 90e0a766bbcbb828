// Chunk boundaries, overlap, coverage, UTF-8 safety and guaranteed progress of chunk_text.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "text/chunker.hpp"

using namespace memvid::text;

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool continuation(std::string_view t, std::size_t i) {
  return i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80;
}

// The guarantees every chunking must meet.
void check_invariants(std::string_view text, const std::vector<ChunkRange>& chunks, const ChunkOptions& options,
                      bool utf8_text = true) {
  const std::size_t target = std::max<std::size_t>(64, options.target_bytes);
  ASSERT_FALSE(chunks.empty());
  EXPECT_EQ(chunks.front().begin, 0u);
  EXPECT_EQ(chunks.back().end, text.size());
  // Every chunk advances the end by at least a quarter of the target (overlap <= target/4).
  ASSERT_LE(chunks.size(), text.size() / (target / 4) + 2);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const auto& c = chunks[i];
    ASSERT_LE(c.begin, c.end) << i;
    ASSERT_LE(c.end - c.begin, target) << i;
    if (!text.empty()) {
      ASSERT_LT(c.begin, c.end) << i;
    }
    if (utf8_text) {
      ASSERT_FALSE(continuation(text, c.begin)) << "chunk " << i << " begins inside a character";
      ASSERT_FALSE(continuation(text, c.end)) << "chunk " << i << " ends inside a character";
    }
    if (i > 0) {
      const auto& p = chunks[i - 1];
      ASSERT_GT(c.begin, p.begin) << i;
      ASSERT_LE(c.begin, p.end) << "gap before chunk " << i;
      ASSERT_GT(c.end, p.end) << i;
      ASSERT_LE(p.end - c.begin, std::min<std::size_t>(options.overlap_bytes, target / 4)) << i;
    }
  }
}

std::string sentence(int i) {
  return "Sentence number " + std::to_string(i) + " talks about something rather unremarkable. ";
}

}  // namespace

TEST(Chunker, ShortAndEmptyTextIsOneChunk) {
  const ChunkOptions opt;
  auto c = chunk_text("", opt);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].begin, 0u);
  EXPECT_EQ(c[0].end, 0u);
  c = chunk_text("hello world", opt);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].end, 11u);
  const std::string exact(4000, 'a');
  c = chunk_text(exact, opt);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].end, 4000u);
  c = chunk_text(exact + "a", opt);
  EXPECT_EQ(c.size(), 2u);
  check_invariants(exact + "a", c, opt);
}

TEST(Chunker, PrefersParagraphBreaks) {
  // Paragraphs of ~700 bytes made of sentences: every cut should follow a blank line.
  std::string text;
  for (int p = 0; p < 40; ++p) {
    for (int s = 0; s < 10; ++s) text += sentence(p * 10 + s);
    text += "\n\n";
  }
  const ChunkOptions opt{1000, 100};
  const auto chunks = chunk_text(text, opt);
  check_invariants(text, chunks, opt);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    const std::size_t e = chunks[i].end;
    ASSERT_GE(e, 2u);
    EXPECT_EQ(text.substr(e - 2, 2), "\n\n") << "chunk " << i;
    EXPECT_GT(e - chunks[i].begin, 500u);  // in the second half of the window
  }
  // A blank line holding spaces, tabs or CRs counts too.
  std::string crlf;
  for (int p = 0; p < 10; ++p) {
    for (int s = 0; s < 10; ++s) crlf += sentence(s);
    crlf += "\r\n \t\r\n";
  }
  const auto c2 = chunk_text(crlf, opt);
  check_invariants(crlf, c2, opt);
  for (std::size_t i = 0; i + 1 < c2.size(); ++i) EXPECT_EQ(crlf.substr(c2[i].end - 6, 6), "\r\n \t\r\n");
}

TEST(Chunker, ParagraphInFirstHalfIsIgnored) {
  // The only blank line is early in the window: the cut goes to a sentence end instead.
  std::string text = "Intro.\n\n";
  for (int s = 0; s < 100; ++s) text += sentence(s);
  const ChunkOptions opt{1000, 0};
  const auto chunks = chunk_text(text, opt);
  check_invariants(text, chunks, opt);
  EXPECT_EQ(text.substr(chunks[0].end - 2, 2), ". ");
  EXPECT_GT(chunks[0].end, 500u);
}

TEST(Chunker, FallsBackToSentenceThenWhitespace) {
  std::string sentences;
  for (int s = 0; s < 200; ++s) sentences += sentence(s);
  const ChunkOptions opt{1000, 200};
  auto chunks = chunk_text(sentences, opt);
  check_invariants(sentences, chunks, opt);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_EQ(sentences.substr(chunks[i].end - 2, 2), ". ") << i;
  }
  // "e.g." followed by a letter is not a sentence end; [!?] are.
  std::string words;
  for (int w = 0; w < 2000; ++w) words += w % 50 == 49 ? "why? " : "word ";
  chunks = chunk_text(words, opt);
  check_invariants(words, chunks, opt);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) EXPECT_EQ(words.substr(chunks[i].end - 2, 2), "? ") << i;

  std::string plain;
  for (int w = 0; w < 2000; ++w) plain += "word" + std::to_string(w % 7) + (w % 3 ? " " : "\t");
  chunks = chunk_text(plain, opt);
  check_invariants(plain, chunks, opt);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) {
    EXPECT_TRUE(is_ws(plain[chunks[i].end - 1])) << i;
    EXPECT_FALSE(is_ws(plain[chunks[i].end])) << i;
  }
}

TEST(Chunker, OverlapStartsAtSentenceOrWordStart) {
  std::string text;
  for (int s = 0; s < 300; ++s) text += sentence(s);
  const ChunkOptions opt{2000, 300};
  const auto chunks = chunk_text(text, opt);
  check_invariants(text, chunks, opt);
  ASSERT_GT(chunks.size(), 5u);
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    const std::size_t b = chunks[i].begin;
    const std::size_t prev_end = chunks[i - 1].end;
    EXPECT_LT(b, prev_end) << "no overlap at chunk " << i;
    EXPECT_LE(prev_end - b, 300u);
    EXPECT_TRUE(is_ws(text[b - 1]) && !is_ws(text[b])) << "chunk " << i << " starts mid-word";
    // Sentences are ~70 bytes, so a sentence start lies in the first half of the overlap.
    EXPECT_EQ(text.substr(b, 9), "Sentence ") << i;
  }
}

TEST(Chunker, ZeroOverlapTilesTheText) {
  std::string text;
  for (int s = 0; s < 300; ++s) text += sentence(s);
  const ChunkOptions opt{1500, 0};
  const auto chunks = chunk_text(text, opt);
  check_invariants(text, chunks, opt);
  for (std::size_t i = 1; i < chunks.size(); ++i) EXPECT_EQ(chunks[i].begin, chunks[i - 1].end);
}

TEST(Chunker, OverlapAndTargetAreClamped) {
  std::string text;
  for (int s = 0; s < 100; ++s) text += sentence(s);
  const ChunkOptions huge_overlap{400, 100000};
  auto chunks = chunk_text(text, huge_overlap);
  check_invariants(text, chunks, huge_overlap);
  for (std::size_t i = 1; i < chunks.size(); ++i) EXPECT_LE(chunks[i - 1].end - chunks[i].begin, 100u);

  const ChunkOptions tiny{1, 1};  // treated as 64 bytes
  chunks = chunk_text(text, tiny);
  check_invariants(text, chunks, tiny);
  for (const auto& c : chunks) EXPECT_LE(c.end - c.begin, 64u);
  EXPECT_GT(chunks.size(), text.size() / 64);
  EXPECT_EQ(chunk_text(std::string(64, 'x'), tiny).size(), 1u);
  EXPECT_EQ(chunk_text(std::string(65, 'x'), tiny).size(), 2u);
}

TEST(Chunker, NoWhitespaceAtAll) {
  const std::string text(100000, 'x');
  for (std::uint32_t overlap : {0u, 10u, 25u, 1000u}) {
    const ChunkOptions opt{100, overlap};
    const auto chunks = chunk_text(text, opt);
    check_invariants(text, chunks, opt);
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i) EXPECT_EQ(chunks[i].end - chunks[i].begin, 100u);
  }
}

TEST(Chunker, AllNewlinesAndAllSpaces) {
  for (char c : {'\n', ' ', '.'}) {
    const std::string text(50000, c);
    const ChunkOptions opt{200, 50};
    check_invariants(text, chunk_text(text, opt), opt);
  }
  std::string dots;
  while (dots.size() < 50000) dots += ". ";
  const ChunkOptions opt{200, 50};
  check_invariants(dots, chunk_text(dots, opt), opt);
}

TEST(Chunker, NeverSplitsUtf8Sequences) {
  for (const char* ch : {"\u00E9", "\u6F22", "\U0001F600"}) {
    std::string text;
    while (text.size() < 20000) text += ch;
    for (std::uint32_t target : {64u, 100u, 101u, 102u, 103u, 1000u}) {
      const ChunkOptions opt{target, target / 5};
      const auto chunks = chunk_text(text, opt);
      check_invariants(text, chunks, opt);
    }
  }
  // Mixed widths with spaces and sentences.
  std::string mixed;
  for (int i = 0; mixed.size() < 30000; ++i) mixed += i % 5 == 0 ? "日本語の文章です。 " : "Ελληνικά κείμενα\u00E9\U0001F600. ";
  const ChunkOptions opt{300, 60};
  check_invariants(mixed, chunk_text(mixed, opt), opt);
}

TEST(Chunker, InvalidUtf8DoesNotBreakProgress) {
  std::string text;
  std::mt19937 rng(7);
  for (int i = 0; i < 30000; ++i) text.push_back(static_cast<char>(0x80 | (rng() & 0x3F)));  // only continuation bytes
  const ChunkOptions opt{128, 16};
  check_invariants(text, chunk_text(text, opt), opt, /*utf8_text=*/false);
}

TEST(Chunker, RandomTextsKeepInvariants) {
  std::mt19937 rng(1234);
  const char* pieces[] = {"word", " ", "\n", "\n\n", ". ", "! ", "?", "\u00E9", "\u6F22", "\U0001F600", "a", "\t", "x"};
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    const std::size_t len = rng() % 5000;
    while (text.size() < len) text += pieces[rng() % std::size(pieces)];
    const ChunkOptions opt{static_cast<std::uint32_t>(rng() % 600), static_cast<std::uint32_t>(rng() % 300)};
    const auto chunks = chunk_text(text, opt);
    check_invariants(text, chunks, opt);
    ASSERT_EQ(chunk_text(text, opt).size(), chunks.size());  // deterministic
  }
}

TEST(Chunker, LargeTextIsLinear) {
  std::string text;
  while (text.size() < (8u << 20)) text += sentence(static_cast<int>(text.size() % 1000)) + (text.size() % 7 ? "" : "\n\n");
  const auto start = std::chrono::steady_clock::now();
  const ChunkOptions opt;
  const auto chunks = chunk_text(text, opt);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  check_invariants(text, chunks, opt);
  EXPECT_LT(seconds, 10.0);
  const auto tiny = chunk_text(std::string(4u << 20, 'y'), ChunkOptions{64, 16});
  EXPECT_EQ(tiny.size(), (4u << 20) / 64);  // no word starts: no overlap, 64-byte tiles
}
