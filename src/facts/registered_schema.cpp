#include "facts/registered_schema.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/utf8.hpp"

namespace memvid::facts {

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && base::is_valid_utf8(name) &&
         name.find_first_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string schema_payload(const std::vector<SlotSpec>& specs) {
  nlohmann::json slots = nlohmann::json::array();
  for (const SlotSpec& s : specs)
    slots.push_back({{"name", s.name},
                     {"cardinality", std::string(cardinality_name(s.cardinality))},
                     {"value_type", std::string(value_type_name(s.value_type))},
                     {"kind", std::string(fact_kind_name(s.kind))},
                     {"inverse", s.inverse}});
  return nlohmann::json{{"slots", slots}}.dump();
}

std::vector<FactRow> schema_rows(std::string_view payload, std::uint64_t frame) {
  std::vector<FactRow> rows;
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("slots") || !j["slots"].is_array()) return rows;
  for (const nlohmann::json& s : j["slots"]) {
    if (rows.size() >= kMaxFactsPerFrame || !s.is_object()) break;
    const auto text = [&](const char* key) {
      return s.contains(key) && s[key].is_string() ? s[key].get<std::string>() : std::string();
    };
    const std::string name = text("name"), inverse = text("inverse");
    const auto c = parse_cardinality(text("cardinality"));
    const auto t = parse_value_type(text("value_type"));
    const auto k = parse_fact_kind(text("kind"));
    if (!valid_name(name) || !c || !t || !k || (!inverse.empty() && !valid_name(inverse))) continue;
    FactRow r;
    r.frame = frame;
    r.ordinal = static_cast<std::uint32_t>(rows.size());
    r.entity = "";
    r.entity_name = "";
    r.slot = name;
    // The spec in a fixed order: cardinality, value type, kind, inverse.
    r.value = std::string(cardinality_name(*c)) + ";" + std::string(value_type_name(*t)) + ";" +
              std::string(fact_kind_name(*k)) + ";" + inverse;
    r.engine = std::string(kSchemaEngine);
    r.confidence = 100;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::map<std::string, SlotSpec> registered_specs(std::vector<FactRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const FactRow& a, const FactRow& b) {
    return a.frame != b.frame ? a.frame < b.frame : a.ordinal < b.ordinal;
  });
  std::map<std::string, SlotSpec> out;
  for (const FactRow& r : rows) {
    if (!r.entity.empty() || r.engine != kSchemaEngine) continue;
    std::vector<std::string> parts;
    std::size_t at = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const std::size_t semi = r.value.find(';', at);
      if (semi == std::string::npos) break;
      parts.push_back(r.value.substr(at, semi - at));
      at = semi + 1;
    }
    if (parts.size() != 3) continue;
    const auto c = parse_cardinality(parts[0]);
    const auto t = parse_value_type(parts[1]);
    const auto k = parse_fact_kind(parts[2]);
    if (!c || !t || !k) continue;
    out[r.slot] = SlotSpec{r.slot, *c, *t, *k, r.value.substr(at)};
  }
  return out;
}

}  // namespace memvid::facts
