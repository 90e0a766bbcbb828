#pragma once
// The content the crash writer stores for each frame id: varied in length and
// compressibility, and checkable byte for byte by the test.
#include <string>

#include "memvid/memvid.hpp"

namespace crash_test {

inline std::string payload_for(std::uint64_t id) {
  std::string s = "frame " + std::to_string(id) + ":";
  // A fact in every third frame, so that fact parts are written, merged and verified (deep
  // verify reads them again from the text) across the kills.
  if (id % 3 == 0) s += " Alice works at Acme" + std::to_string(id % 5) + ". ";
  std::uint64_t x = id * 0x9E3779B97F4A7C15ull + 1;
  std::size_t len = 20 + (id * 7919) % 1500;
  while (s.size() < len) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Half of the frames are compressible text, half are noise.
    s.push_back(id % 2 ? static_cast<char>('a' + x % 26) : static_cast<char>("the memory "[x % 11]));
  }
  return s;
}

inline memvid::Document document_for(std::uint64_t id) {
  memvid::Document d;
  d.payload = payload_for(id);
  d.title = "title " + std::to_string(id);
  d.timestamp_ms = static_cast<std::int64_t>(1'000'000 + id);
  return d;
}

}  // namespace crash_test
