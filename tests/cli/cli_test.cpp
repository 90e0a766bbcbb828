// Black-box tests of the `memvid` command-line tool: each test runs the built binary in a
// fresh temporary directory and checks its stdout, stderr, exit code and the files it leaves.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "memvid/memvid.hpp"
#include "memvid/timestamp.hpp"
#include "ingest/pdf_fixture.hpp"
#include "support/subprocess.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
  json out_json() const { return json::parse(out); }
};

std::ostream& operator<<(std::ostream& os, const CliRun& r) {
  return os << "exit " << r.code << "\n--- stdout:\n" << r.out << "\n--- stderr:\n" << r.err;
}

// Runs the CLI in `cwd` with `input` on its stdin. Polls all three pipes together so a
// child that writes a lot before reading its stdin (or the reverse) cannot deadlock us.
CliRun run_cli(const fs::path& cwd, const std::vector<std::string>& args, const std::string& input = {}) {
  // A child that exits before reading all of its stdin (a usage error) must not kill the
  // test with SIGPIPE: the write fails with EPIPE instead, and the child gets the default back.
  static const bool pipe_ignored = ::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)pipe_ignored;
  int in[2], out[2], err[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) std::abort();
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(MEMVID_CLI_PATH));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(MEMVID_CLI_PATH, argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);

  CliRun r;
  std::size_t written = 0;
  int stdin_fd = in[1];
  if (input.empty()) {
    ::close(stdin_fd);
    stdin_fd = -1;
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}, {stdin_fd, POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      std::abort();
    }
    if (stdin_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(stdin_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();  // the child closed its stdin
      if (written == input.size()) {
        ::close(stdin_fd);
        stdin_fd = -1;
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[k].fd, buf, sizeof buf);
      if (n > 0) (k == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || errno != EINTR) (k == 0 ? out_open : err_open) = false;
    }
  }
  if (stdin_fd >= 0) ::close(stdin_fd);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/memvid-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  CliRun memvid(const std::vector<std::string>& args, const std::string& input = {}) { return run_cli(dir_, args, input); }

  // Runs a command that must succeed and returns its --json output.
  json memvid_json(std::vector<std::string> args, const std::string& input = {}) {
    args.push_back("--json");
    CliRun r = memvid(args, input);
    EXPECT_EQ(r.code, 0) << r;
    return r.code == 0 ? r.out_json() : json();
  }

  void create(const std::string& file = "m.mv2") { ASSERT_EQ(memvid({"create", file}).code, 0); }

  std::uint64_t frame_count(const std::string& file = "m.mv2") {
    return memvid_json({"stats", file}).value("frames", std::uint64_t{999999});
  }

  fs::path path(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
};

// A JSONL batch whose every record has an explicit timestamp, so it is fully deterministic.
std::string jsonl_batch(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    json rec{{"text", "record number " + std::to_string(i) + " about topic " + std::to_string(i % 7)},
             {"title", "R" + std::to_string(i)},
             {"tags", {"batch", "t" + std::to_string(i % 3)}},
             {"metadata", {{"i", i}}},
             {"timestamp", 1700000000000 + i * 1000}};
    out += rec.dump() + "\n";
  }
  return out;
}

TEST_F(Cli, CreatePutTextAndTimeline) {
  json created = memvid_json({"create", "m.mv2"});
  EXPECT_EQ(created["path"], "m.mv2");
  EXPECT_EQ(created["created"], true);
  EXPECT_TRUE(fs::exists(path("m.mv2")));

  json put = memvid_json({"put", "m.mv2", "--text", "hello world", "--title", "Greeting", "--uri", "mv2://g",
                          "--timestamp", "2024-01-31T12:34:56Z"});
  EXPECT_EQ(put["frame_ids"], json::array({0}));
  EXPECT_EQ(put["frames"], 1);

  json tl = memvid_json({"timeline", "m.mv2"});
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["id"], 0);
  EXPECT_EQ(tl[0]["title"], "Greeting");
  EXPECT_EQ(tl[0]["uri"], "mv2://g");
  EXPECT_EQ(tl[0]["preview"], "hello world");
  EXPECT_EQ(tl[0]["kind"], "text");
  EXPECT_EQ(tl[0]["status"], "active");
  EXPECT_EQ(tl[0]["time"], "2024-01-31T12:34:56.000Z");

  CliRun text = memvid({"timeline", "m.mv2"});
  EXPECT_EQ(text.code, 0);
  EXPECT_EQ(text.out, "#0  2024-01-31T12:34:56.000Z  Greeting  \u2014 hello world\n");

  // Creating over an existing memory is refused and leaves it intact.
  CliRun again = memvid({"create", "m.mv2"});
  EXPECT_EQ(again.code, 1) << again;
  EXPECT_NE(again.err.find("error[AlreadyExists]"), std::string::npos) << again;
  EXPECT_EQ(frame_count(), 1u);
}

