// The language model for OpenAI-compatible /chat/completions endpoints (OpenAI, Ollama,
// llama.cpp server, vLLM, LM Studio, gateways), over io::JsonHttpClient, and the naming of
// models ("openai:gpt-4o") that mirrors the embedding models' ("openai:text-embedding-3-small").
//
// Behaviour a caller can rely on, beside the transport's (io/http_client.hpp: retries,
// timeouts, error messages):
//   - POST {base_url}/chat/completions {"model", "messages": [{"role", "content"}],
//     "temperature", "max_tokens"}; max_tokens 0 leaves the limit to the server.
//   - The answer is choices[0].message.content (a string, or an array of text parts), with
//     model, finish_reason and usage when the server gives them; anything else, a refusal
//     included, is ProviderFailed quoting the server.
//   - Answers over 8 MiB are refused: no chat reply is that long, so it is a broken server.
//   - The API key is read from the environment once, when the model is made; provider
//     "openai" without one fails each chat() with ModelUnavailable naming the variable.
#include <cmath>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "io/http_client.hpp"
#include "memvid/error.hpp"
#include "memvid/llm.hpp"

namespace memvid {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxAnswerBytes = std::size_t{8} << 20;

[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::InvalidArgument, what); }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// The providers that cannot answer without a key: better said before the request than as
// the server's 401.
bool requires_key(const std::string& provider) { return provider == "openai"; }

class HttpLanguageModel final : public LanguageModel {
 public:
  HttpLanguageModel(const HttpChatOptions& o, io::EndpointUrl url, std::string api_key)
      : http_(std::move(url), {.label = "chat endpoint",
                               .api_key = api_key,
                               .timeout_ms = o.timeout_ms,
                               .retries = o.retries,
                               .retry_backoff_ms = o.retry_backoff_ms,
                               .max_response_bytes = kMaxAnswerBytes}),
        name_(o.name + ":" + o.model),
        model_(o.model),
        temperature_(o.temperature),
        max_tokens_(o.max_tokens) {
    if (api_key.empty() && requires_key(o.name) && !o.api_key_env.empty())
      missing_key_ = "the language model " + name_ + " needs an API key: set $" + o.api_key_env +
                     " (or name the variable holding it with api_key_env)";
  }

  std::string name() const override { return name_; }

