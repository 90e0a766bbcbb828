#include "memvid/records.hpp"

#include "ingest/json_field.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <exception>
#include <iterator>
#include <limits>
#include <thread>

#include "memvid/timestamp.hpp"

namespace memvid {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::InvalidArgument, where + ": " + what);
}

std::string string_field(const json& record, const char* key, const std::string& where) {
  const json& v = record.at(key);
  if (!v.is_string()) fail(where, std::string("\"") + key + "\" must be a string, got " + v.type_name());
  return v.get<std::string>();
}

std::vector<std::string> string_list_field(const json& record, const char* key, const std::string& where) {
  const json& v = record.at(key);
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array()) fail(where, std::string("\"") + key + "\" must be an array of strings, got " + v.type_name());
  std::vector<std::string> out;
  for (const json& item : v) {
    if (!item.is_string())
      fail(where, std::string("\"") + key + "\" must hold only strings, found " + item.type_name());
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::int64_t timestamp_field(const json& v, const std::string& where) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(u);
  }
  if (v.is_string()) {
    if (auto ms = parse_timestamp_ms(v.get<std::string>())) return *ms;
    fail(where, "\"timestamp\" is not a timestamp: '" + v.get<std::string>() + "'");
  }
  fail(where, "\"timestamp\" must be integer ms since the epoch or an ISO-8601 string, got " + v.dump());
}

void append_missing(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const std::string& s : from)
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

json parse_metadata_object(std::string_view text, const std::string& what) {
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw Error(ErrorCode::InvalidArgument, what + " must be a JSON object, got: " + std::string(text.substr(0, 80)));
  return parsed;
}

}  // namespace

void apply_defaults(Document& doc, const RecordDefaults& defaults) {
  if (defaults.title && doc.title.empty()) doc.title = *defaults.title;
  if (defaults.uri && doc.uri.empty()) doc.uri = *defaults.uri;
  append_missing(doc.tags, defaults.tags);
  append_missing(doc.labels, defaults.labels);
  if (!defaults.metadata_json.empty()) {
    json merged = parse_metadata_object(defaults.metadata_json, "default metadata");
    if (!doc.metadata_json.empty()) merged.update(parse_metadata_object(doc.metadata_json, "metadata"));
    doc.metadata_json = merged.dump();
  }
  if (!doc.timestamp_ms) doc.timestamp_ms = defaults.timestamp_ms;
}

namespace {

std::vector<float> vector_from_json(const json& value, const std::string& what) {
  if (!value.is_array() || value.empty()) fail(what, "must be a non-empty JSON array of numbers");
  std::vector<float> out;
  out.reserve(value.size());
  for (const json& x : value) {
    if (!x.is_number()) fail(what, std::string("must hold only numbers, found ") + x.type_name());
    out.push_back(x.get<float>());
  }
  return out;
}

}  // namespace

std::vector<float> parse_vector_json(std::string_view text, const std::string& what) {
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) fail(what, "is not valid JSON (expected an array of numbers like [0.1, -0.2])");
  return vector_from_json(parsed, what);
}

