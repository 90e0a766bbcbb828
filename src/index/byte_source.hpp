#pragma once
// Where an index part's bytes come from: the memory's file (read range by range, through the
// store), or memory (the unflushed buffer encoded as a segment, a part verify read whole).
// Every read is bounds-checked by the source.
#include <cstdint>
#include <span>
#include <vector>

namespace memvid::index {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t length) const = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  // Corrupt for a range outside the bytes.
  std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t length) const override;
  std::uint64_t size() const { return bytes_.size(); }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace memvid::index
