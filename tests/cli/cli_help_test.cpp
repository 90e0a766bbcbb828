// The CLI registers only the command a command line names (tools/cli/main.cpp): every command
// that `memvid --help` lists must still parse on its own, so each one's help is asked for here.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;

std::vector<std::string> listed_commands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool in_list = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0 || line.rfind("SUBCOMMANDS:", 0) == 0) {
      in_list = true;
      continue;
    }
    if (!in_list) continue;
    if (line.empty()) break;
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return names;
}

TEST(CliHelp, EveryListedCommandParsesOnItsOwn) {
  mt::TempDir dir;
  const mt::CliOutcome top = mt::run_memvid(dir.path(), {"--help"});
  ASSERT_EQ(top.code, 0) << top.err;
  const std::vector<std::string> names = listed_commands(top.out);
  ASSERT_GE(names.size(), 30u) << top.out;
  for (const std::string& name : names) {
    const mt::CliOutcome help = mt::run_memvid(dir.path(), {name, "--help"});
    EXPECT_EQ(help.code, 0) << name << ": " << help.err;
    EXPECT_NE(help.out.find("memvid " + name), std::string::npos) << name << ":\n" << help.out.substr(0, 300);
  }
  // A name that is no command still gets the full list in its error.
  const mt::CliOutcome unknown = mt::run_memvid(dir.path(), {"fnd", "x.mv2"});
  EXPECT_EQ(unknown.code, 2);
  const mt::CliOutcome usage = mt::run_memvid(dir.path(), {"find"});
  EXPECT_EQ(usage.code, 2) << usage.err;
}

}  // namespace
