// Vector segments: round trips of the three layouts, search quality against brute force,
// the accept filter, deterministic bytes, and damaged or hostile (re-sealed) segments, which
// must give Corrupt and never a crash.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "index/varint.hpp"
#include "index/vec/vec_format.hpp"
#include "index/vec/vec_segment.hpp"
#include "memvid/error.hpp"

using namespace memvid;
using namespace memvid::index;

namespace {

using Accept = std::function<bool(std::uint64_t)>;

// Clustered vectors with a low-rank spread inside each cluster plus a little isotropic
// noise: closer to real embeddings than uniform noise, whose neighbours are near-ties.
// The clusters depend on cluster_seed only, so queries drawn with another seed fall in them.
std::vector<float> clustered(std::size_t n, std::uint32_t dim, std::uint32_t seed, std::uint32_t cluster_seed = 7) {
  const int n_clusters = 100, rank = 12;
  std::mt19937 crng(cluster_seed);
  std::normal_distribution<float> nd;
  std::vector<float> centers(std::size_t{n_clusters} * dim), basis(std::size_t{n_clusters} * rank * dim);
  for (float& v : centers) v = nd(crng) / std::sqrt(static_cast<float>(dim));
  for (float& v : basis) v = nd(crng) / std::sqrt(static_cast<float>(dim));
  std::mt19937 rng(seed);
  std::vector<float> out(n * dim);
  std::vector<float> coef(rank);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = rng() % n_clusters;
    for (float& a : coef) a = 0.7f * nd(rng);
    double norm = 0;
    for (std::uint32_t j = 0; j < dim; ++j) {
      float v = centers[c * dim + j];
      for (int t = 0; t < rank; ++t) v += coef[t] * basis[(c * rank + t) * dim + j];
      v += 0.3f * nd(rng) / std::sqrt(static_cast<float>(dim));
      out[i * dim + j] = v;
      norm += double{v} * v;
    }
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (std::uint32_t j = 0; j < dim; ++j) out[i * dim + j] *= scale;
    // As a segment stores it (8 bits a component), so that rows read back equal these.
    std::vector<std::int8_t> codes(dim);
    float step = 0;
    quantize_row(std::span(out).subspan(i * dim, dim), codes.data(), step);
    dequantize_row(codes.data(), step, dim, &out[i * dim]);
  }
  return out;
}

// Segments key rows by (frame, passage); these tests store one row per frame.
std::vector<std::uint64_t> keys_of(std::span<const std::uint64_t> frames) {
  std::vector<std::uint64_t> keys;
  for (std::uint64_t f : frames) keys.push_back(vec_key(f, 0));
  return keys;
}

std::vector<std::uint64_t> frames_of(std::span<const std::uint64_t> keys) {
  std::vector<std::uint64_t> frames;
  for (std::uint64_t k : keys) {
    EXPECT_EQ(key_passage(k), 0u);
    frames.push_back(key_frame(k));
  }
  return frames;
}

std::vector<std::uint64_t> ascending_frames(std::size_t n, std::uint32_t seed, std::uint64_t first = 5) {
  std::mt19937 rng(seed);
  std::vector<std::uint64_t> f(n);
  std::uint64_t at = first;
  for (auto& v : f) {
    v = at;
    at += 1 + rng() % 3;
  }
  return f;
}

std::shared_ptr<const VecSegment> open_bytes(const std::vector<std::uint8_t>& bytes, std::uint32_t dim,
                                             bool with_expected = true) {
  const format::Checksum16 c = vec_segment_checksum(bytes);
  return VecSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), with_expected ? &c : nullptr, dim,
                          "test vector segment");
}

// Exact top k by the segment's own kernel: score descending, then frame ascending.
std::vector<VecHit> brute_force(std::span<const std::uint64_t> frames, std::span<const float> vectors,
                                std::uint32_t dim, std::span<const float> q, std::size_t k,
                                const Accept& accept = nullptr) {
  std::vector<VecHit> all;
  for (std::size_t r = 0; r < frames.size(); ++r) {
    if (accept && !accept(frames[r])) continue;
    all.push_back({frames[r], 0, vec::dot(q.data(), vectors.data() + r * dim, dim)});
  }
  std::sort(all.begin(), all.end(),
            [](const VecHit& a, const VecHit& b) { return a.score != b.score ? a.score > b.score : a.frame < b.frame; });
  if (all.size() > k) all.resize(k);
  return all;
}

double recall(const std::vector<VecHit>& got, const std::vector<VecHit>& truth) {
  std::set<std::uint64_t> want;
  for (const VecHit& h : truth) want.insert(h.frame);
  std::size_t hit = 0;
  for (const VecHit& h : got) hit += want.count(h.frame);
  return truth.empty() ? 1.0 : static_cast<double>(hit) / static_cast<double>(truth.size());
}

void expect_sorted(const std::vector<VecHit>& hits) {
  for (std::size_t i = 1; i < hits.size(); ++i) {
    ASSERT_TRUE(hits[i - 1].score > hits[i].score ||
                (hits[i - 1].score == hits[i].score && hits[i - 1].frame < hits[i].frame))
        << "hit " << i << " out of order";
  }
}

void expect_corrupt(const std::vector<std::uint8_t>& bytes, std::uint32_t dim, const std::string& label) {
  try {
    open_bytes(bytes, dim, false);
    ADD_FAILURE() << label << ": opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt) << label << ": " << e.what();
  }
}

struct Built {
  std::vector<std::uint64_t> frames;
  std::vector<float> vectors;
  std::uint32_t dim;
  std::vector<std::uint8_t> bytes;
};

Built build(VecLayout layout, std::size_t rows, std::uint32_t dim, std::uint32_t seed, std::uint32_t version = 3) {
  Built b{ascending_frames(rows, seed), clustered(rows, dim, seed), dim, {}};
  VecBuildOptions o;
  o.version = version;
  o.compress = layout == VecLayout::IvfPq;
  o.hnsw_threshold = layout == VecLayout::Hnsw ? 1 : rows + 1;
  b.bytes = encode_vec_segment(keys_of(b.frames), b.vectors, dim, o);
  return b;
}

std::shared_ptr<const VecSegment> open_in_place(const std::vector<std::uint8_t>& bytes, std::uint32_t dim) {
  const format::Checksum16 c = vec_segment_checksum(bytes);
  return VecSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), &c, dim, "test vector segment",
                          VecReadMode::InPlace);
}

vec::Trailer trailer_of(const std::vector<std::uint8_t>& bytes) {
  return vec::decode_trailer(std::span(bytes).subspan(bytes.size() - vec::kTrailerSize));
}

