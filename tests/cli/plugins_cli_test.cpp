// The plugins the library loads on first use (io/plugins.hpp): a command that needs one and
// cannot load it says which and why, and commands that need none never load it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "support/cli_process.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace mt = memvid::testing;

TEST(PluginsCli, AMissingHttpPluginIsAClearError) {
  mt::TempDir dir;
  ASSERT_EQ(mt::run_memvid(dir.path(), {"create", "m.mv2", "--embedding", "openai:text-embedding-3-small"}).code, 0);
  const mt::CliOutcome r =
      mt::run_memvid(dir.path(), {"put", "m.mv2", "--text", "hello", "--embedding-url", "http://127.0.0.1:9", "--json"},
                     {{"MEMVID_HTTP_PLUGIN", "/nonexistent/libmemvid_http.so"}, {"OPENAI_API_KEY", "k"}});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.error_code(), "ProviderFailed") << r.err;
  EXPECT_NE(r.err.find("HTTP support (model endpoints) could not be loaded from $MEMVID_HTTP_PLUGIN"), std::string::npos)
      << r.err;
  // Lexical work needs no plugin: the same memory lists and finds.
  EXPECT_EQ(mt::run_memvid(dir.path(), {"stats", "m.mv2"}, {{"MEMVID_HTTP_PLUGIN", "/nonexistent/x.so"}}).code, 0);
}

