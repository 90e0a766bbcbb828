// The OpenAI-compatible embedding provider against fake endpoints on 127.0.0.1 started
// here: request shape, batching, answer checks, retries, timeouts and concurrent use.
#include <gtest/gtest.h>

// libcpp-httplib is a compiled library built with OpenSSL; its classes have the layout this
// header gives them only with the same definition the memvid library is compiled with.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "embed/http_provider.hpp"
#include "memvid/embedding.hpp"
#include "memvid/error.hpp"

using namespace memvid;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// The vector the fake endpoint gives a text; tests recompute it to check which vector went
// where.
std::vector<float> fake_vector(const std::string& text, std::size_t dim) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  std::vector<float> v(dim);
  v[0] = static_cast<float>(text.size());
  if (dim > 1) v[1] = static_cast<float>(h % 10007);
  for (std::size_t i = 2; i < dim; ++i) v[i] = static_cast<float>(i) / 8;
  return v;
}

// What an OpenAI-compatible server answers: one vector per input, of the dimension asked
// for (4 by default), optionally listed in reverse order.
std::string openai_answer(const Json& request, bool reversed = false, std::size_t forced_dim = 0) {
  const Json& input = request.at("input");
  const std::size_t dim = forced_dim ? forced_dim : request.value("dimensions", std::size_t{4});
  Json data = Json::array();
  for (std::size_t i = 0; i < input.size(); ++i)
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", fake_vector(input[i].get<std::string>(), dim)}});
  if (reversed) std::reverse(data.begin(), data.end());
  return Json{{"object", "list"}, {"data", data}, {"model", request.at("model")}, {"usage", {{"prompt_tokens", 1}}}}
      .dump();
}

struct SeenRequest {
  std::string method;
  std::string path;
  std::string target;
  httplib::Headers headers;
  Json body;
};

void block_sigpipe_on_this_thread() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

class FakeEndpoint {
 public:
  // call counts requests from 1, over the endpoint's life.
  using Reply = std::function<void(const Json& request, httplib::Response& res, int call)>;

  FakeEndpoint() {
    // An idle keep-alive connection holds a server thread this long after stop().
    server_.set_keep_alive_timeout(1);
    // The answer's headers and body go out in two writes: without this, the body of each
    // answer on a reused connection waits for the client's delayed ACK.
    server_.set_tcp_nodelay(true);
    // Each idle keep-alive connection holds a server thread: enough for the concurrent test.
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      // The client may have given up (timeouts): writing the answer must not kill the test.
      block_sigpipe_on_this_thread();
      Json body = Json::parse(req.body, nullptr, false);
      int call = 0;
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back({req.method, req.path, req.target, req.headers, body});
        call = static_cast<int>(requests_.size());
        reply = reply_;
      }
      reply(body, res, call);
    });
    on_post([](const Json& request, httplib::Response& res, int) {
      res.set_content(openai_answer(request), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }

  ~FakeEndpoint() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stopped_.notify_all();
    server_.stop();
    thread_.join();
  }

  void on_post(Reply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
  }

  std::string url(const std::string& prefix = "/v1") const {
    return "http://127.0.0.1:" + std::to_string(port_) + prefix;
  }
  int port() const { return port_; }

  std::vector<SeenRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // Waits like a slow server; returns early when the endpoint shuts down.
  void stall(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    stopped_.wait_for(lock, d, [&] { return stopping_; });
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  Reply reply_;
  std::vector<SeenRequest> requests_;
};

// A TCP listener that accepts connections, reads what arrives first and closes without a
// word: a server that drops requests, or a plain socket where TLS was expected.
class DroppingListener {
 public:
  DroppingListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) continue;
        ++accepted_;
        char buf[4096];
        pollfd c{conn, POLLIN, 0};
        if (::poll(&c, 1, 1000) > 0) {
          const auto got = ::recv(conn, buf, sizeof buf, 0);
          static_cast<void>(got);
        }
        ::close(conn);
      }
    });
  }
  ~DroppingListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// A port nothing listens on (bound, then released).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

HttpEmbeddingOptions options_for(const std::string& base_url) {
  HttpEmbeddingOptions o;
  o.base_url = base_url;
  o.model = "fake-embed";
  o.name = "fake";
  o.api_key_env = "";
  o.timeout_ms = 2000;
  o.retries = 2;
  o.retry_backoff_ms = 5;
  return o;
}