// Rewrites the trailer through fn, then re-seals every checksum: only the structural checks
// stand between the edit and the searcher.
std::vector<std::uint8_t> with_trailer(std::vector<std::uint8_t> bytes, const std::function<void(vec::Trailer&)>& fn) {
  vec::Trailer t = trailer_of(bytes);
  fn(t);
  const auto enc = vec::encode_trailer(t);
  std::memcpy(bytes.data() + bytes.size() - vec::kTrailerSize, enc.data(), enc.size());
  vec::reseal_vec_segment(bytes);
  return bytes;
}

std::vector<std::uint8_t> with_section(std::vector<std::uint8_t> bytes, vec::Section s,
                                       const std::function<void(std::span<std::uint8_t>)>& fn) {
  const vec::Part p = trailer_of(bytes).parts[s];
  fn(std::span(bytes).subspan(p.offset, p.length));
  vec::reseal_vec_segment(bytes);
  return bytes;
}

}  // namespace

// The scan's kernel (AVX2 where the processor has it) gives the bits of dot() with the
// dequantized row, for every length (the 8-, 4- and 1-wide parts) and extreme codes.
TEST(VecSegmentTest, ScanKernelHasTheBitsOfTheFloatDot) {
  std::mt19937 rng(41);
  std::normal_distribution<float> nd;
  const vec::DotQ8 fast = vec::fastest_dot_q8();
  for (std::size_t n = 1; n <= 300; ++n) {
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<float> q(n), row(n);
      std::vector<std::int8_t> codes(n);
      for (float& x : q) x = nd(rng);
      for (std::size_t i = 0; i < n; ++i) codes[i] = static_cast<std::int8_t>(trial == 4 ? (i % 2 ? 127 : -127) : static_cast<int>(rng() % 255) - 127);
      const float scale = 0.001f + static_cast<float>(rng() % 1000) / 7919.0f;
      dequantize_row(codes.data(), scale, n, row.data());
      const float want = vec::dot(q.data(), row.data(), n);
      ASSERT_EQ(fast(q.data(), codes.data(), scale, n), want) << "n " << n;
      ASSERT_EQ(vec::dot_q8(q.data(), codes.data(), scale, n), want) << "n " << n;
    }
  }
}

TEST(VecSegmentTest, FlatRoundTripSearchesExactly) {
  const std::uint32_t dim = 37;  // not a multiple of the kernel's 8 lanes
  Built b = build(VecLayout::Flat, 1000, dim, 1);
  // Exact copies of some rows: equal scores, which must come out by ascending frame.
  for (std::size_t r = 900; r < 1000; ++r)
    std::copy_n(b.vectors.begin() + static_cast<std::ptrdiff_t>((r - 900) * dim), dim,
                b.vectors.begin() + static_cast<std::ptrdiff_t>(r * dim));
  b.bytes = encode_vec_segment(keys_of(b.frames), b.vectors, dim, {});
  EXPECT_EQ(encoded_vec_count(b.bytes), 1000u);
  auto seg = open_bytes(b.bytes, dim);
  EXPECT_EQ(seg->layout(), VecLayout::Flat);
  EXPECT_EQ(seg->dim(), dim);
  EXPECT_EQ(seg->size(), 1000u);
  EXPECT_EQ(frames_of(seg->keys()), b.frames);
  for (std::size_t r = 0; r < b.frames.size(); ++r) {
    auto v = seg->row_vector(vec_key(b.frames[r], 0));
    ASSERT_EQ(v.size(), dim);
    ASSERT_EQ(std::memcmp(v.data(), b.vectors.data() + r * dim, dim * sizeof(float)), 0);
  }
  EXPECT_TRUE(seg->row_vector(vec_key(b.frames[10] + 1000000, 0)).empty());
  EXPECT_TRUE(seg->row_vector(vec_key(0, 0)).empty());

  const auto queries = clustered(30, dim, 99);
  for (std::size_t qi = 0; qi < 30; ++qi) {
    std::span<const float> q(queries.data() + qi * dim, dim);
    for (std::size_t k : {1u, 10u, 150u, 5000u}) {
      auto got = seg->search(q, k, nullptr, {});
      auto want = brute_force(b.frames, b.vectors, dim, q, k);
      ASSERT_EQ(got.size(), want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].frame, want[i].frame) << "query " << qi << " k " << k << " rank " << i;
        ASSERT_EQ(got[i].score, want[i].score);
        double ref = 0;
        const std::size_t row = static_cast<std::size_t>(
            std::lower_bound(b.frames.begin(), b.frames.end(), got[i].frame) - b.frames.begin());
        for (std::uint32_t j = 0; j < dim; ++j) ref += double{q[j]} * b.vectors[row * dim + j];
        ASSERT_NEAR(got[i].score, ref, 1e-5);
      }
    }
  }
  // A query equal to a duplicated row: its copies tie at the top, lowest frame first.
  std::span<const float> dup(b.vectors.data() + 950 * dim, dim);
  auto hits = seg->search(dup, 2, nullptr, {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[0].frame, b.frames[50]);
  EXPECT_EQ(hits[1].frame, b.frames[950]);
  EXPECT_TRUE(seg->search(dup, 0, nullptr, {}).empty());
}

TEST(VecSegmentTest, HnswRoundTrip) {
  Built b = build(VecLayout::Hnsw, 3000, 24, 2);
  auto seg = open_bytes(b.bytes, 24);
  EXPECT_EQ(seg->layout(), VecLayout::Hnsw);
  EXPECT_EQ(seg->size(), 3000u);
  EXPECT_EQ(frames_of(seg->keys()), b.frames);
  for (std::size_t r = 0; r < b.frames.size(); ++r) {
    auto v = seg->row_vector(vec_key(b.frames[r], 0));
    ASSERT_EQ(v.size(), 24u);
    ASSERT_EQ(std::memcmp(v.data(), b.vectors.data() + r * 24, 24 * sizeof(float)), 0);
  }
  const auto queries = clustered(50, 24, 98);
  double sum = 0;
  for (std::size_t qi = 0; qi < 50; ++qi) {
    std::span<const float> q(queries.data() + qi * 24, 24);
    auto got = seg->search(q, 10, nullptr, {});
    ASSERT_EQ(got.size(), 10u);
    expect_sorted(got);
    auto want = brute_force(b.frames, b.vectors, 24, q, 10);
    sum += recall(got, want);
    // Scores are the exact inner products: the same kernel as a Flat scan.
    for (const VecHit& h : got) {
      auto v = seg->row_vector(vec_key(h.frame, 0));
      ASSERT_EQ(h.score, vec::dot(q.data(), v.data(), 24));
    }
    // k beyond the row count returns every row.
    ASSERT_EQ(seg->search(q, 4000, nullptr, {}).size(), 3000u);
  }
  EXPECT_GE(sum / 50, 0.95);
}

