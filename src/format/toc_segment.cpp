// TOC segment, version 3 (written now):
//   0 magic "MVTS" | 4 version u8 (3) | 5 reserved [3] | 8 entry count n u64 |
//   16 block count u32 (ceil(n / e)) | 20 entries per block e u32 (32 written; 1-4096
//   read) | 24 first frame id u64 |
//   32 last frame id u64 | 40 body length u64 |
//   48 block index: per block, its first frame id u64 and its offset in the body u64 |
//   body: blocks of e entries (the last may be shorter), each entry delta-encoded against
//     the one before it in its block, the first against an all-zero entry (below) |
//   block checksums: XXH3-64 per 4 KiB of every byte before them |
//   checksum: BLAKE3(the 48 header bytes, then the block checksums)[0..16].
// Version 2: 0 magic | 4 version (2) | 8 entry count | 16 entries as one delta-coded run |
//   BLAKE3(preceding bytes)[0..16].
// An entry, relative to the one before: frame id delta (>= 1, except the first) | record
//   offset: zigzag of (offset - previous offset - previous record length) | record length |
//   payload length | timestamp: zigzag of (timestamp - previous timestamp) | flags: status
//   (bits 0-1), kind (bits 2-3), has superseded-by (bit 4) | superseded-by frame id, if flagged.
#include "format/toc_segment.hpp"

#include <algorithm>
#include <cstring>

#include "format/bytes.hpp"

namespace memvid::format {
namespace {

constexpr char kSegmentMagic[4] = {'M', 'V', 'T', 'S'};
constexpr std::uint8_t kRunVersion = 2, kBlockVersion = 3;
constexpr std::uint64_t kHeaderBytes = 48, kIndexEntryBytes = 16;
constexpr std::uint8_t kHasSupersededBy = 0x10;

std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

void encode_run(ByteWriter& w, std::span<const TocEntry> entries) {
  TocEntry prev{};
  for (const TocEntry& e : entries) {
    w.varint(e.frame_id - prev.frame_id);
    // Wrapping arithmetic on purpose: the zigzag of the two's-complement difference
    // round-trips every pair of offsets.
    w.varint(zigzag(static_cast<std::int64_t>(e.record_offset - prev.record_offset - prev.record_length)));
    w.varint(e.record_length);
    w.varint(e.payload_length);
    w.varint(zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(e.timestamp_ms) -
                                              static_cast<std::uint64_t>(prev.timestamp_ms))));
    const bool superseded = e.superseded_by != kNoFrame;
    w.u8(static_cast<std::uint8_t>((e.status & 3) | ((e.kind & 3) << 2) | (superseded ? kHasSupersededBy : 0)));
    if (superseded) w.varint(e.superseded_by);
    prev = e;
  }
}

[[noreturn]] void not_ascending(std::uint64_t file_offset, std::uint64_t entry) {
  throw Error(ErrorCode::InvalidToc, "TOC segment at file offset " + std::to_string(file_offset) +
                                         ": entries not in ascending frame order at entry " + std::to_string(entry));
}

// Decodes count entries (the first relative to an all-zero entry); first_index numbers them
// in messages.
void decode_run(ByteReader& body, std::uint64_t count, std::uint64_t file_offset, std::uint64_t first_index,
                const std::function<void(const TocEntry&)>& fn) {
  auto u32_field = [&](const char* what) {
    std::uint64_t v = body.varint();
    if (v > 0xFFFFFFFFull) body.fail(std::string(what) + " does not fit 32 bits");
    return static_cast<std::uint32_t>(v);
  };
  TocEntry prev{};
  for (std::uint64_t i = 0; i < count; ++i) {
    TocEntry e;
    e.frame_id = prev.frame_id + body.varint();  // wraps for a descending pair, caught below
    if (i > 0 && e.frame_id <= prev.frame_id) not_ascending(file_offset, first_index + i);
    e.record_offset = prev.record_offset + prev.record_length + static_cast<std::uint64_t>(unzigzag(body.varint()));
    e.record_length = u32_field("record length");
    e.payload_length = u32_field("payload length");
    e.timestamp_ms = static_cast<std::int64_t>(static_cast<std::uint64_t>(prev.timestamp_ms) +
                                               static_cast<std::uint64_t>(unzigzag(body.varint())));
    const std::uint8_t flags = body.u8();
    if (flags & ~0x1F) body.fail("unknown entry flags " + std::to_string(flags));
    e.status = flags & 3;
    e.kind = (flags >> 2) & 3;
    e.superseded_by = (flags & kHasSupersededBy) ? body.varint() : kNoFrame;
    fn(e);
    prev = e;
  }
  if (!body.done()) body.fail(std::to_string(body.remaining()) + " bytes left after the last entry");
}

