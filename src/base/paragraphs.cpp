#include "base/paragraphs.hpp"

namespace memvid {

std::vector<TextPart> paragraph_parts(std::string_view text, std::size_t min_bytes) {
  const std::size_t max_bytes = paragraph_part_limit(min_bytes);
  std::vector<TextPart> out;
  std::size_t begin = 0;
  while (text.size() - begin > min_bytes) {
    std::size_t end = text.find("\n\n", begin + min_bytes);
    if (end != std::string_view::npos && end + 2 - begin <= max_bytes) {
      end += 2;
    } else if (text.size() - begin <= max_bytes) {
      break;
    } else {
      // No blank line within the limit: the last line end before it, or failing that the
      // limit itself, moved back to the start of a UTF-8 character.
      const std::size_t newline = text.rfind('\n', begin + max_bytes - 1);
      if (newline != std::string_view::npos && newline >= begin + min_bytes) {
        end = newline + 1;
      } else {
        end = begin + max_bytes;
        while (end > begin + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
      }
    }
    out.push_back({begin, text.substr(begin, end - begin)});
    begin = end;
  }
  out.push_back({begin, text.substr(begin)});
  return out;
}

}  // namespace memvid