TEST(VecSegmentTest, HnswRecallAtDefaultOptions) {
  const std::uint32_t dim = 100;
  const std::size_t rows = 20000, n_queries = 200;
  const auto frames = ascending_frames(rows, 3);
  const auto vectors = clustered(rows, dim, 3);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  const auto t0 = std::chrono::steady_clock::now();
  VecBuildOptions graph;  // the default M and efConstruction, a graph at any size
  graph.hnsw_threshold = 1;
  const auto bytes = encode_vec_segment(keys_of(frames), vectors, dim, graph);
  const auto t1 = std::chrono::steady_clock::now();
  auto seg = open_bytes(bytes, dim);
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  ASSERT_EQ(seg->layout(), VecLayout::Hnsw);
  const auto queries = clustered(n_queries, dim, 97);
  double sum = 0;
  for (std::size_t qi = 0; qi < n_queries; ++qi) {
    std::span<const float> q(queries.data() + qi * dim, dim);
    sum += recall(seg->search(q, 10, nullptr, {}), brute_force(frames, vectors, dim, q, 10));
  }
  const double r = sum / n_queries;
  std::cout << "[ vec ] HNSW 20K x 100: recall@10 " << r << " (default ef_search), build "
            << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms, open "
            << std::chrono::duration<double, std::milli>(t2 - t1).count() << " ms, " << bytes.size() << " bytes\n";
  EXPECT_GE(r, 0.95);
}

TEST(VecSegmentTest, AGraphExtendedByMoreRowsSearchesAsWellAsOneBuiltWhole) {
  // Merges extend their first input's graph: the graph a segment gives back must be the one
  // it was written with, and extending it must search as well as building over every row.
  const std::uint32_t dim = 64;
  const std::size_t n0 = 3000, n = 6000, n_queries = 100;
  const auto frames = ascending_frames(n, 11);
  const auto vectors = clustered(n, dim, 11);
  const auto keys = keys_of(frames);
  const std::span<const std::uint64_t> first_keys(keys.data(), n0);
  const std::span<const float> first_vectors(vectors.data(), n0 * dim);
  testing::internal::CaptureStdout();
  VecBuildOptions graph;
  graph.hnsw_threshold = 1;
  const auto first = encode_vec_segment(first_keys, first_vectors, dim, graph);
  for (bool in_place : {false, true}) {
    auto seg = in_place ? open_in_place(first, dim) : open_bytes(first, dim);
    const std::optional<vec::HnswGraph> prior = seg->hnsw_graph();
    ASSERT_TRUE(prior.has_value());
    EXPECT_EQ(prior->levels.size(), n0);
    EXPECT_EQ(prior->m, 16u);
    // Extended by no rows, the graph read back writes the same bytes.
    VecBuildOptions again = graph;
    again.prior_graph = &*prior;
    EXPECT_TRUE(encode_vec_segment(first_keys, first_vectors, dim, again) == first) << "in place " << in_place;
  }
  const std::optional<vec::HnswGraph> prior = open_bytes(first, dim)->hnsw_graph();
  VecBuildOptions extend = graph;
  extend.prior_graph = &*prior;
  const auto whole = encode_vec_segment(keys, vectors, dim, graph);
  const auto extended = encode_vec_segment(keys, vectors, dim, extend);
  EXPECT_FALSE(whole == extended);  // the prior graph was used
  EXPECT_TRUE(encode_vec_segment(keys, vectors, dim, extend) == extended);  // deterministically
  // A prior graph of another M is not used: the build is the one without it.
  VecBuildOptions other_m = graph;
  other_m.hnsw_m = 8;
  const auto m8 = encode_vec_segment(keys, vectors, dim, other_m);
  other_m.prior_graph = &*prior;
  EXPECT_TRUE(encode_vec_segment(keys, vectors, dim, other_m) == m8);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");

  const auto queries = clustered(n_queries, dim, 98);
  double sum_whole = 0, sum_extended = 0;
  auto seg_whole = open_bytes(whole, dim), seg_extended = open_bytes(extended, dim);
  ASSERT_EQ(seg_extended->layout(), VecLayout::Hnsw);
  for (std::size_t qi = 0; qi < n_queries; ++qi) {
    std::span<const float> q(queries.data() + qi * dim, dim);
    const auto truth = brute_force(frames, vectors, dim, q, 10);
    VecSearchOptions narrow;  // a short candidate list, so that graph quality shows
    narrow.ef_search = 12;
    sum_whole += recall(seg_whole->search(q, 10, nullptr, narrow), truth);
    sum_extended += recall(seg_extended->search(q, 10, nullptr, narrow), truth);
  }
  std::cout << "[ vec ] recall@10 built whole " << sum_whole / n_queries << ", extended " << sum_extended / n_queries
            << "\n";
  EXPECT_GE(sum_extended / n_queries, 0.8);
  EXPECT_GE(sum_extended / n_queries, sum_whole / n_queries - 0.03);
}

TEST(VecSegmentTest, IvfPqRoundTripWithPaddingAndNothingPrinted) {
  const std::uint32_t dim = 30;  // not a multiple of the 4-float sub-vectors
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  Built b = build(VecLayout::IvfPq, 3000, dim, 4);
  auto seg = open_bytes(b.bytes, dim);
  const auto queries = clustered(40, dim, 96);
  std::vector<std::vector<VecHit>> results;
  for (std::size_t qi = 0; qi < 40; ++qi) results.push_back(seg->search({queries.data() + qi * dim, dim}, 10, nullptr, {}));
  const std::string err = testing::internal::GetCapturedStderr();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(err, "");
  EXPECT_EQ(out, "");
  EXPECT_EQ(seg->layout(), VecLayout::IvfPq);
  EXPECT_EQ(frames_of(seg->keys()), b.frames);
  EXPECT_TRUE(seg->row_vector(vec_key(b.frames[0], 0)).empty());
  const vec::Trailer t = trailer_of(b.bytes);
  EXPECT_EQ(t.params[vec::kPqSubquantizers], 8u);
  EXPECT_EQ(t.params[vec::kPqBits], 6u);  // 3000 rows: fewer than 40 per 8-bit centroid
  double sum = 0;
  for (std::size_t qi = 0; qi < 40; ++qi) {
    ASSERT_EQ(results[qi].size(), 10u);
    expect_sorted(results[qi]);
    sum += recall(results[qi], brute_force(b.frames, b.vectors, dim, {queries.data() + qi * dim, dim}, 10));
  }
  std::cout << "[ vec ] IVF-PQ 3000 x 30 (6-bit codes): recall@10 " << sum / 40 << "\n";
  EXPECT_GE(sum / 40, 0.4);
  // Asking for more than the segment holds widens the probe to every list.
  auto all = seg->search({queries.data(), dim}, 5000, nullptr, {});
  ASSERT_EQ(all.size(), 3000u);
  expect_sorted(all);
  std::set<std::uint64_t> distinct;
  for (const VecHit& h : all) distinct.insert(h.frame);
  EXPECT_EQ(distinct, std::set<std::uint64_t>(b.frames.begin(), b.frames.end()));
}

