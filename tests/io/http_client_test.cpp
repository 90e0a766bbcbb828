// The transport of the model endpoint clients: the base URL grammar, Retry-After, API keys
// from the environment, and JsonHttpClient's own behaviour (its retries and timeouts are
// exercised through the embedding and chat clients' tests).
#include "io/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "memvid/error.hpp"
#include "support/fake_http.hpp"

using namespace memvid;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using memvid::testing::error_of;

namespace {

TEST(HttpClientUrl, ParsesSchemeHostPortPrefixAndQuery) {
  auto u = io::parse_endpoint_url("http://127.0.0.1:8080/v1", "/embeddings");
  EXPECT_FALSE(u.https);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "http://127.0.0.1:8080/v1/embeddings");

  u = io::parse_endpoint_url("https://api.openai.com/v1/", "/embeddings");
  EXPECT_TRUE(u.https);
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "https://api.openai.com/v1/embeddings");

  u = io::parse_endpoint_url("  HTTP://localhost  ", "/embeddings");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/embeddings");

  u = io::parse_endpoint_url("http://[::1]:11434/v1//", "/embeddings");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 11434);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "http://[::1]:11434/v1/embeddings");

  u = io::parse_endpoint_url("https://gw.example.com/openai/v1?api-version=2024-02-01#frag", "/embeddings");
  EXPECT_EQ(u.target, "/openai/v1/embeddings?api-version=2024-02-01");
  EXPECT_EQ(u.display, "https://gw.example.com/openai/v1/embeddings");
}

