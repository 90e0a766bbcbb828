#include "index/vec/vector_index.hpp"

#include <algorithm>
#include <cmath>

#include "format/layout.hpp"
#include "index/vec/vec_format.hpp"
#include "store/store.hpp"
#include "memvid/error.hpp"

namespace memvid::index {

std::vector<float> normalized(std::span<const float> v) {
  double sum = 0;
  for (float x : v) {
    if (!std::isfinite(x)) throw Error(ErrorCode::InvalidArgument, "embedding holds a NaN or infinite value");
    sum += static_cast<double>(x) * x;
  }
  std::vector<float> out(v.begin(), v.end());
  if (sum > 0) {
    const double scale = 1.0 / std::sqrt(sum);
    for (float& x : out) x = static_cast<float>(x * scale);
  }
  return out;
}

namespace {

// The ranking order of every vector search: score, then frame, then passage.
bool better(const VecHit& a, const VecHit& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.frame != b.frame ? a.frame < b.frame : a.passage < b.passage;
}

// A record's vectors as index rows: its passage vectors, or its one whole-frame vector.
Q8Rows record_rows(const format::FrameRecord& rec, std::uint32_t dim) {
  Q8Rows q;
  if (!rec.meta.passage_scales.empty()) {
    q.codes.assign(rec.meta.passage_codes.begin(), rec.meta.passage_codes.end());
    q.scales = rec.meta.passage_scales;
  } else if (!rec.meta.embedding.empty() && rec.meta.embedding.size() == dim) {
    append_quantized(q, normalized(rec.meta.embedding));
  }
  return q;
}

}  // namespace

VectorIndex::VectorIndex(std::shared_ptr<const ByteSource> file, std::string path, RecordVectorReader read_record_vector)
    : file_(std::move(file)), path_(std::move(path)), read_record_vector_(std::move(read_record_vector)) {}

VectorIndex::VectorIndex(const PartHost& host)
    : VectorIndex(host.file, host.store.path(), [&store = host.store](std::uint64_t frame, std::uint32_t dim) {
        const format::TocEntry& e = store.entry(frame);
        if (e.record_removed()) return Q8Rows{};
        return record_rows(store.read_record(e), dim);
      }) {}

void VectorIndex::reset(const IndexManifest& manifest) {
  settings_ = manifest.settings;
  refs_ = manifest.segments;
  segments_.assign(refs_.size(), nullptr);
  opened_.assign(refs_.size(), false);
  dimension_ = settings_.embedding_dimension;
  buffer_keys_.clear();
  buffer_q8_ = {};
  buffer_vectors_.clear();
}

void VectorIndex::add(AnalyzedFrame& frame) {
  if (frame.vectors.rows() > 0) add(frame.id, frame.vectors);
}

BuiltPart VectorIndex::build(std::span<const std::size_t> inputs, std::uint64_t, std::uint64_t, const LiveFn& live) {
  BuiltPart built;
  built.bytes = build_segment(inputs, live);
  if (built.bytes.empty()) return built;
  built.count = encoded_vec_count(built.bytes);
  built.checksum = vec_segment_checksum(built.bytes);
  return built;
}

std::uint64_t VectorIndex::vector_count() const {
  std::uint64_t n = buffer_keys_.size();
  for (const IndexSegmentRef& r : refs_)
    if (const PartRef* p = r.part(kTag)) n += p->count;
  return n;
}

void VectorIndex::check_dimension(std::size_t dim) const {
  if (dim == 0 || dim > format::kMaxEmbeddingDimension) {
    throw Error(ErrorCode::InvalidArgument, "an embedding needs between 1 and " +
                                                std::to_string(format::kMaxEmbeddingDimension) +
                                                " values, not " + std::to_string(dim));
  }
  if (dimension_ != 0 && dim != dimension_) {
    throw Error(ErrorCode::ModelMismatch, path_ + " holds " + std::to_string(dimension_) + "-dimensional vectors of " +
                                              (model().empty() ? std::string("its model") : model()) + "; got a " +
                                              std::to_string(dim) + "-dimensional one");
  }
}

void VectorIndex::add(std::uint64_t frame, const Q8Rows& rows) {
  if (rows.rows() == 0) return;
  const std::size_t dim = rows.codes.size() / rows.rows();
  if (dim * rows.rows() != rows.codes.size()) throw Error(ErrorCode::InvalidArgument, "ragged passage vectors");
  check_dimension(dim);
  if (frame > kMaxVecFrame) throw Error(ErrorCode::InvalidArgument, "frame id " + std::to_string(frame) + " too large for the vector index");
  if (rows.rows() > std::size_t{kMaxPassage} + 1) throw Error(ErrorCode::InvalidArgument, "too many passage vectors in one frame");
  if (!buffer_keys_.empty() && vec_key(frame, 0) <= buffer_keys_.back())
    throw Error(ErrorCode::InvalidArgument, "vectors must be added in frame order");
  dimension_ = static_cast<std::uint32_t>(dim);
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    buffer_keys_.push_back(vec_key(frame, static_cast<std::uint32_t>(r)));
    buffer_q8_.scales.push_back(rows.scales[r]);
    const std::size_t at = buffer_vectors_.size();
    buffer_vectors_.resize(at + dim);
    dequantize_row(&rows.codes[r * dim], rows.scales[r], dim, &buffer_vectors_[at]);
  }
  buffer_q8_.codes.insert(buffer_q8_.codes.end(), rows.codes.begin(), rows.codes.end());
}

