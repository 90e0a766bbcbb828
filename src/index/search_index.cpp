#include "index/search_index.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "facts/registered_schema.hpp"
#include "facts/rules_extractor.hpp"
#include "format/frame_record.hpp"
#include "format/layout.hpp"
#include "index/facts/fact_part.hpp"
#include "index/part_registry.hpp"
#include "index/mentions/mention_part.hpp"
#include "index/passages.hpp"
#include "time/civil.hpp"
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
  std::shared_ptr<const FileView> view(std::uint64_t offset, std::uint64_t length) const override {
    return store_.view_bytes(offset, length, "index segment");
  }

 private:
  const store::Store& store_;
};

}  // namespace

SearchIndex::SearchIndex(store::Store& store) : store_(store), file_source_(std::make_shared<StoreSource>(store)) {
  const PartHost host{store_, file_source_, manifest_.settings};
  for (const PartKind* kind : part_kinds()) {
    parts_.push_back(kind->open(host));
    IndexPart* p = parts_.back().get();
    if (kind->tag() == LexPart::kTag) lex_ = static_cast<LexPart*>(p);
    if (kind->tag() == TimePart::kTag) time_ = static_cast<TimePart*>(p);
    if (kind->tag() == VectorIndex::kTag) vectors_ = static_cast<VectorIndex*>(p);
  }
  reset_from_store();
  store_.set_participant(this);
}

SearchIndex::~SearchIndex() { store_.set_participant(nullptr); }

void SearchIndex::set_vector_graph_min_rows(std::size_t rows) { vectors_->set_graph_min_rows(rows); }

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
  for (auto& part : parts_) part->reset(manifest_);
  buffer_end_ = manifest_.indexed_frames;
  pending_.reset();
}

std::vector<std::shared_ptr<const LexSegment>> SearchIndex::lex_segments() const {
  catch_up(store_.frame_count());
  return lex_->segments();
}

const VectorIndex& SearchIndex::vectors() const {
  catch_up(store_.frame_count());
  return *vectors_;
}

std::vector<TimeEntry> SearchIndex::time_range(std::optional<std::int64_t> since,
                                               std::optional<std::int64_t> until) const {
  return time_->range(since, until, store_.frame_count());
}

std::vector<std::uint64_t> SearchIndex::mentioned_frames(std::optional<std::int64_t> from_ms,
                                                         std::optional<std::int64_t> until_ms) const {
  const auto* m = dynamic_cast<const MentionPart*>(part(MentionPart::kTag));
  if (!m) return {};
  const std::int64_t first =
      from_ms ? std::max(civil::kFirstDay, civil::floor_div(*from_ms, civil::kMsPerDay)) : civil::kFirstDay;
  const std::int64_t end =
      until_ms ? std::min(civil::kEndDay, civil::floor_div(*until_ms, civil::kMsPerDay) + 1) : civil::kEndDay;
  std::vector<std::uint64_t> frames;
  if (first >= end) return frames;
  for (const MentionRow& r : m->overlapping(first, end, store_.frame_count())) frames.push_back(r.frame);
  std::sort(frames.begin(), frames.end());
  frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  return frames;
}

