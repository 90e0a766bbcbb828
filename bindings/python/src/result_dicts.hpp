#pragma once
// A library result as the dict memvid_sdk's result classes are made from, field by field from
// its list in memvid/fields.hpp: the names and values the CLI's --json prints. Text with bytes
// that are not UTF-8 gets U+FFFD in their place rather than failing the whole result.
#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "memvid/fields.hpp"

namespace memvid_py {

namespace py = pybind11;
namespace fields = memvid::fields;

py::str text_of(std::string_view s);

inline py::object field_value(bool v) { return py::bool_(v); }
inline py::object field_value(std::int64_t v) { return py::int_(v); }
inline py::object field_value(std::uint64_t v) { return py::int_(v); }
inline py::object field_value(std::uint32_t v) { return py::int_(v); }
inline py::object field_value(double v) { return py::float_(v); }
inline py::object field_value(const std::string& v) { return text_of(v); }
inline py::object field_value(const fields::Timestamp& v) { return py::int_(v.ms); }
inline py::object field_value(const memvid::Span& v) { return py::make_tuple(v.begin, v.end); }
py::object field_value(const fields::Bytes& v);
py::object field_value(const fields::JsonText& v);
template <class E>
  requires std::is_enum_v<E>
py::object field_value(E v) {
  return py::str(fields::enum_name(v));
}
template <fields::Result T>
py::dict to_dict(const T& result);
template <fields::Result T>
py::object field_value(const T& v);
template <class T>
py::object field_value(const std::optional<T>& v);
template <class T>
py::object field_value(const std::vector<T>& v);

template <class T>
py::object field_value(const std::optional<T>& v) {
  return v ? field_value(*v) : py::none();
}
template <class T>
py::object field_value(const std::vector<T>& v) {
  py::list out;
  for (const T& item : v) out.append(field_value(item));
  return out;
}
template <fields::Result T>
py::object field_value(const T& v) {
  return to_dict(v);
}

template <fields::Result T>
py::dict to_dict(const T& result) {
  py::dict d;
  fields::for_each_field(result, [&](std::string_view name, const auto& value) {
    d[py::str(name.data(), name.size())] = field_value(value);
  });
  return d;
}

// {type name: [(field, type), ...]} from memvid::fields::result_schema().
py::dict result_schema();

}  // namespace memvid_py