std::vector<EmbeddingText> as_documents(const std::vector<std::string>& texts) {
  std::vector<EmbeddingText> docs;
  for (const auto& t : texts) docs.push_back({"", t});
  return docs;
}

// The memvid::Error f throws (failing the test when it throws none or another code).
template <class F>
std::string error_of(F&& f, ErrorCode code) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no memvid::Error thrown";
  return {};
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

std::string header(const httplib::Headers& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

TEST(HttpEmbeddingUrl, ParsesSchemeHostPortPrefixAndQuery) {
  auto u = embed::parse_endpoint_url("http://127.0.0.1:8080/v1");
  EXPECT_FALSE(u.https);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "http://127.0.0.1:8080/v1/embeddings");

  u = embed::parse_endpoint_url("https://api.openai.com/v1/");
  EXPECT_TRUE(u.https);
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "https://api.openai.com/v1/embeddings");

  u = embed::parse_endpoint_url("  HTTP://localhost  ");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 80);
  EXPECT_EQ(u.target, "/embeddings");

  u = embed::parse_endpoint_url("http://[::1]:11434/v1//");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 11434);
  EXPECT_EQ(u.target, "/v1/embeddings");
  EXPECT_EQ(u.display, "http://[::1]:11434/v1/embeddings");

  u = embed::parse_endpoint_url("https://gw.example.com/openai/v1?api-version=2024-02-01#frag");
  EXPECT_EQ(u.target, "/openai/v1/embeddings?api-version=2024-02-01");
  EXPECT_EQ(u.display, "https://gw.example.com/openai/v1/embeddings");
}

