#pragma once
// Where an index part's bytes come from: the memory's file (read range by range, through the
// store), or memory (the unflushed buffer encoded as a segment, a part verify read whole).
// Every read is bounds-checked by the source.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "memvid/env.hpp"

namespace memvid::index {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t length) const = 0;
  // The same bytes in place where the source can (a mapping of the file), else read.
  virtual std::shared_ptr<const FileView> view(std::uint64_t offset, std::uint64_t length) const {
    return std::make_shared<BufferView>(read(offset, length));
  }
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