TEST_F(Cli, PutInputDirectory) {
  create();
  write_bytes(path("docs/a.txt"), "alpha text");
  write_bytes(path("docs/b.md"), "intro line\n```\n# not a heading\n```\n## Beta Heading ##\nbody\n");
  write_bytes(path("docs/sub/c.md"), "no heading here, #hashtag only\n");
  write_bytes(path("docs/d.jsonl"),
              "{\"text\":\"line one\",\"title\":\"L1\",\"uri\":\"mv2://custom\"}\n\n"
              "{\"text\":\"line two\",\"tags\":[\"x\"],\"timestamp\":\"2020-05-05\"}\n");
  write_bytes(path("docs/e.json"), R"([{"text":"elem zero","title":"E0"},{"text":"elem one","kind":"chunk"}])");
  write_bytes(path("docs/f.json"), R"({"text":"single record","title":"F"})");
  write_bytes(path("docs/g.json"), R"({"other":1})");
  write_bytes(path("docs/h.txt"), std::string("bad \xff\xfe utf8"));
  write_bytes(path("docs/z.bin"), std::string("\x00\x01\x02", 3));

  json put = memvid_json({"put", "m.mv2", "--input", "docs", "--tag", "imported", "--timestamp", "1700000000000"});
  ASSERT_EQ(put["frames"], 10) << put.dump(2);
  EXPECT_EQ(put["frame_ids"], json::array({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ASSERT_EQ(put["skipped"].size(), 1u);
  EXPECT_NE(put["skipped"][0]["path"].get<std::string>().find("z.bin"), std::string::npos);
  EXPECT_NE(put["skipped"][0]["reason"].get<std::string>().find(".bin"), std::string::npos);

  // Files go in byte order of their relative paths: a.txt b.md d.jsonl(2) e.json(2) f.json
  // g.json h.txt sub/c.md.
  struct Expect {
    const char* title;
    const char* uri;
    const char* kind;
  };
  const Expect expected[] = {
      {"a", "mv2://a.txt", "document"},      {"Beta Heading", "mv2://b.md", "document"},
      {"L1", "mv2://custom", "text"},        {"", "mv2://d.jsonl#2", "text"},
      {"E0", "mv2://e.json#1", "text"},      {"", "mv2://e.json#2", "chunk"},
      {"F", "mv2://f.json#1", "text"},       {"g", "mv2://g.json", "document"},
      {"h", "mv2://h.txt", "document"},      {"c", "mv2://sub/c.md", "document"},
  };
  for (int id = 0; id < 10; ++id) {
    json v = memvid_json({"view", "m.mv2", "--frame", std::to_string(id)});
    EXPECT_EQ(v["title"], expected[id].title) << "frame " << id;
    EXPECT_EQ(v["uri"], expected[id].uri) << "frame " << id;
    EXPECT_EQ(v["kind"], expected[id].kind) << "frame " << id;
    EXPECT_NE(std::find(v["tags"].begin(), v["tags"].end(), "imported"), v["tags"].end()) << "frame " << id;
    // The record's own timestamp wins over --timestamp.
    EXPECT_EQ(v["timestamp_ms"], id == 3 ? *memvid::parse_timestamp_ms("2020-05-05") : 1700000000000) << "frame " << id;
  }
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", "3"})["tags"], json::array({"x", "imported"}));
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", "7"})["text"], R"({"other":1})");

  // Invalid UTF-8 in a text file is replaced (each bad byte here by U+FFFD) and counted.
  json h = memvid_json({"view", "m.mv2", "--frame", "8"});
  EXPECT_EQ(h["text"], "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8");
  EXPECT_EQ(h["metadata"]["invalid_utf8_bytes"], 2);
  EXPECT_EQ(put["invalid_utf8_bytes"], 2);

  // Text output names the skipped file with its reason.
  write_bytes(path("more/x.md"), "# X\n");
  write_bytes(path("more/y.png"), "png");
  CliRun text = memvid({"put", "m.mv2", "--input", "more"});
  EXPECT_EQ(text.code, 0) << text;
  EXPECT_NE(text.out.find("added frame 10"), std::string::npos) << text;
  EXPECT_NE(text.out.find("skipped more/y.png: binary file type .png (image/png)"), std::string::npos) << text;
  EXPECT_NE(text.out.find("files: 2 seen, 2 read; documents: 1 found, 1 ingested, 0 duplicates, 1 skipped"),
            std::string::npos) << text;

  // A single file keeps its name as URI; a title may be given for it, but not for a directory.
  json one = memvid_json({"put", "m.mv2", "--input", "docs/a.txt", "--title", "Override"});
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", std::to_string(one["frame_ids"][0].get<int>())})["title"],
            "Override");
  EXPECT_EQ(memvid({"put", "m.mv2", "--input", "docs", "--title", "T"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--input", "nowhere"}).code, 3);
}

TEST_F(Cli, PutInputSkipsAMalformedFileWhole) {
  create();
  write_bytes(path("docs/a.txt"), "fine");
  write_bytes(path("docs/b.jsonl"), "{\"text\":\"ok\"}\n{\"text\": 5}\n");
  CliRun r = memvid({"put", "m.mv2", "--input", "docs"});
  EXPECT_EQ(r.code, 0) << r;
  // Never half a file: the good first record of b.jsonl is not stored either.
  EXPECT_NE(r.out.find("skipped docs/b.jsonl: docs/b.jsonl line 2: \"text\" must be a string"), std::string::npos) << r;
  EXPECT_EQ(frame_count(), 1u);
}

TEST_F(Cli, PutManyFromFileAndStdin) {
  create();
  write_bytes(path("batch.jsonl"), jsonl_batch(5));
  json from_file = memvid_json({"put-many", "m.mv2", "--jsonl", "batch.jsonl"});
  EXPECT_EQ(from_file["frames"], 5);
  EXPECT_EQ(from_file["first_id"], 0);
  EXPECT_EQ(from_file["last_id"], 4);
  EXPECT_TRUE(from_file["elapsed_ms"].is_number());

  json from_stdin = memvid_json({"put-many", "m.mv2"}, jsonl_batch(1000));
  EXPECT_EQ(from_stdin["frames"], 1000);
  EXPECT_EQ(from_stdin["first_id"], 5);
  EXPECT_EQ(from_stdin["last_id"], 1004);

  json stats = memvid_json({"stats", "m.mv2"});
  EXPECT_EQ(stats["frames"], 1005);
  EXPECT_EQ(stats["active_frames"], 1005);

  json v = memvid_json({"view", "m.mv2", "--frame", "6"});
  EXPECT_EQ(v["title"], "R1");
  EXPECT_EQ(v["tags"], json::array({"batch", "t1"}));
  EXPECT_EQ(v["metadata"], json({{"i", 1}}));
  EXPECT_EQ(v["timestamp_ms"], 1700000001000);

  json explicit_dash = memvid_json({"put-many", "m.mv2", "--jsonl", "-"}, "{\"text\":\"dash\"}\n");
  EXPECT_EQ(explicit_dash["frames"], 1);
}

TEST_F(Cli, VectorGraphMinRowsGivesSmallerPartsAGraph) {
  // The default scans a 300-row vector part; --vector-graph-min-rows 1 gives it an HNSW graph
  // (more bytes), and semantic search finds the same frames.
  std::vector<std::uint64_t> sizes;
  std::vector<json> hits;
  for (const std::string& file : {std::string("scan.mv2"), std::string("graph.mv2")}) {
    create(file);
    if (!memvid_json({"stats", file}).value("semantic_unavailable", std::string()).empty())
      GTEST_SKIP() << "no built-in model here";
    std::vector<std::string> put = {"put-many", file, "--sync", "off"};
    if (file == "graph.mv2") put.insert(put.end(), {"--vector-graph-min-rows", "1"});
    memvid_json(put, jsonl_batch(300));
    sizes.push_back(fs::file_size(path(file)));
    json found = memvid_json({"find", file, "-q", "record about topic 3", "--mode", "sem", "-k", "5"});
    json ids = json::array();
    for (const json& h : found["hits"]) ids.push_back(h["id"]);
    hits.push_back(ids);
  }
  EXPECT_GT(sizes[1], sizes[0]);
  EXPECT_EQ(hits[1].size(), 5u);
  EXPECT_EQ(hits[1], hits[0]);
  const CliRun bad = memvid({"put-many", "graph.mv2", "--vector-graph-min-rows", "-1"}, jsonl_batch(1));
  EXPECT_EQ(bad.code, 2) << bad;
}

TEST_F(Cli, MalformedJsonlCommitsNothing) {
  create();
  const std::string input = "{\"text\":\"good\"}\n{\"text\":\"also good\"}\n{\"text\": oops}\n{\"text\":\"never\"}\n";
  CliRun r = memvid({"put-many", "m.mv2"}, input);
  EXPECT_EQ(r.code, 2) << r;
  EXPECT_NE(r.err.find("error[InvalidArgument]"), std::string::npos) << r;
  EXPECT_NE(r.err.find("line 3"), std::string::npos) << r;
  EXPECT_EQ(frame_count(), 0u);

  // The same failure with --json is a JSON error object on stderr.
  CliRun j = memvid({"put-many", "m.mv2", "--json"}, "{\"title\":\"no text\"}\n");
  EXPECT_EQ(j.code, 2) << j;
  EXPECT_TRUE(j.out.empty());
  json err = json::parse(j.err);
  EXPECT_EQ(err["error"]["code"], "InvalidArgument");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("line 1"), std::string::npos);

  for (const char* bad : {"[1,2]\n", "{\"text\":\"x\",\"tags\":[1]}\n", "{\"text\":\"x\",\"timestamp\":\"2023-02-29\"}\n",
                          "{\"text\":\"x\",\"kind\":\"video\"}\n", "{\"text\":\"x\",\"metadata\":[1]}\n"}) {
    EXPECT_EQ(memvid({"put-many", "m.mv2"}, bad).code, 2) << bad;
  }
  EXPECT_EQ(frame_count(), 0u);
}

TEST_F(Cli, ViewShowsEveryField) {
  create();
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "the payload", "--title", "T", "--uri", "mv2://t", "--tag", "a", "--tag",
                    "b", "--label", "L", "--metadata", R"({"z":1,"a":{"n":[1,2]}})", "--kind", "document",
                    "--timestamp", "1700000000123"})
                .code,
            0);
  json v = memvid_json({"view", "m.mv2", "--frame", "0"});
  EXPECT_EQ(v["id"], 0);
  EXPECT_EQ(v["kind"], "document");
  EXPECT_EQ(v["status"], "active");
  EXPECT_EQ(v["timestamp_ms"], 1700000000123);
  EXPECT_EQ(v["time"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(v["title"], "T");
  EXPECT_EQ(v["uri"], "mv2://t");
  EXPECT_EQ(v["tags"], json::array({"a", "b"}));
  EXPECT_EQ(v["labels"], json::array({"L"}));
  EXPECT_EQ(v["metadata"], json::parse(R"({"z":1,"a":{"n":[1,2]}})"));
  EXPECT_TRUE(v["parent"].is_null());
  EXPECT_TRUE(v["supersedes"].is_null());
  EXPECT_TRUE(v["superseded_by"].is_null());
  EXPECT_EQ(v["content_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(v["payload_bytes"], 11);
  EXPECT_TRUE(v["stored_bytes"].is_number());
  EXPECT_TRUE(v["compressed"].is_boolean());
  EXPECT_EQ(v["text"], "the payload");

  CliRun raw = memvid({"view", "m.mv2", "--frame", "0", "--raw"});
  EXPECT_EQ(raw.code, 0);
  EXPECT_EQ(raw.out, "the payload");

  CliRun text = memvid({"view", "m.mv2", "--frame", "0"});
  EXPECT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("title          T\n"), std::string::npos) << text;
  EXPECT_NE(text.out.find("\nthe payload\n"), std::string::npos) << text;

  EXPECT_EQ(memvid({"view", "m.mv2", "--frame", "0", "--raw", "--json"}).code, 2);
  EXPECT_EQ(memvid({"view", "m.mv2", "--frame", "-1"}).code, 2);
}

TEST_F(Cli, ViewJsonUsesTextOnlyForWellFormedUtf8) {
  create();
  const std::string unicode = "h\u00e9llo \u2713 \U0001D11E";
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", unicode}).code, 0);
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", "0"})["text"], unicode);
  // An encoded UTF-16 surrogate and an overlong '/' are not UTF-8, whatever they look like.
  for (const std::string& bytes : {std::string("a\xed\xa0\x80" "b"), std::string("\xc0\xaf"), std::string("\xf4\x90\x80\x80")}) {
    json put = memvid_json({"put", "m.mv2", "--text", bytes});
    json v = memvid_json({"view", "m.mv2", "--frame", std::to_string(put["frame_ids"][0].get<int>())});
    EXPECT_TRUE(v["text"].is_null());
    EXPECT_TRUE(v["data"].is_string());  // base64
    EXPECT_EQ(memvid({"view", "m.mv2", "--frame", std::to_string(put["frame_ids"][0].get<int>()), "--raw"}).out, bytes);
  }
}

TEST_F(Cli, UpdateInheritsMetadataAndSupersedes) {
  create();
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "old text", "--title", "Doc", "--uri", "mv2://doc", "--tag", "keep",
                    "--label", "lab", "--metadata", R"({"v":1})", "--timestamp", "2024-01-01"})
                .code,
            0);
  json up = memvid_json({"update", "m.mv2", "--frame", "0", "--text", "new text", "--timestamp", "2024-02-01"});
  EXPECT_EQ(up["frame_id"], 1);
  EXPECT_EQ(up["superseded"], 0);

  json v = memvid_json({"view", "m.mv2", "--frame", "1"});
  EXPECT_EQ(v["text"], "new text");
  EXPECT_EQ(v["title"], "Doc");
  EXPECT_EQ(v["uri"], "mv2://doc");
  EXPECT_EQ(v["tags"], json::array({"keep"}));
  EXPECT_EQ(v["labels"], json::array({"lab"}));
  EXPECT_EQ(v["metadata"], json({{"v", 1}}));
  EXPECT_EQ(v["supersedes"], 0);
  EXPECT_EQ(v["time"], "2024-02-01T00:00:00.000Z");

  json old = memvid_json({"view", "m.mv2", "--frame", "0"});
  EXPECT_EQ(old["status"], "superseded");
  EXPECT_EQ(old["superseded_by"], 1);
  EXPECT_EQ(old["text"], "old text");

  // Without new text the payload is inherited; given flags replace what they name.
  json up2 = memvid_json({"update", "m.mv2", "--frame", "1", "--title", "Renamed", "--tag", "t2"});
  json v2 = memvid_json({"view", "m.mv2", "--frame", std::to_string(up2["frame_id"].get<int>())});
  EXPECT_EQ(v2["text"], "new text");
  EXPECT_EQ(v2["title"], "Renamed");
  EXPECT_EQ(v2["tags"], json::array({"t2"}));
  EXPECT_EQ(v2["labels"], json::array({"lab"}));

  json tl = memvid_json({"timeline", "m.mv2"});
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["id"], 2);
  EXPECT_EQ(memvid_json({"timeline", "m.mv2", "--all"}).size(), 3u);

  // A superseded frame cannot be updated again; a missing one is not found.
  EXPECT_EQ(memvid({"update", "m.mv2", "--frame", "0", "--text", "x"}).code, 2);
  EXPECT_EQ(memvid({"update", "m.mv2", "--frame", "42", "--text", "x"}).code, 3);
}

