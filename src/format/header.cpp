// Header copy, 128 bytes, little-endian:
//   0  magic "MV2HEAD\0"      8  version u32     12 header size u32 (128)
//   16 sequence u64           24 wal offset u64  32 wal size u64
//   40 footer offset u64      48 generation u64  56 wal salt u64
//   64 reserved (48 zero bytes)
//   112 checksum: BLAKE3(bytes 0..112) truncated to 16 bytes
#include "format/header.hpp"

#include <cstring>

#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/layout.hpp"

namespace memvid::format {
namespace {
constexpr char kMagic[8] = {'M', 'V', '2', 'H', 'E', 'A', 'D', '\0'};
constexpr std::size_t kBody = 112;
}  // namespace

std::array<std::uint8_t, 128> Header::encode() const {
  ByteWriter w;
  w.bytes(kMagic, 8);
  w.u32(kFormatVersion);
  w.u32(static_cast<std::uint32_t>(kHeaderSize));
  w.u64(sequence);
  w.u64(wal_offset);
  w.u64(wal_size);
  w.u64(footer_offset);
  w.u64(generation);
  w.u64(wal_salt);
  w.zeros(kBody - w.size());
  Checksum16 c = checksum16(w.buffer());
  w.bytes(c);
  std::array<std::uint8_t, 128> out{};
  std::memcpy(out.data(), w.buffer().data(), out.size());
  return out;
}

std::optional<Header> Header::decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) return std::nullopt;
  if (!checksum_matches(bytes.first(kBody), bytes.data() + kBody)) return std::nullopt;
  ByteReader r(bytes.first(kBody), "header");
  r.skip(8);
  if (r.u32() != kFormatVersion) return std::nullopt;
  if (r.u32() != kHeaderSize) return std::nullopt;
  Header h;
  h.sequence = r.u64();
  h.wal_offset = r.u64();
  h.wal_size = r.u64();
  h.footer_offset = r.u64();
  h.generation = r.u64();
  h.wal_salt = r.u64();
  return h;
}

}  // namespace memvid::format