TEST(HttpClientUrl, RejectsUnusableUrls) {
  for (const char* bad : {"", "localhost:8080/v1", "ftp://host/v1", "http://", "http://:8080/v1", "http://host:0",
                          "http://host:65536", "http://host:80x", "http://host:", "http://ho st/v1", "http://host/v 1",
                          "http://[::1/v1", "http://[::1]x/v1", "http://ho$t/v1"}) {
    SCOPED_TRACE(bad);
    error_of([&] { io::parse_endpoint_url(bad, "/embeddings"); }, ErrorCode::InvalidArgument);
  }
  const std::string message =
      error_of([] { io::parse_endpoint_url("https://user:s3cret@host/v1", "/embeddings"); }, ErrorCode::InvalidArgument);
  EXPECT_NE(message.find("credentials"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
}

TEST(HttpClientRetryAfter, ReadsMillisecondsSecondsAndDates) {
  const auto now = std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + 12h;
  EXPECT_EQ(io::requested_retry_delay("", "2", now), 2000ms);
  EXPECT_EQ(io::requested_retry_delay("250", "2", now), 250ms);
  EXPECT_EQ(io::requested_retry_delay("1.2", "", now), 2ms);
  EXPECT_EQ(io::requested_retry_delay("soon", "3", now), 3000ms);
  EXPECT_EQ(io::requested_retry_delay("", "Fri, 01 Mar 2024 12:00:05 GMT", now), 5000ms);
  EXPECT_EQ(io::requested_retry_delay("", "Fri, 01 Mar 2024 11:00:00 GMT", now), 0ms);
  EXPECT_EQ(io::requested_retry_delay("", "99999999999999", now), 24h);
  EXPECT_EQ(io::requested_retry_delay("", "", now), std::nullopt);
  EXPECT_EQ(io::requested_retry_delay("", "later", now), std::nullopt);
  EXPECT_EQ(io::requested_retry_delay("-5", "", now), std::nullopt);
  EXPECT_EQ(io::requested_retry_delay("", "Fri, 32 Mar 2024 12:00:05 GMT", now), std::nullopt);
  EXPECT_EQ(io::requested_retry_delay("", "Fri, 01 Mar 2024 12:00:05 PST", now), std::nullopt);
}

TEST(HttpClientUrl, AppendsTheGivenPath) {
  auto u = io::parse_endpoint_url("http://127.0.0.1:8080/v1/", "/chat/completions");
  EXPECT_EQ(u.target, "/v1/chat/completions");
  EXPECT_EQ(u.display, "http://127.0.0.1:8080/v1/chat/completions");
  u = io::parse_endpoint_url("https://gw.example.com/openai?key=secret", "/chat/completions");
  EXPECT_EQ(u.target, "/openai/chat/completions?key=secret");
  EXPECT_EQ(u.display, "https://gw.example.com/openai/chat/completions");
}

TEST(HttpClientApiKey, ReadsTrimsAndRefusesControlCharacters) {
  const memvid::testing::ScopedEnvVar key("MEMVID_HTTP_CLIENT_KEY", "  sk-abc\n");
  EXPECT_EQ(io::api_key_from_env("MEMVID_HTTP_CLIENT_KEY"), "sk-abc");
  EXPECT_EQ(io::api_key_from_env(""), "");
  const memvid::testing::ScopedEnvVar unset("MEMVID_HTTP_CLIENT_UNSET", nullptr);
  EXPECT_EQ(io::api_key_from_env("MEMVID_HTTP_CLIENT_UNSET"), "");
  const memvid::testing::ScopedEnvVar bad("MEMVID_HTTP_CLIENT_BAD", "sk-a\x01b");
  const std::string message =
      error_of([] { io::api_key_from_env("MEMVID_HTTP_CLIENT_BAD"); }, ErrorCode::InvalidArgument);
  EXPECT_NE(message.find("$MEMVID_HTTP_CLIENT_BAD"), std::string::npos) << message;
}

io::JsonHttpOptions quick(std::size_t max_response_bytes = 0) {
  return {.label = "test endpoint", .api_key = "sk-k3y", .timeout_ms = 2000, .retries = 1, .retry_backoff_ms = 1,
          .max_response_bytes = max_response_bytes};
}

TEST(HttpClient, RejectsUnusableOptions) {
  const auto url = io::parse_endpoint_url("http://127.0.0.1:9/v1", "/x");
  auto o = quick();
  o.timeout_ms = 0;
  error_of([&] { io::JsonHttpClient client(url, o); }, ErrorCode::InvalidArgument);
  o = quick();
  o.retries = -1;
  error_of([&] { io::JsonHttpClient client(url, o); }, ErrorCode::InvalidArgument);
  o = quick();
  o.retry_backoff_ms = -1;
  error_of([&] { io::JsonHttpClient client(url, o); }, ErrorCode::InvalidArgument);
}

TEST(HttpClient, PostsJsonAndReturnsTheAnswer) {
  memvid::testing::FakeHttpServer server;
  server.on_post([](const Json& request, httplib::Response& res, int) {
    res.set_content(Json{{"echo", request}}.dump(), "application/json");
  });
  io::JsonHttpClient client(io::parse_endpoint_url(server.url("/base"), "/thing"), quick());
  EXPECT_EQ(Json::parse(client.post_json(R"({"a":1})")), Json::parse(R"({"echo":{"a":1}})"));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/base/thing");
  EXPECT_EQ(memvid::testing::header(seen[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(memvid::testing::header(seen[0].headers, "Authorization"), "Bearer sk-k3y");
  EXPECT_EQ(client.url().display, server.url("/base") + "/thing");
}

TEST(HttpClient, PrefixesFailuresAndMasksTheKey) {
  memvid::testing::FakeHttpServer server;
  io::JsonHttpClient client(io::parse_endpoint_url(server.url(), "/thing"), quick());
  const std::string message = error_of([&] { client.fail("bad: " + client.quote("key sk-k3y\nleaked")); },
                                       ErrorCode::ProviderFailed);
  EXPECT_EQ(message, "test endpoint " + server.url() + "/thing: bad: key *** leaked");
}

TEST(HttpClient, RefusesAnAnswerOverTheSizeLimit) {
  memvid::testing::FakeHttpServer server;
  server.on_post([](const Json&, httplib::Response& res, int call) {
    res.set_content(call == 1 ? std::string(4096, 'x') : std::string(1024, 'y'), "text/plain");
  });
  io::JsonHttpClient client(io::parse_endpoint_url(server.url(), "/thing"), quick(1024));
  const std::string message = error_of([&] { client.post_json("{}"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("larger than 1024 bytes"), std::string::npos) << message;
  // Not retried: the same server sends the same answer.
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(client.post_json("{}"), std::string(1024, 'y'));
}

}  // namespace
