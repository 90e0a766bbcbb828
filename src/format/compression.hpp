#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace memvid::format {

// zstd at a fixed level (deterministic output); nullopt when compression would not save bytes.
std::optional<std::vector<std::uint8_t>> compress_if_smaller(std::span<const std::uint8_t> raw);
// Decompresses a single zstd frame that must expand to exactly raw_length bytes.
std::vector<std::uint8_t> decompress_exact(std::span<const std::uint8_t> packed, std::uint64_t raw_length,
                                           std::uint64_t file_offset);

}  // namespace memvid::format
