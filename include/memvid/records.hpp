#pragma once
// The record format of put-many and of JSON / JSONL files given to ingest: one JSON object
// per record,
//   {"text": "...",                  required, UTF-8 (the key is RecordFields::text)
//    "title": "...",                 (RecordFields::title)
//    "uri": "...",
//    "tags": ["a", "b"], "labels": ["x"],   a single string is taken as a one-element list
//    "metadata": {...},               any JSON object; stored as its compact dump
//    "timestamp": 1706704496000 | "2024-01-31T12:34:56Z",
//    "kind": "text" | "document" | "chunk" | "binary",
//    "parent": 12,                    frame id of the document a chunk belongs to
//    "embedding": [0.1, ...], "embedding_model": "custom:m"}
// Other keys are ignored, so records exported by other tools load as they are. A text or
// title field may name a nested key with dots ("body.text").
#include <string>
#include <string_view>
#include <vector>

#include "memvid/error.hpp"
#include "memvid/ingest.hpp"
#include "memvid/options.hpp"

namespace memvid {

// One document per non-blank line. `source` names the input in errors ("stdin", a path);
// every error is InvalidArgument naming the source and line.
std::vector<Document> parse_jsonl_records(std::string_view text, const std::string& source,
                                          const RecordDefaults& defaults = {}, const RecordFields& fields = {});
// A JSON array of records, or a single record object.
std::vector<Document> parse_json_records(std::string_view text, const std::string& source,
                                         const RecordDefaults& defaults = {}, const RecordFields& fields = {});

// The fields that defaults set, applied to a document that has none of its own yet. Throws
// InvalidArgument when defaults.metadata_json is not a JSON object.
void apply_defaults(Document& doc, const RecordDefaults& defaults);

// A vector given as a JSON array of numbers ("[0.1, -0.2]"); InvalidArgument naming `what`.
std::vector<float> parse_vector_json(std::string_view text, const std::string& what);

}  // namespace memvid