const IndexPart* SearchIndex::part(PartTag tag) const {
  catch_up(store_.frame_count());
  const auto& kinds = part_kinds();
  for (std::size_t i = 0; i < kinds.size() && i < parts_.size(); ++i)
    if (kinds[i]->tag() == tag) return parts_[i].get();
  return nullptr;
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

AnalyzedFrame SearchIndex::analyze_frame(const FrameText& f) const {
  AnalyzedFrame a;
  a.id = f.id;
  if (f.vectors) {
    a.vectors = *f.vectors;
  } else if (!f.embedding.empty()) {
    append_quantized(a.vectors, normalized(f.embedding));
  }
  if (is_fact_record_frame(f.kind, f.labels)) a.facts = fact_record_rows(f.labels, f.payload, f.id);
  if (!has_passages(f.kind)) return a;
  std::vector<text::ChunkRange> cut;
  if (!f.passages) cut = passages(f.payload, manifest_.settings, f.chunk_bytes, f.chunk_overlap);
  const std::vector<text::ChunkRange>& ranges = f.passages ? *f.passages : cut;
  // A whole-frame vector of a text of one passage is kept as it is (it may be the caller's).
  const bool from_text =
      f.vectors_from_text || (prefer_text_vectors_ && !f.vectors && !f.embedding.empty() && ranges.size() > 1);
  if (from_text && embed_passages_) {
    std::unique_lock turn(embed_mu_);
    Q8Rows made = embed_passages_(f.title, f.payload, ranges);
    turn.unlock();
    if (made.rows() > 0) a.vectors = std::move(made);
  }
  for (const auto& t : f.tags) a.keywords.push_back(kTagPrefix + text::Analyzer::fold(t));
  for (const auto& l : f.labels) a.keywords.push_back(kLabelPrefix + text::Analyzer::fold(l));
  a.keywords.push_back(kKindPrefix + std::string(to_string(static_cast<FrameKind>(f.kind))));
  if (!f.uri.empty()) a.keywords.push_back(kUriPrefix + text::Analyzer::fold(f.uri));
  if (manifest_.settings.index_mentions) a.mentions = mention_rows(f.payload, f.id, f.timestamp_ms);
  if (!f.facts_off)
    a.facts = facts::rules_fact_rows(
        f.payload, f.id, f.timestamp_ms, facts::is_correction(f.labels));
  std::vector<text::Token> scratch;
  analyze_into(*analyzer_, f.title, a.vocabulary, a.title, scratch);
  a.chunks.reserve(ranges.size());
  for (const text::ChunkRange& c : ranges) {
    a.chunks.emplace_back();
    analyze_into(*analyzer_, std::string_view(f.payload).substr(c.begin, c.end - c.begin), a.vocabulary, a.chunks.back(),
                 scratch);
  }
  return a;
}

void SearchIndex::add_analyzed(AnalyzedFrame& a) const {
  buffer_end_ = a.id + 1;
  for (const auto& part : parts_) part->add(a);
}

void SearchIndex::index_frame(const FrameText& f) const {
  AnalyzedFrame a = analyze_frame(f);
  add_analyzed(a);
}

void SearchIndex::add_frames(std::span<const FrameText> frames,
                             const std::function<void(std::size_t, std::size_t)>& before_each_window,
                             const std::function<void(std::size_t)>& prepare) {
  if (frames.empty()) return;
  catch_up(frames.front().id);
  analyze_and_add(frames, before_each_window, prepare);
}

void SearchIndex::analyze_and_add(std::span<const FrameText> frames,
                                  const std::function<void(std::size_t, std::size_t)>& before_each_window,
                                  const std::function<void(std::size_t)>& prepare) const {
  // Analysis (segmentation, normalization, stemming, facts) is a pure function of the text,
  // so two other threads run it a few windows ahead while this thread stores each analyzed
  // window's frames (before_each_window) and adds the window to the buffer, in frame order:
  // the same bytes as one thread, in much less time.
  constexpr std::size_t kWindow = 256, kAhead = 3;
  // A very large text is analyzed here instead, when its turn comes: the lexical part lets go
  // of its words as it indexes them, and memory freed on this thread is what the index's
  // growth on this thread reuses (another thread's malloc arena would keep it).
  constexpr std::size_t kAnalyzeInTurn = 8u << 20;
  constexpr std::uint64_t kInTurn = ~0ull;
  const std::size_t n_windows = (frames.size() + kWindow - 1) / kWindow;
  // Two analysis threads take alternate windows: analysis costs more than storing and
  // adding, so one thread would leave this one waiting (on two cores too, since this one
  // is idle much of the time).
  const std::size_t n_workers = n_windows > 1 ? 2 : 1;
  std::vector<std::vector<AnalyzedFrame>> slots(n_windows);
  std::vector<char> ready(n_windows, 0);
  std::vector<std::exception_ptr> failures(n_windows);  // a window's analysis that threw
  std::mutex mu;
  std::condition_variable cv;
  std::size_t consumed = 0;
  bool stop = false;
  auto analyze_windows = [&](std::size_t first) {
    for (std::size_t w = first; w < n_windows; w += n_workers) {
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || w < consumed + kAhead; });
        if (stop) return;
      }
      std::vector<AnalyzedFrame> out;
      try {
        for (std::size_t i = w * kWindow; i < std::min(frames.size(), (w + 1) * kWindow); ++i) {
          if (prepare) prepare(i);
          if (frames[i].payload.size() >= kAnalyzeInTurn) {
            out.emplace_back().id = kInTurn;
          } else {
            out.push_back(analyze_frame(frames[i]));
          }
        }
      } catch (...) {
        // The worker stops here: the storing thread waits for windows in order, so it meets
        // this one before any later window of this worker and rethrows the error there.
        std::lock_guard lock(mu);
        failures[w] = std::current_exception();
        ready[w] = 1;
        cv.notify_all();
        return;
      }
      std::lock_guard lock(mu);
      slots[w] = std::move(out);
      ready[w] = 1;
      cv.notify_all();
    }
  };
  std::vector<std::thread> workers;
  auto stop_workers = [&] {
    {
      std::lock_guard lock(mu);
      stop = true;
      cv.notify_all();
    }
    for (std::thread& t : workers) t.join();
  };
  try {
    for (std::size_t j = 0; j < n_workers; ++j) workers.emplace_back(analyze_windows, j);
    for (std::size_t w = 0; w < n_windows; ++w) {
      const std::size_t begin = w * kWindow, end = std::min(frames.size(), begin + kWindow);
      std::vector<AnalyzedFrame> window;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready[w] != 0; });
        if (failures[w]) std::rethrow_exception(failures[w]);
        window = std::move(slots[w]);
      }
      // After the window's analysis (and its prepare calls), while the next windows are analyzed.
      if (before_each_window) before_each_window(begin, end);
      for (std::size_t k = 0; k < window.size(); ++k) {
        AnalyzedFrame& a = window[k];
        if (a.id == kInTurn) a = analyze_frame(frames[begin + k]);
        if (a.id == buffer_end_) add_analyzed(a);
      }
      std::lock_guard lock(mu);
      consumed = w + 1;
      cv.notify_all();
    }
  } catch (...) {
    stop_workers();
    throw;
  }
  stop_workers();
}

