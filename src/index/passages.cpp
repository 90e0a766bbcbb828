#include "index/passages.hpp"

#include "memvid/types.hpp"

namespace memvid::index {

bool has_passages(std::uint8_t kind) { return kind != static_cast<std::uint8_t>(FrameKind::Binary); }

text::ChunkOptions passage_options(const IndexSettings& settings, std::optional<std::uint32_t> frame_bytes,
                                   std::optional<std::uint32_t> frame_overlap) {
  text::ChunkOptions o;
  o.target_bytes = frame_bytes.value_or(settings.chunk_bytes);
  o.overlap_bytes = frame_overlap.value_or(settings.chunk_overlap);
  return o;
}

std::vector<text::ChunkRange> passages(std::string_view text, const IndexSettings& settings,
                                       std::optional<std::uint32_t> frame_bytes, std::optional<std::uint32_t> frame_overlap) {
  return text::chunk_text(text, passage_options(settings, frame_bytes, frame_overlap));
}

}  // namespace memvid::index
