#include "format/bytes.hpp"

namespace memvid::format {

void ByteWriter::padded_text(std::string_view text, std::size_t width) {
  std::size_t n = std::min(text.size(), width);
  // Do not leave half a UTF-8 sequence at the cut.
  if (n < text.size()) {
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  }
  bytes(text.data(), n);
  zeros(width - n);
}

std::string ByteReader::padded_text(std::size_t width) {
  auto s = bytes(width);
  std::size_t n = 0;
  while (n < s.size() && s[n] != 0) ++n;
  return std::string(reinterpret_cast<const char*>(s.data()), n);
}

void ByteReader::fail(const std::string& why) const {
  throw Error(ErrorCode::Corrupt, what_ + " at file offset " + std::to_string(base_ + pos_) + ": " + why);
}

}  // namespace memvid::format
