// The index-part seam, proved with a kind of part that exists only in this test: registered
// with one line, it is built for every new segment at checkpoints, merged (purging dead
// frames) by the tiered policy, read back after reopening, checked by verify (its own named
// checks, structure and coverage), listed by inspect, and rebuilt by doctor when damaged; no
// file of src/ knows it. The part records, per frame of its segment, how many passages the
// frame's text made.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "format/blake3.hpp"
#include "format/bytes.hpp"
#include "index/byte_source.hpp"
#include "index/part_checks.hpp"
#include "index/part_registry.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace memvid;
using namespace memvid::index;
namespace mt = memvid::testing;

constexpr PartTag kTag = part_tag("PSGS");

format::Checksum16 checksum_of(std::span<const std::uint8_t> bytes) {
  format::Checksum16 c{};
  format::Blake3 h;
  h.update(bytes.data(), bytes.size());
  h.finalize(c.data(), c.size());
  return c;
}

using Counts = std::vector<std::pair<std::uint64_t, std::uint32_t>>;  // (frame, passages), by frame

std::vector<std::uint8_t> encode(const Counts& counts) {
  format::ByteWriter w;
  w.u64(counts.size());
  for (const auto& [frame, n] : counts) {
    w.u64(frame);
    w.u32(n);
  }
  return w.take();
}

Counts decode(std::span<const std::uint8_t> bytes, const PartRef& ref) {
  if (checksum_of(bytes) != ref.checksum) throw Error(ErrorCode::Corrupt, "passage-count part fails its checksum");
  format::ByteReader r(bytes, "passage-count part", ref.offset);
  Counts out(r.u64());
  if (out.size() != ref.count) throw Error(ErrorCode::Corrupt, "passage-count part holds a different count");
  for (auto& [frame, n] : out) {
    frame = r.u64();
    n = r.u32();
  }
  return out;
}

class PassageCountPart final : public IndexPart {
 public:
  explicit PassageCountPart(const PartHost& host) : host_(host) {}
  void reset(const IndexManifest& manifest) override {
    refs_ = manifest.segments;
    buffer_.clear();
  }
  void add(AnalyzedFrame& f) override { buffer_.push_back({f.id, static_cast<std::uint32_t>(f.chunks.size())}); }
  void forget_from(std::uint64_t end) override {
    while (!buffer_.empty() && buffer_.back().first >= end) buffer_.pop_back();
  }
  BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t, std::uint64_t, const LiveFn& live) override {
    Counts all;
    for (std::size_t i : inputs) {
      Counts c = buffer_;
      if (i < refs_.size()) {
        const PartRef& r = *refs_[i].part(kTag);
        c = decode(host_.file->read(r.offset, r.length), r);
      }
      for (const auto& e : c)
        if (!live || live(e.first)) all.push_back(e);
    }
    BuiltPart b;
    b.bytes = encode(all);
    b.count = all.size();
    b.checksum = checksum_of(b.bytes);
    return b;
  }
  void abandon() override {}

 private:
  PartHost host_;
  std::vector<IndexSegmentRef> refs_;
  Counts buffer_;
};

class PassageCountVerifier final : public PartVerifier {
 public:
  explicit PassageCountVerifier(const PartCheckContext& c) : c_(c) {}
  std::vector<PartCheck> structure_checks() override {
    return {{"PassageCountDecode", [this] {
               checks::Problems p;
               counts_.clear();
               for (std::size_t i = 0; i < c_.manifest.segments.size(); ++i) {
                 const PartRef& r = *c_.manifest.segments[i].part(kTag);
                 try {
                   for (const auto& [frame, n] : decode(c_.read(r.offset, r.length, "passage-count part"), r)) counts_[frame] = n;
                 } catch (const Error& e) {
                   p.add(c_.segment_name(i) + ": " + e.what());
                 }
               }
               return p.any() ? checks::failed(p.summary()) : checks::passed(checks::num(counts_.size()) + " counts");
             }}};
  }
  std::vector<PartCheck> coverage_checks() override {
    return {{"PassageCountCoverage", [this] {
               if (!*c_.records_read) return checks::skipped("frame records unreadable");
               checks::Problems p;
               for (std::uint64_t f = 0; f < c_.manifest.indexed_frames; ++f) {
                 const RecordFacts& facts = (*c_.records)[f];
                 if (!c_.active(f) || facts.state != RecordFacts::kGood) continue;
                 auto it = counts_.find(f);
                 if (it == counts_.end() || it->second != facts.passages) p.add("frame " + checks::num(f));
               }
               return p.any() ? checks::failed(p.summary()) : checks::passed("every active frame counted");
             }}};
  }

 private:
  const PartCheckContext& c_;
  std::map<std::uint64_t, std::uint32_t> counts_;
};

