// `memvid doctor`, `compact`, `export` and `restore`, black-box: exit codes, the summaries
// they print, the JSON doctor reports, and the files they leave.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

namespace {

using nlohmann::json;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::ostream& operator<<(std::ostream& os, const CliResult& r) {
  return os << "exit " << r.code << "\n--- stdout:\n" << r.out << "\n--- stderr:\n" << r.err;
}

// Runs the CLI with stdout and stderr sent to files in their own directory (so that the
// memory's directory holds only what the commands leave there).
struct Cli {
  mt::TempDir io;
  CliResult run(const std::vector<std::string>& args) {
    const std::string out_path = io.file("stdout.txt"), err_path = io.file("stderr.txt");
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
};

std::set<std::string> entries(const mt::TempDir& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) out.insert(e.path().filename().string());
  return out;
}

void flip(const std::string& path, std::uint64_t at) {
  std::string bytes = slurp(path);
  ASSERT_LT(at, bytes.size());
  bytes[at] = static_cast<char>(bytes[at] ^ 0x5A);
  spit(path, bytes);
}

const json* action(const json& j, const std::string& name) {
  for (const json& a : j["actions"])
    if (a["name"] == name) return &a;
  return nullptr;
}

TEST(MaintenanceCli, DoctorOnAHealthyFileDoesNothing) {
  mt::TempDir dir;
  Cli cli;
  const std::string path = dir.file("m.mv2");
  mt::build_small(path, nullptr, "custom:test");
  const std::string before = slurp(path);

  CliResult r = cli.run({"doctor", path});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("(none needed)"), std::string::npos) << r;
  EXPECT_NE(r.out.find("OK: " + path), std::string::npos) << r;

  r = cli.run({"doctor", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["changed"], false);
  EXPECT_TRUE(j["actions"].empty()) << j.dump(2);
  EXPECT_TRUE(j["lost_frames"].empty());
  EXPECT_EQ(j["before"]["ok"], true);
  EXPECT_TRUE(slurp(path) == before);
  EXPECT_EQ(entries(dir), std::set<std::string>{"m.mv2"});
}

TEST(MaintenanceCli, DoctorPlanOnlyChangesNothing) {
  mt::TempDir dir;
  Cli cli;
  const std::string path = dir.file("m.mv2");
  mt::build_small(path, nullptr, "custom:test");
  const memvid::FileAnatomy a = memvid::inspect_file(path);
  const memvid::CatalogEntry* lex = nullptr;
  for (const auto& c : a.segments)
    if (c.kind == "lex" && !lex) lex = &c;
  ASSERT_NE(lex, nullptr);
  flip(path, lex->offset + lex->length / 2);
  const std::string before = slurp(path);

  CliResult r = cli.run({"doctor", path, "--plan-only"});
  EXPECT_EQ(r.code, 5) << r;  // not ok: it needs repair
  EXPECT_NE(r.out.find("Planned  RebuildLexIndex"), std::string::npos) << r;
  EXPECT_NE(r.out.find("LexIndexDecode"), std::string::npos) << r;
  EXPECT_NE(r.out.find("--plan-only: nothing changed"), std::string::npos) << r;
  EXPECT_TRUE(slurp(path) == before);

  r = cli.run({"doctor", path, "--plan-only", "--json", "--vacuum", "--rebuild-time-index"});
  EXPECT_EQ(r.code, 5) << r;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["plan_only"], true);
  EXPECT_EQ(j["changed"], false);
  EXPECT_TRUE(j["after"].is_null());
  for (const char* name : {"RebuildLexIndex", "RebuildTimeIndex", "Vacuum"}) {
    const json* act = action(j, name);
    ASSERT_NE(act, nullptr) << name << "\n" << j.dump(2);
    EXPECT_EQ((*act)["status"], "planned");
  }
  EXPECT_TRUE(slurp(path) == before);

  // A healthy file: --plan-only with requested rebuilds lists them and changes nothing.
  const std::string healthy = dir.file("h.mv2");
  mt::build_small(healthy, nullptr, "custom:test");
  const std::string hbefore = slurp(healthy);
  r = cli.run({"doctor", healthy, "--plan-only", "--vacuum", "--json"});
  EXPECT_EQ(r.code, 0) << r;
  const json h = json::parse(r.out);
  ASSERT_NE(action(h, "Vacuum"), nullptr) << h.dump(2);
  EXPECT_EQ((*action(h, "Vacuum"))["status"], "planned");
  EXPECT_TRUE(slurp(healthy) == hbefore);
  EXPECT_EQ(entries(dir), (std::set<std::string>{"m.mv2", "h.mv2"}));
}

