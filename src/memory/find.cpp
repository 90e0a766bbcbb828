// Memvid::find: parses the query, runs the lexical engine, and turns ranked frame ids into
// hits with metadata and highlighted snippets.
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "format/blake3.hpp"
#include "format/bytes.hpp"
#include "memory/memvid_impl.hpp"
#include "search/query.hpp"
#include "search/snippet.hpp"
#include "text/chunker.hpp"

namespace memvid {

namespace {

constexpr std::size_t kMaxK = 10000;
constexpr std::size_t kMaxOffset = 100000;
constexpr std::size_t kMaxSnippetChars = 100000;

// A cursor names the last hit of a page (its rank key and rank) and the query it belongs to,
// so it cannot be replayed against another query by mistake.
std::string query_fingerprint(std::string_view query, const FindOptions& o) {
  format::Blake3 h;
  h.update(query.data(), query.size());
  const std::string extra = std::string(o.collapse_chunks ? "c" : "n") + "|" + o.scope + "|" +
                            std::to_string(o.title_weight) + "|" +
                            (o.as_of_frame ? std::to_string(*o.as_of_frame) : "") + "|" +
                            (o.as_of_ms ? std::to_string(*o.as_of_ms) : "");
  h.update(extra.data(), extra.size());
  std::uint8_t out[6];
  h.finalize(out, sizeof out);
  char hex[13];
  for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", out[i]);
  return std::string(hex, 12);
}

std::string encode_cursor(const search::RankKey& key, std::size_t rank, const std::string& fingerprint) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "c1.%016llx.%llu.%u.%zu.", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(key.score)),
                static_cast<unsigned long long>(key.frame), key.chunk, rank);
  return buf + fingerprint;
}

struct DecodedCursor {
  search::RankKey key;
  std::size_t rank = 0;
};

DecodedCursor decode_cursor(const std::string& cursor, const std::string& fingerprint) {
  const Error bad(ErrorCode::InvalidArgument, "invalid cursor '" + cursor.substr(0, 80) +
                                                  "': pass next_cursor from a previous find with the same query");
  unsigned long long bits = 0, frame = 0;
  unsigned chunk = 0;
  std::size_t rank = 0;
  char fp[32] = {0};
  int consumed = 0;
  if (cursor.size() > 100 ||
      std::sscanf(cursor.c_str(), "c1.%16llx.%llu.%u.%zu.%12[0-9a-f]%n", &bits, &frame, &chunk, &rank, fp, &consumed) != 5 ||
      static_cast<std::size_t>(consumed) != cursor.size())
    throw bad;
  if (fingerprint != fp)
    throw Error(ErrorCode::InvalidArgument, "the cursor belongs to a different query or options; start again without it");
  DecodedCursor d;
  d.key.score = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
  d.key.frame = frame;
  d.key.chunk = chunk;
  d.rank = rank;
  return d;
}

}  // namespace

FindResult Memvid::find(std::string_view query, const FindOptions& options) const {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(impl_->mu);
  const store::Store& s = impl_->s();
  if (options.k > kMaxK) throw Error(ErrorCode::InvalidArgument, "k must be at most " + std::to_string(kMaxK));
  if (options.offset > kMaxOffset)
    throw Error(ErrorCode::InvalidArgument, "offset must be at most " + std::to_string(kMaxOffset) + " (use the cursor)");
  if (options.snippet_chars > kMaxSnippetChars)
    throw Error(ErrorCode::InvalidArgument, "snippet_chars must be at most " + std::to_string(kMaxSnippetChars));
  if (!(options.title_weight >= 0 && options.title_weight <= 100))
    throw Error(ErrorCode::InvalidArgument, "title_weight must be between 0 and 100");

  FindResult result;
  result.mode_used = SearchMode::Lex;
  if (options.mode == SearchMode::Sem) {
    throw Error(ErrorCode::InvalidArgument,
                "mode 'sem' needs a vector index, which this version does not build yet; use mode 'lex' or 'auto'");
  }
  if (options.mode == SearchMode::Auto) result.note = "auto: this memory has no vector index, so lexical search was used";

  search::Query parsed = search::parse_query(query);
  const std::string fingerprint = query_fingerprint(query, options);
  search::SearchRequest req;
  req.root = parsed.root.get();
  req.k = options.k;
  req.offset = options.offset;
  req.collapse_chunks = options.collapse_chunks;
  req.title_weight = options.title_weight;
  req.scope = options.scope;
  req.as_of_frame = options.as_of_frame;
  req.as_of_ms = options.as_of_ms;
  std::size_t base_rank = options.offset;
  if (!options.cursor.empty()) {
    DecodedCursor c = decode_cursor(options.cursor, fingerprint);
    req.after = c.key;
    base_rank = c.rank;
  }

  search::FrameFacts facts;
  facts.live = [&](std::uint64_t f) { return s.entry(f).status == static_cast<std::uint8_t>(FrameStatus::Active); };
  facts.timestamp = [&](std::uint64_t f) { return s.entry(f).timestamp_ms; };
  facts.change_counter = s.change_counter();
  search::SearchResult found = impl_->searcher.search(*impl_->index, facts, req);

  const std::unordered_set<std::string> terms(found.match_terms.begin(), found.match_terms.end());
  for (std::size_t i = 0; i < found.hits.size(); ++i) {
    const search::RawHit& raw = found.hits[i];
    const format::TocEntry& e = s.entry(raw.frame);
    format::FrameRecord rec = s.read_record(e);
    Hit h;
    h.id = raw.frame;
    h.score = raw.score;
    h.rank = base_rank + i + 1;
    h.kind = static_cast<FrameKind>(e.kind);
    h.timestamp_ms = e.timestamp_ms;
    h.title = rec.meta.title;
    h.uri = rec.meta.uri;
    h.tags = rec.meta.tags;
    h.labels = rec.meta.labels;
    h.chunk = raw.chunk;
    h.chunk_count = raw.chunk_count;
    auto payload = format::frame_payload(rec, e.record_offset);
    const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
    // Chunking is deterministic, so the chunk's byte range is found again from the text.
    auto chunks = text::chunk_text(text, impl_->index->chunk_options());
    if (!chunks.empty()) {
      const auto& c = chunks[std::min<std::size_t>(raw.chunk, chunks.size() - 1)];
      h.chunk_begin = c.begin;
      h.chunk_end = c.end;
    }
    if (options.snippet_chars > 0) {
      search::Snippet sn = search::make_snippet(text, static_cast<std::uint32_t>(h.chunk_begin),
                                                static_cast<std::uint32_t>(h.chunk_end), terms,
                                                impl_->index->analyzer(), options.snippet_chars);
      h.snippet = std::move(sn.text);
      for (const auto& [b, en] : sn.highlights) h.highlights.push_back({b, en});
    }
    result.hits.push_back(std::move(h));
  }
  if (found.more && !found.hits.empty()) {
    const search::RawHit& last = found.hits.back();
    result.next_cursor = encode_cursor({last.score, last.frame, last.chunk}, base_rank + found.hits.size(), fingerprint);
  }
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace memvid
