// The OpenAI-compatible embedding provider against fake endpoints on 127.0.0.1 started
// here: request shape, batching, answer checks, retries, timeouts and concurrent use.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/error.hpp"
#include "support/fake_http.hpp"

using namespace memvid;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using memvid::testing::closed_port;
using memvid::testing::DroppingListener;
using memvid::testing::error_of;
using memvid::testing::header;
using memvid::testing::ms_since;
using ScopedEnv = memvid::testing::ScopedEnvVar;

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

// A server that answers like an OpenAI-compatible embedding endpoint unless told otherwise.
class FakeEndpoint : public memvid::testing::FakeHttpServer {
 public:
  FakeEndpoint() {
    on_post([](const Json& request, httplib::Response& res, int) {
      res.set_content(openai_answer(request), "application/json");
    });
  }
};

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
  const auto provider = http_embedding_provider(options_for(server.url()));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    server.answer_with(200, c.body);
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