TEST_F(Cli, DeleteHidesFromTimelineButNotFromAll) {
  create();
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "one", "--timestamp", "1000"}).code, 0);
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "two", "--timestamp", "2000"}).code, 0);
  json del = memvid_json({"delete", "m.mv2", "--frame", "0"});
  EXPECT_EQ(del["deleted"], 0);

  json tl = memvid_json({"timeline", "m.mv2"});
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["id"], 1);

  json all = memvid_json({"timeline", "m.mv2", "--all"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["id"], 0);
  EXPECT_EQ(all[0]["status"], "deleted");
  CliRun text = memvid({"timeline", "m.mv2", "--all", "--reverse"});
  EXPECT_EQ(text.out,
            "#1  1970-01-01T00:00:02.000Z  \u2014 two\n"
            "#0  1970-01-01T00:00:01.000Z  (deleted)  \u2014 one\n");

  json stats = memvid_json({"stats", "m.mv2"});
  EXPECT_EQ(stats["frames"], 2);
  EXPECT_EQ(stats["active_frames"], 1);
  EXPECT_EQ(stats["deleted_frames"], 1);
  EXPECT_EQ(stats["superseded_frames"], 0);
  for (const char* key : {"payload_bytes", "stored_bytes", "file_bytes", "wal_bytes", "wal_used_bytes",
                          "wal_pending_transactions", "toc_segments", "generation"})
    EXPECT_TRUE(stats[key].is_number_unsigned()) << key;

  EXPECT_EQ(memvid({"delete", "m.mv2", "--frame", "0"}).code, 2);  // already deleted
  EXPECT_EQ(memvid({"delete", "m.mv2", "--frame", "9"}).code, 3);
}

