// Segmentation, normalization, stop-words, stemming and robustness of the text analyzer.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "memvid/error.hpp"
#include "text/analyzer.hpp"

using namespace memvid;
using namespace memvid::text;

namespace {

std::vector<Token> analyze(const Analyzer& a, std::string_view text, std::uint32_t first = 0) {
  std::vector<Token> out;
  a.analyze(text, out, first);
  return out;
}

std::vector<std::string> terms_of(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.term);
  return out;
}

std::vector<std::uint32_t> positions_of(const std::vector<Token>& tokens) {
  std::vector<std::uint32_t> out;
  for (const auto& t : tokens) out.push_back(t.position);
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

using Terms = std::vector<std::string>;

}  // namespace

TEST(Analyzer, ExampleSentenceExactTokens) {
  const Analyzer a;
  const std::string text = "The Runners' running-shoes cost $1,000.50!";
  std::vector<Token> out;
  EXPECT_EQ(a.analyze(text, out), 6u);  // The, Runners, running, shoes, cost, 1,000.50
  ASSERT_EQ(out.size(), 5u);
  const struct {
    const char* term;
    std::uint32_t pos, begin, end;
  } want[] = {{"runner", 1, 4, 11}, {"run", 2, 13, 20}, {"shoe", 3, 21, 26}, {"cost", 4, 27, 31}, {"1000.50", 5, 33, 41}};
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].term, want[i].term) << i;
    EXPECT_EQ(out[i].position, want[i].pos) << i;
    EXPECT_EQ(out[i].begin, want[i].begin) << i;
    EXPECT_EQ(out[i].end, want[i].end) << i;
  }
  EXPECT_EQ(text.substr(out[0].begin, out[0].end - out[0].begin), "Runners");
  EXPECT_EQ(text.substr(out[4].begin, out[4].end - out[4].begin), "1,000.50");
}

TEST(Analyzer, FirstPositionAppendsAndReturnsNextPosition) {
  const Analyzer a;
  std::vector<Token> out;
  const std::uint32_t after_title = a.analyze("Hello world", out, 0);
  EXPECT_EQ(after_title, 2u);
  const std::uint32_t after_body = a.analyze("the body text", out, after_title + 100);
  EXPECT_EQ(after_body, 105u);
  EXPECT_EQ(terms_of(out), (Terms{"hello", "world", "bodi", "text"}));
  EXPECT_EQ(positions_of(out), (std::vector<std::uint32_t>{0, 1, 103, 104}));
  EXPECT_EQ(a.analyze("", out, 7), 7u);
  EXPECT_EQ(a.analyze(" ,.;!? -- ", out, 7), 7u);
  EXPECT_EQ(out.size(), 4u);
}

TEST(Analyzer, ApostrophesAndPossessives) {
  const Analyzer none("none");
  auto t = analyze(none, "O'Neil's don't rock 'n' roll James' it's");
  EXPECT_EQ(terms_of(t), (Terms{"oneil", "dont", "rock", "n", "roll", "james", "it"}));
  EXPECT_EQ(positions_of(t), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t[0].begin, 0u);  // the possessive stays inside the word's byte range
  EXPECT_EQ(t[0].end, 8u);
  EXPECT_EQ(t[5].begin, 29u);  // "James" without the trailing apostrophe
  EXPECT_EQ(t[5].end, 34u);

  // U+2019 behaves like '.
  const std::string curly = "O\u2019Neil\u2019s DON\u2019T";
  t = analyze(none, curly);
  EXPECT_EQ(terms_of(t), (Terms{"oneil", "dont"}));
  EXPECT_EQ(t[0].end, 12u);
  EXPECT_EQ(t[1].begin, 13u);
  EXPECT_EQ(t[1].end, curly.size());

  // English: "it's" -> "it" is a stop-word; possessives stem like the plain word.
  const Analyzer en;
  t = analyze(en, "it's O'Neil's dog's");
  EXPECT_EQ(terms_of(t), (Terms{"oneil", "dog"}));
  EXPECT_EQ(positions_of(t), (std::vector<std::uint32_t>{1, 2}));
  // An apostrophe needs letters on both sides.
  EXPECT_EQ(none.terms("'quoted' 90's a'"), (Terms{"quoted", "90", "s", "a"}));
}

