// The built-in model's conversion (wink JSON -> all-but-the-top -> int8 -> file) and its
// loader: exact layout, determinism, and refusal of truncated, flipped and forged files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "embed/all_but_the_top.hpp"
#include "embed/model_builder.hpp"
#include "embed/model_format.hpp"
#include "embed/sentence_encoder.hpp"
#include "embed/wink_json.hpp"
#include "embed/word_forms.hpp"
#include "embed/word_model.hpp"
#include "embed/model_fixture.hpp"
#include "memvid/error.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using namespace memvid::embed;
using memvid::testing::TempDir;

namespace {

constexpr std::uint32_t kDim = 8;

std::vector<std::string> fixture_words() {
  return {"the",     "of",       "and",     "in",      "to",       "was",     "car",      "cars",
          "vehicle", "engine",   "banana",  "fruit",   "apple",    "orange",  "run",      "running",
          "runner",  "connect",  "connection", "connected", "protein", "proteins", "cell", "cells",
          "well-known", "p53",   "x-ray",   "glycosylation", "kinase", "gene",   "genes",   "dna",
          "rna",     "virus",    "viruses", "immune",  "mouse",    "mice",    "heart",    "brain"};
}

WordTable fixture_table(std::uint32_t seed = 7) {
  WordTable t;
  t.dimension = kDim;
  t.words = fixture_words();
  t.vectors = memvid::testing::random_vectors(t.words.size(), kDim, seed);
  return t;
}

std::vector<std::uint8_t> fixture_model(std::uint32_t seed = 7) {
  BuildOptions o;
  o.name = "test:fixture";
  o.source = "random fixture";
  o.remove_components = 2;
  return build_word_model(fixture_table(seed), o);
}

WordTable parse(const std::string& json) {
  std::istringstream in(json);
  return read_wink_json(in, "fixture JSON");
}

void expect_corrupt(const std::string& json, const std::string& fragment) {
  try {
    parse(json);
    ADD_FAILURE() << "accepted: " << json.substr(0, 200);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

ErrorCode load_error(std::vector<std::uint8_t> bytes) {
  try {
    WordModel::from_bytes(std::move(bytes));
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::InvalidArgument;  // stands for "it loaded"
}

double dot(const std::vector<double>& a, const float* b) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += a[j] * b[j];
  return s;
}

}  // namespace

TEST(WordModelConvert, ReadsTheWinkJsonShape) {
  const WordTable src = fixture_table();
  const WordTable t = parse(memvid::testing::wink_json(src.words, src.vectors, kDim));
  EXPECT_EQ(t.dimension, kDim);
  EXPECT_EQ(t.words, src.words);
  ASSERT_EQ(t.vectors.size(), src.vectors.size());
  for (std::size_t k = 0; k < t.vectors.size(); ++k) EXPECT_NEAR(t.vectors[k], src.vectors[k], 1e-6) << k;
}

TEST(WordModelConvert, ReadsAFileAndIgnoresUnknownTopLevelKeys) {
  TempDir dir;
  const WordTable src = fixture_table();
  std::string json = memvid::testing::wink_json(src.words, src.vectors, kDim);
  json.insert(1, "\"comment\":{\"nested\":[1,2,{\"x\":null}]},\"flag\":true,");
  std::ofstream(dir.file("w.json")) << json;
  const WordTable t = read_wink_json(dir.file("w.json"));
  EXPECT_EQ(t.words, src.words);
  EXPECT_THROW(read_wink_json(dir.file("missing.json")), Error);
}

TEST(WordModelConvert, RejectsMalformedPackages) {
  const std::string head = R"({"precision":8,"l2NormIndex":2,"wordIndex":3,"size":2,"dimensions":2,)";
  EXPECT_EQ(parse(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3,1]}})").words.size(), 2u);
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3]}})", "has 3 values");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3,1,5]}})", "more than 4 values");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,1],"b":[1,2,3,0]}})", "names word 1");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0]}})", "has no vector");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"a":[1,2,3,0]}})", "second vector");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3,7]}})", "word index");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3,0.5]}})", "word index");
  expect_corrupt(head + R"("words":["a","b","c"],"vectors":{}})", "more than");
  expect_corrupt(head + R"("words":["a"],"vectors":{}})", "\"size\" says 2");
  expect_corrupt(head + R"("words":["a",3],"vectors":{}})", "unexpected a number");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,[2],3,0]}})", "unexpected array");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1,2,3,0],"b":[1,2,3,1])", "invalid JSON");
  expect_corrupt(head + R"("vectors":{"a":[1,2,3,0]},"words":["a","b"]})", "before \"words\"");
  expect_corrupt(R"({"words":["a"],"size":1,"dimensions":2})", "before \"size\"");
  expect_corrupt(R"({"size":-1,"dimensions":2})", "must be an integer");
  expect_corrupt(R"({"size":100000000,"dimensions":2})", "must be an integer");
  expect_corrupt(R"({"size":1,"dimensions":5000})", "must be an integer");
  expect_corrupt(R"({"size":1,"dimensions":2,"l2NormIndex":0,"wordIndex":3,"words":["a"],"vectors":{}})", "l2NormIndex");
  expect_corrupt(R"([1,2])", "not an object");
  expect_corrupt(R"({"size":1})", "no \"vectors\"");
  expect_corrupt(head + R"("words":["a","b"],"vectors":{"a":[1e39,2,3,0],"b":[1,2,3,1]}})", "not a finite");
}

