// Posting lists and lexical segments: round trips through the codecs, skipping, and damaged
// bytes (which must give memvid::Error, never a crash or a wrong read past the end).
#include <gtest/gtest.h>

#include <random>

#include "index/lex/lex_builder.hpp"
#include "index/lex/lex_merge.hpp"
#include "index/lex/lex_segment.hpp"
#include "index/lex/postings.hpp"
#include "index/time/time_segment.hpp"
#include "memvid/error.hpp"

using namespace memvid;
using namespace memvid::index;

namespace {

struct Posting {
  std::uint32_t doc;
  std::vector<std::uint32_t> title, body;
};

std::vector<Posting> random_list(std::mt19937& rng, std::size_t n, std::uint32_t gap) {
  std::vector<Posting> out;
  std::uint32_t doc = 0;
  for (std::size_t i = 0; i < n; ++i) {
    doc += (i == 0 ? 0 : 1) + rng() % gap;
    Posting p{doc, {}, {}};
    for (std::uint32_t k = 0, n_t = rng() % 3, at = 0; k < n_t; ++k) p.title.push_back(at += 1 + rng() % 3);
    for (std::uint32_t k = 0, n_b = 1 + rng() % 5, at = 0; k < n_b; ++k) p.body.push_back(at += rng() % 400);
    out.push_back(std::move(p));
  }
  return out;
}

PostingCursor cursor_over(const std::vector<Posting>& list, std::uint32_t doc_count) {
  PostingListWriter w;
  for (const auto& p : list) w.add(p.doc, p.title, p.body, static_cast<std::uint32_t>(p.title.size()), 100);
  std::vector<std::uint8_t> docs, positions;
  w.finish(docs, positions);
  auto pos = std::make_shared<const std::vector<std::uint8_t>>(positions);
  return PostingCursor(std::make_shared<const std::vector<std::uint8_t>>(docs), doc_count, [pos] { return pos; }, "test");
}

}  // namespace

TEST(PostingsTest, RoundTripsFullAndPartialBlocks) {
  std::mt19937 rng(7);
  for (std::size_t n : {1u, 2u, 127u, 128u, 129u, 256u, 1000u}) {
    for (std::uint32_t gap : {1u, 3u, 1000u}) {
      auto list = random_list(rng, n, gap);
      PostingCursor c = cursor_over(list, list.back().doc + 1);
      EXPECT_EQ(c.df(), n);
      std::vector<std::uint32_t> t, b;
      for (const Posting& p : list) {
        ASSERT_EQ(c.doc(), p.doc);
        EXPECT_EQ(c.tf_title(), p.title.size());
        EXPECT_EQ(c.tf_body(), p.body.size());
        c.positions(t, b);
        EXPECT_EQ(t, p.title);
        EXPECT_EQ(b, p.body);
        c.next();
      }
      EXPECT_EQ(c.doc(), kNoDoc);
    }
  }
}

TEST(PostingsTest, AdvanceSkipsBlocksAndFindsTheFirstDocAtOrAfterTarget) {
  std::mt19937 rng(9);
  auto list = random_list(rng, 5000, 7);
  const std::uint32_t n_docs = list.back().doc + 1;
  for (int trial = 0; trial < 200; ++trial) {
    PostingCursor c = cursor_over(list, n_docs);
    std::uint32_t target = 0;
    for (int step = 0; step < 20; ++step) {
      target += rng() % 800;
      auto it = std::lower_bound(list.begin(), list.end(), target, [](const Posting& p, std::uint32_t t) { return p.doc < t; });
      const std::uint32_t want = it == list.end() ? kNoDoc : it->doc;
      ASSERT_EQ(c.advance(target), want);
      if (want == kNoDoc) break;
      std::vector<std::uint32_t> t, b;
      c.positions(t, b);
      EXPECT_EQ(b, it->body);
      // The block bound never falls below what a document in it scores.
      const BlockMeta& m = c.blocks()[c.block_for(want)];
      EXPECT_GE(m.max_tf_body, c.tf_body());
      EXPECT_LE(m.first_doc, want);
      EXPECT_GE(m.last_doc, want);
    }
  }
}

