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

// The ranking order of every vector search: score, then frame.
bool better(const VecHit& a, const VecHit& b) { return a.score != b.score ? a.score > b.score : a.frame < b.frame; }

}  // namespace

VectorIndex::VectorIndex(std::shared_ptr<const ByteSource> file, std::string path, RecordVectorReader read_record_vector)
    : file_(std::move(file)), path_(std::move(path)), read_record_vector_(std::move(read_record_vector)) {}

VectorIndex::VectorIndex(const PartHost& host)
    : VectorIndex(host.file, host.store.path(), [&store = host.store](std::uint64_t frame) {
        const format::TocEntry& e = store.entry(frame);
        if (e.record_removed()) return std::vector<float>{};
        return store.read_record(e).meta.embedding;
      }) {}

void VectorIndex::reset(const IndexManifest& manifest) {
  settings_ = manifest.settings;
  refs_ = manifest.segments;
  segments_.assign(refs_.size(), nullptr);
  opened_.assign(refs_.size(), false);
  dimension_ = settings_.embedding_dimension;
  buffer_frames_.clear();
  buffer_vectors_.clear();
}

void VectorIndex::add(const AnalyzedFrame& frame) {
  if (!frame.vector.empty()) add(frame.id, frame.vector);
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
  std::uint64_t n = buffer_frames_.size();
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

void VectorIndex::add(std::uint64_t frame, std::vector<float> unit_vector) {
  check_dimension(unit_vector.size());
  if (!buffer_frames_.empty() && frame <= buffer_frames_.back())
    throw Error(ErrorCode::InvalidArgument, "vectors must be added in frame order");
  dimension_ = static_cast<std::uint32_t>(unit_vector.size());
  buffer_frames_.push_back(frame);
  buffer_vectors_.insert(buffer_vectors_.end(), unit_vector.begin(), unit_vector.end());
}

void VectorIndex::forget_from(std::uint64_t frame) {
  auto it = std::lower_bound(buffer_frames_.begin(), buffer_frames_.end(), frame);
  const std::size_t keep = static_cast<std::size_t>(it - buffer_frames_.begin());
  buffer_frames_.resize(keep);
  buffer_vectors_.resize(keep * dimension_);
  if (keep == 0 && vector_count() == 0) dimension_ = settings_.embedding_dimension;
}

std::shared_ptr<const VecSegment> VectorIndex::segment(std::size_t i) const {
  if (!opened_[i]) {
    if (const PartRef* r = refs_[i].part(kTag)) {
      segments_[i] = VecSegment::open(file_, r->offset, r->length, &r->checksum, dimension_,
                                      path_ + ": vector segment " + std::to_string(i) + " at file offset " +
                                          std::to_string(r->offset));
      if (segments_[i]->size() != r->count)
        throw Error(ErrorCode::Corrupt, path_ + ": vector segment " + std::to_string(i) +
                                            " holds a different row count than the TOC says");
    }
    opened_[i] = true;
  }
  return segments_[i];
}

std::vector<std::uint8_t> VectorIndex::build_segment(std::span<const std::size_t> inputs, const LiveFn& live) const {
  std::vector<std::uint64_t> frames;
  std::vector<float> vectors;
  auto take = [&](std::uint64_t frame, std::span<const float> v) {
    if (live && !live(frame)) return;
    frames.push_back(frame);
    vectors.insert(vectors.end(), v.begin(), v.end());
  };
  for (std::size_t i : inputs) {
    if (i == refs_.size()) {
      for (std::size_t r = 0; r < buffer_frames_.size(); ++r)
        take(buffer_frames_[r], std::span(buffer_vectors_).subspan(r * dimension_, dimension_));
      continue;
    }
    auto seg = segment(i);
    if (!seg) continue;
    for (std::uint64_t frame : seg->frames()) {
      if (live && !live(frame)) continue;
      std::span<const float> v = seg->exact_vector(frame);
      if (!v.empty()) {
        take(frame, v);
        continue;
      }
      // Compressed segments keep codes only: the exact vector comes from the frame's record.
      std::vector<float> from_record = read_record_vector_(frame);
      if (from_record.size() != dimension_)
        throw Error(ErrorCode::Corrupt, path_ + ": frame " + std::to_string(frame) +
                                            " is in the vector index but its record holds no vector of the memory's dimension");
      take(frame, normalized(from_record));
    }
  }
  if (frames.empty()) return {};
  VecBuildOptions options;
  options.compress = settings_.vector_compression;
  return encode_vec_segment(frames, vectors, dimension_, options);
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
  for (std::size_t r = 0; r < buffer_frames_.size(); ++r) {
    if (accept && !accept(buffer_frames_[r])) continue;
    all.push_back({buffer_frames_[r], vec::dot(query.data(), buffer_vectors_.data() + r * dimension_, dimension_)});
  }
  const std::size_t n = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
  all.resize(n);
  return all;
}

std::vector<float> VectorIndex::exact_vector(std::uint64_t frame) const {
  auto it = std::lower_bound(buffer_frames_.begin(), buffer_frames_.end(), frame);
  if (it != buffer_frames_.end() && *it == frame) {
    const std::size_t r = static_cast<std::size_t>(it - buffer_frames_.begin());
    return {buffer_vectors_.begin() + static_cast<std::ptrdiff_t>(r * dimension_),
            buffer_vectors_.begin() + static_cast<std::ptrdiff_t>((r + 1) * dimension_)};
  }
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    if (frame < refs_[i].first_frame || frame >= refs_[i].end_frame) continue;
    auto seg = segment(i);
    if (!seg) return {};
    std::span<const float> v = seg->exact_vector(frame);
    if (!v.empty()) return {v.begin(), v.end()};
    if (!std::binary_search(seg->frames().begin(), seg->frames().end(), frame)) return {};
    std::vector<float> from_record = read_record_vector_(frame);
    return from_record.size() == dimension_ ? normalized(from_record) : std::vector<float>{};
  }
  return {};
}

std::vector<float> VectorIndex::sample(std::size_t n) const {
  std::vector<float> out;
  const std::uint64_t rows = vector_count();
  if (n == 0 || rows == 0 || dimension_ == 0) return out;
  // Row numbers 0, step, 2 step, ... over the segments in order, then the buffer.
  const double step = std::max(1.0, static_cast<double>(rows) / static_cast<double>(n));
  std::uint64_t base = 0;
  double next = 0;
  auto take_row = [&](std::uint64_t frame, std::span<const float> v) {
    if (!v.empty()) {
      out.insert(out.end(), v.begin(), v.end());
      return;
    }
    std::vector<float> from_record = read_record_vector_(frame);
    if (from_record.size() == dimension_) {
      from_record = normalized(from_record);
      out.insert(out.end(), from_record.begin(), from_record.end());
    }
  };
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    auto seg = segment(i);
    if (!seg) continue;
    const auto& frames = seg->frames();
    for (; next < static_cast<double>(base + frames.size()); next += step) {
      const std::uint64_t frame = frames[static_cast<std::size_t>(next) - base];
      take_row(frame, seg->exact_vector(frame));
    }
    base += frames.size();
  }
  for (; next < static_cast<double>(base + buffer_frames_.size()); next += step) {
    const std::size_t r = static_cast<std::size_t>(next) - base;
    take_row(buffer_frames_[r], std::span(buffer_vectors_).subspan(r * dimension_, dimension_));
  }
  return out;
}

}  // namespace memvid::index
