// The OpenAI-compatible chat client against a fake /chat/completions server on 127.0.0.1:
// request shape, answer parsing, retries, errors, timeouts, and model names.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "memvid/error.hpp"
#include "memvid/llm.hpp"
#include "support/fake_http.hpp"

using namespace memvid;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using memvid::testing::closed_port;
using memvid::testing::error_of;
using memvid::testing::header;
using memvid::testing::ms_since;
using ScopedEnv = memvid::testing::ScopedEnvVar;

namespace {

// What an OpenAI-compatible server answers, echoing the model asked for.
std::string chat_answer(const Json& request, const std::string& content) {
  return Json{{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"model", request.value("model", "?") + "-2024"},
              {"choices", Json::array({{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", content}}},
                                        {"finish_reason", "stop"}}})},
              {"usage", {{"prompt_tokens", 12}, {"completion_tokens", 3}, {"total_tokens", 15}}}}
      .dump();
}

class FakeChatServer : public memvid::testing::FakeHttpServer {
 public:
  FakeChatServer() {
    on_post([](const Json& request, httplib::Response& res, int) {
      res.set_content(chat_answer(request, "Paris."), "application/json");
    });
  }
};

HttpChatOptions options_for(const std::string& base_url) {
  HttpChatOptions o;
  o.name = "fake";
  o.model = "fake-chat";
  o.base_url = base_url;
  o.api_key_env = "";  // the tests that send a key name one
  o.retries = 2;
  o.retry_backoff_ms = 2;
  o.timeout_ms = 3000;
  return o;
}

// The first `failures` calls fail with `status` (asking to wait retry_after seconds when
// given); later ones are answered.
void fail_first(FakeChatServer& server, int failures, int status, std::string retry_after) {
  server.on_post([=](const Json& request, httplib::Response& res, int call) {
    if (call > failures) {
      res.set_content(chat_answer(request, "Paris."), "application/json");
      return;
    }
    res.status = status;
    if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
    res.set_content(R"({"error":{"message":"busy, try again"}})", "application/json");
  });
}

const std::vector<ChatMessage> kQuestion = {{"system", "Answer from the passages."},
                                            {"user", "What is the capital of France?"}};

TEST(HttpChat, SendsAnOpenAiShapedRequestAndReadsTheAnswer) {
  FakeChatServer server;
  const ScopedEnv key("MEMVID_CHAT_TEST_KEY", " sk-chat-1 ");
  auto o = options_for(server.url("/proxy/v1/"));
  o.api_key_env = "MEMVID_CHAT_TEST_KEY";
  o.temperature = 0.25;
  o.max_tokens = 77;
  const auto model = http_language_model(o);
  EXPECT_EQ(model->name(), "fake:fake-chat");

  const ChatReply reply = model->chat(kQuestion);
  EXPECT_EQ(reply.content, "Paris.");
  EXPECT_EQ(reply.model, "fake-chat-2024");
  EXPECT_EQ(reply.finish_reason, "stop");
  EXPECT_EQ(reply.prompt_tokens, 12u);
  EXPECT_EQ(reply.completion_tokens, 3u);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/proxy/v1/chat/completions");
  EXPECT_EQ(header(seen[0].headers, "Content-Type"), "application/json");
  EXPECT_EQ(header(seen[0].headers, "Authorization"), "Bearer sk-chat-1");
  const Json expected = {{"model", "fake-chat"},
                         {"messages", Json::array({{{"role", "system"}, {"content", "Answer from the passages."}},
                                                   {{"role", "user"}, {"content", "What is the capital of France?"}}})},
                         {"temperature", 0.25},
                         {"max_tokens", 77}};
  EXPECT_EQ(seen[0].body, expected);
}

TEST(HttpChat, SendsNoAuthorizationWithoutAKey) {
  FakeChatServer server;
  const ScopedEnv unset("MEMVID_CHAT_TEST_UNSET", nullptr);
  for (const char* env : {"MEMVID_CHAT_TEST_UNSET", ""}) {
    auto o = options_for(server.url());
    o.api_key_env = env;
    http_language_model(o)->chat(kQuestion);
  }
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  for (const auto& r : seen) EXPECT_EQ(r.headers.count("Authorization"), 0u);
}

TEST(HttpChat, OpenAiWithoutItsKeyIsUnavailable) {
  FakeChatServer server;
  const ScopedEnv unset("MEMVID_CHAT_TEST_UNSET", nullptr);
  auto o = options_for(server.url());
  o.name = "openai";
  o.api_key_env = "MEMVID_CHAT_TEST_UNSET";
  const auto model = http_language_model(o);
  const std::string message = error_of([&] { model->chat(kQuestion); }, ErrorCode::ModelUnavailable);
  EXPECT_NE(message.find("$MEMVID_CHAT_TEST_UNSET"), std::string::npos) << message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpChat, LeavesMaxTokensToTheServerWhenZeroAndReplacesInvalidUtf8) {
  FakeChatServer server;
  auto o = options_for(server.url());
  o.max_tokens = 0;
  http_language_model(o)->chat(std::vector<ChatMessage>{{"user", "caf\xE9?"}});
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].body.contains("max_tokens"));
  EXPECT_EQ(seen[0].body.at("messages")[0].at("content"), "caf\xEF\xBF\xBD?");
}

