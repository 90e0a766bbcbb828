// Encrypted capsules through the public API: a round trip gives back the very bytes, and a
// wrong password, any changed, cut or added byte, an existing output or a busy source fails
// without leaving a byte of output (or a temporary file) behind.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <set>
#include <string>

#include "memvid/error.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHeaderBytes = 64;       // authenticated capsule header
constexpr std::size_t kFirstChunkOffset = 88;  // after the 24-byte secretstream header
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kChunkOverhead = 17;

// Argon2id at its minimum cost: the tests are about the capsule, not the KDF's strength.
CapsuleOptions fast(bool overwrite = false) {
  CapsuleOptions o;
  o.overwrite = overwrite;
  o.ops_limit = 1;
  o.mem_limit = 8192;
  return o;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::uint64_t load_u64(const std::string& bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

void store_u64(std::string& bytes, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

ErrorCode error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a memvid::Error";
  return ErrorCode::InvalidArgument;
}

class Capsule : public ::testing::Test {
 protected:
  void SetUp() override {
    memory_ = dir_.file("notes.mv2");
    capsule_ = dir_.file("notes.mv2e");
    restored_ = dir_.file("restored.mv2");
    make_memory(memory_, 12, 8000);
  }

  // A real memory of several 64 KiB chunks: a small WAL keeps it small enough to flip bytes in.
  static void make_memory(const std::string& path, int documents, std::size_t bytes_each) {
    CreateOptions o;
    o.embedding_model = "none";
    o.wal_bytes = 64 * 1024;
    Memvid mem = Memvid::create(path, o);
    std::mt19937 rng(7);
    for (int i = 0; i < documents; ++i) {
      Document d;
      d.title = "note " + std::to_string(i);
      d.timestamp_ms = 1'700'000'000'000 + i;
      while (d.payload.size() < bytes_each) d.payload += "word" + std::to_string(rng() % 5000) + ' ';
      mem.put(d);
    }
    mem.close();
  }

  // Every name in the directory: failures must leave no temporary file and no output.
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_.path())) names.insert(e.path().filename().string());
    return names;
  }

  void expect_unlock_fails(const std::string& capsule, const std::set<ErrorCode>& allowed, const std::string& what) {
    const auto before = entries();
    const ErrorCode code = error_of([&] { unlock_file(capsule, restored_, "correct horse", fast()); });
    EXPECT_TRUE(allowed.count(code)) << what << ": " << to_string(code);
    EXPECT_FALSE(fs::exists(restored_)) << what;
    EXPECT_EQ(entries(), before) << what;
  }

  TempDir dir_;
  std::string memory_, capsule_, restored_;
};

TEST_F(Capsule, RoundTripGivesBackTheSameBytes) {
  lock_file(memory_, capsule_, "correct horse", fast());
  unlock_file(capsule_, restored_, "correct horse", fast());
  EXPECT_EQ(read_file(restored_), read_file(memory_));

  Memvid mem = Memvid::open_read_only(restored_);
  EXPECT_EQ(mem.stats().frames, 12u);
  mem.close();
  // The decrypted memory is the secret: only its owner may read it.
  struct stat st {};
  ASSERT_EQ(::stat(restored_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  EXPECT_EQ(entries(), (std::set<std::string>{"notes.mv2", "notes.mv2e", "restored.mv2"}));
}

TEST_F(Capsule, LayoutIsAsDocumented) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const std::string plain = read_file(memory_);
  const std::string c = read_file(capsule_);
  ASSERT_GE(c.size(), kFirstChunkOffset);
  EXPECT_EQ(c.substr(0, 8), std::string("MV2CAPS\0", 8));
  EXPECT_EQ(c.substr(8, 4), std::string("\x01\x00\x00\x00", 4));  // version
  EXPECT_EQ(c.substr(12, 4), std::string("\x00\x00\x01\x00", 4));  // chunk size 65536
  EXPECT_EQ(c.substr(16, 4), std::string("\x02\x00\x00\x00", 4));  // Argon2id v1.3
  EXPECT_EQ(c.substr(20, 4), std::string(4, '\0'));
  EXPECT_EQ(load_u64(c, 24), 1u);
  EXPECT_EQ(load_u64(c, 32), 8192u);
  EXPECT_EQ(load_u64(c, 56), plain.size());
  const std::size_t chunks = (plain.size() + kChunkBytes - 1) / kChunkBytes;
  ASSERT_GE(chunks, 3u);
  EXPECT_EQ(c.size(), kFirstChunkOffset + plain.size() + chunks * kChunkOverhead);
}

TEST_F(Capsule, DefaultCostIsArgon2idModerate) {
  CapsuleOptions defaults;
  lock_file(memory_, capsule_, "correct horse", defaults);
  const std::string c = read_file(capsule_);
  EXPECT_EQ(load_u64(c, 24), 3u);
  EXPECT_EQ(load_u64(c, 32), 256u << 20);
  unlock_file(capsule_, restored_, "correct horse");
  EXPECT_EQ(read_file(restored_), read_file(memory_));
}

TEST_F(Capsule, WrongPasswordIsDecryptFailedAndWritesNothing) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const auto before = entries();
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "battery staple", fast()); }), ErrorCode::DecryptFailed);
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "correct hors", fast()); }), ErrorCode::DecryptFailed);
  EXPECT_FALSE(fs::exists(restored_));
  EXPECT_EQ(entries(), before);
}