TEST(PluginsCli, TheCliLoadsNoTransportAtStart) {
  // The dynamic loader's list of what a CLI process loads names no OpenSSL or cpp-httplib:
  // the CLI is linked without them, and only a request to an endpoint loads them.
  mt::TempDir dir;
  ASSERT_EQ(mt::run_memvid(dir.path(), {"create", "m.mv2", "--embedding", "none"}).code, 0);
  const mt::CliOutcome r = mt::run_memvid(dir.path(), {"version"}, {{"LD_DEBUG", "libs"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find("libssl"), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("libcpp-httplib"), std::string::npos);
  EXPECT_NE(r.err.find("libstdc++"), std::string::npos) << "LD_DEBUG=libs printed nothing the test can read";
}

// Building a vector graph needs the vector-index plugin. Without it the write is committed
// (in the write-ahead log, found by every search) and the checkpoint that would build the
// graph is reported as a warning naming the plugin; the next writer that has it checkpoints.
TEST(PluginsCli, AMissingVectorIndexPluginDelaysOnlyTheCheckpoint) {
  mt::TempDir dir;
  ASSERT_EQ(mt::run_memvid(dir.path(), {"create", "m.mv2"}).code, 0);
  const std::map<std::string, std::string> missing = {{"MEMVID_FAISS_PLUGIN", "/nonexistent/libmemvid_faiss.so"}};
  const mt::CliOutcome put = mt::run_memvid(
      dir.path(), {"put", "m.mv2", "--text", "a lighthouse keeper logs the storm", "--vector-graph-min-rows", "1", "--json"},
      missing);
  ASSERT_EQ(put.code, 0) << put.err;
  EXPECT_NE(put.out.find("\"step\": \"checkpoint\""), std::string::npos) << put.out;
  EXPECT_NE(put.out.find("Vector index support (faiss) could not be loaded from $MEMVID_FAISS_PLUGIN"), std::string::npos)
      << put.out;
  const mt::CliOutcome found = mt::run_memvid(dir.path(), {"find", "m.mv2", "-q", "storm keeper", "--mode", "sem", "--json"});
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_NE(found.out.find("\"id\": 0"), std::string::npos) << found.out;
  // A writer that finds the plugin folds the write in, graph and all.
  ASSERT_EQ(mt::run_memvid(dir.path(), {"put", "m.mv2", "--text", "second", "--vector-graph-min-rows", "1"}).code, 0);
  const mt::CliOutcome stats = mt::run_memvid(dir.path(), {"stats", "m.mv2", "--json"});
  EXPECT_NE(stats.out.find("\"wal_used_bytes\": 0"), std::string::npos) << stats.out;
  const mt::CliOutcome verify = mt::run_memvid(dir.path(), {"verify", "m.mv2", "--deep"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

TEST(PluginsCli, SearchingAStoredGraphLoadsNoVectorIndexLibraries) {
  // faiss, OpenMP and OpenBLAS come with the vector-index plugin, which builds graphs; a
  // search walks a stored graph with the library's own code and never loads them.
  mt::TempDir dir;
  // The same text with and without a graph: the graph makes the vector part larger.
  auto vec_part_length = [&](const std::string& file, const std::string& graph_min_rows) {
    EXPECT_EQ(mt::run_memvid(dir.path(), {"create", file}).code, 0);
    EXPECT_EQ(mt::run_memvid(dir.path(), {"put", file, "--text", "a lighthouse keeper logs the storm",
                                          "--vector-graph-min-rows", graph_min_rows}).code, 0);
    const std::string catalog = mt::run_memvid(dir.path(), {"dump-catalog", file}).out;
    const std::size_t at = catalog.find("length ", catalog.find("vec "));
    return at == std::string::npos ? 0ul : std::stoul(catalog.substr(at + 7));
  };
  ASSERT_GT(vec_part_length("m.mv2", "1"), vec_part_length("plain.mv2", "100000"));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"version"}, {"find", "m.mv2", "-q", "storm keeper", "--mode", "sem"}, {"find", "m.mv2", "-q", "storm"}}) {
    const mt::CliOutcome r = mt::run_memvid(dir.path(), args, {{"LD_DEBUG", "libs"}});
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* lib : {"libmemvid_faiss", "libgomp", "libopenblas", "libgfortran"})
      EXPECT_EQ(r.err.find(lib), std::string::npos) << args[0] << " loaded " << lib;
    EXPECT_NE(r.err.find("libstdc++"), std::string::npos) << "LD_DEBUG=libs printed nothing the test can read";
  }
}

// An IVF-PQ memory opens, verifies and searches lexically without the vector-index plugin;
// auto search says why it ranked lexically, and semantic search says what is missing.
TEST(PluginsCli, ProductQuantizedMemoryWithoutThePluginDegradesToLexical) {
  mt::TempDir dir;
  {
    std::ofstream jsonl(dir.path() / "docs.jsonl");
    for (int i = 0; i < 1100; ++i)  // IVF-PQ from 1,024 rows
      jsonl << "{\"text\": \"note " << i << ": tides, harbours and the lighthouse keeper's log, entry " << i * 7919 % 1000
            << "\"}\n";
  }
  ASSERT_EQ(mt::run_memvid(dir.path(), {"create", "pq.mv2", "--vector-compression"}).code, 0);
  ASSERT_EQ(mt::run_memvid(dir.path(), {"put-many", "pq.mv2", "--jsonl", "docs.jsonl"}).code, 0);
  const std::map<std::string, std::string> missing = {{"MEMVID_FAISS_PLUGIN", "/nonexistent/libmemvid_faiss.so"}};
  const mt::CliOutcome verify = mt::run_memvid(dir.path(), {"verify", "pq.mv2", "--deep"}, missing);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("1 IVF-PQ"), std::string::npos) << verify.out;
  const mt::CliOutcome in_auto = mt::run_memvid(dir.path(), {"find", "pq.mv2", "-q", "lighthouse", "--json"}, missing);
  ASSERT_EQ(in_auto.code, 0) << in_auto.err;
  EXPECT_NE(in_auto.out.find("Vector index support (faiss) could not be loaded"), std::string::npos) << in_auto.out;
  EXPECT_NE(in_auto.out.find("lexical search was used"), std::string::npos) << in_auto.out;
  EXPECT_NE(in_auto.out.find("\"id\""), std::string::npos) << in_auto.out;
  const mt::CliOutcome in_sem =
      mt::run_memvid(dir.path(), {"find", "pq.mv2", "-q", "lighthouse", "--mode", "sem", "--json"}, missing);
  EXPECT_EQ(in_sem.error_code(), "ModelUnavailable") << in_sem.err;
  // With the plugin, the same memory searches semantically.
  const mt::CliOutcome with = mt::run_memvid(dir.path(), {"find", "pq.mv2", "-q", "lighthouse", "--mode", "sem"});
  EXPECT_EQ(with.code, 0) << with.err;
}

}  // namespace
