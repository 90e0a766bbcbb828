#pragma once
// Merging lexical segments: one segment holding the live documents of several, with the
// postings of deleted and superseded frames left out (that is where they are purged).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "index/lex/lex_segment.hpp"

namespace memvid::index {

// inputs in frame order (each covers later frames than the one before).
std::vector<std::uint8_t> merge_lex_segments(std::span<const std::shared_ptr<const LexSegment>> inputs,
                                             const std::function<bool(std::uint64_t frame_id)>& live);

}  // namespace memvid::index