namespace {

Document record_to_document(const json& record, const RecordDefaults& defaults, const RecordFields& fields,
                            const std::string& where) {
  if (!record.is_object()) fail(where, std::string("expected a JSON object, got ") + record.type_name());
  const json* text = ingest::json_field(record, fields.text);
  if (!text) fail(where, "missing the required \"" + fields.text + "\" field");
  if (!text->is_string()) fail(where, "\"" + fields.text + "\" must be a string, got " + text->type_name());
  Document doc;
  doc.payload = text->get<std::string>();
  doc.kind = defaults.kind.value_or(FrameKind::Text);
  if (const json* title = ingest::json_field(record, fields.title)) {
    if (!title->is_string()) fail(where, "\"" + fields.title + "\" must be a string, got " + title->type_name());
    doc.title = title->get<std::string>();
  }
  if (record.contains("uri")) doc.uri = string_field(record, "uri", where);
  if (record.contains("tags")) doc.tags = string_list_field(record, "tags", where);
  if (record.contains("labels")) doc.labels = string_list_field(record, "labels", where);
  if (record.contains("metadata")) {
    const json& m = record.at("metadata");
    if (!m.is_object()) fail(where, std::string("\"metadata\" must be a JSON object, got ") + m.type_name());
    // A compact dump with sorted keys: the same record always stores the same bytes.
    doc.metadata_json = m.dump();
  }
  if (record.contains("timestamp")) doc.timestamp_ms = timestamp_field(record.at("timestamp"), where);
  if (record.contains("embedding")) doc.embedding = vector_from_json(record.at("embedding"), where + ": \"embedding\"");
  if (record.contains("embedding_model")) doc.embedding_model = string_field(record, "embedding_model", where);
  if (record.contains("kind")) {
    const std::string name = string_field(record, "kind", where);
    auto kind = frame_kind_from_string(name);
    if (!kind) fail(where, "\"kind\" must be text, document, chunk or binary, got '" + name + "'");
    doc.kind = *kind;
  }
  if (record.contains("parent")) {
    const json& p = record.at("parent");
    if (!p.is_number_unsigned()) fail(where, "\"parent\" must be a frame id (a non-negative integer), got " + p.dump());
    doc.parent = p.get<FrameId>();
  }
  apply_defaults(doc, defaults);
  return doc;
}

}  // namespace

namespace {

// The records of whole lines; line numbers in messages count from first_line + 1.
std::vector<Document> parse_lines(std::string_view text, std::size_t first_line, const std::string& source,
                                  const RecordDefaults& defaults, const RecordFields& fields) {
  std::vector<Document> docs;
  std::size_t line_no = first_line;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string where = source + " line " + std::to_string(line_no);
    json record;
    try {
      record = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
      // nlohmann prefixes "[json.exception.parse_error.101] "; the rest says where and why.
      std::string why = e.what();
      if (auto close = why.find("] "); why.rfind("[json.exception", 0) == 0 && close != std::string::npos)
        why = why.substr(close + 2);
      fail(where, "malformed JSON: " + why);
    }
    docs.push_back(record_to_document(record, defaults, fields, where));
  }
  return docs;
}

}  // namespace

std::vector<Document> parse_jsonl_records(std::string_view text, const std::string& source, const RecordDefaults& defaults,
                                          const RecordFields& fields) {
  // A byte-order mark is not JSON, but editors on some systems add one.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // A large file is parsed as two halves at once, cut at a line end; when both have a bad
  // line, the first half's error is the one reported, as one pass would report it.
  constexpr std::size_t kTwoThreadBytes = 4u << 20;
  const std::size_t cut = text.size() >= kTwoThreadBytes ? text.find('\n', text.size() / 2) : std::string_view::npos;
  if (cut == std::string_view::npos) return parse_lines(text, 0, source, defaults, fields);
  const std::string_view first = text.substr(0, cut + 1), second = text.substr(cut + 1);
  const auto first_lines = static_cast<std::size_t>(std::count(first.begin(), first.end(), '\n'));
  std::vector<Document> docs, rest;
  std::exception_ptr rest_error;
  std::thread other([&] {
    try {
      rest = parse_lines(second, first_lines, source, defaults, fields);
    } catch (...) {
      rest_error = std::current_exception();
    }
  });
  try {
    docs = parse_lines(first, 0, source, defaults, fields);
  } catch (...) {
    other.join();
    throw;
  }
  other.join();
  if (rest_error) std::rethrow_exception(rest_error);
  docs.reserve(docs.size() + rest.size());
  std::move(rest.begin(), rest.end(), std::back_inserter(docs));
  return docs;
}

}  // namespace memvid

namespace memvid {

std::vector<Document> parse_json_records(std::string_view text, const std::string& source, const RecordDefaults& defaults,
                                         const RecordFields& fields) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) fail(source, "malformed JSON");
  std::vector<Document> docs;
  if (!parsed.is_array()) {
    docs.push_back(record_to_document(parsed, defaults, fields, source));
    return docs;
  }
  docs.reserve(parsed.size());
  for (std::size_t i = 0; i < parsed.size(); ++i)
    docs.push_back(record_to_document(parsed[i], defaults, fields, source + " element " + std::to_string(i)));
  return docs;
}

}  // namespace memvid