void VectorIndex::forget_from(std::uint64_t frame) {
  const std::uint64_t from = frame > kMaxVecFrame ? ~std::uint64_t{0} : vec_key(frame, 0);
  auto it = std::lower_bound(buffer_keys_.begin(), buffer_keys_.end(), from);
  const std::size_t keep = static_cast<std::size_t>(it - buffer_keys_.begin());
  buffer_keys_.resize(keep);
  buffer_q8_.scales.resize(keep);
  buffer_q8_.codes.resize(keep * dimension_);
  buffer_vectors_.resize(keep * dimension_);
  if (keep == 0 && vector_count() == 0) dimension_ = settings_.embedding_dimension;
}

std::shared_ptr<const VecSegment> VectorIndex::segment(std::size_t i) const {
  if (!opened_[i]) {
    if (const PartRef* r = refs_[i].part(kTag)) {
      segments_[i] = VecSegment::open(file_, r->offset, r->length, &r->checksum, dimension_,
                                      path_ + ": vector segment " + std::to_string(i) + " at file offset " +
                                          std::to_string(r->offset),
                                      VecReadMode::InPlace);
      if (segments_[i]->size() != r->count)
        throw Error(ErrorCode::Corrupt, path_ + ": vector segment " + std::to_string(i) +
                                            " holds a different row count than the TOC says");
    }
    opened_[i] = true;
  }
  return segments_[i];
}

