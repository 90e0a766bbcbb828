// The built-in sentence encoder's rules on a one-hot fixture vocabulary (each word owns a
// dimension, so a vector shows exactly which words counted and how much), and the built-in
// provider: search paths, missing and foreign model files, and — when the real model is
// installed — that it ranks by meaning.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "embed/model_fixture.hpp"
#include "embed/sentence_encoder.hpp"
#include "embed/word_forms.hpp"
#include "embed/word_model.hpp"
#include "memvid/embedding.hpp"
#include "memvid/error.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using namespace memvid::embed;
using memvid::testing::TempDir;

namespace {

std::uint32_t id_of(const std::string& w) {
  const auto& words = memvid::testing::encoder_words();
  for (std::size_t i = 0; i < words.size(); ++i)
    if (words[i] == w) return static_cast<std::uint32_t>(i);
  ADD_FAILURE() << "no fixture word " << w;
  return 0;
}

// The dimensions (= fixture words) a vector uses.
std::vector<std::string> used(const std::vector<float>& v) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != 0.0f) out.push_back(memvid::testing::encoder_words()[i]);
  return out;
}

double norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

void expect_same(const std::vector<float>& a, const std::vector<float>& b, double tol = 1e-6) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tol) << "dimension " << i;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Sets (or unsets, with nullopt) environment variables for one test and restores them.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }
  void set(const std::string& name, std::optional<std::string> value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) ::setenv(name.c_str(), value->c_str(), 1);
    else ::unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST(SentenceEncoder, WeightIsSmoothInverseFrequencyOfTheZipfEstimate) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  EXPECT_EQ(enc.options().sif_a, 1e-5);
  double h = 0;
  for (std::uint32_t r = 1; r <= model->size(); ++r) h += 1.0 / r;
  for (std::uint32_t id = 0; id < model->size(); ++id) {
    const double p = 1.0 / ((id + 1) * h);
    EXPECT_NEAR(enc.weight(id), 1e-5 / (1e-5 + p), 1e-7) << id;
    if (id > 0) {
      EXPECT_GT(enc.weight(id), enc.weight(id - 1));
    }
  }
  EncoderOptions plain;
  plain.sif_a = 0;
  EXPECT_EQ(SentenceEncoder(model, plain).weight(3), 1.0f);
}

TEST(SentenceEncoder, SumsWeightedVectorsAndNormalizes) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  const auto v = enc.encode("", "dog cat dog");
  const double dog = 2 * enc.weight(id_of("dog")) * (1 + id_of("dog") / 10.0);
  const double cat = enc.weight(id_of("cat")) * (1 + id_of("cat") / 10.0);
  const double n = std::sqrt(dog * dog + cat * cat);
  EXPECT_NEAR(v[id_of("dog")], dog / n, 1e-5);
  EXPECT_NEAR(v[id_of("cat")], cat / n, 1e-5);
  EXPECT_EQ(used(v), (std::vector<std::string>{"dog", "cat"}));
  EXPECT_NEAR(norm(v), 1.0, 1e-6);
}

TEST(SentenceEncoder, DropsStopWords) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  expect_same(enc.encode("", "the dog of the car is"), enc.encode("", "dog car"));
  EXPECT_TRUE(used(enc.encode("the", "of is")).empty());
  EXPECT_EQ(used(enc.encode("", "we run")), (std::vector<std::string>{"we", "run"}));  // not a Lucene stop-word

  EncoderOptions none;
  none.stop_words = StopWords::None;
  EXPECT_EQ(used(SentenceEncoder(model, none).encode("", "the dog")), (std::vector<std::string>{"the", "dog"}));
  EncoderOptions extended;
  extended.stop_words = StopWords::Extended;
  EXPECT_EQ(used(SentenceEncoder(model, extended).encode("", "we run the dog")), (std::vector<std::string>{"dog", "run"}));
  EXPECT_TRUE(is_extended_stop_word("themselves"));
  EXPECT_FALSE(is_extended_stop_word("dog"));
}

TEST(SentenceEncoder, CountsTitleWordsTwice) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  const auto v = enc.encode("dog", "cat");
  expect_same(v, enc.encode("", "dog dog cat"));
  const double ratio = (2.0 * enc.weight(id_of("dog")) * 2.4) / (enc.weight(id_of("cat")) * 2.5);
  EXPECT_NEAR(v[id_of("dog")] / v[id_of("cat")], ratio, 1e-5);
  EncoderOptions once;
  once.title_repeat = 1;
  expect_same(SentenceEncoder(model, once).encode("dog", "cat"), enc.encode("", "dog cat"));
  expect_same(enc.encode("dog", ""), enc.encode("", "dog"));  // one word: the same direction
}

