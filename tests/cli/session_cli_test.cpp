// MEMORY.md acceptance cases 16 and 17 through the `memvid` binary, and the original's
// session failures: a second session deleting the first, a sidecar file while recording, a
// replay that exits 0 on a mismatch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;
using nlohmann::json;

class SessionCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(run({"create", "m.mv2", "--embedding", "none"}).code, 0); }

  mt::CliOutcome run(const std::vector<std::string>& args) { return mt::run_memvid(dir_.path(), args); }

  json ok_json(std::vector<std::string> args) {
    args.push_back("--json");
    const mt::CliOutcome r = run(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return json::parse(r.out.empty() ? "null" : r.out);
  }

  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) out.push_back(e.path().filename().string());
    return out;
  }

  mt::TempDir dir_;
};

TEST_F(SessionCli, Case16TwoSessionsBothListedNoSidecar) {
  for (const char* name : {"one", "two"}) {
    ok_json({"session", "start", "m.mv2", "--name", name});
    EXPECT_EQ(files(), std::vector<std::string>{"m.mv2"});
    ASSERT_EQ(run({"put", "m.mv2", "--text", std::string("note from ") + name}).code, 0);
    ASSERT_EQ(run({"find", "m.mv2", "-q", "note"}).code, 0);
    EXPECT_EQ(files(), std::vector<std::string>{"m.mv2"});
    ok_json({"session", "end", "m.mv2"});
  }
  const json list = ok_json({"session", "list", "m.mv2"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "one");
  EXPECT_EQ(list[1]["name"], "two");
  EXPECT_EQ(list[0]["actions"], 2);
  EXPECT_EQ(list[1]["actions"], 2);
  EXPECT_EQ(files(), std::vector<std::string>{"m.mv2"});
  // save/load are no-ops that say so.
  const mt::CliOutcome save = run({"session", "save", "m.mv2"});
  EXPECT_EQ(save.code, 0);
  EXPECT_NE(save.out.find("inside the memory file"), std::string::npos);
}

TEST_F(SessionCli, Case17CheckpointPutAskInOrder) {
  ASSERT_EQ(run({"put", "m.mv2", "--text", "Bob likes tea."}).code, 0);
  ok_json({"session", "start", "m.mv2", "--name", "agent"});
  ok_json({"session", "checkpoint", "m.mv2", "--note", "before work"});
  const mt::CliOutcome put = run({"put", "m.mv2", "--text", "Alice works at Acme Corp.", "--json"});
  ASSERT_EQ(put.code, 0) << put.err;
  const json put_json = json::parse(put.out);
  const auto frame = put_json["frame_ids"][0];
  ASSERT_EQ(run({"ask", "m.mv2", "--question", "Where does Alice work?"}).code, 0);
  const json ended = ok_json({"session", "end", "m.mv2"});
  EXPECT_FALSE(ended["open"].get<bool>());
  const json view = ok_json({"session", "view", "m.mv2", "agent"});
  const json& actions = view["actions"];
  ASSERT_EQ(actions.size(), 3u) << view.dump(2);
  EXPECT_EQ(actions[0]["action"], "checkpoint");
  EXPECT_EQ(actions[0]["note"], "before work");
  EXPECT_EQ(actions[1]["action"], "put");
  EXPECT_EQ(actions[1]["frames"], json::array({frame}));
  EXPECT_EQ(actions[2]["action"], "ask");
  EXPECT_EQ(actions[2]["hits"], json::array({frame}));
  // The session's frames are nobody's hits and no timeline entries.
  EXPECT_EQ(ok_json({"timeline", "m.mv2"}).size(), 2u);
}

TEST_F(SessionCli, ReplayAsOfPassesAfterNewWritesCurrentReportsThem) {
  ASSERT_EQ(run({"put", "m.mv2", "--text", "the cat sat"}).code, 0);
  ok_json({"session", "start", "m.mv2", "--name", "r"});
  ASSERT_EQ(run({"find", "m.mv2", "-q", "cat", "--mode", "lex"}).code, 0);
  ok_json({"session", "end", "m.mv2"});
  ASSERT_EQ(run({"put", "m.mv2", "--text", "another cat"}).code, 0);
  const json asof = ok_json({"session", "replay", "m.mv2", "r"});
  EXPECT_TRUE(asof["ok"].get<bool>());
  const mt::CliOutcome current = run({"session", "replay", "m.mv2", "r", "--current", "--json"});
  EXPECT_EQ(current.code, 1) << current.err;
  const json report = json::parse(current.out);
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["details"][0]["added"].size(), 1u);
  // Unknown sessions and a second start are errors, not crashes.
  EXPECT_EQ(run({"session", "view", "m.mv2", "nope"}).code, 3);
  const json second = ok_json({"session", "start", "m.mv2"});
  EXPECT_EQ(run({"session", "start", "m.mv2"}).code, 2);
  // compare: identical sessions exit 0, different ones 1.
  ok_json({"session", "end", "m.mv2"});
  EXPECT_EQ(run({"session", "compare", "m.mv2", "r", "r"}).code, 0);
  EXPECT_EQ(run({"session", "compare", "m.mv2", "r", second["name"].get<std::string>()}).code, 1);
  ok_json({"session", "delete", "m.mv2", "r"});
  EXPECT_EQ(ok_json({"session", "list", "m.mv2"}).size(), 1u);
}

}  // namespace