std::vector<std::uint8_t> VectorIndex::build_segment(std::span<const std::size_t> inputs, const LiveFn& live) const {
  std::vector<std::uint64_t> keys;
  Q8Rows rows;
  auto take = [&](std::uint64_t key, const std::int8_t* codes, float scale) {
    keys.push_back(key);
    rows.codes.insert(rows.codes.end(), codes, codes + dimension_);
    rows.scales.push_back(scale);
  };
  std::vector<std::int8_t> scratch(dimension_);
  std::size_t first_rows = 0;  // rows the first input gave
  for (std::size_t i : inputs) {
    if (i == refs_.size()) {
      for (std::size_t r = 0; r < buffer_keys_.size(); ++r)
        if (!live || live(key_frame(buffer_keys_[r])))
          take(buffer_keys_[r], &buffer_q8_.codes[r * dimension_], buffer_q8_.scales[r]);
      continue;
    }
    auto seg = segment(i);
    if (!seg) continue;
    const std::vector<std::uint64_t> seg_keys = seg->keys();
    for (std::size_t r = 0; r < seg_keys.size(); ++r) {
      const std::uint64_t key = seg_keys[r], frame = key_frame(key);
      if (live && !live(frame)) continue;
      const std::int8_t* codes = nullptr;
      float scale = 0;
      if (seg->quantized_row(key, codes, scale)) {
        take(key, codes, scale);
        continue;
      }
      if (const std::vector<float> v = seg->row_vector(key); !v.empty()) {  // a version 1 segment
        quantize_row(v, scratch.data(), scale);
        take(key, scratch.data(), scale);
        continue;
      }
      // Compressed segments keep codes only: the vectors come from the frame's record, all
      // of the frame's rows at once.
      const Q8Rows from_record = read_record_vector_(frame, dimension_);
      std::size_t n = 0;
      while (r + n < seg_keys.size() && key_frame(seg_keys[r + n]) == frame) ++n;
      if (from_record.codes.size() != from_record.rows() * dimension_ || from_record.rows() != n)
        throw Error(ErrorCode::Corrupt, path_ + ": frame " + std::to_string(frame) + " has " + std::to_string(n) +
                                            " rows in the vector index but its record holds " +
                                            std::to_string(from_record.rows()) + " vectors of the memory's dimension");
      for (std::size_t j = 0; j < n; ++j) {
        if (key_passage(seg_keys[r + j]) != j)
          throw Error(ErrorCode::Corrupt, path_ + ": frame " + std::to_string(frame) + "'s rows in the vector index skip a passage");
        take(seg_keys[r + j], &from_record.codes[j * dimension_], from_record.scales[j]);
      }
      r += n - 1;
    }
    if (i == inputs.front()) first_rows = keys.size();
  }
  if (keys.empty()) return {};
  VecBuildOptions options;
  options.compress = settings_.vector_compression;
  options.hnsw_threshold = graph_min_rows_;
  // A merge whose first input (the oldest and, by the merge policy, the largest) has a graph
  // and loses none of its rows extends that graph by the other inputs' rows, where building
  // one over all the rows would insert every row again: each merge costs the rows it adds.
  std::optional<vec::HnswGraph> prior;
  if (inputs.size() > 1 && inputs.front() != refs_.size() && !options.compress && keys.size() >= options.hnsw_threshold) {
    if (auto first = segment(inputs.front()); first && first->layout() == VecLayout::Hnsw && first->size() == first_rows)
      prior = first->hnsw_graph();
  }
  if (prior) options.prior_graph = &*prior;
  return encode_vec_segment(keys, rows, dimension_, options);
}

std::vector<VecHit> VectorIndex::search(std::span<const float> query, std::size_t k,
                                        const std::function<bool(std::uint64_t)>& accept,
                                        const VecSearchOptions& options) const {
  std::vector<VecHit> all;
  if (k == 0 || dimension_ == 0) return all;
  if (query.size() != dimension_) check_dimension(query.size());
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    auto seg = segment(i);
    if (!seg) continue;
    auto hits = seg->search(query, k, accept, options);
    all.insert(all.end(), hits.begin(), hits.end());
  }
  std::uint64_t judged = ~std::uint64_t{0};
  bool admitted = false;
  for (std::size_t r = 0; r < buffer_keys_.size(); ++r) {
    const std::uint64_t frame = key_frame(buffer_keys_[r]);
    if (frame != judged) admitted = !accept || accept(frame), judged = frame;  // a frame's rows are adjacent
    if (!admitted) continue;
    all.push_back({frame, key_passage(buffer_keys_[r]), vec::dot(query.data(), buffer_vectors_.data() + r * dimension_, dimension_)});
  }
  const std::size_t n = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
  all.resize(n);
  return all;
}

void VectorIndex::for_each_row(std::uint64_t frame,
                               const std::function<void(std::uint64_t, std::span<const float>)>& fn) const {
  if (frame > kMaxVecFrame) return;
  const std::uint64_t lo = vec_key(frame, 0), hi = vec_key(frame, kMaxPassage);
  auto it = std::lower_bound(buffer_keys_.begin(), buffer_keys_.end(), lo);
  if (it != buffer_keys_.end() && *it <= hi) {
    for (; it != buffer_keys_.end() && *it <= hi; ++it) {
      const std::size_t r = static_cast<std::size_t>(it - buffer_keys_.begin());
      fn(*it, std::span(buffer_vectors_).subspan(r * dimension_, dimension_));
    }
    return;
  }
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    if (frame < refs_[i].first_frame || frame >= refs_[i].end_frame) continue;
    auto seg = segment(i);
    if (!seg) return;
    const auto [first, end] = seg->rows_between(lo, hi);
    if (first == end) return;
    if (seg->layout() != VecLayout::IvfPq) {
      for (std::size_t r = first; r < end; ++r) {
        const std::uint64_t key = seg->key(r);
        fn(key, seg->row_vector(key));
      }
      return;
    }
    const Q8Rows from_record = read_record_vector_(frame, dimension_);
    if (from_record.codes.size() != from_record.rows() * dimension_) return;
    std::vector<float> v(dimension_);
    for (std::size_t j = 0; j < from_record.rows(); ++j) {
      dequantize_row(&from_record.codes[j * dimension_], from_record.scales[j], dimension_, v.data());
      fn(vec_key(frame, static_cast<std::uint32_t>(j)), v);
    }
    return;
  }
}

