#pragma once
// Frames' metadata objects, parsed once per handle for `meta.` clauses and `where` filters.
// A frame's record never changes, so an entry stays right for the handle's life (a rewrite
// onto a new file starts a new cache: Impl::attach).
#include <cstdint>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace memvid {

struct MetadataCache {
  std::unordered_map<std::uint64_t, nlohmann::json> by_frame;
};

}  // namespace memvid