TEST(Analyzer, HyphensAndPunctuationSplit) {
  const Analyzer en;
  auto t = analyze(en, "state-of-the-art");
  EXPECT_EQ(terms_of(t), (Terms{"state", "art"}));
  EXPECT_EQ(positions_of(t), (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(t[1].begin, 13u);
  EXPECT_EQ(t[1].end, 16u);
  const Analyzer none("none");
  EXPECT_EQ(none.terms("state-of-the-art"), (Terms{"state", "of", "the", "art"}));
  EXPECT_EQ(none.terms("a_b/c\\d(e)f[g]h{i}j<k>l\"m\"n@o#p%q&r*s+t=u|v~w`x^y:z;"),
            (Terms{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
                   "u", "v", "w", "x", "y", "z"}));
  EXPECT_EQ(none.terms("user@example.com https://x.org/a?b=1"), (Terms{"user", "example", "com", "https", "x", "org", "a", "b", "1"}));
}

TEST(Analyzer, Numbers) {
  const Analyzer en;
  auto t = analyze(en, "1,000 3.14 covid19 h2o COVID-19 v1.2.3 192.168.0.1");
  EXPECT_EQ(terms_of(t), (Terms{"1000", "3.14", "covid19", "h2o", "covid", "19", "v1.2.3", "192.168.0.1"}));
  EXPECT_EQ(t[0].begin, 0u);
  EXPECT_EQ(t[0].end, 5u);
  // '.' and ',' only join between digits.
  EXPECT_EQ(en.terms("end. 5, 1,000. .5 5. a,b a.b 1,,2 1..2"),
            (Terms{"end", "5", "1000", "5", "5", "b", "b", "1", "2", "1", "2"}));
  // Tokens with digits are not stemmed.
  EXPECT_EQ(en.terms("runs2 running 2running"), (Terms{"runs2", "run", "2running"}));
}

TEST(Analyzer, StopWords) {
  const char* lucene[] = {"a",    "an",   "and",   "are",  "as",    "at",    "be",   "but",  "by",
                          "for",  "if",   "in",    "into", "is",    "it",    "no",   "not",  "of",
                          "on",   "or",   "such",  "that", "the",   "their", "then", "there", "these",
                          "they", "this", "to",    "was",  "will",  "with"};
  for (const char* w : lucene) EXPECT_TRUE(is_english_stop_word(w)) << w;
  for (const char* w : {"", "i", "you", "he", "she", "we", "have", "from", "which", "thes", "an ", "The", "intox"}) {
    EXPECT_FALSE(is_english_stop_word(w)) << w;
  }
  const Analyzer en;
  auto t = analyze(en, "To be or not to be, THAT is the Question");
  EXPECT_EQ(terms_of(t), (Terms{"question"}));
  EXPECT_EQ(t[0].position, 9u);
  EXPECT_EQ(Analyzer("porter").terms("the question"), (Terms{"question"}));
  // Only English drops stop-words.
  EXPECT_EQ(Analyzer("none").terms("The Question"), (Terms{"the", "question"}));
  EXPECT_EQ(Analyzer("french").terms("the a"), (Terms{"the", "a"}));
}

TEST(Analyzer, EnglishSnowballStems) {
  const Analyzer en;
  const std::pair<const char*, const char*> pairs[] = {
      {"running", "run"},       {"generously", "generous"}, {"caresses", "caress"}, {"ponies", "poni"},
      {"connection", "connect"}, {"connected", "connect"},   {"happiness", "happi"}, {"relational", "relat"},
      {"cats", "cat"},           {"Flying", "fli"},          {"sky", "sky"}};
  for (const auto& [word, stem] : pairs) EXPECT_EQ(en.terms(word), (Terms{stem})) << word;
  // Porter (the original algorithm) differs from Snowball English on some words.
  EXPECT_EQ(Analyzer("porter").terms("generously"), (Terms{"gener"}));
  EXPECT_EQ(Analyzer("french").terms("continuellement"), (Terms{"continuel"}));
  EXPECT_EQ(Analyzer("german").terms("Häuser"), (Terms{"haus"}));
}

TEST(Analyzer, NfkcAndCaseFolding) {
  const Analyzer none("none");
  EXPECT_EQ(none.terms("\uFB01le"), (Terms{"file"}));                // ﬁ ligature
  EXPECT_EQ(none.terms("\uFF21\uFF22\uFF23"), (Terms{"abc"}));       // fullwidth ＡＢＣ
  EXPECT_EQ(none.terms("\uFF11\uFF12\uFF13"), (Terms{"123"}));       // fullwidth １２３
  EXPECT_EQ(none.terms("Stra\u00DFe"), (Terms{"strasse"}));          // ß folds to ss
  EXPECT_EQ(none.terms("cafe\u0301 caf\u00E9"), (Terms{"caf\u00E9", "caf\u00E9"}));  // composed, accent kept
  EXPECT_EQ(none.terms("\u00C9COLE"), (Terms{"\u00E9cole"}));
  EXPECT_EQ(none.terms("x\u00B2"), (Terms{"x2"}));                   // superscript two
  EXPECT_EQ(none.terms("co\u00ADoperate"), (Terms{"cooperate"}));    // soft hyphen joins and vanishes
  EXPECT_EQ(none.terms("\u2160\u2161"), (Terms{"iii"}));             // Roman numerals Ⅰ Ⅱ
  const Analyzer en;
  EXPECT_EQ(en.terms("\uFB01les"), (Terms{"file"}));
  EXPECT_EQ(en.terms("Stra\u00DFe"), (Terms{"strass"}));
  // Offsets refer to the input bytes, not the normalized form.
  auto t = analyze(none, "  \uFF21\uFF22\uFF23 x");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].begin, 2u);
  EXPECT_EQ(t[0].end, 11u);
  EXPECT_EQ(t[1].begin, 12u);
}

