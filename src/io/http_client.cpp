// JSON POSTs to OpenAI-compatible model endpoints over cpp-httplib (TLS via OpenSSL), which
// the HTTP plugin holds (io/http_plugin_abi.h): it is loaded on the first request.
#include "io/http_client.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>
#include <vector>

#include "io/http_plugin_abi.h"
#include "io/plugins.hpp"
#include "memvid/error.hpp"
#include "memvid/version.hpp"

namespace memvid::io {

namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

// Enough of a server's message to act on, short enough for one line of a terminal.
constexpr std::size_t kExcerptBytes = 300;
// A server may ask for long waits (a daily quota); beyond this we wait this long and let
// the last attempt report the server's message.
constexpr milliseconds kMaxRetryDelay{60'000};
// Idle keep-alive connections kept for later calls; more only while threads overlap.
constexpr std::size_t kMaxIdleClients = 4;

[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::InvalidArgument, what); }

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'; }

// IMF-fixdate, the only HTTP date form servers still send: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string s(text);
  char weekday[4] = {}, month_name[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, used = 0;
  if (std::sscanf(s.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", weekday, &day, month_name, &year, &hour,
                  &minute, &second, &used) != 7 ||
      used != static_cast<int>(s.size()))
    return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (std::string_view(month_name) == kMonths[i]) month = i + 1;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (month == 0 || !date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

// Blocks SIGPIPE on this thread while a request runs: a write to a connection the server
// has reset would otherwise kill the whole process (httplib sends without MSG_NOSIGNAL, and
// so does OpenSSL). A SIGPIPE raised meanwhile is consumed before the old mask returns,
// unless one was already pending before (then it belongs to someone else).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait{};
        sigtimedwait(&pipe_, nullptr, &no_wait);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

// A one-line excerpt of server text: control characters become spaces and a long text is
// cut at a UTF-8 character boundary.
std::string excerpt(std::string_view text) {
  text = trim(text);
  if (text.empty()) return "(empty body)";
  std::size_t cut = std::min(text.size(), kExcerptBytes);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out;
  out.reserve(cut + 3);
  for (char c : text.substr(0, cut)) {
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (control) {
      if (out.empty() || out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (cut < text.size()) out += "...";
  return out;
}

struct ServerError {
  std::string message;  // the error text the server gave, or its whole body
  bool quota_exhausted = false;
};

// OpenAI and llama.cpp answer {"error":{"message":...,"code":...}}, Ollama and TEI
// {"error":"..."}, vLLM {"message":...}; anything else is shown as it came.
ServerError read_server_error(const std::string& body) {
  ServerError out{body, false};
  const Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return out;
  const auto text_of = [](const Json& j, const char* key) -> std::optional<std::string> {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (const auto e = doc.find("error"); e != doc.end()) {
    if (e->is_string()) {
      out.message = e->get<std::string>();
    } else if (e->is_object()) {
      if (auto m = text_of(*e, "message")) out.message = *m;
      // Retrying an exhausted quota only delays the same answer.
      out.quota_exhausted = text_of(*e, "code") == "insufficient_quota" || text_of(*e, "type") == "insufficient_quota";
    }
  } else if (auto m = text_of(doc, "message")) {
    out.message = *m;
  } else if (auto d = text_of(doc, "detail")) {
    out.message = *d;
  }
  return out;
}

// The transport failures worth another attempt: the network or the server may recover.
bool transient(int outcome) {
  switch (outcome) {
    case MEMVID_HTTP_CONNECTION:
    case MEMVID_HTTP_CONNECT_TIMEOUT:
    case MEMVID_HTTP_READ:
    case MEMVID_HTTP_WRITE:
    case MEMVID_HTTP_TLS_HANDSHAKE:
    case MEMVID_HTTP_UNKNOWN:
      return true;
    default:
      return false;
  }
}

std::string describe(int outcome, const char* other, int timeout_ms) {
  const std::string limit = std::to_string(timeout_ms) + " ms";
  switch (outcome) {
    case MEMVID_HTTP_CONNECTION:
      return "could not connect (refused, unreachable or unknown host)";
    case MEMVID_HTTP_CONNECT_TIMEOUT:
      return "connecting timed out after " + limit;
    case MEMVID_HTTP_READ:
      return "no answer within " + limit + ", or the connection was lost while reading it";
    case MEMVID_HTTP_WRITE:
      return "sending the request failed (timed out after " + limit + " or the connection was lost)";
    case MEMVID_HTTP_TLS_HANDSHAKE:
      return "the TLS handshake failed (is the endpoint really https?)";
    case MEMVID_HTTP_TLS_VERIFICATION:
      return "the server's TLS certificate could not be verified";
    case MEMVID_HTTP_TLS_CERTIFICATES:
      return "the system's CA certificates could not be loaded";
    default:
      return "transport error " + std::string(other);
  }
}

// The plugin's entry points, loaded on the first request of the process.
struct HttpPlugin {
  memvid_http_open_v1_fn open = nullptr;
  memvid_http_post_v1_fn post = nullptr;
  memvid_http_close_v1_fn close = nullptr;
  std::string error;
};

const HttpPlugin& http_plugin() {
  static const HttpPlugin loaded = [] {
    const Plugin found = load_plugin(MEMVID_HTTP_PLUGIN_FILE, "MEMVID_HTTP_PLUGIN", "HTTP support (model endpoints)",
                                     {MEMVID_HTTP_OPEN_SYMBOL, MEMVID_HTTP_POST_SYMBOL, MEMVID_HTTP_CLOSE_SYMBOL});
    HttpPlugin p;
    p.error = found.error;
    if (found.symbols.size() == 3) {
      p.open = reinterpret_cast<memvid_http_open_v1_fn>(found.symbols[0]);
      p.post = reinterpret_cast<memvid_http_post_v1_fn>(found.symbols[1]);
      p.close = reinterpret_cast<memvid_http_close_v1_fn>(found.symbols[2]);
    }
    return p;
  }();
  return loaded;
}

struct ClientClose {
  void operator()(memvid_http_client* c) const { http_plugin().close(c); }
};

std::string byte_size(std::size_t n) {
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  return n % kMiB == 0 ? std::to_string(n / kMiB) + " MiB" : std::to_string(n) + " bytes";
}

}  // namespace

struct JsonHttpClient::Impl {
  using Client = std::unique_ptr<memvid_http_client, ClientClose>;

  Impl(EndpointUrl u, JsonHttpOptions o) : url(std::move(u)), options(std::move(o)) {
    headers = {{"Accept", "application/json"}, {"User-Agent", "memvid-cpp/" + std::string(kVersion)}};
    if (!options.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + options.api_key);
    headers.emplace_back("Content-Type", "application/json");
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::ProviderFailed, options.label + " " + url.display + ": " + what);
  }

  // The server may quote the request back (OpenAI's 401 shows part of the key).
  std::string quote(std::string_view text) const {
    std::string s(text);
    const std::string& key = options.api_key;
    if (!key.empty())
      for (auto at = s.find(key); at != std::string::npos; at = s.find(key, at + 3)) s.replace(at, key.size(), "***");
    return excerpt(s);
  }

  std::string post(const std::string& body) {
    Client client = acquire();
    std::string answer = post_with_retries(client.get(), body);
    release(std::move(client));
    return answer;
  }

  struct Receiver {
    std::string received;
    std::size_t limit = 0;  // 0: none
    bool too_large = false;
  };

  static int receive(void* ctx, const char* data, std::size_t size) noexcept {
    auto& r = *static_cast<Receiver*>(ctx);
    if (r.limit != 0 && size > r.limit - r.received.size()) {
      r.too_large = true;
      return 1;
    }
    try {
      r.received.append(data, size);
      return 0;
    } catch (...) {
      r.too_large = true;
      return 1;
    }
  }

  std::string post_with_retries(memvid_http_client* client, const std::string& body) const {
    std::vector<const char*> names, values;
    for (const auto& [name, value] : headers) {
      names.push_back(name.c_str());
      values.push_back(value.c_str());
    }
    const int attempts = options.retries + 1;
    for (int attempt = 1;; ++attempt) {
      std::string failure;
      bool retry = false;
      std::optional<milliseconds> asked;
      {
        // The answer is read here rather than by the transport: that is where its size is
        // capped, decompressed bytes included.
        Receiver receiver;
        receiver.limit = options.max_response_bytes;
        memvid_http_answer_v1 answer{};
        int outcome = MEMVID_HTTP_OTHER;
        {
          SigpipeBlock no_sigpipe;
          outcome = http_plugin().post(client, url.target.c_str(), names.data(), values.data(), names.size(),
                                       body.data(), body.size(), &receiver, &Impl::receive, &answer);
        }
        if (receiver.too_large) {
          fail("the answer is larger than " + byte_size(options.max_response_bytes) + " (HTTP " +
               std::to_string(answer.status) + ")");
        } else if (outcome != MEMVID_HTTP_ANSWERED) {
          failure = describe(outcome, answer.error, options.timeout_ms);
          retry = transient(outcome);
        } else if (answer.status >= 200 && answer.status < 300) {
          return std::move(receiver.received);
        } else {
          const int status = answer.status;
          const ServerError e = read_server_error(receiver.received);
          failure = "HTTP " + std::to_string(status) + ": " + quote(e.message);
          if (status >= 300 && status < 400 && answer.location[0] != '\0')
            failure += " (redirected to " + quote(answer.location) + "; set base_url to it)";
          retry = (status == 408 || status == 429 || status >= 500) && !e.quota_exhausted;
          asked = requested_retry_delay(answer.retry_after_ms, answer.retry_after, std::chrono::system_clock::now());
        }
      }
      if (!retry || attempt >= attempts) {
        if (attempt > 1) failure += " (after " + std::to_string(attempt) + " attempts)";
        fail(failure);
      }
      std::this_thread::sleep_for(asked ? std::min(*asked, kMaxRetryDelay) : backoff(attempt));
    }
  }

  milliseconds backoff(int attempt) const {
    const double ms = static_cast<double>(options.retry_backoff_ms) * std::pow(2.0, std::min(attempt - 1, 30));
    return milliseconds(static_cast<std::int64_t>(std::min(ms, static_cast<double>(kMaxRetryDelay.count()))));
  }

  // One client per concurrent call: a transport client is not safe to share between threads.
  // Idle ones are kept so later calls reuse their keep-alive connection (a TLS handshake
  // costs a round trip or two).
  Client acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!idle.empty()) {
        Client c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    const HttpPlugin& plugin = http_plugin();
    if (!plugin.open) fail(plugin.error);
    char error[256] = {};
    Client c(plugin.open(url.https ? 1 : 0, url.host.c_str(), url.port, options.timeout_ms, error, sizeof error));
    if (!c) fail(error[0] != '\0' ? error : "could not set up a client");
    return c;
  }

  // Only a client whose call succeeded comes back: after a failure its connection state is
  // better dropped.
  void release(Client c) {
    std::lock_guard lock(pool_mutex);
    if (idle.size() < kMaxIdleClients) idle.push_back(std::move(c));
  }

  const EndpointUrl url;
  const JsonHttpOptions options;
  std::vector<std::pair<std::string, std::string>> headers;
  std::mutex pool_mutex;
  std::vector<Client> idle;
};

JsonHttpClient::JsonHttpClient(EndpointUrl url, JsonHttpOptions options) {
  if (options.timeout_ms <= 0) invalid("timeout_ms must be positive, not " + std::to_string(options.timeout_ms));
  if (options.retries < 0) invalid("retries must not be negative, not " + std::to_string(options.retries));
  if (options.retry_backoff_ms < 0)
    invalid("retry_backoff_ms must not be negative, not " + std::to_string(options.retry_backoff_ms));
  impl_ = std::make_unique<Impl>(std::move(url), std::move(options));
}

JsonHttpClient::~JsonHttpClient() = default;

std::string JsonHttpClient::post_json(const std::string& body) { return impl_->post(body); }

void JsonHttpClient::fail(const std::string& what) const { impl_->fail(what); }

std::string JsonHttpClient::quote(std::string_view text) const { return impl_->quote(text); }

const EndpointUrl& JsonHttpClient::url() const { return impl_->url; }

EndpointUrl parse_endpoint_url(std::string_view base_url, std::string_view path_suffix) {
  const std::string_view url = trim(base_url);
  const std::size_t sep = url.find("://");
  const std::string_view after_scheme = sep == std::string_view::npos ? url : url.substr(sep + 3);
  const std::string_view authority = after_scheme.substr(0, after_scheme.find_first_of("/?#"));
  // Checked before anything echoes the URL: the part before '@' is a password.
  if (authority.find('@') != std::string_view::npos)
    invalid("base_url must not hold user credentials (user:password@host); the API key goes in the environment "
            "variable named by api_key_env");
  const std::string shown = "base_url '" + std::string(url.substr(0, 200)) + "'";
  if (url.empty()) invalid("base_url is empty; it must look like http(s)://host[:port][/prefix]");
  if (sep == std::string_view::npos) invalid(shown + " must start with http:// or https://");

  EndpointUrl out;
  const std::string scheme = lower(url.substr(0, sep));
  if (scheme == "https")
    out.https = true;
  else if (scheme != "http")
    invalid(shown + " must start with http:// or https://");
  for (char c : after_scheme)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      invalid(shown + " holds a space or control character (percent-encode it)");

  std::string_view port_text;
  bool has_port = false;
  bool ipv6 = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) invalid(shown + " has an unclosed '[' in its host");
    out.host = std::string(authority.substr(1, close - 1));
    ipv6 = true;
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      invalid(shown + " has an invalid IPv6 address in its host");
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') invalid(shown + " has characters after its IPv6 address");
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) invalid(shown + " has no host");
    if (!std::all_of(out.host.begin(), out.host.end(), host_char)) invalid(shown + " has an invalid host name");
  }
  out.port = out.https ? 443 : 80;
  if (has_port) {
    int port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (!all_digits(port_text) || ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535)
      invalid(shown + " has port '" + std::string(port_text.substr(0, 20)) + "'; a port is a number from 1 to 65535");
    out.port = port;
  }

  std::string_view tail = after_scheme.substr(authority.size());
  tail = tail.substr(0, tail.find('#'));
  const std::size_t q = tail.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view{} : tail.substr(q + 1);
  std::string_view path = tail.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  const std::string endpoint_path = std::string(path) + std::string(path_suffix);
  out.target = endpoint_path + (query.empty() ? "" : "?" + std::string(query));
  out.display = scheme + "://" + (ipv6 ? "[" + out.host + "]" : out.host) +
                (has_port ? ":" + std::to_string(out.port) : "") + endpoint_path;
  return out;
}

std::optional<milliseconds> requested_retry_delay(std::string_view retry_after_ms, std::string_view retry_after,
                                                  std::chrono::system_clock::time_point now) {
  constexpr double kDayMs = 86'400'000.0;
  retry_after_ms = trim(retry_after_ms);
  if (!retry_after_ms.empty()) {
    double ms = 0;
    const auto [end, ec] = std::from_chars(retry_after_ms.data(), retry_after_ms.data() + retry_after_ms.size(), ms);
    if (ec == std::errc{} && end == retry_after_ms.data() + retry_after_ms.size() && std::isfinite(ms) && ms >= 0)
      return milliseconds(static_cast<std::int64_t>(std::ceil(std::min(ms, kDayMs))));
  }
  retry_after = trim(retry_after);
  if (retry_after.empty()) return std::nullopt;
  if (all_digits(retry_after)) {
    // More digits than a day has seconds: a day.
    if (retry_after.size() > 5) return milliseconds(static_cast<std::int64_t>(kDayMs));
    int seconds = 0;
    std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    return milliseconds(std::min<std::int64_t>(seconds * std::int64_t{1000}, static_cast<std::int64_t>(kDayMs)));
  }
  const auto when = parse_http_date(retry_after);
  if (!when) return std::nullopt;
  const auto wait = std::chrono::duration_cast<milliseconds>(*when - now);
  return std::clamp(wait, milliseconds(0), milliseconds(static_cast<std::int64_t>(kDayMs)));
}

std::string api_key_from_env(const std::string& env_name) {
  std::string key;
  if (!env_name.empty()) {
    if (const char* value = std::getenv(env_name.c_str())) key = std::string(trim(value));
  }
  if (std::any_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    invalid("the API key in $" + env_name + " holds a control character");
  return key;
}

}  // namespace memvid::io