TEST_F(Capsule, EveryChangedByteIsCaught) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const std::string good = read_file(capsule_);
  const std::string bad = dir_.file("bad.mv2e");
  std::vector<std::size_t> positions;
  // Every header byte. Flipping the low bit keeps a forged Argon2id memory limit at a few
  // MiB at most, so the test never asks for gigabytes before the bounds check catches it.
  for (std::size_t i = 0; i < kFirstChunkOffset; ++i) positions.push_back(i);
  std::mt19937 rng(42);
  for (int i = 0; i < 250; ++i) positions.push_back(kFirstChunkOffset + rng() % (good.size() - kFirstChunkOffset));
  positions.push_back(good.size() - 1);
  positions.push_back(kFirstChunkOffset + kChunkBytes + kChunkOverhead);  // first byte of the second chunk
  for (std::size_t pos : positions) {
    std::string damaged = good;
    const auto flip = static_cast<unsigned char>(pos < kFirstChunkOffset ? 0x01 : 1 + rng() % 255);
    damaged[pos] = static_cast<char>(static_cast<unsigned char>(damaged[pos]) ^ flip);
    write_file(bad, damaged);
    expect_unlock_fails(bad, {ErrorCode::DecryptFailed, ErrorCode::Corrupt}, "byte " + std::to_string(pos));
  }
}

TEST_F(Capsule, EveryCutIsCaught) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const std::string good = read_file(capsule_);
  const std::string bad = dir_.file("cut.mv2e");
  std::vector<std::size_t> lengths = {0, 1, 7, 8, 63, 64, 87, 88, 89, good.size() - 1, good.size() - kChunkOverhead};
  for (std::size_t chunk_end = kFirstChunkOffset + kChunkBytes + kChunkOverhead; chunk_end < good.size();
       chunk_end += kChunkBytes + kChunkOverhead)
    lengths.push_back(chunk_end);  // cut exactly between two chunks
  std::mt19937 rng(3);
  for (int i = 0; i < 60; ++i) lengths.push_back(rng() % good.size());
  for (std::size_t len : lengths) {
    write_file(bad, good.substr(0, len));
    expect_unlock_fails(bad, {ErrorCode::DecryptFailed, ErrorCode::Corrupt}, "cut at " + std::to_string(len));
  }
}

TEST_F(Capsule, CutWithAMatchingLengthIsStillCaught) {
  // A forger who drops the last chunk and fixes the length (and so the size check) still
  // changes the authenticated header.
  lock_file(memory_, capsule_, "correct horse", fast());
  std::string c = read_file(capsule_);
  const std::uint64_t plain = load_u64(c, 56);
  const std::uint64_t kept = plain - plain % kChunkBytes;
  ASSERT_GT(kept, 0u);
  const std::uint64_t kept_chunks = kept / kChunkBytes;
  store_u64(c, 56, kept);
  c.resize(kFirstChunkOffset + kept + kept_chunks * kChunkOverhead);
  const std::string bad = dir_.file("forged.mv2e");
  write_file(bad, c);
  expect_unlock_fails(bad, {ErrorCode::DecryptFailed}, "forged length");
}