TEST(Analyzer, Fold) {
  EXPECT_EQ(Analyzer::fold("  Machine Learning \t\n"), "machine learning");
  EXPECT_EQ(Analyzer::fold("\u00A0\uFF34\uFF21\uFF27\u3000"), "tag");
  EXPECT_EQ(Analyzer::fold("Stra\u00DFe"), "strasse");
  EXPECT_EQ(Analyzer::fold("Running-Shoes"), "running-shoes");  // no splitting, no stemming
  EXPECT_EQ(Analyzer::fold("HTTPS://Example.COM/A"), "https://example.com/a");
  EXPECT_EQ(Analyzer::fold("a\xFF"), "a\uFFFD");
  EXPECT_EQ(Analyzer::fold(""), "");
  EXPECT_EQ(Analyzer::fold(" \t "), "");
  EXPECT_EQ(Analyzer::fold("\u0395\u039B\u039B\u0391\u03A3"), "\u03B5\u03BB\u03BB\u03B1\u03C3");  // ΕΛΛΑΣ
}

TEST(Analyzer, NonLatinScripts) {
  const Analyzer none("none");
  EXPECT_EQ(none.terms("Привет, МИР!"), (Terms{"привет", "мир"}));
  EXPECT_EQ(none.terms("Καλημέρα κόσμε"), (Terms{"καλημέρα", "κόσμε"}));
  EXPECT_EQ(none.terms("ΣΊΣΥΦΟΣ"), (Terms{"σίσυφοσ"}));  // final sigma folds to σ
  EXPECT_EQ(none.terms("مرحبا بالعالم"), (Terms{"مرحبا", "بالعالم"}));
  EXPECT_EQ(none.terms("नमस्ते दुनिया"), (Terms{"नमस्ते", "दुनिया"}));  // virama and vowel signs stay attached
  EXPECT_EQ(none.terms("안녕하세요 세계"), (Terms{"안녕하세요", "세계"}));
  EXPECT_EQ(Analyzer("russian").terms("Привет, красивые"), (Terms{"привет", "красив"}));
  EXPECT_EQ(Analyzer("greek").terms("Καλημέρα κόσμε"), (Terms{"καλημερ", "κοσμ"}));
  // The English analyzer folds other scripts and leaves their words alone.
  EXPECT_EQ(Analyzer("english").terms("Привет МИР"), (Terms{"привет", "мир"}));
}

