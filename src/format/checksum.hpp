#pragma once
// Truncated BLAKE3 digests used as structure checksums: 16 bytes keep the false-accept
// chance at 2^-128 while keeping fixed-size records small.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "format/blake3.hpp"

namespace memvid::format {

using Checksum16 = std::array<std::uint8_t, 16>;

inline Checksum16 checksum16(std::span<const std::uint8_t> data) {
  Blake3 h;
  h.update(data);
  Checksum16 out;
  h.finalize(out.data(), out.size());
  return out;
}

inline bool checksum_matches(std::span<const std::uint8_t> data, const std::uint8_t* stored) {
  Checksum16 c = checksum16(data);
  return std::equal(c.begin(), c.end(), stored);
}

}  // namespace memvid::format
