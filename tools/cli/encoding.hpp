#pragma once
// Byte encodings for showing payloads and hashes: frames may hold arbitrary bytes, but JSON
// strings must be UTF-8.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace memvid::cli {

// Well-formed UTF-8 per RFC 3629: no overlong forms, surrogates or code points past U+10FFFF.
bool is_valid_utf8(std::string_view bytes) noexcept;
std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_base64(std::string_view bytes);

}  // namespace memvid::cli
