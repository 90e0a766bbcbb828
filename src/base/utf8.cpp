#include "base/utf8.hpp"

#include "memvid/types.hpp"

namespace memvid::base {
namespace {

// Length of the well-formed sequence at bytes[i], or 0 with `bad` set to how many bytes
// form the maximal invalid prefix to replace by one U+FFFD (at least 1).
std::size_t sequence_at(std::string_view bytes, std::size_t i, std::size_t& bad) noexcept {
  const auto c = static_cast<unsigned char>(bytes[i]);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    bad = 1;  // a stray continuation byte, C0/C1, or F5..FF
    return 0;
  }
  // The maximal subpart: the lead byte plus every following byte that still could have
  // continued a valid sequence.
  std::size_t k = 1;
  for (; k < len && i + k < bytes.size(); ++k) {
    const auto ck = static_cast<unsigned char>(bytes[i + k]);
    const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (ck < l || ck > h) break;
  }
  if (k == len) return len;
  bad = k;
  return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t n = sequence_at(bytes, i, bad);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

RepairedUtf8 repair_utf8(std::string_view bytes) {
  RepairedUtf8 out;
  out.text.reserve(bytes.size());
  std::size_t run = 0;  // start of the current valid run, appended in one piece
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t bad = 0;
    const std::size_t n = sequence_at(bytes, i, bad);
    if (n > 0) {
      i += n;
      continue;
    }
    out.text.append(bytes.substr(run, i - run));
    out.text += "\xEF\xBF\xBD";
    out.invalid_bytes += bad;
    ++out.replacements;
    i += bad;
    run = i;
  }
  out.text.append(bytes.substr(run));
  return out;
}

}  // namespace memvid::base

namespace memvid {

bool is_valid_utf8(std::string_view bytes) noexcept { return base::is_valid_utf8(bytes); }

}  // namespace memvid
