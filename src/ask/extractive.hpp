#pragma once
// The offline answer: the sentences of the context that best answer the question, each with
// the number of the passage it comes from. No language model: nothing is made up, and the
// answer says so.
//
// A sentence scores by the share of the question's terms it holds (analyzed like the index:
// stemmed, stop-words dropped; each term weighted by how rare it is across the context's
// sentences), a little for the rank of its passage, and, when an embedding model is at hand,
// by its cosine with the question. Sentences that hold none of the question's terms and are
// not semantically close are never chosen.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/results.hpp"
#include "text/analyzer.hpp"

namespace memvid::ask {

struct Sentence {
  std::size_t source = 0;  // the citation number of its passage
  std::string text;
};

// Sentences of a passage: cut after . ! ? (followed by white space) and at line breaks that
// end a paragraph, a heading or a list item; white space collapsed; fragments shorter than
// three words dropped.
std::vector<std::string> split_sentences(std::string_view passage);

// Cosines of each sentence with the question, or empty when no model is available.
using SentenceSimilarity = std::function<std::vector<double>(std::string_view question, const std::vector<std::string>&)>;

struct ExtractiveAnswer {
  std::vector<Sentence> sentences;  // best first
  std::string text;                 // the sentences, each followed by its citation "[n]"
};

ExtractiveAnswer extractive_answer(std::string_view question, const std::vector<AskSource>& sources,
                                   const text::Analyzer& analyzer, const SentenceSimilarity& similarity,
                                   std::size_t max_sentences);

}  // namespace memvid::ask