class PassageCountKind final : public PartKind {
 public:
  PartTag tag() const override { return kTag; }
  const char* name() const override { return "passage-count"; }
  const char* short_name() const override { return "psgs"; }
  bool in_every_segment() const override { return true; }
  std::string check_ref(const PartRef& ref, const IndexSegmentRef& seg, const IndexSettings&) const override {
    return ref.count > seg.frames() ? "counts more frames than the segment has" : "";
  }
  std::unique_ptr<IndexPart> open(const PartHost& host) const override { return std::make_unique<PassageCountPart>(host); }
  std::unique_ptr<PartVerifier> verifier(const PartCheckContext& c) const override {
    return std::make_unique<PassageCountVerifier>(c);
  }
};

// The one registration line a new kind needs (here undone at the end of the test).
class Registered {
 public:
  explicit Registered(const PartKind& k) : k_(k) { register_part_kind(&k_); }
  ~Registered() { unregister_part_kind(&k_); }

 private:
  const PartKind& k_;
};

Document text(int i) {
  Document d;
  d.payload = "frame " + std::to_string(i) + " about rivers.";
  // Every fourth text makes several passages at 256-byte chunks.
  if (i % 4 == 0)
    for (int k = 0; k < 20; ++k) d.payload += " Sentence " + std::to_string(k) + " of a longer text about lakes.";
  d.timestamp_ms = 1'700'000'000'000 + i;
  return d;
}

const CheckResult* check(const VerifyReport& r, const std::string& name) {
  for (const CheckResult& c : r.checks)
    if (c.name == name) return &c;
  return nullptr;
}

TEST(IndexPartSeam, ANewKindOfPartIsBuiltMergedReadVerifiedAndRepaired) {
  const PassageCountKind kind;
  Registered registered(kind);
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  CreateOptions c;
  c.embedding_model = "none";
  c.chunk_bytes = 256;
  c.chunk_overlap = 32;
  c.wal_bytes = 64 * 1024;
  c.open.nudge_poll_ms = 0;
  {
    Memvid m = Memvid::create(path, c);
    m.close();
  }
  // Twelve checkpoints, so that segments merge; deletes, so that merges purge.
  int next = 0;
  for (int round = 0; round < 12; ++round) {
    Memvid m = Memvid::open(path, c.open);
    for (int i = 0; i < 5; ++i) m.put(text(next++));
    if (round % 3 == 2) m.delete_frame(static_cast<FrameId>(next - 3));
    m.close();
  }
  const FileAnatomy a = inspect_file(path);
  std::size_t listed = 0, lex = 0;
  for (const CatalogEntry& e : a.segments) {
    listed += e.kind == "psgs";
    lex += e.kind == "lex";
  }
  EXPECT_GT(lex, 0u);
  EXPECT_EQ(listed, lex) << "one passage-count part per index segment";
  EXPECT_LT(lex, 12u) << "segments merged";

  VerifyReport v = memvid::verify(path, true);
  ASSERT_TRUE(v.ok);
  ASSERT_NE(check(v, "PassageCountDecode"), nullptr);
  EXPECT_EQ(check(v, "PassageCountDecode")->status, CheckStatus::Passed) << check(v, "PassageCountDecode")->detail;
  ASSERT_NE(check(v, "PassageCountCoverage"), nullptr);
  EXPECT_EQ(check(v, "PassageCountCoverage")->status, CheckStatus::Passed) << check(v, "PassageCountCoverage")->detail;

  // Damage the first passage-count part: its check fails, doctor rebuilds every part.
  const CatalogEntry* part = nullptr;
  for (const CatalogEntry& e : a.segments)
    if (e.kind == "psgs" && !part) part = &e;
  ASSERT_NE(part, nullptr);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes[part->offset + 9] = static_cast<char>(bytes[part->offset + 9] ^ 0x55);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  v = memvid::verify(path, true);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(check(v, "PassageCountDecode")->status, CheckStatus::Failed);
  DoctorOptions d;
  d.rebuild_lex_index = true;  // any rebuild regenerates every part
  const DoctorReport r = memvid::doctor(path, d);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(memvid::verify(path, true).ok);
  Memvid m = Memvid::open_read_only(path, c.open);
  EXPECT_EQ(m.frame_count(), static_cast<std::uint64_t>(next));
}

TEST(IndexPartSeam, AFileWithAPartThisVersionDoesNotKnowIsRefusedByName) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    const PassageCountKind kind;
    Registered registered(kind);
    CreateOptions c;
    c.embedding_model = "none";
    Memvid m = Memvid::create(path, c);
    m.put(text(1));
    m.close();
  }
  // Without the kind registered, the index section names the unknown part.
  const VerifyReport v = memvid::verify(path);
  EXPECT_FALSE(v.ok);
  const CheckResult* toc = check(v, "TocDecode");
  ASSERT_NE(toc, nullptr);
  EXPECT_NE(toc->detail.find("'PSGS'"), std::string::npos) << toc->detail;
}

}  // namespace
