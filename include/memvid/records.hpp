#pragma once
// The put-many record format, one JSON object per JSONL line (also the elements of a .json
// array given to `put --input`):
//   {"text": "...",                  required, UTF-8
//    "title": "...", "uri": "...",
//    "tags": ["a", "b"], "labels": ["x"],   a single string is taken as a one-element list
//    "metadata": {...},               any JSON object; stored as its compact dump
//    "timestamp": 1706704496000 | "2024-01-31T12:34:56Z",
//    "kind": "text" | "document" | "chunk" | "binary",
//    "parent": 12}                    frame id of the document a chunk belongs to
// Other keys are ignored, so records exported by other tools load as they are.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/memvid.hpp"

namespace memvid::cli {

// What command-line flags or the source file supply where a record is silent. Tags and
// labels are added to the record's own; metadata keys of the record win.
struct RecordDefaults {
  std::optional<std::string> title;
  std::optional<std::string> uri;
  std::vector<std::string> tags;
  std::vector<std::string> labels;
  nlohmann::json metadata = nlohmann::json::object();
  std::optional<std::int64_t> timestamp_ms;
  std::optional<FrameKind> kind;
};

// Throws Error(InvalidArgument) naming `what` unless text is a JSON object.
nlohmann::json parse_metadata_object(std::string_view text, const std::string& what);

// A vector given as a JSON array of numbers (--vector, a record's "embedding").
std::vector<float> vector_from_json(const nlohmann::json& value, const std::string& what);
std::vector<float> parse_vector_json(std::string_view text, const std::string& what);

// Builds the document a record describes. `where` ("line 3", "a.json element 2") prefixes
// every error, which is Error(InvalidArgument).
Document record_to_document(const nlohmann::json& record, const RecordDefaults& defaults, const std::string& where);

// One document per non-blank line. `source` names the input in errors ("stdin", a path).
std::vector<Document> parse_jsonl(std::string_view text, const RecordDefaults& defaults, const std::string& source);

// The fields that flags may set, applied to a document that has none of its own yet.
void apply_defaults(Document& doc, const RecordDefaults& defaults);

}  // namespace memvid::cli
