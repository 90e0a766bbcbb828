#include "integrity/verify_records.hpp"

#include <algorithm>

#include "format/layout.hpp"
#include "index/passages.hpp"
#include "io/read_exact.hpp"

namespace memvid::integrity {

using namespace index::checks;
using format::TocEntry;

RecordPass::RecordPass(File& file, const CommittedState& state, const index::IndexSettings& settings,
                       std::function<void(std::uint64_t, const format::FrameRecord&)> see)
    : file_(file), st_(state), settings_(settings), see_(std::move(see)) {}

void RecordPass::damage(std::uint64_t id, const std::string& why) {
  facts_[id].state = index::RecordFacts::kDamaged;
  report_->damaged_frames.push_back(id);
  damaged_.add("frame " + num(id) + ": " + why);
}

std::string RecordPass::read_all() {
  facts_.assign(st_.view.size(), index::RecordFacts{});
  const index::IndexSettings& settings = settings_;
  const CommitView* u_ = st_.used_commit();
  const std::uint64_t size = st_.file_size;
  constexpr std::uint64_t kMaxRecord =
      format::kFrameRecordHeaderSize + format::kMaxMetadataBytes + format::kMaxPayloadBytes + 16;

  struct Item {
    std::uint64_t offset;
    std::uint32_t length;
    std::uint64_t id;
  };
  std::vector<Item> items;
  items.reserve(st_.view.size());
  for (const TocEntry& e : st_.view) {
    if (record_removed(e)) continue;
    if (e.record_offset > size || e.record_length > size - e.record_offset || e.record_length > kMaxRecord ||
        e.record_length < format::kFrameRecordHeaderSize + 16) {
      damage(e.frame_id, "its record " + range(e.record_offset, e.record_offset + e.record_length) +
                             " cannot be read from the " + num(size) + "-byte file");
      continue;
    }
    items.push_back({e.record_offset, e.record_length, e.frame_id});
    ++records_;
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.offset < b.offset; });
  // Records never overlap, so together they fit the committed data; a hostile TOC whose
  // entries all name one huge range must not make us read it 50,000 times.
  std::uint64_t claimed = 0;
  for (const Item& it : items) claimed += it.length;
  const std::uint64_t region = st_.committed_end - std::min(st_.committed_end, u_->data_start);
  if (claimed > region)
    return "frame records claim " + num(claimed) + " bytes, more than the " + num(region) +
           "-byte committed data region holds: they overlap (see SegmentBounds); not read";

  auto process = [&](const Item& it, std::span<const std::uint8_t> bytes) {
    const TocEntry& e = st_.view[it.id];
    index::RecordFacts& f = facts_[it.id];
    format::FrameRecord rec;
    std::vector<std::uint8_t> payload;
    try {
      rec = format::decode_frame_record(bytes, it.offset);
      if (rec.frame_id != it.id)
        throw Error(ErrorCode::Corrupt, "the record at offset " + num(it.offset) + " holds frame " + num(rec.frame_id));
      payload = format::frame_payload(rec, it.offset);
    } catch (const Error& err) {
      damage(it.id, err.what());
      return;
    }
    f.state = index::RecordFacts::kGood;
    f.kind = rec.kind;
    record_bytes_ += it.length;
    if (rec.kind != e.kind || rec.timestamp_ms != e.timestamp_ms || rec.raw_length != e.payload_length)
      mismatches_.add("frame " + num(it.id) + "'s record (kind " + num(rec.kind) + ", timestamp " +
                      std::to_string(rec.timestamp_ms) + ", " + num(rec.raw_length) +
                      " payload bytes) disagrees with its TOC entry (kind " + num(e.kind) + ", timestamp " +
                      std::to_string(e.timestamp_ms) + ", " + num(e.payload_length) + " bytes)");
    if (index::has_passages(rec.kind)) {
      const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
      f.passages = static_cast<std::uint32_t>(
          index::passages(text, settings, rec.meta.chunk_bytes, rec.meta.chunk_overlap).size());
    }
    if (!rec.meta.passage_scales.empty()) {
      f.vector_rows = static_cast<std::uint32_t>(rec.meta.passage_scales.size());
    } else if (!rec.meta.embedding.empty()) {
      f.vector_rows = 1;
      f.whole_frame_vector = true;
    } else if (rec.meta.vectors_from_text) {
      f.vector_rows = std::max<std::uint32_t>(1, f.passages);
    }
    f.has_vector = f.vector_rows > 0;
    if (see_) see_(it.id, rec);
  };

  // Records are laid end to end, so one read covers thousands; a gap (dead bytes, index
  // parts) is read through when small, skipped when large.
  constexpr std::uint64_t kBatch = 8ull << 20, kMaxGap = 256ull << 10;
  std::vector<std::uint8_t> buf;
  for (std::size_t i = 0; i < items.size();) {
    const std::uint64_t begin = items[i].offset;
    std::uint64_t end = begin + items[i].length;
    std::size_t j = i + 1;
    while (j < items.size() && items[j].offset >= begin && items[j].offset <= end + kMaxGap &&
           std::max(end, items[j].offset + items[j].length) - begin <= kBatch) {
      end = std::max(end, items[j].offset + items[j].length);
      ++j;
    }
    bool read_ok = true;
    try {
      buf.resize(end - begin);
      io::read_exact(file_, begin, buf.data(), buf.size(), "frame records");
    } catch (const Error&) {
      read_ok = false;
    }
    for (std::size_t k = i; k < j; ++k) {
      const Item& it = items[k];
      if (read_ok) {
        process(it, std::span<const std::uint8_t>(buf).subspan(it.offset - begin, it.length));
        continue;
      }
      try {
        auto one = io::read_bytes(file_, it.offset, it.length, "frame record");
        process(it, one);
      } catch (const Error& err) {
        damage(it.id, err.what());
      }
    }
    i = j;
  }
  return "";
}


CheckResult RecordPass::run(VerifyReport& report) {
  report_ = &report;
  const std::string why = read_all();
  std::sort(report.damaged_frames.begin(), report.damaged_frames.end());
  if (!why.empty()) return failed(why);
  done_ = true;
  if (damaged_.any() || mismatches_.any()) {
    std::string d;
    if (damaged_.any()) d = num(damaged_.count()) + " damaged frame records: " + damaged_.summary();
    if (mismatches_.any())
      d += (d.empty() ? "" : "; ") + num(mismatches_.count()) + " records disagree with the TOC: " +
           mismatches_.summary();
    return failed(d);
  }
  std::uint64_t removed = 0;
  for (const TocEntry& e : st_.view) removed += record_removed(e);
  return passed(num(records_) + " frame records (" + num(record_bytes_) +
                " bytes) decode with valid checksums, frame ids and content hashes" +
                (removed > 0 ? "; " + num(removed) + " records removed by a vacuum" : ""));
}


}  // namespace memvid::integrity