TEST(WordModelConvert, BuilderRejectsUnusableTables) {
  auto expect_invalid = [](WordTable t, BuildOptions o = {}) {
    try {
      build_word_model(std::move(t), o);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
    }
  };
  WordTable t = fixture_table();
  t.words[3] = t.words[2];
  expect_invalid(t);
  t = fixture_table();
  t.words[3].clear();
  expect_invalid(t);
  t = fixture_table();
  t.words[3] = std::string(256, 'a');
  expect_invalid(t);
  t = fixture_table();
  t.vectors[5] = std::nanf("");
  expect_invalid(t);
  t = fixture_table();
  t.vectors.pop_back();
  expect_invalid(t);
  t = fixture_table();
  t.dimension = 0;
  expect_invalid(t);
  BuildOptions o;
  o.name = "has space";
  expect_invalid(fixture_table(), o);
  o.name = std::string(64, 'n');
  expect_invalid(fixture_table(), o);
  o = {};
  o.remove_components = kDim + 1;
  expect_invalid(fixture_table(), o);
}

TEST(WordModelConvert, SymmetricEigenSolvesRandomMatrices) {
  std::mt19937 rng(3);
  std::normal_distribution<double> g;
  for (std::size_t n : {1u, 2u, 5u, 17u, 40u}) {
    std::vector<double> a(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i; j < n; ++j) a[i * n + j] = a[j * n + i] = g(rng);
    const std::vector<double> original = a;
    std::vector<double> values, vectors;
    symmetric_eigen(a, n, values, vectors);
    for (std::size_t r = 0; r < n; ++r) {
      if (r > 0) {
        EXPECT_GE(values[r - 1], values[r]);
      }
      for (std::size_t i = 0; i < n; ++i) {
        double av = 0;
        for (std::size_t k = 0; k < n; ++k) av += original[i * n + k] * vectors[r * n + k];
        EXPECT_NEAR(av, values[r] * vectors[r * n + i], 1e-9) << "n " << n << " eigenpair " << r;
      }
      for (std::size_t s = 0; s < n; ++s) {
        double d = 0;
        for (std::size_t k = 0; k < n; ++k) d += vectors[r * n + k] * vectors[s * n + k];
        EXPECT_NEAR(d, r == s ? 1.0 : 0.0, 1e-9);
      }
    }
  }
}

