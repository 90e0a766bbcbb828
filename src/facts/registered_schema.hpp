#pragma once
// Slot specs a user registers (`memvid schema infer --register`): stored as a frame of their
// own (kind binary, label "memvid:schema", a JSON payload), and indexed in the fact part as
// rows of the reserved entity "" so that every reader finds them without a scan:
//   {"slots": [{"name": "location", "cardinality": "single", "value_type": "string",
//               "kind": "fact", "inverse": ""}, ...]}
// A later registration of a slot replaces an earlier one.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "facts/fact_model.hpp"
#include "facts/schema.hpp"

namespace memvid::facts {

inline constexpr std::string_view kSchemaLabel = "memvid:schema";
inline constexpr std::string_view kSchemaEngine = "schema/1";

// The payload registering specs (names must be 1 to 64 bytes of valid UTF-8).
std::string schema_payload(const std::vector<SlotSpec>& specs);
// The rows a schema frame's payload indexes; a payload that is not a valid registration
// indexes nothing (it stays an ordinary binary frame).
std::vector<FactRow> schema_rows(std::string_view payload, std::uint64_t frame);
// The registered specs, the latest registration of each slot winning.
std::map<std::string, SlotSpec> registered_specs(std::vector<FactRow> rows);

}  // namespace memvid::facts
