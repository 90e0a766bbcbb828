#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace memvid::format {

// Incremental BLAKE3 hasher (hash, keyed_hash and derive_key modes), written from the
// BLAKE3 specification. Portable C++ (no SIMD needed), but reasonably fast: process whole
// 64-byte blocks without extra copies, use the standard chunk-stack (cv stack) tree algorithm.
class Blake3 {
 public:
  static constexpr std::size_t kKeyLen = 32;
  static constexpr std::size_t kOutLen = 32;

  Blake3();                                                   // plain hash mode
  static Blake3 keyed(const std::array<std::uint8_t, kKeyLen>& key);
  static Blake3 derive_key(std::string_view context);         // KDF mode; then update() with key material

  void update(const void* data, std::size_t len);
  void update(std::span<const std::uint8_t> bytes) { update(bytes.data(), bytes.size()); }

  // Extendable output: writes out_len bytes (any length, including > 32) and does not
  // change the hasher's state, so update() may continue afterwards.
  void finalize(std::uint8_t* out, std::size_t out_len) const;
  std::array<std::uint8_t, kOutLen> finalize() const;

 private:
  using Words8 = std::array<std::uint32_t, 8>;
  static constexpr std::size_t kBlockLen = 64;
  static constexpr std::size_t kChunkLen = 1024;
  // 2^54 chunks of 1 KiB cover the whole 2^64-byte input space, and the stack never
  // holds more entries than the chunk count has set bits.
  static constexpr std::size_t kMaxDepth = 54;

  Blake3(const Words8& key, std::uint32_t flags);

  std::size_t chunk_len() const { return blocks_compressed_ * kBlockLen + buf_len_; }
  void chunk_update(const std::uint8_t* p, std::size_t len);
  void start_next_chunk();
  void push_chunk_cv(Words8 cv, std::uint64_t total_chunks);

  Words8 key_;
  std::uint32_t flags_;

  // The chunk currently being filled. Its final block always stays in buf_ until more
  // input shows up, because only then is it known not to be the root.
  Words8 chunk_cv_;
  std::uint64_t chunk_counter_ = 0;
  std::array<std::uint8_t, kBlockLen> buf_{};
  std::size_t buf_len_ = 0;
  std::size_t blocks_compressed_ = 0;

  // Chaining values of completed subtrees, largest (leftmost) first.
  std::array<Words8, kMaxDepth> cv_stack_{};
  std::size_t cv_stack_len_ = 0;
};

// One-shot convenience.
std::array<std::uint8_t, Blake3::kOutLen> blake3(const void* data, std::size_t len);

}  // namespace memvid::format
