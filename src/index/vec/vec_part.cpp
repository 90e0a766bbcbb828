#include "index/vec/vec_part.hpp"

#include <algorithm>
#include <cmath>

#include "index/part_checks.hpp"

namespace memvid::index {

namespace {

using namespace checks;

class VecVerifier final : public PartVerifier {
 public:
  explicit VecVerifier(const PartCheckContext& c) : c_(c) {}

  std::vector<PartCheck> structure_checks() override { return {{"VecIndexDecode", [this] { return decode(); }}}; }
  std::vector<PartCheck> coverage_checks() override { return {{"VecIndexCoverage", [this] { return coverage(); }}}; }

  // A Flat or HNSW part's rows must be the record's vectors: its passage vectors exactly, or
  // its whole-frame vector normalized (to within the 8-bit step of version 2 rows). Vectors a
  // frame's text makes again are not computed here.
  void see_record(std::uint64_t id, const format::FrameRecord& rec) override {
    if (!has_semantic_index() || id >= c_.manifest.indexed_frames || segs_.empty() || id > kMaxVecFrame) return;
    const std::size_t s = segment_of(id);
    const auto& seg = segs_[s];
    if (!seg || seg->layout() == VecLayout::IvfPq) return;
    if (!rec.meta.passage_scales.empty()) {
      const std::size_t dim = rec.meta.passage_codes.size() / rec.meta.passage_scales.size();
      for (std::size_t p = 0; p < rec.meta.passage_scales.size(); ++p) {
        const std::int8_t* codes = nullptr;
        float scale = 0;
        if (!seg->quantized_row(vec_key(id, static_cast<std::uint32_t>(p)), codes, scale)) return;  // coverage judges
        if (dim != seg->dim() || scale != rec.meta.passage_scales[p] ||
            !std::equal(codes, codes + dim, rec.meta.passage_codes.begin() + static_cast<std::ptrdiff_t>(p * dim))) {
          rows_.add("frame " + num(id) + "'s row for passage " + num(p) + " in the vector part of " + c_.segment_name(s) +
                    " differs from the vector its record holds");
          return;
        }
      }
      return;
    }
    if (rec.meta.embedding.empty()) return;
    const std::vector<float> stored = seg->row_vector(vec_key(id, 0));
    if (stored.empty() || !seg->row_vector(vec_key(id, 1)).empty()) return;  // no row, or passage rows made from text
    std::vector<float> unit;
    try {
      unit = normalized(rec.meta.embedding);
    } catch (const Error&) {
      rows_.add("frame " + num(id) + "'s record holds a NaN or infinite vector value, yet it has a row");
      return;
    }
    if (unit.size() != stored.size()) {
      rows_.add("frame " + num(id) + "'s record vector has dimension " + num(unit.size()) + ", its row " + num(stored.size()));
      return;
    }
    if (seg->version() != 1) {
      // Version 2 rows are the record's vector quantized: the same codes and scale again.
      std::vector<std::int8_t> want(unit.size());
      float want_scale = 0;
      quantize_row(unit, want.data(), want_scale);
      const std::int8_t* codes = nullptr;
      float scale = 0;
      if (!seg->quantized_row(vec_key(id, 0), codes, scale) || scale != want_scale ||
          !std::equal(want.begin(), want.end(), codes))
        rows_.add("frame " + num(id) + "'s row in the vector part of " + c_.segment_name(s) +
                  " is not its record's vector, normalized and quantized");
      return;
    }
    for (std::size_t k = 0; k < unit.size(); ++k)
      if (!(std::fabs(unit[k] - stored[k]) <= 1e-5f)) {
        rows_.add("frame " + num(id) + "'s row in the vector part of " + c_.segment_name(s) +
                  " differs from its record's normalized vector at component " + num(k));
        return;
      }
  }

 private:
  const std::vector<IndexSegmentRef>& segs() const { return c_.manifest.segments; }
  bool has_semantic_index() const { return !c_.manifest.settings.embedding_model.empty(); }
  std::size_t segment_of(std::uint64_t id) const {
    auto it = std::upper_bound(segs().begin(), segs().end(), id,
                               [](std::uint64_t v, const IndexSegmentRef& r) { return v < r.first_frame; });
    return static_cast<std::size_t>(it - segs().begin()) - 1;
  }