TEST(VecSegmentTest, ConcurrentSearchesAgree) {
  const std::uint32_t dim = 16;
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    Built b = build(layout, 3000, dim, 14);
    auto seg = open_bytes(b.bytes, dim);
    const auto queries = clustered(64, dim, 91);
    const Accept odd = [](std::uint64_t f) { return f % 2 == 1; };
    std::vector<std::vector<VecHit>> want(64);
    for (std::size_t qi = 0; qi < 64; ++qi) want[qi] = seg->search({queries.data() + qi * dim, dim}, 10, odd, {});
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int round = 0; round < 3; ++round)
          for (std::size_t qi = static_cast<std::size_t>(t); qi < 64; qi += 2) {
            auto got = seg->search({queries.data() + qi * dim, dim}, 10, odd, {});
            bool same = got.size() == want[qi].size();
            for (std::size_t i = 0; same && i < got.size(); ++i)
              same = got[i].frame == want[qi][i].frame && got[i].score == want[qi][i].score;
            if (!same) ++mismatches;
          }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0) << "layout " << static_cast<int>(layout);
  }
}

TEST(VecSegmentTest, IvfPqSizeAndRecallAt50K) {
  const std::uint32_t dim = 100;
  const std::size_t rows = 50000, n_queries = 100;
  const auto frames = ascending_frames(rows, 5);
  const auto vectors = clustered(rows, dim, 5);
  VecBuildOptions o;
  o.compress = true;
  testing::internal::CaptureStderr();
  const auto t0 = std::chrono::steady_clock::now();
  const auto bytes = encode_vec_segment(keys_of(frames), vectors, dim, o);
  const auto t1 = std::chrono::steady_clock::now();
  auto seg = open_bytes(bytes, dim);
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  ASSERT_EQ(seg->layout(), VecLayout::IvfPq);
  const vec::Trailer t = trailer_of(bytes);
  EXPECT_EQ(t.params[vec::kPqLists], 256u);
  EXPECT_EQ(t.params[vec::kPqSubquantizers], 25u);
  EXPECT_EQ(t.params[vec::kPqBits], 8u);
  const std::size_t floats = rows * dim * sizeof(float);
  EXPECT_LE(bytes.size() * 12, floats) << bytes.size() << " bytes";
  const auto queries = clustered(n_queries, dim, 95);
  double sum = 0;
  for (std::size_t qi = 0; qi < n_queries; ++qi) {
    std::span<const float> q(queries.data() + qi * dim, dim);
    auto got = seg->search(q, 10, nullptr, {});
    ASSERT_EQ(got.size(), 10u);
    sum += recall(got, brute_force(frames, vectors, dim, q, 10));
  }
  const double r = sum / n_queries;
  std::cout << "[ vec ] IVF-PQ 50K x 100: recall@10 " << r << " (default nprobe), " << bytes.size() << " bytes = 1/"
            << static_cast<double>(floats) / static_cast<double>(bytes.size()) << " of the floats, build "
            << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms, open "
            << std::chrono::duration<double, std::milli>(t2 - t1).count() << " ms\n";
  EXPECT_GE(r, 0.65);
}

TEST(VecSegmentTest, SmallCompressedSegmentStaysFlat) {
  Built b = build(VecLayout::IvfPq, 1023, 16, 6);
  auto seg = open_bytes(b.bytes, 16);
  EXPECT_EQ(seg->layout(), VecLayout::Flat);
  EXPECT_EQ(seg->row_vector(vec_key(b.frames[7], 0)).size(), 16u);
  Built c = build(VecLayout::IvfPq, 1024, 16, 6);
  EXPECT_EQ(open_bytes(c.bytes, 16)->layout(), VecLayout::IvfPq);
  EXPECT_EQ(trailer_of(c.bytes).params[vec::kPqBits], 4u);
}

TEST(VecSegmentTest, AcceptFilterIsRespected) {
  const std::uint32_t dim = 16;
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    Built b = build(layout, 3000, dim, 7);
    auto seg = open_bytes(b.bytes, dim);
    ASSERT_EQ(seg->layout(), layout);
    const std::set<std::uint64_t> few = {b.frames[3], b.frames[1500], b.frames[2999]};
    const std::thread::id caller = std::this_thread::get_id();
    bool other_thread = false;
    const std::vector<std::pair<std::string, Accept>> filters = {
        {"every fifth", [](std::uint64_t f) { return f % 5 == 0; }},
        {"three", [&](std::uint64_t f) { return few.count(f) > 0; }},
        {"none", [](std::uint64_t) { return false; }},
        {"all but the best", nullptr},
    };
    const auto queries = clustered(10, dim, 94);
    for (std::size_t qi = 0; qi < 10; ++qi) {
      std::span<const float> q(queries.data() + qi * dim, dim);
      for (const auto& [name, given] : filters) {
        Accept filter = given;
        if (!filter) {
          const std::uint64_t top = seg->search(q, 1, nullptr, {})[0].frame;
          filter = [top](std::uint64_t f) { return f != top; };
        }
        std::size_t admitted = 0;
        for (std::uint64_t f : b.frames) admitted += filter(f);
        Accept counted = [&, filter](std::uint64_t f) {
          if (std::this_thread::get_id() != caller) other_thread = true;
          return filter(f);
        };
        auto hits = seg->search(q, 10, counted, {});
        EXPECT_EQ(hits.size(), std::min<std::size_t>(10, admitted)) << name;
        for (const VecHit& h : hits) EXPECT_TRUE(filter(h.frame)) << name << ": frame " << h.frame;
        expect_sorted(hits);
        if (layout == VecLayout::Flat) {
          auto want = brute_force(b.frames, b.vectors, dim, q, 10, filter);
          ASSERT_EQ(hits.size(), want.size());
          for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].frame, want[i].frame);
        }
      }
    }
    EXPECT_FALSE(other_thread) << "accept() called off the searching thread";
    // An exception from accept() reaches the caller.
    EXPECT_THROW(seg->search({queries.data(), dim}, 10, [](std::uint64_t) -> bool { throw std::runtime_error("x"); }, {}),
                 std::runtime_error);
  }
}

