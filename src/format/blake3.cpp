// BLAKE3 cryptographic hash (hash, keyed_hash, derive_key; extendable output), portable
// scalar implementation written from the specification: J. O'Connor, J.-P. Aumasson,
// S. Neves, Z. Wilcox-O'Hearn, "BLAKE3: one function, fast everywhere" (2020),
// https://github.com/BLAKE3-team/BLAKE3-specs/blob/master/blake3.pdf
#include "format/blake3.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace memvid::format {
namespace {

using Words8 = std::array<std::uint32_t, 8>;
using Words16 = std::array<std::uint32_t, 16>;

constexpr std::size_t kBlockLen = 64;
constexpr std::size_t kChunkLen = 1024;
constexpr std::size_t kBlocksPerChunk = kChunkLen / kBlockLen;

// Domain-separation flags, one bit each, OR-ed into the last compression word.
constexpr std::uint32_t kChunkStart = 1u << 0;
constexpr std::uint32_t kChunkEnd = 1u << 1;
constexpr std::uint32_t kParent = 1u << 2;
constexpr std::uint32_t kRoot = 1u << 3;
constexpr std::uint32_t kKeyedHash = 1u << 4;
constexpr std::uint32_t kDeriveKeyContext = 1u << 5;
constexpr std::uint32_t kDeriveKeyMaterial = 1u << 6;

// The spec reuses the SHA-256 IV (as BLAKE2s does).
constexpr Words8 kIv = {0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au,
                        0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u};

constexpr std::size_t kRounds = 7;

// Without forcing, GCC keeps the round as an out-of-line call and spills the state to
// memory on every round, costing about a third of the throughput.
#if defined(__GNUC__)
#define MEMVID_BLAKE3_HOT [[gnu::always_inline]] inline
#else
#define MEMVID_BLAKE3_HOT inline
#endif

// The spec permutes the message words between rounds. Composing the permutation ahead of
// time lets each round read the original block directly instead of shuffling 16 words.
constexpr std::array<std::array<std::uint8_t, 16>, kRounds> make_schedule() {
  constexpr std::array<std::uint8_t, 16> kPermutation = {2, 6,  3,  10, 7, 0,  4,  13,
                                                         1, 11, 12, 5,  9, 14, 15, 8};
  std::array<std::array<std::uint8_t, 16>, kRounds> s{};
  for (std::uint8_t i = 0; i < 16; ++i) s[0][i] = i;
  for (std::size_t r = 1; r < kRounds; ++r) {
    for (std::size_t i = 0; i < 16; ++i) s[r][i] = s[r - 1][kPermutation[i]];
  }
  return s;
}
constexpr auto kSchedule = make_schedule();

// Shift-or keeps this correct on big-endian hosts; compilers lower it to a plain load.
inline std::uint32_t load_le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

inline void store_le32(std::uint8_t* p, std::uint32_t w) {
  p[0] = static_cast<std::uint8_t>(w);
  p[1] = static_cast<std::uint8_t>(w >> 8);
  p[2] = static_cast<std::uint8_t>(w >> 16);
  p[3] = static_cast<std::uint8_t>(w >> 24);
}

inline Words16 load_block(const std::uint8_t* p) {
  Words16 m;
  for (std::size_t i = 0; i < 16; ++i) m[i] = load_le32(p + 4 * i);
  return m;
}

inline Words8 load_key(const std::uint8_t* p) {
  Words8 k;
  for (std::size_t i = 0; i < 8; ++i) k[i] = load_le32(p + 4 * i);
  return k;
}

MEMVID_BLAKE3_HOT void g(Words16& v, std::size_t a, std::size_t b, std::size_t c,
                         std::size_t d, std::uint32_t mx, std::uint32_t my) {
  v[a] = v[a] + v[b] + mx;
  v[d] = std::rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 12);
  v[a] = v[a] + v[b] + my;
  v[d] = std::rotr(v[d] ^ v[a], 8);
  v[c] = v[c] + v[d];
  v[b] = std::rotr(v[b] ^ v[c], 7);
}

MEMVID_BLAKE3_HOT void round_fn(Words16& v, const Words16& m,
                                const std::array<std::uint8_t, 16>& s) {
  // Columns, then diagonals.
  g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
  g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
  g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
  g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
  g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
  g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
  g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
  g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
}