TEST(MaintenanceCli, DoctorRepairsADamagedToc) {
  mt::TempDir dir;
  Cli cli;
  const std::string path = dir.file("m.mv2");
  const auto s = mt::build_small(path, nullptr, "custom:test");
  const memvid::FileAnatomy a = memvid::inspect_file(path);
  flip(path, a.toc_offset + 20);
  const std::string damaged = slurp(path);

  CliResult r = cli.run({"verify", path, "--deep"});
  EXPECT_EQ(r.code, 5) << r;

  r = cli.run({"doctor", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["changed"], true);
  EXPECT_EQ(j["before"]["ok"], false);
  EXPECT_EQ(j["after"]["ok"], true);
  EXPECT_TRUE(j["lost_frames"].empty()) << j.dump(2);
  const json* salvage = action(j, "Salvage");
  ASSERT_NE(salvage, nullptr) << j.dump(2);
  for (const json& act : j["actions"]) EXPECT_EQ(act["status"], "done") << act.dump();
  bool toc_finding = false;
  for (const json& f : j["findings"]) toc_finding |= f["check"] == "TocDecode";
  EXPECT_TRUE(toc_finding) << j.dump(2);

  r = cli.run({"verify", path, "--deep"});
  EXPECT_EQ(r.code, 0) << r;
  memvid::Memvid m = memvid::Memvid::open_read_only(path);
  EXPECT_EQ(m.frame_count(), s.frames);
  EXPECT_EQ(m.frame(9).payload, mt::text_for(9));
  m.close();
  // The salvage kept the damaged file, byte for byte, and said where.
  const std::set<std::string> names = entries(dir);
  ASSERT_EQ(names.size(), 2u);
  const std::string backup = *std::next(names.begin());
  EXPECT_EQ(backup.rfind("m.mv2.damaged-", 0), 0u) << backup;
  EXPECT_EQ(j["backup_path"], dir.file(backup)) << j.dump(2);
  EXPECT_EQ(j["output_path"], path) << j.dump(2);
  EXPECT_TRUE(slurp(dir.file(backup)) == damaged);

  // Doctor again: nothing left to do.
  r = cli.run({"doctor", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_TRUE(json::parse(r.out)["actions"].empty()) << r;
}

TEST(MaintenanceCli, DoctorVacuumAndRebuildText) {
  mt::TempDir dir;
  Cli cli;
  const std::string path = dir.file("m.mv2");
  mt::build_small(path, nullptr, "custom:test");
  const auto size_before = fs::file_size(path);
  CliResult r = cli.run({"doctor", path, "--vacuum", "--rebuild-vec-index"});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("Done  Vacuum"), std::string::npos) << r;
  EXPECT_NE(r.out.find("Done  RebuildVecIndex"), std::string::npos) << r;
  EXPECT_NE(r.out.find("OK: " + path + " verifies clean after the repairs"), std::string::npos) << r;
  EXPECT_LT(fs::file_size(path), size_before);
  memvid::Memvid m = memvid::Memvid::open_read_only(path);
  EXPECT_TRUE(m.frame_info(7).removed);
  EXPECT_EQ(m.frame(8).payload, mt::text_for(8));
  m.close();
  EXPECT_EQ(entries(dir), std::set<std::string>{"m.mv2"});
}

TEST(MaintenanceCli, CompactExportRestore) {
  mt::TempDir dir;
  Cli cli;
  const std::string path = dir.file("m.mv2");
  const auto s = mt::build_small(path, nullptr, "custom:test");

  // compact -o
  CliResult r = cli.run({"compact", path, "-o", dir.file("c.mv2")});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("compacted " + path + " into " + dir.file("c.mv2")), std::string::npos) << r;
  EXPECT_NE(r.out.find("4 deleted or superseded removed"), std::string::npos) << r;
  EXPECT_LT(fs::file_size(dir.file("c.mv2")), fs::file_size(path));
  r = cli.run({"compact", path, "-o", dir.file("c.mv2")});
  EXPECT_NE(r.code, 0) << r;  // exists
  EXPECT_NE(r.err.find("AlreadyExists"), std::string::npos) << r;

  // export, then compact in place (JSON), then restore the export over it.
  r = cli.run({"snapshot", path, dir.file("snap.mv2")});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("wrote a snapshot of " + std::to_string(s.frames) + " frames"), std::string::npos) << r;
  r = cli.run({"compact", path, "--json"});
  ASSERT_EQ(r.code, 0) << r;
  const json c = json::parse(r.out);
  EXPECT_EQ(c["frames"], s.frames);
  EXPECT_EQ(c["records_removed"], 4);
  EXPECT_LT(c["bytes_after"].get<std::uint64_t>(), c["bytes_before"].get<std::uint64_t>());
  {
    memvid::Memvid m = memvid::Memvid::open_read_only(path);
    EXPECT_TRUE(m.frame_info(7).removed);
  }
  // An existing memory is replaced only with --force.
  const std::string compacted = slurp(path);
  r = cli.run({"restore", dir.file("snap.mv2"), path});
  EXPECT_EQ(r.code, 1) << r;
  EXPECT_NE(r.err.find("error[AlreadyExists]"), std::string::npos) << r;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r;
  EXPECT_TRUE(slurp(path) == compacted);
  r = cli.run({"restore", dir.file("snap.mv2"), path, "--force"});
  ASSERT_EQ(r.code, 0) << r;
  EXPECT_NE(r.out.find("restored " + dir.file("snap.mv2") + " to " + path), std::string::npos) << r;
  EXPECT_NE(r.out.find("the snapshot holds every one of its frames"), std::string::npos) << r;
  {
    memvid::Memvid m = memvid::Memvid::open_read_only(path);
    EXPECT_EQ(m.frame_count(), s.frames);
    EXPECT_FALSE(m.frame_info(7).removed);
    EXPECT_EQ(m.frame(7).payload, mt::text_for(7));  // the snapshot kept the deleted frame
  }
  r = cli.run({"verify", path, "--deep"});
  EXPECT_EQ(r.code, 0) << r;

  // A damaged snapshot is refused and the destination stays as it was.
  std::string snap = slurp(dir.file("snap.mv2"));
  const auto at = snap.find("payload of frame 9 ");
  ASSERT_NE(at, std::string::npos);
  snap[at + 3] = static_cast<char>(snap[at + 3] ^ 0x5A);
  spit(dir.file("snap.mv2"), snap);
  const std::string before = slurp(path);
  r = cli.run({"restore", dir.file("snap.mv2"), path, "--force", "--json"});
  EXPECT_EQ(r.code, 5) << r;
  EXPECT_NE(r.err.find("Corrupt"), std::string::npos) << r;
  EXPECT_TRUE(slurp(path) == before);
  EXPECT_EQ(entries(dir), (std::set<std::string>{"m.mv2", "c.mv2", "snap.mv2"}));
}

}  // namespace
