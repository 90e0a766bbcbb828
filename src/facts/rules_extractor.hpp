#pragma once
// The offline rules engine: reads a frame's text and says which facts it states about whom
// (docs/FACTS.md lists the patterns). Deterministic: the same text and frame time give the
// same facts in the same order, on every machine.
//
// How it reads. The text is cut into sentences of words (facts/words.hpp). In each sentence a
// verb phrase ("works at", "moved to", "is married to", "is allergic to", ...) is looked for;
// its subject is read backwards from it (a capitalised name with optional honorific, "I",
// or a pronoun meaning the last person named in the frame) past adverbs, auxiliaries and
// negations ("no longer", "doesn't"), and its object forwards (a capitalised name for
// entity-valued slots, a short noun phrase or a list for the others). Possessive forms
// ("my sister Emma", "Bob is Alice's brother", "Alice's favorite color is blue") are read
// as relations of the possessor. A date in the sentence ("in 2024", "since March 2023",
// "last year") gives the facts of that sentence their valid_from.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::facts {

inline constexpr std::string_view kRulesEngine = "rules";
inline constexpr std::string_view kRulesEngineVersion = "1";

struct ExtractedFact {
  std::string entity;       // canonical: case-folded display name, or "user" for the writer
  std::string entity_name;  // as written ("Alice", "María García"); "user" for the writer
  std::string slot;
  std::string value;        // as written, without a trailing period or a leading article
  std::uint32_t value_begin = 0, value_length = 0;  // bytes of the frame text
  bool negative = false;    // "hates", "no longer works at", "left"
  std::optional<std::int64_t> valid_from_ms;  // a date the sentence gives
  float confidence = 0.8f;
};

// frame_ms: the frame's timestamp, against which relative dates ("last year") resolve.
std::vector<ExtractedFact> extract_facts_by_rules(std::string_view text, std::int64_t frame_ms);

}  // namespace memvid::facts

namespace memvid::facts {
struct FactRow;
// An extracted fact as a stored row of `frame` (ordinal 0, no engine yet); the confidence in
// percent, clamped to [0, 100].
FactRow fact_row(ExtractedFact fact, std::uint64_t frame);

// The rules engine's facts of one frame as stored rows (engine "rules/<version>", ordinals
// in the order found, at most kMaxFactsPerFrame). correction: the frame is a correction the
// user asserted (`memvid correct`), whose facts overrule what was recorded before them.
std::vector<FactRow> rules_fact_rows(std::string_view text, std::uint64_t frame, std::int64_t frame_ms,
                                     bool correction = false);

// The label that makes a frame a correction.
inline constexpr std::string_view kCorrectionLabel = "correction";
inline bool is_correction(std::span<const std::string> labels) {
  return std::find(labels.begin(), labels.end(), kCorrectionLabel) != labels.end();
}
}  // namespace memvid::facts