// The 16-word state after the 7 rounds, before the final feed-forward.
MEMVID_BLAKE3_HOT Words16 permute_state(const Words8& cv, const Words16& m,
                                        std::uint64_t counter, std::uint32_t block_len,
                                        std::uint32_t flags) {
  Words16 v = {cv[0],  cv[1],  cv[2],  cv[3],  cv[4],
               cv[5],  cv[6],  cv[7],  kIv[0], kIv[1],
               kIv[2], kIv[3], static_cast<std::uint32_t>(counter),
               static_cast<std::uint32_t>(counter >> 32), block_len, flags};
  round_fn(v, m, kSchedule[0]);
  round_fn(v, m, kSchedule[1]);
  round_fn(v, m, kSchedule[2]);
  round_fn(v, m, kSchedule[3]);
  round_fn(v, m, kSchedule[4]);
  round_fn(v, m, kSchedule[5]);
  round_fn(v, m, kSchedule[6]);
  return v;
}

// Chaining-value form: only the first 8 output words are needed.
inline void compress_in_place(Words8& cv, const Words16& m, std::uint64_t counter,
                              std::uint32_t block_len, std::uint32_t flags) {
  const Words16 v = permute_state(cv, m, counter, block_len, flags);
  for (std::size_t i = 0; i < 8; ++i) cv[i] = v[i] ^ v[i + 8];
}

// Full 64-byte form, needed only for root output blocks (extendable output).
inline Words16 compress_xof(const Words8& cv, const Words16& m, std::uint64_t counter,
                            std::uint32_t block_len, std::uint32_t flags) {
  Words16 v = permute_state(cv, m, counter, block_len, flags);
  for (std::size_t i = 0; i < 8; ++i) {
    v[i] ^= v[i + 8];
    v[i + 8] ^= cv[i];
  }
  return v;
}

// A compression whose inputs are fixed but whose use (chaining value of a non-root node,
// or root output with the ROOT flag) is not yet known: that depends on whether more
// input follows, which is only decided at finalize time.
struct PendingNode {
  Words8 input_cv;
  Words16 block;
  std::uint64_t counter;
  std::uint32_t block_len;
  std::uint32_t flags;

  Words8 chaining_value() const {
    Words8 cv = input_cv;
    compress_in_place(cv, block, counter, block_len, flags);
    return cv;
  }

  void root_bytes(std::uint8_t* out, std::size_t out_len) const {
    // For root output the counter word is the index of the 64-byte output block, which is
    // what makes arbitrarily long output (and seeking within it) possible.
    std::uint64_t output_block = 0;
    while (out_len > 0) {
      const Words16 words = compress_xof(input_cv, block, output_block, block_len, flags | kRoot);
      std::array<std::uint8_t, kBlockLen> bytes;
      for (std::size_t i = 0; i < 16; ++i) store_le32(bytes.data() + 4 * i, words[i]);
      const std::size_t n = std::min(out_len, kBlockLen);
      std::memcpy(out, bytes.data(), n);
      out += n;
      out_len -= n;
      ++output_block;
    }
  }
};

PendingNode parent_node(const Words8& left, const Words8& right, const Words8& key,
                        std::uint32_t flags) {
  PendingNode node{key, {}, 0, static_cast<std::uint32_t>(kBlockLen), flags | kParent};
  std::copy(left.begin(), left.end(), node.block.begin());
  std::copy(right.begin(), right.end(), node.block.begin() + 8);
  return node;
}

#undef MEMVID_BLAKE3_HOT

}  // namespace

Blake3::Blake3() : Blake3(kIv, 0) {}

Blake3::Blake3(const Words8& key, std::uint32_t flags)
    : key_(key), flags_(flags), chunk_cv_(key) {}

Blake3 Blake3::keyed(const std::array<std::uint8_t, kKeyLen>& key) {
  return Blake3(load_key(key.data()), kKeyedHash);
}

Blake3 Blake3::derive_key(std::string_view context) {
  // The context string is hashed on its own (its own flag) to form the key for the
  // material, so different contexts give unrelated keys even for identical material.
  Blake3 context_hasher(kIv, kDeriveKeyContext);
  context_hasher.update(context.data(), context.size());
  const auto context_key = context_hasher.finalize();
  return Blake3(load_key(context_key.data()), kDeriveKeyMaterial);
}

void Blake3::start_next_chunk() {
  chunk_cv_ = key_;
  ++chunk_counter_;
  buf_len_ = 0;
  blocks_compressed_ = 0;
}

