#pragma once
// The built-in sentence encoder: a document (title, text) or a query becomes the weighted sum
// of its words' vectors, L2-normalized. The defaults (chosen on SciFact, docs/MODEL.md):
//
//   words      the lexical analyzer's segmentation and NFKC + case folding, unstemmed
//              (text/analyzer.hpp): "well-known" is two words, "don't" is "dont", "1,000" is
//              "1000"; the vocabulary holds no numbers and no single letters, so those add
//              nothing
//   stop-words Lucene's English list is dropped
//   unknown    a word the vocabulary lacks, made only of letters and at least 3 of them, takes
//              the vector of the most frequent vocabulary word with the same Porter stem
//              ("glycosylations" -> "glycosylation"); shorter or non-alphabetic unknown tokens
//              ("ab", "klf2", "3d") are skipped, never guessed
//   weight     smooth inverse frequency a / (a + p(w)), a = 1e-5, with p(w) from the word's
//              1-based frequency rank r by Zipf's law: p = 1 / (r * H_N), H_N the N-th
//              harmonic number of the vocabulary size N (no corpus counts needed). The
//              published SIF value a = 1e-4 scored 0.300 nDCG@10 on SciFact, 1e-5 0.330:
//              retrieval gains from leaning on rare words harder than sentence similarity does
//   title      title words count twice
//
// A text without any known word encodes as the all-zero vector (every cosine with it is 0).
// Encoding is deterministic (same text, same model -> same floats) and thread-safe.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "embed/word_model.hpp"
#include "text/analyzer.hpp"

namespace memvid::embed {

enum class StopWords { None, Lucene, Extended };

struct EncoderOptions {
  double sif_a = 1e-5;             // <= 0: every word weighs 1 (a plain mean of word vectors)
  std::uint32_t title_repeat = 2;  // how many times each title word counts
  StopWords stop_words = StopWords::Lucene;
  bool stem_fallback = true;
  // Look a hyphenated run ("well-known", "il-6") up whole first, word by word when the
  // vocabulary lacks it. Off: the rare compounds' vectors cost 0.8-1 nDCG@10 points on SciFact.
  bool hyphen_compounds = false;
};

class SentenceEncoder {
 public:
  explicit SentenceEncoder(std::shared_ptr<const WordModel> model, EncoderOptions options = {});

  std::uint32_t dimension() const { return model_->dimension(); }
  const WordModel& model() const { return *model_; }
  const EncoderOptions& options() const { return options_; }

  // out.size() must be dimension() (InvalidArgument otherwise).
  void encode(std::string_view title, std::string_view text, std::span<float> out) const;
  std::vector<float> encode(std::string_view title, std::string_view text) const;
  std::vector<float> encode_query(std::string_view query) const { return encode({}, query); }

  // The SIF weight of vocabulary id (rank id + 1); 1 when sif_a <= 0.
  float weight(std::uint32_t id) const;
  // The vocabulary id a folded word contributes as (after the stem fallback), or
  // WordModel::kNotFound; stop-words are not filtered here.
  std::uint32_t resolve(std::string_view word) const;
  // True when the options' stop-word list holds the folded word.
  bool is_stop_word(std::string_view word) const;

 private:
  void add_text(std::string_view text, float repeat, float* acc) const;
  void add_word(std::string_view word, float repeat, float* acc) const;

  std::shared_ptr<const WordModel> model_;
  EncoderOptions options_;
  text::Analyzer analyzer_{"none"};
  double harmonic_ = 1;  // H_N
};

// The extended stop-word list (StopWords::Extended): Lucene's plus pronouns, auxiliaries and
// other function words; the word must already be folded.
bool is_extended_stop_word(std::string_view folded_word);

}  // namespace memvid::embed
