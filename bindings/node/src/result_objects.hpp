#pragma once
// A library result as a JavaScript object, field by field from its list in memvid/fields.hpp:
// the names the CLI's --json and the Python SDK use, in camelCase ("timestamp_ms" becomes
// "timestampMs"). Numbers are JavaScript numbers (exact up to 2^53). Strings that are not
// valid UTF-8 get U+FFFD in place of the bad bytes.
#include <napi.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "memvid/fields.hpp"

namespace memvid_node {

namespace fields = memvid::fields;

// "timestamp_ms" -> "timestampMs".
std::string camel_case(std::string_view snake);

inline Napi::Value FieldValue(Napi::Env env, bool v) { return Napi::Boolean::New(env, v); }
inline Napi::Value FieldValue(Napi::Env env, std::int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }
inline Napi::Value FieldValue(Napi::Env env, std::uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }
inline Napi::Value FieldValue(Napi::Env env, std::uint32_t v) { return Napi::Number::New(env, v); }
inline Napi::Value FieldValue(Napi::Env env, double v) { return Napi::Number::New(env, v); }
inline Napi::Value FieldValue(Napi::Env env, const std::string& v) { return Napi::String::New(env, v.data(), v.size()); }
inline Napi::Value FieldValue(Napi::Env env, const fields::Timestamp& v) { return FieldValue(env, v.ms); }
Napi::Value FieldValue(Napi::Env env, const memvid::Span& v);
Napi::Value FieldValue(Napi::Env env, const fields::Bytes& v);
Napi::Value FieldValue(Napi::Env env, const fields::JsonText& v);
template <class E>
  requires std::is_enum_v<E>
Napi::Value FieldValue(Napi::Env env, E v) {
  return FieldValue(env, fields::enum_name(v));
}
template <fields::Result T>
Napi::Object ToJs(Napi::Env env, const T& result);
template <fields::Result T>
Napi::Value FieldValue(Napi::Env env, const T& v);
template <class T>
Napi::Value FieldValue(Napi::Env env, const std::optional<T>& v);
template <class T>
Napi::Value FieldValue(Napi::Env env, const std::vector<T>& v);

template <class T>
Napi::Value FieldValue(Napi::Env env, const std::optional<T>& v) {
  return v ? FieldValue(env, *v) : env.Null();
}
template <class T>
Napi::Value FieldValue(Napi::Env env, const std::vector<T>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (std::size_t i = 0; i < v.size(); ++i) a.Set(static_cast<std::uint32_t>(i), FieldValue(env, v[i]));
  return a;
}
template <fields::Result T>
Napi::Value FieldValue(Napi::Env env, const T& v) {
  return ToJs(env, v);
}

template <fields::Result T>
Napi::Object ToJs(Napi::Env env, const T& result) {
  Napi::Object o = Napi::Object::New(env);
  fields::for_each_field(result, [&](std::string_view name, const auto& value) {
    o.Set(camel_case(name), FieldValue(env, value));
  });
  return o;
}

// {TypeName: [[fieldName, type], ...]} from memvid::fields::result_schema(), names camelCased.
Napi::Object ResultSchema(Napi::Env env);

}  // namespace memvid_node
