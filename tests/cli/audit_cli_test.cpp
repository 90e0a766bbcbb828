// `memvid audit` as a reviewer would use it: the answer with every source's provenance in
// text, Markdown and JSON, written to a file with -o, limited in time with --start/--end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;
using nlohmann::json;

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"create", "m.mv2", "--embedding", "none"}).code, 0);
    ASSERT_EQ(run({"put", "m.mv2", "--text", "Ben Koenig reports to Chloe Nguyen.", "--uri", "mv2://hr/ben", "--title",
                   "Org notes", "--timestamp", "2024-01-01"})
                  .code,
              0);
    ASSERT_EQ(run({"correct", "m.mv2", "Ben Koenig reports to Dana Reyes since 2025"}).code, 0);
  }

  mt::CliOutcome run(const std::vector<std::string>& args) { return mt::run_memvid(dir_.path(), args); }

  mt::TempDir dir_;
};

TEST_F(AuditCli, JsonNamesEverySourcesProvenance) {
  const mt::CliOutcome r = run({"audit", "m.mv2", "Who does Ben Koenig report to?", "--mode", "lex", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["question"], "Who does Ben Koenig report to?");
  EXPECT_FALSE(j["used_model"].get<bool>());
  ASSERT_EQ(j["sources"].size(), 2u);
  for (const json& s : j["sources"]) {
    for (const char* key : {"frame", "uri", "title", "byte_begin", "byte_end", "page", "timestamp_ms", "time",
                            "correction", "cited", "excerpt", "facts"})
      EXPECT_TRUE(s.contains(key)) << key;
    if (s["frame"] == 1) {
      EXPECT_TRUE(s["correction"].get<bool>());
    }
    if (s["frame"] == 0) {
      EXPECT_EQ(s["uri"], "mv2://hr/ben");
      ASSERT_EQ(s["facts"].size(), 1u);
      EXPECT_EQ(s["facts"][0]["value"], "Chloe Nguyen");
    }
  }
}

TEST_F(AuditCli, MarkdownToAFileAndTimeRange) {
  const mt::CliOutcome r =
      run({"audit", "m.mv2", "Who does Ben Koenig report to?", "--mode", "lex", "--format", "markdown", "-o", "a.md"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in((dir_.path() / "a.md").string());
  std::stringstream md;
  md << in.rdbuf();
  EXPECT_EQ(md.str().rfind("# Audit: Who does Ben Koenig report to?", 0), 0u) << md.str();
  EXPECT_NE(md.str().find("| correction | yes |"), std::string::npos);
  EXPECT_NE(md.str().find("| uri | `mv2://hr/ben` |"), std::string::npos);
  const mt::CliOutcome ranged =
      run({"audit", "m.mv2", "Ben Koenig", "--mode", "lex", "--start", "2024", "--end", "2024", "--json"});
  ASSERT_EQ(ranged.code, 0) << ranged.err;
  const json j = json::parse(ranged.out);
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0]["frame"], 0);
  EXPECT_EQ(run({"audit", "m.mv2", "x", "--format", "pdf"}).code, 2);
}

}  // namespace
