#include "format/block_checks.hpp"

#include <xxhash.h>

#include <algorithm>

#include "format/bytes.hpp"
#include "memvid/error.hpp"

namespace memvid::format {
namespace {

std::uint64_t block_hash(std::span<const std::uint8_t> covered, std::uint64_t block) {
  const std::uint64_t from = block * kCheckedBlockBytes;
  return XXH3_64bits(covered.data() + from, static_cast<std::size_t>(std::min(kCheckedBlockBytes, covered.size() - from)));
}

}  // namespace

void fill_block_sums(std::span<const std::uint8_t> covered, std::span<std::uint8_t> sums) {
  for (std::uint64_t b = 0; b * kCheckedBlockBytes < covered.size() && 8 * b + 8 <= sums.size(); ++b) {
    const std::uint64_t h = block_hash(covered, b);
    for (int i = 0; i < 8; ++i) sums[8 * b + static_cast<std::uint64_t>(i)] = static_cast<std::uint8_t>(h >> (8 * i));
  }
}

BlockChecks::BlockChecks(std::span<const std::uint8_t> bytes, const std::uint8_t* sums, std::string what)
    : bytes_(bytes),
      sums_(sums),
      what_(std::move(what)),
      checked_(std::make_unique<std::atomic<std::uint64_t>[]>(
          static_cast<std::size_t>((block_sums_length(bytes.size()) / 8 + 63) / 64))) {}

void BlockChecks::touch(std::uint64_t at, std::uint64_t len) const {
  if (len == 0) return;
  if (at > bytes_.size() || len > bytes_.size() - at)
    throw Error(ErrorCode::Corrupt, what_ + ": a read of " + std::to_string(len) + " bytes at offset " + std::to_string(at) +
                                        " runs past the " + std::to_string(bytes_.size()) + " checked bytes");
  for (std::uint64_t b = at / kCheckedBlockBytes, last = (at + len - 1) / kCheckedBlockBytes; b <= last; ++b) {
    std::atomic<std::uint64_t>& word = checked_[b / 64];
    const std::uint64_t bit = std::uint64_t{1} << (b % 64);
    if (word.load(std::memory_order_acquire) & bit) continue;
    if (block_hash(bytes_, b) != load_u64(sums_ + 8 * b))
      throw Error(ErrorCode::Corrupt, what_ + ": block " + std::to_string(b) + " (offset " +
                                          std::to_string(b * kCheckedBlockBytes) + ") fails its checksum");
    word.fetch_or(bit, std::memory_order_acq_rel);
  }
}

}  // namespace memvid::format
