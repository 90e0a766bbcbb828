#pragma once
// What a language model is told, and which sources its answer cites.
#include <cstddef>
#include <string_view>
#include <vector>

#include "memvid/llm.hpp"

namespace memvid::ask {

// A system message that confines the model to the numbered passages, asks for [n]
// citations after each claim and for a plain "not in the memory" when they do not answer;
// then the passages and the question.
std::vector<ChatMessage> answer_prompt(std::string_view question, std::string_view context);

// The source numbers an answer cites, in order of first use: "[2]", "[1, 3]", "[1][4]",
// "[2-3]". Numbers outside 1..source_count are ignored: a model that invents a source
// does not get it listed.
std::vector<std::size_t> cited_numbers(std::string_view answer, std::size_t source_count);

}  // namespace memvid::ask