TEST_F(Capsule, AppendedBytesAreCaught) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const std::string good = read_file(capsule_);
  const std::string bad = dir_.file("long.mv2e");
  for (const std::string& tail : {std::string(1, '\0'), std::string(17, 'x'), good.substr(kFirstChunkOffset, 4096)}) {
    write_file(bad, good + tail);
    expect_unlock_fails(bad, {ErrorCode::DecryptFailed}, "appended " + std::to_string(tail.size()));
  }
}

TEST_F(Capsule, ReorderedChunksAreCaught) {
  lock_file(memory_, capsule_, "correct horse", fast());
  std::string c = read_file(capsule_);
  const std::size_t sealed = kChunkBytes + kChunkOverhead;
  ASSERT_GE(c.size(), kFirstChunkOffset + 3 * sealed);
  const std::string second = c.substr(kFirstChunkOffset + sealed, sealed);
  const std::string third = c.substr(kFirstChunkOffset + 2 * sealed, sealed);
  c.replace(kFirstChunkOffset + sealed, sealed, third);
  c.replace(kFirstChunkOffset + 2 * sealed, sealed, second);
  const std::string bad = dir_.file("swapped.mv2e");
  write_file(bad, c);
  expect_unlock_fails(bad, {ErrorCode::DecryptFailed}, "swapped chunks");
}

TEST_F(Capsule, ForgedKdfCostIsRefusedBeforeKeyDerivation) {
  lock_file(memory_, capsule_, "correct horse", fast());
  const std::string good = read_file(capsule_);
  const std::string bad = dir_.file("costly.mv2e");
  struct Forgery {
    std::size_t offset;
    std::uint64_t value;
  };
  for (const Forgery& f : {Forgery{32, 1ull << 40}, Forgery{32, (4ull << 30) + 1}, Forgery{32, 0}, Forgery{24, 65},
                           Forgery{24, ~0ull}, Forgery{24, 0}}) {
    std::string c = good;
    store_u64(c, f.offset, f.value);
    write_file(bad, c);
    expect_unlock_fails(bad, {ErrorCode::Corrupt}, "offset " + std::to_string(f.offset));
  }
  EXPECT_EQ(error_of([&] {
              CapsuleOptions o = fast();
              o.mem_limit = 1ull << 40;
              lock_file(memory_, dir_.file("x.mv2e"), "correct horse", o);
            }),
            ErrorCode::InvalidArgument);
  EXPECT_FALSE(fs::exists(dir_.file("x.mv2e")));
}

TEST_F(Capsule, ExistingOutputIsKeptUnlessOverwrite) {
  // Without overwrite nothing is replaced; with it, only a file of the kind being written.
  write_file(capsule_, "precious");
  EXPECT_EQ(error_of([&] { lock_file(memory_, capsule_, "correct horse", fast()); }), ErrorCode::AlreadyExists);
  EXPECT_EQ(error_of([&] { lock_file(memory_, capsule_, "correct horse", fast(true)); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(read_file(capsule_), "precious");
  fs::remove(capsule_);
  lock_file(memory_, dir_.file("older.mv2e"), "older", fast());
  fs::rename(dir_.file("older.mv2e"), capsule_);
  lock_file(memory_, capsule_, "correct horse", fast(true));  // a capsule over a capsule

  write_file(restored_, "also precious");
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "correct horse", fast()); }), ErrorCode::AlreadyExists);
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "correct horse", fast(true)); }), ErrorCode::NotAMemory);
  EXPECT_EQ(read_file(restored_), "also precious");
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, memory_ + "e", "correct horse", fast(true)); }),
            ErrorCode::InvalidArgument);  // that is the capsule itself
  fs::copy_file(memory_, restored_, fs::copy_options::overwrite_existing);
  unlock_file(capsule_, restored_, "correct horse", fast(true));  // a memory over a memory
  EXPECT_EQ(read_file(restored_), read_file(memory_));
  EXPECT_EQ(entries(), (std::set<std::string>{"notes.mv2", "notes.mv2e", "restored.mv2"}));
}

TEST_F(Capsule, FailedOverwriteKeepsTheOldOutput) {
  lock_file(memory_, capsule_, "correct horse", fast());
  fs::copy_file(memory_, restored_);
  const std::string old = read_file(restored_);
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "wrong", fast(true)); }), ErrorCode::DecryptFailed);
  EXPECT_EQ(read_file(restored_), old);
}

