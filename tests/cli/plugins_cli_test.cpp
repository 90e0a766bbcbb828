// The plugins the library loads on first use (io/plugins.hpp): a command that needs one and
// cannot load it says which and why, and commands that need none never load it.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
