#pragma once
// Language models answer `ask` questions from retrieved passages. Any OpenAI-compatible chat
// completions endpoint works (OpenAI, Ollama, llama.cpp server, vLLM, LM Studio, gateways);
// a caller may also plug in its own LanguageModel.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace memvid {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

struct ChatReply {
  std::string content;        // the assistant's message
  std::string model;          // as the server names it ("" when it does not say)
  std::string finish_reason;  // "stop", "length", ... ("" when absent)
  std::uint64_t prompt_tokens = 0;      // usage, when the server reports it
  std::uint64_t completion_tokens = 0;
};

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;
  // "<provider>:<model>", e.g. "openai:gpt-4o" or "ollama:llama3".
  virtual std::string name() const = 0;
  // Throws memvid::Error: ProviderFailed (unreachable, timed out, HTTP error, malformed
  // answer), ModelUnavailable (no API key where one is required).
  virtual ChatReply chat(std::span<const ChatMessage> messages) = 0;
};

struct HttpChatOptions {
  std::string base_url = "https://api.openai.com/v1";  // "/chat/completions" is appended
  std::string model;                                    // e.g. "gpt-4o"
  // Environment variable holding the API key, sent as "Authorization: Bearer <key>"; no
  // header when empty or unset (local servers need none).
  std::string api_key_env = "OPENAI_API_KEY";
  std::string name = "openai";  // the provider part of name(): "<name>:<model>"
  int timeout_ms = 60000;       // per request (connect, and each wait to read or write)
  int retries = 2;              // further attempts after a transient failure (5xx, 429, timeouts, resets)
  int retry_backoff_ms = 500;   // doubled after each attempt; a Retry-After header wins
  double temperature = 0;       // deterministic answers by default
  std::uint32_t max_tokens = 1024;
};
std::shared_ptr<LanguageModel> http_language_model(const HttpChatOptions& options);

// A model by name: "openai:<model>" (https://api.openai.com/v1, key in $OPENAI_API_KEY),
// "ollama:<model>" (http://127.0.0.1:11434/v1, no key), or "<provider>:<model>" with a
// base_url. base_url and api_key_env, when non-empty, win over the provider's defaults; so
// do $MEMVID_LLM_URL and $MEMVID_LLM_KEY_ENV when the arguments are empty. Throws
// InvalidArgument for a name without "provider:" or an unknown provider without a URL.
std::shared_ptr<LanguageModel> language_model_from_name(std::string_view name, const std::string& base_url = {},
                                                        const std::string& api_key_env = {}, int timeout_ms = 60000);

}  // namespace memvid