// A filter's question costs the memory a table-of-contents look-up: when it passes the best
// rows, it is asked about those only, not about every row a scan or walk keeps on the way.
TEST(VecSegmentTest, AFilterPassingTheBestRowsIsAskedAboutThoseOnly) {
  const std::uint32_t dim = 16;
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw}) {
    Built b = build(layout, 3000, dim, 11);
    auto seg = open_bytes(b.bytes, dim);
    ASSERT_EQ(seg->layout(), layout);
    const auto queries = clustered(10, dim, 95);
    for (std::size_t qi = 0; qi < 10; ++qi) {
      std::span<const float> q(queries.data() + qi * dim, dim);
      std::size_t asked = 0;
      auto hits = seg->search(q, 10, [&](std::uint64_t) { return ++asked, true; }, {});
      ASSERT_EQ(hits.size(), 10u);
      EXPECT_LE(asked, 10u) << "layout " << static_cast<int>(layout) << ", query " << qi;
      const auto unfiltered = seg->search(q, 10, nullptr, {});
      for (std::size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].frame, unfiltered[i].frame);
    }
  }
}

TEST(VecSegmentTest, BytesAreDeterministic) {
  const int threads_before = omp_get_max_threads();
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    Built a = build(layout, 2500, 20, 8);
    Built b = build(layout, 2500, 20, 8);
    EXPECT_EQ(a.bytes, b.bytes) << "layout " << static_cast<int>(layout);
    EXPECT_EQ(open_bytes(a.bytes, 20)->layout(), layout);
    // From a thread that asks OpenMP for more threads than the machine has.
    std::vector<std::uint8_t> c;
    std::thread([&] {
      omp_set_num_threads(4);
      c = build(layout, 2500, 20, 8).bytes;
      EXPECT_EQ(omp_get_max_threads(), 4);
    }).join();
    EXPECT_EQ(a.bytes, c) << "layout " << static_cast<int>(layout);
  }
  EXPECT_EQ(omp_get_max_threads(), threads_before);
}

TEST(VecSegmentTest, EncodeRejectsBadInput) {
  const std::vector<std::uint64_t> frames = {1, 2, 3};
  const std::vector<float> v(3 * 4, 0.5f);
  auto code = [](const std::function<void()>& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::NotFound;
  };
  EXPECT_EQ(code([&] { encode_vec_segment(std::vector<std::uint64_t>{}, std::vector<float>{}, 4, {}); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(code([&] { encode_vec_segment(keys_of(frames), v, 0, {}); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(code([&] { encode_vec_segment(keys_of(frames), std::span(v).first(11), 4, {}); }), ErrorCode::InvalidArgument);
  const std::vector<std::uint64_t> unordered = {1, 3, 3};
  EXPECT_EQ(code([&] { encode_vec_segment(keys_of(unordered), v, 4, {}); }), ErrorCode::InvalidArgument);
  std::vector<float> nan = v;
  nan[5] = std::nanf("");
  EXPECT_EQ(code([&] { encode_vec_segment(keys_of(frames), nan, 4, {}); }), ErrorCode::InvalidArgument);
  VecBuildOptions bad_m;
  bad_m.hnsw_m = 1;
  EXPECT_EQ(code([&] { encode_vec_segment(keys_of(frames), v, 4, bad_m); }), ErrorCode::InvalidArgument);

  auto seg = open_bytes(encode_vec_segment(keys_of(frames), v, 4, {}), 4);
  const std::vector<float> q3(3, 0.1f), qnan = {0.1f, std::nanf(""), 0.1f, 0.1f};
  EXPECT_EQ(code([&] { seg->search(q3, 1, nullptr, {}); }), ErrorCode::InvalidArgument);
  EXPECT_EQ(code([&] { seg->search(qnan, 1, nullptr, {}); }), ErrorCode::InvalidArgument);
}

TEST(VecSegmentTest, RandomDamageAndTruncationGiveCorrupt) {
  std::mt19937 rng(11);
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    const Built b = build(layout, layout == VecLayout::IvfPq ? 1100 : 300, 8, 9);
    const format::Checksum16 sum = vec_segment_checksum(b.bytes);
    for (int i = 0; i < 1000; ++i) {
      std::vector<std::uint8_t> bytes = b.bytes;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      if (bytes == b.bytes) continue;
      try {
        VecSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), (i % 2) ? &sum : nullptr, 8, "t");
        ADD_FAILURE() << "damaged segment opened";
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      }
    }
    auto src = std::make_shared<MemorySource>(b.bytes);
    for (int i = 0; i < 300; ++i) {
      const std::uint64_t len = rng() % b.bytes.size();
      const std::uint64_t off = (i % 3 == 0) ? rng() % (b.bytes.size() - len + 1) : 0;
      try {
        VecSegment::open(src, off, len, (i % 2) ? &sum : nullptr, 8, "t");
        ADD_FAILURE() << "truncated segment opened";
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      }
    }
  }
}

// Random edits with every checksum re-sealed: open may accept the result (a changed float
// or frame gap is still a valid segment), but must never crash, and whatever it accepts
// must search sanely.
TEST(VecSegmentTest, ResealedRandomDamageNeverCrashes) {
  std::mt19937 rng(12);
  const std::vector<float> q = clustered(1, 8, 93);
  std::size_t opened = 0, rejected = 0;
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    const Built b = build(layout, layout == VecLayout::IvfPq ? 1100 : 300, 8, 10);
    const std::size_t body = b.bytes.size() - vec::kTrailerSize;
    for (int i = 0; i < 1500; ++i) {
      std::vector<std::uint8_t> bytes = b.bytes;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        // Mostly the body's structures, sometimes the trailer's counts and offsets.
        const std::size_t at = (rng() % 4 == 0) ? body + 8 + rng() % (vec::kTrailerBody - 8) : rng() % body;
        bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      }
      vec::reseal_vec_segment(bytes);
      std::shared_ptr<const VecSegment> seg;
      try {
        seg = open_bytes(bytes, 8, false);
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
        ++rejected;
        continue;
      }
      ++opened;
      const auto& keys = seg->keys();
      ASSERT_TRUE(std::is_sorted(keys.begin(), keys.end()));
      std::vector<std::uint64_t> frames;
      for (std::uint64_t key : keys) frames.push_back(key_frame(key));
      for (std::size_t k : {1u, 7u, 400u}) {
        auto hits = seg->search(q, k, (i % 2) ? Accept([](std::uint64_t f) { return f % 2 == 0; }) : nullptr, {});
        ASSERT_LE(hits.size(), std::min(k, frames.size()));
        for (const VecHit& h : hits) ASSERT_TRUE(std::binary_search(frames.begin(), frames.end(), h.frame));
        expect_sorted(hits);
      }
      (void)seg->row_vector(keys[keys.size() / 2]);
    }
  }
  std::cout << "[ vec ] re-sealed random damage: " << rejected << " rejected, " << opened << " opened\n";
  EXPECT_GT(rejected, 0u);
}


// Reading in place answers exactly as reading the whole segment: keys, rows, searches.
TEST(VecSegmentTest, InPlaceReadsAnswerAsWholeReads) {
  const std::vector<float> queries = clustered(40, 16, 77);
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw}) {
    const Built b = build(layout, 1500, 16, 21);
    auto whole = open_bytes(b.bytes, 16);
    auto in_place = open_in_place(b.bytes, 16);
    ASSERT_EQ(in_place->version(), 3u);
    ASSERT_EQ(in_place->keys(), whole->keys());
    for (std::size_t r = 0; r < b.frames.size(); r += 37) {
      const std::uint64_t key = vec_key(b.frames[r], 0);
      EXPECT_EQ(in_place->row_vector(key), whole->row_vector(key));
      EXPECT_EQ(in_place->rows_between(key, key), std::make_pair(r, r + 1));
    }
    EXPECT_EQ(in_place->rows_between(vec_key(b.frames.back() + 1, 0), ~0ull),
              std::make_pair(b.frames.size(), b.frames.size()));
    for (std::size_t i = 0; i < 40; ++i) {
      const std::span<const float> q(queries.data() + i * 16, 16);
      const Accept odd = (i % 3 == 0) ? Accept([](std::uint64_t f) { return f % 2 == 1; }) : nullptr;
      const auto a = whole->search(q, 10, odd, {});
      const auto c = in_place->search(q, 10, odd, {});
      ASSERT_EQ(a.size(), c.size());
      for (std::size_t h = 0; h < a.size(); ++h) {
        EXPECT_EQ(a[h].frame, c[h].frame);
        EXPECT_EQ(a[h].score, c[h].score);
      }
    }
  }
}