TEST(Analyzer, CjkUnigrams) {
  const Analyzer en;
  const std::string text = "東京タワーへ行く";
  auto t = analyze(en, text);
  EXPECT_EQ(terms_of(t), (Terms{"東", "京", "タ", "ワ", "ー", "へ", "行", "く"}));
  EXPECT_EQ(positions_of(t), (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].begin, 3 * i);
    EXPECT_EQ(t[i].end, 3 * i + 3);
  }
  t = analyze(en, "日本語abc漢字 Running");
  EXPECT_EQ(terms_of(t), (Terms{"日", "本", "語", "abc", "漢", "字", "run"}));
  EXPECT_EQ(t[3].begin, 9u);
  EXPECT_EQ(t[3].end, 12u);
  // Halfwidth Katakana with its voiced mark becomes one fullwidth character; a combining mark
  // attaches to the kana before it.
  EXPECT_EQ(en.terms("\uFF76\uFF9E"), (Terms{"\u30AC"}));
  EXPECT_EQ(en.terms("\u304B\u3099"), (Terms{"\u304C"}));
  // Compatibility ideographs normalize to the unified ones.
  EXPECT_EQ(en.terms("\uF900"), (Terms{"\u8C48"}));
}

TEST(Analyzer, CombiningMarksAndJoiners) {
  const Analyzer none("none");
  // A mark with no letter before it is a separator.
  auto t = analyze(none, "\u0301abc");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].term, "abc");
  EXPECT_EQ(t[0].begin, 2u);
  // Marks after digits and letters stay in the word.
  EXPECT_EQ(none.terms("n\u0303o"), (Terms{"\u00F1o"}));
  // ZWNJ/ZWJ join and are removed (default ignorable); ZWSP separates.
  EXPECT_EQ(none.terms("ab\u200Ccd ef\u200Bgh"), (Terms{"abcd", "ef", "gh"}));
}

TEST(Analyzer, LongTokensDroppedButCountPositions) {
  const Analyzer none("none");
  const std::string w64(64, 'a');
  const std::string w65(65, 'b');
  auto t = analyze(none, w64 + " " + w65 + " end");
  EXPECT_EQ(terms_of(t), (Terms{w64, "end"}));
  EXPECT_EQ(positions_of(t), (std::vector<std::uint32_t>{0, 2}));
  // The limit applies after normalization: 22 fullwidth letters are 66 bytes but fold to 22.
  std::string wide;
  for (int i = 0; i < 22; ++i) wide += "\uFF41";
  EXPECT_EQ(none.terms(wide), (Terms{std::string(22, 'a')}));
  // 33 'ß' are 66 bytes and fold to 66 bytes of "ss": dropped.
  std::string eszett;
  for (int i = 0; i < 32; ++i) eszett += "\u00DF";
  EXPECT_EQ(none.terms(eszett), (Terms{std::string(64, 's')}));
  EXPECT_TRUE(none.terms(eszett + "\u00DF").empty());
}

TEST(Analyzer, InvalidUtf8IsSeparator) {
  const Analyzer none("none");
  const std::string text = "abc\xFF" "def\xC3 gh\xED\xA0\x80ij \xE2\x82 k\xF4\x90\x80\x80l \xC0\xAF m\xC3\xA9";
  auto t = analyze(none, text);
  EXPECT_EQ(terms_of(t), (Terms{"abc", "def", "gh", "ij", "k", "l", "m\u00E9"}));
  EXPECT_EQ(t[0].begin, 0u);
  EXPECT_EQ(t[0].end, 3u);
  EXPECT_EQ(t[1].begin, 4u);
  EXPECT_EQ(t[1].end, 7u);
  for (const auto& tok : t) {
    ASSERT_LE(tok.end, text.size());
    EXPECT_TRUE(valid_utf8(text.substr(tok.begin, tok.end - tok.begin)));
  }
  // A truncated sequence at the very end.
  EXPECT_EQ(none.terms("abc\xE6\x97"), (Terms{"abc"}));
  EXPECT_EQ(none.terms("\xF0"), Terms{});
}

