#include "index/byte_source.hpp"

#include <string>

#include "memvid/error.hpp"

namespace memvid::index {

std::vector<std::uint8_t> MemorySource::read(std::uint64_t offset, std::uint64_t length) const {
  if (offset > bytes_.size() || length > bytes_.size() - offset)
    throw Error(ErrorCode::Corrupt, "read of " + std::to_string(length) + " bytes at part offset " +
                                        std::to_string(offset) + " runs past the part's " + std::to_string(bytes_.size()) +
                                        " bytes");
  return {bytes_.begin() + static_cast<std::ptrdiff_t>(offset), bytes_.begin() + static_cast<std::ptrdiff_t>(offset + length)};
}

}  // namespace memvid::index
