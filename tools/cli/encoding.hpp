#pragma once
// Byte encodings for showing payloads and hashes: frames may hold arbitrary bytes, but JSON
// strings must be UTF-8.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace memvid::cli {

std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_base64(std::string_view bytes);

}  // namespace memvid::cli