// A damaged byte that a whole read would reject is found in place too, when its block is
// first read: reading every key and row of a Flat segment, or searching the vectors of an
// HNSW one, gives Corrupt, never an answer built on the damage.
TEST(VecSegmentTest, InPlaceDamageIsCorruptWhenRead) {
  std::mt19937 rng(31);
  const std::vector<float> q = clustered(1, 8, 94);
  std::size_t at_open = 0, when_read = 0;
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw}) {
    const Built b = build(layout, 900, 8, 23);
    const vec::Trailer t = trailer_of(b.bytes);
    for (int i = 0; i < 300; ++i) {
      std::vector<std::uint8_t> bytes = b.bytes;
      // Flat: anywhere in the body; Hnsw: the keys and vectors, which every search reads.
      const std::uint64_t span_end = layout == VecLayout::Flat ? b.bytes.size() - vec::kTrailerSize
                                                               : t.parts[vec::kVectors].offset + t.parts[vec::kVectors].length;
      bytes[rng() % span_end] ^= static_cast<std::uint8_t>(1 + rng() % 255);
      std::shared_ptr<const VecSegment> seg;
      try {
        const format::Checksum16 c = vec_segment_checksum(b.bytes);
        seg = VecSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), &c, 8, "t", VecReadMode::InPlace);
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
        ++at_open;
        continue;
      }
      try {
        for (std::uint64_t key : seg->keys()) (void)seg->row_vector(key);
        (void)seg->search(q, 900, nullptr, {});
        ADD_FAILURE() << "damage at iteration " << i << " was read without an error";
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
        EXPECT_NE(std::string(e.what()).find("fails its checksum"), std::string::npos) << e.what();
        ++when_read;
      }
    }
  }
  EXPECT_GT(when_read, 0u);
  std::cout << "[ vec ] in-place damage: " << at_open << " found at open, " << when_read << " when read\n";
}

// Re-sealed edits (every checksum recomputed) that a whole read rejects never crash an in-place
// reader: it gives Corrupt when it meets them, or searches sanely.
TEST(VecSegmentTest, InPlaceResealedDamageNeverCrashes) {
  std::mt19937 rng(13);
  const std::vector<float> q = clustered(1, 8, 95);
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw}) {
    const Built b = build(layout, 400, 8, 24);
    const std::size_t body = b.bytes.size() - vec::kTrailerSize;
    for (int i = 0; i < 1500; ++i) {
      std::vector<std::uint8_t> bytes = b.bytes;
      for (int f = 0; f < 1 + static_cast<int>(rng() % 3); ++f) bytes[rng() % body] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      vec::reseal_vec_segment(bytes);
      try {
        auto seg = VecSegment::open(std::make_shared<MemorySource>(bytes), 0, bytes.size(), nullptr, 8, "t",
                                    VecReadMode::InPlace);
        for (std::size_t k : {1u, 10u, 400u}) {
          auto hits = seg->search(q, k, (i % 2) ? Accept([](std::uint64_t f) { return f % 2 == 0; }) : nullptr, {});
          ASSERT_LE(hits.size(), k);
        }
        (void)seg->rows_between(0, ~0ull);
      } catch (const Error& e) {
        ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      }
    }
  }
}