// A view over bytes the caller keeps alive (a whole-segment decode).
class BorrowedView final : public FileView {
 public:
  explicit BorrowedView(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  const std::uint8_t* data() const override { return bytes_.data(); }
  std::size_t size() const override { return bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
};

}  // namespace

std::vector<std::uint8_t> encode_toc_segment(std::span<const TocEntry> entries, std::uint8_t version,
                                             std::uint32_t per_block) {
  ByteWriter w;
  w.buffer().reserve(kHeaderBytes + entries.size() * 12);
  w.bytes(kSegmentMagic, 4);
  if (version == kRunVersion) {
    w.u8(kRunVersion);
    w.zeros(3);
    w.u64(entries.size());
    encode_run(w, entries);
    w.bytes(checksum16(w.buffer()));
    return w.take();
  }
  ByteWriter body;
  body.buffer().reserve(entries.size() * 10);
  std::vector<std::uint64_t> firsts, offsets;
  for (std::size_t b = 0; b < entries.size(); b += per_block) {
    firsts.push_back(entries[b].frame_id);
    offsets.push_back(body.buffer().size());
    encode_run(body, entries.subspan(b, std::min<std::size_t>(per_block, entries.size() - b)));
  }
  w.u8(kBlockVersion);
  w.zeros(3);
  w.u64(entries.size());
  w.u32(static_cast<std::uint32_t>(firsts.size()));
  w.u32(per_block);
  w.u64(entries.empty() ? 0 : entries.front().frame_id);
  w.u64(entries.empty() ? 0 : entries.back().frame_id);
  w.u64(body.buffer().size());
  for (std::size_t b = 0; b < firsts.size(); ++b) {
    w.u64(firsts[b]);
    w.u64(offsets[b]);
  }
  w.bytes(body.buffer());
  std::vector<std::uint8_t> out = w.take();
  const std::size_t covered = out.size();
  out.resize(covered + block_sums_length(covered));
  fill_block_sums(std::span<const std::uint8_t>(out.data(), covered), std::span(out.data() + covered, out.size() - covered));
  Blake3 h;
  h.update(std::span<const std::uint8_t>(out.data(), kHeaderBytes));
  h.update(std::span<const std::uint8_t>(out.data() + covered, out.size() - covered));
  Checksum16 sum;
  h.finalize(sum.data(), sum.size());
  out.insert(out.end(), sum.begin(), sum.end());
  return out;
}

std::vector<TocEntry> decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset) {
  std::vector<TocEntry> out;
  decode_toc_segment(bytes, file_offset, [&](const TocEntry& e) { out.push_back(e); });
  return out;
}

void decode_toc_segment(std::span<const std::uint8_t> bytes, std::uint64_t file_offset,
                        const std::function<void(const TocEntry&)>& fn) {
  ByteReader r(bytes, "TOC segment", file_offset);
  if (bytes.size() < kTocSegmentOverhead) r.fail("shorter than an empty segment");
  Checksum16 own;
  std::copy(bytes.end() - 16, bytes.end(), own.begin());
  const TocSegmentReader reader(std::make_shared<BorrowedView>(bytes), file_offset, own);
  reader.check_blocks();
  reader.visit(fn);
}

TocSegmentReader::~TocSegmentReader() {
  for (std::size_t b = 0; b < block_at_.size(); ++b) delete blocks_[b].load(std::memory_order_acquire);
}

