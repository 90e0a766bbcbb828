#pragma once
// Text analysis for the lexical index: UTF-8 text -> words -> NFKC + case folded terms ->
// English stop-words dropped -> Snowball stems. The same pipeline serves documents and queries,
// so a query term matches a document term exactly when both analyze to the same string.
//
// Segmentation. A word is a maximal run of letters and digits (Unicode L*, N*) with the
// combining marks (M*) and joiners (soft hyphen, ZWNJ, ZWJ, word joiner) that follow them.
// Inside a word, an apostrophe (' or U+2019) between two letters joins ("don't"), and '.' or
// ',' between two digits joins ("3.14", "1,000"). Every other character splits. CJK
// ideographs, Hiragana and Katakana are one token per character. Invalid UTF-8 bytes are
// separators; token offsets always refer to the bytes of the input.
//
// Normalization. NFKC + full case folding (utf8proc), default-ignorable characters removed;
// accents are kept. Then a trailing possessive "'s" is removed, remaining apostrophes and
// number commas are dropped. Words whose normalized form is empty or longer than 64 bytes
// are dropped. Pure-ASCII words skip utf8proc (ASCII lower-casing gives the same result).
//
// Positions. Every word (and every CJK character) takes one position, including the words
// that are dropped (stop-words, over-long words), so phrase distances stay true.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::text {

struct Token {
  std::string term;            // normalized (NFKC + case fold), stemmed
  std::uint32_t position = 0;  // word position; dropped stop-words still advance it
  std::uint32_t begin = 0;     // byte range of the original word in the input (a possessive
  std::uint32_t end = 0;       // "'s" is inside it, a trailing lone apostrophe is not)
};

class Analyzer {
 public:
  // language: a Snowball algorithm libstemmer knows ("english", "porter", "french", ...) or
  // "none" (no stemming, no stop-words). ASCII case is ignored ("English" == "english").
  // Unknown -> Error(InvalidArgument, "unknown language 'xx' (known: none, arabic, ...)").
  explicit Analyzer(std::string language = "english");

  const std::string& language() const { return language_; }

  // Appends the tokens of text to out, positions starting at first_position; returns the
  // position after the last word (first_position + number of words, dropped ones included).
  // Safe to call concurrently on one Analyzer: stemmers and scratch buffers are per thread.
  // Throws InvalidArgument for a text of 4 GiB or more (offsets are 32-bit).
  std::uint32_t analyze(std::string_view text, std::vector<Token>& out, std::uint32_t first_position = 0) const;

  // The terms of a text in order (same pipeline, stop-words dropped): for query terms.
  std::vector<std::string> terms(std::string_view text) const;

  // A keyword value (tag, label, uri, kind): NFKC + case fold, invalid UTF-8 replaced by
  // U+FFFD, leading/trailing white space trimmed; no splitting, no stemming.
  static std::string fold(std::string_view value);

  // "none" followed by libstemmer's algorithms, in libstemmer's (alphabetical) order.
  static std::vector<std::string> languages();

 private:
  std::string language_;
  int stemmer_index_ = -1;  // index into sb_stemmer_list(), -1 = no stemming
  bool stop_words_ = false;
};

// True for the Lucene EnglishAnalyzer default stop-words; the word must already be folded.
bool is_english_stop_word(std::string_view folded_word);

// ---- UTF-8 helpers shared by the chunker and the snippet builder ----

// Decodes the UTF-8 sequence at text[i] (i < text.size()) into cp and returns its length
// (1-4), or 0 when the bytes there are not well-formed UTF-8 (stray continuation byte,
// overlong form, surrogate, beyond U+10FFFF, truncated sequence).
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) noexcept;

enum class CharClass : std::uint8_t {
  Other,      // punctuation, symbols, format characters, unassigned
  Space,      // white space and control characters (Z*, Cc)
  Letter,     // L* outside CJK
  Digit,      // N* outside CJK
  Mark,       // M*, and the joiners U+00AD, U+200C, U+200D, U+2060, U+FF9E, U+FF9F
  Ideograph,  // CJK ideographs, Hiragana, Katakana: one token per character
};
CharClass classify(char32_t cp) noexcept;

}  // namespace memvid::text
