#include "index/lex/postings.hpp"

#include <algorithm>
#include <string>

#include "index/varint.hpp"
#include "memvid/error.hpp"

namespace memvid::index {

namespace {

std::uint32_t bits_for(const std::uint32_t* v, std::size_t n) {
  std::uint32_t all = 0;
  for (std::size_t i = 0; i < n; ++i) all |= v[i];
  return all == 0 ? 0 : 32 - static_cast<std::uint32_t>(__builtin_clz(all));
}

// A full block's 128 values at a common bit width: 16 * bits bytes, low bits first.
void put_packed(std::vector<std::uint8_t>& out, const std::uint32_t* v) {
  const std::uint32_t bits = bits_for(v, kBlockSize);
  out.push_back(static_cast<std::uint8_t>(bits));
  std::uint64_t acc = 0;
  std::uint32_t have = 0;
  for (std::uint32_t i = 0; i < kBlockSize; ++i) {
    acc |= static_cast<std::uint64_t>(v[i]) << have;
    have += bits;
    while (have >= 8) {
      out.push_back(static_cast<std::uint8_t>(acc));
      acc >>= 8;
      have -= 8;
    }
  }
  if (have > 0) out.push_back(static_cast<std::uint8_t>(acc));
}

bool get_packed(const std::uint8_t*& p, const std::uint8_t* end, std::uint32_t* v) {
  if (p >= end) return false;
  const std::uint32_t bits = *p++;
  if (bits > 32) return false;
  const std::size_t bytes = (kBlockSize * bits + 7) / 8;
  if (static_cast<std::size_t>(end - p) < bytes) return false;
  const std::uint64_t mask = bits == 32 ? 0xFFFFFFFFull : (1ull << bits) - 1;
  std::uint64_t acc = 0;
  std::uint32_t have = 0;
  for (std::uint32_t i = 0; i < kBlockSize; ++i) {
    while (have < bits) {
      acc |= static_cast<std::uint64_t>(*p++) << have;
      have += 8;
    }
    v[i] = static_cast<std::uint32_t>(acc & mask);
    acc >>= bits;
    have -= bits;
  }
  return true;
}

void put_run(std::vector<std::uint8_t>& out, std::span<const std::uint32_t> positions) {
  std::uint32_t prev = 0;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    put_varint(out, i == 0 ? positions[i] : positions[i] - prev);
    prev = positions[i];
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Writing

void PostingListWriter::add(std::uint32_t doc, std::span<const std::uint32_t> title_positions,
                            std::span<const std::uint32_t> body_positions, std::uint32_t title_len,
                            std::uint32_t body_len) {
  if (in_block_ == 0) {
    meta_ = BlockMeta{};
    meta_.first_doc = doc;
    meta_.min_body_len = body_len;
    meta_.min_title_len = title_len;
    block_pos_start_ = positions_.size();
  }
  const std::uint32_t delta = (count_ == 0) ? doc : doc - prev_doc_ - 1;
  const auto tf_body = static_cast<std::uint32_t>(body_positions.size());
  const auto tf_title = static_cast<std::uint32_t>(title_positions.size());
  deltas_[in_block_] = delta;
  tf_body_[in_block_] = tf_body;
  tf_title_[in_block_] = tf_title;
  put_run(positions_, title_positions);
  put_run(positions_, body_positions);
  meta_.max_tf_body = std::max(meta_.max_tf_body, tf_body);
  meta_.max_tf_title = std::max(meta_.max_tf_title, tf_title);
  meta_.min_body_len = std::min(meta_.min_body_len, body_len);
  meta_.min_title_len = std::min(meta_.min_title_len, title_len);
  meta_.last_doc = doc;
  prev_doc_ = doc;
  ++count_;
  if (++in_block_ == kBlockSize) close_block();
}

void PostingListWriter::add_keyword(std::uint32_t doc) { add(doc, {}, {}, 0, 0); }

void PostingListWriter::close_block() {
  if (in_block_ == 0) return;
  if (in_block_ == kBlockSize) {
    // Full blocks are bit-packed (doc deltas, body and title frequencies, each at the
    // block's widest value); the last, partial block uses varints.
    put_packed(block_, deltas_);
    put_packed(block_, tf_body_);
    put_packed(block_, tf_title_);
  } else {
    for (std::uint32_t i = 0; i < in_block_; ++i) {
      put_varint(block_, deltas_[i]);
      put_varint(block_, (static_cast<std::uint64_t>(tf_body_[i]) << 1) | (tf_title_[i] ? 1 : 0));
      if (tf_title_[i]) put_varint(block_, tf_title_[i]);
    }
  }
  // Skip entry: last doc (delta from the previous block's last, +1 so the first block can
  // start at doc 0), the two byte sizes, and the block's score-bounding statistics.
  put_varint(skip_, any_ ? meta_.last_doc - prev_block_last_ - 1 : meta_.last_doc);
  put_varint(skip_, block_.size());
  put_varint(skip_, positions_.size() - block_pos_start_);
  put_varint(skip_, meta_.max_tf_body);
  put_varint(skip_, meta_.max_tf_title);
  put_varint(skip_, meta_.min_body_len);
  put_varint(skip_, meta_.min_title_len);
  blocks_.insert(blocks_.end(), block_.begin(), block_.end());
  block_.clear();
  prev_block_last_ = meta_.last_doc;
  any_ = true;
  in_block_ = 0;
}

void PostingListWriter::finish(std::vector<std::uint8_t>& docs_out, std::vector<std::uint8_t>& positions_out) {
  close_block();
  docs_out.clear();
  put_varint(docs_out, count_);
  docs_out.insert(docs_out.end(), skip_.begin(), skip_.end());
  docs_out.insert(docs_out.end(), blocks_.begin(), blocks_.end());
  positions_out = std::move(positions_);
  *this = PostingListWriter{};
}

// ---------------------------------------------------------------------------------------
// Reading

PostingCursor::PostingCursor(std::shared_ptr<const std::vector<std::uint8_t>> docs, std::uint32_t doc_count,
                             PositionsLoader positions, std::string what)
    : docs_(std::move(docs)), doc_count_(doc_count), load_positions_(std::move(positions)), what_(std::move(what)) {
  const std::uint8_t* p = docs_->data();
  const std::uint8_t* end = p + docs_->size();
  if (!get_varint32(p, end, df_) || df_ == 0 || df_ > doc_count_) fail("bad posting count");
  const std::size_t n_blocks = (df_ + kBlockSize - 1) / kBlockSize;
  // Each skip entry takes at least 7 bytes: a count that cannot fit is rejected before the
  // allocation it would size.
  if (n_blocks > static_cast<std::size_t>(end - p) / 7) fail("skip table longer than the list");
  blocks_.resize(n_blocks);
  std::uint64_t docs_off = 0, pos_off = 0;
  std::uint32_t prev_last = 0;
  for (std::size_t b = 0; b < n_blocks; ++b) {
    BlockMeta& m = blocks_[b];
    std::uint32_t last_delta;
    std::uint64_t docs_bytes, pos_bytes;
    if (!get_varint32(p, end, last_delta) || !get_varint64(p, end, docs_bytes) || !get_varint64(p, end, pos_bytes) ||
        !get_varint32(p, end, m.max_tf_body) || !get_varint32(p, end, m.max_tf_title) ||
        !get_varint32(p, end, m.min_body_len) || !get_varint32(p, end, m.min_title_len))
      fail("truncated skip table");
    const std::uint64_t last = b == 0 ? std::uint64_t{last_delta} : std::uint64_t{prev_last} + last_delta + 1;
    if (last >= doc_count_) fail("skip table names a document beyond the segment");
    m.last_doc = static_cast<std::uint32_t>(last);
    m.first_doc = b == 0 ? 0 : prev_last + 1;  // a lower bound until the block is decoded
    m.count = (b + 1 < n_blocks) ? kBlockSize : df_ - static_cast<std::uint32_t>(b) * kBlockSize;
    m.docs_offset = docs_off;
    m.docs_bytes = docs_bytes;
    m.pos_offset = pos_off;
    m.pos_bytes = pos_bytes;
    if (docs_bytes > docs_->size() || pos_bytes > (1ull << 40)) fail("block sizes out of range");
    docs_off += docs_bytes;
    pos_off += pos_bytes;
    prev_last = m.last_doc;
  }
  const std::uint64_t body_start = static_cast<std::uint64_t>(p - docs_->data());
  if (docs_off != docs_->size() - body_start) fail("blocks do not fill the list");
  for (BlockMeta& m : blocks_) m.docs_offset += body_start;
  load_block(0);
}

void PostingCursor::fail(const std::string& why) const {
  throw Error(ErrorCode::Corrupt, what_ + ": " + why);
}

std::size_t PostingCursor::block_for(std::uint32_t target) const {
  if (block_ < blocks_.size() && blocks_[block_].last_doc >= target) {
    std::size_t b = block_;
    return b;
  }
  auto it = std::lower_bound(blocks_.begin() + static_cast<std::ptrdiff_t>(block_), blocks_.end(), target,
                             [](const BlockMeta& m, std::uint32_t t) { return m.last_doc < t; });
  return static_cast<std::size_t>(it - blocks_.begin());
}

void PostingCursor::load_block(std::size_t b) {
  block_ = b;
  const BlockMeta& m = blocks_[b];
  const std::uint8_t* p = docs_->data() + m.docs_offset;
  const std::uint8_t* end = p + m.docs_bytes;
  std::uint32_t prev = b == 0 ? 0 : blocks_[b - 1].last_doc;
  const bool packed = m.count == kBlockSize;
  if (packed && (!get_packed(p, end, docs_buf_) || !get_packed(p, end, tf_body_) || !get_packed(p, end, tf_title_)))
    fail("truncated block");
  for (std::uint32_t i = 0; i < m.count; ++i) {
    std::uint32_t delta = docs_buf_[i];
    if (!packed) {
      std::uint32_t tf;
      if (!get_varint32(p, end, delta) || !get_varint32(p, end, tf)) fail("truncated block");
      tf_body_[i] = tf >> 1;
      tf_title_[i] = 0;
      if ((tf & 1) && !get_varint32(p, end, tf_title_[i])) fail("truncated block");
    }
    const std::uint64_t d = (b == 0 && i == 0) ? std::uint64_t{delta} : std::uint64_t{prev} + delta + 1;
    if (d > m.last_doc) fail("document out of order");
    docs_buf_[i] = static_cast<std::uint32_t>(d);
    if (tf_body_[i] > m.max_tf_body || tf_title_[i] > m.max_tf_title) fail("term frequency above the block maximum");
    prev = docs_buf_[i];
  }
  if (p != end || docs_buf_[m.count - 1] != m.last_doc) fail("block does not end where the skip table says");
  blocks_[b].first_doc = docs_buf_[0];
  idx_ = 0;
  doc_ = docs_buf_[0];
  pos_idx_ = 0;
  pos_at_ = m.pos_offset;
  loaded_ = true;
}

std::uint32_t PostingCursor::next() {
  if (doc_ == kNoDoc) return kNoDoc;
  if (++idx_ < blocks_[block_].count) return doc_ = docs_buf_[idx_];
  if (block_ + 1 >= blocks_.size()) return doc_ = kNoDoc;
  load_block(block_ + 1);
  return doc_;
}

std::uint32_t PostingCursor::advance(std::uint32_t target) {
  if (doc_ == kNoDoc || doc_ >= target) return doc_;
  if (blocks_[block_].last_doc < target) {
    const std::size_t b = block_for(target);
    if (b >= blocks_.size()) return doc_ = kNoDoc;
    load_block(b);
  }
  const std::uint32_t n = blocks_[block_].count;
  while (idx_ < n && docs_buf_[idx_] < target) ++idx_;
  return doc_ = docs_buf_[idx_];  // the block's last doc is >= target, so idx_ < n
}

void PostingCursor::positions(std::vector<std::uint32_t>& title, std::vector<std::uint32_t>& body) {
  title.clear();
  body.clear();
  if (doc_ == kNoDoc) return;
  if (!positions_) {
    positions_ = load_positions_();
    if (!positions_) fail("positions unavailable");
  }
  const BlockMeta& m = blocks_[block_];
  if (m.pos_offset > positions_->size() || m.pos_bytes > positions_->size() - m.pos_offset)
    fail("positions block outside the positions part");
  const std::uint8_t* base = positions_->data();
  const std::uint8_t* end = base + m.pos_offset + m.pos_bytes;
  const std::uint8_t* p = base + pos_at_;
  auto skip_run = [&](std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t v;
      if (!get_varint32(p, end, v)) fail("truncated positions");
    }
  };
  while (pos_idx_ < idx_) {
    skip_run(tf_title_[pos_idx_]);
    skip_run(tf_body_[pos_idx_]);
    ++pos_idx_;
  }
  pos_at_ = static_cast<std::uint64_t>(p - base);
  auto read_run = [&](std::uint32_t n, std::vector<std::uint32_t>& out) {
    std::uint64_t at = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t v;
      if (!get_varint32(p, end, v)) fail("truncated positions");
      at = (i == 0) ? v : at + v;
      if (at > 0xFFFFFFF0u) fail("position out of range");
      out.push_back(static_cast<std::uint32_t>(at));
    }
  };
  read_run(tf_title_[idx_], title);
  read_run(tf_body_[idx_], body);
}

}  // namespace memvid::index
