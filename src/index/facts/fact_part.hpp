#pragma once
// The facts of a memory as a part of index segments: what the rules engine read in each
// frame's text (facts/rules_extractor.hpp), recomputable from the frames, so stored where the
// lexical and vector parts are and merged with them. A segment has a fact part only when its
// frames state facts. Merges keep the facts of deleted and updated frames: they are the
// history (resolved as retracted, facts/fact_model.hpp).
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "facts/fact_model.hpp"
#include "index/facts/fact_segment.hpp"
#include "index/index_part.hpp"

namespace memvid::index {

const PartKind& fact_part_kind();

// Binary frames whose payload the fact part indexes: a registration of slot specs
// (facts/registered_schema.hpp, label "memvid:schema", rows of the entity "") and an
// enrichment (facts/enrichment.hpp, label "memvid:enrichment", rows about earlier frames).
bool is_fact_record_frame(std::uint8_t kind, std::span<const std::string> labels);
// A fact record frame that is an enrichment (not a schema).
bool is_enrichment_frame(std::uint8_t kind, std::span<const std::string> labels);
std::vector<facts::FactRow> fact_record_rows(std::span<const std::string> labels, std::string_view payload,
                                             std::uint64_t frame);

class FactPart final : public IndexPart {
 public:
  static constexpr PartTag kTag = part_tag("FACT");
  explicit FactPart(const PartHost& host) : host_(host) {}

  void reset(const IndexManifest& manifest) override;
  void add(AnalyzedFrame& frame) override;
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
  // A segment's part: its bytes and a reader over them (the directory decoded, each entity's
  // facts decoded when asked).
  struct Loaded {
    std::vector<std::uint8_t> bytes;
    std::unique_ptr<FactSegmentReader> reader;
  };
  using Part = std::shared_ptr<const Loaded>;
  static Part load(std::vector<std::uint8_t> bytes, std::uint64_t offset, const format::Checksum16* expected);
  // Null for a segment without facts.
  const FactSegmentReader* reader(std::size_t segment) const;

  PartHost host_;
  std::vector<IndexSegmentRef> segments_;
  mutable std::vector<Part> cache_;  // read on first use
  std::vector<facts::FactRow> buffer_;  // in frame order
  std::map<std::uint64_t, std::pair<format::Checksum16, Part>> pending_;
};

}  // namespace memvid::index
