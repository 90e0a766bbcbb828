#pragma once
// The words of a text as the rules extractor reads them: sentences of words and punctuation,
// each with its byte span in the text, its case-folded form, and whether it looks like part
// of a name (a capital letter, or a letter of a script without case, such as Han).
//
// A word is a run of letters, digits and marks; an apostrophe between letters ("don't",
// "Alice's", "O'Brien"), a hyphen between letters or digits ("Jean-Luc", "2024-05-06") and a
// '.' or ',' between digits ("3.5") stay inside it, and "++" or "#" after a letter ("C++",
// "C#") are part of it. An e-mail address is one word. Every other character is punctuation,
// one token each; white space is dropped. Invalid UTF-8 bytes are punctuation.
//
// Sentences end at '.', '!' or '?' (unless the '.' follows a title such as "Dr", an initial,
// or is followed by a lower-case word or a digit), at ';', at a blank line, and before a
// line that starts a list item ("-", "*", "•", "1.").
#include "base/paragraphs.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::facts {

struct Word {
  std::uint32_t begin = 0, end = 0;  // bytes of the text
  std::string_view text;             // the original bytes
  std::string folded;                // NFKC + case fold
  bool punct = false;                // one punctuation character
  bool capital = false;              // starts with an upper-case or title-case letter
  bool caseless_letter = false;      // starts with a letter of a script without case
  bool digit = false;                // starts with a digit
  bool email = false;

  bool is(std::string_view folded_form) const { return folded == folded_form; }
  bool name_like() const { return capital || caseless_letter; }
};

// A sentence's words, held by the SplitText it came from.
using Sentence = std::span<const Word>;

// The words of a text, once each, and its sentences as runs of them (the punctuation that
// ends a sentence belongs to none). Moving it keeps its sentences valid; copying is refused.
struct SplitText {
  std::vector<Word> words;
  std::vector<Sentence> sentences;

  SplitText() = default;
  SplitText(SplitText&&) = default;
  SplitText& operator=(SplitText&&) = default;
  SplitText(const SplitText&) = delete;
  SplitText& operator=(const SplitText&) = delete;

  auto begin() const { return sentences.begin(); }
  auto end() const { return sentences.end(); }
  std::size_t size() const { return sentences.size(); }
  const Sentence& operator[](std::size_t i) const { return sentences[i]; }
};

SplitText split_sentences(std::string_view text);

// The same, for the part of a larger text that starts at byte `base` (words' offsets are into
// the larger text); any_at: whether the larger text holds an '@' (e-mail addresses are looked
// for only then).
SplitText split_sentences(std::string_view part, std::size_t base, bool any_at);
// No sentence runs on across a blank line, so the parts of base/paragraphs.hpp, split on
// their own, give the sentences of the whole text.

// NFKC + full case folding (ASCII fast path); invalid UTF-8 is replaced.
std::string fold_text(std::string_view text);

// A word list's first and last bytes: most words of a text are in none of the rules' tables,
// and this says so from two bytes, before a table is searched.
class FirstLastBytes {
 public:
  template <typename Words>
  explicit FirstLastBytes(const Words& words) {
    for (std::string_view w : words)
      if (!w.empty()) seen_[key(w) / 64] |= std::uint64_t{1} << (key(w) % 64);
  }
  bool may_hold(std::string_view w) const { return !w.empty() && (seen_[key(w) / 64] >> (key(w) % 64) & 1) != 0; }

 private:
  static std::size_t key(std::string_view w) {
    return static_cast<std::size_t>(static_cast<unsigned char>(w.front())) << 8 | static_cast<unsigned char>(w.back());
  }
  std::array<std::uint64_t, 65536 / 64> seen_{};
};

}  // namespace memvid::facts
