// Encrypted capsules: a whole .mv2 file sealed with libsodium's secretstream
// (XChaCha20-Poly1305) under a key that Argon2id derives from a password. The layout is in
// crypto/capsule_format.hpp and docs/FORMAT.md.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "crypto/capsule_format.hpp"
#include "crypto/staged_file.hpp"
#include "format/identity.hpp"
#include "format/layout.hpp"
#include "io/identify.hpp"
#include "io/owner.hpp"
#include "io/read_exact.hpp"
#include "memvid/error.hpp"
#include "memvid/integrity.hpp"

namespace memvid {
namespace {

using crypto::CapsuleHeader;

// How long lock_file waits for a writer to let go, like OpenOptions::lock_timeout_ms.
constexpr int kLockTimeoutMs = 250;
// The capsule itself is ciphertext; the memory it unlocks is the secret.
constexpr unsigned kCapsuleMode = 0644;
constexpr unsigned kPlaintextMode = 0600;

void ensure_sodium() {
  // sodium_init() is thread-safe and idempotent; the static only spares the repeated call.
  static const int rc = sodium_init();
  if (rc < 0) throw Error(ErrorCode::Io, "libsodium failed to initialize");
}

// Bytes that must not outlive their use: the key, decrypted chunks.
class SecretBytes {
 public:
  explicit SecretBytes(std::size_t n) : bytes_(n) {}
  ~SecretBytes() { sodium_memzero(bytes_.data(), bytes_.size()); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  unsigned char* data() { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<unsigned char> bytes_;
};

// The stream state holds a subkey derived from the key.
struct StreamState {
  crypto_secretstream_xchacha20poly1305_state state;
  ~StreamState() { sodium_memzero(&state, sizeof state); }
};

[[noreturn]] void decrypt_failed(const std::string& path, const std::string& why) {
  throw Error(ErrorCode::DecryptFailed, path + ": " + why);
}

void check_password(std::string_view password) {
  if (password.empty()) throw Error(ErrorCode::InvalidArgument, "the password is empty");
}

void derive_key(std::string_view password, const CapsuleHeader& h, SecretBytes& key) {
  if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), h.salt.data(), h.ops_limit,
                    static_cast<std::size_t>(h.mem_limit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCode::Io, "Argon2id key derivation failed: could not allocate its " +
                                   std::to_string(h.mem_limit >> 20) + " MiB");
  }
}

// A memory's header page has two copies of the header; open() recovers from either, so a
// torn first copy still makes a memory.
bool looks_like_memory(const unsigned char* bytes, std::uint64_t len) {
  static constexpr char kMagic[8] = {'M', 'V', '2', 'H', 'E', 'A', 'D', '\0'};
  if (len < format::kHeaderPageSize) return false;
  return std::memcmp(bytes + format::kHeaderSlotOffset[0], kMagic, sizeof kMagic) == 0 ||
         std::memcmp(bytes + format::kHeaderSlotOffset[1], kMagic, sizeof kMagic) == 0;
}

// --force replaces a file of the kind being written (a capsule by lock, a memory by unlock),
// never anything else: a typo in -o must not cost somebody's PDF.
void check_destination(File& input, const std::string& dest, const CapsuleOptions& options, format::FileKind writes) {
  Env& env = *options.env;
  if (!env.exists(dest)) return;
  if (env.same_file(input, dest))
    throw Error(ErrorCode::InvalidArgument, dest + " is the input file itself: choose another output");
  if (!options.overwrite) throw Error(ErrorCode::AlreadyExists, dest + " already exists (overwrite it with --force)");
  // A write-protected file is not replaced either: opening it for writing says so (ReadOnly).
  const io::Identified id = io::identify_file(*env.open(dest, OpenMode::ReadWrite));
  if (id.kind == writes) return;
  if (writes == format::FileKind::Memory) {
    const Error why = format::not_a_memory(dest, id.kind, id.head, id.size);
    throw Error(why.code(), std::string(why.what()) + ". unlock --force replaces only a memory");
  }
  throw Error(ErrorCode::InvalidArgument,
              dest + " exists and is not a memvid capsule (" +
                  (id.kind == format::FileKind::Memory ? std::string("a memory")
                   : id.kind == format::FileKind::Empty ? std::string("an empty file")
                                                        : format::describe_foreign(id.head)) +
                  "): lock --force replaces only a capsule; nothing was changed");
}

// Opens a memory holding its writer lock, so that no writer changes or replaces it until the
// returned file is closed. A file this process may not write cannot take the exclusive lock
// (F_WRLCK needs a writable descriptor); a shared lock on the same byte shuts writers out
// just the same.
std::unique_ptr<File> open_locked(Env& env, const std::string& path) {
  std::unique_ptr<File> file;
  try {
    file = env.open(path, OpenMode::ReadWrite);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::ReadOnly) throw;  // write-protected: the shared lock below
  }
  if (file) {
    io::acquire_writer_lock(*file, env, path, kLockTimeoutMs);
    return file;
  }
  file = env.open(path, OpenMode::ReadOnly);
  if (!file->try_lock(format::kWriterLockByte, LockKind::Shared))
    throw Error(ErrorCode::Locked, path + " is locked by a writer (see `memvid who " + path + "`)");
  return file;
}

std::uint64_t resolve_limit(std::uint64_t given, std::uint64_t fallback, std::uint64_t lo, std::uint64_t hi,
                            const char* what) {
  const std::uint64_t v = given != 0 ? given : fallback;
  if (v < lo || v > hi)
    throw Error(ErrorCode::InvalidArgument, std::string("Argon2id ") + what + " " + std::to_string(v) +
                                                " is out of bounds (" + std::to_string(lo) + ".." + std::to_string(hi) + ")");
  return v;
}

}  // namespace

