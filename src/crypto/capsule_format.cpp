#include "crypto/capsule_format.hpp"

#include <sodium.h>

#include <cstring>

#include "format/bytes.hpp"
#include "memvid/error.hpp"

namespace memvid::crypto {
namespace {

constexpr char kMagic[8] = {'M', 'V', '2', 'C', 'A', 'P', 'S', '\0'};

// The layout is written down in docs/FORMAT.md with these numbers; libsodium must agree.
static_assert(kKdfArgon2id13 == crypto_pwhash_argon2id_ALG_ARGON2ID13);
static_assert(kSaltSize == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kStreamHeaderSize == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kChunkOverhead == crypto_secretstream_xchacha20poly1305_ABYTES);
static_assert(kMinOpsLimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kMinMemLimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw Error(ErrorCode::Corrupt, path + ": " + why);
}

}  // namespace

std::array<std::uint8_t, kCapsuleHeaderSize> CapsuleHeader::encode() const {
  format::ByteWriter w;
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kCapsuleVersion);
  w.u32(chunk_size);
  w.u32(kKdfArgon2id13);
  w.u32(0);
  w.u64(ops_limit);
  w.u64(mem_limit);
  w.bytes(salt);
  w.u64(plaintext_bytes);
  std::array<std::uint8_t, kCapsuleHeaderSize> out{};
  std::memcpy(out.data(), w.buffer().data(), out.size());
  return out;
}

CapsuleHeader CapsuleHeader::decode(std::span<const std::uint8_t, kCapsuleHeaderSize> bytes, const std::string& path) {
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    corrupt(path, "not a memvid capsule (no MV2CAPS magic at offset 0)");
  format::ByteReader r(bytes, "capsule header");
  r.skip(sizeof kMagic);
  if (const std::uint32_t version = r.u32(); version != kCapsuleVersion)
    corrupt(path, "capsule version " + std::to_string(version) + " is not supported (this build reads version " +
                      std::to_string(kCapsuleVersion) + ")");
  CapsuleHeader h;
  h.chunk_size = r.u32();
  if (h.chunk_size < kMinChunkSize || h.chunk_size > kMaxChunkSize)
    corrupt(path, "capsule chunk size " + std::to_string(h.chunk_size) + " at offset 12 is out of bounds");
  if (const std::uint32_t kdf = r.u32(); kdf != kKdfArgon2id13)
    corrupt(path, "unknown key derivation " + std::to_string(kdf) + " at offset 16");
  if (r.u32() != 0) corrupt(path, "reserved capsule field at offset 20 is not zero");
  h.ops_limit = r.u64();
  if (h.ops_limit < kMinOpsLimit || h.ops_limit > kMaxOpsLimit)
    corrupt(path, "Argon2id ops limit " + std::to_string(h.ops_limit) + " at offset 24 is out of bounds (" +
                      std::to_string(kMinOpsLimit) + ".." + std::to_string(kMaxOpsLimit) + ")");
  h.mem_limit = r.u64();
  if (h.mem_limit < kMinMemLimit || h.mem_limit > kMaxMemLimit)
    corrupt(path, "Argon2id memory limit " + std::to_string(h.mem_limit) + " at offset 32 is out of bounds (" +
                      std::to_string(kMinMemLimit) + ".." + std::to_string(kMaxMemLimit) + " bytes)");
  std::memcpy(h.salt.data(), r.bytes(kSaltSize).data(), kSaltSize);
  h.plaintext_bytes = r.u64();
  // Keeps capsule_bytes() from overflowing; no file comes near this.
  if (h.plaintext_bytes > kMaxPlaintextBytes)
    corrupt(path, "plaintext length " + std::to_string(h.plaintext_bytes) + " at offset 56 is out of bounds");
  return h;
}

std::uint64_t CapsuleHeader::chunk_count() const {
  if (plaintext_bytes == 0) return 1;
  return plaintext_bytes / chunk_size + (plaintext_bytes % chunk_size != 0 ? 1 : 0);
}

std::uint64_t CapsuleHeader::capsule_bytes() const {
  return kFirstChunkOffset + plaintext_bytes + chunk_count() * kChunkOverhead;
}

}  // namespace memvid::crypto
