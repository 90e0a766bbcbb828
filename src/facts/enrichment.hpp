#pragma once
// An enrichment: facts an engine read in frames after they were put (`memvid enrich`), stored
// as a frame of its own (kind binary, label "memvid:enrichment", a JSON payload) so that the
// WAL, transactions and salvage carry it like any frame, and indexed in the fact part as rows
// recorded by that frame about the frames that state them:
//   {"engine": "rules/1", "frames": [3, 4, 9],
//    "facts": [{"frame": 3, "entity": "alice", "entity_name": "Alice", "slot": "employer",
//               "value": "Acme Corp", "negative": false, "valid_from_ms": 1704067200000,
//               "value_begin": 10, "value_length": 9, "confidence": 80}, ...]}
// "frames" lists every frame the engine read, with facts or without: what makes `enrich`
// idempotent per (frame, engine, version). A payload that is not a valid enrichment indexes
// nothing (the frame stays an ordinary binary frame).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "facts/fact_model.hpp"

namespace memvid::facts {

inline constexpr std::string_view kEnrichmentLabel = "memvid:enrichment";

struct Enrichment {
  std::string engine;                 // "rules/1", "openai:gpt-4o-mini/1"
  std::vector<std::uint64_t> frames;  // read, ascending
  std::vector<FactRow> facts;         // source_frame set; frame and ordinal are the recorder's
};

std::string enrichment_payload(const Enrichment& e);
// Throws nothing: an invalid payload, or one naming a frame at or after `frame` (the
// recording frame), gives an empty engine.
Enrichment parse_enrichment(std::string_view payload, std::uint64_t frame);
// The rows the enrichment frame `frame` records (ordinals in payload order).
std::vector<FactRow> enrichment_rows(std::string_view payload, std::uint64_t frame);

}  // namespace memvid::facts
