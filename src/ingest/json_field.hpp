#pragma once
// Finding a record's field by name or dotted path ("body.text"), for configurable JSON
// record fields.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace memvid::ingest {

// The value at key, or at the dotted path into nested objects; null when absent. A key that
// itself contains dots is found as it is first.
inline const nlohmann::json* json_field(const nlohmann::json& record, const std::string& key) {
  if (!record.is_object()) return nullptr;
  if (auto it = record.find(key); it != record.end()) return &*it;
  const nlohmann::json* at = &record;
  std::size_t from = 0;
  while (from <= key.size()) {
    const std::size_t dot = std::min(key.find('.', from), key.size());
    if (!at->is_object()) return nullptr;
    auto it = at->find(key.substr(from, dot - from));
    if (it == at->end()) return nullptr;
    at = &*it;
    from = dot + 1;
  }
  return at;
}

}  // namespace memvid::ingest