TEST(HttpEmbeddingUrl, RejectsUnusableUrls) {
  for (const char* bad : {"", "localhost:8080/v1", "ftp://host/v1", "http://", "http://:8080/v1", "http://host:0",
                          "http://host:65536", "http://host:80x", "http://host:", "http://ho st/v1", "http://host/v 1",
                          "http://[::1/v1", "http://[::1]x/v1", "http://ho$t/v1"}) {
    SCOPED_TRACE(bad);
    error_of([&] { embed::parse_endpoint_url(bad); }, ErrorCode::InvalidArgument);
  }
  const std::string message =
      error_of([] { embed::parse_endpoint_url("https://user:s3cret@host/v1"); }, ErrorCode::InvalidArgument);
  EXPECT_NE(message.find("credentials"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
}

TEST(HttpEmbeddingRetryAfter, ReadsMillisecondsSecondsAndDates) {
  const auto now = std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + 12h;
  EXPECT_EQ(embed::requested_retry_delay("", "2", now), 2000ms);
  EXPECT_EQ(embed::requested_retry_delay("250", "2", now), 250ms);
  EXPECT_EQ(embed::requested_retry_delay("1.2", "", now), 2ms);
  EXPECT_EQ(embed::requested_retry_delay("soon", "3", now), 3000ms);
  EXPECT_EQ(embed::requested_retry_delay("", "Fri, 01 Mar 2024 12:00:05 GMT", now), 5000ms);
  EXPECT_EQ(embed::requested_retry_delay("", "Fri, 01 Mar 2024 11:00:00 GMT", now), 0ms);
  EXPECT_EQ(embed::requested_retry_delay("", "99999999999999", now), 24h);
  EXPECT_EQ(embed::requested_retry_delay("", "", now), std::nullopt);
  EXPECT_EQ(embed::requested_retry_delay("", "later", now), std::nullopt);
  EXPECT_EQ(embed::requested_retry_delay("-5", "", now), std::nullopt);
  EXPECT_EQ(embed::requested_retry_delay("", "Fri, 32 Mar 2024 12:00:05 GMT", now), std::nullopt);
  EXPECT_EQ(embed::requested_retry_delay("", "Fri, 01 Mar 2024 12:00:05 PST", now), std::nullopt);
}

TEST(HttpEmbedding, RejectsUnusableOptions) {
  const auto good = options_for("http://127.0.0.1:9/v1");
  const std::vector<std::function<void(HttpEmbeddingOptions&)>> breakers = {
      [](auto& o) { o.model = ""; },          [](auto& o) { o.model = "  "; },
      [](auto& o) { o.name = ""; },           [](auto& o) { o.batch_size = 0; },
      [](auto& o) { o.timeout_ms = 0; },      [](auto& o) { o.retries = -1; },
      [](auto& o) { o.retry_backoff_ms = -1; }, [](auto& o) { o.base_url = "127.0.0.1:9/v1"; },
  };
  for (std::size_t i = 0; i < breakers.size(); ++i) {
    SCOPED_TRACE(i);
    auto o = good;
    breakers[i](o);
    error_of([&] { http_embedding_provider(o); }, ErrorCode::InvalidArgument);
  }
  const auto provider = http_embedding_provider(good);
  EXPECT_EQ(provider->model(), "fake:fake-embed");
  EXPECT_EQ(provider->dimension(), 0u);
}

TEST(HttpEmbedding, SendsAnOpenAiShapedRequest) {
  FakeEndpoint server;
  const ScopedEnv key("MEMVID_HTTP_TEST_KEY", "  sk-test-123\n");
  auto o = options_for(server.url("/v1/"));
  o.api_key_env = "MEMVID_HTTP_TEST_KEY";
  const auto provider = http_embedding_provider(o);

  const std::vector<EmbeddingText> docs = {{"Title", "Body text"}, {"", "only text"}, {"Only title", ""}, {"", ""}};
  const auto vectors = provider->embed_documents(docs);
  const std::vector<std::string> expected_inputs = {"Title\n\nBody text", "only text", "Only title", " "};
  ASSERT_EQ(vectors.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(vectors[i], fake_vector(expected_inputs[i], 4)) << i;
  EXPECT_EQ(provider->dimension(), 4u);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/v1/embeddings");
  EXPECT_EQ(header(seen[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(header(seen[0].headers, "Authorization"), "Bearer sk-test-123");
  const Json& body = seen[0].body;
  ASSERT_TRUE(body.is_object()) << seen[0].body;
  EXPECT_EQ(body.at("model"), "fake-embed");
  EXPECT_EQ(body.at("input"), Json(expected_inputs));
  EXPECT_EQ(body.at("encoding_format"), "float");
  EXPECT_FALSE(body.contains("dimensions"));

  EXPECT_EQ(provider->embed_query("what is x?"), fake_vector("what is x?", 4));
  EXPECT_EQ(provider->embed_query(""), fake_vector(" ", 4));
  const auto later = server.requests();
  ASSERT_EQ(later.size(), 3u);
  EXPECT_EQ(later[1].body.at("input"), Json::array({"what is x?"}));
  EXPECT_EQ(later[2].body.at("input"), Json::array({" "}));
}

TEST(HttpEmbedding, KeepsTheQueryOfTheBaseUrlAndReplacesInvalidUtf8) {
  FakeEndpoint server;
  const auto provider = http_embedding_provider(options_for(server.url("/openai/v1?api-version=2024-02-01")));
  const auto vectors = provider->embed_documents(as_documents({"caf\xE9 au lait"}));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/openai/v1/embeddings?api-version=2024-02-01");
  EXPECT_EQ(seen[0].body.at("input"), Json::array({"caf\xEF\xBF\xBD au lait"}));
  EXPECT_EQ(vectors.at(0), fake_vector("caf\xEF\xBF\xBD au lait", 4));
}

TEST(HttpEmbedding, SendsNoAuthorizationWithoutAKey) {
  FakeEndpoint server;
  const ScopedEnv unset("MEMVID_HTTP_TEST_UNSET", nullptr);
  const ScopedEnv empty("MEMVID_HTTP_TEST_EMPTY", "");
  for (const char* env : {"MEMVID_HTTP_TEST_UNSET", "MEMVID_HTTP_TEST_EMPTY", ""}) {
    auto o = options_for(server.url());
    o.api_key_env = env;
    http_embedding_provider(o)->embed_query("q");
  }
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& r : seen) EXPECT_EQ(r.headers.count("Authorization"), 0u);
}

TEST(HttpEmbedding, EmptyInputSendsNothing) {
  FakeEndpoint server;
  const auto provider = http_embedding_provider(options_for(server.url()));
  EXPECT_TRUE(provider->embed_documents({}).empty());
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpEmbedding, BatchesInInputOrder) {
  FakeEndpoint server;
  auto o = options_for(server.url());
  o.batch_size = 64;
  const auto provider = http_embedding_provider(o);
  std::vector<std::string> texts;
  for (int i = 0; i < 150; ++i) texts.push_back("document number " + std::to_string(i));
  const auto vectors = provider->embed_documents(as_documents(texts));
  ASSERT_EQ(vectors.size(), 150u);
  for (std::size_t i = 0; i < 150; ++i) EXPECT_EQ(vectors[i], fake_vector(texts[i], 4)) << i;

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  const std::size_t sizes[] = {64, 64, 22};
  for (std::size_t r = 0; r < 3; ++r) {
    ASSERT_EQ(seen[r].body.at("input").size(), sizes[r]) << r;
    EXPECT_EQ(seen[r].body.at("input")[0], texts[r * 64]) << r;
  }
}

TEST(HttpEmbedding, PutsOutOfOrderAnswersBackByIndex) {
  FakeEndpoint server;
  server.on_post([](const Json& request, httplib::Response& res, int) {
    res.set_content(openai_answer(request, /*reversed=*/true), "application/json");
  });
  const std::vector<std::string> texts = {"alpha", "beta gamma", "delta", "epsilon zeta eta", "theta"};
  const auto vectors = http_embedding_provider(options_for(server.url()))->embed_documents(as_documents(texts));
  ASSERT_EQ(vectors.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(vectors[i], fake_vector(texts[i], 4)) << i;
}

TEST(HttpEmbedding, AsksForDimensions) {
  FakeEndpoint server;
  auto o = options_for(server.url());
  o.dimensions = 2;
  const auto provider = http_embedding_provider(o);
  EXPECT_EQ(provider->dimension(), 2u);
  EXPECT_EQ(provider->embed_query("short"), fake_vector("short", 2));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body.at("dimensions"), 2);
}

TEST(HttpEmbedding, RefusesVectorsOfAnotherDimensionThanAskedFor) {
  FakeEndpoint server;
  server.on_post([](const Json& request, httplib::Response& res, int) {
    res.set_content(openai_answer(request, false, 4), "application/json");
  });
  auto o = options_for(server.url());
  o.dimensions = 8;
  const auto provider = http_embedding_provider(o);
  const std::string message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("4-dimensional"), std::string::npos) << message;
  EXPECT_NE(message.find("dimensions=8"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpEmbedding, RefusesAnAnswerOfAnotherDimensionThanEarlierOnes) {
  FakeEndpoint server;
  std::atomic<std::size_t> dim{4};
  server.on_post([&](const Json& request, httplib::Response& res, int) {
    res.set_content(openai_answer(request, false, dim), "application/json");
  });
  const auto provider = http_embedding_provider(options_for(server.url()));
  EXPECT_EQ(provider->embed_query("first").size(), 4u);
  dim = 6;
  const std::string message = error_of([&] { provider->embed_query("second"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("6-dimensional"), std::string::npos) << message;
  EXPECT_NE(message.find("4-dimensional"), std::string::npos) << message;
  EXPECT_EQ(provider->dimension(), 4u);
}

TEST(HttpEmbedding, RetriesServerErrorsThenSucceeds) {
  FakeEndpoint server;
  server.on_post([](const Json& request, httplib::Response& res, int call) {
    if (call <= 2) {
      res.status = call == 1 ? 500 : 502;
      res.set_content(R"({"error":{"message":"overloaded"}})", "application/json");
      return;
    }
    res.set_content(openai_answer(request), "application/json");
  });
  const auto provider = http_embedding_provider(options_for(server.url()));
  EXPECT_EQ(provider->embed_query("retry me"), fake_vector("retry me", 4));
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].body, seen[2].body);
}

TEST(HttpEmbedding, GivesUpAfterTheRetriesWithTheLastMessage) {
  FakeEndpoint server;
  server.on_post([](const Json&, httplib::Response& res, int) {
    res.status = 503;
    res.set_content(R"({"error":{"message":"upstream is down","type":"server_error"}})", "application/json");
  });
  const auto provider = http_embedding_provider(options_for(server.url()));
  const std::string message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_NE(message.find(server.url() + "/embeddings"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 503"), std::string::npos) << message;
  EXPECT_NE(message.find("upstream is down"), std::string::npos) << message;
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
}

TEST(HttpEmbedding, WaitsAsRetryAfterAsks) {
  FakeEndpoint server;
  server.on_post([](const Json& request, httplib::Response& res, int call) {
    if (call == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"error":{"message":"rate limited"}})", "application/json");
      return;
    }
    res.set_content(openai_answer(request), "application/json");
  });
  auto o = options_for(server.url());
  o.retry_backoff_ms = 1;
  const auto start = Clock::now();
  EXPECT_EQ(http_embedding_provider(o)->embed_query("q"), fake_vector("q", 4));
  EXPECT_GE(ms_since(start), 950);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpEmbedding, PrefersRetryAfterMs) {
  FakeEndpoint server;
  server.on_post([](const Json& request, httplib::Response& res, int call) {
    if (call == 1) {
      res.status = 429;
      res.set_header("retry-after-ms", "300");
      res.set_header("Retry-After", "5");
      return;
    }
    res.set_content(openai_answer(request), "application/json");
  });
  auto o = options_for(server.url());
  o.retry_backoff_ms = 1;
  const auto start = Clock::now();
  EXPECT_EQ(http_embedding_provider(o)->embed_query("q"), fake_vector("q", 4));
  const auto took = ms_since(start);
  EXPECT_GE(took, 290);
  EXPECT_LT(took, 3000);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpEmbedding, DoesNotRetryClientErrorsAndNeverShowsTheKey) {
  FakeEndpoint server;
  server.on_post([](const Json&, httplib::Response& res, int) {
    res.status = 401;
    res.set_content(R"({"error":{"message":"Incorrect API key provided: sk-secret-789. Find your key at )"
                    R"(https://platform.openai.com/account/api-keys.","type":"invalid_request_error"}})",
                    "application/json");
  });
  const ScopedEnv key("MEMVID_HTTP_TEST_SECRET", "sk-secret-789");
  auto o = options_for(server.url());
  o.api_key_env = "MEMVID_HTTP_TEST_SECRET";
  const auto provider = http_embedding_provider(o);
  const std::string message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find("Incorrect API key provided"), std::string::npos) << message;
  EXPECT_EQ(message.find("sk-secret-789"), std::string::npos) << message;
  EXPECT_EQ(message.find("attempts"), std::string::npos) << message;
}

TEST(HttpEmbedding, ShowsOtherServersErrorsAsTheyCome) {
  FakeEndpoint server;
  server.on_post([](const Json&, httplib::Response& res, int call) {
    if (call == 1) {
      res.status = 404;  // Ollama
      res.set_content(R"({"error":"model \"nomic-embed-text\" not found, try pulling it first"})", "application/json");
    } else if (call == 2) {
      res.status = 400;
      res.set_content("input is too long\nfor this model", "text/plain");
    } else {
      res.status = 429;  // a quota, not a rate: retrying cannot help
      res.set_content(R"({"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}})",
                      "application/json");
    }
  });
  const auto provider = http_embedding_provider(options_for(server.url()));
  std::string message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("HTTP 404: model \"nomic-embed-text\" not found"), std::string::npos) << message;
  message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("HTTP 400: input is too long for this model"), std::string::npos) << message;
  message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("exceeded your current quota"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(HttpEmbedding, RefusesMalformedAnswers) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"not json {", "not JSON: not json {"},
      {R"({"data":"nope"})", "no \"data\" array"},
      {R"([1,2])", "no \"data\" array"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[3,4]}]})", "2 embeddings for 3 inputs"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]},{"index":2,"embedding":[3]}]})",
       "index 0 twice"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[2]},{"index":3,"embedding":[3]}]})",
       "index 3, outside 0..2"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[2]},{"index":-1,"embedding":[3]}]})",
       "outside 0..2"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[null]},{"index":2,"embedding":[3]}]})",
       "holds null, not a number"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1e39]},{"index":2,"embedding":[3]}]})",
       "non-finite"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1e999]},{"index":2,"embedding":[3]}]})",
       "not JSON"},  // beyond double: the JSON parser refuses it
      {R"({"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]},{"index":2,"embedding":[]}]})", "is empty"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[3]},{"index":2,"embedding":[4,5]}]})",
       "mixes dimensions"},
      {R"({"data":[{"index":0,"embedding":"AACAPw=="},{"index":1,"embedding":[3]},{"index":2,"embedding":[4]}]})",
       "base64"},
  };
  FakeEndpoint server;
  std::mutex m;
  std::string body;
  server.on_post([&](const Json&, httplib::Response& res, int) {
    std::lock_guard lock(m);
    res.set_content(body, "application/json");
  });
  const auto provider = http_embedding_provider(options_for(server.url()));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    {
      std::lock_guard lock(m);
      body = c.body;
    }
    const std::string message =
        error_of([&] { provider->embed_documents(as_documents({"a", "b", "c"})); }, ErrorCode::ProviderFailed);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_NE(message.find(server.url()), std::string::npos) << message;
  }
  // A malformed answer is not retried, and none of them fixed the dimension.
  EXPECT_EQ(server.requests().size(), std::size(cases));
  EXPECT_EQ(provider->dimension(), 0u);
}