TEST(Analyzer, RandomBytesNeverCrash) {
  const Analyzer en;
  std::mt19937 rng(42);
  const char* pieces[] = {"a", "Z", "1", "'", ",", ".", " ", "\u00E9", "\u0301", "\u2019", "日", "\uFF76", "\uFF9E",
                          "\xFF", "\xC3", "\xE2\x80", "ß", "\u00AD", "-", "\n"};
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) {
      if (rng() % 4 == 0) {
        text.push_back(static_cast<char>(rng() & 0xFF));
      } else {
        text += pieces[rng() % std::size(pieces)];
      }
    }
    std::vector<Token> out;
    const std::uint32_t next = en.analyze(text, out, 5);
    std::uint32_t prev_end = 0;
    std::uint32_t prev_pos = 4;
    for (const auto& tok : out) {
      ASSERT_LT(tok.begin, tok.end);
      ASSERT_LE(tok.end, text.size());
      ASSERT_GE(tok.begin, prev_end);
      ASSERT_GT(tok.position, prev_pos);
      ASSERT_LT(tok.position, next);
      ASSERT_FALSE(tok.term.empty());
      ASSERT_LE(tok.term.size(), 64u + 8u);
      ASSERT_TRUE(valid_utf8(tok.term)) << tok.term;
      prev_end = tok.end;
      prev_pos = tok.position;
    }
    // Deterministic.
    std::vector<Token> again;
    en.analyze(text, again, 5);
    ASSERT_EQ(terms_of(again), terms_of(out));
  }
}

TEST(Analyzer, HugeInputsAreLinear) {
  const Analyzer en;
  const auto start = std::chrono::steady_clock::now();
  std::string prose;
  while (prose.size() < (1u << 20)) prose += "The quick brown foxes jumped over 1,234.5 lazy dogs' kennels. ";
  std::vector<Token> out;
  const std::uint32_t words = en.analyze(prose, out);
  EXPECT_EQ(words % 10, 0u);               // ten words a sentence
  EXPECT_EQ(out.size(), words / 10 * 9);  // "The" is the one stop-word
  // Single 1 MB "words" of every joining kind: one position each, dropped as too long.
  const std::string letters(1u << 20, 'x');
  std::string number = "1";
  std::string apostrophes = "a";
  std::string marks = "a";
  while (number.size() < (1u << 20)) number += ",1.2";
  while (apostrophes.size() < (1u << 20)) apostrophes += "'b";
  while (marks.size() < (1u << 20)) marks += "\u0301";
  for (std::string_view s : {std::string_view(letters), std::string_view(number), std::string_view(apostrophes), std::string_view(marks)}) {
    out.clear();
    EXPECT_EQ(en.analyze(s, out), 1u);
    EXPECT_TRUE(out.empty());
  }
  std::string cjk;
  while (cjk.size() < (1u << 20)) cjk += "漢";
  out.clear();
  EXPECT_EQ(en.analyze(cjk, out), cjk.size() / 3);
  std::string garbage(1u << 20, '\xFF');
  out.clear();
  EXPECT_EQ(en.analyze(garbage, out), 0u);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30.0);  // quadratic behaviour would take hours
}

TEST(Analyzer, Languages) {
  const auto langs = Analyzer::languages();
  ASSERT_FALSE(langs.empty());
  EXPECT_EQ(langs.front(), "none");
  for (const char* l : {"english", "porter", "french", "german", "russian", "spanish"}) {
    EXPECT_NE(std::find(langs.begin(), langs.end(), l), langs.end()) << l;
  }
  for (const auto& l : langs) EXPECT_EQ(Analyzer(l).language(), l);
  EXPECT_EQ(Analyzer().language(), "english");
  EXPECT_EQ(Analyzer("English").language(), "english");
}