TEST(PostingsTest, DamagedListsThrowCorrupt) {
  std::mt19937 rng(11);
  auto list = random_list(rng, 700, 5);
  PostingListWriter w;
  for (const auto& p : list) w.add(p.doc, p.title, p.body, 0, 100);
  std::vector<std::uint8_t> docs, positions;
  w.finish(docs, positions);
  for (int trial = 0; trial < 3000; ++trial) {
    auto bad = docs;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    if (trial % 7 == 0) bad.resize(rng() % bad.size());
    if (bad.empty()) continue;
    try {
      auto pos = std::make_shared<const std::vector<std::uint8_t>>(positions);
      PostingCursor c(std::make_shared<const std::vector<std::uint8_t>>(bad), list.back().doc + 1, [pos] { return pos; },
                      "damaged");
      std::vector<std::uint32_t> t, b;
      for (std::uint32_t d = c.doc(); d != kNoDoc; d = c.next()) c.positions(t, b);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    }
  }
}

TEST(LexSegmentTest, BuildLookupScanMergeAndHostileBytes) {
  LexBuilder b;
  auto tok = [](TermTable& vocabulary, std::vector<std::string> words) {
    TermPositions out;
    for (std::uint32_t i = 0; i < words.size(); ++i) {
      out.terms.push_back(vocabulary.intern(words[i]));
      out.positions.push_back(i);
    }
    return out;
  };
  for (std::uint64_t f = 0; f < 300; ++f) {
    std::vector<std::string> kw = {std::string(kTagPrefix) + (f % 2 ? "odd" : "even"),
                                   std::string(kUriPrefix) + "mv2://d/" + std::to_string(f)};
    TermTable vocabulary;
    const TermPositions title = tok(vocabulary, {"title"});
    b.add(f, vocabulary, title, tok(vocabulary, {"common", "w" + std::to_string(f % 10), "common"}), kw);
  }
  auto bytes = b.encode();
  const auto size = bytes.size();
  auto seg = LexSegment::open(std::make_shared<MemorySource>(bytes), 0, size, nullptr, "seg");
  EXPECT_EQ(seg->doc_count(), 300u);
  auto common = seg->lookup("common");
  ASSERT_TRUE(common);
  EXPECT_EQ(common->df, 300u);
  PostingCursor c = seg->cursor(*common, "common");
  EXPECT_EQ(c.tf_body(), 2u);
  EXPECT_FALSE(seg->lookup("absent"));
  EXPECT_EQ(seg->lookup(std::string(kTagPrefix) + "odd")->df, 150u);
  int uris = 0;
  seg->scan(std::string(kUriPrefix) + "mv2://d/1", [&](std::string_view, const TermInfo&) { return ++uris, true; });
  EXPECT_EQ(uris, 111);  // 1, 10-19, 100-199

  // Merging drops the documents of frames that are no longer live.
  auto merged_bytes = merge_lex_segments(std::vector<std::shared_ptr<const LexSegment>>{seg},
                                         [](std::uint64_t f) { return f % 3 != 0; });
  auto merged = LexSegment::open(std::make_shared<MemorySource>(merged_bytes), 0, merged_bytes.size(), nullptr, "m");
  EXPECT_EQ(merged->doc_count(), 200u);
  EXPECT_EQ(merged->lookup("common")->df, 200u);
  EXPECT_EQ(merged->lookup("w0")->df, 20u);  // f % 10 == 0 but not f % 3 == 0

  // Any damage is a memvid::Error (Corrupt), found when the damaged part is read.
  std::mt19937 rng(3);
  for (int trial = 0; trial < 2000; ++trial) {
    auto bad = bytes;
    bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    try {
      auto s = LexSegment::open(std::make_shared<MemorySource>(bad), 0, bad.size(), nullptr, "bad");
      s->scan("", [&](std::string_view term, const TermInfo& info) {
        PostingCursor pc = s->cursor(info, term);
        std::vector<std::uint32_t> t, p;
        for (std::uint32_t d = pc.doc(); d != kNoDoc; d = pc.next()) pc.positions(t, p);
        return true;
      });
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
    }
  }
}

TEST(TimeSegmentTest, RoundTripAndDamage) {
  std::vector<TimeEntry> entries{{-5, 2}, {0, 0}, {0, 1}, {1'700'000'000'000, 3}};
  auto bytes = encode_time_segment(entries);
  EXPECT_EQ(decode_time_segment(bytes, 0, nullptr), entries);
  auto sum = time_segment_checksum(bytes);
  EXPECT_EQ(decode_time_segment(bytes, 0, &sum), entries);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto bad = bytes;
    bad[i] ^= 0x40;
    EXPECT_THROW(decode_time_segment(bad, 0, nullptr), Error);
  }
  bytes.pop_back();
  EXPECT_THROW(decode_time_segment(bytes, 0, nullptr), Error);
}

