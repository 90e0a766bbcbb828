#pragma once
// The embedded write-ahead log: a region of fixed size after the header page, used as a ring
// that laps back to its start at every checkpoint. Each lap (epoch) has its own salt, named
// by the header, and records chain their checksums from it (format/wal_record.hpp).
// Because a checkpoint runs before the region fills, records never wrap around its end.
#include <cstdint>
#include <span>
#include <vector>

#include "format/wal_record.hpp"
#include "memvid/env.hpp"

namespace memvid::io {

struct WalRecord {
  format::WalRecordType type;
  std::vector<std::uint8_t> payload;
  // Filled by scan(): the record's chain checksum and the ring offset just past it, so a
  // caller that keeps only a prefix can rewind() the log to any record boundary.
  std::uint64_t chain = 0;
  std::uint64_t end = 0;
};

class Wal {
 public:
  Wal(std::uint64_t offset, std::uint64_t size) : offset_(offset), size_(size) {}

  // Reads the epoch with this salt from the ring: the records that form an unbroken chain
  // from its start. Leaves the log positioned after them, ready to append.
  std::vector<WalRecord> scan(File& file, std::uint64_t salt);
  // Starts a new epoch: the ring is logically empty; old bytes stay until overwritten.
  void reset(std::uint64_t salt);

  // Bytes that appending these records would take.
  static std::uint64_t batch_size(std::span<const WalRecord> records);
  bool fits(std::uint64_t bytes) const { return used_ + bytes <= size_; }
  // Writes the records with one write call at the head; durability is the caller's sync.
  void append(File& file, std::span<const WalRecord> records);

  // Forgets records appended after `used` bytes: used when a write failed midway.
  void rewind(std::uint64_t used, std::uint64_t seq, std::uint64_t chain) { used_ = used; seq_ = seq; chain_ = chain; }
  std::uint64_t used() const { return used_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t seq() const { return seq_; }
  std::uint64_t chain() const { return chain_; }
  std::uint64_t salt() const { return salt_; }

 private:
  std::uint64_t offset_;
  std::uint64_t size_;
  std::uint64_t salt_ = 0;
  std::uint64_t used_ = 0;
  std::uint64_t seq_ = 0;    // sequence number of the last record written
  std::uint64_t chain_ = 0;  // chain checksum of the last record (the salt when none)
};

}  // namespace memvid::io