TEST_F(Cli, TimestampsAsIsoOrMilliseconds) {
  create();
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "iso", "--timestamp", "2024-01-31T14:34:56.789+02:00"}).code, 0);
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "ms", "--timestamp", "1700000000000"}).code, 0);
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "date", "--timestamp", "2025-06-01"}).code, 0);
  json tl = memvid_json({"timeline", "m.mv2"});
  ASSERT_EQ(tl.size(), 3u);
  EXPECT_EQ(tl[0]["timestamp_ms"], 1700000000000);
  EXPECT_EQ(tl[1]["time"], "2024-01-31T12:34:56.789Z");
  EXPECT_EQ(tl[2]["time"], "2025-06-01T00:00:00.000Z");

  json window = memvid_json({"timeline", "m.mv2", "--since", "2024-01-01", "--until", "1748736000000"});
  ASSERT_EQ(window.size(), 2u);
  EXPECT_EQ(window[0]["preview"], "iso");
  EXPECT_EQ(window[1]["preview"], "date");
  json newest = memvid_json({"timeline", "m.mv2", "--reverse", "--limit", "1"});
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["preview"], "date");

  CliRun bad = memvid({"put", "m.mv2", "--text", "x", "--timestamp", "2024-13-01"});
  EXPECT_EQ(bad.code, 2) << bad;
  EXPECT_NE(bad.err.find("not a timestamp"), std::string::npos) << bad;
  EXPECT_EQ(memvid({"timeline", "m.mv2", "--since", "someday"}).code, 2);
  EXPECT_EQ(memvid({"timeline", "m.mv2", "--since", "yesterday"}).code, 0);  // a time phrase
}

