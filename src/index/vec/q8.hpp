#pragma once
// Unit vectors stored in 8 bits per component: component i is code[i] x scale. The codes
// round v / (max|v| / 127); the scale is 1 / |codes|, so a stored row has unit length. The cosine this gives differs from the float one by about 1e-3
// for 100-d sentence vectors, at a quarter of the bytes. Records, the index buffer and vector
// segments all keep rows this way, so a row is quantized once, when it is made, and carried
// unchanged from then on (same input, same bytes).
#include <cstdint>
#include <span>
#include <vector>

namespace memvid::index {

struct Q8Rows {
  std::vector<std::int8_t> codes;  // rows x dim
  std::vector<float> scales;       // rows
  std::size_t rows() const { return scales.size(); }
};

void quantize_row(std::span<const float> v, std::int8_t* codes, float& scale);
void append_quantized(Q8Rows& rows, std::span<const float> unit_vector);
void dequantize_row(const std::int8_t* codes, float scale, std::size_t dim, float* out);

}  // namespace memvid::index
