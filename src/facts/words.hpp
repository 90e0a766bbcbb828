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

#include <cstdint>
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

using Sentence = std::vector<Word>;

std::vector<Sentence> split_sentences(std::string_view text);

// The same, for the part of a larger text that starts at byte `base` (words' offsets are into
// the larger text); any_at: whether the larger text holds an '@' (e-mail addresses are looked
// for only then).
std::vector<Sentence> split_sentences(std::string_view part, std::size_t base, bool any_at);
// No sentence runs on across a blank line, so the parts of base/paragraphs.hpp, split on
// their own, give the sentences of the whole text.

// NFKC + full case folding (ASCII fast path); invalid UTF-8 is replaced.
std::string fold_text(std::string_view text);

}  // namespace memvid::facts