TEST_F(Cli, NotFoundExitCodes) {
  CliRun missing = memvid({"stats", "missing.mv2"});
  EXPECT_EQ(missing.code, 3) << missing;
  EXPECT_NE(missing.err.find("memvid: error[NotFound]: "), std::string::npos) << missing;
  EXPECT_EQ(memvid({"put", "missing.mv2", "--text", "x"}).code, 3);
  EXPECT_EQ(memvid({"who", "missing.mv2"}).code, 3);

  CliRun json_err = memvid({"timeline", "missing.mv2", "--json"});
  EXPECT_EQ(json_err.code, 3);
  EXPECT_EQ(json::parse(json_err.err)["error"]["code"], "NotFound");

  create();
  CliRun frame = memvid({"view", "m.mv2", "--frame", "5"});
  EXPECT_EQ(frame.code, 3) << frame;
  EXPECT_NE(frame.err.find("error[NotFound]"), std::string::npos) << frame;
}

TEST_F(Cli, UsageErrors) {
  create();
  EXPECT_EQ(memvid({}).code, 2);
  EXPECT_EQ(memvid({"frobnicate"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "a", "--input", "b"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "a", "--bogus"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "a", "--kind", "video"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "a", "--sync", "sometimes"}).code, 2);
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "a", "--metadata", "[1]"}).code, 2);
  EXPECT_EQ(memvid({"view", "m.mv2"}).code, 2);
  EXPECT_EQ(frame_count(), 0u);

  CliRun help = memvid({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("Exit codes:"), std::string::npos);
  CliRun version = memvid({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_NE(version.out.find("memvid "), std::string::npos);
  EXPECT_EQ(memvid_json({"version"})["version"], version.out.substr(7, version.out.size() - 8));
}

TEST_F(Cli, LockedWhoAndNudge) {
  create();
  const std::string file = path("m.mv2").string();
  {
    // Locks belong to the open file description, so the CLI child is refused even though
    // this process, not another, holds the writer lock.
    // No poller: this test watches the nudge flag stay set until the writer's next call.
    memvid::OpenOptions no_poll;
    no_poll.nudge_poll_ms = 0;
    memvid::Memvid writer = memvid::Memvid::open(file, no_poll);
    CliRun put = memvid({"put", "m.mv2", "--text", "x", "--lock-timeout", "20"});
    EXPECT_EQ(put.code, 4) << put;
    EXPECT_NE(put.err.find("error[Locked]"), std::string::npos) << put;
    EXPECT_NE(put.err.find(std::to_string(::getpid())), std::string::npos) << put;

    CliRun put_json = memvid({"put-many", "m.mv2", "--lock-timeout", "0", "--json"}, "{\"text\":\"x\"}\n");
    EXPECT_EQ(put_json.code, 4) << put_json;
    EXPECT_EQ(json::parse(put_json.err)["error"]["code"], "Locked");

    json who = memvid_json({"who", "m.mv2"});
    EXPECT_EQ(who["present"], true);
    EXPECT_EQ(who["alive"], true);
    EXPECT_EQ(who["pid"], ::getpid());
    EXPECT_EQ(who["nudge_requested"], false);
    EXPECT_FALSE(who["host"].get<std::string>().empty());
    CliRun who_text = memvid({"who", "m.mv2"});
    EXPECT_NE(who_text.out.find("writer: pid " + std::to_string(::getpid())), std::string::npos) << who_text;

    json nudge = memvid_json({"nudge", "m.mv2"});
    EXPECT_EQ(nudge["writer_alive"], true);
    EXPECT_EQ(memvid_json({"who", "m.mv2"})["nudge_requested"], true);

    // Readers are not blocked by the writer.
    EXPECT_EQ(memvid({"timeline", "m.mv2"}).code, 0);
    writer.close();
  }
  json who = memvid_json({"who", "m.mv2"});
  EXPECT_EQ(who["alive"], false);
  CliRun who_text = memvid({"who", "m.mv2"});
  EXPECT_EQ(who_text.out, "no writer\n");
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "x"}).code, 0);
}

TEST_F(Cli, StaleOwnerRecordIsReported) {
  create();
  const std::string file = path("m.mv2").string();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A writer that dies without closing: its lock goes with it, its owner record stays.
    try {
      memvid::Memvid writer = memvid::Memvid::open(file);
      ::_exit(0);
    } catch (...) {
      ::_exit(1);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  json who = memvid_json({"who", "m.mv2"});
  EXPECT_EQ(who["present"], true);
  EXPECT_EQ(who["alive"], false);
  EXPECT_EQ(who["pid"], child);
  CliRun text = memvid({"who", "m.mv2"});
  EXPECT_NE(text.out.find("no writer (stale owner record: pid " + std::to_string(child)), std::string::npos) << text;
}

TEST_F(Cli, CorruptionExitCodes) {
  std::mt19937 rng(42);
  std::string noise(64 * 1024, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  write_bytes(path("noise.mv2"), noise);
  // Another kind of file is not a damaged memory: exit 8 (NotAMemory), not 5.
  for (const char* cmd : {"stats", "timeline", "verify-single-file"}) {
    CliRun r = memvid({cmd, "noise.mv2"});
    EXPECT_EQ(r.code, 8) << cmd << ": " << r;
    EXPECT_NE(r.err.find("error[NotAMemory]"), std::string::npos) << r;
  }
  EXPECT_EQ(memvid({"put", "noise.mv2", "--text", "x"}).code, 8);

  write_bytes(path("short.mv2"), "tiny");
  EXPECT_EQ(memvid({"stats", "short.mv2"}).code, 8);
  // A memory cut inside its header page is a damaged memory: 5.
  create();
  write_bytes(path("cut.mv2"), read_bytes(path("m.mv2")).substr(0, 2000));
  EXPECT_EQ(memvid({"stats", "cut.mv2"}).code, 5);
  std::filesystem::remove(path("m.mv2"));

  create();
  CliRun ok = memvid({"verify-single-file", "m.mv2"});
  EXPECT_EQ(ok.code, 0) << ok;
  EXPECT_EQ(ok.out.rfind("OK: ", 0), 0u) << ok;
  EXPECT_EQ(memvid_json({"verify-single-file", "m.mv2"})["ok"], true);

  // An empty stray sidecar holds nothing: reported, and stepped around.
  write_bytes(path("m.mv2-wal"), "");
  CliRun empty_side = memvid({"verify-single-file", "m.mv2"});
  EXPECT_EQ(empty_side.code, 0) << empty_side;
  EXPECT_NE(empty_side.err.find("memvid: warning: ignored the empty file"), std::string::npos) << empty_side;
  EXPECT_EQ(memvid({"find", "m.mv2", "--query", "x"}).code, 0);
  json with_warning = memvid_json({"stats", "m.mv2"});
  ASSERT_EQ(with_warning["warnings"].size(), 1u) << with_warning;
  EXPECT_EQ(with_warning["warnings"][0]["code"], "AuxiliaryFileDetected");
  EXPECT_EQ(with_warning["warnings"][0]["step"], "sidecar");
  write_bytes(path("m.mv2-wal"), "sidecar");
  CliRun side = memvid({"verify-single-file", "m.mv2"});
  EXPECT_EQ(side.code, 5) << side;
  EXPECT_NE(side.err.find("error[AuxiliaryFileDetected]"), std::string::npos) << side;
  EXPECT_NE(side.err.find("m.mv2-wal"), std::string::npos) << side;
  CliRun side_json = memvid({"verify-single-file", "m.mv2", "--json"});
  EXPECT_EQ(side_json.code, 5);
  EXPECT_EQ(json::parse(side_json.err)["error"]["code"], "AuxiliaryFileDetected");
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "x"}).code, 5);
}

