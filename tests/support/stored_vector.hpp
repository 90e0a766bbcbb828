#pragma once
// A vector as the index stores it: normalized and quantized to 8 bits (index/vec/q8.hpp). A
// test that puts vectors made this way reads back exactly what it put, so it can compare
// scores and rankings with a brute force over its own vectors.
#include <span>
#include <vector>

#include "index/vec/q8.hpp"
#include "index/vec/vector_index.hpp"

namespace memvid::test {

inline std::vector<float> as_stored(std::span<const float> v) {
  const std::vector<float> unit = index::normalized(v);
  std::vector<std::int8_t> codes(unit.size());
  float scale = 0;
  index::quantize_row(unit, codes.data(), scale);
  std::vector<float> out(unit.size());
  index::dequantize_row(codes.data(), scale, unit.size(), out.data());
  return out;
}

}  // namespace memvid::test