  ChatReply chat(std::span<const ChatMessage> messages) override {
    if (!missing_key_.empty()) throw Error(ErrorCode::ModelUnavailable, missing_key_);
    if (messages.empty()) invalid("chat needs at least one message");
    return read_answer(http_.post_json(request_body(messages)));
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { http_.fail(what); }

  std::string request_body(std::span<const ChatMessage> messages) const {
    Json list = Json::array();
    for (const ChatMessage& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
    Json body = {{"model", model_}, {"messages", std::move(list)}, {"temperature", temperature_}};
    if (max_tokens_ != 0) body["max_tokens"] = max_tokens_;
    // Text that is not valid UTF-8 cannot go into JSON as it is; U+FFFD keeps the rest.
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  ChatReply read_answer(const std::string& body) const {
    const Json doc = Json::parse(body, nullptr, false);
    if (doc.is_discarded()) fail("the answer is not JSON: " + http_.quote(body));
    if (!doc.is_object()) fail("the answer is not a JSON object: " + http_.quote(body));
    const auto choices = doc.find("choices");
    if (choices == doc.end() || !choices->is_array() || choices->empty()) {
      // Some gateways report a failure with status 200.
      if (const auto e = doc.find("error"); e != doc.end()) fail("the answer is an error: " + http_.quote(error_text(*e)));
      fail("the answer has no \"choices\": " + http_.quote(body));
    }
    const Json& choice = choices->front();
    const auto message = choice.is_object() ? choice.find("message") : choice.end();
    if (!choice.is_object() || message == choice.end() || !message->is_object())
      fail("choices[0] has no \"message\" object: " + http_.quote(choice.dump()));

    ChatReply reply;
    reply.model = text_of(doc, "model");
    reply.finish_reason = text_of(choice, "finish_reason");
    if (auto content = content_of(*message)) {
      reply.content = std::move(*content);
    } else {
      if (const auto refusal = text_of(*message, "refusal"); !refusal.empty())
        fail("the model refused: " + http_.quote(refusal));
      fail("the answer holds no message content" +
           (reply.finish_reason.empty() ? std::string() : " (finish_reason: " + http_.quote(reply.finish_reason) + ")"));
    }
    if (const auto usage = doc.find("usage"); usage != doc.end() && usage->is_object()) {
      reply.prompt_tokens = count_of(*usage, "prompt_tokens");
      reply.completion_tokens = count_of(*usage, "completion_tokens");
    }
    return reply;
  }

  // A string, or (some servers) an array of parts whose "text" pieces make the message.
  static std::optional<std::string> content_of(const Json& message) {
    const auto c = message.find("content");
    if (c == message.end()) return std::nullopt;
    if (c->is_string()) return c->get<std::string>();
    if (!c->is_array()) return std::nullopt;
    std::string text;
    bool any = false;
    for (const Json& part : *c) {
      if (!part.is_object()) continue;
      if (const auto t = part.find("text"); t != part.end() && t->is_string()) {
        text += t->get<std::string>();
        any = true;
      }
    }
    return any ? std::optional<std::string>(std::move(text)) : std::nullopt;
  }

  static std::string text_of(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

  static std::uint64_t count_of(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  }

  static std::string error_text(const Json& e) {
    if (e.is_string()) return e.get<std::string>();
    if (e.is_object())
      if (const auto m = e.find("message"); m != e.end() && m->is_string()) return m->get<std::string>();
    return e.dump();
  }

  io::JsonHttpClient http_;
  const std::string name_;
  const std::string model_;
  const double temperature_;
  const std::uint32_t max_tokens_;
  std::string missing_key_;  // why chat() cannot run, when it cannot
};

}  // namespace

std::shared_ptr<LanguageModel> http_language_model(const HttpChatOptions& options) {
  if (blank(options.model)) invalid("the language model name is empty (e.g. gpt-4o)");
  if (options.name.empty()) invalid("the language model provider name is empty (e.g. openai)");
  if (!std::isfinite(options.temperature) || options.temperature < 0)
    invalid("temperature must be a number from 0 up, not " + std::to_string(options.temperature));
  io::EndpointUrl url = io::parse_endpoint_url(options.base_url, "/chat/completions");
  // Read once, here: chat() may run on any thread.
  std::string key = io::api_key_from_env(options.api_key_env);
  return std::make_shared<HttpLanguageModel>(options, std::move(url), std::move(key));
}

// "openai:<model>" and "ollama:<model>" name endpoints well enough to reach them without
// configuration, as embedding model names do (memory/embedder.cpp).
std::shared_ptr<LanguageModel> language_model_from_name(std::string_view name, const std::string& base_url,
                                                        const std::string& api_key_env, int timeout_ms) {
  const std::string full(name);
  const auto colon = full.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == full.size())
    invalid("language model '" + full.substr(0, 80) +
            "' must be provider:model (e.g. openai:gpt-4o or ollama:llama3)");
  HttpChatOptions o;
  o.name = full.substr(0, colon);
  o.model = full.substr(colon + 1);
  o.timeout_ms = timeout_ms;
  std::string default_url, default_key_env;
  if (o.name == "openai") {
    default_url = "https://api.openai.com/v1";
    default_key_env = "OPENAI_API_KEY";
  } else if (o.name == "ollama") {
    default_url = "http://127.0.0.1:11434/v1";
  }
  o.base_url = !base_url.empty() ? base_url : env_or("MEMVID_LLM_URL", default_url);
  o.api_key_env = !api_key_env.empty() ? api_key_env : env_or("MEMVID_LLM_KEY_ENV", default_key_env);
  if (o.base_url.empty())
    invalid("language model provider '" + o.name.substr(0, 80) +
            "' has no known endpoint: pass a base URL (e.g. http://127.0.0.1:8080/v1) or set $MEMVID_LLM_URL");
  return http_language_model(o);
}

}  // namespace memvid