// A writer pointed at a file that is not a memory (a typo in the path) changes none of its bytes.
TEST_F(Cli, RefusedWriterLeavesForeignFileUntouched) {
  std::mt19937 rng(7);
  std::string noise(64 * 1024, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  write_bytes(path("noise.mv2"), noise);
  EXPECT_EQ(memvid({"put", "noise.mv2", "--text", "x"}).code, 8);
  EXPECT_TRUE(read_bytes(path("noise.mv2")) == noise) << "a refused writer modified a file that is not a memory";
  EXPECT_EQ(memvid({"nudge", "noise.mv2"}).code, 8);
  EXPECT_TRUE(read_bytes(path("noise.mv2")) == noise) << "nudge modified a file that is not a memory";
  write_bytes(path("tiny.mv2"), "short");
  EXPECT_EQ(memvid({"nudge", "tiny.mv2"}).code, 8);
  EXPECT_TRUE(read_bytes(path("tiny.mv2")) == "short") << "nudge modified a file too short to be a memory";
}

TEST_F(Cli, SameBatchGivesIdenticalBytes) {
  const std::string batch = jsonl_batch(200);
  write_bytes(path("batch.jsonl"), batch);
  for (const char* file : {"a.mv2", "b.mv2"}) {
    create(file);
    ASSERT_EQ(memvid({"put-many", file, "--jsonl", "batch.jsonl"}).code, 0);
    ASSERT_EQ(memvid({"put", file, "--text", "tail", "--timestamp", "2024-01-01"}).code, 0);
  }
  const std::string a = read_bytes(path("a.mv2"));
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(a == read_bytes(path("b.mv2"))) << "two memories built from the same inputs differ";
  EXPECT_EQ(frame_count("a.mv2"), 201u);
}

}  // namespace

TEST_F(Cli, FindRanksFiltersPagesAndReportsBadQueries) {
  create();
  ASSERT_EQ(memvid({"put-many", "m.mv2"}, jsonl_batch(40)).code, 0);
  json r = memvid_json({"find", "m.mv2", "--query", "topic 3", "-k", "3", "--mode", "lex"});
  ASSERT_EQ(r["hits"].size(), 3u);
  EXPECT_EQ(r["mode"], "lex");
  const json& top = r["hits"][0];
  EXPECT_EQ(top["rank"], 1);
  // "3" matches exactly one record number ("record number 3 about topic 3") twice.
  EXPECT_EQ(top["id"], 3);
  EXPECT_EQ(top["title"], "R3");
  EXPECT_EQ(top["tags"], json::array({"batch", "t0"}));
  EXPECT_GT(top["score"].get<double>(), r["hits"][1]["score"].get<double>());
  EXPECT_FALSE(top["highlights"].empty());
  ASSERT_TRUE(r["next_cursor"].is_string());

  // The next page by cursor continues the ranking.
  json page2 =
      memvid_json({"find", "m.mv2", "--query", "topic 3", "-k", "3", "--mode", "lex", "--cursor", r["next_cursor"]});
  ASSERT_EQ(page2["hits"].size(), 3u);
  EXPECT_EQ(page2["hits"][0]["rank"], 4);

  json tagged = memvid_json({"find", "m.mv2", "--query", "tag:t1 AND topic", "-k", "100"});
  EXPECT_EQ(tagged["hits"].size(), 13u);  // i % 3 == 1 for i < 40
  json dated = memvid_json({"find", "m.mv2", "--query", "date:[1700000000000 TO 1700000004999]", "-k", "100"});
  EXPECT_EQ(dated["hits"].size(), 5u);

  CliRun none = memvid({"find", "m.mv2", "--query", "the"});
  EXPECT_EQ(none.code, 0) << none;
  EXPECT_EQ(none.out, "no hits\n");

  CliRun text = memvid({"find", "m.mv2", "--query", "\"record number 7\"", "-k", "1"});
  EXPECT_EQ(text.code, 0) << text;
  EXPECT_NE(text.out.find("1. #7"), std::string::npos) << text;
  EXPECT_NE(text.out.find("[[record]] [[number]] [[7]]"), std::string::npos) << text;

  // Text that is not valid syntax is read as words, with a note; --strict reports the error.
  CliRun lenient = memvid({"find", "m.mv2", "--query", "(topic AND"});
  EXPECT_EQ(lenient.code, 0) << lenient;
  EXPECT_NE(lenient.err.find("note: query read as plain text"), std::string::npos) << lenient;
  // Metadata filters: --where and meta.KEY:VALUE.
  json where = memvid_json({"find", "m.mv2", "--query", "topic", "-k", "100", "--where", R"({"nope":{"$exists":true}})"});
  EXPECT_EQ(where["hits"].size(), 0u);
  CliRun bad_where = memvid({"find", "m.mv2", "--query", "topic", "--where", "{oops"});
  EXPECT_EQ(bad_where.code, 2) << bad_where;
  EXPECT_NE(bad_where.err.find("where"), std::string::npos) << bad_where;
  CliRun bad = memvid({"find", "m.mv2", "--query", "(topic AND", "--strict"});
  EXPECT_EQ(bad.code, 2) << bad;
  EXPECT_NE(bad.err.find("error[InvalidQuery]"), std::string::npos) << bad;
  EXPECT_NE(bad.err.find("position"), std::string::npos) << bad;
  ASSERT_EQ(memvid({"create", "lexical.mv2", "--embedding", "none"}).code, 0);
  CliRun sem = memvid({"find", "lexical.mv2", "--query", "topic", "--mode", "sem"});
  EXPECT_EQ(sem.code, 2) << sem;
  CliRun missing = memvid({"find", "nope.mv2", "--query", "topic"});
  EXPECT_EQ(missing.code, 3) << missing;
}