TEST(WordModelConvert, AllButTheTopRemovesTheMeanAndTheTopDirections) {
  const std::size_t rows = 500;
  const std::uint32_t dim = 12;
  std::vector<float> v = memvid::testing::random_vectors(rows, dim, 11);
  const std::vector<float> original = v;
  const RemovedDirections removed = all_but_the_top(v, rows, dim, 3);
  ASSERT_EQ(removed.directions.size(), 3u);

  // The mean was large (random offset); now every column averages to zero.
  double offset_norm = 0;
  for (double m : removed.mean) offset_norm += m * m;
  EXPECT_GT(offset_norm, 1.0);
  for (std::uint32_t j = 0; j < dim; ++j) {
    double s = 0;
    for (std::size_t r = 0; r < rows; ++r) s += v[r * dim + j];
    EXPECT_NEAR(s / rows, 0.0, 1e-5) << "column " << j;
  }
  // Directions: orthonormal, variances in descending order, and every row orthogonal to them.
  for (std::size_t a = 0; a < 3; ++a) {
    for (std::size_t b = 0; b < 3; ++b) {
      double d = 0;
      for (std::uint32_t j = 0; j < dim; ++j) d += removed.directions[a][j] * removed.directions[b][j];
      EXPECT_NEAR(d, a == b ? 1.0 : 0.0, 1e-9);
    }
    if (a > 0) {
      EXPECT_GE(removed.variances[a - 1], removed.variances[a]);
    }
    for (std::size_t r = 0; r < rows; ++r) EXPECT_NEAR(dot(removed.directions[a], v.data() + r * dim), 0.0, 1e-4);
  }
  // They were the top ones: the strongest direction left has less variance than the weakest
  // one removed, and the first removed one is the planted dominant direction.
  std::vector<double> cov(dim * dim, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::uint32_t i = 0; i < dim; ++i)
      for (std::uint32_t j = 0; j < dim; ++j) cov[i * dim + j] += double{v[r * dim + i]} * v[r * dim + j] / rows;
  std::vector<double> values, vectors;
  symmetric_eigen(cov, dim, values, vectors);
  EXPECT_LE(values[0], removed.variances[2] + 1e-9);
  EXPECT_GT(removed.variances[0], 5 * values[0]);
  // The rows changed only by the mean and by multiples of the removed directions.
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<double> x(dim);
    for (std::uint32_t j = 0; j < dim; ++j) x[j] = original[r * dim + j] - removed.mean[j];
    for (const auto& u : removed.directions) {
      double d = 0;
      for (std::uint32_t j = 0; j < dim; ++j) d += u[j] * x[j];
      for (std::uint32_t j = 0; j < dim; ++j) x[j] -= d * u[j];
    }
    for (std::uint32_t j = 0; j < dim; ++j) ASSERT_NEAR(x[j], v[r * dim + j], 1e-4);
  }
}

TEST(WordModelConvert, QuantizationErrorIsWithinHalfAStep) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 3.0f);
  std::vector<float> row(100);
  std::vector<std::int8_t> q(100);
  for (int trial = 0; trial < 200; ++trial) {
    for (auto& x : row) x = g(rng);
    const float scale = quantize_row(row, q);
    float max_abs = 0;
    for (float x : row) max_abs = std::max(max_abs, std::abs(x));
    EXPECT_FLOAT_EQ(scale, max_abs / 127.0f);
    for (std::size_t j = 0; j < row.size(); ++j) {
      EXPECT_GE(q[j], -127);
      EXPECT_LE(std::abs(scale * q[j] - row[j]), scale * 0.5f + 1e-6f);
    }
  }
  std::fill(row.begin(), row.end(), 0.0f);
  EXPECT_EQ(quantize_row(row, q), 0.0f);
  for (auto x : q) EXPECT_EQ(x, 0);
}

TEST(WordModelConvert, ModelHoldsThePostProcessedVectorsWithinOneQuantizationStep) {
  WordTable t = fixture_table();
  std::vector<float> expected = t.vectors;
  all_but_the_top(expected, t.words.size(), kDim, 2);
  const auto model = WordModel::from_bytes(fixture_model());
  EXPECT_EQ(model->name(), "test:fixture");
  EXPECT_EQ(model->dimension(), kDim);
  EXPECT_EQ(model->size(), t.words.size());
  EXPECT_EQ(model->removed_components(), 2u);
  EXPECT_EQ(model->source(), "random fixture");
  for (std::uint32_t id = 0; id < model->size(); ++id) {
    EXPECT_EQ(model->word(id), t.words[id]);
    EXPECT_EQ(model->find(t.words[id]), id);
    const std::vector<float> v = model->vector(id);
    for (std::uint32_t j = 0; j < kDim; ++j)
      EXPECT_LE(std::abs(v[j] - expected[id * kDim + j]), model->scale(id) * 0.5f + 1e-6f) << t.words[id] << " " << j;
  }
  EXPECT_EQ(model->find("cars "), WordModel::kNotFound);
  EXPECT_EQ(model->find("Car"), WordModel::kNotFound);
  EXPECT_EQ(model->find(""), WordModel::kNotFound);
  EXPECT_THROW(model->word(model->size()), Error);
  EXPECT_THROW(model->vector(model->size()), Error);
}

