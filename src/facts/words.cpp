#include "facts/words.hpp"

#include <utf8proc.h>

#include <array>
#include <cstdlib>

namespace memvid::facts {

namespace {

struct CodePoint {
  std::int32_t value = -1;  // -1: an invalid byte
  std::uint32_t length = 1;
};

CodePoint decode(std::string_view text, std::size_t at) {
  const auto first = static_cast<unsigned char>(text[at]);
  if (first < 0x80) return {first, 1};
  utf8proc_int32_t cp = -1;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at),
                                  static_cast<utf8proc_ssize_t>(text.size() - at), &cp);
  if (n <= 0) return {};
  return {cp, static_cast<std::uint32_t>(n)};
}

bool is_letter(std::int32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_word_char(std::int32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  if (is_letter(cp)) return true;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

bool is_digit(std::int32_t cp) { return cp >= '0' && cp <= '9'; }
bool is_space(std::int32_t cp) { return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0; }
bool is_apostrophe(std::int32_t cp) { return cp == '\'' || cp == 0x2019; }
bool is_email_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '+' || c == '%';
}

// An e-mail address starting at `at`, or 0.
std::size_t email_length(std::string_view text, std::size_t at) {
  std::size_t i = at;
  while (i < text.size() && is_email_char(text[i])) ++i;
  if (i == at || i >= text.size() || text[i] != '@') return 0;
  std::size_t j = i + 1, dots = 0;
  while (j < text.size() && is_email_char(text[j])) dots += text[j++] == '.';
  while (j > i + 1 && (text[j - 1] == '.' || text[j - 1] == '-')) --j;  // a sentence's period
  if (dots == 0 || j == i + 1) return 0;
  std::size_t last_dot = text.rfind('.', j - 1);
  if (last_dot == std::string_view::npos || last_dot <= i + 1 || j - last_dot < 3) return 0;
  return j - at;
}

// Titles and abbreviations whose '.' does not end a sentence.
bool is_title_abbreviation(std::string_view folded) {
  static constexpr std::array<std::string_view, 22> kTitles = {
      "dr", "mr", "mrs", "ms", "prof", "st", "sr", "jr", "mt", "gen", "col", "capt", "lt", "sgt",
      "rev", "hon", "sen", "rep", "gov", "pres", "vs", "no"};
  for (std::string_view t : kTitles)
    if (folded == t) return true;
  return false;
}

}  // namespace

std::string fold_text(std::string_view text) {
  {
    std::string out(text.size(), '\0');
    std::size_t k = 0;
    for (; k < text.size(); ++k) {
      const char c = text[k];
      if (static_cast<unsigned char>(c) >= 0x80) break;
      out[k] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (k == text.size()) return out;
  }
  utf8proc_uint8_t* folded = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &folded,
                              static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                             UTF8PROC_IGNORE));
  if (n < 0) {
    std::string out;
    for (char c : text) out += static_cast<unsigned char>(c) < 0x80 ? c : '?';
    return out;
  }
  std::string out(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n));
  std::free(folded);
  return out;
}

SplitText split_sentences(std::string_view text) {
  return split_sentences(text, 0, text.find('@') != std::string_view::npos);
}

