#pragma once
// Makes arbitrary bytes valid UTF-8 for indexing and display: every maximal invalid
// subsequence (as defined by Unicode's "substitution of maximal subparts", the practice of
// the WHATWG encoding standard) becomes one U+FFFD, and the number of bad bytes is counted.
// Well-formed means RFC 3629: no overlong forms, surrogates, or code points past U+10FFFF.
#include <cstdint>
#include <string>
#include <string_view>

namespace memvid::base {

struct RepairedUtf8 {
  std::string text;
  std::uint64_t invalid_bytes = 0;      // bytes that were not part of a valid sequence
  std::uint64_t replacements = 0;       // U+FFFD inserted for them
};

bool is_valid_utf8(std::string_view bytes) noexcept;
RepairedUtf8 repair_utf8(std::string_view bytes);

}  // namespace memvid::base