TEST(VecSegmentTest, HostileStructuresAreCorrupt) {
  const std::uint32_t dim = 8;
  const Built flat = build(VecLayout::Flat, 200, dim, 13);
  const Built hnsw = build(VecLayout::Hnsw, 2000, dim, 13);
  const Built pq = build(VecLayout::IvfPq, 1100, dim, 13);
  for (const Built* b : {&flat, &hnsw, &pq}) ASSERT_NO_THROW(open_bytes(b->bytes, dim));

  // Dimension and identity.
  expect_corrupt(flat.bytes, 9, "dimension mismatch");
  {
    format::Checksum16 other = vec_segment_checksum(flat.bytes);
    other[0] ^= 1;
    EXPECT_THROW(VecSegment::open(std::make_shared<MemorySource>(flat.bytes), 0, flat.bytes.size(), &other, dim, "t"),
                 Error);
  }
  // Trailer fields.
  for (const Built* b : {&flat, &hnsw, &pq}) {
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.rows += 1; }), dim, "one row more");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.rows -= 1; }), dim, "one row fewer");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.rows = 0; }), dim, "no rows");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.rows = ~0ull; }), dim, "huge row count");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.dim = 9; }), dim, "trailer dim");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.layout = 3; }), dim, "layout 3");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.version = 4; }), dim, "version 4");
    expect_corrupt(with_trailer(b->bytes, [](vec::Trailer& t) { t.parts[vec::kFrames].length += 1; }), dim,
                   "section overlap");
    expect_corrupt(with_trailer(b->bytes,
                                [](vec::Trailer& t) {
                                  t.parts[vec::kCodes].offset += 4;
                                  t.parts[vec::kCodes].length -= std::min<std::uint64_t>(4, t.parts[vec::kCodes].length);
                                }),
                   dim, "section gap");
    const bool fixed_keys = trailer_of(b->bytes).version == 3;
    expect_corrupt(with_section(b->bytes, vec::kFrames,
                                [&](std::span<std::uint8_t> s) {
                                  if (fixed_keys)
                                    std::memcpy(s.data() + 8, s.data(), 8);
                                  else
                                    s[2] = 0;
                                }),
                   dim, "repeated frame");
  }
  expect_corrupt(with_trailer(flat.bytes, [](vec::Trailer& t) { t.layout = 1; }), dim, "Flat called Hnsw");
  expect_corrupt(with_trailer(hnsw.bytes, [](vec::Trailer& t) { t.layout = 0; }), dim, "Hnsw called Flat");
  expect_corrupt(with_trailer(pq.bytes, [](vec::Trailer& t) { t.layout = 0; }), dim, "IvfPq called Flat");
  expect_corrupt(with_section(flat.bytes, vec::kVectors,
                              [](std::span<std::uint8_t> s) {
                                const float inf = std::numeric_limits<float>::infinity();
                                std::memcpy(s.data() + 40, &inf, 4);
                              }),
                 dim, "infinite vector component");

  // HNSW graph, in both layouts: faiss's (version 2, read from older files) and version 3's.
  for (std::uint32_t version : {2u, 3u}) {
    const Built graph = version == 3 ? hnsw : build(VecLayout::Hnsw, 2000, dim, 13, 2);
    SCOPED_TRACE("version " + std::to_string(version));
    ASSERT_EQ(trailer_of(graph.bytes).version, version);
    ASSERT_NO_THROW(open_bytes(graph.bytes, dim));
    const vec::Trailer ht = trailer_of(graph.bytes);
    const std::uint32_t m = ht.params[vec::kHnswM];
    const vec::Part lp = ht.parts[vec::kLevels];
    // first_slot[r]: row r's level-0 slots; upper_slot[r]: its level-1 slots (tall rows).
    std::vector<std::uint64_t> first_slot, upper_slot(2000, 0);
    std::uint64_t slots = 0, upper = 2000ull * 2 * m;
    std::size_t tall = SIZE_MAX, short_row = 0;
    for (std::size_t r = 0; r < 2000; ++r) {
      const std::uint8_t l = graph.bytes[lp.offset + r];
      if (version == 2) {
        first_slot.push_back(slots);
        upper_slot[r] = slots + 2 * m;
        slots += vec::hnsw_slots(m, l);
      } else {
        first_slot.push_back(r * 2 * m);
        upper_slot[r] = upper;
        if (l >= 2) upper += std::uint64_t{m} * (l - 1);
      }
      if (l >= 2 && tall == SIZE_MAX) tall = r;
      if (l == 1 && r != 0) short_row = r;
    }
    ASSERT_NE(tall, SIZE_MAX);
    ASSERT_GT(short_row, 0u);
    auto set_slot = [&](std::uint64_t slot, std::int32_t v) {
      return with_section(graph.bytes, vec::kNeighbours,
                          [&](std::span<std::uint8_t> s) { std::memcpy(s.data() + 4 * slot, &v, 4); });
    };
    expect_corrupt(set_slot(first_slot[5], 2000), dim, "neighbour = row count");
    expect_corrupt(set_slot(first_slot[5] + 1, -2), dim, "neighbour -2");
    expect_corrupt(set_slot(first_slot[5], std::numeric_limits<std::int32_t>::max()), dim, "neighbour INT_MAX");
    expect_corrupt(set_slot(upper_slot[tall], static_cast<std::int32_t>(short_row)), dim, "level-1 link to a level-0 row");
    EXPECT_NO_THROW(open_bytes(set_slot(first_slot[5] + 3, -1), dim)) << "an emptied slot is valid";
    expect_corrupt(with_section(graph.bytes, vec::kLevels, [](std::span<std::uint8_t> s) { s[7] = 0; }), dim, "level 0");
    expect_corrupt(with_section(graph.bytes, vec::kLevels, [](std::span<std::uint8_t> s) { s[7] = 65; }), dim,
                   "65 levels");
    expect_corrupt(with_section(graph.bytes, vec::kLevels, [&](std::span<std::uint8_t> s) { s[short_row] = 2; }), dim,
                   "levels disagree with the slots");
    expect_corrupt(with_trailer(graph.bytes, [](vec::Trailer& t) { t.params[vec::kHnswEntry] = 2000; }), dim,
                   "entry past the rows");
    expect_corrupt(
        with_trailer(graph.bytes, [&](vec::Trailer& t) { t.params[vec::kHnswEntry] = static_cast<std::uint32_t>(short_row); }),
        dim, "entry on level 0");
    expect_corrupt(with_trailer(graph.bytes, [](vec::Trailer& t) { t.params[vec::kHnswMaxLevel] += 1; }), dim,
                   "max level too high");
    expect_corrupt(with_trailer(graph.bytes, [](vec::Trailer& t) { t.params[vec::kHnswM] += 1; }), dim, "M changed");
    expect_corrupt(with_trailer(graph.bytes, [](vec::Trailer& t) { t.params[vec::kHnswM] = 1000000; }), dim, "huge M");
    if (version == 3) {
      const vec::Part up = ht.parts[vec::kUpperIndex];
      expect_corrupt(with_section(graph.bytes, vec::kUpperIndex, [](std::span<std::uint8_t> s) { s[8] ^= 1; }), dim,
                     "upper index slot moved");
      expect_corrupt(with_section(graph.bytes, vec::kUpperIndex, [&](std::span<std::uint8_t> s) { s[up.length - 16] ^= 1; }),
                     dim, "upper index row changed");
    }
  }

  // IVF-PQ.
  for (auto [index, value] : std::vector<std::pair<std::size_t, std::uint32_t>>{
           {vec::kPqLists, 0}, {vec::kPqLists, 1u << 20}, {vec::kPqLists, 17}, {vec::kPqBits, 0}, {vec::kPqBits, 9},
           {vec::kPqBits, 5}, {vec::kPqSubquantizers, 0}, {vec::kPqSubquantizers, 3}, {vec::kPqSubquantizers, 1u << 30},
           {vec::kPqSubDim, 0}, {vec::kPqSubDim, 8}, {vec::kPqSubDim, 1u << 31}}) {
    expect_corrupt(with_trailer(pq.bytes, [&](vec::Trailer& t) { t.params[index] = value; }), dim,
                   "PQ parameter " + std::to_string(index) + " = " + std::to_string(value));
  }
  const vec::Part lists = trailer_of(pq.bytes).parts[vec::kLists];
  auto with_lists = [&](const std::function<void(std::vector<std::uint8_t>&)>& fn) {
    // Re-encodes the lists section, so its length may change: the trailer follows.
    std::vector<std::uint8_t> s(pq.bytes.begin() + static_cast<std::ptrdiff_t>(lists.offset),
                                pq.bytes.begin() + static_cast<std::ptrdiff_t>(lists.offset + lists.length));
    fn(s);
    std::vector<std::uint8_t> out(pq.bytes.begin(), pq.bytes.begin() + static_cast<std::ptrdiff_t>(lists.offset));
    out.insert(out.end(), s.begin(), s.end());
    out.insert(out.end(), pq.bytes.begin() + static_cast<std::ptrdiff_t>(lists.offset + lists.length), pq.bytes.end());
    const std::int64_t delta = static_cast<std::int64_t>(s.size()) - static_cast<std::int64_t>(lists.length);
    return with_trailer(out, [&](vec::Trailer& t) {
      t.parts[vec::kLists].length = s.size();
      for (std::size_t i = vec::kLists + 1; i < vec::kSectionCount; ++i)
        t.parts[i].offset = static_cast<std::uint64_t>(static_cast<std::int64_t>(t.parts[i].offset) + delta);
    });
  };
  // Decode the lists to edit them as numbers.
  std::vector<std::vector<std::uint64_t>> decoded;
  {
    const std::uint8_t* p = pq.bytes.data() + lists.offset;
    const std::uint8_t* end = p + lists.length;
    for (std::uint32_t l = 0; l < trailer_of(pq.bytes).params[vec::kPqLists]; ++l) {
      std::uint64_t n = 0;
      ASSERT_TRUE(get_varint64(p, end, n));
      decoded.emplace_back();
      for (std::uint64_t j = 0; j < n; ++j) {
        std::uint64_t g = 0;
        ASSERT_TRUE(get_varint64(p, end, g));
        decoded.back().push_back(g);
      }
    }
    ASSERT_EQ(p, end);
  }
  auto encode_lists = [](const std::vector<std::vector<std::uint64_t>>& ls) {
    std::vector<std::uint8_t> s;
    for (const auto& l : ls) {
      put_varint(s, l.size());
      for (std::uint64_t g : l) put_varint(s, g);
    }
    return s;
  };
  EXPECT_NO_THROW(open_bytes(with_lists([&](auto& s) { s = encode_lists(decoded); }), dim)) << "unchanged lists";
  ASSERT_GE(decoded[0].size(), 2u);
  ASSERT_GE(decoded[1].size(), 1u);
  auto edited = [&](const std::function<void(std::vector<std::vector<std::uint64_t>>&)>& fn) {
    auto copy = decoded;
    fn(copy);
    return with_lists([&](auto& s) { s = encode_lists(copy); });
  };
  expect_corrupt(edited([](auto& ls) { ls[0][1] = 0; }), dim, "row repeated in a list");
  expect_corrupt(edited([](auto& ls) { ls[0][0] = 1100; }), dim, "row past the last");
  expect_corrupt(edited([](auto& ls) { ls[0].push_back(1); ls[1].pop_back(); }), dim, "row moved: counts still add up");
  expect_corrupt(edited([](auto& ls) { ls[1].push_back(1u << 20); }), dim, "an extra row");
  expect_corrupt(edited([](auto& ls) { ls[1].pop_back(); }), dim, "a missing row");
  expect_corrupt(with_lists([](auto& s) { s[0] = 0x7F; }), dim, "list count too long");
  expect_corrupt(with_lists([](auto& s) { s.push_back(0); }), dim, "bytes after the lists");
  expect_corrupt(with_section(pq.bytes, vec::kCoarse,
                              [](std::span<std::uint8_t> s) {
                                const float nan = std::nanf("");
                                std::memcpy(s.data() + 8, &nan, 4);
                              }),
                 dim, "NaN centroid");
}

