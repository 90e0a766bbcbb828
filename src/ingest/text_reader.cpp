// Plain text and Markdown readers.
#include "ingest/extracted.hpp"
#include "base/utf8.hpp"

namespace memvid::ingest {

Extracted extract_plain_text(std::string_view bytes) {
  // A byte-order mark is no part of the text; editors on some systems add one.
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  Extracted out;
  base::RepairedUtf8 r = base::repair_utf8(bytes);
  out.text = std::move(r.text);
  out.invalid_bytes = r.invalid_bytes;
  return out;
}

Extracted extract_markdown(std::string_view bytes) {
  Extracted out = extract_plain_text(bytes);
  out.title = markdown_title(out.text);
  return out;
}

std::string markdown_title(std::string_view text) {
  bool in_fence = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Up to three spaces of indentation still make a heading or fence (CommonMark).
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3) continue;
    line.remove_prefix(indent);
    if (line.starts_with("```") || line.starts_with("~~~")) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence || !line.starts_with('#')) continue;
    const std::size_t level = line.find_first_not_of('#');
    if (level == std::string_view::npos) continue;  // only '#'s: an empty heading
    if (level > 6) continue;
    if (line[level] != ' ' && line[level] != '\t') continue;  // "#tag" is not a heading
    std::string_view title = line.substr(level);
    // Drop the optional closing sequence ("## Title ##") and surrounding blanks.
    auto trim = [](std::string_view s) {
      const std::size_t a = s.find_first_not_of(" \t");
      if (a == std::string_view::npos) return std::string_view{};
      return s.substr(a, s.find_last_not_of(" \t") - a + 1);
    };
    title = trim(title);
    const std::size_t hashes = title.find_last_not_of('#');
    if (hashes == std::string_view::npos) return {};
    if (hashes + 1 < title.size() && (title[hashes] == ' ' || title[hashes] == '\t')) title = trim(title.substr(0, hashes));
    return std::string(title);
  }
  return {};
}

}  // namespace memvid::ingest