  CheckResult decode() {
    segs_.assign(segs().size(), nullptr);
    ok_.assign(segs().size(), false);
    const bool any_part =
        std::any_of(segs().begin(), segs().end(), [](const IndexSegmentRef& r) { return r.part(VectorIndex::kTag); });
    if (!any_part) {
      std::fill(ok_.begin(), ok_.end(), true);
      if (!has_semantic_index()) return skipped("the memory has no semantic index (embedding model none)");
      return passed("no vector parts yet (model " + c_.manifest.settings.embedding_model + ")");
    }
    const std::uint32_t dim = c_.manifest.settings.embedding_dimension;
    Problems p;
    std::uint64_t rows = 0, layouts[3] = {0, 0, 0};
    for (std::size_t i = 0; i < segs().size(); ++i) {
      const PartRef* r = segs()[i].part(VectorIndex::kTag);
      if (!r) {
        ok_[i] = true;
        continue;
      }
      const std::string what = "vector part of " + c_.segment_name(i) + " at offset " + num(r->offset);
      try {
        auto source = std::make_shared<MemorySource>(c_.read(r->offset, r->length, "vector part"));
        auto seg = VecSegment::open(source, 0, r->length, &r->checksum, dim, what);
        if (seg->size() != r->count)
          throw Error(ErrorCode::Corrupt, what + " holds " + num(seg->size()) + " rows, the TOC says " + num(r->count));
        if (seg->dim() != dim) throw Error(ErrorCode::Corrupt, what + " has dimension " + num(seg->dim()) + ", the memory " + num(dim));
        rows += seg->size();
        ++layouts[static_cast<std::size_t>(seg->layout()) % 3];
        ok_[i] = true;
        // Kept for the deep coverage check, which compares rows with the records' vectors.
        if (c_.deep) segs_[i] = std::move(seg);
      } catch (const Error& e) {
        p.add(e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(layouts[0] + layouts[1] + layouts[2]) + " vector parts (" + num(layouts[0]) + " Flat, " +
                  num(layouts[1]) + " HNSW, " + num(layouts[2]) + " IVF-PQ): " + num(rows) + " rows of dimension " +
                  num(dim) + ", every section and structure valid");
  }

  CheckResult coverage() const {
    if (!c_.deep) return skipped("not deep");
    if (!*c_.records_read) return skipped("frame records unreadable");
    if (!has_semantic_index()) return skipped("the memory has no semantic index (embedding model none)");
    const std::uint64_t indexed = c_.manifest.indexed_frames, frames = c_.frames;
    const std::vector<RecordFacts>& facts = *c_.records;
    Problems p = rows_;
    std::vector<std::uint32_t> rows(indexed, 0);
    std::size_t unread = 0;
    for (std::size_t i = 0; i < segs().size(); ++i) {
      const IndexSegmentRef& r = segs()[i];
      const bool has_part = r.part(VectorIndex::kTag) != nullptr;
      if (!ok_[i] || (has_part && !segs_[i])) {
        ++unread;
        continue;
      }
      if (!segs_[i]) continue;
      for (std::uint64_t key : segs_[i]->keys()) {
        const std::uint64_t f = key_frame(key);
        const std::uint32_t passage = key_passage(key);
        if (f >= frames)
          p.add("vector part of " + c_.segment_name(i) + " has a row for frame " + num(f) + ", beyond the frame count " +
                num(frames));
        else if (f < r.first_frame || f >= r.end_frame)
          p.add("vector part of " + c_.segment_name(i) + " has a row for frame " + num(f) + ", outside its range");
        else if (passage != rows[f])
          p.add("vector part of " + c_.segment_name(i) + " has a row for passage " + num(passage) + " of frame " + num(f) +
                " after " + num(rows[f]) + " rows of it");
        else {
          if (rows[f]++ == 0 && facts[f].state == RecordFacts::kGood && !facts[f].has_vector)
            p.add("frame " + num(f) + " has a row in the vector part of " + c_.segment_name(i) +
                  " but its record carries no vector");
        }
      }
    }
    std::uint64_t checked = 0;
    for (std::uint64_t f = 0; f < indexed; ++f) {
      const std::size_t s = segment_of(f);
      if (!ok_[s] || (segs()[s].part(VectorIndex::kTag) && !segs_[s])) continue;
      if (!c_.active(f) || facts[f].state != RecordFacts::kGood || !facts[f].has_vector) continue;
      ++checked;
      const RecordFacts& rf = facts[f];
      // A whole-frame vector may have been replaced by passage vectors made from the text.
      const bool rows_ok = rows[f] == rf.vector_rows ||
                           (rf.whole_frame_vector && rows[f] == std::max<std::uint32_t>(1, rf.passages));
      if (rows[f] == 0)
        p.add("active frame " + num(f) + " carries a vector but has no row in the vector part of " + c_.segment_name(s));
      else if (!rows_ok)
        p.add("active frame " + num(f) + " has " + num(rows[f]) + " rows in the vector part of " + c_.segment_name(s) +
              ", its record makes " + num(rf.vector_rows));
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " active frames with vectors below " + num(indexed) +
                  " each have a row per passage, equal to their record's vectors where the record and the part keep them" +
                  unreadable_note(unread));
  }

  const PartCheckContext& c_;
  std::vector<std::shared_ptr<const VecSegment>> segs_;  // kept only when deep
  std::vector<bool> ok_;
  Problems rows_;
};

class VecKind final : public PartKind {
 public:
  PartTag tag() const override { return VectorIndex::kTag; }
  const char* name() const override { return "vector"; }
  const char* short_name() const override { return "vec"; }
  bool in_every_segment() const override { return false; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef&, const IndexSettings& settings) const override {
    if (ref.count == 0) return "holds no rows";
    if (settings.embedding_dimension == 0) return "holds rows, yet the memory has no vector dimension";
    return "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<VectorIndex>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const override {
    return std::make_unique<VecVerifier>(context);
  }
};

}  // namespace

const PartKind& vector_part_kind() {
  static const VecKind kind;
  return kind;
}

}  // namespace memvid::index
