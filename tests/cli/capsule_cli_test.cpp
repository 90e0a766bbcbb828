// `memvid lock` / `memvid unlock` run as a user would: the password from the environment or
// typed at a terminal (a pseudo-terminal here), exit codes, default output names, and a
// restored memory that passes verify-single-file.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using memvid::testing::TempDir;

struct CliResult {
  int code = -1;
  std::string out, err;
};

std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  return os << "exit " << r.code << "\n--- stdout:\n" << r.out << "\n--- stderr:\n" << r.err;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

[[noreturn]] void exec_cli(const fs::path& cwd, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  if (::chdir(cwd.c_str()) != 0) ::_exit(126);
  ::unsetenv("MEMVID_PASSWORD");
  ::unsetenv("MEMVID_CAPSULE_KDF");
  for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
  std::vector<char*> argv{const_cast<char*>(MEMVID_CLI_PATH)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(MEMVID_CLI_PATH, argv.data());
  ::_exit(127);
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// Runs the CLI in its own session, without a controlling terminal, so that a command that
// would ask for a password fails instead of waiting for one.
CliResult run_cli(const fs::path& cwd, const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  const fs::path out = cwd / ".stdout", err = cwd / ".stderr";
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    ::setsid();
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0) ::_exit(125);
    ::dup2(in, STDIN_FILENO);
    ::dup2(o, STDOUT_FILENO);
    ::dup2(e, STDERR_FILENO);
    exec_cli(cwd, args, env);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  CliResult r{exit_code(status), read_file(out), read_file(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

// A CLI process on a pseudo-terminal: the test types at it and reads what it shows.
class TerminalRun {
 public:
  TerminalRun(const fs::path& cwd, const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) std::abort();
    if (pid_ == 0) exec_cli(cwd, args, env);
    // A second descriptor on the terminal keeps its settings readable after the child exits.
    slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY);
  }
  ~TerminalRun() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    ::close(master_);
    if (slave_ >= 0) ::close(slave_);
  }

  // Reads what the program shows until `text` appears (true) or 10 s pass (false).
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (shown_.find(text, searched_) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) return false;  // the program closed the terminal (exited)
      shown_.append(buf, static_cast<std::size_t>(n));
    }
    searched_ = shown_.find(text, searched_) + text.size();
    return true;
  }
  void type(const std::string& keys) { ASSERT_EQ(::write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size())); }
  bool echo_on() const {
    struct termios t {};
    if (::tcgetattr(slave_, &t) != 0) std::abort();
    return (t.c_lflag & ECHO) != 0;
  }
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return exit_code(status);
  }
  // Everything shown so far, after reading what is left.
  const std::string& shown() {
    pollfd p{master_, POLLIN, 0};
    char buf[4096];
    while (::poll(&p, 1, 200) > 0) {
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      shown_.append(buf, static_cast<std::size_t>(n));
    }
    return shown_;
  }

 private:
  pid_t pid_ = -1;
  int master_ = -1, slave_ = -1;
  std::string shown_;
  std::size_t searched_ = 0;
};

class CapsuleCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run("create", {"notes.mv2", "--embedding", "none"}).code, 0);
    ASSERT_EQ(run("put", {"notes.mv2", "--text", "Neural networks learn by gradient descent.", "--title", "NN"}).code, 0);
  }

  CliResult run(const std::string& command, std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), command);
    // Argon2id at its minimum cost, which only `lock` reads.
    env.emplace("MEMVID_CAPSULE_KDF", "min");
    return run_cli(dir_.path(), args, env);
  }
  fs::path file(const std::string& name) const { return dir_.path() / name; }

  TempDir dir_;
};

TEST_F(CapsuleCli, RoundTripWithThePasswordInTheEnvironment) {
  const CliResult lock = run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", "hunter2"}});
  ASSERT_EQ(lock.code, 0) << lock;
  EXPECT_NE(lock.out.find("locked notes.mv2 -> notes.mv2e"), std::string::npos) << lock;
  ASSERT_TRUE(fs::exists(file("notes.mv2e")));
  EXPECT_TRUE(fs::exists(file("notes.mv2"))) << "lock leaves the memory in place";

  fs::rename(file("notes.mv2"), file("original.mv2"));
  const CliResult unlock = run("unlock", {"notes.mv2e"}, {{"MEMVID_PASSWORD", "hunter2"}});
  ASSERT_EQ(unlock.code, 0) << unlock;
  EXPECT_EQ(read_file(file("notes.mv2")), read_file(file("original.mv2")));

  const CliResult verify = run("verify-single-file", {"notes.mv2"});
  EXPECT_EQ(verify.code, 0) << verify;
  const CliResult find = run("find", {"notes.mv2", "--query", "gradient", "--mode", "lex"});
  EXPECT_NE(find.out.find("NN"), std::string::npos) << find;
}