TEST_F(Capsule, OutputCannotBeTheInput) {
  EXPECT_EQ(error_of([&] { lock_file(memory_, memory_, "correct horse", fast(true)); }), ErrorCode::InvalidArgument);
  lock_file(memory_, capsule_, "correct horse", fast());
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, capsule_, "correct horse", fast(true)); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(read_file(dir_.file("notes.mv2e")).substr(0, 7), "MV2CAPS");
}

TEST_F(Capsule, SourceWithAWriterIsLocked) {
  {
    Memvid writer = Memvid::open(memory_);
    const auto names = entries();
    try {
      lock_file(memory_, capsule_, "correct horse", fast());
      ADD_FAILURE() << "lock_file succeeded while a writer held the memory";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Locked);
      EXPECT_NE(std::string(e.what()).find(memory_), std::string::npos) << e.what();
    }
    EXPECT_EQ(entries(), names);
    writer.close();
  }
  lock_file(memory_, capsule_, "correct horse", fast());
  unlock_file(capsule_, restored_, "correct horse", fast());
  EXPECT_EQ(read_file(restored_), read_file(memory_));
}

TEST_F(Capsule, LockLetsGoOfTheMemory) {
  lock_file(memory_, capsule_, "correct horse", fast());
  Memvid writer = Memvid::open(memory_);
  writer.close();
}

TEST_F(Capsule, ReplacingAMemoryWithAWriterIsLocked) {
  lock_file(memory_, capsule_, "correct horse", fast());
  make_memory(restored_, 1, 100);
  const std::string before = read_file(restored_);
  {
    Memvid writer = Memvid::open(restored_);
    EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "correct horse", fast(true)); }), ErrorCode::Locked);
    writer.close();
  }
  EXPECT_EQ(read_file(restored_), before);
}

TEST_F(Capsule, TwoCapsulesOfOneMemoryDifferButBothOpen) {
  const std::string second = dir_.file("second.mv2e");
  lock_file(memory_, capsule_, "correct horse", fast());
  lock_file(memory_, second, "correct horse", fast());
  const std::string a = read_file(capsule_), b = read_file(second);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a.substr(40, 16), b.substr(40, 16));  // salt
  EXPECT_NE(a.substr(64, 24), b.substr(64, 24));  // stream header (nonce)
  EXPECT_NE(a.substr(kFirstChunkOffset, 4096), b.substr(kFirstChunkOffset, 4096));
  unlock_file(capsule_, restored_, "correct horse", fast());
  EXPECT_EQ(read_file(restored_), read_file(memory_));
  unlock_file(second, restored_, "correct horse", fast(true));
  EXPECT_EQ(read_file(restored_), read_file(memory_));
}

TEST_F(Capsule, OnlyMemoriesAreLocked) {
  const std::string text = dir_.file("notes.txt");
  write_file(text, std::string(10000, 'a'));
  EXPECT_EQ(error_of([&] { lock_file(text, capsule_, "correct horse", fast()); }), ErrorCode::NotAMemory);
  write_file(text, "tiny");
  EXPECT_EQ(error_of([&] { lock_file(text, capsule_, "correct horse", fast()); }), ErrorCode::NotAMemory);
  EXPECT_EQ(error_of([&] { lock_file(dir_.file("missing.mv2"), capsule_, "correct horse", fast()); }),
            ErrorCode::NotFound);
  EXPECT_EQ(error_of([&] { lock_file(memory_, capsule_, "", fast()); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(entries(), (std::set<std::string>{"notes.mv2", "notes.txt"}));
}

TEST_F(Capsule, OnlyCapsulesAreUnlocked) {
  expect_unlock_fails(memory_, {ErrorCode::InvalidArgument}, "a memory");
  expect_unlock_fails(dir_.file("missing.mv2e"), {ErrorCode::NotFound}, "a missing file");
  lock_file(memory_, capsule_, "correct horse", fast());
  EXPECT_EQ(error_of([&] { unlock_file(capsule_, restored_, "", fast()); }), ErrorCode::InvalidArgument);
}

// A write-protected memory cannot take the writer lock (that needs a writable descriptor,
// and memvid writes to no write-protected file, even as root): a shared lock shuts writers out.
TEST_F(Capsule, ReadOnlySourceCanBeLocked) {
  fs::permissions(memory_, fs::perms::owner_read);
  lock_file(memory_, capsule_, "correct horse", fast());
  unlock_file(capsule_, restored_, "correct horse", fast());
  EXPECT_EQ(read_file(restored_), read_file(memory_));
}

}  // namespace