TocSegmentReader::TocSegmentReader(std::shared_ptr<const FileView> bytes, std::uint64_t file_offset,
                                   const Checksum16& expected, TocEntryCheck check)
    : view_(std::move(bytes)), file_offset_(file_offset), check_(std::move(check)) {
  const std::span<const std::uint8_t> all(view_->data(), view_->size());
  ByteReader r(all, "TOC segment", file_offset);
  if (all.size() < kTocSegmentOverhead) r.fail("shorter than an empty segment");
  if (!std::equal(expected.begin(), expected.end(), all.end() - 16))
    r.fail("is not the segment the TOC names (checksum differs)");
  if (std::memcmp(r.bytes(4).data(), kSegmentMagic, 4) != 0) r.fail("bad magic");
  const std::uint8_t version = r.u8();
  if (version == kRunVersion) {
    if (!checksum_matches(all.first(all.size() - 16), all.data() + all.size() - 16)) r.fail("checksum mismatch");
    r.skip(3);
    count_ = r.u64();
    if (!toc_segment_length_plausible(all.size(), count_))
      r.fail("entry count " + std::to_string(count_) + " cannot fit a segment of " + std::to_string(all.size()) + " bytes");
    ByteReader body(all.subspan(16, all.size() - kTocSegmentOverhead), "TOC segment entries", file_offset + 16);
    whole_.reserve(static_cast<std::size_t>(count_));
    decode_run(body, count_, file_offset, 0, [&](const TocEntry& e) {
      if (check_) check_(e, file_offset_);
      whole_.push_back(e);
    });
    if (!whole_.empty()) first_id_ = whole_.front().frame_id, last_id_ = whole_.back().frame_id;
    return;
  }
  if (version != kBlockVersion) r.fail("unknown segment version");
  if (all.size() < kHeaderBytes + 16) r.fail("shorter than its header");
  r.skip(3);
  count_ = r.u64();
  const std::uint32_t blocks = r.u32();
  per_block_ = r.u32();
  if (per_block_ == 0 || per_block_ > kMaxTocBlockEntries)
    r.fail("entries per block " + std::to_string(per_block_) + " out of range");
  first_id_ = r.u64();
  last_id_ = r.u64();
  body_length_ = r.u64();
  if (!toc_segment_length_plausible(all.size(), count_))
    r.fail("entry count " + std::to_string(count_) + " cannot fit a segment of " + std::to_string(all.size()) + " bytes");
  if (blocks != (count_ + per_block_ - 1) / per_block_)
    r.fail("block count " + std::to_string(blocks) + " does not fit " + std::to_string(count_) + " entries");
  body_at_ = kHeaderBytes + kIndexEntryBytes * std::uint64_t{blocks};
  if (body_length_ > all.size() || body_at_ + body_length_ > all.size())
    r.fail("body length " + std::to_string(body_length_) + " runs past the segment");
  const std::uint64_t covered = body_at_ + body_length_;
  if (covered + block_sums_length(covered) + 16 != all.size())
    r.fail("length " + std::to_string(all.size()) + " does not fit its " + std::to_string(blocks) + " blocks and " +
           std::to_string(body_length_) + " body bytes");
  const std::uint8_t* sums = all.data() + covered;
  Blake3 h;
  h.update(all.first(kHeaderBytes));
  h.update(std::span(sums, static_cast<std::size_t>(block_sums_length(covered))));
  Checksum16 sum;
  h.finalize(sum.data(), sum.size());
  if (!std::equal(sum.begin(), sum.end(), all.end() - 16)) r.fail("checksum mismatch");
  checks_ = BlockChecks(all.first(covered), sums, "TOC segment at file offset " + std::to_string(file_offset));
  if (count_ == 0) {
    if (first_id_ != 0 || last_id_ != 0) r.fail("an empty segment names frames");
  } else if (first_id_ > last_id_ || last_id_ - first_id_ < count_ - 1) {
    r.fail("frame range " + std::to_string(first_id_) + ".." + std::to_string(last_id_) + " cannot hold " +
           std::to_string(count_) + " entries");
  }

  // The block index: ascending ids from first_id, offsets ascending from 0, each block room
  // for its entries.
  checks_.touch(kHeaderBytes, kIndexEntryBytes * std::uint64_t{blocks});
  block_first_.resize(blocks);
  block_at_.resize(blocks);
  ByteReader index(all.subspan(kHeaderBytes, kIndexEntryBytes * std::uint64_t{blocks}), "TOC segment block index",
                   file_offset + kHeaderBytes);
  for (std::uint32_t b = 0; b < blocks; ++b) {
    block_first_[b] = index.u64();
    block_at_[b] = index.u64();
    const std::uint64_t in_block = std::min<std::uint64_t>(per_block_, count_ - std::uint64_t{b} * per_block_);
    const bool ids_ok = b == 0 ? block_first_[b] == first_id_
                               : block_first_[b] > block_first_[b - 1] &&
                                     block_first_[b] - block_first_[b - 1] >= per_block_;
    const bool at_ok = b == 0 ? block_at_[b] == 0 : block_at_[b] >= block_at_[b - 1] + per_block_ * kMinEncodedTocEntry;
    if (!ids_ok || block_first_[b] > last_id_ || last_id_ - block_first_[b] < in_block - 1)
      throw Error(ErrorCode::InvalidToc, "TOC segment at file offset " + std::to_string(file_offset) + ": block " +
                                             std::to_string(b) + " starts at frame " + std::to_string(block_first_[b]) +
                                             ", out of order");
    if (!at_ok || block_at_[b] > body_length_ || body_length_ - block_at_[b] < in_block * kMinEncodedTocEntry)
      r.fail("block " + std::to_string(b) + " at body offset " + std::to_string(block_at_[b]) + " is out of place");
  }
  blocks_ = std::make_unique<std::atomic<const Block*>[]>(blocks);
  // Every id from first to last present (the usual segment, one checkpoint's new frames): the
  // checks above then pin block b to first_id + b * per_block.
  dense_ = count_ > 0 && last_id_ >= first_id_ && last_id_ - first_id_ == count_ - 1;
}

