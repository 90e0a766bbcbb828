// The parts of the Env interface that have a portable default in terms of the rest of it.
#include <algorithm>
#include <vector>

#include "memvid/env.hpp"
#include "io/read_exact.hpp"
#include "memvid/error.hpp"

namespace memvid {

std::shared_ptr<const FileView> File::view(std::uint64_t offset, std::size_t len, const char* what) {
  return std::make_shared<BufferView>(io::read_bytes(*this, offset, len, what));
}

void Env::keep_as(const std::string& path, const std::string& backup) {
  auto in = open(path, OpenMode::ReadOnly);
  auto out = open(backup, OpenMode::CreateNew);  // AlreadyExists when backup is taken
  try {
    constexpr std::size_t kChunk = 8u << 20;
    std::vector<std::uint8_t> buf;
    const std::uint64_t size = in->size();
    for (std::uint64_t at = 0; at < size;) {
      buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - at)));
      const std::size_t n = in->read_at(at, buf.data(), buf.size());
      if (n == 0) break;
      out->write_at(at, buf.data(), n);
      at += n;
    }
    out->sync();
  } catch (...) {
    out.reset();
    try {
      remove(backup);
    } catch (...) {
    }
    throw;
  }
}

}  // namespace memvid
