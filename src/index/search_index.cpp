#include "index/search_index.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "format/frame_record.hpp"
#include "format/layout.hpp"
#include "index/lex_merge.hpp"
#include "index/passages.hpp"
#include "memvid/error.hpp"
#include "memvid/types.hpp"
#include "store/merge_policy.hpp"

namespace memvid::index {

namespace {

class StoreSource final : public ByteSource {
 public:
  explicit StoreSource(const store::Store& store) : store_(store) {}
  std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t length) const override {
    return store_.read_bytes(offset, length, "index segment");
  }

 private:
  const store::Store& store_;
};

std::string segment_name(const store::Store& store, std::size_t i, std::uint64_t offset) {
  return store.path() + ": lexical segment " + std::to_string(i) + " at file offset " + std::to_string(offset);
}

}  // namespace

SearchIndex::SearchIndex(store::Store& store)
    : store_(store),
      file_source_(std::make_shared<StoreSource>(store)),
      vectors_(file_source_, store.path(), [&store](std::uint64_t frame) {
        const format::TocEntry& e = store.entry(frame);
        if (e.record_removed()) return std::vector<float>{};
        return store.read_record(e).meta.embedding;
      }) {
  reset_from_store();
  store_.set_participant(this);
}

SearchIndex::~SearchIndex() { store_.set_participant(nullptr); }

std::vector<std::uint8_t> SearchIndex::initial_extension(const IndexSettings& settings) {
  text::Analyzer check(settings.language);  // throws for an unknown language
  if (settings.language.size() > 64) throw Error(ErrorCode::InvalidArgument, "language name too long");
  check_chunk_settings(settings.chunk_bytes, settings.chunk_overlap);
  if (settings.embedding_model.size() > 255 || settings.embedding_model.find(':') == 0)
    throw Error(ErrorCode::InvalidArgument, "embedding model name '" + settings.embedding_model.substr(0, 80) +
                                                "' must be \"provider:model\" and at most 255 bytes");
  if (settings.embedding_dimension > format::kMaxEmbeddingDimension)
    throw Error(ErrorCode::InvalidArgument, "embedding dimension must be at most " +
                                                std::to_string(format::kMaxEmbeddingDimension));
  IndexManifest m;
  m.settings = settings;
  return m.encode();
}

void SearchIndex::reset_from_store() {
  const auto& ext = store_.manifest_extension();
  if (ext.empty()) {
    manifest_ = IndexManifest{};  // a file from before indexes: everything is indexed on open
  } else {
    manifest_ = IndexManifest::decode(ext, store_.committed_toc_offset(), store_.committed_frame_count(), store_.path());
  }
  if (!analyzer_ || analyzer_->language() != manifest_.settings.language)
    analyzer_ = std::make_unique<text::Analyzer>(manifest_.settings.language);
  segments_open_ = false;
  segments_.clear();
  time_cache_.assign(manifest_.segments.size(), nullptr);
  buffer_.clear();
  buffer_end_ = manifest_.indexed_frames;
  buffer_segment_.reset();
  buffer_changed_ = true;
  pending_.reset();
  vectors_.reset(manifest_.settings, manifest_.segments);
}

void SearchIndex::check_chunk_settings(std::uint32_t bytes, std::uint32_t overlap) {
  if (bytes < format::kMinChunkBytes || bytes > format::kMaxChunkSetting)
    throw Error(ErrorCode::InvalidArgument, "chunk size must be between " + std::to_string(format::kMinChunkBytes) +
                                                " and " + std::to_string(format::kMaxChunkSetting) + " bytes, not " +
                                                std::to_string(bytes));
  if (overlap >= bytes)
    throw Error(ErrorCode::InvalidArgument, "chunk overlap (" + std::to_string(overlap) +
                                                ") must be smaller than the chunk size (" + std::to_string(bytes) + ")");
}

SearchIndex::AnalyzedFrame SearchIndex::analyze_frame(const FrameText& f) const {
  AnalyzedFrame a;
  a.id = f.id;
  if (!f.embedding.empty()) a.vector = normalized(f.embedding);
  if (!has_passages(f.kind)) return a;
  for (const auto& t : f.tags) a.keywords.push_back(kTagPrefix + text::Analyzer::fold(t));
  for (const auto& l : f.labels) a.keywords.push_back(kLabelPrefix + text::Analyzer::fold(l));
  a.keywords.push_back(kKindPrefix + std::string(to_string(static_cast<FrameKind>(f.kind))));
  if (!f.uri.empty()) a.keywords.push_back(kUriPrefix + text::Analyzer::fold(f.uri));
  analyzer_->analyze(f.title, a.title);
  for (const text::ChunkRange& c : passages(f.payload, manifest_.settings, f.chunk_bytes, f.chunk_overlap)) {
    a.chunks.emplace_back();
    analyzer_->analyze(f.payload.substr(c.begin, c.end - c.begin), a.chunks.back());
  }
  return a;
}

