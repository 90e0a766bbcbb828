// The new file is laid out as a fresh memory whose data region holds the records back to back,
// then one TOC segment listing every frame, a TOC and a footer (generation 0) with no index
// segments yet; opening it as a writer and checkpointing makes the index layer index every
// frame from its record and append its segments (generation 1), exactly as it does for a file
// written before indexes existed. Two passes over the new file, but one indexing code path.
#include "maintenance/rewrite.hpp"

#include "format/blake3.hpp"
#include "format/checksum.hpp"
#include "format/header.hpp"
#include "format/layout.hpp"
#include "format/toc_segment.hpp"
#include "index/search_index.hpp"
#include "store/store.hpp"

namespace memvid::maintenance {

namespace {

constexpr std::size_t kFlushBytes = 8u << 20;

class Appender {
 public:
  Appender(File& file, std::uint64_t at) : file_(file), pos_(at) {}
  std::uint64_t position() const { return pos_ + buf_.size(); }
  void append(std::span<const std::uint8_t> bytes) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    if (buf_.size() >= kFlushBytes) flush();
  }
  void flush() {
    if (buf_.empty()) return;
    file_.write_at(pos_, buf_.data(), buf_.size());
    pos_ += buf_.size();
    buf_.clear();
  }

 private:
  File& file_;
  std::uint64_t pos_;
  std::vector<std::uint8_t> buf_;
};

RewriteResult write_unindexed(const RewritePlan& plan, File& file) {
  RewriteResult result;
  result.frames = plan.frame_count;
  const std::uint64_t data_start = format::kWalOffset + plan.wal_size;
  file.truncate(data_start);  // the WAL region stays a hole, as in a new memory
  Appender out(file, data_start);
  std::vector<format::TocEntry> entries;
  entries.reserve(plan.frame_count);
  for (std::uint64_t id = 0; id < plan.frame_count; ++id) {
    RewriteFrame f = plan.frame(id);
    format::TocEntry e = f.entry;
    e.frame_id = id;
    if (f.record.empty()) {
      e.record_offset = 0;
      e.record_length = 0;
      e.payload_length = 0;
      ++result.records_removed;
    } else {
      e.record_offset = out.position();
      e.record_length = static_cast<std::uint32_t>(f.record.size());
      out.append(f.record);
      ++result.records_written;
    }
    entries.push_back(e);
    if (plan.on_progress && (id + 1) % 1024 == 0) plan.on_progress(id + 1);
  }

  format::Manifest manifest;
  manifest.next_frame_id = plan.frame_count;
  if (!entries.empty()) {
    std::vector<std::uint8_t> seg = format::encode_toc_segment(entries);
    format::SegmentRef ref;
    ref.offset = out.position();
    ref.length = seg.size();
    ref.entry_count = entries.size();
    std::copy(seg.end() - 16, seg.end(), ref.checksum.begin());
    manifest.segments.push_back(ref);
    out.append(seg);
  }
  manifest.extension = plan.index_extension;
  std::vector<std::uint8_t> toc = manifest.encode();
  format::Footer footer{out.position(), toc.size(), 0, format::checksum16(toc)};
  out.append(toc);
  const std::uint64_t footer_offset = out.position();
  auto footer_bytes = footer.encode();
  out.append(footer_bytes);
  out.flush();

  format::Header h;
  h.wal_offset = format::kWalOffset;
  h.wal_size = plan.wal_size;
  h.footer_offset = footer_offset;
  h.generation = 0;
  h.wal_salt = store::derive_wal_salt(footer_bytes);
  for (std::uint64_t seq : {0ull, 1ull}) {
    h.sequence = seq;
    auto bytes = h.encode();
    file.write_at(format::kHeaderSlotOffset[seq % 2], bytes.data(), bytes.size());
  }
  if (plan.sync != SyncMode::Off) file.sync();
  return result;
}

}  // namespace

KeepRecord keep_every_record() {
  return [](const format::TocEntry&) { return true; };
}

KeepRecord keep_active_records() {
  return [](const format::TocEntry& e) { return e.status == static_cast<std::uint8_t>(FrameStatus::Active); };
}

RewriteResult rewrite_memory(const RewritePlan& plan, const std::string& dest, const std::shared_ptr<Env>& env) {
  if (plan.wal_size < format::kMinWalSize || plan.wal_size > format::kMaxWalSize || plan.wal_size % 8 != 0)
    throw Error(ErrorCode::InvalidArgument, "rewrite of " + dest + ": impossible WAL size " + std::to_string(plan.wal_size));
  const std::string temp = env->create_temp(dest);
  try {
    RewriteResult result;
    {
      auto file = env->open(temp, OpenMode::ReadWrite);
      result = write_unindexed(plan, *file);
    }
    store::StoreConfig config;
    config.writable = true;
    config.recovery = RecoveryMode::Strict;  // the file was just written whole: nothing to repair
    config.sync = plan.sync;
    config.env = env;
    config.command = "memvid rewrite";
    {
      auto st = store::Store::open(temp, config);
      index::SearchIndex index(*st);
      if (plan.embed_passages) {
        index.set_passage_embedder([&](std::string_view title, std::string_view text,
                                       std::span<const text::ChunkRange> passages) {
          return plan.embed_passages(index.settings().embedding_model, title, text, passages);
        });
        index.set_prefer_text_vectors(plan.prefer_text_vectors);
      }
      st->checkpoint(/*even_if_unchanged=*/true);
      st->close();
      result.file_bytes = 0;
    }
    {
      auto file = env->open(temp, OpenMode::ReadOnly);
      result.file_bytes = file->size();
    }
    // Killed between the two, both names hold the old file: nothing is lost either way.
    if (!plan.keep_replaced_as.empty() && env->exists(dest)) env->keep_as(dest, plan.keep_replaced_as);
    env->commit_temp(temp, dest);
    return result;
  } catch (...) {
    try {
      env->discard_temp(temp);
    } catch (...) {
    }
    throw;
  }
}

}  // namespace memvid::maintenance
