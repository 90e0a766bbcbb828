#include "facts/enrichment.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace memvid::facts {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxEntity = 256, kMaxSlot = 64, kMaxValue = 4096, kMaxEngine = 200;

bool text_ok(const json& j, std::size_t max, bool allow_empty = false) {
  if (!j.is_string()) return false;
  const auto& s = j.get_ref<const std::string&>();
  return (allow_empty || !s.empty()) && s.size() <= max;
}

template <class T>
bool number_ok(const json& j, T& out) {
  if (!j.is_number_integer()) return false;
  if (j.is_number_unsigned()) {
    const std::uint64_t v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(v);
    return true;
  }
  const std::int64_t v = j.get<std::int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (v < 0) return false;
  }
  out = static_cast<T>(v);
  return true;
}

}  // namespace

std::string enrichment_payload(const Enrichment& e) {
  json facts = json::array();
  for (const FactRow& r : e.facts) {
    json f = {{"frame", stated_in(r)},
              {"entity", r.entity},
              {"entity_name", r.entity_name},
              {"slot", r.slot},
              {"value", r.value},
              {"negative", r.negative}};
    if (r.valid_from_ms) f["valid_from_ms"] = *r.valid_from_ms;
    f["value_begin"] = r.value_begin;
    f["value_length"] = r.value_length;
    f["confidence"] = r.confidence;
    facts.push_back(std::move(f));
  }
  return json{{"engine", e.engine}, {"frames", e.frames}, {"facts", std::move(facts)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Enrichment parse_enrichment(std::string_view payload, std::uint64_t frame) {
  Enrichment out;
  const json j = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (!j.is_object() || !j.contains("engine") || !j.contains("frames") || !j.contains("facts")) return {};
  if (!text_ok(j["engine"], kMaxEngine) || !j["frames"].is_array() || !j["facts"].is_array()) return {};
  if (j["facts"].size() > kMaxFactsPerFrame) return {};
  out.engine = j["engine"].get<std::string>();
  for (const json& f : j["frames"]) {
    std::uint64_t id = 0;
    if (!number_ok(f, id) || id >= frame || (!out.frames.empty() && id <= out.frames.back())) return {};
    out.frames.push_back(id);
  }
  for (const json& f : j["facts"]) {
    if (!f.is_object()) return {};
    FactRow r;
    std::uint64_t source = 0;
    if (!f.contains("frame") || !number_ok(f["frame"], source) ||
        !std::binary_search(out.frames.begin(), out.frames.end(), source))
      return {};
    for (const char* key : {"entity", "entity_name", "slot", "value", "negative", "value_begin", "value_length",
                            "confidence"})
      if (!f.contains(key)) return {};
    if (!text_ok(f["entity"], kMaxEntity, true) || !text_ok(f["entity_name"], kMaxEntity) ||
        !text_ok(f["slot"], kMaxSlot) || !text_ok(f["value"], kMaxValue) || !f["negative"].is_boolean())
      return {};
    // The entity "" holds the registered schema: no enrichment may write there.
    if (f["entity"].get_ref<const std::string&>().empty()) return {};
    r.frame = frame;
    r.ordinal = static_cast<std::uint32_t>(out.facts.size());
    r.source_frame = source;
    r.entity = f["entity"].get<std::string>();
    r.entity_name = f["entity_name"].get<std::string>();
    r.slot = f["slot"].get<std::string>();
    r.value = f["value"].get<std::string>();
    r.negative = f["negative"].get<bool>();
    if (f.contains("valid_from_ms") && !f["valid_from_ms"].is_null()) {
      std::int64_t t = 0;
      if (!number_ok(f["valid_from_ms"], t)) return {};
      r.valid_from_ms = t;
    }
    std::uint32_t confidence = 0;
    if (!number_ok(f["value_begin"], r.value_begin) || !number_ok(f["value_length"], r.value_length) ||
        !number_ok(f["confidence"], confidence) || confidence > 100)
      return {};
    r.confidence = static_cast<std::uint8_t>(confidence);
    r.engine = out.engine;
    out.facts.push_back(std::move(r));
  }
  return out;
}

std::vector<FactRow> enrichment_rows(std::string_view payload, std::uint64_t frame) {
  return parse_enrichment(payload, frame).facts;
}

}  // namespace memvid::facts
