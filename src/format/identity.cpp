#include "format/identity.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "format/layout.hpp"

namespace memvid::format {

namespace {

bool starts_with(std::span<const std::uint8_t> head, std::string_view magic, std::size_t at = 0) {
  return head.size() >= at + magic.size() && std::memcmp(head.data() + at, magic.data(), magic.size()) == 0;
}

// The first bytes, quoted; with printable_only, up to the first byte that is not printable.
std::string quoted_start(std::span<const std::uint8_t> head, bool printable_only = false) {
  std::string out = "\"";
  for (std::size_t i = 0; i < head.size() && i < 16; ++i) {
    const unsigned char c = head[i];
    if (printable_only && (c < 0x20 || c >= 0x7f)) break;
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "\"";
}

}  // namespace

FileKind identify(std::span<const std::uint8_t> head, std::uint64_t size) noexcept {
  if (size == 0) return FileKind::Empty;
  const std::string_view header(kHeaderMagic, sizeof kHeaderMagic);
  if (starts_with(head, header, kHeaderSlotOffset[0]) || starts_with(head, header, kHeaderSlotOffset[1]))
    return FileKind::Memory;
  if (starts_with(head, std::string_view(kCapsuleMagic, sizeof kCapsuleMagic))) return FileKind::Capsule;
  return FileKind::Foreign;
}

std::string describe_foreign(std::span<const std::uint8_t> head) {
  struct Known {
    std::string_view magic;
    const char* what;
  };
  static constexpr Known kKnown[] = {
      {"%PDF-", "a PDF document"},
      {std::string_view("SQLite format 3\0", 16), "an SQLite database"},
      {"PK\x03\x04", "a ZIP archive"},
      {"\x1f\x8b", "gzip-compressed data"},
      {"\x28\xb5\x2f\xfd", "zstd-compressed data"},
      {"\x7f" "ELF", "an executable (ELF)"},
      {"\x89PNG", "a PNG image"},
      {"\xff\xd8\xff", "a JPEG image"},
      {"MVEMBED", "a memvid embedding model"},
      {"{", "JSON or text"},
      {"<", "HTML, XML or text"},
  };
  for (const Known& k : kKnown)
    if (starts_with(head, k.magic)) {
      const std::string start = quoted_start(head, true);
      return std::string(k.what) + (start.size() > 2 ? ", starting " + start : "");
    }
  if (std::all_of(head.begin(), head.end(), [](std::uint8_t b) { return b == 0; })) return "zeros";
  const auto printable = std::count_if(head.begin(), head.end(), [](std::uint8_t b) {
    return b == '\n' || b == '\r' || b == '\t' || b >= 0x20;
  });
  if (static_cast<std::size_t>(printable) == head.size()) return "text, starting " + quoted_start(head);
  return "data starting " + quoted_start(head);
}

Error not_a_memory(const std::string& path, FileKind kind, std::span<const std::uint8_t> head, std::uint64_t size) {
  switch (kind) {
    case FileKind::Capsule:
      return Error(ErrorCode::Encrypted, path + " is an encrypted memvid capsule, not a memory: run `memvid unlock " +
                                             path + "` to decrypt it (nothing was changed)");
    case FileKind::Empty:
      return Error(ErrorCode::NotAMemory, path + " is empty (0 bytes), not a memvid memory (nothing was changed)");
    case FileKind::Memory:
    case FileKind::Foreign: break;
  }
  const std::string what = describe_foreign(head);
  std::string message = path + " is not a memvid memory: it has no memvid header at offset 0 or 512 (" +
                        std::to_string(size) + " bytes of " + what + "); nothing was changed";
  // A memory whose first sector was wiped reads as zeros: doctor can look for its commits.
  if (what == "zeros" && size > kHeaderPageSize)
    message += ". If it is a memory whose header page was overwritten, `memvid doctor " + path +
               " --plan-only` looks for its intact commits";
  return Error(ErrorCode::NotAMemory, message);
}

}  // namespace memvid::format
