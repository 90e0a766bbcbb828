#include "text/text_units.hpp"

#include <cstring>

namespace memvid::text {

std::uint64_t units_in(std::string_view s, TextUnit unit) {
  if (unit == TextUnit::Utf8Bytes) return s.size();
  std::uint64_t units = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // Runs of ASCII, eight bytes at a time: most text is mostly ASCII.
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        units += 8;
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + len > n) len = 1;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) len = 1;
    units += unit == TextUnit::Utf16 && len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

}  // namespace memvid::text
