#pragma once
// Paged documents (PDFs) keep where each page begins in their metadata, as
// "page_starts": [0, 1834, 4410, ...] (byte offsets into the text), so that a search hit or an
// ask citation can name the page its passage comes from.
#include <cstdint>
#include <string_view>

namespace memvid::ingest {

inline constexpr std::string_view kPageStartsKey = "page_starts";

// The 1-based page holding byte `offset` of the text, or 0 when the metadata has no usable
// page_starts (absent, not an array of ascending numbers, or not JSON at all).
std::uint32_t page_at(std::string_view metadata_json, std::uint64_t offset);

}  // namespace memvid::ingest
