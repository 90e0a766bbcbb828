#include "index/lex/lex_part.hpp"

#include <algorithm>
#include <optional>

#include "index/lex/lex_merge.hpp"
#include "index/part_checks.hpp"
#include "store/store.hpp"

namespace memvid::index {

namespace {

using namespace checks;

std::string segment_name(const store::Store& store, std::size_t i, std::uint64_t offset) {
  return store.path() + ": lexical segment " + std::to_string(i) + " at file offset " + std::to_string(offset);
}

format::Checksum16 trailer_checksum(std::span<const std::uint8_t> segment) {
  // A lexical segment's own trailer checksum identifies it (like TOC segments).
  format::Checksum16 c{};
  std::copy(segment.end() - 16, segment.end(), c.begin());
  return c;
}

class LexKind final : public PartKind {
 public:
  PartTag tag() const override { return LexPart::kTag; }
  const char* name() const override { return "lexical"; }
  const char* short_name() const override { return "lex"; }
  bool in_every_segment() const override { return true; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef&, const IndexSettings&) const override {
    if (ref.count > ref.length) return "claims " + num(ref.count) + " documents in " + num(ref.length) + " bytes";
    return "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<LexPart>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const override;
};

}  // namespace

void LexPart::reset(const IndexManifest& manifest) {
  std::vector<std::shared_ptr<const LexSegment>> opened = carried_parts(manifest, kTag, pending_, refs_, opened_);
  refs_ = manifest.segments;
  opened_ = std::move(opened);
  pending_.clear();
  buffer_.clear();
  tail_.clear();
}

void LexPart::add(AnalyzedFrame& a) {
  for (auto& body : a.chunks) {
    buffer_.add(a.id, a.vocabulary, a.title, body, a.keywords);
    body = TermPositions{};  // indexed: only this part reads the words
  }
}

void LexPart::forget_from(std::uint64_t frame_end) {
  if (buffer_.drop_frames_from(frame_end)) tail_.clear();
}

std::shared_ptr<const LexSegment> LexPart::committed_segment(std::size_t i) const {
  if (!opened_[i]) {
    const PartRef& r = *refs_[i].part(kTag);
    opened_[i] = LexSegment::open(host_.file, r.offset, r.length, &r.checksum, segment_name(host_.store, i, r.offset));
  }
  return opened_[i];
}

std::shared_ptr<const LexSegment> LexPart::open_buffer_bytes(std::vector<std::uint8_t> bytes, const char* what) const {
  const std::uint64_t size = bytes.size();
  return LexSegment::open(std::make_shared<MemorySource>(std::move(bytes)), 0, size, nullptr,
                          host_.store.path() + ": " + what);
}

void LexPart::catch_up_tail() const {
  if (buffer_.unsealed_docs() == 0) return;
  // When the merges below would fold every piece into one, encoding the builder whole gives
  // that piece at a fraction of the cost of decoding and merging the pieces.
  std::uint64_t merged = buffer_.unsealed_docs();
  std::size_t left = tail_.size();
  while (left > 0 && tail_[left - 1]->doc_count() <= merged) merged += tail_[--left]->doc_count();
  if (left == 0 && !tail_.empty()) {
    tail_.assign(1, open_buffer_bytes(buffer_.encode_sealing_all(), "in-memory index buffer"));
    return;
  }
  tail_.push_back(open_buffer_bytes(buffer_.encode_unsealed(), "in-memory index buffer"));
  while (tail_.size() >= 2 && tail_[tail_.size() - 2]->doc_count() <= tail_.back()->doc_count()) {
    const std::shared_ptr<const LexSegment> pair[] = {tail_[tail_.size() - 2], tail_.back()};
    tail_.pop_back();
    tail_.back() = open_buffer_bytes(merge_lex_segments(pair, [](std::uint64_t) { return true; }),
                                     "in-memory index buffer");
  }
}

std::vector<std::shared_ptr<const LexSegment>> LexPart::segments() const {
  std::vector<std::shared_ptr<const LexSegment>> out;
  for (std::size_t i = 0; i < refs_.size(); ++i) out.push_back(committed_segment(i));
  catch_up_tail();
  out.insert(out.end(), tail_.begin(), tail_.end());
  return out;
}

BuiltPart LexPart::build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t, const LiveFn& live) {
  BuiltPart built;
  if (inputs.size() == 1 && inputs[0] >= refs_.size()) {
    built.bytes = buffer_.encode();
  } else {
    std::vector<std::shared_ptr<const LexSegment>> segs;
    for (std::size_t i : inputs)
      segs.push_back(i < refs_.size() ? committed_segment(i) : open_buffer_bytes(buffer_.encode(), "index buffer"));
    built.bytes = merge_lex_segments(segs, live);
  }
  built.count = encoded_doc_count(built.bytes);
  built.checksum = trailer_checksum(built.bytes);
  const std::uint64_t size = built.bytes.size();
  pending_[first] = {built.checksum, LexSegment::open(std::make_shared<MemorySource>(built.bytes), 0, size, nullptr,
                                                      host_.store.path() + ": new lexical segment")};
  return built;
}

// ---------------------------------------------------------------------------------------
// Verify: LexIndexDecode, and LexIndexCoverage (deep).

namespace {

class LexVerifier final : public PartVerifier {
 public:
  explicit LexVerifier(const PartCheckContext& c) : c_(c) {}

  std::vector<PartCheck> structure_checks() override { return {{"LexIndexDecode", [this] { return decode(); }}}; }
  std::vector<PartCheck> coverage_checks() override { return {{"LexIndexCoverage", [this] { return coverage(); }}}; }

