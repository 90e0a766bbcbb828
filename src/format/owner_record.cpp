// Owner record, 384 bytes at file offset 1024:
//   0 magic "MV2OWNR\0"   8 pid i64   16 started ms i64   24 heartbeat ms i64
//   32 host, 64 bytes NUL padded      96 command, 256 bytes NUL padded
//   352 reserved (16 zero bytes)      368 checksum: BLAKE3(bytes 0..368)[0..16]
#include "format/owner_record.hpp"

#include <cstring>

#include "format/bytes.hpp"
#include "format/checksum.hpp"

namespace memvid::format {
namespace {
constexpr char kMagic[8] = {'M', 'V', '2', 'O', 'W', 'N', 'R', '\0'};
constexpr std::size_t kBody = 368;
}  // namespace

std::array<std::uint8_t, kOwnerRecordSize> OwnerRecord::encode() const {
  ByteWriter w;
  w.bytes(kMagic, 8);
  w.i64(pid);
  w.i64(started_ms);
  w.i64(heartbeat_ms);
  w.padded_text(host, 64);
  w.padded_text(command, 256);
  w.zeros(kBody - w.size());
  w.bytes(checksum16(w.buffer()));
  std::array<std::uint8_t, kOwnerRecordSize> out{};
  std::memcpy(out.data(), w.buffer().data(), out.size());
  return out;
}

std::optional<OwnerRecord> OwnerRecord::decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kOwnerRecordSize || std::memcmp(bytes.data(), kMagic, 8) != 0) return std::nullopt;
  if (!checksum_matches(bytes.first(kBody), bytes.data() + kBody)) return std::nullopt;
  ByteReader r(bytes.first(kBody), "owner record", kOwnerRecordOffset);
  r.skip(8);
  OwnerRecord o;
  o.pid = r.i64();
  o.started_ms = r.i64();
  o.heartbeat_ms = r.i64();
  o.host = r.padded_text(64);
  o.command = r.padded_text(256);
  return o;
}

}  // namespace memvid::format