TEST(WordModelConvert, StemTableNamesTheMostFrequentWordPerStem) {
  const auto model = WordModel::from_bytes(fixture_model());
  ASSERT_EQ(porter_stem("running"), "run");
  ASSERT_EQ(porter_stem("connection"), "connect");
  ASSERT_EQ(porter_stem("proteins"), "protein");
  EXPECT_EQ(model->find_by_stem("run"), model->find("run"));
  EXPECT_EQ(model->find_by_stem("connect"), model->find("connect"));
  EXPECT_EQ(model->find_by_stem("protein"), model->find("protein"));
  // Every alphabetic word's stem leads to the most frequent word sharing it.
  const auto words = fixture_words();
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::size_t letters = 0;
    if (!is_alphabetic_word(words[i], letters)) continue;
    const std::string stem = porter_stem(words[i]);
    std::uint32_t first = WordModel::kNotFound;
    for (std::size_t k = 0; k < words.size() && first == WordModel::kNotFound; ++k) {
      if (is_alphabetic_word(words[k], letters) && porter_stem(words[k]) == stem) first = static_cast<std::uint32_t>(k);
    }
    EXPECT_EQ(model->find_by_stem(stem), first) << words[i];
  }
  EXPECT_EQ(model->find_by_stem("zebra"), WordModel::kNotFound);
  EXPECT_EQ(model->find_by_stem(""), WordModel::kNotFound);
  // Words with digits or hyphens are not keyed by their stem.
  EXPECT_EQ(model->find_by_stem(porter_stem("p53")), WordModel::kNotFound);
  EXPECT_EQ(model->find_by_stem(porter_stem("well-known")), WordModel::kNotFound);
}

TEST(WordModelConvert, AlphabeticWordsAreLettersOnly) {
  std::size_t letters = 0;
  EXPECT_TRUE(is_alphabetic_word("dog", letters));
  EXPECT_EQ(letters, 3u);
  EXPECT_TRUE(is_alphabetic_word("na\xC3\xAFve", letters));  // naïve
  EXPECT_EQ(letters, 5u);
  EXPECT_TRUE(is_alphabetic_word("\xCE\xB2" "eta", letters));  // βeta: Greek letters are letters
  EXPECT_FALSE(is_alphabetic_word("h1n1", letters));
  EXPECT_FALSE(is_alphabetic_word("3d", letters));
  EXPECT_FALSE(is_alphabetic_word("well-known", letters));
  EXPECT_FALSE(is_alphabetic_word("", letters));
  EXPECT_FALSE(is_alphabetic_word("ab\xFF", letters));  // invalid UTF-8
}

TEST(WordModelConvert, SameJsonGivesSameBytes) {
  const WordTable src = fixture_table(9);
  const std::string json = memvid::testing::wink_json(src.words, src.vectors, kDim);
  BuildOptions o;
  o.source = "determinism";
  const auto a = build_word_model(parse(json), o);
  const auto b = build_word_model(parse(json), o);
  EXPECT_EQ(a, b);
  const auto c = build_word_model(parse(memvid::testing::wink_json(src.words, fixture_table(10).vectors, kDim)), o);
  EXPECT_NE(a, c);
}

