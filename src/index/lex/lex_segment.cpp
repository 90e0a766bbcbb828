#include "index/lex/lex_segment.hpp"

#include <algorithm>
#include <cstring>

#include <xxhash.h>

#include "format/bytes.hpp"
#include "index/varint.hpp"
#include "memvid/error.hpp"

namespace memvid::index {

namespace {

constexpr char kTrailerMagic[8] = {'M', 'V', 'L', 'X', 'S', 'E', 'G', '1'};
constexpr std::size_t kTrailerBody = 120;
constexpr std::size_t kTrailerSize = kTrailerBody + 16;

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void append(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

std::uint64_t hash64(std::span<const std::uint8_t> bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

}  // namespace

std::uint32_t part_hash(std::span<const std::uint8_t> bytes) { return static_cast<std::uint32_t>(hash64(bytes)); }

std::uint64_t encoded_doc_count(std::span<const std::uint8_t> segment) {
  if (segment.size() < kTrailerSize) throw Error(ErrorCode::Corrupt, "segment shorter than its trailer");
  return format::load_u64(segment.data() + segment.size() - kTrailerSize + 16);
}

// ---------------------------------------------------------------------------------------
// Writing

void SegmentWriter::add_term(std::string_view term, std::uint32_t df, const std::vector<std::uint8_t>& docs,
                             const std::vector<std::uint8_t>& positions) {
  if (terms_in_block_ == kTermsPerBlock) close_dict_block();
  if (terms_in_block_ == 0) {
    // Block index entry: the block's first term in full, where the block starts, and where
    // its terms' postings start (the rest follow from the lengths).
    block_base_ = postings_.size();
    put_varint(index_, term.size());
    index_.insert(index_.end(), term.begin(), term.end());
    put_varint(index_, dict_.size());  // relative to the dictionary start; fixed up on read
    put_varint(index_, block_base_);
    prev_term_.clear();
    ++index_blocks_;
  }
  std::size_t shared = 0;
  while (shared < prev_term_.size() && shared < term.size() && prev_term_[shared] == term[shared]) ++shared;
  put_varint(block_, shared);
  put_varint(block_, term.size() - shared);
  block_.insert(block_.end(), term.begin() + static_cast<std::ptrdiff_t>(shared), term.end());
  put_varint(block_, df);
  put_varint(block_, docs.size());
  put_varint(block_, positions.size());
  put_u32(block_, part_hash(docs));
  put_u32(block_, part_hash(positions));
  append(postings_, docs);
  append(postings_, positions);
  prev_term_.assign(term);
  ++terms_in_block_;
  ++term_count_;
}

void SegmentWriter::close_dict_block() {
  if (terms_in_block_ == 0) return;
  std::vector<std::uint8_t> block;
  put_varint(block, terms_in_block_);
  append(block, block_);
  put_u64(block, hash64(block));
  put_varint(index_, block.size());
  append(dict_, block);
  block_.clear();
  terms_in_block_ = 0;
}

void SegmentWriter::add_doc(std::uint64_t frame_id, std::uint32_t title_len, std::uint32_t body_len) {
  frames_.push_back(frame_id);
  body_len = std::min(body_len, kMaxBodyLength);
  title_len = std::min(title_len, kMaxTitleLength);
  norms_.push_back(static_cast<std::uint8_t>(body_len));
  norms_.push_back(static_cast<std::uint8_t>(body_len >> 8));
  norms_.push_back(static_cast<std::uint8_t>(title_len));
  sum_body_ += body_len;
  sum_title_ += title_len;
}

std::vector<std::uint8_t> SegmentWriter::finish() {
  close_dict_block();
  std::vector<std::uint8_t> out = std::move(postings_);
  const std::uint64_t dict_off = out.size();
  append(out, dict_);
  const std::uint64_t frames_off = out.size();
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < frames_.size(); ++i) {
    put_varint(out, i == 0 ? frames_[i] : frames_[i] - prev);
    prev = frames_[i];
  }
  const std::uint64_t norms_off = out.size();
  append(out, norms_);
  const std::uint64_t index_off = out.size();
  std::vector<std::uint8_t> index;
  put_varint(index, index_blocks_);
  append(index, index_);
  append(out, index);
  const std::uint64_t columns_hash = hash64(std::span(out).subspan(frames_off));

  format::ByteWriter t;
  t.bytes(kTrailerMagic, 8);
  t.u32(1);
  t.u32(0);
  t.u64(frames_.size());
  t.u64(term_count_);
  t.u64(sum_body_);
  t.u64(sum_title_);
  t.u64(dict_off);
  t.u64(frames_off - dict_off);
  t.u64(frames_off);
  t.u64(norms_off - frames_off);
  t.u64(norms_off);
  t.u64(index_off - norms_off);
  t.u64(index_off);
  t.u64(out.size() - index_off);
  t.u64(columns_hash);
  t.bytes(format::checksum16(t.buffer()));
  append(out, t.buffer());
  *this = SegmentWriter{};
  return out;
}

// ---------------------------------------------------------------------------------------
// Reading

void LexSegment::fail(const std::string& why) const { throw Error(ErrorCode::Corrupt, what_ + ": " + why); }

std::shared_ptr<const LexSegment> LexSegment::open(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                                                   std::uint64_t length, const format::Checksum16* expected,
                                                   std::string what) {
  std::shared_ptr<LexSegment> s(new LexSegment());
  s->source_ = std::move(source);
  s->offset_ = offset;
  s->length_ = length;
  s->what_ = std::move(what);
  if (length < kTrailerSize) s->fail("shorter than its trailer");
  auto trailer = s->source_->read(offset + length - kTrailerSize, kTrailerSize);
  if (std::memcmp(trailer.data(), kTrailerMagic, 8) != 0) s->fail("bad trailer magic");
  if (!format::checksum_matches(std::span(trailer).first(kTrailerBody), trailer.data() + kTrailerBody))
    s->fail("trailer fails its checksum");
  if (expected && !std::equal(expected->begin(), expected->end(), trailer.data() + kTrailerBody))
    s->fail("is not the segment the TOC names (checksum differs)");
  format::ByteReader r(trailer, s->what_ + " trailer", offset + length - kTrailerSize);
  r.skip(8);
  if (r.u32() != 1) r.fail("unknown segment version");
  r.skip(4);
  const std::uint64_t doc_count = r.u64();
  s->term_count_ = r.u64();
  s->sum_body_ = r.u64();
  s->sum_title_ = r.u64();
  std::uint64_t off[4], len[4];
  for (int i = 0; i < 4; ++i) {
    off[i] = r.u64();
    len[i] = r.u64();
  }
  const std::uint64_t columns_hash = r.u64();
  // dict, frames, norms, index must tile the space between the postings and the trailer.
  const std::uint64_t body_end = length - kTrailerSize;
  for (int i = 0; i < 4; ++i)
    if (off[i] > body_end || len[i] > body_end - off[i]) s->fail("section outside the segment");
  if (off[1] != off[0] + len[0] || off[2] != off[1] + len[1] || off[3] != off[2] + len[2] ||
      off[3] + len[3] != body_end)
    s->fail("sections do not tile the segment");
  if (doc_count > len[1] || len[2] != 3 * doc_count) s->fail("document count does not fit the columns");
  s->dict_offset_ = off[0];
  s->dict_length_ = len[0];

  s->columns_ = s->source_->view(offset + off[1], body_end - off[1]);
  const std::span<const std::uint8_t> columns(s->columns_->data(), s->columns_->size());
  if (hash64(columns) != columns_hash) s->fail("columns fail their checksum");
  const std::uint8_t* p = columns.data();
  format::ByteReader frames(std::span(p, len[1]), s->what_ + " frame column", offset + off[1]);
  s->frames_.reserve(doc_count);  // not resized: zeroing first costs a pass over fresh pages
  std::uint64_t prev = 0;
  for (std::uint64_t i = 0; i < doc_count; ++i) {
    const std::uint64_t v = frames.varint();
    prev = (i == 0) ? v : prev + v;
    if (prev > (1ull << 48)) frames.fail("frame id out of range");
    s->frames_.push_back(prev);
  }
  if (!frames.done()) frames.fail("bytes left after the last document");
  s->norms_ = p + len[1];
  format::ByteReader index(std::span(p + len[1] + len[2], len[3]), s->what_ + " block index", offset + off[3]);
  const std::uint64_t n_blocks = index.varint();
  if (n_blocks > len[3] / 4 || n_blocks * kTermsPerBlock < s->term_count_ ||
      (s->term_count_ > 0) != (n_blocks > 0))
    index.fail("block count does not fit");
  s->blocks_.resize(n_blocks);
  std::uint64_t prev_off = 0;
  for (std::uint64_t b = 0; b < n_blocks; ++b) {
    BlockRef& ref = s->blocks_[b];
    const std::uint64_t n = index.varint();
    if (n == 0 || n > kMaxTermBytes) index.fail("bad first-term length");
    auto bytes = index.bytes(n);
    ref.first_term.assign(bytes.begin(), bytes.end());
    ref.offset = index.varint();
    ref.postings_base = index.varint();
    ref.length = index.varint();
    if (ref.offset != prev_off || ref.length > s->dict_length_ - std::min(ref.offset, s->dict_length_) ||
        ref.postings_base > s->dict_offset_ || (b > 0 && ref.first_term <= s->blocks_[b - 1].first_term))
      index.fail("block " + std::to_string(b) + " out of place");
    prev_off = ref.offset + ref.length;
    ref.offset += s->dict_offset_;
  }
  if (!index.done() || prev_off != s->dict_length_) index.fail("blocks do not fill the dictionary");
  return s;
}

std::shared_ptr<const std::vector<std::uint8_t>> LexSegment::read_checked(std::uint64_t offset, std::uint64_t length,
                                                                          std::uint32_t hash, const char* part) const {
  if (offset > dict_offset_ || length > dict_offset_ - offset) fail(std::string(part) + " outside the postings");
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(source_->read(offset_ + offset, length));
  if (part_hash(*bytes) != hash)
    fail(std::string(part) + " at segment offset " + std::to_string(offset) + " fails its checksum");
  return bytes;
}

void LexSegment::read_block(std::size_t b, const std::function<bool(std::string_view, const TermInfo&)>& fn) const {
  const BlockRef& ref = blocks_[b];
  auto bytes = source_->read(offset_ + ref.offset, ref.length);
  if (bytes.size() < 9 || hash64(std::span(bytes).first(bytes.size() - 8)) != format::load_u64(&bytes[bytes.size() - 8]))
    fail("dictionary block " + std::to_string(b) + " fails its checksum");
  const std::span<const std::uint8_t> body = std::span<const std::uint8_t>(bytes).first(bytes.size() - 8);
  format::ByteReader r(body, what_ + " dictionary block", offset_ + ref.offset);
  const std::uint64_t n = r.varint();
  if (n == 0 || n > kTermsPerBlock) r.fail("bad term count");
  std::string term;
  std::uint64_t at = ref.postings_base;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t shared = r.varint(), suffix = r.varint();
    if (shared > term.size() || suffix > kMaxTermBytes || shared + suffix == 0 || shared + suffix > kMaxTermBytes)
      r.fail("bad term lengths");
    term.resize(shared);
    auto s = r.bytes(suffix);
    term.append(s.begin(), s.end());
    if (i == 0 && term != ref.first_term) r.fail("first term differs from the block index");
    TermInfo info;
    const std::uint64_t df = r.varint();
    info.docs_length = r.varint();
    info.positions_length = r.varint();
    info.docs_hash = r.u32();
    info.positions_hash = r.u32();
    if (df == 0 || df > doc_count() || info.docs_length > dict_offset_ || info.positions_length > dict_offset_)
      r.fail("term '" + term + "' has impossible counts");
    info.df = static_cast<std::uint32_t>(df);
    info.docs_offset = at;
    info.positions_offset = at + info.docs_length;
    at = info.positions_offset + info.positions_length;
    if (at > dict_offset_) r.fail("postings run past the dictionary");
    if (!fn(term, info)) return;
  }
  if (!r.done()) r.fail("bytes left after the last term");
}

std::optional<TermInfo> LexSegment::lookup(std::string_view term) const {
  if (blocks_.empty()) return std::nullopt;
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), term,
                             [](std::string_view t, const BlockRef& b) { return t < std::string_view(b.first_term); });
  if (it == blocks_.begin()) return std::nullopt;
  std::optional<TermInfo> found;
  read_block(static_cast<std::size_t>(it - blocks_.begin()) - 1, [&](std::string_view t, const TermInfo& info) {
    if (t == term) found = info;
    return t < term;
  });
  return found;
}

