// inspect_file: the committed layout of a memory (inspect, dump-catalog), read like verify
// reads it: no lock, no write.
#include <algorithm>

#include "format/layout.hpp"
#include "format/owner_record.hpp"
#include "integrity/committed_state.hpp"
#include "index/part_registry.hpp"
#include "integrity/memory_evidence.hpp"
#include "io/read_exact.hpp"
#include "memvid/error.hpp"
#include "memvid/integrity.hpp"

namespace memvid {

namespace {

struct Interval {
  std::uint64_t begin, end;
};

// Bytes of [lo, hi) covered by the union of the intervals.
std::uint64_t covered(std::vector<Interval> spans, std::uint64_t lo, std::uint64_t hi) {
  std::sort(spans.begin(), spans.end(), [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  std::uint64_t total = 0, reach = lo;
  for (const Interval& s : spans) {
    const std::uint64_t b = std::max(s.begin, reach), e = std::min(s.end, hi);
    if (e > b) {
      total += e - b;
      reach = e;
    }
  }
  return total;
}

}  // namespace

FileAnatomy inspect_file(const std::string& path, const InspectOptions& options) {
  const std::shared_ptr<Env> env = options.env ? options.env : default_env();
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  auto file = env->open(path, OpenMode::ReadOnly);
  integrity::require_memory_evidence(*file, path);
  const integrity::CommittedState st = integrity::read_committed_state(*file, path, *env);

  FileAnatomy a;
  a.path = path;
  a.file_bytes = st.file_size;
  for (int slot = 0; slot < 2; ++slot) {
    HeaderCopy& h = a.headers[slot];
    h.offset = format::kHeaderSlotOffset[slot];
    if (const auto& c = st.copies[slot]) {
      h.valid = true;
      h.sequence = c->sequence;
      h.wal_offset = c->wal_offset;
      h.wal_size = c->wal_size;
      h.footer_offset = c->footer_offset;
      h.generation = c->generation;
      h.wal_salt = c->wal_salt;
    }
  }
  const integrity::CommitView* u = st.used_commit();
  if (!u) {
    std::string why = st.file_size < format::kHeaderPageSize ? path + " is smaller than a memvid header page"
                      : st.commits.empty()                    ? path + ": no valid header copy"
                                                              : path + ": no header copy names a readable TOC";
    for (const integrity::CommitView& c : st.commits)
      why += std::string("; copy ") + integrity::kCopyName[c.slot] + ": " +
             (c.footer_ok ? c.toc_error : c.footer_error);
    throw Error(ErrorCode::Corrupt, why);
  }
  a.used_header = u->slot;
  if (st.page.size() >= format::kOwnerRecordOffset + format::kOwnerRecordSize) {
    const auto owner = format::OwnerRecord::decode(
        std::span(st.page).subspan(format::kOwnerRecordOffset, format::kOwnerRecordSize));
    a.owner_present = owner.has_value();
    if (owner) a.owner_pid = owner->pid;
  }
  a.footer_offset = u->header.footer_offset;
  a.toc_offset = u->footer.toc_offset;
  a.toc_length = u->footer.toc_length;
  a.generation = u->header.generation;
  a.prev_footer_offset = u->manifest.prev_footer_offset;
  a.frames = u->entries.size();
  for (const integrity::WalTransaction& t : st.wal.applied) a.wal_pending_frames += t.new_frames;
  a.wal_pending_transactions = st.wal.applied.size();
  a.wal_used_bytes = st.wal.applied_bytes;
  a.data_start = u->data_start;
  a.committed_end = st.committed_end;

  std::vector<Interval> live;
  for (std::size_t i = 0; i < u->manifest.segments.size(); ++i) {
    const format::SegmentRef& r = u->manifest.segments[i];
    CatalogEntry c;
    c.kind = "toc";
    c.offset = r.offset;
    c.length = r.length;
    c.count = r.entry_count;
    if (u->segments[i].entries > 0) {
      c.first_frame = u->segments[i].min_id;
      c.end_frame = u->segments[i].max_id + 1;
    }
    c.checksum_hex = integrity::hex(r.checksum);
    a.segments.push_back(std::move(c));
    live.push_back({r.offset, r.offset + r.length});
  }
  if (u->index_ok) {
    const index::IndexManifest& m = u->index;
    a.language = m.settings.language;
    a.embedding_model = m.settings.embedding_model;
    a.embedding_dimension = m.settings.embedding_dimension;
    a.vector_compression = m.settings.vector_compression;
    a.chunk_bytes = m.settings.chunk_bytes;
    a.chunk_overlap = m.settings.chunk_overlap;
    a.indexed_frames = m.indexed_frames;
    for (const index::IndexSegmentRef& r : m.segments)
      for (const index::PartRef& p : r.parts) {
        const index::PartKind* kind = index::find_part_kind(p.tag);
        a.segments.push_back({kind ? kind->short_name() : index::tag_name(p.tag), p.offset, p.length, p.count,
                              r.first_frame, r.end_frame, integrity::hex(p.checksum)});
        live.push_back({p.offset, p.offset + p.length});
      }
  }
  for (const format::TocEntry& e : st.view)
    if (!integrity::record_removed(e)) live.push_back({e.record_offset, e.record_offset + e.record_length});
  live.push_back({u->footer.toc_offset, u->footer_end()});
  const std::uint64_t lo = a.data_start, hi = std::max(a.committed_end, lo);
  a.live_bytes = covered(live, lo, hi);
  a.dead_bytes = (hi - lo) - a.live_bytes;
  return a;
}

}  // namespace memvid
