#pragma once
#include <string_view>

#include "memvid/version.hpp"

namespace memvid::cli {

inline constexpr std::string_view kVersion = memvid::kVersion;

}  // namespace memvid::cli
