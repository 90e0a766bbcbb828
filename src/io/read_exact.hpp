#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "memvid/env.hpp"
#include "memvid/error.hpp"

namespace memvid::io {

// Reads exactly len bytes, looping over short reads; running into the end of the file is
// Corrupt, because every caller reads a length that the file itself promised.
inline void read_exact(File& file, std::uint64_t offset, void* buf, std::size_t len, const char* what) {
  auto* p = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  while (done < len) {
    std::size_t n = file.read_at(offset + done, p + done, len - done);
    if (n == 0) {
      throw Error(ErrorCode::Corrupt, std::string(what) + " at file offset " + std::to_string(offset) +
                                          ": file ends after " + std::to_string(done) + " of " + std::to_string(len) +
                                          " bytes");
    }
    done += n;
  }
}

inline std::vector<std::uint8_t> read_bytes(File& file, std::uint64_t offset, std::size_t len, const char* what) {
  std::vector<std::uint8_t> out(len);
  read_exact(file, offset, out.data(), len, what);
  return out;
}

}  // namespace memvid::io
