// correction_boosts (memory/find_parts.hpp): which frames are corrections with a boost.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "facts/rules_extractor.hpp"
#include "index/lex/lex_segment.hpp"
#include "memory/find_parts.hpp"
#include "text/analyzer.hpp"

namespace memvid::find {

const CorrectionBoosts& correction_boosts(const Memvid::Impl& impl) {
  const store::Store& s = impl.s();
  if (impl.corrections.counter == s.change_counter()) return impl.corrections;
  const auto segments = impl.index->lex_segments();  // catches the index up first
  CorrectionBoosts fresh;
  fresh.counter = s.change_counter();
  const std::string term = index::kLabelPrefix + text::Analyzer::fold(std::string(facts::kCorrectionLabel));
  for (const auto& seg : segments) {
    const auto info = seg->lookup(term);
    if (!info) continue;
    index::PostingCursor c = seg->cursor(*info, term);
    for (std::uint32_t d = c.advance(0); d != index::kNoDoc; d = c.advance(d + 1)) {
      const std::uint64_t frame = seg->frame_of(d);
      if (fresh.boost.count(frame) || frame >= s.frame_count()) continue;
      const format::TocEntry& e = s.entry(frame);
      if (e.status != static_cast<std::uint8_t>(FrameStatus::Active) || e.record_removed()) continue;
      const nlohmann::json meta = nlohmann::json::parse(s.read_record(e).meta.metadata_json, nullptr, false);
      if (!meta.is_object() || !meta.contains("correction") || !meta["correction"].is_object()) continue;
      const nlohmann::json& boost = meta["correction"].value("boost", nlohmann::json());
      // The same bounds as Facts::correct takes; anything else in hand-made metadata counts as none.
      if (!boost.is_number() || !(boost.get<double>() > 0) || boost.get<double>() > 1000) continue;
      fresh.boost[frame] = boost.get<double>();
      fresh.max = std::max(fresh.max, boost.get<double>());
    }
  }
  impl.corrections = std::move(fresh);
  return impl.corrections;
}

}  // namespace memvid::find