void SearchIndex::add_frame(const FrameText& frame) {
  catch_up(frame.id);
  if (frame.id != buffer_end_) return;  // already indexed (cannot happen through the API)
  index_frame(frame);
}

namespace {

// A frame read back from its record, holding what its FrameText points at.
struct ReadBack {
  format::FrameRecord record;
  std::vector<std::uint8_t> payload;
  Q8Rows stored;
};

}  // namespace

void SearchIndex::catch_up(std::uint64_t frame_end) const {
  // Frames the store replayed from the WAL (or that an older version wrote without an
  // index, or a rewrite) are indexed from their records, read a batch at a time (bounded in
  // frames and bytes) and analyzed on two threads as put_many's are.
  constexpr std::size_t kBatchFrames = 4096;
  constexpr std::size_t kBatchBytes = 64u << 20;
  while (buffer_end_ < frame_end) {
    std::vector<ReadBack> read;
    std::vector<FrameText> batch;
    read.reserve(std::min<std::uint64_t>(kBatchFrames, frame_end - buffer_end_));
    std::size_t bytes = 0;
    for (std::uint64_t id = buffer_end_; id < frame_end && read.size() < kBatchFrames && bytes < kBatchBytes; ++id) {
      const format::TocEntry& e = store_.entry(id);
      ReadBack& r = read.emplace_back();
      if (e.record_removed()) {
        // Vacuumed away: nothing to search, but it keeps its place in the time index.
        r.record.frame_id = e.frame_id;
        r.record.kind = static_cast<std::uint8_t>(FrameKind::Binary);
        continue;
      }
      r.record = store_.read_record(e);
      if (has_passages(r.record.kind) || is_fact_record_frame(r.record.kind, r.record.meta.labels))
        r.payload = format::frame_payload(r.record, e.record_offset);
      r.record.stored_payload = {};  // the payload is what analysis reads
      bytes += r.payload.size() + e.record_length;
      r.record.frame_id = e.frame_id;
    }
    batch.reserve(read.size());
    for (ReadBack& r : read) {
      FrameText& f = batch.emplace_back();
      format::FrameRecord& rec = r.record;
      f.id = rec.frame_id;
      f.kind = rec.kind;
      f.payload = std::string_view(reinterpret_cast<const char*>(r.payload.data()), r.payload.size());
      f.title = rec.meta.title;
      f.uri = rec.meta.uri;
      f.tags = rec.meta.tags;
      f.labels = rec.meta.labels;
      f.embedding = rec.meta.embedding;
      if (!rec.meta.passage_scales.empty()) {
        r.stored.codes = std::move(r.record.meta.passage_codes);
        r.stored.scales = std::move(r.record.meta.passage_scales);
        f.vectors = &r.stored;
      }
      f.vectors_from_text = rec.meta.vectors_from_text;
      f.chunk_bytes = rec.meta.chunk_bytes;
      f.chunk_overlap = rec.meta.chunk_overlap;
      f.timestamp_ms = rec.timestamp_ms;
      f.facts_off = rec.meta.facts_off;
    }
    analyze_and_add(batch, {});
  }
}

