#pragma once
// The word-level rules the built-in model's stem fallback shares between conversion (which
// words key the stem table) and encoding (which unknown words may use it).
#include <cstddef>
#include <string>
#include <string_view>

namespace memvid::embed {

// libstemmer's "porter" stem of a folded word; thread-safe (one stemmer per thread).
std::string porter_stem(std::string_view word);

// True when the word is non-empty valid UTF-8 made only of letters (Unicode L*, CJK included);
// letters receives the number of characters.
bool is_alphabetic_word(std::string_view word, std::size_t& letters);

}  // namespace memvid::embed