TEST(HttpChat, ReadsSparseAnswersAndContentParts) {
  FakeChatServer server;
  server.on_post([](const Json&, httplib::Response& res, int call) {
    if (call == 1)
      res.set_content(R"({"choices":[{"message":{"content":"bare"}}]})", "application/json");
    else
      res.set_content(R"({"choices":[{"message":{"content":[{"type":"text","text":"one "},{"type":"text","text":"two"}]},)"
                      R"("finish_reason":"length"}],"usage":{"prompt_tokens":-1,"completion_tokens":"x"}})",
                      "application/json");
  });
  const auto model = http_language_model(options_for(server.url()));
  ChatReply reply = model->chat(kQuestion);
  EXPECT_EQ(reply.content, "bare");
  EXPECT_EQ(reply.model, "");
  EXPECT_EQ(reply.finish_reason, "");
  EXPECT_EQ(reply.prompt_tokens, 0u);
  reply = model->chat(kQuestion);
  EXPECT_EQ(reply.content, "one two");
  EXPECT_EQ(reply.finish_reason, "length");
  EXPECT_EQ(reply.prompt_tokens, 0u);
  EXPECT_EQ(reply.completion_tokens, 0u);
}

TEST(HttpChat, RetriesAServerErrorThenSucceeds) {
  FakeChatServer server;
  fail_first(server, 2, 502, "");
  EXPECT_EQ(http_language_model(options_for(server.url()))->chat(kQuestion).content, "Paris.");
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].body, seen[2].body);
}

