#include "result_dicts.hpp"

namespace memvid_py {

py::str text_of(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object field_value(const fields::Bytes& v) {
  if (!v.value) return py::none();
  return py::bytes(*v.value);
}

py::object field_value(const fields::JsonText& v) {
  if (!v.value || v.value->empty()) return py::dict();
  // The library stores JSON objects only; anything that does not parse is shown as it is.
  try {
    return py::module_::import("json").attr("loads")(text_of(*v.value));
  } catch (const py::error_already_set&) {
    return text_of(*v.value);
  }
}

py::dict result_schema() {
  py::dict out;
  for (const fields::TypeSchema& t : fields::result_schema()) {
    py::list list;
    for (const fields::FieldSchema& f : t.fields) list.append(py::make_tuple(f.name, f.type));
    out[py::str(t.name)] = list;
  }
  return out;
}

}  // namespace memvid_py
