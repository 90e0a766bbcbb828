#pragma once
// The facts of a memory as a part of index segments: what the rules engine read in each
// frame's text (facts/rules_extractor.hpp), recomputable from the frames, so stored where the
// lexical and vector parts are and merged with them. A segment has a fact part only when its
// frames state facts. Merges keep the facts of deleted and updated frames: they are the
// history (resolved as retracted, facts/fact_model.hpp).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "facts/fact_model.hpp"
#include "index/index_part.hpp"

namespace memvid::index {

const PartKind& fact_part_kind();

class FactPart final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("FACT");
  explicit FactPart(const PartHost& host) : host_(host) {}

  void reset(const IndexManifest& manifest) override;
  void add(const AnalyzedFrame& frame) override;
  void forget_from(std::uint64_t frame_end) override;
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end, const LiveFn& live) override;
  void abandon() override { pending_.clear(); }

  // Every row about one entity (canonical key), from the segments and the buffer.
  std::vector<facts::FactRow> rows_of(const std::string& entity) const;
  // Every row, segment by segment, the buffer last.
  std::vector<facts::FactRow> all_rows() const;
  // Whether any frame of the memory states a fact.
  bool empty() const;

 private:
  using Rows = std::shared_ptr<const std::vector<facts::FactRow>>;
  const std::vector<facts::FactRow>& rows(std::size_t segment) const;

  PartHost host_;
  std::vector<IndexSegmentRef> segments_;
  mutable std::vector<Rows> cache_;  // decoded on first use; null for segments without facts
  std::vector<facts::FactRow> buffer_;  // in frame order
  std::map<std::uint64_t, std::pair<format::Checksum16, Rows>> pending_;
};

}  // namespace memvid::index