namespace {

TermPositions words_at(TermTable& vocabulary, const std::vector<std::string>& words) {
  TermPositions out;
  for (std::uint32_t i = 0; i < words.size(); ++i) {
    out.terms.push_back(vocabulary.intern(words[i]));
    out.positions.push_back(i);
  }
  return out;
}

void add_random_doc(LexBuilder& b, std::uint64_t frame, std::mt19937& rng) {
  TermTable vocabulary;
  std::vector<std::string> body;
  for (std::size_t i = 0, n = 1 + rng() % 12; i < n; ++i) body.push_back("w" + std::to_string(rng() % 40));
  const std::vector<std::string> kw = {std::string(kTagPrefix) + (rng() % 2 ? "odd" : "even")};
  b.add(frame, vocabulary, words_at(vocabulary, {"t" + std::to_string(rng() % 5)}), words_at(vocabulary, body), kw);
}

std::shared_ptr<const LexSegment> open_bytes(const std::vector<std::uint8_t>& bytes) {
  return LexSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), nullptr, "piece");
}

// What a search can read of a segment, in one string: its documents' frames, norms and
// lengths summed, then every term with its postings (frame, term frequencies, positions) and
// the bounds block-max pruning uses.
std::string searchable_content(const LexSegment& seg) {
  std::string out = "docs";
  for (std::uint32_t d = 0; d < seg.doc_count(); ++d)
    out += " " + std::to_string(seg.frame_of(d)) + "/" + std::to_string(seg.title_length(d)) + "/" +
           std::to_string(seg.body_length(d));
  out += "; sums " + std::to_string(seg.sum_title_length()) + " " + std::to_string(seg.sum_body_length()) + "\n";
  seg.scan("", [&](std::string_view term, const TermInfo& info) {
    out += std::string(term) + " df " + std::to_string(info.df) + ":";
    PostingCursor c = seg.cursor(info, term);
    std::vector<std::uint32_t> tp, bp;
    for (std::uint32_t d = c.doc(); d != kNoDoc; d = c.next()) {
      out += " " + std::to_string(seg.frame_of(d)) + "(" + std::to_string(c.tf_title()) + "," + std::to_string(c.tf_body());
      if (c.tf_title() + c.tf_body() > 0) {
        c.positions(tp, bp);
        for (auto p : tp) out += " t" + std::to_string(p);
        for (auto p : bp) out += " b" + std::to_string(p);
      }
      out += ")";
    }
    out += "\n";
    return true;
  });
  return out;
}

}  // namespace

// A search after every write reads the buffer as pieces sealed one after another
// (encode_unsealed). Together the pieces must hold exactly what the buffer encoded whole
// holds, also after a rollback that cut into sealed documents and one that cut only unsealed
// ones.
TEST(LexSegmentTest, SealedPiecesHoldWhatTheWholeBufferHolds) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    LexBuilder b;
    std::vector<std::shared_ptr<const LexSegment>> pieces;
    std::uint64_t frame = 0;
    for (int step = 0; step < 60; ++step) {
      const unsigned what = rng() % 10;
      if (what < 6) {
        add_random_doc(b, frame++, rng);
      } else if (what < 9) {
        if (b.unsealed_docs() > 0) pieces.push_back(open_bytes(b.encode_unsealed()));
        ASSERT_EQ(b.unsealed_docs(), 0u);
      } else if (frame > 0) {
        const std::uint64_t cut = frame - 1 - rng() % std::min<std::uint64_t>(frame, 4);
        std::uint32_t sealed = 0;
        for (const auto& p : pieces) sealed += p->doc_count();
        const bool cut_sealed = b.drop_frames_from(cut);
        EXPECT_EQ(cut_sealed, cut < sealed) << "seed " << seed << " step " << step;
        if (cut_sealed) pieces.clear();
        frame = cut;
      }
    }
    if (b.unsealed_docs() > 0) pieces.push_back(open_bytes(b.encode_unsealed()));
    if (b.doc_count() == 0) continue;
    std::uint32_t docs = 0;
    for (const auto& p : pieces) docs += p->doc_count();
    EXPECT_EQ(docs, b.doc_count()) << "seed " << seed;
    const auto merged = open_bytes(merge_lex_segments(pieces, [](std::uint64_t) { return true; }));
    const auto whole = open_bytes(b.encode());
    EXPECT_EQ(searchable_content(*merged), searchable_content(*whole)) << "seed " << seed << ", " << pieces.size() << " pieces";
    if (pieces.size() == 1) {
      EXPECT_EQ(searchable_content(*pieces[0]), searchable_content(*whole)) << "seed " << seed;
    }
  }
}