void SearchIndex::add_analyzed(const AnalyzedFrame& a) const {
  buffer_changed_ = true;
  buffer_end_ = a.id + 1;
  for (const auto& body : a.chunks) buffer_.add(a.id, a.title, body, a.keywords);
  if (!a.vector.empty()) vectors_.add(a.id, a.vector);
}

void SearchIndex::index_frame(const FrameText& f) const { add_analyzed(analyze_frame(f)); }

void SearchIndex::add_frames(std::span<const FrameText> frames,
                             const std::function<void(std::size_t, std::size_t)>& before_each_window) {
  if (frames.empty()) return;
  catch_up(frames.front().id);
  // Analysis (segmentation, normalization, stemming) is a pure function of the text, so a
  // second thread runs it a few windows ahead while this thread stores each window's frames
  // (before_each_window) and adds the analyzed window to the buffer, in frame order: the
  // same bytes as one thread, in much less time.
  constexpr std::size_t kWindow = 256, kAhead = 3;
  const std::size_t n_windows = (frames.size() + kWindow - 1) / kWindow;
  std::vector<std::vector<AnalyzedFrame>> slots(n_windows);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t analyzed = 0, consumed = 0;
  bool stop = false;
  std::exception_ptr failure;
  std::thread worker([&] {
    for (std::size_t w = 0; w < n_windows; ++w) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || w < consumed + kAhead; });
        if (stop) return;
      }
      std::vector<AnalyzedFrame> out;
      try {
        for (std::size_t i = w * kWindow; i < std::min(frames.size(), (w + 1) * kWindow); ++i)
          out.push_back(analyze_frame(frames[i]));
      } catch (...) {
        std::lock_guard lock(mu);
        failure = std::current_exception();
        analyzed = n_windows;
        cv.notify_all();
        return;
      }
      std::lock_guard lock(mu);
      slots[w] = std::move(out);
      analyzed = w + 1;
      cv.notify_all();
    }
  });
  try {
    for (std::size_t w = 0; w < n_windows; ++w) {
      const std::size_t begin = w * kWindow, end = std::min(frames.size(), begin + kWindow);
      if (before_each_window) before_each_window(begin, end);
      std::vector<AnalyzedFrame> window;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return analyzed > w; });
        if (failure) std::rethrow_exception(failure);
        window = std::move(slots[w]);
      }
      for (const AnalyzedFrame& a : window)
        if (a.id == buffer_end_) add_analyzed(a);
      std::lock_guard lock(mu);
      consumed = w + 1;
      cv.notify_all();
    }
  } catch (...) {
    {
      std::lock_guard lock(mu);
      stop = true;
      cv.notify_all();
    }
    worker.join();
    throw;
  }
  worker.join();
}

void SearchIndex::add_frame(const FrameText& frame) {
  catch_up(frame.id);
  if (frame.id != buffer_end_) return;  // already indexed (cannot happen through the API)
  index_frame(frame);
}

void SearchIndex::catch_up(std::uint64_t frame_end) const {
  // Frames the store replayed from the WAL (or that an older version wrote without an
  // index) are indexed from their records.
  while (buffer_end_ < frame_end) {
    const format::TocEntry& e = store_.entry(buffer_end_);
    if (e.record_removed()) {
      // Vacuumed away: nothing to search, but it keeps its place in the time index.
      FrameText gone;
      gone.id = e.frame_id;
      gone.kind = static_cast<std::uint8_t>(FrameKind::Binary);
      index_frame(gone);
      continue;
    }
    format::FrameRecord rec = store_.read_record(e);
    std::vector<std::uint8_t> payload;
    if (has_passages(rec.kind)) payload = format::frame_payload(rec, e.record_offset);
    FrameText f;
    f.id = e.frame_id;
    f.kind = rec.kind;
    f.payload = std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size());
    f.title = rec.meta.title;
    f.uri = rec.meta.uri;
    f.tags = rec.meta.tags;
    f.labels = rec.meta.labels;
    f.embedding = rec.meta.embedding;
    f.chunk_bytes = rec.meta.chunk_bytes;
    f.chunk_overlap = rec.meta.chunk_overlap;
    index_frame(f);
  }
}

void SearchIndex::sync_with_store() { forget_frames_from(store_.frame_count()); }

