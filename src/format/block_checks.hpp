#pragma once
// Checksums per fixed-size block, checked the first time a reader touches a block: a file
// read in place (a mapped vector segment, a mapped model) costs the pages a query reads, and
// a damaged byte is still found before anything uses it. The writer stores XXH3-64 of each
// block (the last one may be short); the reader checks the table itself once, at open, against
// a checksum of its own (the caller's job), and each block on first touch. Thread-safe: two
// threads may both check a block; either records it.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace memvid::format {

inline constexpr std::uint64_t kCheckedBlockBytes = 4096;

// The table's length for `covered` bytes: 8 bytes a block.
inline std::uint64_t block_sums_length(std::uint64_t covered) {
  return (covered + kCheckedBlockBytes - 1) / kCheckedBlockBytes * 8;
}
// Writes XXH3-64 of each block of covered into sums (block_sums_length(covered.size()) bytes).
void fill_block_sums(std::span<const std::uint8_t> covered, std::span<std::uint8_t> sums);

class BlockChecks {
 public:
  BlockChecks() = default;
  // bytes: the covered bytes; sums: their table (block_sums_length(bytes.size()) bytes, already
  // checked); what names the file or part in messages.
  BlockChecks(std::span<const std::uint8_t> bytes, const std::uint8_t* sums, std::string what);
  // Checks every block under [at, at + len) not checked yet; Corrupt naming the block and its
  // offset when one fails, or when the range runs past the covered bytes.
  void touch(std::uint64_t at, std::uint64_t len) const;
  void touch_all() const { touch(0, bytes_.size()); }
  std::uint64_t covered() const { return bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  const std::uint8_t* sums_ = nullptr;
  std::string what_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> checked_;  // a bit per block: its checksum matched
};

}  // namespace memvid::format