std::optional<VecHit> VectorIndex::best_passage(std::uint64_t frame, std::span<const float> query) const {
  std::optional<VecHit> best;
  if (query.size() != dimension_ || dimension_ == 0) return best;
  for_each_row(frame, [&](std::uint64_t key, std::span<const float> v) {
    const VecHit h{frame, key_passage(key), vec::dot(v.data(), query.data(), dimension_)};
    if (!best || better(h, *best)) best = h;
  });
  return best;
}

std::uint32_t VectorIndex::row_count(std::uint64_t frame) const {
  if (frame > kMaxVecFrame) return 0;
  const std::uint64_t lo = vec_key(frame, 0), hi = vec_key(frame, kMaxPassage);
  if (const auto n = static_cast<std::uint32_t>(std::upper_bound(buffer_keys_.begin(), buffer_keys_.end(), hi) -
                                                 std::lower_bound(buffer_keys_.begin(), buffer_keys_.end(), lo)))
    return n;
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    if (frame < refs_[i].first_frame || frame >= refs_[i].end_frame) continue;
    auto seg = segment(i);
    if (!seg) return 0;
    const auto [first, end] = seg->rows_between(lo, hi);
    return static_cast<std::uint32_t>(end - first);
  }
  return 0;
}

std::vector<float> VectorIndex::frame_vectors(std::uint64_t frame) const {
  std::vector<float> out;
  for_each_row(frame, [&](std::uint64_t, std::span<const float> v) { out.insert(out.end(), v.begin(), v.end()); });
  return out;
}

std::vector<float> VectorIndex::sample(std::size_t n) const {
  std::vector<float> out;
  const std::uint64_t rows = vector_count();
  if (n == 0 || rows == 0 || dimension_ == 0) return out;
  // Row numbers 0, step, 2 step, ... over the segments in order, then the buffer.
  const double step = std::max(1.0, static_cast<double>(rows) / static_cast<double>(n));
  std::uint64_t base = 0;
  double next = 0;
  auto take_row = [&](std::uint64_t key, const std::vector<float>& v) {
    if (!v.empty()) {
      out.insert(out.end(), v.begin(), v.end());
      return;
    }
    const Q8Rows from_record = read_record_vector_(key_frame(key), dimension_);
    const std::uint32_t p = key_passage(key);
    if (p < from_record.rows() && from_record.codes.size() == from_record.rows() * dimension_) {
      const std::size_t at = out.size();
      out.resize(at + dimension_);
      dequantize_row(&from_record.codes[p * dimension_], from_record.scales[p], dimension_, &out[at]);
    }
  };
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    auto seg = segment(i);
    if (!seg) continue;
    for (; next < static_cast<double>(base + seg->size()); next += step) {
      // A row read by position touches one block of codes; its key (a second block) only
      // when the segment keeps no vector for it.
      const std::size_t row = static_cast<std::size_t>(next) - base;
      const std::vector<float> v = seg->row_vector_at(row);
      take_row(v.empty() ? seg->key(row) : 0, v);
    }
    base += seg->size();
  }
  for (; next < static_cast<double>(base + buffer_keys_.size()); next += step) {
    const std::size_t r = static_cast<std::size_t>(next) - base;
    take_row(buffer_keys_[r], std::vector<float>(buffer_vectors_.begin() + static_cast<std::ptrdiff_t>(r * dimension_),
                                                  buffer_vectors_.begin() + static_cast<std::ptrdiff_t>((r + 1) * dimension_)));
  }
  return out;
}

}  // namespace memvid::index