void SearchIndex::forget_frames_from(std::uint64_t frame_end) {
  if (buffer_end_ <= frame_end) return;
  buffer_.drop_frames_from(frame_end);
  vectors_.forget_from(frame_end);
  buffer_end_ = std::max(frame_end, manifest_.indexed_frames);
  buffer_changed_ = true;
}

void SearchIndex::open_segments() const {
  if (segments_open_) return;
  std::vector<std::shared_ptr<const LexSegment>> segs;
  for (std::size_t i = 0; i < manifest_.segments.size(); ++i) {
    const IndexSegmentRef& r = manifest_.segments[i];
    segs.push_back(LexSegment::open(file_source_, r.lex_offset, r.lex_length, &r.lex_checksum,
                                    segment_name(store_, i, r.lex_offset)));
  }
  segments_ = std::move(segs);
  segments_open_ = true;
}

std::vector<std::shared_ptr<const LexSegment>> SearchIndex::lex_segments() const {
  open_segments();
  catch_up(store_.frame_count());
  std::vector<std::shared_ptr<const LexSegment>> out = segments_;
  if (buffer_.doc_count() > 0) {
    if (buffer_changed_ || !buffer_segment_) {
      auto bytes = buffer_.encode();
      const std::uint64_t size = bytes.size();
      buffer_segment_ = LexSegment::open(std::make_shared<MemorySource>(std::move(bytes)), 0, size, nullptr,
                                         store_.path() + ": in-memory index buffer");
      buffer_changed_ = false;
    }
    out.push_back(buffer_segment_);
  }
  return out;
}

const VectorIndex& SearchIndex::vectors() const {
  catch_up(store_.frame_count());
  return vectors_;
}

const std::vector<TimeEntry>& SearchIndex::time_entries(std::size_t i) const {
  if (!time_cache_[i]) {
    const IndexSegmentRef& r = manifest_.segments[i];
    auto bytes = store_.read_bytes(r.time_offset, r.time_length, "time index segment");
    auto entries = decode_time_segment(bytes, r.time_offset, &r.time_checksum);
    if (entries.size() != r.time_entries)
      throw Error(ErrorCode::Corrupt, store_.path() + ": time index segment at file offset " +
                                          std::to_string(r.time_offset) + " holds a different entry count than the TOC says");
    time_cache_[i] = std::make_shared<const std::vector<TimeEntry>>(std::move(entries));
  }
  return *time_cache_[i];
}

