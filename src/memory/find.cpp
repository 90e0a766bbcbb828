// Memvid::find: checks the options, then runs the three jobs of memory/find_parts.hpp: the
// page the request asks for (cursor), which frames rank on it (retrieval), and their hits.
#include <chrono>
#include <unordered_set>

#include "memory/find_parts.hpp"
#include "search/meta_filter.hpp"

namespace memvid {

namespace {

constexpr std::size_t kMaxK = 10000;
constexpr std::size_t kMaxOffset = 100000;
constexpr std::size_t kMaxSnippetChars = 100000;

void check(const FindOptions& options) {
  if (options.k > kMaxK) throw Error(ErrorCode::InvalidArgument, "k must be at most " + std::to_string(kMaxK));
  if (options.offset > kMaxOffset)
    throw Error(ErrorCode::InvalidArgument, "offset must be at most " + std::to_string(kMaxOffset) + " (use the cursor)");
  if (options.snippet_chars > kMaxSnippetChars)
    throw Error(ErrorCode::InvalidArgument, "snippet_chars must be at most " + std::to_string(kMaxSnippetChars));
  if (!(options.title_weight >= 0 && options.title_weight <= 100))
    throw Error(ErrorCode::InvalidArgument, "title_weight must be between 0 and 100");
  if (!(options.semantic_weight >= 0 && options.semantic_weight <= 1))
    throw Error(ErrorCode::InvalidArgument, "semantic_weight must be between 0 and 1");
  if (options.candidates == 0 || options.candidates > kMaxK)
    throw Error(ErrorCode::InvalidArgument, "candidates must be between 1 and " + std::to_string(kMaxK));
  if (options.semantic_floor && !(*options.semantic_floor >= -10 && *options.semantic_floor <= 10))
    throw Error(ErrorCode::InvalidArgument, "semantic_floor must be between -10 and 10 standard deviations");
  if (!options.where.empty()) search::MetaFilter::from_where(options.where);  // InvalidArgument before any work
  if (options.ef_search == 0 || options.ef_search > 4096 || options.nprobe == 0 || options.nprobe > 65536)
    throw Error(ErrorCode::InvalidArgument, "ef_search must be between 1 and 4096 and nprobe between 1 and 65536");
}

}  // namespace

FindResult Memvid::find(std::string_view query, const FindOptions& options) const {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(impl_->mu);
  impl_->s();  // a closed handle fails here
  check(options);

  const std::string fingerprint = find::query_fingerprint(query, options);
  std::optional<search::RankKey> after;
  std::size_t base_rank = options.offset;
  if (!options.cursor.empty()) {
    const find::DecodedCursor c = find::decode_cursor(options.cursor, fingerprint);
    after = c.key;
    base_rank = c.rank;
  }

  find::Retrieval retrieved = find::retrieve(*impl_, query, options, after, base_rank);
  FindResult result;
  result.mode_used = retrieved.mode_used;
  result.note = std::move(retrieved.note);
  result.total_hits = retrieved.total_hits;
  result.total_hits_exact = retrieved.total_exact;
  result.semantic_floor = retrieved.semantic_floor;
  const std::unordered_set<std::string> terms(retrieved.match_terms.begin(), retrieved.match_terms.end());
  for (std::size_t i = 0; i < retrieved.page.size(); ++i)
    result.hits.push_back(find::assemble_hit(*impl_, retrieved.page[i], base_rank + i + 1, terms, options.snippet_chars,
                                                 options.offset_unit));
  if (retrieved.more && !retrieved.page.empty()) {
    const find::Ranked& last = retrieved.page.back();
    result.next_cursor =
        find::encode_cursor({last.score, last.frame, last.chunk}, base_rank + retrieved.page.size(), fingerprint);
  }
  if (records_reads(*impl_)) {
    SessionAction a;
    a.action = "find";
    a.query = std::string(query);
    for (const Hit& h : result.hits) a.hits.push_back(h.id);
    record_read(*impl_, std::move(a), session::find_options_json(options, impl_->env->now_ms()));
  }
  result.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace memvid
