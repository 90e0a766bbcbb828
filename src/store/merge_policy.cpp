#include "store/merge_policy.hpp"

namespace memvid::store {
namespace {

int tier_of(std::uint64_t entries) {
  int tier = 0;
  while (entries >= kFanIn) {
    entries /= kFanIn;
    ++tier;
  }
  return tier;
}

struct Planned {
  MergeGroup sources;
  std::uint64_t entries;
};

void combine(std::vector<Planned>& plan, std::size_t begin, std::size_t end) {
  Planned merged{{}, 0};
  for (std::size_t i = begin; i < end; ++i) {
    merged.sources.insert(merged.sources.end(), plan[i].sources.begin(), plan[i].sources.end());
    merged.entries += plan[i].entries;
  }
  plan.erase(plan.begin() + static_cast<std::ptrdiff_t>(begin), plan.begin() + static_cast<std::ptrdiff_t>(end));
  plan.insert(plan.begin() + static_cast<std::ptrdiff_t>(begin), std::move(merged));
}

}  // namespace

std::vector<MergeGroup> plan_segment_merges(const std::vector<std::uint64_t>& sizes) {
  std::vector<Planned> plan;
  for (std::size_t i = 0; i < sizes.size(); ++i) plan.push_back({{i}, sizes[i]});
  bool changed = true;
  while (changed) {
    changed = false;
    // Keep sizes non-increasing, so that equal tiers sit next to each other.
    while (plan.size() >= 2 && plan.back().entries > plan[plan.size() - 2].entries) {
      combine(plan, plan.size() - 2, plan.size());
      changed = true;
    }
    for (std::size_t begin = 0; begin < plan.size() && !changed;) {
      std::size_t end = begin + 1;
      while (end < plan.size() && tier_of(plan[end].entries) == tier_of(plan[begin].entries)) ++end;
      if (end - begin >= kFanIn) {
        combine(plan, begin, end);
        changed = true;
      }
      begin = end;
    }
  }
  std::vector<MergeGroup> out;
  for (auto& p : plan) out.push_back(std::move(p.sources));
  return out;
}

}  // namespace memvid::store