void lock_file(const std::string& source, const std::string& capsule, std::string_view password,
               const CapsuleOptions& given) {
  CapsuleOptions options = given;
  if (!options.env) options.env = default_env();
  ensure_sodium();
  check_password(password);
  CapsuleHeader h;
  h.ops_limit = resolve_limit(options.ops_limit, crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto::kMinOpsLimit,
                              crypto::kMaxOpsLimit, "ops limit");
  h.mem_limit = resolve_limit(options.mem_limit, crypto_pwhash_argon2id_MEMLIMIT_MODERATE, crypto::kMinMemLimit,
                              crypto::kMaxMemLimit, "memory limit");

  if (!options.env->exists(source)) throw Error(ErrorCode::NotFound, "no memory at " + source);
  std::unique_ptr<File> in = open_locked(*options.env, source);
  h.plaintext_bytes = in->size();
  SecretBytes plain(h.chunk_size);
  const std::size_t first = static_cast<std::size_t>(std::min<std::uint64_t>(h.plaintext_bytes, h.chunk_size));
  io::read_exact(*in, 0, plain.data(), first, "memory");
  if (!looks_like_memory(plain.data(), first)) {
    std::span<const std::uint8_t> head(plain.data(), std::min<std::size_t>(first, format::kIdentifyBytes));
    const format::FileKind kind = format::identify(head, h.plaintext_bytes);
    throw format::not_a_memory(source, kind == format::FileKind::Memory ? format::FileKind::Foreign : kind, head,
                               h.plaintext_bytes);
  }
  check_destination(*in, capsule, options, format::FileKind::Capsule);

  randombytes_buf(h.salt.data(), h.salt.size());
  SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  derive_key(password, h, key);
  crypto::StagedFile out(options.env, capsule, kCapsuleMode);
  const auto header = h.encode();
  out.write(header.data(), header.size());
  StreamState stream;
  std::array<unsigned char, crypto::kStreamHeaderSize> stream_header{};
  crypto_secretstream_xchacha20poly1305_init_push(&stream.state, stream_header.data(), key.data());
  out.write(stream_header.data(), stream_header.size());

  std::vector<unsigned char> sealed(h.chunk_size + crypto::kChunkOverhead);
  std::uint64_t offset = 0;
  const std::uint64_t chunks = h.chunk_count();
  for (std::uint64_t i = 0; i < chunks; ++i) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(h.plaintext_bytes - offset, h.chunk_size));
    if (i > 0) io::read_exact(*in, offset, plain.data(), n, "memory");
    const bool last = i + 1 == chunks;
    unsigned long long sealed_len = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &stream.state, sealed.data(), &sealed_len, plain.data(), n, i == 0 ? header.data() : nullptr,
        i == 0 ? header.size() : 0, last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    out.write(sealed.data(), static_cast<std::size_t>(sealed_len));
    offset += n;
  }
  out.commit(options.overwrite);
}

