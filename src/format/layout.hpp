#pragma once
// Fixed positions and limits of the .mv2 layout (docs/FORMAT.md is the full specification).
#include <cstdint>

namespace memvid::format {

inline constexpr std::uint32_t kFormatVersion = 1;

inline constexpr std::uint64_t kHeaderPageSize = 4096;
// Two header copies in different 512-byte sectors: a torn write can ruin only the one
// being written, which always holds the older state.
inline constexpr std::uint64_t kHeaderSlotOffset[2] = {0, 512};
inline constexpr std::uint64_t kHeaderSize = 128;
inline constexpr std::uint64_t kOwnerRecordOffset = 1024;
inline constexpr std::uint64_t kOwnerRecordSize = 384;
// Written by `nudge` without the writer lock, so it lives outside the checksummed owner record.
inline constexpr std::uint64_t kNudgeFlagOffset = 2048;
// Lock bytes (advisory; they never conflict with I/O). Writers hold kWriterLockByte
// exclusively; readers hold kReaderLockByte shared so that a future compaction can wait them out.
inline constexpr std::uint64_t kWriterLockByte = 3072;
inline constexpr std::uint64_t kReaderLockByte = 3073;

inline constexpr std::uint64_t kWalOffset = kHeaderPageSize;

inline std::uint64_t wal_size_for_capacity(std::uint64_t capacity_bytes) {
  constexpr std::uint64_t MiB = 1ull << 20;
  if (capacity_bytes < 100'000'000ull) return 1 * MiB;
  if (capacity_bytes < 1'000'000'000ull) return 4 * MiB;
  if (capacity_bytes < 10'000'000'000ull) return 16 * MiB;
  return 64 * MiB;
}
inline constexpr std::uint64_t kMinWalSize = 64 * 1024;
inline constexpr std::uint64_t kMaxWalSize = 64ull << 20;

// Sanity limits applied to every length read from disk before anything is allocated.
inline constexpr std::uint64_t kMaxPayloadBytes = 1ull << 30;      // 1 GiB per frame
inline constexpr std::uint64_t kMaxMetadataBytes = 16ull << 20;    // 16 MiB per frame
inline constexpr std::uint64_t kMaxTocSegments = 4096;
inline constexpr std::uint64_t kMaxFrames = 1ull << 32;
inline constexpr std::uint64_t kMaxEmbeddingDimension = 16384;
// Chunk size and overlap, memory-wide (index settings) or per frame.
inline constexpr std::uint32_t kMinChunkBytes = 64;
inline constexpr std::uint32_t kMaxChunkSetting = 1u << 24;

}  // namespace memvid::format