void LexSegment::scan(std::string_view prefix, const std::function<bool(std::string_view, const TermInfo&)>& fn) const {
  auto it = std::upper_bound(blocks_.begin(), blocks_.end(), prefix,
                             [](std::string_view t, const BlockRef& b) { return t < std::string_view(b.first_term); });
  std::size_t b = (it == blocks_.begin()) ? 0 : static_cast<std::size_t>(it - blocks_.begin()) - 1;
  bool go = true;
  for (; go && b < blocks_.size(); ++b) {
    if (std::string_view(blocks_[b].first_term).substr(0, prefix.size()) > prefix) break;
    read_block(b, [&](std::string_view t, const TermInfo& info) {
      if (t.substr(0, prefix.size()) < prefix) return true;
      if (t.substr(0, prefix.size()) > prefix) return go = false;
      return go = fn(t, info);
    });
  }
}

PostingCursor LexSegment::cursor(const TermInfo& info, std::string_view term) const {
  std::string what = what_ + " postings of '" + std::string(term) + "'";
  auto docs = read_checked(info.docs_offset, info.docs_length, info.docs_hash, "docs part");
  // Positions are read only if asked for: most queries never need them.
  const TermInfo copy = info;
  auto loader = [this, copy]() { return read_checked(copy.positions_offset, copy.positions_length, copy.positions_hash, "positions part"); };
  return PostingCursor(std::move(docs), doc_count(), loader, std::move(what));
}

}  // namespace memvid::index
