#include "ask/prompt.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace memvid::ask {

std::vector<ChatMessage> answer_prompt(std::string_view question, std::string_view context) {
  std::vector<ChatMessage> messages;
  messages.push_back(
      {"system",
       "You answer questions using only the numbered passages from the user's memory below. "
       "Cite the passages that support each statement with their numbers in square brackets, like [1] or [2][3]. "
       "If the passages do not contain the answer, say that the memory does not contain it; do not use outside "
       "knowledge and do not invent sources. Be concise."});
  std::string user = "Passages:\n\n";
  user += context;
  user += "\n\nQuestion: ";
  user += question;
  messages.push_back({"user", std::move(user)});
  return messages;
}

std::vector<std::size_t> cited_numbers(std::string_view answer, std::size_t source_count) {
  std::vector<std::size_t> out;
  auto add = [&](std::size_t n) {
    if (n >= 1 && n <= source_count && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  for (std::size_t open = answer.find('['); open != std::string_view::npos; open = answer.find('[', open + 1)) {
    const std::size_t close = answer.find(']', open);
    if (close == std::string_view::npos) break;
    const std::string_view inside = answer.substr(open + 1, close - open - 1);
    // Only digits, commas, dashes and spaces: "[see 3]" or "[a]" are not citations.
    if (inside.empty() || inside.size() > 64 || inside.find_first_not_of("0123456789,- ") != std::string_view::npos) continue;
    std::size_t i = 0;
    while (i < inside.size()) {
      while (i < inside.size() && !std::isdigit(static_cast<unsigned char>(inside[i]))) ++i;
      std::size_t a = 0, digits = 0;
      for (; i < inside.size() && std::isdigit(static_cast<unsigned char>(inside[i])) && digits < 6; ++i, ++digits)
        a = a * 10 + static_cast<std::size_t>(inside[i] - '0');
      if (digits == 0) break;
      std::size_t j = i;
      while (j < inside.size() && inside[j] == ' ') ++j;
      if (j < inside.size() && inside[j] == '-') {
        ++j;
        while (j < inside.size() && inside[j] == ' ') ++j;
        std::size_t b = 0, bd = 0;
        for (; j < inside.size() && std::isdigit(static_cast<unsigned char>(inside[j])) && bd < 6; ++j, ++bd)
          b = b * 10 + static_cast<std::size_t>(inside[j] - '0');
        // A range is bounded by the sources there are, so "[1-999999]" costs nothing.
        for (std::size_t n = a; bd > 0 && n <= std::min(b, source_count); ++n) add(n);
        i = j;
      } else {
        add(a);
      }
    }
  }
  return out;
}

}  // namespace memvid::ask
