// frame_metadata (memory/find_parts.hpp): frames' metadata objects, parsed once per handle.
#include "memory/find_parts.hpp"

namespace memvid::find {

namespace {
// A bound on the cache: past it the cache starts again rather than grow with the memory.
constexpr std::size_t kMaxCachedFrames = 262144;
}  // namespace

const nlohmann::json& frame_metadata(const Memvid::Impl& impl, std::uint64_t frame) {
  auto& cache = impl.metadata_cache.by_frame;
  if (auto it = cache.find(frame); it != cache.end()) return it->second;
  if (cache.size() >= kMaxCachedFrames) cache.clear();
  const store::Store& s = impl.s();
  nlohmann::json parsed = nlohmann::json::object();
  if (frame < s.frame_count()) {
    const format::TocEntry& e = s.entry(frame);
    if (!e.record_removed()) {
      const std::string text = s.read_record(e).meta.metadata_json;
      if (!text.empty()) {
        parsed = nlohmann::json::parse(text, nullptr, false);
        if (!parsed.is_object()) parsed = nlohmann::json::object();
      }
    }
  }
  return cache.emplace(frame, std::move(parsed)).first->second;
}

}  // namespace memvid::find
