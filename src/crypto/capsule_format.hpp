#pragma once
// The byte layout of an encrypted capsule (.mv2e); docs/FORMAT.md, "Encrypted capsule
// (.mv2e)", is the full specification. Little-endian:
//   0  magic "MV2CAPS\0"        8  version u32 (1)     12 chunk size u32
//   16 kdf u32 (2: Argon2id)    20 reserved u32 (0)    24 ops limit u64    32 mem limit u64
//   40 salt (16 bytes)          56 plaintext length u64
//   64 secretstream header (24 bytes)
//   88 chunks: each min(chunk size, what is left) plaintext bytes, encrypted, + 17 bytes
// Bytes 0..64 are the additional data of the first chunk: changing any of them fails it.
#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace memvid::crypto {

inline constexpr std::size_t kCapsuleHeaderSize = 64;
inline constexpr std::size_t kStreamHeaderSize = 24;
inline constexpr std::uint64_t kFirstChunkOffset = kCapsuleHeaderSize + kStreamHeaderSize;
inline constexpr std::size_t kChunkOverhead = 17;  // secretstream tag byte + Poly1305 MAC
inline constexpr std::size_t kSaltSize = 16;

inline constexpr std::uint32_t kCapsuleVersion = 1;
inline constexpr std::uint32_t kKdfArgon2id13 = 2;  // libsodium's crypto_pwhash_ALG_ARGON2ID13
inline constexpr std::uint32_t kDefaultChunkSize = 64 * 1024;

// Bounds on the numbers unlock reads before it can authenticate them: a forged header must
// not make it allocate gigabytes of buffers or Argon2id memory, or spin for hours.
inline constexpr std::uint32_t kMinChunkSize = 4 * 1024;
inline constexpr std::uint32_t kMaxChunkSize = 16u << 20;
inline constexpr std::uint64_t kMinOpsLimit = 1;       // crypto_pwhash_argon2id_OPSLIMIT_MIN
inline constexpr std::uint64_t kMaxOpsLimit = 64;
inline constexpr std::uint64_t kMinMemLimit = 8192;    // crypto_pwhash_argon2id_MEMLIMIT_MIN
inline constexpr std::uint64_t kMaxMemLimit = 4ull << 30;
inline constexpr std::uint64_t kMaxPlaintextBytes = 1ull << 60;

struct CapsuleHeader {
  std::uint32_t chunk_size = kDefaultChunkSize;
  std::uint64_t ops_limit = 0;
  std::uint64_t mem_limit = 0;
  std::array<std::uint8_t, kSaltSize> salt{};
  std::uint64_t plaintext_bytes = 0;

  std::array<std::uint8_t, kCapsuleHeaderSize> encode() const;
  // Throws Corrupt, naming path, for a wrong magic, an unknown version or KDF, or a number
  // outside the bounds above.
  static CapsuleHeader decode(std::span<const std::uint8_t, kCapsuleHeaderSize> bytes, const std::string& path);

  // At least one, so that even an empty plaintext ends in a chunk tagged final.
  std::uint64_t chunk_count() const;
  std::uint64_t capsule_bytes() const;
};

}  // namespace memvid::crypto
