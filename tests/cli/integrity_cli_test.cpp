// `memvid verify`, `memvid inspect` and `memvid dump-catalog`, black-box: exit codes, the
// text lines and the JSON shapes scripts rely on.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

namespace {

using nlohmann::json;

struct CliResult {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs the CLI with stdout and stderr sent to files (the outputs here are small).
CliResult run_cli(const memvid::testing::TempDir& dir, const std::vector<std::string>& args) {
  const std::string out_path = dir.file("stdout.txt"), err_path = dir.file("stderr.txt");
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(MEMVID_CLI_PATH)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(MEMVID_CLI_PATH, argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  return os << "exit " << r.code << "\n--- stdout:\n" << r.out << "\n--- stderr:\n" << r.err;
}

void corrupt_payload(const std::string& path, const std::string& needle) {
  std::string bytes = slurp(path);
  const auto at = bytes.find(needle);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] ^= 0x20;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(IntegrityCli, VerifyHealthyTextAndJson) {
  memvid::testing::TempDir dir;
  const std::string path = dir.file("m.mv2");
  const auto s = memvid::testing::build_small(path, nullptr, "custom:test");

  CliResult r = run_cli(dir, {"verify", path});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("PASS  HeaderChecksum"), std::string::npos) << r;
  EXPECT_NE(r.out.find("SKIP  FramePayloadChecksums"), std::string::npos) << r;
  EXPECT_NE(r.out.find("OK: " + path), std::string::npos) << r;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 20) << r;  // 19 checks and the summary

  r = run_cli(dir, {"verify", path, "--deep", "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["path"], path);
  EXPECT_EQ(j["deep"], true);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["frames"], s.frames);
  EXPECT_GT(j["file_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(j["elapsed_ms"].is_number());
  ASSERT_TRUE(j["checks"].is_array());
  ASSERT_EQ(j["checks"].size(), 19u);
  EXPECT_EQ(j["checks"][0]["name"], "HeaderChecksum");
  for (const json& c : j["checks"]) {
    EXPECT_TRUE(c["detail"].is_string());
    EXPECT_EQ(c["status"], "passed") << c.dump();
  }
  EXPECT_TRUE(j["damaged_frames"].is_array());
  EXPECT_TRUE(j["damaged_frames"].empty());
}

TEST(IntegrityCli, VerifyDamagedExitsWithTheCorruptionCode) {
  memvid::testing::TempDir dir;
  const std::string path = dir.file("m.mv2");
  memvid::testing::build_small(path, nullptr, "none");
  corrupt_payload(path, "payload of frame 9 ");

  CliResult r = run_cli(dir, {"verify", path});
  EXPECT_EQ(r.code, 0) << r;  // a shallow verify does not read frame records

  r = run_cli(dir, {"verify", path, "--deep"});
  EXPECT_EQ(r.code, 5) << r;
  EXPECT_NE(r.out.find("FAIL  FramePayloadChecksums"), std::string::npos) << r;
  EXPECT_NE(r.out.find("FAILED: "), std::string::npos) << r;
  EXPECT_NE(r.out.find("damaged frames: 9"), std::string::npos) << r;
  EXPECT_NE(r.err.find("error[Corrupt]"), std::string::npos) << r;

  r = run_cli(dir, {"verify", path, "--deep", "--json"});
  EXPECT_EQ(r.code, 5) << r;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["damaged_frames"], json::array({9}));
  bool found = false;
  for (const json& c : j["checks"])
    if (c["name"] == "FramePayloadChecksums") {
      found = true;
      EXPECT_EQ(c["status"], "failed");
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(json::parse(r.err)["error"]["code"], "Corrupt") << r;
}

TEST(IntegrityCli, VerifyMissingFileIsNotFound) {
  memvid::testing::TempDir dir;
  const CliResult r = run_cli(dir, {"verify", dir.file("none.mv2")});
  EXPECT_EQ(r.code, 3) << r;
  EXPECT_NE(r.err.find("NotFound"), std::string::npos) << r;
}

TEST(IntegrityCli, InspectAndDumpCatalog) {
  memvid::testing::TempDir dir;
  const std::string path = dir.file("m.mv2");
  const auto s = memvid::testing::build_small(path, nullptr, "custom:test");

  CliResult r = run_cli(dir, {"inspect", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json a = json::parse(r.out);
  for (const char* key : {"path", "file_bytes", "headers", "used_header", "owner_present", "generation",
                          "footer_offset", "toc_offset", "toc_length", "prev_footer_offset", "wal_size",
                          "wal_used_bytes", "wal_pending_transactions", "wal_pending_frames", "data_start",
                          "committed_end", "frames", "language", "chunk_bytes", "embedding_model",
                          "embedding_dimension", "vector_compression", "indexed_frames", "live_bytes", "dead_bytes",
                          "segments"})
    EXPECT_TRUE(a.contains(key)) << key << "\n" << r;
  EXPECT_EQ(a["frames"], s.frames);
  EXPECT_EQ(a["headers"].size(), 2u);
  EXPECT_EQ(a["headers"][0]["valid"], true);
  EXPECT_EQ(a["embedding_model"], "custom:test");
  EXPECT_GE(a["segments"]["toc"].get<int>(), 1);
  EXPECT_EQ(a["segments"]["lex"], a["segments"]["time"]);
  EXPECT_EQ(a["live_bytes"].get<std::uint64_t>() + a["dead_bytes"].get<std::uint64_t>(),
            a["committed_end"].get<std::uint64_t>() - a["data_start"].get<std::uint64_t>());

  r = run_cli(dir, {"inspect", path});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("dead bytes"), std::string::npos) << r;
  EXPECT_NE(r.out.find("(in use)"), std::string::npos) << r;

  r = run_cli(dir, {"dump-catalog", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json cat = json::parse(r.out);
  ASSERT_TRUE(cat.is_array());
  std::size_t per_kind[4] = {0, 0, 0, 0};
  for (const json& e : cat) {
    for (const char* key : {"kind", "offset", "length", "count", "first_frame", "end_frame", "checksum"})
      EXPECT_TRUE(e.contains(key)) << key;
    const std::string kind = e["kind"];
    ++per_kind[kind == "toc" ? 0 : kind == "lex" ? 1 : kind == "time" ? 2 : 3];
    EXPECT_EQ(e["checksum"].get<std::string>().size(), 32u);
  }
  EXPECT_EQ(per_kind[0], a["segments"]["toc"].get<std::size_t>());
  EXPECT_EQ(per_kind[1], a["segments"]["lex"].get<std::size_t>());
  EXPECT_EQ(per_kind[3], a["segments"]["vec"].get<std::size_t>());
  EXPECT_EQ(cat[0]["kind"], "toc");

  r = run_cli(dir, {"dump-catalog", path});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_EQ(static_cast<std::size_t>(std::count(r.out.begin(), r.out.end(), '\n')), cat.size()) << r;
  EXPECT_EQ(r.out.rfind("toc  offset ", 0), 0u) << r;

  r = run_cli(dir, {"inspect", dir.file("none.mv2")});
  EXPECT_EQ(r.code, 3) << r;
}

}  // namespace
