#pragma once
// The parts of the OpenAI-compatible embedding provider (http_embedding_provider() in
// memvid/embedding.hpp) that are worth checking on their own: the base URL grammar and the
// reading of a server's "wait before retrying" headers.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memvid::embed {

struct EndpointUrl {
  bool https = false;
  std::string host;     // an IPv6 literal without its brackets
  int port = 0;         // the scheme's default when the URL names none
  std::string target;   // the request target: the URL's path prefix + "/embeddings" [+ "?" query]
  std::string display;  // scheme://host[:port]/prefix/embeddings, for messages; without the
                        // query, which some gateways use for keys
};

// base_url is http(s)://host[:port][/prefix][?query]; trailing slashes are dropped. Throws
// InvalidArgument saying what is wrong; a URL with user credentials is refused without
// being echoed.
EndpointUrl parse_endpoint_url(std::string_view base_url);

// How long an answer asks the client to wait before retrying: OpenAI's "retry-after-ms"
// wins over the standard "Retry-After" (seconds, or an HTTP date relative to now). Empty
// header values mean absent; nullopt when neither is usable. Not capped here beyond one day.
std::optional<std::chrono::milliseconds> requested_retry_delay(std::string_view retry_after_ms,
                                                               std::string_view retry_after,
                                                               std::chrono::system_clock::time_point now);

}  // namespace memvid::embed
