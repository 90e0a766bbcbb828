#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace memvid::format {

// One copy of the file header (docs/FORMAT.md, "Header"). The newest valid copy names the
// committed footer and the current WAL epoch.
struct Header {
  std::uint64_t sequence = 0;       // grows by one per header write; slot = sequence % 2
  std::uint64_t wal_offset = 0;
  std::uint64_t wal_size = 0;
  std::uint64_t footer_offset = 0;  // the committed footer
  std::uint64_t generation = 0;     // checkpoints since creation
  std::uint64_t wal_salt = 0;       // WAL records of this epoch carry it

  std::array<std::uint8_t, 128> encode() const;
  // nullopt when the magic, version or checksum is wrong (a torn or blank copy).
  static std::optional<Header> decode(std::span<const std::uint8_t> bytes);
};

}  // namespace memvid::format
