#pragma once
// Arguments from JavaScript to the library's types, on the main thread. Bad values throw an
// Error with code "InvalidArgument"; values of the wrong type throw a TypeError.
#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"

namespace memvid_node {

using memvid::FrameId;

constexpr double kMaxSafe = 9007199254740991.0;
constexpr double kMaxU32 = 4294967295.0;
constexpr double kMaxI32 = 2147483647.0;

[[noreturn]] void ThrowInvalid(Napi::Env env, const std::string& message);
[[noreturn]] void ThrowType(Napi::Env env, const std::string& message);
inline bool IsSet(const Napi::Value& v) { return !v.IsUndefined() && !v.IsNull(); }
inline Napi::Value Field(const Napi::Object& o, const char* key) { return o.Get(key); }
Napi::Object OptObject(Napi::Env env, const Napi::Value& v, const char* what);
std::string GetString(Napi::Env env, const Napi::Value& v, const std::string& name);
std::optional<std::string> OptString(const Napi::Object& o, const char* key);
std::optional<bool> OptBool(const Napi::Object& o, const char* key);
std::optional<double> OptDouble(const Napi::Object& o, const char* key);
// find/ask's semanticFloor: a number (standard deviations), or false for none; unset: def.
std::optional<double> SemanticFloor(Napi::Env env, const Napi::Object& o, std::optional<double> def);
std::uint64_t ToUInt(Napi::Env env, const Napi::Value& v, const std::string& name, double max);
std::optional<std::uint64_t> OptUInt(const Napi::Object& o, const char* key, double max = kMaxSafe);
FrameId ToFrameId(Napi::Env env, const Napi::Value& v, const std::string& name = "id");
std::optional<std::int64_t> OptTimestamp(const Napi::Object& o, const char* key);
std::vector<std::string> OptStrings(const Napi::Object& o, const char* key);
std::vector<float> OptVector(const Napi::Object& o, const char* key);
memvid::SearchMode ToMode(Napi::Env env, const std::optional<std::string>& s, memvid::SearchMode def);
memvid::Document ToDocument(Napi::Env env, const Napi::Value& value);
memvid::OpenOptions ToOpenOptions(Napi::Env env, const Napi::Object& o);
memvid::CreateOptions ToCreateOptions(Napi::Env env, const Napi::Object& o);

}  // namespace memvid_node
