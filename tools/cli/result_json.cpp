#include "result_json.hpp"

#include "encoding.hpp"

namespace memvid::cli {

Json field_json(bool v) { return v; }
Json field_json(std::int64_t v) { return v; }
Json field_json(std::uint64_t v) { return v; }
Json field_json(std::uint32_t v) { return v; }
Json field_json(double v) { return v; }
Json field_json(const std::string& v) { return v; }
Json field_json(const fields::Timestamp& v) { return v.ms; }
Json field_json(const Span& v) { return Json::array({v.begin, v.end}); }

Json field_json(const fields::Bytes& v) {
  // JSON holds text only: the payload is in "text" when it is UTF-8, else here as base64.
  if (!v.value || is_valid_utf8(*v.value)) return nullptr;
  return to_base64(*v.value);
}

Json field_json(const fields::JsonText& v) {
  if (!v.value || v.value->empty()) return Json::object();
  Json parsed = Json::parse(*v.value, nullptr, false);
  return parsed.is_discarded() ? Json(*v.value) : parsed;
}

std::string iso_key(std::string_view name) {
  if (name == "timestamp_ms") return "time";
  if (name.ends_with("_ms")) name.remove_suffix(3);
  return std::string(name);
}

}  // namespace memvid::cli
