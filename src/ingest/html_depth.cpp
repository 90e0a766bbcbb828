#include "ingest/html_depth.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace memvid::ingest {
namespace {

// Elements that never nest (void) or whose end tag may be left out, which real pages do
// all the time; counting them would mistake ordinary pages for deep ones.
constexpr std::array<std::string_view, 35> kNotNesting = {
    "area", "base",  "br",    "col",   "embed",    "hr",    "img",   "input", "link",  "meta",  "param", "source",
    "track", "wbr",  "p",     "li",    "dt",       "dd",    "tr",    "td",    "th",    "option", "optgroup",
    "tbody", "thead", "tfoot", "colgroup", "rb", "rt", "rp", "rtc", "html", "head", "body", "!doctype"};
constexpr std::array<std::string_view, 6> kRawText = {"script", "style", "textarea", "title", "xmp", "plaintext"};

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_'; }

std::size_t find_ci(std::string_view hay, std::string_view needle, std::size_t from) {
  auto it = std::search(hay.begin() + static_cast<std::ptrdiff_t>(std::min(from, hay.size())), hay.end(), needle.begin(),
                        needle.end(), [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                        });
  return it == hay.end() ? std::string_view::npos : static_cast<std::size_t>(it - hay.begin());
}

}  // namespace

std::size_t html_nesting_depth(std::string_view html, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  std::size_t i = 0;
  const std::size_t n = html.size();
  while (i < n && deepest < limit) {
    const std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= n) break;
    i = lt + 1;
    if (html.substr(lt, 4) == "<!--") {
      const std::size_t end = html.find("-->", lt + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    const bool closing = html[i] == '/';
    if (closing) ++i;
    if (i >= n || !std::isalpha(static_cast<unsigned char>(html[i]))) continue;  // "a < b", "<!x", "<?x"
    std::size_t name_end = i;
    while (name_end < n && is_name_char(html[name_end])) ++name_end;
    std::string name(html.substr(i, name_end - i));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::size_t gt = html.find('>', name_end);
    if (gt == std::string_view::npos) break;
    i = gt + 1;
    if (std::find(kNotNesting.begin(), kNotNesting.end(), name) != kNotNesting.end()) continue;
    if (closing) {
      if (depth > 0) --depth;
      continue;
    }
    if (html[gt - 1] == '/') continue;  // <x/>
    if (std::find(kRawText.begin(), kRawText.end(), name) != kRawText.end()) {
      const std::size_t end = find_ci(html, "</" + name, i);
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    deepest = std::max(deepest, ++depth);
  }
  return std::min(deepest, limit);
}

}  // namespace memvid::ingest
