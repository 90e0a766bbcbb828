#include "ingest/pages.hpp"

#include <nlohmann/json.hpp>

namespace memvid::ingest {

std::uint32_t page_at(std::string_view metadata_json, std::uint64_t offset) {
  // Most frames have no pages: skip the parse for them.
  if (metadata_json.find(kPageStartsKey) == std::string_view::npos) return 0;
  const auto parsed = nlohmann::json::parse(metadata_json, nullptr, false);
  if (!parsed.is_object()) return 0;
  const auto it = parsed.find(kPageStartsKey);
  if (it == parsed.end() || !it->is_array()) return 0;
  std::uint32_t page = 0;
  std::uint64_t previous = 0;
  for (const auto& start : *it) {
    if (!start.is_number_unsigned()) return 0;
    const auto at = start.get<std::uint64_t>();
    if (at < previous) return 0;
    if (at > offset) break;
    previous = at;
    ++page;
  }
  return page;
}

}  // namespace memvid::ingest