TEST_F(Cli, VectorsFromTheCallerAndVecSearch) {
  ASSERT_EQ(memvid({"create", "v.mv2", "--embedding", "custom:mine"}).code, 0);
  ASSERT_EQ(memvid({"put", "v.mv2", "--text", "north", "--vector", "[1, 0, 0]"}).code, 0);
  ASSERT_EQ(memvid({"put", "v.mv2", "--text", "east", "--vector", "[0, 1, 0]"}).code, 0);
  ASSERT_EQ(memvid({"put-many", "v.mv2"}, "{\"text\": \"north-east\", \"embedding\": [1, 1, 0]}\n").code, 0);
  json r = memvid_json({"vec-search", "v.mv2", "--vector", "[0.9, 0.1, 0]", "-k", "2"});
  EXPECT_EQ(r["mode"], "sem");
  ASSERT_EQ(r["hits"].size(), 2u);
  EXPECT_EQ(r["hits"][0]["id"], 0);
  EXPECT_EQ(r["hits"][1]["id"], 2);
  EXPECT_EQ(r["hits"][0]["retrievers"], "sem");
  EXPECT_NEAR(r["hits"][0]["score"].get<double>(), 0.9 / std::sqrt(0.82), 1e-6);
  json stats = memvid_json({"stats", "v.mv2"});
  EXPECT_EQ(stats["vectors"], 3);
  EXPECT_EQ(stats["embedding_dimension"], 3);
  EXPECT_EQ(stats["embedding_model"], "custom:mine");

  CliRun wrong_dim = memvid({"put", "v.mv2", "--text", "up", "--vector", "[0, 0, 1, 0]"});
  EXPECT_EQ(wrong_dim.code, 2) << wrong_dim;
  EXPECT_NE(wrong_dim.err.find("ModelMismatch"), std::string::npos) << wrong_dim;
  CliRun wrong_model = memvid({"vec-search", "v.mv2", "--vector", "[1, 0, 0]", "--vector-model", "openai:x"});
  EXPECT_EQ(wrong_model.code, 2) << wrong_model;
  CliRun not_json = memvid({"put", "v.mv2", "--text", "x", "--vector", "[1, oops]"});
  EXPECT_EQ(not_json.code, 2) << not_json;
  // Text queries need an embedder a custom model does not have: sem fails, auto falls back.
  CliRun sem = memvid({"find", "v.mv2", "--query", "north", "--mode", "sem"});
  EXPECT_EQ(sem.code, 7) << sem;
  EXPECT_NE(sem.err.find("ModelUnavailable"), std::string::npos) << sem;
  json fallback = memvid_json({"find", "v.mv2", "--query", "north"});
  EXPECT_EQ(fallback["mode"], "lex");
  EXPECT_TRUE(fallback.contains("note"));
  CliRun both = memvid({"vec-search", "v.mv2", "--query", "x", "--vector", "[1, 0, 0]"});
  EXPECT_EQ(both.code, 2) << both;
  EXPECT_EQ(frame_count("v.mv2"), 3u);
}

namespace ingest_cli {

// A tree large enough that ingesting it takes a while: for the tests that interrupt it.
void write_tree(const fs::path& root, int files) {
  for (int i = 0; i < files; ++i) {
    std::string text = "# Note " + std::to_string(i) + "\n\n";
    for (int s = 0; s < 40; ++s)
      text += "Sentence " + std::to_string(s) + " of note " + std::to_string(i) + " mentions topic " +
              std::to_string((i * 7 + s) % 101) + " and nothing else of interest. ";
    write_bytes(root / ("d" + std::to_string(i % 10)) / ("n" + std::to_string(i) + ".md"), text);
  }
}

}  // namespace ingest_cli

TEST_F(Cli, PutInputDryRunGlobsDedupeAndSummary) {
  create();
  write_bytes(path("docs/a.md"), "# Alpha\nalpha text\n");
  write_bytes(path("docs/b.txt"), "beta text\n");
  write_bytes(path("docs/skip/c.md"), "# Gamma\n");
  write_bytes(path("docs/.cache/d.txt"), "hidden\n");
  CliRun dry = memvid({"put", "m.mv2", "--input", "docs", "--dry-run", "--exclude", "skip/**"});
  EXPECT_EQ(dry.code, 0) << dry;
  EXPECT_NE(dry.out.find("dry run: would add 2 documents from docs (nothing written)"), std::string::npos) << dry;
  EXPECT_NE(dry.out.find("docs/a.md  [text/markdown, 19 B text]  Alpha"), std::string::npos) << dry;
  EXPECT_EQ(frame_count(), 0u);

  json put = memvid_json({"put", "m.mv2", "--input", "docs", "--include", "*.md", "--chunk-size", "1000"});
  EXPECT_EQ(put["ingested"], 2);
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", "0"})["chunk_size"], 1000);
  // An update keeps the frame's own chunking.
  memvid_json({"update", "m.mv2", "--frame", "0", "--text", "new alpha text"});
  EXPECT_EQ(memvid_json({"view", "m.mv2", "--frame", "2"})["chunk_size"], 1000);
  EXPECT_EQ(put["filtered"], 2);  // b.txt by the include, .cache as hidden
  json again = memvid_json({"put", "m.mv2", "--input", "docs", "--dedupe"});
  EXPECT_EQ(again["ingested"], 2);  // b.txt, and a.md whose stored text the update replaced
  EXPECT_EQ(again["duplicates"], 1);
  EXPECT_EQ(frame_count(), 5u);
  // Ingest flags need --input.
  EXPECT_EQ(memvid({"put", "m.mv2", "--text", "x", "--dedupe"}).code, 2);
}

