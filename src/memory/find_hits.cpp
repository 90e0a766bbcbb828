// Hit assembly for Memvid::find (see memory/find_parts.hpp): a ranked frame's metadata, the
// matched passage's byte range and page, and its highlighted snippet.
#include <algorithm>

#include "index/passages.hpp"
#include "ingest/pages.hpp"
#include "memory/find_parts.hpp"
#include "search/snippet.hpp"
#include "text/text_units.hpp"

namespace memvid::find {

namespace {

// The page of a paged document holding the hit: where its first matched word is (a passage
// may start at the foot of the previous page), else where the passage starts.
std::uint32_t hit_page(std::string_view metadata_json, std::string_view text, const Hit& h,
                       const std::unordered_set<std::string>& terms, const text::Analyzer& analyzer) {
  std::uint64_t at = h.chunk_begin;
  if (ingest::page_at(metadata_json, at) == 0) return 0;
  std::vector<text::Token> tokens;
  analyzer.analyze(text.substr(h.chunk_begin, h.chunk_end - h.chunk_begin), tokens);
  for (const text::Token& t : tokens) {
    if (terms.count(t.term) == 0) continue;
    at = h.chunk_begin + t.begin;
    break;
  }
  return ingest::page_at(metadata_json, at);
}

}  // namespace

Hit assemble_hit(const Memvid::Impl& impl, const Ranked& raw, std::size_t rank,
                 const std::unordered_set<std::string>& terms, std::size_t snippet_chars, TextUnit offset_unit) {
  const store::Store& s = impl.s();
  const format::TocEntry& e = s.entry(raw.frame);
  format::FrameRecord rec = s.read_record(e);
  Hit h;
  h.id = raw.frame;
  h.score = raw.score;
  h.rank = rank;
  h.kind = static_cast<FrameKind>(e.kind);
  h.timestamp_ms = e.timestamp_ms;
  h.title = rec.meta.title;
  h.uri = rec.meta.uri;
  h.tags = rec.meta.tags;
  h.labels = rec.meta.labels;
  h.chunk = raw.chunk;
  h.chunk_count = raw.chunk_count;
  h.lexical_match = raw.lexical;
  h.semantic_match = raw.semantic;
  h.lexical_score = raw.lexical_score;
  h.semantic_score = raw.semantic_score;
  h.duplicate_ids = raw.duplicate_ids;
  h.duplicates = static_cast<std::uint32_t>(h.duplicate_ids.size());
  auto payload = format::frame_payload(rec, e.record_offset);
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  // Chunking is deterministic, so the chunk's byte range is found again from the text.
  auto chunks = index::passages(text, impl.index->settings(), rec.meta.chunk_bytes, rec.meta.chunk_overlap);
  if (!raw.lexical) h.chunk_count = static_cast<std::uint32_t>(std::max<std::size_t>(1, chunks.size()));
  if (!chunks.empty()) {
    const auto& c = chunks[std::min<std::size_t>(raw.chunk, chunks.size() - 1)];
    h.chunk_begin = c.begin;
    h.chunk_end = c.end;
  }
  h.page = hit_page(rec.meta.metadata_json, text, h, terms, impl.index->analyzer());
  if (snippet_chars > 0) {
    search::Snippet sn = search::make_snippet(text, static_cast<std::uint32_t>(h.chunk_begin),
                                              static_cast<std::uint32_t>(h.chunk_end), terms,
                                              impl.index->analyzer(), snippet_chars);
    h.snippet = std::move(sn.text);
    for (const auto& [b, en] : sn.highlights) h.highlights.push_back({b, en});
  }
  if (offset_unit != TextUnit::Utf8Bytes) {
    const std::uint64_t begin = text::units_in(text.substr(0, h.chunk_begin), offset_unit);
    h.chunk_end = begin + text::units_in(text.substr(h.chunk_begin, h.chunk_end - h.chunk_begin), offset_unit);
    h.chunk_begin = begin;
  }
  return h;
}

}  // namespace memvid::find