void Blake3::push_chunk_cv(Words8 cv, std::uint64_t total_chunks) {
  // Each trailing zero bit of the chunk count marks a subtree that this chunk just
  // completed. Merging eagerly is safe because callers only push when more input is
  // already known to follow, so none of these parents can be the root.
  while ((total_chunks & 1) == 0) {
    --cv_stack_len_;
    cv = parent_node(cv_stack_[cv_stack_len_], cv, key_, flags_).chaining_value();
    total_chunks >>= 1;
  }
  cv_stack_[cv_stack_len_] = cv;
  ++cv_stack_len_;
}

// Requires 0 < len <= kChunkLen - chunk_len().
void Blake3::chunk_update(const std::uint8_t* p, std::size_t len) {
  const auto compress_next = [this](const std::uint8_t* block) {
    const std::uint32_t start = blocks_compressed_ == 0 ? kChunkStart : 0;
    compress_in_place(chunk_cv_, load_block(block), chunk_counter_,
                      static_cast<std::uint32_t>(kBlockLen), flags_ | start);
    ++blocks_compressed_;
  };

  if (buf_len_ > 0) {
    const std::size_t take = std::min(kBlockLen - buf_len_, len);
    std::memcpy(buf_.data() + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    len -= take;
    if (len == 0) return;
    compress_next(buf_.data());
    buf_len_ = 0;
  }
  // Strictly greater: the chunk's last block must stay buffered (see header).
  while (len > kBlockLen) {
    compress_next(p);
    p += kBlockLen;
    len -= kBlockLen;
  }
  std::memcpy(buf_.data(), p, len);
  buf_len_ = len;
}

void Blake3::update(const void* data, std::size_t len) {
  if (len == 0) return;  // also keeps a null data pointer away from memcpy
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (len > 0) {
    if (chunk_len() == kChunkLen) {
      // More input is here, so the full chunk is not the root and can be closed.
      const Words16 last = load_block(buf_.data());
      const std::uint32_t start = blocks_compressed_ == 0 ? kChunkStart : 0;
      compress_in_place(chunk_cv_, last, chunk_counter_, static_cast<std::uint32_t>(kBlockLen),
                        flags_ | start | kChunkEnd);
      push_chunk_cv(chunk_cv_, chunk_counter_ + 1);
      start_next_chunk();
    }
    if (chunk_len() == 0 && len > kChunkLen) {
      // Whole chunk straight from the caller's buffer, never touching buf_. It cannot be
      // the root because at least one more byte follows it.
      Words8 cv = key_;
      for (std::size_t b = 0; b < kBlocksPerChunk; ++b) {
        std::uint32_t f = flags_;
        if (b == 0) f |= kChunkStart;
        if (b == kBlocksPerChunk - 1) f |= kChunkEnd;
        compress_in_place(cv, load_block(p + b * kBlockLen), chunk_counter_,
                          static_cast<std::uint32_t>(kBlockLen), f);
      }
      push_chunk_cv(cv, chunk_counter_ + 1);
      ++chunk_counter_;
      p += kChunkLen;
      len -= kChunkLen;
      continue;
    }
    const std::size_t take = std::min(kChunkLen - chunk_len(), len);
    chunk_update(p, take);
    p += take;
    len -= take;
  }
}

void Blake3::finalize(std::uint8_t* out, std::size_t out_len) const {
  // The buffered tail (zero-padded, possibly empty) ends the current chunk.
  std::array<std::uint8_t, kBlockLen> padded{};
  std::memcpy(padded.data(), buf_.data(), buf_len_);
  const std::uint32_t start = blocks_compressed_ == 0 ? kChunkStart : 0;
  PendingNode node{chunk_cv_, load_block(padded.data()), chunk_counter_,
                   static_cast<std::uint32_t>(buf_len_), flags_ | start | kChunkEnd};
  // Fold the stack right to left; whatever node remains last is the root.
  for (std::size_t i = cv_stack_len_; i-- > 0;) {
    node = parent_node(cv_stack_[i], node.chaining_value(), key_, flags_);
  }
  node.root_bytes(out, out_len);
}

std::array<std::uint8_t, Blake3::kOutLen> Blake3::finalize() const {
  std::array<std::uint8_t, kOutLen> out;
  finalize(out.data(), out.size());
  return out;
}

std::array<std::uint8_t, Blake3::kOutLen> blake3(const void* data, std::size_t len) {
  Blake3 h;
  h.update(data, len);
  return h.finalize();
}

}  // namespace memvid::format