TEST(WordModelConvert, LayoutMatchesTheFormatComment) {
  const auto bytes = fixture_model();
  ASSERT_GE(bytes.size(), mvem::kHeaderSize);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 7), "MVEMBED");
  EXPECT_EQ(mvem::load_u32(bytes.data() + 8), 2u);
  EXPECT_EQ(mvem::load_u32(bytes.data() + 16), kDim);
  EXPECT_EQ(mvem::load_u32(bytes.data() + 20), fixture_words().size());
  EXPECT_EQ(mvem::load_u32(bytes.data() + 24), 64u);  // 40 words -> >= 60 slots -> 64
  std::uint64_t end = mvem::kHeaderSize;
  for (std::size_t s = 0; s < mvem::kSectionCount; ++s) {
    const std::uint64_t off = mvem::load_u64(bytes.data() + mvem::kSectionTableOffset + 24 * s);
    const std::uint64_t len = mvem::load_u64(bytes.data() + mvem::kSectionTableOffset + 24 * s + 8);
    EXPECT_EQ(off % 64, 0u);
    EXPECT_GE(off, end);
    EXPECT_LT(off, end + 64);
    end = off + len;
  }
  EXPECT_EQ(end, bytes.size());
  EXPECT_EQ(mvem::slots_for(0), 8u);
  EXPECT_EQ(mvem::slots_for(341479), 1u << 19);
}