TEST(HttpChat, WaitsAsRetryAfterAsks) {
  FakeChatServer server;
  fail_first(server, 1, 429, "1");
  auto o = options_for(server.url());
  o.retry_backoff_ms = 1;
  const auto start = Clock::now();
  EXPECT_EQ(http_language_model(o)->chat(kQuestion).content, "Paris.");
  EXPECT_GE(ms_since(start), 950);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpChat, SurfacesAClientErrorWithoutRetrying) {
  FakeChatServer server;
  server.on_post([](const Json&, httplib::Response& res, int) {
    res.status = 400;
    res.set_content(R"({"error":{"message":"This model's maximum context length is 8192 tokens.",)"
                    R"("type":"invalid_request_error","code":"context_length_exceeded"}})",
                    "application/json");
  });
  const std::string message =
      error_of([&] { http_language_model(options_for(server.url()))->chat(kQuestion); }, ErrorCode::ProviderFailed);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_NE(message.find("chat endpoint " + server.url() + "/chat/completions"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 400: This model's maximum context length is 8192 tokens."), std::string::npos)
      << message;
  EXPECT_EQ(message.find("attempts"), std::string::npos) << message;
}

TEST(HttpChat, RefusesMalformedAnswers) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"<html>Bad Gateway</html>", "not JSON: <html>Bad Gateway</html>"},
      {R"(["a"])", "not a JSON object"},
      {R"({"id":"x"})", "no \"choices\": {\"id\":\"x\"}"},
      {R"({"choices":[]})", "no \"choices\""},
      {R"({"choices":"many"})", "no \"choices\""},
      {R"({"choices":[{"text":"legacy completion"}]})", "choices[0] has no \"message\""},
      {R"({"choices":[{"message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}]})",
       "the model refused: I can't help with that."},
      {R"({"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}]})",
       "no message content (finish_reason: content_filter)"},
      {R"({"choices":[{"message":{"role":"assistant","content":42}}]})", "no message content"},
      {R"({"error":{"message":"upstream said no"}})", "the answer is an error: upstream said no"},
  };
  FakeChatServer server;
  const auto model = http_language_model(options_for(server.url()));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    server.answer_with(200, c.body);
    const std::string message = error_of([&] { model->chat(kQuestion); }, ErrorCode::ProviderFailed);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_NE(message.find(server.url() + "/chat/completions"), std::string::npos) << message;
  }
  // A malformed answer is not retried.
  EXPECT_EQ(server.requests().size(), std::size(cases));
}

