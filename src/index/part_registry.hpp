#pragma once
// Every kind of index part a memory carries, in the order segments list them.
#include <string>
#include <vector>

#include "index/index_part.hpp"

namespace memvid::index {

const std::vector<const PartKind*>& part_kinds();
const PartKind* find_part_kind(PartTag tag);

// Adds a kind after the built-in ones, and takes it away again: for tests that prove the seam
// (a kind shipped with the library is listed in part_registry.cpp). No memory may be open
// meanwhile: its index holds one live part per kind registered when it opened.
void register_part_kind(const PartKind* kind);
void unregister_part_kind(const PartKind* kind);

// Why a segment's parts do not fit the registered kinds (an unknown or repeated tag, a
// missing part every segment needs, a reference its kind refuses), or "".
std::string check_segment_parts(const IndexSegmentRef& segment, const IndexSettings& settings);

}  // namespace memvid::index
