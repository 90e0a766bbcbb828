#pragma once
// The transport shared by the OpenAI-compatible model endpoints (embeddings, chat
// completions): the base URL grammar, a JSON POST with timeouts, retries and the wait a
// server asks for, and error messages that name the endpoint. The transport (cpp-httplib and
// OpenSSL) is the HTTP plugin, loaded on the first request (io/http_plugin_abi.h).
//
// Behaviour a caller can rely on:
//   - Retries (with doubling backoff, or the wait a 429/503 asks for, capped at a minute)
//     on connection failures, timeouts, lost connections, HTTP 408, 429 and 5xx; never on
//     other statuses, nor on a 429 that reports an exhausted quota.
//   - timeout_ms bounds connecting and each wait for the socket to read or write; a server
//     that keeps trickling bytes can take longer in total.
//   - A write to a connection the server has reset never raises SIGPIPE in the process.
//   - Every failure is Error(ProviderFailed, "<label> <display URL>: <what>"), with server
//     text cut to one short line and the API key masked out of it.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace memvid::io {

struct EndpointUrl {
  bool https = false;
  std::string host;     // an IPv6 literal without its brackets
  int port = 0;         // the scheme's default when the URL names none
  std::string target;   // the request target: the URL's path prefix + path [+ "?" query]
  std::string display;  // scheme://host[:port]/prefix/path, for messages; without the query,
                        // which some gateways use for keys
};

// base_url is http(s)://host[:port][/prefix][?query]; trailing slashes are dropped before
// `path` ("/embeddings", "/chat/completions") is appended to the prefix. Throws
// InvalidArgument saying what is wrong; a URL with user credentials is refused without
// being echoed.
EndpointUrl parse_endpoint_url(std::string_view base_url, std::string_view path);

// How long an answer asks the client to wait before retrying: OpenAI's "retry-after-ms"
// wins over the standard "Retry-After" (seconds, or an HTTP date relative to now). Empty
// header values mean absent; nullopt when neither is usable. Not capped here beyond one day.
std::optional<std::chrono::milliseconds> requested_retry_delay(std::string_view retry_after_ms,
                                                               std::string_view retry_after,
                                                               std::chrono::system_clock::time_point now);

// The API key in the environment variable `env_name`, trimmed: "" when the name is empty or
// the variable unset or blank. Throws InvalidArgument when it holds a control character
// (it would break the request's headers). Read it once, up front: getenv is not safe
// against a concurrent setenv.
std::string api_key_from_env(const std::string& env_name);

struct JsonHttpOptions {
  std::string label = "endpoint";  // starts each error message, e.g. "embedding endpoint"
  std::string api_key;             // sent as "Authorization: Bearer <key>" when non-empty
  int timeout_ms = 30000;
  int retries = 0;                 // further attempts after a transient failure
  int retry_backoff_ms = 500;      // doubled after each attempt; a Retry-After header wins
  std::size_t max_response_bytes = 0;  // a longer answer fails; 0: no limit
};

// POSTs JSON to one endpoint. Safe to use from several threads at once: each call takes a
// connection of its own, and idle keep-alive connections are kept for later calls.
class JsonHttpClient {
 public:
  // Throws InvalidArgument for a non-positive timeout or negative retries or backoff.
  JsonHttpClient(EndpointUrl url, JsonHttpOptions options);
  ~JsonHttpClient();
  JsonHttpClient(const JsonHttpClient&) = delete;
  JsonHttpClient& operator=(const JsonHttpClient&) = delete;

  // One request with its retries; returns the body of a 2xx answer. `body` is sent as it is
  // (the caller has made it JSON).
  std::string post_json(const std::string& body);

  // For the caller's checks of an answer: Error(ProviderFailed) with the same prefix as the
  // transport's own failures.
  [[noreturn]] void fail(const std::string& what) const;
  // Server text fit for a message: one line, cut short, the API key masked.
  std::string quote(std::string_view text) const;
  const EndpointUrl& url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memvid::io