TEST(Analyzer, UnknownLanguageIsInvalidArgument) {
  try {
    Analyzer a("klingon");
    FAIL() << "accepted klingon";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown language 'klingon'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("known: none, "), std::string::npos) << msg;
    EXPECT_NE(msg.find("english"), std::string::npos) << msg;
  }
  EXPECT_THROW(Analyzer(""), Error);
  EXPECT_THROW(Analyzer("UTF_8"), Error);
}

TEST(Analyzer, NoneLanguageKeepsWords) {
  const Analyzer none("none");
  EXPECT_EQ(none.language(), "none");
  EXPECT_EQ(none.terms("The Runners are running"), (Terms{"the", "runners", "are", "running"}));
}

TEST(Analyzer, TermsMatchesAnalyze) {
  const Analyzer en;
  EXPECT_EQ(en.terms("The quick brown foxes"), (Terms{"quick", "brown", "fox"}));
  EXPECT_TRUE(en.terms("the of and").empty());
}

TEST(Analyzer, ConcurrentUseGivesIdenticalResults) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "Running shoes, caresses and generously-priced ponies " + std::to_string(i) +
            " — Привет мир, 東京, Straße, \uFB01le's. ";
  }
  const Analyzer en;
  const Analyzer fr("french");
  const auto want_en = analyze(en, text);
  const auto want_fr = analyze(fr, text);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int k = 0; k < 8; ++k) {
    threads.emplace_back([&, k] {
      const Analyzer& a = k % 2 == 0 ? en : fr;
      const auto& want = k % 2 == 0 ? want_en : want_fr;
      for (int rep = 0; rep < 30; ++rep) {
        const auto got = analyze(a, text);
        bool same = got.size() == want.size();
        for (std::size_t i = 0; same && i < got.size(); ++i) {
          same = got[i].term == want[i].term && got[i].position == want[i].position &&
                 got[i].begin == want[i].begin && got[i].end == want[i].end;
        }
        if (!same) ++mismatches[static_cast<std::size_t>(k)];
        // A thread-local analyzer of another language in between must not disturb anything.
        const Analyzer other(k % 2 == 0 ? "german" : "porter");
        (void)other.terms("häuser running");
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int k = 0; k < 8; ++k) EXPECT_EQ(mismatches[static_cast<std::size_t>(k)], 0) << "thread " << k;
}

TEST(Analyzer, DecodeUtf8AndClassify) {
  char32_t cp = 0;
  EXPECT_EQ(decode_utf8("A", 0, cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(decode_utf8("\u00E9", 0, cp), 2u);
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(decode_utf8("\u20AC", 0, cp), 3u);
  EXPECT_EQ(decode_utf8("\U0001F600", 0, cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(decode_utf8("\x80", 0, cp), 0u);
  EXPECT_EQ(decode_utf8("\xC0\x80", 0, cp), 0u);          // overlong
  EXPECT_EQ(decode_utf8("\xE0\x80\x80", 0, cp), 0u);      // overlong
  EXPECT_EQ(decode_utf8("\xED\xA0\x80", 0, cp), 0u);      // surrogate
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80", 0, cp), 0u);  // > U+10FFFF
  EXPECT_EQ(decode_utf8(std::string_view("\xE2\x82", 2), 0, cp), 0u);
  EXPECT_EQ(classify(U'a'), CharClass::Letter);
  EXPECT_EQ(classify(U'7'), CharClass::Digit);
  EXPECT_EQ(classify(U' '), CharClass::Space);
  EXPECT_EQ(classify(U'\n'), CharClass::Space);
  EXPECT_EQ(classify(U'\u3000'), CharClass::Space);
  EXPECT_EQ(classify(U'-'), CharClass::Other);
  EXPECT_EQ(classify(U'\u0301'), CharClass::Mark);
  EXPECT_EQ(classify(U'\u6F22'), CharClass::Ideograph);
  EXPECT_EQ(classify(U'\u30AB'), CharClass::Ideograph);
  EXPECT_EQ(classify(U'\u0416'), CharClass::Letter);
}
