#pragma once
// The context of an answer: the retrieved passages that fit a token budget, without
// repeats, numbered by relevance for citation.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/results.hpp"

namespace memvid::ask {

// About four bytes a token for English text with the usual BPE vocabularies; an estimate is
// all a budget needs, and it keeps the library free of any one model's tokenizer.
std::size_t estimate_tokens(std::string_view text);

// candidates: in relevance order, each with its passage text. Keeps them in that order, drops
// a passage whose text repeats one already taken (same words, or the same frame's bytes
// mostly overlapping), stops adding once the budget is spent (the first passage is cut to
// the budget rather than dropped), and numbers what it kept from 1.
std::vector<AskSource> assemble_context(std::vector<AskSource> candidates, std::size_t token_budget);

// The passages as the model sees them:
//   [1] Title — mv2://uri (page 3)
//   passage text
// separated by blank lines.
std::string format_context(const std::vector<AskSource>& sources);

// A question as a lexical query of its words: query syntax (quotes, parentheses, fields,
// operators, prefixes) in a question is text, not syntax.
std::string question_to_query(std::string_view question);

}  // namespace memvid::ask