TEST(WordModelLoad, OpenMapsAFileAndReportsMissingOnes) {
  TempDir dir;
  const auto bytes = fixture_model();
  {
    std::ofstream out(dir.file("m.mvem"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  const auto model = WordModel::open(dir.file("m.mvem"));
  EXPECT_EQ(model->find("banana"), 10u);
  try {
    WordModel::open(dir.file("none.mvem"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  try {
    WordModel::open(dir.path().string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
  }
  std::ofstream(dir.file("short.mvem")) << "MVEMBED";
  try {
    WordModel::open(dir.file("short.mvem"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("short.mvem"), std::string::npos);
  }
}

TEST(WordModelLoad, RejectsEveryTruncation) {
  const auto bytes = fixture_model();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_EQ(load_error(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len))),
              ErrorCode::Corrupt)
        << len;
  }
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(load_error(longer), ErrorCode::Corrupt);
}

TEST(WordModelLoad, RejectsEveryChangedByte) {
  const auto bytes = fixture_model();
  ASSERT_NO_THROW(WordModel::from_bytes(bytes));
  std::mt19937 rng(17);
  for (std::size_t pos = 0; pos < bytes.size(); ++pos) {
    auto m = bytes;
    m[pos] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    ASSERT_EQ(load_error(std::move(m)), ErrorCode::Corrupt) << "bit flip at " << pos;
    m = bytes;
    m[pos] = static_cast<std::uint8_t>(m[pos] + 1 + rng() % 255);
    ASSERT_EQ(load_error(std::move(m)), ErrorCode::Corrupt) << "byte change at " << pos;
  }
}

// Forged files: random changes with checksums recomputed, so only the structural checks and
// the look-ups' own bounds stand between them and a crash. Whatever loads must stay usable.
TEST(WordModelLoad, SurvivesForgedFilesWithValidChecksums) {
  const auto bytes = fixture_model();
  std::mt19937 rng(23);
  const std::vector<std::string> probes = {"the", "car", "cars", "banana", "zzz", "", "well-known", "p53", "running"};
  int loaded = 0, rejected = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    auto m = bytes;
    const int changes = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      std::size_t pos;
      switch (rng() % 3) {
        case 0: pos = rng() % mvem::kHeaderSize; break;            // counts, name, section table
        case 1: pos = mvem::kHeaderSize + rng() % 400; break;       // offsets, words, tables
        default: pos = rng() % m.size(); break;
      }
      if (pos >= m.size()) continue;
      m[pos] = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0xFF : rng());
    }
    mvem::reseal(m);
    std::shared_ptr<const WordModel> model;
    try {
      model = WordModel::from_bytes(std::move(m));
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      ++rejected;
      continue;
    }
    ++loaded;
    for (const auto& p : probes) {
      const std::uint32_t id = model->find(p);
      if (id != WordModel::kNotFound) {
        ASSERT_LT(id, model->size());
      }
      const std::uint32_t sid = model->find_by_stem(porter_stem(p));
      if (sid != WordModel::kNotFound) {
        ASSERT_LT(sid, model->size());
      }
    }
    for (std::uint32_t id = 0; id < model->size(); ++id) {
      for (float x : model->vector(id)) ASSERT_TRUE(std::isfinite(x));
      ASSERT_LE(model->word(id).size(), mvem::kMaxWordBytes);
    }
    const SentenceEncoder enc(model);
    for (float x : enc.encode("cars and bananas", "running proteins of the well-known p53 kinase")) ASSERT_TRUE(std::isfinite(x));
  }
  EXPECT_GT(loaded, 100);
  EXPECT_GT(rejected, 100);
}

TEST(WordModelLoad, LookupsEndOnTablesWithoutAnEmptySlot) {
  auto m = fixture_model();
  const std::uint64_t vocab = mvem::load_u64(m.data() + mvem::kSectionTableOffset + 24 * mvem::Vocabulary);
  const std::uint64_t stems = mvem::load_u64(m.data() + mvem::kSectionTableOffset + 24 * mvem::Stems);
  const std::uint32_t vslots = mvem::load_u32(m.data() + 24), sslots = mvem::load_u32(m.data() + 28);
  for (std::uint32_t s = 0; s < vslots; ++s) mvem::store_u32(m.data() + vocab + 8 * s + 4, 1000000 + s);  // ids out of range
  for (std::uint32_t s = 0; s < sslots; ++s) {
    mvem::store_u32(m.data() + stems + 8 * s, static_cast<std::uint32_t>(mvem::hash(std::string_view("run")) >> 32));
    mvem::store_u32(m.data() + stems + 8 * s + 4, 0);  // "the": tag matches, stem does not
  }
  mvem::reseal(m);
  const auto model = WordModel::from_bytes(std::move(m));
  EXPECT_EQ(model->find("car"), WordModel::kNotFound);
  EXPECT_EQ(model->find("nothing"), WordModel::kNotFound);
  EXPECT_EQ(model->find_by_stem("run"), WordModel::kNotFound);
  EXPECT_EQ(model->find_by_stem("the"), WordModel::kNotFound);
}

TEST(WordModelLoad, MessagesNameTheFieldAndOffset) {
  auto m = fixture_model();
  mvem::store_u32(m.data() + 16, 9999);  // dimension
  mvem::reseal(m);
  try {
    WordModel::from_bytes(std::move(m), "model file x.mvem");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("x.mvem: dimension at offset 16"), std::string::npos) << e.what();
  }
  m = fixture_model();
  m[mvem::load_u64(m.data() + mvem::kSectionTableOffset + 24 * mvem::Source)] ^= 1;  // the source section
  try {
    WordModel::from_bytes(std::move(m), "model file x.mvem");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("source section"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}

// A lazily checked model finds every damaged byte that a look-up reads: opening it, or looking
// up every word, stem, vector, scale and the source, gives Corrupt; nothing reads damage
// without an error.
TEST(WordModelLoad, LazyChecksFindDamageWhenRead) {
  const std::vector<std::uint8_t> good = fixture_model();
  const auto whole = WordModel::from_bytes(good);
  ASSERT_NO_THROW(WordModel::from_bytes(good, "lazy", ModelCheck::Lazy));
  std::size_t at_open = 0, when_read = 0;
  for (std::size_t at = 0; at < good.size(); at += 7) {
    std::vector<std::uint8_t> m = good;
    m[at] ^= 0x21;
    std::shared_ptr<const WordModel> model;
    try {
      model = WordModel::from_bytes(std::move(m), "lazy", ModelCheck::Lazy);
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      ++at_open;
      continue;
    }
    try {
      for (std::uint32_t id = 0; id < model->size(); ++id) {
        const std::string w(model->word(id));
        (void)model->find(w);
        (void)model->find_by_stem(w);
        (void)model->vector(id);
      }
      (void)model->source();
      // Bytes no look-up reads (zero padding between sections) are covered by the block
      // checksums, so reading everything around them fails too.
      ADD_FAILURE() << "a changed byte at offset " << at << " was read without an error";
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::Corrupt) << e.what();
      ++when_read;
    }
  }
  EXPECT_GT(at_open, 0u);
  EXPECT_GT(when_read, 0u);
  // Undamaged, a lazy model answers as a whole-checked one.
  const auto lazy = WordModel::from_bytes(good, "lazy", ModelCheck::Lazy);
  for (std::uint32_t id = 0; id < whole->size(); ++id) {
    EXPECT_EQ(lazy->word(id), whole->word(id));
    EXPECT_EQ(lazy->vector(id), whole->vector(id));
    EXPECT_EQ(lazy->find(whole->word(id)), whole->find(whole->word(id)));
  }
}
