// libFuzzer target: arbitrary bytes as a search query. parse_query_text (the lenient reading
// that find uses by default) must never throw, and must agree with parse_query (strict):
// where the strict parser accepts the query, the same tree, positions included, and no
// note; where it rejects it, a note naming the same first problem. Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memvid/error.hpp"
#include "search/query.hpp"

namespace {

using memvid::search::Node;

[[noreturn]] void violation() { std::abort(); }

// The invariants of query.hpp: And/Or with two or more children, none of its own type, Not
// with one child that is no Not, leaves without children. Returns the number of leaves.
std::size_t check_shape(const Node& node) {
  switch (node.type) {
    case Node::Type::Term:
    case Node::Type::Phrase:
    case Node::Type::DateRange:
      if (!node.children.empty()) violation();
      if (node.type == Node::Type::DateRange && node.from_ms && node.until_ms && *node.from_ms > *node.until_ms)
        violation();
      return 1;
    case Node::Type::Not:
      if (node.children.size() != 1 || node.children.front()->type == Node::Type::Not) violation();
      return check_shape(*node.children.front());
    case Node::Type::And:
    case Node::Type::Or: {
      if (node.children.size() < 2) violation();
      std::size_t leaves = 0;
      for (const auto& child : node.children) {
        if (child->type == node.type) violation();
        leaves += check_shape(*child);
      }
      return leaves;
    }
  }
  violation();
}

bool same_tree(const Node& a, const Node& b) {
  if (a.type != b.type || a.field != b.field || a.text != b.text || a.from_ms != b.from_ms ||
      a.until_ms != b.until_ms || a.position != b.position || a.children.size() != b.children.size())
    return false;
  for (std::size_t k = 0; k < a.children.size(); ++k)
    if (!same_tree(*a.children[k], *b.children[k])) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  // A fixed anchor, so that date: phrases ("last week") read the same in both parses.
  const memvid::TimeContext time{1'763'726'400'000, "Europe/Berlin"};
  memvid::search::Query lenient;
  try {
    lenient = memvid::search::parse_query_text(query, time);
  } catch (...) {
    violation();
  }
  if (lenient.root) {
    if (check_shape(*lenient.root) > memvid::search::kMaxQueryClauses) violation();
    if (memvid::search::to_debug_string(*lenient.root).empty()) violation();
    (void)memvid::search::is_free_text(*lenient.root);
  }

  std::string error;
  try {
    const memvid::search::Query strict = memvid::search::parse_query(query, time);
    if (!lenient.note.empty()) violation();
    if (static_cast<bool>(strict.root) != static_cast<bool>(lenient.root)) violation();
    if (strict.root && !same_tree(*strict.root, *lenient.root)) violation();
    if (strict.root && memvid::search::to_debug_string(*strict.root) != memvid::search::to_debug_string(*lenient.root))
      violation();
    return 0;
  } catch (const memvid::Error& e) {
    if (e.code() != memvid::ErrorCode::InvalidQuery) violation();
    error = e.what();
  }
  // The note is "<what was read differently>: <the start of the strict error>", with control
  // characters blanked. what() ends at the first NUL, which a quoted value may contain.
  const std::size_t colon = lenient.note.find(": ");
  if (colon == std::string::npos) violation();
  const std::string_view noted = std::string_view(lenient.note).substr(colon + 2);
  for (char& c : error)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  if (error.size() >= noted.size() ? error.rfind(noted, 0) != 0 : noted.rfind(error, 0) != 0) violation();
  return 0;
}
