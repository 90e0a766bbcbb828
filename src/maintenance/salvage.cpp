#include "maintenance/salvage.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/frame_record.hpp"
#include "format/header.hpp"
#include "format/layout.hpp"
#include "format/toc.hpp"
#include "format/toc_segment.hpp"
#include "format/wal_record.hpp"
#include "index/index_manifest.hpp"
#include "index/search_index.hpp"
#include "integrity/memory_evidence.hpp"
#include "io/read_exact.hpp"
#include "store/store.hpp"

namespace memvid::maintenance {

namespace {

constexpr std::uint64_t kMinRecordBytes = format::kFrameRecordHeaderSize + 16;

using Commit = integrity::FoundCommit;
using integrity::find_magic;

struct FoundRecord {
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint64_t id = 0;
  std::int64_t timestamp_ms = 0;
  std::uint8_t kind = 0;
  std::optional<std::uint64_t> supersedes;
  std::uint32_t payload_length = 0;
};

// Decodes a record at offset if it is a complete, intact frame record.
std::optional<FoundRecord> read_record_at(File& file, std::uint64_t offset, std::uint64_t size) {
  if (size - offset < kMinRecordBytes) return std::nullopt;
  auto head = io::read_bytes(file, offset, format::kFrameRecordHeaderSize, "frame record header");
  const std::uint64_t stored = format::load_u64(head.data() + 32);
  const std::uint64_t meta = format::load_u32(head.data() + 40);
  if (stored > format::kMaxPayloadBytes + 1024 || meta > format::kMaxMetadataBytes) return std::nullopt;
  const std::uint64_t length = format::kFrameRecordHeaderSize + meta + stored + 16;
  if (length > size - offset || length > UINT32_MAX) return std::nullopt;
  try {
    auto bytes = io::read_bytes(file, offset, length, "frame record");
    format::FrameRecord rec = format::decode_frame_record(bytes, offset);
    format::frame_payload(rec, offset);  // the content hash
    FoundRecord f;
    f.offset = offset;
    f.length = static_cast<std::uint32_t>(length);
    f.id = rec.frame_id;
    f.timestamp_ms = rec.timestamp_ms;
    f.kind = rec.kind;
    f.supersedes = rec.meta.supersedes;
    f.payload_length = static_cast<std::uint32_t>(rec.raw_length);
    if (!is_known_kind(f.kind)) return std::nullopt;
    return f;
  } catch (const Error&) {
    return std::nullopt;
  }
}

struct WalRead {
  std::vector<format::TocEntry> entries;  // of committed transactions, in order
  std::uint64_t data_end = 0;
  std::uint64_t next_frame = 0;
  std::uint64_t commits = 0;
  std::uint64_t damaged = 0;
};

// The epoch's records, stepping over a damaged record when the one after it still chains from
// the damaged record's stored checksum (damage in the middle, not a torn tail).
WalRead read_wal_tolerantly(File& file, std::uint64_t wal_size, std::uint64_t salt, std::uint64_t size,
                            std::uint64_t max_frames) {
  WalRead out;
  const std::uint64_t region = std::min(wal_size, size > format::kWalOffset ? size - format::kWalOffset : 0);
  if (region < format::kWalRecordHeaderSize) return out;
  auto ring = io::read_bytes(file, format::kWalOffset, region, "WAL");
  std::span<const std::uint8_t> bytes(ring);
  std::uint64_t pos = 0, seq = 1, prev = salt;
  std::vector<format::TocEntry> pending;
  while (pos + format::kWalRecordHeaderSize <= bytes.size()) {
    format::WalRecordView v;
    if (format::read_wal_record(bytes.subspan(pos), salt, seq, prev, v)) {
      if (v.type == format::WalRecordType::Entry && v.payload.size() == format::TocEntry::kEncodedSize) {
        pending.push_back(format::TocEntry::decode_from(v.payload.data()));
      } else if (v.type == format::WalRecordType::Commit && v.payload.size() == 16) {
        const std::uint64_t data_end = format::load_u64(v.payload.data());
        const std::uint64_t next = format::load_u64(v.payload.data() + 8);
        if (data_end <= size && next <= max_frames) {
          for (const auto& e : pending) out.entries.push_back(e);
          out.data_end = std::max(out.data_end, data_end);
          out.next_frame = std::max(out.next_frame, next);
          ++out.commits;
        }
        pending.clear();
      }
      prev = v.chain;
      pos += v.size;
      ++seq;
      continue;
    }
    // Not a continuation. If the record's own framing survived and the next record chains
    // from its stored checksum, only this record is damaged: skip it.
    std::optional<std::uint64_t> resume;
    const std::uint8_t* r = bytes.data() + pos;
    const std::uint64_t stored_chain = format::load_u64(r + 24);
    if (format::load_u64(r) == salt && format::load_u64(r + 8) == seq) {
      const std::uint64_t next = pos + format::wal_record_size(format::load_u32(r + 20));
      format::WalRecordView w;
      if (next < bytes.size() && format::read_wal_record(bytes.subspan(next), salt, seq + 1, stored_chain, w)) resume = next;
    }
    if (!resume) {
      for (std::uint64_t q = pos + 8; q + format::kWalRecordHeaderSize <= bytes.size(); q += 8) {
        if (format::load_u64(bytes.data() + q) != salt || format::load_u64(bytes.data() + q + 8) != seq + 1) continue;
        format::WalRecordView w;
        if (format::read_wal_record(bytes.subspan(q), salt, seq + 1, stored_chain, w)) {
          resume = q;
          break;
        }
      }
    }
    if (!resume) break;  // the end of the epoch, or a torn tail
    ++out.damaged;
    prev = stored_chain;
    pos = *resume;
    ++seq;
  }
  return out;
}

}  // namespace

struct Salvager::Found {
  std::uint64_t wal_size = 0;
  std::vector<std::uint8_t> extension;
  std::vector<format::TocEntry> entries;  // by id; offsets into the damaged file
};

Salvager::~Salvager() = default;

Salvager::Salvager(std::shared_ptr<Env> env, std::string path, KeepRecord keep)
    : env_(std::move(env)), path_(std::move(path)), keep_(std::move(keep)), found_(std::make_unique<Found>()) {
  file_ = env_->open(path_, OpenMode::ReadOnly);
  integrity::require_memory_evidence(*file_, path_);  // never "salvage" a text file into an empty memory
  const std::uint64_t size = file_->size();
  if (size < format::kHeaderPageSize)
    throw Error(ErrorCode::Corrupt, path_ + ": " + std::to_string(size) + " bytes is too small to hold a memory");
  auto& notes = report_.notes;

  // Header copies: the newest valid one names the WAL epoch and size.
  auto page = io::read_bytes(*file_, 0, 1024, "header page");
  std::optional<format::Header> newest;
  std::vector<format::Header> valid_copies;
  for (std::uint64_t slot : format::kHeaderSlotOffset) {
    auto h = format::Header::decode(std::span(page).subspan(slot, format::kHeaderSize));
    if (h && h->wal_offset == format::kWalOffset && h->wal_size >= format::kMinWalSize &&
        h->wal_size <= format::kMaxWalSize && h->wal_size % 8 == 0) {
      valid_copies.push_back(*h);
      if (!newest || h->sequence > newest->sequence) newest = h;
    }
  }
  if (!newest) notes.push_back("no header copy is valid: the layout was found by scanning");

  // Every intact commit, newest first.
  std::vector<Commit> commits = integrity::scan_commits(*file_, format::kWalOffset, size, false);
  std::sort(commits.begin(), commits.end(), [](const Commit& a, const Commit& b) {
    return a.manifest.generation != b.manifest.generation ? a.manifest.generation > b.manifest.generation
                                                          : a.footer_offset > b.footer_offset;
  });
  if (newest && (commits.empty() || commits.front().footer_offset != newest->footer_offset))
    notes.push_back("the commit the header names (footer at file offset " + std::to_string(newest->footer_offset) +
                    ") is damaged");

  // The WAL size: the header's; else where the first commit (made at creation) starts the data.
  std::uint64_t wal_size = newest ? newest->wal_size : 0;
  if (!wal_size) {
    for (const Commit& c : commits)
      if (c.manifest.generation == 0 && c.footer.toc_offset > format::kWalOffset) wal_size = c.footer.toc_offset - format::kWalOffset;
    if (wal_size < format::kMinWalSize || wal_size > format::kMaxWalSize || wal_size % 8 != 0) wal_size = 1u << 20;
  }
  found_->wal_size = wal_size;
  const std::uint64_t data_start = format::kWalOffset + wal_size;

  // Statuses and positions from TOC segments: the newest commit's newest segment wins.
  std::map<std::uint64_t, format::TocEntry> known;
  std::uint64_t frame_count = 0, committed_end = 0;
  std::uint64_t damaged_segments = 0;
  for (const Commit& c : commits) {
    frame_count = std::max(frame_count, c.manifest.next_frame_id);
    committed_end = std::max(committed_end, c.footer_offset + format::Footer::kEncodedSize);
    for (auto it = c.manifest.segments.rbegin(); it != c.manifest.segments.rend(); ++it) {
      try {
        if (it->offset < data_start || it->length > size || it->offset > size - it->length || it->length < 16)
          throw Error(ErrorCode::Corrupt, "segment out of bounds");
        auto seg = io::read_bytes(*file_, it->offset, it->length, "TOC segment");
        if (!std::equal(it->checksum.begin(), it->checksum.end(), seg.end() - 16))
          throw Error(ErrorCode::Corrupt, "segment checksum");
        format::decode_toc_segment(seg, it->offset, [&](const format::TocEntry& e) { known.try_emplace(e.frame_id, e); });
      } catch (const Error&) {
        ++damaged_segments;
      }
    }
  }
  if (damaged_segments > 0)
    notes.push_back(std::to_string(damaged_segments) + " TOC segments are damaged: those frames' statuses come from older commits or their records");
  if (!commits.empty() && commits.front().manifest.extension.size() > 0) {
    for (const Commit& c : commits) {
      try {
        index::IndexManifest m = index::IndexManifest::decode(c.manifest.extension, c.footer.toc_offset,
                                                              c.manifest.next_frame_id, path_);
        found_->extension = index::SearchIndex::initial_extension(m.settings);
        break;
      } catch (const Error&) {
      }
    }
    if (found_->extension.empty()) {
      found_->extension = index::SearchIndex::initial_extension(index::IndexSettings{});
      notes.push_back("no index section decodes: the index settings were reset to the defaults");
    }
  } else if (commits.empty()) {
    found_->extension = index::SearchIndex::initial_extension(index::IndexSettings{});
    notes.push_back("no intact commit was found: index settings are the defaults");
  }

  // The WAL epoch of the newest commit: the header's salt, or the one its footer implies.
  std::optional<std::uint64_t> salt;
  if (newest) salt = newest->wal_salt;
  else if (!commits.empty()) salt = store::derive_wal_salt(commits.front().footer_bytes);
  // When the commit the newest header names is damaged, the older header copy names the
  // commit that survives, and its WAL epoch holds the transactions committed after that
  // commit (the ones the damaged checkpoint had folded in; a writer falling back to that
  // copy replays them). Read that epoch first, then the newest one over it.
  std::vector<std::uint64_t> salts;
  if (newest && !commits.empty() && commits.front().footer_offset != newest->footer_offset)
    for (const format::Header& h : valid_copies)
      if (h.sequence < newest->sequence && h.footer_offset == commits.front().footer_offset && h.wal_salt != newest->wal_salt)
        salts.push_back(h.wal_salt);
  if (salt) salts.push_back(*salt);
  const std::uint64_t max_frames = size / kMinRecordBytes + 1;
  for (std::uint64_t epoch_salt : salts) {
    WalRead wal = read_wal_tolerantly(*file_, wal_size, epoch_salt, size, max_frames);
    for (const format::TocEntry& e : wal.entries) {
      if (e.frame_id >= max_frames) continue;
      known[e.frame_id] = e;  // newer than any TOC segment
    }
    frame_count = std::max(frame_count, wal.next_frame);
    committed_end = std::max(committed_end, wal.data_end);
    report_.wal_records_damaged += wal.damaged;
    if (wal.damaged > 0)
      notes.push_back(std::to_string(wal.damaged) +
                      " damaged WAL records were stepped over; a status change they held may be lost");
  }
  // Everything before the footer the newest header names was written before that header
  // was: committed, even when that footer or its TOC is now damaged.
  if (newest && newest->footer_offset <= size) committed_end = std::max(committed_end, newest->footer_offset);
  frame_count = std::min(frame_count, max_frames);
  if (commits.empty() && !salt) {
    committed_end = size;
    notes.push_back("no commit survives: every intact frame record in the file was taken as committed");
  }

  // Every intact record; one found inside another (a memory stored as a frame) is not scanned.
  std::map<std::uint64_t, FoundRecord> by_offset;
  std::map<std::uint64_t, std::vector<const FoundRecord*>> by_id;
  std::uint64_t skip_until = 0;
  for (std::uint64_t off : find_magic(*file_, data_start, size, "MVFR")) {
    if (off < skip_until) continue;
    auto rec = read_record_at(*file_, off, size);
    if (!rec) continue;
    skip_until = off + rec->length;
    if (off + rec->length > committed_end) {
      ++report_.uncommitted_records_ignored;
      continue;
    }
    if (rec->id >= max_frames) continue;
    by_offset[off] = *rec;
  }
  for (const auto& [off, rec] : by_offset) {
    by_id[rec.id].push_back(&rec);
    if (rec.id >= frame_count) frame_count = rec.id + 1;
  }

  // One entry per id: its known status with an intact record, else a removed entry.
  auto& entries = found_->entries;
  entries.resize(frame_count);
  std::vector<bool> status_known(frame_count, false);
  for (std::uint64_t id = 0; id < frame_count; ++id) {
    format::TocEntry e;
    e.frame_id = id;
    auto k = known.find(id);
    const FoundRecord* rec = nullptr;
    if (k != known.end()) {
      e = k->second;
      status_known[id] = true;
      auto at = by_offset.find(e.record_offset);
      if (at != by_offset.end() && at->second.id == id) rec = &at->second;
    }
    if (!rec && by_id.count(id)) rec = by_id[id].front();
    if (rec) {
      e.record_offset = rec->offset;
      e.record_length = rec->length;
      e.payload_length = rec->payload_length;
      e.kind = rec->kind;
      if (!status_known[id]) e.timestamp_ms = rec->timestamp_ms;
    } else if (!(status_known[id] && e.record_removed())) {
      const bool was_active = !status_known[id] || e.status == static_cast<std::uint8_t>(FrameStatus::Active);
      if (was_active) {
        report_.lost.push_back(id);
        e.status = static_cast<std::uint8_t>(FrameStatus::Deleted);
      } else {
        ++report_.lost_inactive;
      }
      e.record_offset = 0;
      e.record_length = 0;
      e.payload_length = 0;
    }
    entries[id] = e;
  }
  // Frames known only from their records: an update's new record names what it superseded.
  for (const auto& [off, rec] : by_offset) {
    if (!rec.supersedes || *rec.supersedes >= frame_count || status_known[*rec.supersedes]) continue;
    format::TocEntry& old = entries[*rec.supersedes];
    if (old.status == static_cast<std::uint8_t>(FrameStatus::Active) && !old.record_removed()) {
      old.status = static_cast<std::uint8_t>(FrameStatus::Superseded);
      old.superseded_by = rec.id;
    }
  }
  for (format::TocEntry& e : entries) {
    if (!e.record_removed() && !keep_(e)) {
      e.record_offset = 0;
      e.record_length = 0;
      e.payload_length = 0;
    }
    if (!e.record_removed()) ++report_.recovered;
  }
  report_.frames = frame_count;
}

RewritePlan Salvager::plan() {
  RewritePlan plan;
  plan.wal_size = found_->wal_size;
  plan.index_extension = found_->extension;
  plan.frame_count = found_->entries.size();
  plan.frame = [this](std::uint64_t id) {
    RewriteFrame f;
    f.entry = found_->entries[id];
    if (!f.entry.record_removed())
      f.record = io::read_bytes(*file_, f.entry.record_offset, f.entry.record_length, "frame record");
    return f;
  };
  return plan;
}

}  // namespace memvid::maintenance
