#pragma once
// WAL record framing. Each record's checksum covers the previous record's checksum, so a
// record is only valid as the continuation of the exact chain that precedes it in this epoch;
// the chain starts from the epoch's salt, so a leftover record from an earlier lap of the
// ring can never be taken for a new one.
#include <cstdint>
#include <span>
#include <vector>

namespace memvid::format {

enum class WalRecordType : std::uint8_t {
  Entry = 1,   // payload: one 48-byte TOC entry (a new frame or a status change)
  Commit = 2,  // payload: data end u64, next frame id u64; makes the preceding entries durable
};

inline constexpr std::size_t kWalRecordHeaderSize = 32;

inline constexpr std::size_t wal_record_size(std::size_t payload_len) {
  return kWalRecordHeaderSize + ((payload_len + 7) & ~std::size_t{7});
}

// Appends one encoded record to out and returns its chain checksum.
std::uint64_t append_wal_record(std::vector<std::uint8_t>& out, std::uint64_t salt, std::uint64_t seq,
                                WalRecordType type, std::span<const std::uint8_t> payload, std::uint64_t prev_chain);

struct WalRecordView {
  WalRecordType type;
  std::span<const std::uint8_t> payload;
  std::uint64_t chain;
  std::size_t size;  // bytes the record occupies, padding included
};

// The bytes the record starting at header (at least kWalRecordHeaderSize bytes) occupies,
// as its header says, padding included; whether it is a valid record is read_wal_record's to say.
std::size_t wal_record_extent(std::span<const std::uint8_t> header);

// Decodes the record at the start of bytes if it continues the chain (salt, seq, prev_chain);
// returns false for anything else: end of the epoch, a torn record, or bytes from an old lap.
bool read_wal_record(std::span<const std::uint8_t> bytes, std::uint64_t salt, std::uint64_t seq,
                     std::uint64_t prev_chain, WalRecordView& out);

}  // namespace memvid::format
