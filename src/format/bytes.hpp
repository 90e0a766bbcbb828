#pragma once
// Little-endian encoding helpers. ByteReader checks every length against the bytes it holds
// and throws Corrupt naming the structure and offset, so no decoder can read out of bounds
// or size an allocation from an unchecked number.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/error.hpp"

namespace memvid::format {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { fixed(v, 2); }
  void u32(std::uint32_t v) { fixed(v, 4); }
  void u64(std::uint64_t v) { fixed(v, 8); }
  void i64(std::int64_t v) { fixed(static_cast<std::uint64_t>(v), 8); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void bytes(const void* data, std::size_t len) {
    // resize + memcpy rather than insert(): GCC 12 at -O3 reports a bogus
    // -Wstringop-overflow for vector::insert of a span.
    if (len == 0) return;
    const std::size_t at = out_.size();
    out_.resize(at + len);
    std::memcpy(out_.data() + at, data, len);
  }
  void bytes(std::span<const std::uint8_t> b) { bytes(b.data(), b.size()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  // Fixed-width text field, NUL padded; longer text is cut at a UTF-8 boundary.
  void padded_text(std::string_view text, std::size_t width);
  std::size_t size() const { return out_.size(); }
  std::vector<std::uint8_t>& buffer() { return out_; }
  std::vector<std::uint8_t> take() { return std::move(out_); }

 private:
  void fixed(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> out_;
};

class ByteReader {
 public:
  // what names the structure being decoded; base is its offset in the file (for messages).
  ByteReader(std::span<const std::uint8_t> data, std::string what, std::uint64_t base = 0)
      : data_(data), what_(std::move(what)), base_(base) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(fixed(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(fixed(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64() { return fixed(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(fixed(8)); }
  // Inline: open decodes hundreds of thousands of TOC segment varints.
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70 && pos_ < data_.size(); shift += 7) {
      const std::uint8_t b = data_[pos_++];
      if (shift == 63 && b > 1) fail("varint overflows 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail(pos_ >= data_.size() ? "varint runs past the end" : "varint longer than 10 bytes");
  }
  std::span<const std::uint8_t> bytes(std::size_t len) {
    need(len);
    auto s = data_.subspan(pos_, len);
    pos_ += len;
    return s;
  }
  std::string padded_text(std::size_t width);
  void skip(std::size_t len) { need(len); pos_ += len; }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }
  [[noreturn]] void fail(const std::string& why) const;

 private:
  void need(std::size_t len) const {
    if (len > data_.size() - pos_) fail("needs " + std::to_string(len) + " bytes, " +
                                        std::to_string(data_.size() - pos_) + " left");
  }
  std::uint64_t fixed(int n) {
    need(static_cast<std::size_t>(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(data_[pos_ + i]) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::span<const std::uint8_t> data_;
  std::string what_;
  std::uint64_t base_;
  std::size_t pos_ = 0;
};

inline std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}
inline std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace memvid::format