 private:
  const std::vector<IndexSegmentRef>& segs() const { return c_.manifest.segments; }

  CheckResult decode() {
    frames_.assign(segs().size(), std::nullopt);
    Problems p;
    std::uint64_t docs = 0, terms = 0;
    for (std::size_t i = 0; i < segs().size(); ++i) {
      const PartRef& r = *segs()[i].part(LexPart::kTag);
      const std::string what = "lexical part of " + c_.segment_name(i) + " at offset " + num(r.offset);
      try {
        auto source = std::make_shared<MemorySource>(c_.read(r.offset, r.length, "lexical part"));
        auto seg = LexSegment::open(source, 0, r.length, &r.checksum, what);
        if (seg->doc_count() != r.count)
          throw Error(ErrorCode::Corrupt, what + " holds " + num(seg->doc_count()) + " documents, the TOC says " + num(r.count));
        check_postings(*seg, *source, what);
        docs += seg->doc_count();
        terms += seg->term_count();
        frames_[i] = seg->frames();
      } catch (const Error& e) {
        p.add(e.what());
      }
    }
    if (p.any()) return failed(p.summary());
    return passed(num(segs().size()) + " lexical parts open with the checksums the TOC records: " + num(docs) +
                  " documents, " + num(terms) + " terms, every dictionary block and posting list intact");
  }

  // What a search would check term by term, for every term: each dictionary block's hash,
  // and each posting list's two parts against the hashes the dictionary holds. The parts of
  // consecutive terms must follow each other.
  static void check_postings(const LexSegment& seg, const MemorySource& source, const std::string& what) {
    const std::span<const std::uint8_t> bytes = source.bytes();
    std::uint64_t expect = 0, seen = 0;
    seg.scan("", [&](std::string_view term, const TermInfo& t) {
      auto fail = [&](const std::string& why) {
        throw Error(ErrorCode::Corrupt, what + ": term '" + std::string(term.substr(0, 40)) + "': " + why);
      };
      if (t.docs_offset != expect) fail("its postings do not follow the previous term's");
      if (t.positions_offset > bytes.size() || t.positions_length > bytes.size() - t.positions_offset ||
          t.docs_length > t.positions_offset - t.docs_offset)
        fail("its postings lie outside the part");
      if (part_hash(bytes.subspan(t.docs_offset, t.docs_length)) != t.docs_hash)
        fail("docs part at part offset " + num(t.docs_offset) + " fails its checksum");
      if (part_hash(bytes.subspan(t.positions_offset, t.positions_length)) != t.positions_hash)
        fail("positions part at part offset " + num(t.positions_offset) + " fails its checksum");
      expect = t.positions_offset + t.positions_length;
      ++seen;
      return true;
    });
    if (seen != seg.term_count())
      throw Error(ErrorCode::Corrupt, what + ": the dictionary holds " + num(seen) + " terms, the trailer says " +
                                          num(seg.term_count()));
  }

  std::size_t segment_of(std::uint64_t id) const {
    auto it = std::upper_bound(segs().begin(), segs().end(), id,
                               [](std::uint64_t v, const IndexSegmentRef& r) { return v < r.first_frame; });
    return static_cast<std::size_t>(it - segs().begin()) - 1;
  }

  CheckResult coverage() const {
    if (!c_.deep) return skipped("not deep");
    if (!*c_.records_read) return skipped("frame records unreadable");
    if (!frames_.empty() && std::none_of(frames_.begin(), frames_.end(), [](const auto& f) { return f.has_value(); }))
      return skipped("no lexical part is readable");
    const std::uint64_t indexed = c_.manifest.indexed_frames, frames = c_.frames;
    const std::vector<RecordFacts>& facts = *c_.records;
    Problems p;
    std::vector<std::uint32_t> docs(indexed, 0);
    std::size_t unread = 0;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      if (!frames_[i]) {
        ++unread;
        continue;
      }
      const IndexSegmentRef& r = segs()[i];
      for (std::uint64_t f : *frames_[i]) {
        if (f >= frames)
          p.add("lexical part of " + c_.segment_name(i) + " has documents of frame " + num(f) +
                ", beyond the frame count " + num(frames));
        else if (f < r.first_frame || f >= r.end_frame)
          p.add("lexical part of " + c_.segment_name(i) + " has documents of frame " + num(f) + ", outside its range");
        else
          ++docs[f];
      }
    }
    std::uint64_t checked = 0, checked_docs = 0;
    for (std::uint64_t f = 0; f < indexed; ++f) {
      const std::size_t s = segment_of(f);
      if (!frames_[s]) continue;
      // Inactive frames may linger in parts not merged since they changed; searches filter
      // them by status.
      if (!c_.active(f) || facts[f].state != RecordFacts::kGood) continue;
      ++checked;
      checked_docs += docs[f];
      if (docs[f] != facts[f].passages)
        p.add("active frame " + num(f) + " has " + num(docs[f]) + " documents in the lexical part of " +
              c_.segment_name(s) + "; its text makes " + num(facts[f].passages));
    }
    if (p.any()) return failed(p.summary());
    return passed(num(checked) + " active frames below " + num(indexed) + " each have one document per chunk (" +
                  num(checked_docs) + " documents) in the lexical part covering them" + unreadable_note(unread));
  }

  const PartCheckContext& c_;
  std::vector<std::optional<std::vector<std::uint64_t>>> frames_;  // each part's frame column
};

std::unique_ptr<PartVerifier> LexKind::verifier(const PartCheckContext& context) const {
  return std::make_unique<LexVerifier>(context);
}

}  // namespace

const PartKind& lexical_part_kind() {
  static const LexKind kind;
  return kind;
}

}  // namespace memvid::index
