#pragma once
// LEB128 varints for the index codecs, which write into plain byte vectors and decode hot
// loops from raw pointers (format::ByteReader's exceptions are for cold structures).
#include <cstdint>
#include <vector>

namespace memvid::index {

inline void put_varint(std::vector<std::uint8_t>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}

// Bounds-checked reads: false when the bytes run out or the value does not fit.
inline bool get_varint32(const std::uint8_t*& p, const std::uint8_t* end, std::uint32_t& v) {
  std::uint32_t out = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= end) return false;
    const std::uint8_t b = *p++;
    if (shift == 28 && b > 0x0F) return false;
    out |= static_cast<std::uint32_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      v = out;
      return true;
    }
  }
  return false;
}

inline bool get_varint64(const std::uint8_t*& p, const std::uint8_t* end, std::uint64_t& v) {
  std::uint64_t out = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= end) return false;
    const std::uint8_t b = *p++;
    if (shift == 63 && b > 1) return false;
    out |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      v = out;
      return true;
    }
  }
  return false;
}

}  // namespace memvid::index