void TocSegmentReader::check_blocks() const {
  if (!block_at_.empty()) checks_.touch_all();
}

const TocSegmentReader::Block& TocSegmentReader::block(std::size_t b) const {
  if (const Block* cached = blocks_[b].load(std::memory_order_acquire)) return *cached;
  const std::uint64_t at = block_at_[b];
  const std::uint64_t end = b + 1 < block_at_.size() ? block_at_[b + 1] : body_length_;
  checks_.touch(body_at_ + at, end - at);
  const std::uint64_t in_block = std::min<std::uint64_t>(per_block_, count_ - std::uint64_t{b} * per_block_);
  auto decoded = std::make_unique<Block>();
  decoded->reserve(static_cast<std::size_t>(in_block));
  ByteReader body(std::span(view_->data() + body_at_ + at, static_cast<std::size_t>(end - at)), "TOC segment entries",
                  file_offset_ + body_at_ + at);
  decode_run(body, in_block, file_offset_, b * std::uint64_t{per_block_},
             [&](const TocEntry& e) {
               if (check_) check_(e, file_offset_);
               decoded->push_back(e);
             });
  const std::uint64_t next = b + 1 < block_first_.size() ? block_first_[b + 1] : last_id_ + 1;
  if (decoded->front().frame_id != block_first_[b] || decoded->back().frame_id >= next ||
      (b + 1 == block_first_.size() && decoded->back().frame_id != last_id_))
    not_ascending(file_offset_, b * std::uint64_t{per_block_});
  const Block* expected = nullptr;
  if (blocks_[b].compare_exchange_strong(expected, decoded.get(), std::memory_order_acq_rel)) return *decoded.release();
  return *expected;  // another thread decoded it first
}

std::size_t TocSegmentReader::block_of(std::uint64_t id) const {
  auto it = std::upper_bound(block_first_.begin(), block_first_.end(), id);
  return static_cast<std::size_t>(it - block_first_.begin()) - 1;
}

const TocEntry* TocSegmentReader::find(std::uint64_t id) const {
  if (count_ == 0 || id < first_id_ || id > last_id_) return nullptr;
  std::size_t b = 0;
  if (dense_) {  // set by version 3 only, whose segments of entries have blocks
    b = static_cast<std::size_t>((id - first_id_) / per_block_);
  } else if (!block_at_.empty()) {
    // Look-ups mostly come in frame order (a query walks its postings), so the block of the
    // last look-up is tried first.
    b = last_block_.load(std::memory_order_relaxed);
    if (b >= block_first_.size() || id < block_first_[b] || (b + 1 < block_first_.size() && id >= block_first_[b + 1])) {
      b = block_of(id);
      last_block_.store(b, std::memory_order_relaxed);
    }
  }
  const Block& entries = block_at_.empty() ? whole_ : block(b);
  const std::uint64_t first = entries.front().frame_id;
  // Blocks of consecutive frames (the usual case) are indexed directly.
  if (id - first < entries.size() && entries[id - first].frame_id == id) return &entries[id - first];
  auto it = std::lower_bound(entries.begin(), entries.end(), id,
                             [](const TocEntry& e, std::uint64_t v) { return e.frame_id < v; });
  return it != entries.end() && it->frame_id == id ? &*it : nullptr;
}

void TocSegmentReader::visit(const std::function<void(const TocEntry&)>& fn) const {
  if (block_at_.empty()) {
    for (const TocEntry& e : whole_) fn(e);
    return;
  }
  for (std::size_t b = 0; b < block_at_.size(); ++b)
    for (const TocEntry& e : block(b)) fn(e);
}

}  // namespace memvid::format
