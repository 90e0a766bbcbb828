#include "result_objects.hpp"

namespace memvid_node {

std::string camel_case(std::string_view snake) {
  std::string out;
  out.reserve(snake.size());
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

Napi::Value FieldValue(Napi::Env env, const memvid::Span& v) {
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, Napi::Number::New(env, v.begin));
  a.Set(1u, Napi::Number::New(env, v.end));
  return a;
}

Napi::Value FieldValue(Napi::Env env, const fields::Bytes& v) {
  if (!v.value) return env.Null();
  return Napi::Buffer<char>::Copy(env, v.value->data(), v.value->size());
}

Napi::Value FieldValue(Napi::Env env, const fields::JsonText& v) {
  if (!v.value || v.value->empty()) return Napi::Object::New(env);
  // The library stores JSON objects only; anything that does not parse is shown as it is.
  Napi::Value text = FieldValue(env, *v.value);
  Napi::Object json = env.Global().Get("JSON").As<Napi::Object>();
  Napi::Function parse = json.Get("parse").As<Napi::Function>();
  try {
    return parse.Call(json, {text});
  } catch (const Napi::Error&) {  // the exception is taken (cleared) by Napi::Error
    return text;
  }
}

Napi::Object ResultSchema(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  for (const fields::TypeSchema& t : fields::result_schema()) {
    Napi::Array list = Napi::Array::New(env, t.fields.size());
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, Napi::String::New(env, camel_case(t.fields[i].name)));
      pair.Set(1u, Napi::String::New(env, t.fields[i].type));
      list.Set(static_cast<std::uint32_t>(i), pair);
    }
    out.Set(t.name, list);
  }
  return out;
}

}  // namespace memvid_node