SplitText split_sentences(std::string_view text, std::size_t base, bool any_at) {
  SplitText split;
  std::vector<Word>& words = split.words;
  words.reserve(text.size() / 6 + 8);  // English runs about 6 bytes a word with its space
  std::vector<std::uint8_t> break_before;  // a blank line or a list item starts before this word
  bool pending_break = false;
  std::size_t i = 0;
  bool line_start = true;
  std::size_t newlines = 0;
  while (i < text.size()) {
    const CodePoint c = decode(text, i);
    if (is_space(c.value)) {
      if (c.value == '\n') {
        ++newlines;
        line_start = true;
        if (newlines >= 2) pending_break = true;
      }
      i += c.length;
      continue;
    }
    if (line_start) {
      // A list item: "-", "*", "•" or "1." / "1)" at the start of a line.
      std::size_t j = i;
      while (j < text.size() && is_digit(static_cast<unsigned char>(text[j]))) ++j;
      const bool numbered = j > i && j < text.size() && (text[j] == '.' || text[j] == ')') &&
                            j + 1 < text.size() && text[j + 1] == ' ';
      const bool bullet = c.value == '-' || c.value == '*' || c.value == 0x2022;
      if (numbered || bullet) {
        pending_break = true;
        i = numbered ? j + 1 : i + c.length;
        line_start = false;
        newlines = 0;
        continue;
      }
    }
    line_start = false;
    newlines = 0;
    Word& w = words.emplace_back();
    w.begin = static_cast<std::uint32_t>(i);
    if (std::size_t e = any_at ? email_length(text, i) : 0) {
      w.email = true;
      i += e;
    } else if (is_word_char(c.value)) {
      const bool starts_with_letter = is_letter(c.value);
      if (starts_with_letter && c.value < 0x80) {
        w.capital = c.value >= 'A' && c.value <= 'Z';
      } else if (starts_with_letter) {
        const auto cat = utf8proc_category(c.value);
        w.capital = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
        w.caseless_letter = cat == UTF8PROC_CATEGORY_LO;
      }
      w.digit = is_digit(c.value);
      std::int32_t prev = c.value;
      i += c.length;
      while (i < text.size()) {
        const CodePoint d = decode(text, i);
        if (is_word_char(d.value)) {
          // A caseless script runs on without spaces: one Han word is the whole run.
          prev = d.value;
          i += d.length;
          continue;
        }
        if (i + d.length < text.size()) {
          const CodePoint next = decode(text, i + d.length);
          const bool joins = (is_apostrophe(d.value) && is_letter(prev) && is_letter(next.value)) ||
                             (d.value == '-' && is_word_char(prev) && is_word_char(next.value)) ||
                             ((d.value == '.' || d.value == ',') && is_digit(prev) && is_digit(next.value));
          if (joins) {
            prev = next.value;
            i += d.length + next.length;
            continue;
          }
        }
        if (is_letter(prev) && (d.value == '#' || d.value == '+')) {
          i += d.length;
          if (d.value == '+' && i < text.size() && text[i] == '+') ++i;
          break;
        }
        break;
      }
    } else {
      w.punct = true;
      i += c.length;
    }
    w.end = static_cast<std::uint32_t>(i);
    w.text = text.substr(w.begin, w.end - w.begin);
    w.folded = w.punct ? std::string(w.text) : fold_text(w.text);
    w.begin += static_cast<std::uint32_t>(base);
    w.end += static_cast<std::uint32_t>(base);
    break_before.push_back(pending_break);
    pending_break = false;
  }

  // Which terminal punctuation ends a sentence, decided while every word is still in place.
  std::vector<bool> ends(words.size(), false);
  for (std::size_t k = 0; k < words.size(); ++k) {
    const Word& w = words[k];
    if (!(w.punct && (w.text == "." || w.text == "!" || w.text == "?" || w.text == ";"))) continue;
    ends[k] = true;
    if (w.text != ".") continue;
    const Word* before = k > 0 ? &words[k - 1] : nullptr;
    const Word* after = k + 1 < words.size() ? &words[k + 1] : nullptr;
    const bool title = before && !before->punct && before->end == w.begin &&
                       (is_title_abbreviation(before->folded) ||
                        (before->capital && before->text.size() == 1));  // an initial: "J. Smith"
    const bool continues = after && !after->punct && !after->capital && !after->caseless_letter && !break_before[k + 1];
    if (title || continues) ends[k] = false;
  }
  // A sentence is a run of words: it closes before a break and at its ending punctuation,
  // which it does not keep.
  std::size_t start = 0;
  auto close = [&](std::size_t end) {
    if (end > start) split.sentences.emplace_back(words.data() + start, end - start);
  };
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (break_before[k]) {
      close(k);
      start = k;
    }
    if (ends[k]) {
      close(k);
      start = k + 1;
    }
  }
  close(words.size());
  return split;
}

}  // namespace memvid::facts