TEST_F(Cli, InterruptedIngestLeavesTheMemoryAsItWas) {
  create();
  ASSERT_EQ(memvid({"put", "m.mv2", "--text", "before the ingest"}).code, 0);
  ingest_cli::write_tree(path("tree"), 1500);
  const std::string mem = path("m.mv2").string();
  const std::string tree = path("tree").string();
  std::mt19937 rng(11);
  int interrupted = 0, completed = 0;
  for (int round = 0; round < 6; ++round) {
    const std::uint64_t before = frame_count();
    const int sig = round % 2 == 0 ? SIGKILL : SIGINT;
    memvid::testing::Child child = memvid::testing::spawn({MEMVID_CLI_PATH, "put", mem, "--input", tree});
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 400));
    ::kill(child.pid, sig);
    const std::string out = memvid::testing::read_all(child.stdout_fd);
    const int status = memvid::testing::wait_for(child.pid);
    const std::uint64_t after = frame_count();
    // All of the run or none of it; never part of a document or part of the tree.
    EXPECT_TRUE(after == before || after == before + 1500) << "round " << round << ": " << before << " -> " << after;
    if (after == before) ++interrupted;
    else ++completed;
    if (sig == SIGINT && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      EXPECT_EQ(WEXITSTATUS(status), 130) << out;
    }
    CliRun check = memvid({"verify-single-file", "m.mv2"});
    EXPECT_EQ(check.code, 0) << check;
    json hit = memvid_json({"find", "m.mv2", "-q", "before ingest", "--mode", "lex"});
    ASSERT_FALSE(hit["hits"].empty());
    EXPECT_EQ(hit["hits"][0]["id"], 0);
  }
  EXPECT_GT(interrupted, 0) << "no run was interrupted: the tree is too small for this machine";
  // Whatever survived reads back whole.
  json view = memvid_json({"view", "m.mv2", "--frame", "0"});
  EXPECT_EQ(view["text"], "before the ingest");
}

TEST_F(Cli, AskAnswersWithSourcesAsTextAndJson) {
  create();
  write_bytes(path("docs/everest.md"),
              "# Everest\n\nMount Everest is the highest mountain on Earth. Its summit is 8,849 metres above sea level.\n");
  write_bytes(path("docs/bees.txt"), "Honey bees live in colonies with one queen.\n");
  ASSERT_EQ(memvid({"put", "m.mv2", "--input", "docs"}).code, 0);
  CliRun text = memvid({"ask", "m.mv2", "--question", "How high is the summit of Everest?", "--mode", "lex"});
  EXPECT_EQ(text.code, 0) << text;
  EXPECT_NE(text.out.find("Its summit is 8,849 metres above sea level. [1]"), std::string::npos) << text;
  EXPECT_NE(text.out.find("No language model was used"), std::string::npos) << text;
  EXPECT_NE(text.out.find("[1] #1  Everest  <mv2://everest.md>"), std::string::npos) << text;

  json r = memvid_json({"ask", "m.mv2", "-q", "How high is the summit of Everest?", "--mode", "lex"});
  EXPECT_EQ(r["found"], true);
  EXPECT_EQ(r["used_model"], false);
  ASSERT_EQ(r["citations"], json::array({1}));
  EXPECT_EQ(r["sources"][0]["id"], 1);
  EXPECT_EQ(r["sources"][0]["uri"], "mv2://everest.md");
  EXPECT_TRUE(r["sources"][0].contains("snippet"));

  json ctx = memvid_json({"ask", "m.mv2", "-q", "bees queen", "--context-only", "--mode", "lex"});
  EXPECT_EQ(ctx["answer"], "");  // context only: no answer
  EXPECT_NE(ctx["context"].get<std::string>().find("[1] bees"), std::string::npos) << ctx.dump(2);

  json none = memvid_json({"ask", "m.mv2", "-q", "quantum chromodynamics", "--mode", "lex"});
  EXPECT_EQ(none["found"], false);
  EXPECT_TRUE(none["sources"].empty());
  // A model that cannot be reached: a typed error, exit 7.
  CliRun down = memvid({"ask", "m.mv2", "-q", "Everest", "--mode", "lex", "--model", "local:m", "--base-url",
                        "http://127.0.0.1:1/v1", "--timeout-ms", "500"});
  EXPECT_EQ(down.code, 7) << down;
  EXPECT_NE(down.err.find("ProviderFailed"), std::string::npos) << down;
}

TEST_F(Cli, SameTreeGivesIdenticalBytes) {
  write_bytes(path("docs/a.md"), "# A\n\nalpha text about pumps\n");
  write_bytes(path("docs/b.html"), "<title>B</title><p>beta text</p>");
  write_bytes(path("docs/sub/c.jsonl"), "{\"text\":\"gamma\"}\n{\"text\":\"delta\",\"title\":\"D\"}\n");
  write_bytes(path("docs/sub/d.pdf"), memvid::testing::make_pdf({{"page one"}, {"page two"}}, "Dee"));
  write_bytes(path("docs/e.bin"), std::string("\x00\x01", 2));
  for (const char* file : {"a.mv2", "b.mv2"}) {
    create(file);
    ASSERT_EQ(memvid({"put", file, "--input", "docs", "--tag", "t"}).code, 0);
  }
  const std::string a = read_bytes(path("a.mv2"));
  EXPECT_TRUE(a == read_bytes(path("b.mv2"))) << "two memories ingested from the same tree differ";
  EXPECT_EQ(frame_count("a.mv2"), 5u);
}
