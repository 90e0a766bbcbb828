// WAL record: 0 salt u64 | 8 sequence u64 (1, 2, ... within an epoch) | 16 type u8 |
//   17 reserved [3] | 20 payload length u32 | 24 chain checksum u64 | 32 payload, zero-padded
//   to a multiple of 8. chain = first 8 bytes (LE) of BLAKE3(previous chain u64 LE ||
//   bytes 0..24 || payload); the first record of an epoch uses the salt as previous chain.
#include "format/wal_record.hpp"

#include "format/blake3.hpp"
#include "format/bytes.hpp"

namespace memvid::format {
namespace {
std::uint64_t chain_of(std::uint64_t prev, const std::uint8_t* head24, std::span<const std::uint8_t> payload) {
  std::uint8_t prev_le[8];
  for (int i = 0; i < 8; ++i) prev_le[i] = static_cast<std::uint8_t>(prev >> (8 * i));
  Blake3 h;
  h.update(prev_le, 8);
  h.update(head24, 24);
  h.update(payload);
  std::uint8_t out[8];
  h.finalize(out, 8);
  return load_u64(out);
}
}  // namespace

std::uint64_t append_wal_record(std::vector<std::uint8_t>& out, std::uint64_t salt, std::uint64_t seq,
                                WalRecordType type, std::span<const std::uint8_t> payload, std::uint64_t prev_chain) {
  ByteWriter w;
  w.u64(salt);
  w.u64(seq);
  w.u8(static_cast<std::uint8_t>(type));
  w.zeros(3);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  std::uint64_t chain = chain_of(prev_chain, w.buffer().data(), payload);
  w.u64(chain);
  w.bytes(payload);
  w.zeros(wal_record_size(payload.size()) - w.size());
  out.insert(out.end(), w.buffer().begin(), w.buffer().end());
  return chain;
}

std::size_t wal_record_extent(std::span<const std::uint8_t> header) {
  return header.size() < kWalRecordHeaderSize ? kWalRecordHeaderSize : wal_record_size(load_u32(header.data() + 20));
}

bool read_wal_record(std::span<const std::uint8_t> bytes, std::uint64_t salt, std::uint64_t seq,
                     std::uint64_t prev_chain, WalRecordView& out) {
  if (bytes.size() < kWalRecordHeaderSize) return false;
  const std::uint8_t* p = bytes.data();
  if (load_u64(p) != salt || load_u64(p + 8) != seq) return false;
  std::uint8_t type = p[16];
  if (type != static_cast<std::uint8_t>(WalRecordType::Entry) && type != static_cast<std::uint8_t>(WalRecordType::Commit))
    return false;
  std::uint32_t len = load_u32(p + 20);
  if (len > bytes.size() - kWalRecordHeaderSize || wal_record_size(len) > bytes.size()) return false;
  auto payload = bytes.subspan(kWalRecordHeaderSize, len);
  std::uint64_t chain = chain_of(prev_chain, p, payload);
  if (chain != load_u64(p + 24)) return false;
  out = WalRecordView{static_cast<WalRecordType>(type), payload, chain, wal_record_size(len)};
  return true;
}

}  // namespace memvid::format
