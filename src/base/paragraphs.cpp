#include "base/paragraphs.hpp"

namespace memvid {

std::vector<TextPart> paragraph_parts(std::string_view text, std::size_t min_bytes) {
  std::vector<TextPart> out;
  std::size_t begin = 0;
  while (text.size() - begin > min_bytes) {
    const std::size_t blank = text.find("\n\n", begin + min_bytes);
    if (blank == std::string_view::npos) break;
    out.push_back({begin, text.substr(begin, blank + 2 - begin)});
    begin = blank + 2;
  }
  out.push_back({begin, text.substr(begin)});
  return out;
}

}  // namespace memvid