TEST_F(CapsuleCli, WrongPasswordExitsWithCorruptionCode) {
  ASSERT_EQ(run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", "hunter2"}}).code, 0);
  const CliResult r = run("unlock", {"notes.mv2e", "-o", "out.mv2"}, {{"MEMVID_PASSWORD", "hunter3"}});
  EXPECT_EQ(r.code, 5) << r;
  EXPECT_NE(r.err.find("error[DecryptFailed]"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists(file("out.mv2")));
}

TEST_F(CapsuleCli, PasswordEnvNamesTheVariable) {
  const CliResult lock = run("lock", {"notes.mv2", "-o", "vault.bin", "--password-env", "MY_SECRET"}, {{"MY_SECRET", "s3"}});
  ASSERT_EQ(lock.code, 0) << lock;
  // --password-env wins over MEMVID_PASSWORD.
  const CliResult unlock = run("unlock", {"vault.bin", "-o", "back.mv2", "--password-env", "MY_SECRET"},
                         {{"MY_SECRET", "s3"}, {"MEMVID_PASSWORD", "other"}});
  ASSERT_EQ(unlock.code, 0) << unlock;
  EXPECT_EQ(read_file(file("back.mv2")), read_file(file("notes.mv2")));

  const CliResult unset = run("unlock", {"vault.bin", "-o", "x.mv2", "--password-env", "NOT_SET_ANYWHERE"});
  EXPECT_EQ(unset.code, 2) << unset;
  EXPECT_NE(unset.err.find("NOT_SET_ANYWHERE"), std::string::npos) << unset;
}

TEST_F(CapsuleCli, WithoutPasswordOrTerminalSaysHowToGiveOne) {
  const CliResult r = run("lock", {"notes.mv2"});
  EXPECT_EQ(r.code, 2) << r;
  EXPECT_NE(r.err.find("MEMVID_PASSWORD"), std::string::npos) << r;
  EXPECT_NE(r.err.find("--password-env"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists(file("notes.mv2e")));

  const CliResult empty = run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", ""}});
  EXPECT_EQ(empty.code, 2) << empty;
  EXPECT_FALSE(fs::exists(file("notes.mv2e")));
}

TEST_F(CapsuleCli, JsonSummary) {
  const CliResult r = run("lock", {"notes.mv2", "--json"}, {{"MEMVID_PASSWORD", "pw"}});
  ASSERT_EQ(r.code, 0) << r;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input"], "notes.mv2");
  EXPECT_EQ(j["output"], "notes.mv2e");
  EXPECT_EQ(j["bytes_in"], fs::file_size(file("notes.mv2")));
  EXPECT_EQ(j["bytes_out"], fs::file_size(file("notes.mv2e")));
  EXPECT_TRUE(j["elapsed_ms"].is_number());

  const CliResult bad = run("unlock", {"notes.mv2e", "-o", "x.mv2", "--json"}, {{"MEMVID_PASSWORD", "nope"}});
  EXPECT_EQ(bad.code, 5) << bad;
  EXPECT_EQ(nlohmann::json::parse(bad.err)["error"]["code"], "DecryptFailed");
}

TEST_F(CapsuleCli, ExistingOutputNeedsForce) {
  ASSERT_EQ(run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", "pw"}}).code, 0);
  const std::string capsule = read_file(file("notes.mv2e"));
  const CliResult again = run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(again.code, 1) << again;
  EXPECT_NE(again.err.find("error[AlreadyExists]"), std::string::npos) << again;
  EXPECT_EQ(read_file(file("notes.mv2e")), capsule);
  EXPECT_EQ(run("lock", {"notes.mv2", "--force"}, {{"MEMVID_PASSWORD", "pw"}}).code, 0);
  EXPECT_NE(read_file(file("notes.mv2e")), capsule);

  const CliResult over = run("unlock", {"notes.mv2e"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(over.code, 1) << over;
  EXPECT_EQ(run("unlock", {"notes.mv2e", "--force"}, {{"MEMVID_PASSWORD", "pw"}}).code, 0);
}

TEST_F(CapsuleCli, DefaultOutputNames) {
  fs::copy_file(file("notes.mv2"), file("backup"));
  ASSERT_EQ(run("lock", {"backup"}, {{"MEMVID_PASSWORD", "pw"}}).code, 0);
  EXPECT_TRUE(fs::exists(file("backup.mv2e")));
  fs::copy_file(file("backup.mv2e"), file("sealed.bin"));
  const CliResult r = run("unlock", {"sealed.bin"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(r.code, 2) << r;
  EXPECT_NE(r.err.find("-o"), std::string::npos) << r;
}

TEST_F(CapsuleCli, NotAMemoryOrNotACapsule) {
  std::ofstream(file("plain.txt")) << std::string(8192, 'x');
  const CliResult lock = run("lock", {"plain.txt"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(lock.code, 8) << lock;
  EXPECT_NE(lock.err.find("error[NotAMemory]"), std::string::npos) << lock;
  const CliResult unlock = run("unlock", {"notes.mv2", "-o", "x.mv2"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(unlock.code, 2) << unlock;
  EXPECT_NE(unlock.err.find("is a memvid memory, not a capsule"), std::string::npos) << unlock;
  const CliResult junk = run("unlock", {"plain.txt", "-o", "x.mv2"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(junk.code, 5) << junk;
  EXPECT_NE(junk.err.find("error[Corrupt]"), std::string::npos) << junk;
  const CliResult missing = run("lock", {"missing.mv2"}, {{"MEMVID_PASSWORD", "pw"}});
  EXPECT_EQ(missing.code, 3) << missing;
  const CliResult kdf = run_cli(dir_.path(), {"lock", "notes.mv2"}, {{"MEMVID_PASSWORD", "pw"}, {"MEMVID_CAPSULE_KDF", "fast"}});
  EXPECT_EQ(kdf.code, 2) << kdf;
}

TEST_F(CapsuleCli, TypedPasswordIsNotEchoed) {
  {
    TerminalRun lock(dir_.path(), {"lock", "notes.mv2"}, {{"MEMVID_CAPSULE_KDF", "min"}});
    ASSERT_TRUE(lock.wait_for("Password for notes.mv2: ")) << lock.shown();
    lock.type("s3cret-typed\n");
    ASSERT_TRUE(lock.wait_for("Repeat the password: ")) << lock.shown();
    lock.type("s3cret-typed\n");
    ASSERT_TRUE(lock.wait_for("locked notes.mv2")) << lock.shown();
    EXPECT_EQ(lock.wait(), 0);
    EXPECT_EQ(lock.shown().find("s3cret"), std::string::npos) << lock.shown();
    EXPECT_TRUE(lock.echo_on());
  }
  const CliResult unlock = run("unlock", {"notes.mv2e", "-o", "back.mv2"}, {{"MEMVID_PASSWORD", "s3cret-typed"}});
  EXPECT_EQ(unlock.code, 0) << unlock;

  TerminalRun differ(dir_.path(), {"lock", "notes.mv2", "-o", "other.mv2e"}, {});
  ASSERT_TRUE(differ.wait_for("Password for notes.mv2: ")) << differ.shown();
  differ.type("one\n");
  ASSERT_TRUE(differ.wait_for("Repeat the password: ")) << differ.shown();
  differ.type("two\n");
  ASSERT_TRUE(differ.wait_for("differ")) << differ.shown();
  EXPECT_EQ(differ.wait(), 2);
  EXPECT_TRUE(differ.echo_on());
  EXPECT_FALSE(fs::exists(file("other.mv2e")));
}

TEST_F(CapsuleCli, CtrlCAtThePromptRestoresEcho) {
  ASSERT_EQ(run("lock", {"notes.mv2"}, {{"MEMVID_PASSWORD", "pw"}}).code, 0);
  TerminalRun unlock(dir_.path(), {"unlock", "notes.mv2e", "-o", "back.mv2"}, {});
  ASSERT_TRUE(unlock.wait_for("Password for notes.mv2e: ")) << unlock.shown();
  EXPECT_FALSE(unlock.echo_on());
  unlock.type("half-typed\x03");  // the terminal turns ^C into SIGINT
  EXPECT_EQ(unlock.wait(), 128 + SIGINT);
  EXPECT_TRUE(unlock.echo_on());
  EXPECT_FALSE(fs::exists(file("back.mv2")));
}

}  // namespace