TEST(SentenceEncoder, FallsBackToTheStemOnlyForAlphabeticWordsOfThreeLetters) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  ASSERT_EQ(model->find("connecting"), WordModel::kNotFound);
  ASSERT_EQ(porter_stem("connecting"), "connect");
  expect_same(enc.encode("", "connecting"), enc.encode("", "connect"));  // "connect" is more frequent than "connection"
  EXPECT_EQ(enc.resolve("connections"), id_of("connect"));
  EXPECT_EQ(enc.resolve("glycosylations"), id_of("glycosylation"));
  EXPECT_EQ(enc.resolve("cars"), id_of("cars"));  // known words are never replaced by their stem's word

  // Three letters fall back, two never do, although their stem is in the table.
  ASSERT_EQ(porter_stem("xxs"), "xx");
  ASSERT_EQ(porter_stem("xs"), "x");
  ASSERT_EQ(model->find_by_stem("x"), id_of("x"));
  EXPECT_EQ(enc.resolve("xxs"), id_of("xx"));
  EXPECT_EQ(enc.resolve("xs"), WordModel::kNotFound);
  EXPECT_TRUE(used(enc.encode("", "xs")).empty());
  // Tokens with digits are looked up as they are and never stemmed.
  EXPECT_EQ(enc.resolve("h1n1"), id_of("h1n1"));
  EXPECT_EQ(enc.resolve("h1n1s"), WordModel::kNotFound);

  EncoderOptions off;
  off.stem_fallback = false;
  EXPECT_TRUE(used(SentenceEncoder(model, off).encode("", "connecting glycosylations")).empty());
}

TEST(SentenceEncoder, SplitsHyphenatedWordsUnlessCompoundsAreAsked) {
  const auto model = memvid::testing::encoder_model();
  EXPECT_EQ(used(SentenceEncoder(model).encode("", "well-known")), (std::vector<std::string>{"well", "known"}));
  EncoderOptions compounds;
  compounds.hyphen_compounds = true;
  const SentenceEncoder enc(model, compounds);
  EXPECT_EQ(used(enc.encode("", "a well-known dog")), (std::vector<std::string>{"well-known", "dog"}));
  EXPECT_EQ(used(enc.encode("", "dog-cat")), (std::vector<std::string>{"dog", "cat"}));  // not a vocabulary word
  EXPECT_EQ(used(enc.encode("", "well - known")), (std::vector<std::string>{"well", "known"}));
}

TEST(SentenceEncoder, FoldsCaseAndCompatibilityForms) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  const auto dog = enc.encode("", "dog");
  expect_same(enc.encode("", "DOG"), dog);
  expect_same(enc.encode("", "\xEF\xBC\xA4\xEF\xBC\xAF\xEF\xBC\xA7"), dog);  // fullwidth ＤＯＧ
  expect_same(enc.encode("", "dog's"), dog);
  expect_same(enc.encode("", "(dog!)"), dog);
  expect_same(enc.encode("", "H1N1"), enc.encode("", "h1n1"));
}

TEST(SentenceEncoder, TextWithoutKnownWordsIsTheZeroVector) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  for (const char* text : {"", "zzz qqqq 12345 ab", "the of is", "!!! ... ???", "\xFF\xFE\x80"}) {
    const auto v = enc.encode(text, text);
    ASSERT_EQ(v.size(), model->dimension());
    for (float x : v) EXPECT_EQ(x, 0.0f) << text;
  }
}

