#include "format/compression.hpp"

#include <zstd.h>

#include <string>

#include "memvid/error.hpp"

namespace memvid::format {
namespace {
constexpr int kLevel = 3;
// Below this, the zstd frame header alone eats any saving.
constexpr std::size_t kMinCompressible = 64;

// Creating a zstd context costs more than compressing a small document, so each thread
// keeps one of each kind for its lifetime.
struct Contexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  Contexts() = default;
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;
  ~Contexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};

Contexts& contexts() {
  thread_local Contexts ctx;
  if (!ctx.c || !ctx.d) throw Error(ErrorCode::Io, "zstd: cannot allocate a context");
  return ctx;
}
}  // namespace

std::optional<std::vector<std::uint8_t>> compress_if_smaller(std::span<const std::uint8_t> raw) {
  if (raw.size() < kMinCompressible) return std::nullopt;
  std::vector<std::uint8_t> out(ZSTD_compressBound(raw.size()));
  std::size_t n = ZSTD_compressCCtx(contexts().c, out.data(), out.size(), raw.data(), raw.size(), kLevel);
  if (ZSTD_isError(n) || n >= raw.size()) return std::nullopt;
  out.resize(n);
  return out;
}

std::vector<std::uint8_t> decompress_exact(std::span<const std::uint8_t> packed, std::uint64_t raw_length,
                                           std::uint64_t file_offset) {
  auto fail = [&](const std::string& why) -> Error {
    return Error(ErrorCode::Corrupt, "frame record at file offset " + std::to_string(file_offset) + ": " + why);
  };
  unsigned long long declared = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN || declared != raw_length)
    throw fail("zstd frame does not declare the expected " + std::to_string(raw_length) + " bytes");
  std::vector<std::uint8_t> out(raw_length);
  std::size_t n = ZSTD_decompressDCtx(contexts().d, out.data(), out.size(), packed.data(), packed.size());
  if (ZSTD_isError(n)) throw fail(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != raw_length) throw fail("zstd produced " + std::to_string(n) + " bytes, expected " + std::to_string(raw_length));
  return out;
}

}  // namespace memvid::format
