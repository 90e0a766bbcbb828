// Semantic search reads version 3 vector segments in place, from a mapping of the file: the
// answers are the ones a plain read gives (MEMVID_NO_MMAP=1), and a damaged block is a typed
// error when a search reads it, while verify names the part and lexical search goes on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"
#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;
using namespace memvid;

constexpr std::size_t kDim = 32;
constexpr std::size_t kFrames = 3000;  // a Flat part of ~130 KB: large enough to be mapped

std::vector<float> vector_for(std::mt19937& rng) {
  std::normal_distribution<float> nd;
  std::vector<float> v(kDim);
  for (float& x : v) x = nd(rng);
  return v;
}

std::string as_list(const std::vector<float>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

class VectorInPlace : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateOptions c;
    c.embedding_model = "custom:test";
    c.embedding_dimension = kDim;
    c.extract_facts = false;
    c.index_time_mentions = false;
    std::mt19937 rng(5);
    std::vector<Document> docs(kFrames);
    for (std::size_t i = 0; i < kFrames; ++i) {
      docs[i].payload = "document number " + std::to_string(i) + " about topic " + std::to_string(i % 17);
      docs[i].embedding = vector_for(rng);
    }
    Memvid m = Memvid::create(dir_.file("m.mv2"), c);
    m.put_many(docs);
    m.close();
    query_ = as_list(vector_for(rng));
  }

  mt::CliOutcome run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    return mt::run_memvid(dir_.path(), args, env);
  }

  mt::TempDir dir_;
  std::string query_;
};

TEST_F(VectorInPlace, MappedAndReadSearchesAgree) {
  const mt::CliOutcome mapped = run({"vec-search", "m.mv2", "--vector", query_, "-k", "10", "--json"});
  ASSERT_EQ(mapped.code, 0) << mapped.err;
  const mt::CliOutcome read = run({"vec-search", "m.mv2", "--vector", query_, "-k", "10", "--json"}, {{"MEMVID_NO_MMAP", "1"}});
  ASSERT_EQ(read.code, 0) << read.err;
  nlohmann::json a = nlohmann::json::parse(mapped.out), b = nlohmann::json::parse(read.out);
  a.erase("elapsed_ms");
  b.erase("elapsed_ms");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a["hits"].size(), 10u);
  EXPECT_EQ(run({"verify", "m.mv2", "--deep"}).code, 0);
}

TEST_F(VectorInPlace, ADamagedBlockIsAnErrorWhenSearchedAndInVerify) {
  // Into the codes: past kFrames keys (8 bytes) and scales (4 bytes).
  ASSERT_TRUE(mt::flip_byte_in_part(dir_.path(), "m.mv2", "vec", kFrames * 12 + 5000));
  for (const char* no_mmap : {"0", "1"}) {
    SCOPED_TRACE(std::string("MEMVID_NO_MMAP=") + no_mmap);
    const mt::CliOutcome r =
        run({"vec-search", "m.mv2", "--vector", query_, "-k", "10", "--json"}, {{"MEMVID_NO_MMAP", no_mmap}});
    EXPECT_NE(r.code, 0);
    EXPECT_EQ(r.error_code(), "Corrupt") << r.err;
    EXPECT_NE(r.err.find("fails its checksum"), std::string::npos) << r.err;
  }
  const mt::CliOutcome lex = run({"find", "m.mv2", "-q", "topic", "--mode", "lex", "-k", "3"});
  EXPECT_EQ(lex.code, 0) << lex.err;
  const mt::CliOutcome v = run({"verify", "m.mv2"});
  EXPECT_EQ(v.code, 5);
  EXPECT_NE(v.out.find("FAIL  VecIndexDecode"), std::string::npos) << v.out;
  ASSERT_EQ(run({"doctor", "m.mv2"}).code, 0);
  const mt::CliOutcome after = run({"vec-search", "m.mv2", "--vector", query_, "-k", "10", "--json"});
  EXPECT_EQ(after.code, 0) << after.err;
}

}  // namespace