void unlock_file(const std::string& capsule, const std::string& dest, std::string_view password,
                 const CapsuleOptions& given) {
  CapsuleOptions options = given;
  if (!options.env) options.env = default_env();
  ensure_sodium();
  check_password(password);
  std::unique_ptr<File> in = options.env->open(capsule, OpenMode::ReadOnly);
  const std::uint64_t size = in->size();
  std::array<std::uint8_t, crypto::kCapsuleHeaderSize> header{};
  const std::size_t have = static_cast<std::size_t>(std::min<std::uint64_t>(size, header.size()));
  io::read_exact(*in, 0, header.data(), have, "capsule header");
  if (have < 8 || std::memcmp(header.data(), format::kCapsuleMagic, 8) != 0) {
    std::vector<std::uint8_t> head = io::read_bytes(*in, 0, std::min<std::uint64_t>(size, format::kIdentifyBytes), "file");
    const format::FileKind kind = format::identify(head, size);
    if (kind == format::FileKind::Memory)
      throw Error(ErrorCode::InvalidArgument, capsule + " is a memvid memory, not a capsule: there is nothing to unlock");
    throw Error(ErrorCode::Corrupt, capsule + " is not a memvid capsule (no MV2CAPS magic at offset 0; " +
                                                (kind == format::FileKind::Empty ? std::string("it is empty")
                                                                                 : format::describe_foreign(head)) +
                                                ")");
  }
  if (have < header.size()) decrypt_failed(capsule, "cut short: " + std::to_string(size) + " bytes, not even its header");
  const CapsuleHeader h = CapsuleHeader::decode(header, capsule);
  // The header is authenticated only with the first chunk, but a size that disagrees with it
  // already proves the capsule was cut or extended: no need to spend the key derivation.
  if (size != h.capsule_bytes())
    decrypt_failed(capsule, "the capsule is " + std::to_string(size) + " bytes where its header implies " +
                                std::to_string(h.capsule_bytes()) + ": it was cut short or had bytes appended");
  check_destination(*in, dest, options, format::FileKind::Memory);
  // A writer on the memory about to be replaced would go on writing to the orphaned file.
  std::unique_ptr<File> replaced;
  if (options.overwrite && options.env->exists(dest)) replaced = open_locked(*options.env, dest);

  std::array<unsigned char, crypto::kStreamHeaderSize> stream_header{};
  io::read_exact(*in, crypto::kCapsuleHeaderSize, stream_header.data(), stream_header.size(), "capsule");
  SecretBytes key(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  derive_key(password, h, key);
  StreamState stream;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&stream.state, stream_header.data(), key.data()) != 0)
    decrypt_failed(capsule, "invalid stream header at offset 64");

  crypto::StagedFile out(options.env, dest, kPlaintextMode);
  SecretBytes plain(h.chunk_size);
  std::vector<unsigned char> sealed(h.chunk_size + crypto::kChunkOverhead);
  std::uint64_t offset = crypto::kFirstChunkOffset;
  std::uint64_t remaining = h.plaintext_bytes;
  const std::uint64_t chunks = h.chunk_count();
  for (std::uint64_t i = 0; i < chunks; ++i) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, h.chunk_size));
    const std::size_t sealed_len = n + crypto::kChunkOverhead;
    for (std::size_t got = 0; got < sealed_len;) {
      const std::size_t r = in->read_at(offset + got, sealed.data() + got, sealed_len - got);
      if (r == 0) decrypt_failed(capsule, "cut short at offset " + std::to_string(offset + got));
      got += r;
    }
    unsigned long long plain_len = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&stream.state, plain.data(), &plain_len, &tag, sealed.data(),
                                                   sealed_len, i == 0 ? header.data() : nullptr,
                                                   i == 0 ? header.size() : 0) != 0) {
      decrypt_failed(capsule, i == 0 ? "wrong password, or the capsule's header or first chunk was changed"
                                     : "chunk " + std::to_string(i) + " at offset " + std::to_string(offset) +
                                           " was changed");
    }
    const bool last = i + 1 == chunks;
    if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != last)
      decrypt_failed(capsule, last ? "the stream ends without its final chunk (cut short)"
                                   : "the final chunk comes before the end (chunks were removed)");
    if (i == 0 && !looks_like_memory(plain.data(), plain_len))
      throw Error(ErrorCode::Corrupt, capsule + ": the decrypted bytes are not a memvid memory");
    out.write(plain.data(), static_cast<std::size_t>(plain_len));
    offset += sealed_len;
    remaining -= n;
  }
  if (in->size() != offset) decrypt_failed(capsule, "bytes follow the final chunk at offset " + std::to_string(offset));
  out.commit(options.overwrite);
}

}  // namespace memvid
