#include "search/fusion.hpp"

#include <algorithm>
#include <unordered_map>

namespace memvid::search {

namespace {
constexpr double kRrfK = 60;  // the constant of Cormack et al. (and of the original memvid)

double min_max(double x, double lo, double hi) { return hi > lo ? (x - lo) / (hi - lo) : 1.0; }
}  // namespace

std::vector<FusedHit> fuse(const std::vector<RankedCandidate>& lexical, const std::vector<RankedCandidate>& semantic,
                           const std::function<std::optional<double>(std::uint64_t)>& cosine, Fusion fusion,
                           double semantic_weight) {
  std::vector<FusedHit> out;
  std::unordered_map<std::uint64_t, std::size_t> at;
  auto slot = [&](std::uint64_t frame) -> FusedHit& {
    auto [it, fresh] = at.emplace(frame, out.size());
    if (fresh) out.push_back({frame, 0, std::nullopt, false, 0, false});
    return out[it->second];
  };
  for (const RankedCandidate& c : lexical) slot(c.frame).lexical = c.score;
  for (const RankedCandidate& c : semantic) {
    FusedHit& h = slot(c.frame);
    h.semantic = true;
    h.cosine = c.score;
    h.has_cosine = true;
  }
  if (lexical.empty()) {
    for (FusedHit& h : out) h.score = h.cosine;
  } else if (fusion == Fusion::Rrf) {
    for (std::size_t r = 0; r < lexical.size(); ++r) out[at[lexical[r].frame]].score += 1.0 / (kRrfK + r + 1);
    for (std::size_t r = 0; r < semantic.size(); ++r) out[at[semantic[r].frame]].score += 1.0 / (kRrfK + r + 1);
    for (FusedHit& h : out)
      if (!h.semantic) {
        const auto c = cosine(h.frame);
        h.cosine = c.value_or(0);
        h.has_cosine = c.has_value();
      }
  } else {
    // Exact cosines for every candidate: a lexical-only hit still has a place in the
    // semantic scale, which is what makes the fusion informative.
    std::vector<std::optional<double>> cos(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      cos[i] = out[i].semantic ? std::optional<double>(out[i].cosine) : cosine(out[i].frame);
      out[i].cosine = cos[i].value_or(0);
      out[i].has_cosine = cos[i].has_value();
    }
    double lex_lo = lexical.front().score, lex_hi = lex_lo;
    for (const RankedCandidate& c : lexical) lex_lo = std::min(lex_lo, c.score), lex_hi = std::max(lex_hi, c.score);
    double cos_lo = 0, cos_hi = 0;
    bool any = false;
    for (const auto& c : cos) {
      if (!c) continue;
      cos_lo = any ? std::min(cos_lo, *c) : *c;
      cos_hi = any ? std::max(cos_hi, *c) : *c;
      any = true;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double lex = out[i].lexical ? min_max(*out[i].lexical, lex_lo, lex_hi) : 0.0;
      const double sem = cos[i] ? min_max(*cos[i], cos_lo, cos_hi) : 0.0;
      out[i].score = (1 - semantic_weight) * lex + semantic_weight * sem;
    }
  }
  std::sort(out.begin(), out.end(), [](const FusedHit& a, const FusedHit& b) {
    return a.score != b.score ? a.score > b.score : a.frame < b.frame;
  });
  return out;
}

}  // namespace memvid::search
