#include "integrity/memory_evidence.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "format/checksum.hpp"
#include "format/identity.hpp"
#include "format/layout.hpp"
#include "io/identify.hpp"
#include "io/read_exact.hpp"

namespace memvid::integrity {

namespace {

constexpr std::uint64_t kScanChunk = 16u << 20;

std::optional<FoundCommit> read_commit(File& file, std::uint64_t footer_offset, std::uint64_t size) {
  if (size - footer_offset < format::Footer::kEncodedSize) return std::nullopt;
  FoundCommit c;
  c.footer_offset = footer_offset;
  auto fb = io::read_bytes(file, footer_offset, format::Footer::kEncodedSize, "footer");
  std::copy(fb.begin(), fb.end(), c.footer_bytes.begin());
  auto footer = format::Footer::decode(fb);
  if (!footer || footer->toc_length > footer_offset || footer->toc_offset != footer_offset - footer->toc_length ||
      footer->toc_offset < format::kWalOffset)
    return std::nullopt;
  c.footer = *footer;
  try {
    auto toc = io::read_bytes(file, footer->toc_offset, footer->toc_length, "TOC");
    if (format::checksum16(toc) != footer->toc_hash) return std::nullopt;
    c.manifest = format::Manifest::decode(toc, footer->toc_offset, size);
  } catch (const Error&) {
    return std::nullopt;
  }
  if (c.manifest.generation != footer->generation) return std::nullopt;
  return c;
}

}  // namespace

std::vector<std::uint64_t> find_magic(File& file, std::uint64_t from, std::uint64_t size, std::string_view magic) {
  std::vector<std::uint64_t> hits;
  for (std::uint64_t at = from; at < size;) {
    const std::uint64_t len = std::min(kScanChunk + magic.size() - 1, size - at);
    auto bytes = io::read_bytes(file, at, len, "memory bytes");
    const auto* p = bytes.data();
    const auto* end = p + bytes.size();
    while (true) {
      const void* m = memmem(p, static_cast<std::size_t>(end - p), magic.data(), magic.size());
      if (!m) break;
      const auto* q = static_cast<const std::uint8_t*>(m);
      const std::uint64_t off = at + static_cast<std::uint64_t>(q - bytes.data());
      if (off < at + kScanChunk) hits.push_back(off);  // the overlap belongs to the next chunk
      p = q + 1;
    }
    at += kScanChunk;
  }
  return hits;
}

std::vector<FoundCommit> scan_commits(File& file, std::uint64_t from, std::uint64_t size, bool stop_at_first) {
  std::vector<FoundCommit> out;
  for (std::uint64_t off : find_magic(file, from, size, std::string_view("MV2FOOT\0", 8))) {
    if (auto c = read_commit(file, off, size)) {
      out.push_back(std::move(*c));
      if (stop_at_first) break;
    }
  }
  return out;
}

void require_memory_evidence(File& file, const std::string& path) {
  const io::Identified id = io::identify_file(file);
  if (id.kind == format::FileKind::Memory) return;
  if (id.kind == format::FileKind::Foreign && !scan_commits(file, format::kWalOffset, id.size, true).empty()) return;
  throw format::not_a_memory(path, id.kind, id.head, id.size);
}

}  // namespace memvid::integrity