TEST(HttpChat, RefusesAnOversizedAnswer) {
  FakeChatServer server;
  server.on_post([](const Json& request, httplib::Response& res, int) {
    res.set_content(chat_answer(request, std::string(std::size_t{9} << 20, 'a')), "application/json");
  });
  const std::string message =
      error_of([&] { http_language_model(options_for(server.url()))->chat(kQuestion); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("larger than 8 MiB"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpChat, TimesOutASlowServer) {
  FakeChatServer server;
  server.on_post([&](const Json& request, httplib::Response& res, int) {
    server.stall(3s);
    res.set_content(chat_answer(request, "too late"), "application/json");
  });
  auto o = options_for(server.url());
  o.timeout_ms = 200;
  o.retries = 0;
  const auto start = Clock::now();
  const std::string message = error_of([&] { http_language_model(o)->chat(kQuestion); }, ErrorCode::ProviderFailed);
  EXPECT_LT(ms_since(start), 1500);
  EXPECT_NE(message.find("200 ms"), std::string::npos) << message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpChat, ReportsARefusedConnection) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  auto o = options_for(url);
  o.retries = 1;
  const auto model = http_language_model(o);
  const std::string message = error_of([&] { model->chat(kQuestion); }, ErrorCode::ProviderFailed);
  EXPECT_NE(message.find("chat endpoint " + url + "/chat/completions: could not connect"), std::string::npos)
      << message;
  EXPECT_NE(message.find("after 2 attempts"), std::string::npos) << message;
}

TEST(HttpChat, RejectsUnusableOptions) {
  const auto good = options_for("http://127.0.0.1:9/v1");
  const std::vector<std::function<void(HttpChatOptions&)>> breakers = {
      [](auto& o) { o.model = ""; },           [](auto& o) { o.model = " "; },
      [](auto& o) { o.name = ""; },            [](auto& o) { o.temperature = -0.5; },
      [](auto& o) { o.temperature = NAN; },    [](auto& o) { o.timeout_ms = 0; },
      [](auto& o) { o.retries = -1; },         [](auto& o) { o.base_url = "127.0.0.1:9/v1"; },
  };
  for (std::size_t i = 0; i < breakers.size(); ++i) {
    SCOPED_TRACE(i);
    auto o = good;
    breakers[i](o);
    error_of([&] { http_language_model(o); }, ErrorCode::InvalidArgument);
  }
  const std::vector<ChatMessage> none;
  error_of([&] { http_language_model(good)->chat(none); }, ErrorCode::InvalidArgument);
}

TEST(HttpChatName, RefusesNamesWithoutProviderAndModel) {
  for (const char* bad : {"", "gpt-4o", ":gpt-4o", "openai:", ":"}) {
    SCOPED_TRACE(bad);
    const std::string message = error_of([&] { language_model_from_name(bad); }, ErrorCode::InvalidArgument);
    EXPECT_NE(message.find("provider:model"), std::string::npos) << message;
  }
}

TEST(HttpChatName, OpenAiNeedsItsKey) {
  const ScopedEnv url("MEMVID_LLM_URL", nullptr);
  const ScopedEnv key_env("MEMVID_LLM_KEY_ENV", nullptr);
  const ScopedEnv key("OPENAI_API_KEY", nullptr);
  const auto model = language_model_from_name("openai:gpt-4o");
  EXPECT_EQ(model->name(), "openai:gpt-4o");
  const std::string message = error_of([&] { model->chat(kQuestion); }, ErrorCode::ModelUnavailable);
  EXPECT_NE(message.find("$OPENAI_API_KEY"), std::string::npos) << message;
}

TEST(HttpChatName, AnUnknownProviderNeedsABaseUrl) {
  const ScopedEnv url("MEMVID_LLM_URL", nullptr);
  const std::string message =
      error_of([] { language_model_from_name("vllm:qwen2.5"); }, ErrorCode::InvalidArgument);
  EXPECT_NE(message.find("base URL"), std::string::npos) << message;
  EXPECT_NE(message.find("$MEMVID_LLM_URL"), std::string::npos) << message;
}

TEST(HttpChatName, UsesTheArgumentsThenTheEnvironment) {
  FakeChatServer server;
  const ScopedEnv key("MEMVID_CHAT_TEST_KEY", "sk-arg");
  const ScopedEnv other_key("MEMVID_CHAT_TEST_KEY2", "sk-env");
  const ScopedEnv url("MEMVID_LLM_URL", "http://127.0.0.1:9/never");
  const ScopedEnv key_env("MEMVID_LLM_KEY_ENV", "MEMVID_CHAT_TEST_KEY2");

  // Arguments win over the environment.
  auto model = language_model_from_name("vllm:qwen2.5", server.url("/a/v1"), "MEMVID_CHAT_TEST_KEY");
  EXPECT_EQ(model->name(), "vllm:qwen2.5");
  EXPECT_EQ(model->chat(kQuestion).content, "Paris.");

  // The environment fills in what the arguments leave empty, also for known providers.
  const ScopedEnv url2("MEMVID_LLM_URL", server.url("/b/v1").c_str());
  model = language_model_from_name("ollama:llama3");
  EXPECT_EQ(model->name(), "ollama:llama3");
  model->chat(kQuestion);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "/a/v1/chat/completions");
  EXPECT_EQ(seen[0].body.at("model"), "qwen2.5");
  EXPECT_EQ(header(seen[0].headers, "Authorization"), "Bearer sk-arg");
  EXPECT_EQ(seen[1].path, "/b/v1/chat/completions");
  EXPECT_EQ(seen[1].body.at("model"), "llama3");
  EXPECT_EQ(header(seen[1].headers, "Authorization"), "Bearer sk-env");

  error_of([&] { language_model_from_name("ollama:llama3", server.url(), "", 0); }, ErrorCode::InvalidArgument);
}

TEST(HttpChatName, OllamaNeedsNoKey) {
  FakeChatServer server;
  const ScopedEnv key_env("MEMVID_LLM_KEY_ENV", nullptr);
  const ScopedEnv key("OPENAI_API_KEY", "sk-not-for-ollama");
  language_model_from_name("ollama:llama3", server.url())->chat(kQuestion);
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].headers.count("Authorization"), 0u);
}

}  // namespace
