#pragma once
// A result as JSON, made from its field list (memvid/fields.hpp): the same names and values
// the SDKs give. Beside each timestamp the CLI adds its ISO 8601 form ("time" beside
// "timestamp_ms", "started" beside "started_ms", ...): JSON has no date type.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/fields.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"

namespace memvid::cli {

Json field_json(bool v);
Json field_json(std::int64_t v);
Json field_json(std::uint64_t v);
Json field_json(std::uint32_t v);
Json field_json(double v);
Json field_json(const std::string& v);
Json field_json(const fields::Timestamp& v);
Json field_json(const Span& v);
Json field_json(const fields::Bytes& v);
Json field_json(const fields::JsonText& v);
template <class E>
  requires std::is_enum_v<E>
Json field_json(E v) {
  return fields::enum_name(v);
}
template <fields::Result T>
Json to_json(const T& result);
template <fields::Result T>
Json field_json(const T& v);
template <class T>
Json field_json(const std::optional<T>& v);
template <class T>
Json field_json(const std::vector<T>& v);

template <class T>
Json field_json(const std::optional<T>& v) {
  return v ? field_json(*v) : Json(nullptr);
}
template <class T>
Json field_json(const std::vector<T>& v) {
  Json out = Json::array();
  for (const T& item : v) out.push_back(field_json(item));
  return out;
}
template <fields::Result T>
Json field_json(const T& v) {
  return to_json(v);
}

// The ISO 8601 key beside a timestamp field: "time" for "timestamp_ms", else the name
// without "_ms".
std::string iso_key(std::string_view name);

template <fields::Result T>
Json to_json(const T& result) {
  Json out = Json::object();
  fields::for_each_field(result, [&](std::string_view name, const auto& value) {
    out[std::string(name)] = field_json(value);
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<V, fields::Timestamp>) {
      out[iso_key(name)] = format_timestamp_iso(value.ms);
    } else if constexpr (std::is_same_v<V, std::optional<fields::Timestamp>>) {
      out[iso_key(name)] = value ? Json(format_timestamp_iso(value->ms)) : Json(nullptr);
    }
  });
  return out;
}

}  // namespace memvid::cli
