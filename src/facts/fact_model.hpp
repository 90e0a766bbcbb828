#pragma once
// Facts as stored (rows, one per statement a frame makes) and as answered (resolved facts,
// with the time each was valid and what ended it). Resolution is a pure function of the rows
// of one entity, the state of their frames and the slots' specs, so every reader computes the
// same history from the same file:
//   - A fact's valid_from is the date its sentence gives, else the timestamp of the frame
//     that states it; it was recorded at the timestamp of the frame that recorded it (the
//     same frame, or a later enrichment).
//   - Facts of a deleted or updated frame are retracted: kept in the history with the reason,
//     never current, never closing another. So are those of a deleted enrichment.
//   - Single slots: in valid-time order, a positive fact with another value closes the open
//     one (valid_to = its valid_from, superseded_by = it), whatever order they were stored in.
//   - Multiple slots: each value has its own line of facts; only a fact on the same value
//     closes one. For preferences (food_preference, preference, ...) a negative fact is a
//     value of its own ("sushi, negative"); for other slots a negative fact only closes.
//   - A negative fact on a single slot ("no longer works at Acme") closes the open fact with
//     that value and is itself never current.
//   - A correction (a statement the user asserted with `correct`) closes every fact of its
//     entity and slot with another value that was recorded before it, whatever their valid
//     time: it says they were wrong.
//   - The same value again (from another frame) confirms the open fact: it is kept in the
//     history, marked as confirming, and closes nothing.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "facts/schema.hpp"

namespace memvid::facts {

struct FactRow {
  // The frame that recorded the fact: its text states it (put, correct), or it is an
  // enrichment that read it in source_frame's text (facts/enrichment.hpp).
  std::uint64_t frame = 0;
  std::uint32_t ordinal = 0;  // the fact's place among the recording frame's facts
  std::optional<std::uint64_t> source_frame;  // set only by enrichments: the frame that says it
  std::string entity;         // canonical key
  std::string entity_name;    // as first written
  std::string slot;
  std::string value;
  bool negative = false;
  bool correction = false;
  std::optional<std::int64_t> valid_from_ms;  // from the text
  std::uint32_t value_begin = 0, value_length = 0;
  std::uint8_t confidence = 80;  // percent
  std::string engine;            // "rules/1", "openai:gpt-4o-mini/1", ...
};

// The frame whose text states the fact.
inline std::uint64_t stated_in(const FactRow& r) { return r.source_frame.value_or(r.frame); }

// The 64-bit id of a fact: its frame id and its ordinal in the frame.
inline std::uint64_t fact_id(std::uint64_t frame, std::uint32_t ordinal) { return frame << 16 | (ordinal & 0xFFFF); }
inline constexpr std::uint32_t kMaxFactsPerFrame = 0xFFFF;

enum class Retraction : std::uint8_t { None = 0, FrameDeleted = 1, FrameUpdated = 2 };

struct FrameState {
  bool exists = false;
  std::int64_t timestamp_ms = 0;
  Retraction retraction = Retraction::None;
  std::optional<std::uint64_t> retracted_by;  // the frame that replaced it (updates)
};

struct ResolvedFact {
  FactRow row;
  std::uint64_t id = 0;
  std::int64_t valid_from_ms = 0;
  std::optional<std::int64_t> valid_to_ms;  // none: open
  std::optional<std::uint64_t> superseded_by;  // the fact that closed it
  std::int64_t recorded_at_ms = 0;             // the recording frame's timestamp
  Retraction retracted = Retraction::None;
  bool confirms = false;  // repeats the value of a fact open at its valid time
  // Current at the time asked: open (or still valid then), not retracted, not a closing
  // negative.
  bool current = false;
};

using SlotLookup = std::function<SlotSpec(const std::string& slot)>;
using FrameLookup = std::function<FrameState(std::uint64_t frame)>;

// Resolves every row of one entity (any slots, any order). Facts come back grouped by slot
// (in name order), each slot's in valid-time order. at_ms: the time "current" refers to
// (none: now, i.e. open facts).
std::vector<ResolvedFact> resolve(std::vector<FactRow> rows, const SlotLookup& slots, const FrameLookup& frames,
                                  std::optional<std::int64_t> at_ms = std::nullopt);

// The canonical form of a value for comparing ("Acme Corp" == "acme corp").
std::string value_key(const std::string& value);

}  // namespace memvid::facts
