#include "index/facts/fact_part.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "facts/enrichment.hpp"
#include "facts/registered_schema.hpp"
#include "facts/rules_extractor.hpp"
#include "index/facts/fact_segment.hpp"
#include "index/part_checks.hpp"
#include "index/passages.hpp"
#include "memvid/error.hpp"
#include "memvid/types.hpp"
#include "store/store.hpp"

namespace memvid::index {

namespace {

class FactKind final : public PartKind {
 public:
  PartTag tag() const override { return FactPart::kTag; }
  const char* name() const override { return "fact"; }
  const char* short_name() const override { return "fact"; }
  bool in_every_segment() const override { return false; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef& segment, const IndexSettings&) const override {
    if (ref.count == 0) return "holds no facts (a segment without facts has no fact part)";
    if (ref.count > segment.frames() * facts::kMaxFactsPerFrame)
      return "holds " + checks::num(ref.count) + " facts for " + checks::num(segment.frames()) + " frames";
    return "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<FactPart>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const override;
};

}  // namespace

namespace {
bool has_label(std::span<const std::string> labels, std::string_view label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}
}  // namespace

bool is_fact_record_frame(std::uint8_t kind, std::span<const std::string> labels) {
  return kind == static_cast<std::uint8_t>(FrameKind::Binary) &&
         (has_label(labels, facts::kSchemaLabel) || has_label(labels, facts::kEnrichmentLabel));
}

// A frame labelled both is a schema (the label a user could add to a schema frame must not
// turn it into another record).
bool is_enrichment_frame(std::uint8_t kind, std::span<const std::string> labels) {
  return is_fact_record_frame(kind, labels) && !has_label(labels, facts::kSchemaLabel);
}

std::vector<facts::FactRow> fact_record_rows(std::span<const std::string> labels, std::string_view payload,
                                             std::uint64_t frame) {
  if (has_label(labels, facts::kSchemaLabel)) return facts::schema_rows(payload, frame);
  return facts::enrichment_rows(payload, frame);
}

void FactPart::reset(const IndexManifest& manifest) {
  std::vector<Part> cache = carried_parts(manifest, kTag, pending_, segments_, cache_);
  segments_ = manifest.segments;
  cache_ = std::move(cache);
  buffer_.clear();
  pending_.clear();
}

void FactPart::add(AnalyzedFrame& frame) { buffer_.insert(buffer_.end(), frame.facts.begin(), frame.facts.end()); }

void FactPart::forget_from(std::uint64_t frame_end) {
  while (!buffer_.empty() && buffer_.back().frame >= frame_end) buffer_.pop_back();
}

FactPart::Part FactPart::load(std::vector<std::uint8_t> bytes, std::uint64_t offset, const format::Checksum16* expected) {
  auto loaded = std::make_shared<Loaded>();
  loaded->bytes = std::move(bytes);
  loaded->reader = std::make_unique<FactSegmentReader>(loaded->bytes, offset, expected);
  return loaded;
}

const FactSegmentReader* FactPart::reader(std::size_t i) const {
  const PartRef* r = segments_[i].part(kTag);
  if (!r) return nullptr;
  if (!cache_[i]) {
    Part p = load(host_.store.read_bytes(r->offset, r->length, "fact index part"), r->offset, &r->checksum);
    if (p->reader->fact_count() != r->count)
      throw Error(ErrorCode::Corrupt, host_.store.path() + ": fact index part at file offset " + checks::num(r->offset) +
                                          " holds a different fact count than the TOC says");
    cache_[i] = std::move(p);
  }
  return cache_[i]->reader.get();
}

BuiltPart FactPart::build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t, const LiveFn&) {
  // Facts of dead frames stay: they are the history (resolved as retracted).
  std::vector<facts::FactRow> merged;
  for (std::size_t i : inputs) {
    if (i < segments_.size()) {
      if (const FactSegmentReader* r = reader(i)) {
        auto rows = r->all_rows();
        merged.insert(merged.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
      }
    } else {
      merged.insert(merged.end(), buffer_.begin(), buffer_.end());
    }
  }
  BuiltPart built;
  if (merged.empty()) return built;
  built.count = merged.size();
  built.bytes = encode_fact_segment(std::move(merged));
  built.checksum = fact_segment_checksum(built.bytes);
  pending_[first] = {built.checksum, load(built.bytes, 0, nullptr)};
  return built;
}

std::vector<facts::FactRow> FactPart::rows_of(const std::string& entity) const {
  std::vector<facts::FactRow> out;
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (const FactSegmentReader* r = reader(i)) {
      auto rows = r->rows_of(entity);
      out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    }
  for (const facts::FactRow& r : buffer_)
    if (r.entity == entity) out.push_back(r);
  return out;
}

std::vector<facts::FactRow> FactPart::all_rows() const {
  std::vector<facts::FactRow> out;
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (const FactSegmentReader* r = reader(i)) {
      auto rows = r->all_rows();
      out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    }
  out.insert(out.end(), buffer_.begin(), buffer_.end());
  return out;
}

bool FactPart::empty() const {
  if (!buffer_.empty()) return false;
  for (const IndexSegmentRef& s : segments_)
    if (s.part(kTag)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// Verify: FactIndexRead, and FactIndexCoverage (deep: the rules engine, run again on each
// intact frame, finds exactly the facts stored for it).

namespace {

using namespace checks;

class FactVerifier final : public PartVerifier {
 public:
  explicit FactVerifier(const PartCheckContext& c) : c_(c) {}

  std::vector<PartCheck> structure_checks() override { return {{"FactIndexRead", [this] { return read(); }}}; }

  void see_record(std::uint64_t frame, const format::FrameRecord& record) override {
    if (c_.deep && is_fact_record_frame(record.kind, record.meta.labels)) {
      try {
        const std::vector<std::uint8_t> payload = format::frame_payload(record, 0);
        expected_[frame] = fact_record_rows(
            record.meta.labels, std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), frame);
      } catch (const Error&) {
      }
      return;
    }
    if (!c_.deep || !has_passages(record.kind) || record.meta.facts_off) return;
    try {
      const std::vector<std::uint8_t> payload = format::frame_payload(record, 0);
      const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
      expected_[frame] = facts::rules_fact_rows(text, frame, record.timestamp_ms, facts::is_correction(record.meta.labels));
    } catch (const Error&) {
      // The record checks report a payload that does not decode.
    }
  }

  std::vector<PartCheck> coverage_checks() override {
    return {{"FactIndexCoverage", [this] { return coverage(); }}};
  }

 private:
  CheckResult read() {
    Problems p;
    // (A source frame before the recording one is checked by the decoder.)
    const RowPartsRead r = read_row_parts(
        c_, FactPart::kTag, "fact", "facts",
        [](const std::vector<std::uint8_t>& bytes, std::uint64_t offset, const format::Checksum16* checksum) {
          return decode_fact_segment(bytes, offset, checksum);
        },
        [this](facts::FactRow row) { stored_[row.frame].push_back(std::move(row)); }, p);
    readable_ = r.readable;
    if (p.any()) return failed(p.summary());
    return passed(num(r.parts) + " fact parts, " + num(r.rows) + " facts, each matching the checksum the TOC records");
  }

  static auto key(const facts::FactRow& r) {
    return std::tie(r.ordinal, r.source_frame, r.entity, r.entity_name, r.slot, r.value, r.negative, r.correction,
                    r.valid_from_ms, r.value_begin, r.value_length, r.confidence, r.engine);
  }

  CheckResult coverage() {
    if (!c_.deep) return skipped("not deep");
    if (!*c_.records_read) return skipped("frame records unreadable");
    if (!readable_) return skipped("a fact part is unreadable");
    Problems p;
    std::uint64_t frames = 0;
    for (std::uint64_t f = 0; f < c_.manifest.indexed_frames && f < c_.records->size(); ++f) {
      if ((*c_.records)[f].state != RecordFacts::kGood) continue;
      auto want = expected_.find(f);
      auto have = stored_.find(f);
      const std::size_t n_want = want == expected_.end() ? 0 : want->second.size();
      const std::size_t n_have = have == stored_.end() ? 0 : have->second.size();
      ++frames;
      if (n_want != n_have) {
        p.add("frame " + num(f) + " states " + num(n_want) + " facts, the fact parts hold " + num(n_have));
        continue;
      }
      if (n_want == 0) continue;
      auto a = want->second, b = have->second;
      const auto by_ordinal = [](const facts::FactRow& x, const facts::FactRow& y) { return x.ordinal < y.ordinal; };
      std::sort(a.begin(), a.end(), by_ordinal);
      std::sort(b.begin(), b.end(), by_ordinal);
      for (std::size_t k = 0; k < a.size(); ++k)
        if (key(a[k]) != key(b[k])) {
          p.add("frame " + num(f) + ": fact " + num(k) + " differs from what its text states");
          break;
        }
    }
    if (p.any()) return failed(p.summary());
    return passed("the facts of " + num(frames) + " indexed frames are what their texts state");
  }

  const PartCheckContext& c_;
  bool readable_ = true;
  std::map<std::uint64_t, std::vector<facts::FactRow>> stored_, expected_;
};

std::unique_ptr<PartVerifier> FactKind::verifier(const PartCheckContext& context) const {
  return std::make_unique<FactVerifier>(context);
}

}  // namespace

const PartKind& fact_part_kind() {
  static const FactKind kind;
  return kind;
}

}  // namespace memvid::index
