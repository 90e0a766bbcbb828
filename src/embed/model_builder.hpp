#pragma once
// Turns a word-vector table into the bytes of a model file (layout: model_format.hpp):
// all-but-the-top post-processing, int8 quantization with one scale per row, the vocabulary
// hash table and the Porter stem table. The same table and options give the same bytes.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/embedding.hpp"

namespace memvid::embed {

struct WordTable {
  std::uint32_t dimension = 0;
  std::vector<std::string> words;  // most frequent first; unique, 1..255 bytes each
  std::vector<float> vectors;      // words.size() x dimension, row-major
};

struct BuildOptions {
  std::string name = std::string(kBuiltinModelName);  // printable ASCII, at most 63 bytes
  std::string source;                                  // the source section's text
  std::uint32_t remove_components = 5;                 // all-but-the-top directions
  bool center = true;                                  // subtract the mean vector first
};

// Throws InvalidArgument naming the word or value when the table breaks the rules above or
// the format's limits (dimension <= 4096, at most 2^26 words, finite values).
std::vector<std::uint8_t> build_word_model(WordTable table, const BuildOptions& options);

// One row quantized: q[j] = round(row[j] / scale) with scale = max |row[j]| / 127, so each
// value comes back within scale / 2. A zero row has scale 0.
float quantize_row(std::span<const float> row, std::span<std::int8_t> q);

}  // namespace memvid::embed
