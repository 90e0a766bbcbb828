#pragma once
// The LLM engine: asks a chat model (memvid/llm.hpp, any OpenAI-compatible endpoint) for the
// facts a text states, as JSON, and keeps what survives validation. The reply is data, not
// instructions: every fact is checked (an entity and a value of bounded size, a slot name of
// [a-z0-9_], a date that parses) and given the byte span of its value in the text when the
// text contains it. Long texts are sent in pieces of at most kLlmPieceBytes.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "facts/rules_extractor.hpp"

namespace memvid {
class LanguageModel;
}

namespace memvid::facts {

// Bumped when the prompt or the validation changes what a model's answer becomes.
inline constexpr std::string_view kLlmEngineVersion = "1";
inline constexpr std::size_t kLlmPieceBytes = 8000;

struct ModelExtraction {
  std::vector<ExtractedFact> facts;
  std::size_t rejected = 0;  // items of the answer that were not valid facts
  std::string unusable;      // why an answer held no facts object ("" when all were usable)
};

// Throws memvid::Error as the model does (ProviderFailed, ModelUnavailable); an answer that
// holds no JSON facts object is reported in `unusable`.
ModelExtraction extract_facts_with_model(LanguageModel& model, std::string_view text, std::int64_t frame_ms);

// The facts of one answer (exposed for tests): validated, spans looked up in piece, whose
// first byte is at piece_offset of the frame's text.
ModelExtraction parse_model_facts(std::string_view answer, std::string_view piece, std::uint32_t piece_offset);

}  // namespace memvid::facts