TEST(SentenceEncoder, VectorsHaveUnitLengthAndAreDeterministic) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  std::mt19937 rng(29);
  const auto& words = memvid::testing::encoder_words();
  std::vector<std::string> texts;
  for (int t = 0; t < 300; ++t) {
    std::string s;
    const int n = static_cast<int>(rng() % 30);
    for (int k = 0; k < n; ++k) {
      if (rng() % 5 == 0) s += "unknownword" + std::to_string(rng() % 7);
      else s += words[rng() % words.size()];
      s += rng() % 7 == 0 ? "-" : " ";
    }
    texts.push_back(s);
  }
  std::vector<std::vector<float>> first;
  for (const auto& t : texts) {
    auto v = enc.encode(t.substr(0, t.size() / 3), t);
    const double n = norm(v);
    if (n != 0) {
      EXPECT_NEAR(n, 1.0, 1e-6) << t;
    }
    first.push_back(std::move(v));
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto v = enc.encode(texts[i].substr(0, texts[i].size() / 3), texts[i]);
        if (std::memcmp(v.data(), first[i].data(), v.size() * sizeof(float)) != 0) ++mismatches[static_cast<std::size_t>(th)];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(SentenceEncoder, SurvivesArbitraryBytes) {
  const auto model = memvid::testing::encoder_model();
  const SentenceEncoder enc(model);
  std::mt19937 rng(31);
  for (int t = 0; t < 500; ++t) {
    std::string s(rng() % 300, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 3 == 0 ? "dog-cat x's"[rng() % 11] : rng());
    for (float x : enc.encode(s, s)) ASSERT_TRUE(std::isfinite(x));
  }
  std::vector<float> wrong(model->dimension() + 1);
  EXPECT_THROW(enc.encode("", "dog", wrong), Error);
  EXPECT_THROW(SentenceEncoder(nullptr), Error);
}

TEST(BuiltinProvider, SearchPathsFollowTheDocumentedOrder) {
  ScopedEnv env;
  env.set("MEMVID_MODEL", "/m/file.mvem");
  env.set("MEMVID_MODEL_DIR", "/d");
  env.set("XDG_DATA_HOME", "/x");
  env.set("HOME", "/h");
  auto paths = builtin_model_search_paths();
  ASSERT_GE(paths.size(), 5u);
  EXPECT_EQ(paths[0], "/m/file.mvem");
  EXPECT_EQ(paths[1], "/d/wink-glove-100d.mvem");
  EXPECT_EQ(paths[2], "/x/memvid/models/wink-glove-100d.mvem");
  EXPECT_EQ(paths[paths.size() - 2], "/usr/local/share/memvid/models/wink-glove-100d.mvem");
  EXPECT_EQ(paths.back(), "/usr/share/memvid/models/wink-glove-100d.mvem");
  if (paths.size() == 6) {
    EXPECT_NE(paths[3].find("/share/memvid/models/wink-glove-100d.mvem"), std::string::npos);
  }

  env.set("MEMVID_MODEL", std::nullopt);
  env.set("MEMVID_MODEL_DIR", std::nullopt);
  env.set("XDG_DATA_HOME", std::nullopt);
  paths = builtin_model_search_paths();
  EXPECT_EQ(paths[0], "/h/.local/share/memvid/models/wink-glove-100d.mvem");
}

TEST(BuiltinProvider, FindsTheFirstInstalledFile) {
  TempDir dir;
  ScopedEnv env;
  env.set("MEMVID_MODEL", dir.file("absent.mvem"));
  env.set("MEMVID_MODEL_DIR", dir.path().string());
  write_file(dir.file("wink-glove-100d.mvem"), memvid::testing::encoder_model_bytes(std::string(kBuiltinModelName)));
  EXPECT_EQ(find_builtin_model(), dir.file("wink-glove-100d.mvem"));
  env.set("MEMVID_MODEL", dir.file("wink-glove-100d.mvem"));
  EXPECT_EQ(find_builtin_model(), dir.file("wink-glove-100d.mvem"));
}

TEST(BuiltinProvider, MissingModelIsModelUnavailableWithTheInstallCommand) {
  TempDir dir;
  try {
    builtin_embedding_provider(dir.file("wink-glove-100d.mvem"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelUnavailable);
    EXPECT_NE(std::string(e.what()).find("scripts/install-model.sh"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir.file("wink-glove-100d.mvem")), std::string::npos) << e.what();
  }
  ScopedEnv env;
  env.set("MEMVID_MODEL", std::nullopt);
  env.set("MEMVID_MODEL_DIR", dir.file("none"));
  env.set("XDG_DATA_HOME", dir.file("none"));
  if (!find_builtin_model().empty()) GTEST_SKIP() << "a model is installed system-wide at " << find_builtin_model();
  try {
    builtin_embedding_provider();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelUnavailable);
    EXPECT_NE(std::string(e.what()).find("install-model.sh"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir.file("none")), std::string::npos) << e.what();
  }
}

TEST(BuiltinProvider, EncodesDocumentsAndQueriesWithTheSentenceEncoder) {
  TempDir dir;
  const auto bytes = memvid::testing::encoder_model_bytes(std::string(kBuiltinModelName));
  write_file(dir.file("m.mvem"), bytes);
  const auto provider = builtin_embedding_provider(dir.file("m.mvem"));
  EXPECT_EQ(provider->model(), kBuiltinModelName);
  EXPECT_EQ(provider->dimension(), memvid::testing::encoder_words().size());
  const SentenceEncoder enc(WordModel::from_bytes(bytes));
  const std::vector<EmbeddingText> docs = {{"dog", "cat banana"}, {"", "the of"}, {"Car", "automobile vehicle"}};
  const auto vectors = provider->embed_documents(docs);
  ASSERT_EQ(vectors.size(), docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(vectors[i], enc.encode(docs[i].title, docs[i].text));
  EXPECT_EQ(provider->embed_query("connecting dogs"), enc.encode_query("connecting dogs"));
  EXPECT_TRUE(provider->embed_documents({}).empty());
}

TEST(BuiltinProvider, RefusesForeignAndDamagedModelFiles) {
  TempDir dir;
  write_file(dir.file("other.mvem"), memvid::testing::encoder_model_bytes("test:other"));
  try {
    builtin_embedding_provider(dir.file("other.mvem"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ModelMismatch);
    EXPECT_NE(std::string(e.what()).find("test:other"), std::string::npos) << e.what();
  }
  // The provider checks the model lazily: damage to the block checksums is found at open
  // (damage elsewhere when a look-up reads it: WordModelLoad.LazyChecksFindDamageWhenRead).
  auto bytes = memvid::testing::encoder_model_bytes(std::string(kBuiltinModelName));
  bytes[bytes.size() - 3] ^= 0x10;
  write_file(dir.file("bad.mvem"), bytes);
  try {
    builtin_embedding_provider(dir.file("bad.mvem"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Corrupt);
    EXPECT_NE(std::string(e.what()).find("bad.mvem"), std::string::npos) << e.what();
  }
}

// With the real model (scripts/install-model.sh; CI installs it).
TEST(BuiltinProvider, InstalledModelRanksByMeaning) {
  const std::string path = find_builtin_model();
  if (path.empty()) GTEST_SKIP() << "the built-in model is not installed (scripts/install-model.sh)";
  const auto provider = builtin_embedding_provider();
  EXPECT_EQ(provider->model(), kBuiltinModelName);
  EXPECT_EQ(provider->dimension(), 100u);
  const auto model = WordModel::open(path);
  EXPECT_EQ(model->size(), 341479u);
  EXPECT_EQ(model->removed_components(), 5u);
  EXPECT_EQ(model->word(0), "the");

  struct Case {
    const char* query;
    EmbeddingText related, unrelated;
  };
  const std::vector<Case> cases = {
      {"cars and trucks on the highway",
       {"Automobiles", "The automobile industry builds vehicles with diesel engines."},
       {"Bananas", "Bananas are a tropical fruit rich in potassium."}},
      {"heart attack treatment",
       {"", "Myocardial infarction patients received thrombolytic therapy in hospital."},
       {"", "The stock market fell sharply on Tuesday as investors sold shares."}},
      {"football match results",
       {"", "The soccer team won the game after a late goal by the striker."},
       {"", "Preheat the oven and mix the flour, butter and sugar into a dough."}},
      {"viral infection of the lungs",
       {"", "Influenza pneumonia: a respiratory disease caused by a virus."},
       {"", "Parliament passed the new tax law after a long debate."}},
  };
  for (const auto& c : cases) {
    const auto q = provider->embed_query(c.query);
    const auto docs = provider->embed_documents(std::vector<EmbeddingText>{c.related, c.unrelated});
    EXPECT_NEAR(norm(q), 1.0, 1e-5);
    EXPECT_GT(cosine(q, docs[0]), cosine(q, docs[1]) + 0.1) << c.query;
  }
  // Unknown inflections still land next to their word.
  const auto a = provider->embed_query("glycosylations");
  EXPECT_NEAR(norm(a), 1.0, 1e-5);
  EXPECT_GT(cosine(a, provider->embed_query("glycosylation")), 0.9);
  for (float x : provider->embed_query("zxqwv 12345")) EXPECT_EQ(x, 0.0f);
}
