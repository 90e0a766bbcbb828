#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "format/layout.hpp"

namespace memvid::format {

// Who holds (or last held) the writer lock. Zeroed on a clean close so that a closed file's
// bytes do not depend on which process wrote it.
struct OwnerRecord {
  std::int64_t pid = 0;
  std::int64_t started_ms = 0;
  std::int64_t heartbeat_ms = 0;
  std::string host;     // at most 63 bytes kept
  std::string command;  // at most 255 bytes kept

  std::array<std::uint8_t, kOwnerRecordSize> encode() const;
  // nullopt for an all-zero (no owner) or damaged record.
  static std::optional<OwnerRecord> decode(std::span<const std::uint8_t> bytes);
};

}  // namespace memvid::format
