// The POSIX Env's temporary files: how a rewrite's new file reaches its place, and what
// becomes of the hidden name a killed process can leave beside a memory.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

namespace {

void spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// A process id that belonged to a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return pid;
}

void write_temp(Env& env, const std::string& temp, const std::string& bytes) {
  auto f = env.open(temp, OpenMode::ReadWrite);
  f->write_at(0, bytes.data(), bytes.size());
}

TEST(PosixEnvTemp, CommitReplacesAndLeavesOnlyTheDestination) {
  mt::TempDir dir;
  const std::string dest = dir.file("m.mv2");
  spit(dest, "old");
  auto env = default_env();
  const std::string temp = env->create_temp(dest);
  write_temp(*env, temp, "new bytes");
  env->commit_temp(temp, dest);
  EXPECT_EQ(slurp(dest), "new bytes");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"m.mv2"});
}

TEST(PosixEnvTemp, CommitWithoutReplaceLeavesAnExistingFileAlone) {
  mt::TempDir dir;
  const std::string dest = dir.file("out.mv2e");
  auto env = default_env();
  const std::string temp = env->create_temp(dest);
  write_temp(*env, temp, "capsule");
  spit(dest, "somebody's file");  // appears while the new file is being written
  try {
    env->commit_temp(temp, dest, false);
    FAIL() << "commit over an existing file without replace";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_EQ(slurp(dest), "somebody's file");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"out.mv2e"});
}

TEST(PosixEnvTemp, TheNextNewFileRemovesADeadProcesssHiddenTempOnly) {
  mt::TempDir dir;
  const std::string dest = dir.file("m.mv2");
  spit(dest, "memory");
  const std::string dead = ".m.mv2.memvid-tmp-" + std::to_string(dead_pid()) + "-12345";
  const std::string live = ".m.mv2.memvid-tmp-" + std::to_string(::getpid()) + "-67890";
  // Names that only look alike: another file's temp, and names that are not ours at all.
  const std::string other = ".n.mv2.memvid-tmp-" + std::to_string(dead_pid()) + "-1";
  const std::vector<std::string> strangers{".m.mv2.memvid-tmp-", ".m.mv2.memvid-tmp-abc-1", ".m.mv2.memvid-tmp-0-1",
                                           ".m.mv2.memvid-tmp-99999999999-1"};
  for (const auto& n : {dead, live, other}) spit(dir.file(n), "leftover");
  for (const auto& n : strangers) spit(dir.file(n), "not ours");

  auto env = default_env();
  const std::string temp = env->create_temp(dest);
  write_temp(*env, temp, "rewritten");
  env->commit_temp(temp, dest);

  std::vector<std::string> want{"m.mv2", live, other};
  want.insert(want.end(), strangers.begin(), strangers.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names_in(dir.path()), want);
  EXPECT_EQ(slurp(dest), "rewritten");
}

}  // namespace