// Not run by default: the numbers for docs and reports (HNSW and IVF-PQ at 50K x 100).
TEST(VecSegmentTest, DISABLED_Measure50K) {
  const std::uint32_t dim = 100;
  const std::size_t rows = 50000;
  const auto frames = ascending_frames(rows, 21);
  const auto vectors = clustered(rows, dim, 21);
  const auto queries = clustered(200, dim, 92);
  for (VecLayout layout : {VecLayout::Flat, VecLayout::Hnsw, VecLayout::IvfPq}) {
    VecBuildOptions o;
    o.compress = layout == VecLayout::IvfPq;
    o.hnsw_threshold = layout == VecLayout::Flat ? rows + 1 : 10000;
    const auto t0 = std::chrono::steady_clock::now();
    const auto bytes = encode_vec_segment(keys_of(frames), vectors, dim, o);
    const auto t1 = std::chrono::steady_clock::now();
    double open_ms = 1e9;
    std::shared_ptr<const VecSegment> seg;
    for (int i = 0; i < 5; ++i) {
      const auto a = std::chrono::steady_clock::now();
      seg = open_bytes(bytes, dim);
      open_ms = std::min(open_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    }
    double sum = 0;
    std::vector<double> lat;
    for (std::size_t qi = 0; qi < 200; ++qi) {
      std::span<const float> q(queries.data() + qi * dim, dim);
      const auto a = std::chrono::steady_clock::now();
      auto got = seg->search(q, 10, nullptr, {});
      lat.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - a).count());
      sum += recall(got, brute_force(frames, vectors, dim, q, 10));
    }
    std::sort(lat.begin(), lat.end());
    // Recall a caller gets by taking the top 40 and re-ranking them by exact vectors.
    double rerank = 0;
    for (std::size_t qi = 0; qi < 200; ++qi) {
      std::span<const float> q(queries.data() + qi * dim, dim);
      rerank += recall(seg->search(q, 40, nullptr, {}), brute_force(frames, vectors, dim, q, 10));
    }
    std::cout << "[ vec ] layout " << static_cast<int>(seg->layout()) << ": " << bytes.size() << " bytes, build "
              << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms, open " << open_ms
              << " ms, recall@10 " << sum / 200 << " (top 40 re-ranked: " << rerank / 200 << "), search p50 "
              << lat[100] << " us p99 " << lat[198] << " us\n";
  }
}
