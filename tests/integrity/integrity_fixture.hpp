#pragma once
// Memories for the verify and inspect tests, built through the public API: checkpoints
// enough to merge segments, updates, deletes, a binary frame, texts long enough to make
// several index documents, and (for "custom:" models) caller vectors of dimension 8.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"

namespace memvid::testing {

inline constexpr std::size_t kVecDim = 8;

inline std::vector<float> vector_for(std::uint64_t i) {
  std::vector<float> v(kVecDim);
  for (std::size_t k = 0; k < kVecDim; ++k)
    v[k] = static_cast<float>(std::sin(static_cast<double>(i) * 0.37 + static_cast<double>(k) * 1.3) + 0.1 * k);
  return v;
}

inline std::string text_for(std::uint64_t i) {
  std::string s = "payload of frame " + std::to_string(i) + " about rivers and mountains.";
  // Every fifth text is long enough for several index documents at 256-byte chunks.
  if (i % 5 == 0)
    for (int k = 0; k < 12; ++k)
      s += " Sentence " + std::to_string(k) + " of frame " + std::to_string(i) + " talks about lakes and forests.";
  return s;
}

inline Document doc_for(std::uint64_t i, bool with_vector) {
  Document d;
  d.payload = text_for(i);
  d.title = "title " + std::to_string(i);
  d.tags = {"tag" + std::to_string(i % 3)};
  // Not in id order, so that the time index's sort order matters.
  d.timestamp_ms = 1'700'000'000'000 + static_cast<std::int64_t>((i * 7919) % 1000) * 1000;
  if (with_vector && i % 11 != 3) d.embedding = vector_for(i);  // a few frames have no vector
  return d;
}

struct SmallMemory {
  std::uint64_t frames = 0;
  std::uint64_t binary_id = 0;
  std::uint64_t pending = 0;  // transactions left in the WAL
};

// A memory of about 50 frames over a dozen checkpoints (so that index and TOC segments
// merge), with an update, deletes and a binary frame. pending_puts > 0 leaves that many
// single-put transactions in the WAL of the still-open writer `keep`.
inline SmallMemory build_small(const std::string& path, std::shared_ptr<Env> env, const std::string& model,
                               std::unique_ptr<Memvid>* keep = nullptr, int pending_puts = 0,
                               bool compression = false) {
  CreateOptions c;
  c.open.env = env;
  c.open.nudge_poll_ms = 0;
  c.open.sync = SyncMode::Off;
  c.wal_bytes = 64 * 1024;
  c.embedding_model = model;
  c.vector_compression = compression;
  c.chunk_bytes = 256;
  c.chunk_overlap = 32;
  const bool vectors = model.rfind("custom:", 0) == 0;
  auto m = std::make_unique<Memvid>(Memvid::create(path, c));
  SmallMemory s;
  for (std::uint64_t i = 0; i < 48; ++i) {
    m->put(doc_for(i, vectors));
    if (i % 4 == 3) m->commit();
  }
  Document bin;
  bin.kind = FrameKind::Binary;
  bin.payload = std::string("\x00\x01\x02 binary \xff\xfe", 13);
  bin.timestamp_ms = 1'700'000'000'000;
  s.binary_id = m->put(bin);
  m->update(5, doc_for(105, vectors));
  m->delete_frame(7);
  m->delete_frame(12);
  m->commit();
  m->delete_frame(20);  // after the merge that holds 20: its documents stay until the next merge
  m->put(doc_for(200, vectors));
  m->commit();
  for (int k = 0; k < pending_puts; ++k) m->put(doc_for(300 + k, vectors));
  s.pending = static_cast<std::uint64_t>(pending_puts);
  s.frames = m->frame_count();
  if (keep)
    *keep = std::move(m);
  else
    m->close();
  return s;
}

}  // namespace memvid::testing
