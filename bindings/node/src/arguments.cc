#include "arguments.hpp"

#include <cmath>

#include "memvid/timestamp.hpp"

namespace memvid_node {

[[noreturn]] void ThrowInvalid(Napi::Env env, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, "InvalidArgument"));
  throw e;
}

[[noreturn]] void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

Napi::Object OptObject(Napi::Env env, const Napi::Value& v, const char* what) {
  if (!IsSet(v)) return Napi::Object::New(env);
  if (!v.IsObject()) ThrowType(env, std::string(what) + " must be an object");
  return v.As<Napi::Object>();
}

std::string GetString(Napi::Env env, const Napi::Value& v, const std::string& name) {
  if (!v.IsString()) ThrowType(env, name + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

std::optional<std::string> OptString(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  if (!IsSet(v)) return std::nullopt;
  return GetString(o.Env(), v, key);
}

std::optional<bool> OptBool(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  if (!IsSet(v)) return std::nullopt;
  if (!v.IsBoolean()) ThrowType(o.Env(), std::string(key) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::optional<double> OptDouble(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  if (!IsSet(v)) return std::nullopt;
  if (!v.IsNumber()) ThrowType(o.Env(), std::string(key) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) ThrowInvalid(o.Env(), std::string(key) + " must be a finite number");
  return d;
}

std::optional<double> SemanticFloor(Napi::Env env, const Napi::Object& o, std::optional<double> def) {
  Napi::Value v = Field(o, "semanticFloor");
  if (!IsSet(v)) return def;
  if (v.IsBoolean()) {
    if (v.As<Napi::Boolean>().Value()) ThrowInvalid(env, "semanticFloor must be a number or false");
    return std::nullopt;
  }
  return OptDouble(o, "semanticFloor");
}

// A non-negative integer no larger than max.
std::uint64_t ToUInt(Napi::Env env, const Napi::Value& v, const std::string& name, double max) {
  if (!v.IsNumber()) ThrowType(env, name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || std::floor(d) != d || d > max)
    ThrowInvalid(env, name + " must be a non-negative integer" + (max < 9e15 ? " no larger than " + std::to_string(static_cast<std::uint64_t>(max)) : std::string()));
  return static_cast<std::uint64_t>(d);
}


std::optional<std::uint64_t> OptUInt(const Napi::Object& o, const char* key, double max) {
  Napi::Value v = Field(o, key);
  if (!IsSet(v)) return std::nullopt;
  return ToUInt(o.Env(), v, key, max);
}

FrameId ToFrameId(Napi::Env env, const Napi::Value& v, const std::string& name) {
  return ToUInt(env, v, name, kMaxSafe);
}

// Milliseconds since the epoch (a number, as the CLI takes) or an ISO-8601 string
// (memvid::parse_timestamp_ms). index.js turns Dates into numbers.
std::optional<std::int64_t> OptTimestamp(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  if (!IsSet(v)) return std::nullopt;
  Napi::Env env = o.Env();
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > kMaxSafe)
      ThrowInvalid(env, std::string(key) + ": a timestamp must be an integer number of milliseconds since the epoch");
    return static_cast<std::int64_t>(d);
  }
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    if (auto ms = memvid::parse_timestamp_ms(s)) return *ms;
    ThrowInvalid(env, std::string(key) + ": invalid timestamp '" + s +
                          "' (want milliseconds since the epoch or ISO-8601, e.g. 2024-01-31T12:34:56Z)");
  }
  ThrowType(env, std::string(key) + " must be a number of milliseconds, a Date or an ISO-8601 string");
}

std::vector<std::string> OptStrings(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  std::vector<std::string> out;
  if (!IsSet(v)) return out;
  Napi::Env env = o.Env();
  if (v.IsString()) {
    out.push_back(v.As<Napi::String>().Utf8Value());
    return out;
  }
  if (!v.IsArray()) ThrowType(env, std::string(key) + " must be an array of strings");
  Napi::Array a = v.As<Napi::Array>();
  for (std::uint32_t i = 0; i < a.Length(); ++i)
    out.push_back(GetString(env, a.Get(i), std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<float> OptVector(const Napi::Object& o, const char* key) {
  Napi::Value v = Field(o, key);
  std::vector<float> out;
  if (!IsSet(v)) return out;
  Napi::Env env = o.Env();
  if (v.IsTypedArray()) {
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    if (ta.TypedArrayType() == napi_float32_array) {
      Napi::Float32Array f = v.As<Napi::Float32Array>();
      out.assign(f.Data(), f.Data() + f.ElementLength());
      return out;
    }
    if (ta.TypedArrayType() == napi_float64_array) {
      Napi::Float64Array f = v.As<Napi::Float64Array>();
      for (std::size_t i = 0; i < f.ElementLength(); ++i) out.push_back(static_cast<float>(f[i]));
      return out;
    }
  }
  if (!v.IsArray()) ThrowType(env, std::string(key) + " must be a Float32Array or an array of numbers");
  Napi::Array a = v.As<Napi::Array>();
  out.reserve(a.Length());
  for (std::uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    if (!e.IsNumber()) ThrowType(env, std::string(key) + "[" + std::to_string(i) + "] must be a number");
    out.push_back(static_cast<float>(e.As<Napi::Number>().DoubleValue()));
  }
  return out;
}

memvid::SearchMode ToMode(Napi::Env env, const std::optional<std::string>& s, memvid::SearchMode def) {
  if (!s) return def;
  if (auto m = memvid::search_mode_from_string(*s)) return *m;
  ThrowInvalid(env, "mode must be 'auto', 'lex' or 'sem', not '" + *s + "'");
}

memvid::Document ToDocument(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowType(env, "a document must be an object such as { text: '...' }");
  Napi::Object o = value.As<Napi::Object>();
  memvid::Document d;
  Napi::Value text = Field(o, "text");
  Napi::Value data = Field(o, "data");
  if (IsSet(data)) {
    if (IsSet(text)) ThrowInvalid(env, "give either text or data, not both");
    if (data.IsBuffer()) {
      Napi::Buffer<char> b = data.As<Napi::Buffer<char>>();
      d.payload.assign(b.Data(), b.Length());
    } else if (data.IsTypedArray() && data.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
      Napi::Uint8Array u = data.As<Napi::Uint8Array>();
      d.payload.assign(reinterpret_cast<const char*>(u.Data()), u.ElementLength());
    } else {
      ThrowType(env, "data must be a Buffer or Uint8Array");
    }
    d.kind = memvid::FrameKind::Binary;
  } else if (IsSet(text)) {
    d.payload = GetString(env, text, "text");
  } else {
    ThrowType(env, "a document needs text (a string) or data (a Buffer)");
  }
  if (auto k = OptString(o, "kind")) {
    auto kind = memvid::frame_kind_from_string(*k);
    if (!kind) ThrowInvalid(env, "kind must be 'text', 'document', 'chunk' or 'binary', not '" + *k + "'");
    d.kind = *kind;
  }
  if (auto s = OptString(o, "title")) d.title = *s;
  if (auto s = OptString(o, "uri")) d.uri = *s;
  d.tags = OptStrings(o, "tags");
  d.labels = OptStrings(o, "labels");
  if (auto s = OptString(o, "metadataJson")) d.metadata_json = *s;
  d.timestamp_ms = OptTimestamp(o, "timestamp");
  if (auto p = OptUInt(o, "parent")) d.parent = *p;
  d.embedding = OptVector(o, "vector");
  if (auto s = OptString(o, "vectorModel")) d.embedding_model = *s;
  if (auto n = OptUInt(o, "chunkSize", kMaxU32)) d.chunk_bytes = static_cast<std::uint32_t>(*n);
  if (auto n = OptUInt(o, "chunkOverlap", kMaxU32)) d.chunk_overlap = static_cast<std::uint32_t>(*n);
  if (auto b = OptBool(o, "extractFacts")) d.extract_facts = *b;
  return d;
}

memvid::OpenOptions ToOpenOptions(Napi::Env env, const Napi::Object& o) {
  memvid::OpenOptions opt;
  if (auto n = OptUInt(o, "lockTimeoutMs", kMaxI32)) opt.lock_timeout_ms = static_cast<int>(*n);
  if (auto n = OptUInt(o, "vectorGraphMinRows", kMaxU32)) opt.vector_graph_min_rows = static_cast<std::size_t>(*n);
  if (auto s = OptString(o, "sync")) {
    if (*s == "full") opt.sync = memvid::SyncMode::Full;
    else if (*s == "normal") opt.sync = memvid::SyncMode::Normal;
    else if (*s == "off") opt.sync = memvid::SyncMode::Off;
    else ThrowInvalid(env, "sync must be 'full', 'normal' or 'off', not '" + *s + "'");
  }
  if (auto s = OptString(o, "recovery")) {
    if (*s == "default") opt.recovery = memvid::RecoveryMode::Default;
    else if (*s == "auto_truncate" || *s == "autoTruncate") opt.recovery = memvid::RecoveryMode::AutoTruncate;
    else if (*s == "strict") opt.recovery = memvid::RecoveryMode::Strict;
    else ThrowInvalid(env, "recovery must be 'default', 'auto_truncate' or 'strict', not '" + *s + "'");
  }
  return opt;
}

memvid::CreateOptions ToCreateOptions(Napi::Env env, const Napi::Object& o) {
  memvid::CreateOptions c;
  c.open = ToOpenOptions(env, o);
  if (auto s = OptString(o, "language")) c.language = *s;
  if (auto n = OptUInt(o, "chunkSize", kMaxU32)) c.chunk_bytes = static_cast<std::uint32_t>(*n);
  if (auto n = OptUInt(o, "chunkOverlap", kMaxU32)) c.chunk_overlap = static_cast<std::uint32_t>(*n);
  if (auto s = OptString(o, "embeddingModel")) c.embedding_model = *s;
  if (auto n = OptUInt(o, "embeddingDimension", kMaxU32)) c.embedding_dimension = static_cast<std::uint32_t>(*n);
  if (auto b = OptBool(o, "vectorCompression")) c.vector_compression = *b;
  if (auto b = OptBool(o, "extractFacts")) c.extract_facts = *b;
  if (auto b = OptBool(o, "indexTimeMentions")) c.index_time_mentions = *b;
  if (auto n = OptUInt(o, "capacityBytes")) c.capacity_bytes = *n;
  if (auto n = OptUInt(o, "walBytes")) c.wal_bytes = *n;
  return c;
}

}  // namespace memvid_node