TEST(HttpEmbedding, TimesOutAndRetriesASlowServer) {
  FakeEndpoint server;
  server.on_post([&](const Json& request, httplib::Response& res, int) {
    server.stall(3s);
    res.set_content(openai_answer(request), "application/json");
  });
  auto o = options_for(server.url());
  o.timeout_ms = 200;
  o.retries = 1;
  const auto provider = http_embedding_provider(o);
  const auto start = Clock::now();
  const std::string message = error_of([&] { provider->embed_query("q"); }, ErrorCode::ProviderFailed);
  const auto took = ms_since(start);
  EXPECT_GE(took, 380);
  EXPECT_LT(took, 2500);
  EXPECT_NE(message.find("200 ms"), std::string::npos) << message;
  EXPECT_NE(message.find("after 2 attempts"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpEmbedding, RetriesAConnectionDroppedWithoutAnswer) {
  DroppingListener listener;
  auto o = options_for("http://127.0.0.1:" + std::to_string(listener.port()) + "/v1");
  o.retries = 2;
  const std::string message =
      error_of([&] { http_embedding_provider(o)->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_EQ(listener.accepted(), 3);
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
}

TEST(HttpEmbedding, SpeaksTlsToAnHttpsUrl) {
  DroppingListener listener;
  auto o = options_for("https://127.0.0.1:" + std::to_string(listener.port()) + "/v1");
  o.retries = 0;
  const std::string message =
      error_of([&] { http_embedding_provider(o)->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("TLS"), std::string::npos) << message;
  EXPECT_NE(message.find("https://127.0.0.1:"), std::string::npos) << message;
  EXPECT_EQ(listener.accepted(), 1);
}

TEST(HttpEmbedding, ReportsAnUnreachableEndpoint) {
  const int port = closed_port();
  auto o = options_for("http://127.0.0.1:" + std::to_string(port) + "/v1");
  o.retries = 1;
  const std::string message =
      error_of([&] { http_embedding_provider(o)->embed_query("q"); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("http://127.0.0.1:" + std::to_string(port) + "/v1/embeddings"), std::string::npos) << message;
  EXPECT_NE(message.find("could not connect"), std::string::npos) << message;
  EXPECT_NE(message.find("after 2 attempts"), std::string::npos) << message;
}

TEST(HttpEmbedding, LeavesTheSignalMaskAsItWas) {
  FakeEndpoint server;
  const auto provider = http_embedding_provider(options_for(server.url()));
  const auto sigpipe_blocked = [] {
    sigset_t now;
    pthread_sigmask(SIG_SETMASK, nullptr, &now);
    return sigismember(&now, SIGPIPE) == 1;
  };
  sigset_t pipe, old;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_UNBLOCK, &pipe, &old);
  provider->embed_query("q");
  EXPECT_FALSE(sigpipe_blocked());
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  provider->embed_query("q");
  EXPECT_TRUE(sigpipe_blocked());
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

TEST(HttpEmbedding, ServesSeveralThreadsAtOnce) {
  FakeEndpoint server;
  auto o = options_for(server.url());
  o.batch_size = 7;
  const auto provider = http_embedding_provider(o);
  constexpr int kThreads = 8, kDocs = 40;
  std::atomic<int> wrong{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        std::vector<std::string> texts;
        for (int i = 0; i < kDocs; ++i) texts.push_back("thread " + std::to_string(t) + " document " + std::to_string(i));
        const auto vectors = provider->embed_documents(as_documents(texts));
        for (int i = 0; i < kDocs; ++i)
          if (vectors.at(static_cast<std::size_t>(i)) != fake_vector(texts[static_cast<std::size_t>(i)], 4)) ++wrong;
        const std::string q = "query of thread " + std::to_string(t);
        if (provider->embed_query(q) != fake_vector(q, 4)) ++wrong;
      } catch (const std::exception&) {
        ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(kThreads * ((kDocs + 6) / 7 + 1)));
  EXPECT_EQ(provider->dimension(), 4u);
}

}  // namespace
