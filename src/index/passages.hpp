#pragma once
// A frame's passages: the byte ranges of its text that the index holds as documents, that a
// hit names, and that verify counts. One splitter, so that every part of the system cuts a
// text the same way: the memory's chunk settings, or the frame's own when it has them.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "index/index_manifest.hpp"
#include "text/chunker.hpp"

namespace memvid::index {

// Which kinds of frames have text to cut (every kind but Binary).
bool has_passages(std::uint8_t kind);

// The chunker's options for a frame: the settings, overridden by the frame's own.
text::ChunkOptions passage_options(const IndexSettings& settings, std::optional<std::uint32_t> frame_bytes,
                                   std::optional<std::uint32_t> frame_overlap);

std::vector<text::ChunkRange> passages(std::string_view text, const IndexSettings& settings,
                                       std::optional<std::uint32_t> frame_bytes, std::optional<std::uint32_t> frame_overlap);

}  // namespace memvid::index
