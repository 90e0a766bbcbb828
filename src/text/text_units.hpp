#pragma once
// Offsets into UTF-8 text re-expressed in another language's string unit (memvid::TextUnit):
// code points for Python, UTF-16 code units for JavaScript. A byte that does not start a
// whole, well-formed sequence counts as one unit, as the SDKs' decoders put one U+FFFD for it.
#include <cstdint>
#include <string_view>

#include "memvid/types.hpp"

namespace memvid::text {

// How many units of `unit` the text holds.
std::uint64_t units_in(std::string_view s, TextUnit unit);

}  // namespace memvid::text