void SearchIndex::sync_with_store() { forget_frames_from(store_.frame_count()); }

void SearchIndex::forget_frames_from(std::uint64_t frame_end) {
  if (buffer_end_ <= frame_end) return;
  for (auto& part : parts_) part->forget_from(frame_end);
  buffer_end_ = std::max(frame_end, manifest_.indexed_frames);
}

std::vector<std::uint8_t> SearchIndex::prepare_checkpoint(std::uint64_t at, std::vector<std::uint8_t>& out) {
  const std::uint64_t committed = store_.committed_frame_count();
  // Frames past the committed ones exist only when closing with a transaction open: they
  // are being rolled back.
  forget_frames_from(committed);
  catch_up(committed);
  for (auto& part : parts_) part->abandon();  // an earlier checkpoint that was never committed
  pending_.reset();

  // The committed segments, then the buffer as a segment of its own when it holds frames.
  std::vector<IndexSegmentRef> refs = manifest_.segments;
  const std::size_t buffer = refs.size();
  const bool fresh = committed > manifest_.indexed_frames;
  if (fresh) {
    IndexSegmentRef r;
    r.first_frame = manifest_.indexed_frames;
    r.end_frame = committed;
    refs.push_back(r);
  }
  if (refs.empty()) return manifest_.encode();

  IndexManifest next = manifest_;
  next.indexed_frames = committed;
  next.settings.embedding_dimension = vectors_->dimension();
  next.segments.clear();
  std::vector<std::uint64_t> sizes;
  for (const auto& r : refs) sizes.push_back(r.frames());
  // Without new frames there is no new segment to place, and nothing to merge.
  std::vector<store::MergeGroup> groups;
  if (fresh) {
    groups = store::plan_segment_merges(sizes);
  } else {
    for (std::size_t i = 0; i < refs.size(); ++i) groups.push_back({i});
  }
  const LiveFn live = [&](std::uint64_t frame) {
    return store_.entry(frame).status == static_cast<std::uint8_t>(FrameStatus::Active);
  };
  const auto& kinds = part_kinds();
  for (const store::MergeGroup& g : groups) {
    if (g.size() == 1 && g[0] != buffer) {
      next.segments.push_back(refs[g[0]]);
      continue;
    }
    IndexSegmentRef r;
    r.first_frame = refs[g.front()].first_frame;
    r.end_frame = refs[g.back()].end_frame;
    for (std::size_t k = 0; k < parts_.size(); ++k) {
      // Merges purge the frames that are no longer active; the buffer alone is written whole.
      BuiltPart built = parts_[k]->build(g, r.first_frame, r.end_frame, g.size() > 1 ? live : LiveFn{});
      if (built.bytes.empty()) {
        if (kinds[k]->in_every_segment())
          throw Error(ErrorCode::Io, store_.path() + ": the " + kinds[k]->name() + " part of a new index segment is empty");
        continue;
      }
      r.parts.push_back({kinds[k]->tag(), at + out.size(), built.bytes.size(), built.count, built.checksum});
      out.insert(out.end(), built.bytes.begin(), built.bytes.end());
    }
    next.segments.push_back(std::move(r));
  }
  auto ext = next.encode();
  pending_ = std::move(next);
  return ext;
}

void SearchIndex::checkpoint_committed() {
  // Without a pending manifest nothing changed in the index: the extension was carried over.
  if (!pending_) return;
  manifest_ = std::move(*pending_);
  pending_.reset();
  for (auto& part : parts_) part->reset(manifest_);
  buffer_end_ = manifest_.indexed_frames;
}

void SearchIndex::store_reloaded() { reset_from_store(); }

}  // namespace memvid::index
