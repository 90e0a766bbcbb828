#include "embed/sentence_encoder.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "embed/word_forms.hpp"
#include "memvid/error.hpp"

namespace memvid::embed {
namespace {

// A hyphenated run is looked up whole only while it could be one vocabulary word.
constexpr std::size_t kMaxCompoundParts = 8;
constexpr std::size_t kMaxCompoundBytes = 255;

struct Scratch {
  std::vector<text::Token> tokens;
  std::string compound;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

bool is_extended_stop_word(std::string_view w) {
  static const std::unordered_set<std::string_view> words = {
      "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
      "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
      "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "ever", "every", "few",
      "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
      "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may",
      "me", "might", "more", "most", "much", "must", "my", "myself", "neither", "no", "nor", "not", "now", "of",
      "off", "on", "once", "only", "or", "other", "others", "ought", "our", "ours", "ourselves", "out", "over",
      "own", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
      "them", "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "thus", "to",
      "too", "under", "until", "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where", "whether",
      "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you",
      "your", "yours", "yourself", "yourselves"};
  return words.count(w) != 0;
}

SentenceEncoder::SentenceEncoder(std::shared_ptr<const WordModel> model, EncoderOptions options)
    : model_(std::move(model)), options_(options) {
  if (!model_) throw Error(ErrorCode::InvalidArgument, "SentenceEncoder needs a word model");
  // Summed smallest term first so the rounding does not depend on how the sum is split.
  double h = 0;
  for (std::uint32_t r = model_->size(); r >= 1; --r) h += 1.0 / r;
  harmonic_ = h;
}

float SentenceEncoder::weight(std::uint32_t id) const {
  if (options_.sif_a <= 0) return 1.0f;
  const double p = 1.0 / ((static_cast<double>(id) + 1.0) * harmonic_);
  return static_cast<float>(options_.sif_a / (options_.sif_a + p));
}

bool SentenceEncoder::is_stop_word(std::string_view word) const {
  switch (options_.stop_words) {
    case StopWords::None: return false;
    case StopWords::Lucene: return text::is_english_stop_word(word);
    case StopWords::Extended: return is_extended_stop_word(word);
  }
  return false;
}

std::uint32_t SentenceEncoder::resolve(std::string_view word) const {
  const std::uint32_t id = model_->find(word);
  if (id != WordModel::kNotFound || !options_.stem_fallback) return id;
  std::size_t letters = 0;
  if (!is_alphabetic_word(word, letters) || letters < 3) return WordModel::kNotFound;
  return model_->find_by_stem(porter_stem(word));
}

void SentenceEncoder::add_word(std::string_view word, float repeat, float* acc) const {
  if (is_stop_word(word)) return;
  const std::uint32_t id = resolve(word);
  if (id != WordModel::kNotFound) model_->add_to(id, repeat * weight(id), acc);
}

void SentenceEncoder::add_text(std::string_view text, float repeat, float* acc) const {
  if (text.empty()) return;
  Scratch& s = scratch();
  s.tokens.clear();
  analyzer_.analyze(text, s.tokens);
  const auto& t = s.tokens;
  for (std::size_t i = 0; i < t.size();) {
    std::size_t j = i + 1;
    if (options_.hyphen_compounds) {
      while (j < t.size() && j - i < kMaxCompoundParts && t[j - 1].end < text.size() && text[t[j - 1].end] == '-' &&
             t[j].begin == t[j - 1].end + 1)
        ++j;
    }
    if (j - i > 1) {
      s.compound.clear();
      for (std::size_t k = i; k < j; ++k) {
        if (k > i) s.compound.push_back('-');
        s.compound += t[k].term;
      }
      const std::uint32_t id = s.compound.size() <= kMaxCompoundBytes ? model_->find(s.compound) : WordModel::kNotFound;
      if (id != WordModel::kNotFound) {
        model_->add_to(id, repeat * weight(id), acc);
        i = j;
        continue;
      }
    }
    for (std::size_t k = i; k < j; ++k) add_word(t[k].term, repeat, acc);
    i = j;
  }
}

void SentenceEncoder::encode(std::string_view title, std::string_view text, std::span<float> out) const {
  if (out.size() != model_->dimension())
    throw Error(ErrorCode::InvalidArgument, "SentenceEncoder: output has " + std::to_string(out.size()) +
                                                " values, the model's dimension is " + std::to_string(model_->dimension()));
  std::fill(out.begin(), out.end(), 0.0f);
  add_text(title, static_cast<float>(options_.title_repeat), out.data());
  add_text(text, 1.0f, out.data());
  double norm = 0;
  for (float v : out) norm += static_cast<double>(v) * v;
  norm = std::sqrt(norm);
  if (!(norm > 0) || !std::isfinite(norm)) {
    std::fill(out.begin(), out.end(), 0.0f);
    return;
  }
  for (float& v : out) v = static_cast<float>(v / norm);
}

std::vector<float> SentenceEncoder::encode(std::string_view title, std::string_view text) const {
  std::vector<float> out(model_->dimension());
  encode(title, text, out);
  return out;
}

}  // namespace memvid::embed