std::vector<TimeEntry> SearchIndex::buffer_time_entries(std::uint64_t end) const {
  std::vector<TimeEntry> out;
  for (std::uint64_t id = manifest_.indexed_frames; id < end; ++id) out.push_back({store_.entry(id).timestamp_ms, id});
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<TimeEntry> SearchIndex::time_range(std::optional<std::int64_t> since,
                                               std::optional<std::int64_t> until) const {
  const TimeEntry lo{since.value_or(INT64_MIN), 0};
  std::vector<TimeEntry> out;
  auto take = [&](const std::vector<TimeEntry>& v) {
    auto it = std::lower_bound(v.begin(), v.end(), lo);
    for (; it != v.end() && (!until || it->timestamp_ms <= *until); ++it) out.push_back(*it);
  };
  for (std::size_t i = 0; i < manifest_.segments.size(); ++i) take(time_entries(i));
  take(buffer_time_entries(store_.frame_count()));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint8_t> SearchIndex::prepare_checkpoint(std::uint64_t at, std::vector<std::uint8_t>& out) {
  const std::uint64_t committed = store_.committed_frame_count();
  open_segments();
  // Frames past the committed ones exist only when closing with a transaction open: they
  // are being rolled back.
  forget_frames_from(committed);
  catch_up(committed);

  Pending p;
  p.manifest = manifest_;
  p.manifest.indexed_frames = committed;
  p.manifest.settings.embedding_dimension = vectors_.dimension();
  p.manifest.segments.clear();
  std::vector<IndexSegmentRef> refs = manifest_.segments;
  std::vector<std::shared_ptr<const LexSegment>> segs = segments_;
  std::vector<std::shared_ptr<const std::vector<TimeEntry>>> times(manifest_.segments.size());
  for (std::size_t i = 0; i < times.size(); ++i) times[i] = time_cache_[i];
  std::vector<bool> fresh(refs.size(), false);
  std::vector<std::vector<std::uint8_t>> fresh_lex(refs.size());
  if (committed > manifest_.indexed_frames) {
    IndexSegmentRef r;
    r.first_frame = manifest_.indexed_frames;
    r.end_frame = committed;
    auto bytes = buffer_.encode();
    const std::uint64_t size = bytes.size();
    refs.push_back(r);
    fresh_lex.push_back(bytes);
    segs.push_back(LexSegment::open(std::make_shared<MemorySource>(std::move(bytes)), 0, size, nullptr,
                                    store_.path() + ": new lexical segment"));
    times.push_back(std::make_shared<const std::vector<TimeEntry>>(buffer_time_entries(committed)));
    fresh.push_back(true);
  }
  if (refs.empty()) return manifest_.encode();

  auto live = [&](std::uint64_t frame) { return store_.entry(frame).status == static_cast<std::uint8_t>(FrameStatus::Active); };
  std::vector<std::uint64_t> sizes;
  for (const auto& r : refs) sizes.push_back(r.frames());
  // Without new frames there is no new segment to place, and nothing to merge.
  std::vector<store::MergeGroup> groups;
  if (fresh.back()) {
    groups = store::plan_segment_merges(sizes);
  } else {
    for (std::size_t i = 0; i < refs.size(); ++i) groups.push_back({i});
  }
  for (const store::MergeGroup& g : groups) {
    if (g.size() == 1 && !fresh[g[0]]) {
      p.manifest.segments.push_back(refs[g[0]]);
      p.segments.push_back(segs[g[0]]);
      p.times.push_back(times[g[0]] ? times[g[0]] : nullptr);
      continue;
    }
    IndexSegmentRef r;
    r.first_frame = refs[g.front()].first_frame;
    r.end_frame = refs[g.back()].end_frame;
    std::vector<std::uint8_t> lex;
    auto merged_times = std::make_shared<std::vector<TimeEntry>>();
    // Index manifest_.segments.size() stands for the buffer in both the vector index and fresh.
    std::function<bool(std::uint64_t)> purge;
    if (g.size() > 1) purge = live;
    std::vector<std::uint8_t> vec = vectors_.build_segment(g, purge);
    if (g.size() == 1) {
      lex = std::move(fresh_lex[g[0]]);
      *merged_times = *times[g[0]];
    } else {
      std::vector<std::shared_ptr<const LexSegment>> inputs;
      for (std::size_t i : g) {
        inputs.push_back(segs[i]);
        const auto& t = (i < time_cache_.size()) ? time_entries(i) : *times[i];
        merged_times->insert(merged_times->end(), t.begin(), t.end());
      }
      lex = merge_lex_segments(inputs, live);
      std::sort(merged_times->begin(), merged_times->end());
    }
    auto time_bytes = encode_time_segment(*merged_times);
    r.lex_offset = at + out.size();
    r.lex_length = lex.size();
    out.insert(out.end(), lex.begin(), lex.end());
    r.time_offset = at + out.size();
    r.time_length = time_bytes.size();
    r.time_entries = merged_times->size();
    r.time_checksum = time_segment_checksum(time_bytes);
    out.insert(out.end(), time_bytes.begin(), time_bytes.end());
    if (!vec.empty()) {
      r.vec_offset = at + out.size();
      r.vec_length = vec.size();
      r.vec_count = encoded_vec_count(vec);
      r.vec_checksum = vec_segment_checksum(vec);
      out.insert(out.end(), vec.begin(), vec.end());
    }
    // The lexical segment's own trailer checksum identifies it (like TOC segments).
    std::copy(lex.end() - 16, lex.end(), r.lex_checksum.begin());
    r.lex_docs = encoded_doc_count(lex);
    p.manifest.segments.push_back(r);
    p.segments.push_back(nullptr);
    p.times.push_back(merged_times);
  }
  auto ext = p.manifest.encode();
  pending_ = std::move(p);
  return ext;
}

void SearchIndex::checkpoint_committed() {
  if (!pending_) {
    // Nothing changed in the index (no frames, no segments); the extension was carried over.
    return;
  }
  Pending p = std::move(*pending_);
  pending_.reset();
  manifest_ = std::move(p.manifest);
  segments_.clear();
  for (std::size_t i = 0; i < manifest_.segments.size(); ++i) {
    const IndexSegmentRef& r = manifest_.segments[i];
    segments_.push_back(p.segments[i] ? p.segments[i]
                                      : LexSegment::open(file_source_, r.lex_offset, r.lex_length, &r.lex_checksum,
                                                         segment_name(store_, i, r.lex_offset)));
  }
  segments_open_ = true;
  time_cache_ = std::move(p.times);
  vectors_.committed(manifest_.settings, manifest_.segments);
  buffer_.clear();
  buffer_end_ = manifest_.indexed_frames;
  buffer_segment_.reset();
  buffer_changed_ = true;
}

void SearchIndex::store_reloaded() { reset_from_store(); }

}  // namespace memvid::index
