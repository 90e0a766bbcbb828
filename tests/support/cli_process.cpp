#include "support/cli_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace memvid::testing {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::string CliOutcome::error_code() const {
  // {"error":{"code":"NotAMemory","message":...}} is the last line of stderr with --json.
  const std::string key = "{\"error\":{\"code\":\"";
  const auto at = err.rfind(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  const auto end = err.find('"', begin);
  return end == std::string::npos ? "" : err.substr(begin, end - begin);
}

CliOutcome run_memvid(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env,
                      std::optional<std::chrono::microseconds> kill_after) {
  char tmpl[] = "/tmp/memvid-cli-out-XXXXXX";
  if (!::mkdtemp(tmpl)) std::abort();
  const std::string out_path = std::string(tmpl) + "/out", err_path = std::string(tmpl) + "/err";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    const int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(125);
    ::dup2(in, STDIN_FILENO);
    ::dup2(o, STDOUT_FILENO);
    ::dup2(e, STDERR_FILENO);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv{const_cast<char*>(MEMVID_CLI_PATH)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(MEMVID_CLI_PATH, argv.data());
    ::_exit(127);
  }
  if (kill_after) {
    std::this_thread::sleep_for(*kill_after);
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  CliOutcome r;
  r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove_all(tmpl);
  return r;
}

bool flip_byte_in_part(const std::filesystem::path& cwd, const std::string& file, const std::string& kind,
                       std::uint64_t into) {
  const CliOutcome catalog = run_memvid(cwd, {"dump-catalog", file, "--json"});
  if (catalog.code != 0) return false;
  const nlohmann::json parts = nlohmann::json::parse(catalog.out, nullptr, false);
  if (!parts.is_array()) return false;
  for (const nlohmann::json& c : parts) {
    if (c.value("kind", "") != kind) continue;
    const auto offset = static_cast<std::streamoff>(c["offset"].get<std::uint64_t>() + into);
    std::fstream f(cwd / file, std::ios::in | std::ios::out | std::ios::binary);
    char b = 0;
    f.seekg(offset);
    f.read(&b, 1);
    b = static_cast<char>(b ^ 0x55);
    f.seekp(offset);
    f.write(&b, 1);
    return static_cast<bool>(f);
  }
  return false;
}

}  // namespace memvid::testing
