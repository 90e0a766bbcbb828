#pragma once
// The state behind a Memvid handle, shared by the files that implement its methods.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "index/search_index.hpp"
#include "memory/correction_boosts.hpp"
#include "memory/embedder.hpp"
#include "memory/passage_vectors.hpp"
#include "memory/metadata_cache.hpp"
#include "memory/semantic_floor.hpp"
#include "memory/session_log.hpp"
#include "memvid/memvid.hpp"
#include "search/searcher.hpp"
#include "store/store.hpp"

namespace memvid {

// The handle's state, for the library's path-based operations that open a handle of their
// own (doctor, restore) and work below its public calls.
struct HandleAccess {
  static Memvid::Impl& of(Memvid& m) { return *m.impl_; }
};

struct Memvid::Impl {
  std::unique_ptr<store::Store> store;
  // Declared after the store: destroyed first, while the store it reads is still there.
  std::unique_ptr<index::SearchIndex> index;
  mutable search::Searcher searcher;
  mutable CorrectionBoosts corrections;  // read by find when the store changed
  mutable SemanticSample semantic_sample;  // likewise
  mutable MetadataCache metadata_cache;    // filled by metadata filters
  mutable Embedder embedder{nullptr};
  std::shared_ptr<Env> env;
  std::size_t vector_graph_min_rows = OpenOptions{}.vector_graph_min_rows;
  mutable std::mutex mu;
  bool closed = false;
  // The open session this writable handle records into (memvid/sessions.hpp); replaying
  // pauses recording, so that a replay's own reads are not recorded.
  mutable std::optional<session::Recording> recording;
  mutable bool replaying = false;
  mutable session::FrameSet session_frames;  // hidden from find and timeline

  // The nudge poller: a writer that sits idle between calls still notices a nudge. It takes
  // the handle's mutex, so it never runs during a call.
  std::thread poller;
  std::condition_variable wake;
  bool stop_polling = false;

  ~Impl() { stop_poller(); }

  // The one place where a store, its index and the searcher's caches are put together behind
  // the handle: at create and open, and when a rewrite moves the handle onto a new file (the
  // old store closes after its index is gone).
  void attach(std::unique_ptr<store::Store> fresh) {
    index.reset();
    if (store) store->close();
    store = std::move(fresh);
    index = std::make_unique<index::SearchIndex>(*store);
    index->set_vector_graph_min_rows(vector_graph_min_rows);
    index->set_passage_embedder([this](std::string_view title, std::string_view text,
                                       std::span<const text::ChunkRange> passages) {
      return embed_for_index(title, text, passages);
    });
    searcher = search::Searcher{};
    corrections = CorrectionBoosts{};
    semantic_sample = SemanticSample{};
    metadata_cache = MetadataCache{};
    session_frames = session::FrameSet{};
  }

  // A frame's passage vectors computed again from its text, for the index (which asks while
  // it catches up with frames its segments do not hold yet).
  index::Q8Rows embed_for_index(std::string_view title, std::string_view text,
                                std::span<const text::ChunkRange> passages) const {
    return embed_frame_passages(embedder, model(), title, text, passages);
  }

  void start_poller(int period_ms) {
    if (period_ms <= 0 || !store->writable()) return;
    poller = std::thread([this, period_ms] {
      std::unique_lock lock(mu);
      while (!stop_polling) {
        wake.wait_for(lock, std::chrono::milliseconds(period_ms));
        if (stop_polling || closed) break;
        try {
          store->honour_nudge();
        } catch (...) {
          // Nothing to report to: the handle's next call meets the same condition.
        }
      }
    });
  }

  void stop_poller() {
    {
      std::lock_guard lock(mu);
      stop_polling = true;
    }
    wake.notify_all();
    if (poller.joinable()) poller.join();
  }

  store::Store& s() {
    if (closed) throw Error(ErrorCode::Closed, "the memory handle is closed");
    return *store;
  }
  const store::Store& s() const {
    if (closed) throw Error(ErrorCode::Closed, "the memory handle is closed");
    return *store;
  }
  const std::string& model() const { return index->settings().embedding_model; }

  store::Store& writer() {
    store::Store& st = s();
    if (!st.writable()) throw Error(ErrorCode::ReadOnly, st.path() + " is open read-only");
    return st;
  }
};

// A session action recorded by this handle, if a session is open (and not replaying). A
// write's action is appended in the write's open transaction, after the reads held back; a
// read's waits for the next write (record_read). Both are defined in memvid.cpp.
void record_write(Memvid::Impl& impl, store::Store& s, SessionAction action);
void record_read(const Memvid::Impl& impl, SessionAction action, const std::string& options_json);
// Whether this handle's reads are recorded now: a session is open, the handle can write, and
// the read is neither part of a replay nor of another read (ask's find). Checked before a
// read's record is built, so that other handles pay nothing.
bool records_reads(const Memvid::Impl& impl);
// Appends the reads held back as one session frame (nothing when there are none), in the
// open transaction; the caller clears them once that commits.
void append_held_reads(Memvid::Impl& impl, store::Store& s);
// Appends a session frame (binary, labelled memvid:session) in the open transaction.
FrameId append_session_frame(Memvid::Impl& impl, store::Store& s, const std::string& payload);
// The timeline entries of candidates (in (timestamp, frame) order) that q admits: status,
// metadata, order and limit as Memvid::timeline; session frames are hidden. The caller holds
// impl.mu.
std::vector<TimelineEntry> timeline_of(const Memvid::Impl& impl, const std::vector<index::TimeEntry>& candidates,
                                       const TimelineQuery& q);
// Runs fn in the handle's open transaction, or one of its own that commits on success.
void run_transaction(Memvid::Impl& impl, const std::function<void()>& fn);

}  // namespace memvid
