// The embedding provider for OpenAI-compatible /embeddings endpoints (OpenAI, Ollama,
// llama.cpp server, text-embeddings-inference). httplib.h is included here only: it is heavy.
//
// Behaviour a caller can rely on:
//   - POST {base_url}/embeddings {"model", "input": [...], "encoding_format": "float"
//     [, "dimensions"]}; a document is sent as "title\n\ntext" (either part alone when the
//     other is empty), a query as given, and an empty input as a single space.
//   - At most batch_size inputs per request, one request after another; answers are put
//     back in input order by their "index" and checked whole (count, indexes, numbers,
//     one dimension) before anything from them is used.
//   - Retries (with doubling backoff, or the wait a 429/503 asks for, capped at a minute)
//     on connection failures, timeouts, lost connections, HTTP 408, 429 and 5xx; never on
//     other statuses, nor on a 429 that reports an exhausted quota.
//   - timeout_ms bounds connecting and each wait for the socket to read or write; a server
//     that keeps trickling bytes can take longer in total.
//   - The API key is read from the environment once, when the provider is made, and is
//     masked out of any server text quoted in an error.
#include "embed/http_provider.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/error.hpp"
#include "memvid/version.hpp"

namespace memvid {
namespace embed {

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
bool transient(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
    case httplib::Error::Read:
    case httplib::Error::Write:
    case httplib::Error::SSLConnection:
    case httplib::Error::Unknown:
      return true;
    default:
      return false;
  }
}

std::string describe(httplib::Error e, int timeout_ms) {
  const std::string limit = std::to_string(timeout_ms) + " ms";
  switch (e) {
    case httplib::Error::Connection:
      return "could not connect (refused, unreachable or unknown host)";
    case httplib::Error::ConnectionTimeout:
      return "connecting timed out after " + limit;
    case httplib::Error::Read:
      return "no answer within " + limit + ", or the connection was lost while reading it";
    case httplib::Error::Write:
      return "sending the request failed (timed out after " + limit + " or the connection was lost)";
    case httplib::Error::SSLConnection:
      return "the TLS handshake failed (is the endpoint really https?)";
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate could not be verified";
    case httplib::Error::SSLLoadingCerts:
      return "the system's CA certificates could not be loaded";
    default:
      return "transport error " + httplib::to_string(e);
  }
}

std::string document_input(const EmbeddingText& d) {
  std::string s(d.title);
  if (!d.text.empty()) {
    if (!s.empty()) s += "\n\n";
    s += d.text;
  }
  return s;
}

// OpenAI refuses an empty input string (and some servers return no vector for it); a
// single space embeds as "nothing" everywhere.
std::string nonempty(std::string s) {
  if (s.empty()) s = " ";
  return s;
}

class HttpEmbeddingProvider final : public EmbeddingProvider {
 public:
  HttpEmbeddingProvider(const HttpEmbeddingOptions& o, EndpointUrl url, std::string api_key)
      : url_(std::move(url)),
        model_(o.model),
        recorded_name_(o.name + ":" + o.model),
        api_key_(std::move(api_key)),
        batch_size_(o.batch_size),
        timeout_ms_(o.timeout_ms),
        retries_(o.retries),
        backoff_ms_(o.retry_backoff_ms),
        requested_dimensions_(o.dimensions),
        dimension_(o.dimensions) {
    headers_ = {{"Accept", "application/json"}, {"User-Agent", "memvid-cpp/" + std::string(kVersion)}};
    if (!api_key_.empty()) headers_.emplace("Authorization", "Bearer " + api_key_);
  }

  std::string model() const override { return recorded_name_; }
  std::uint32_t dimension() const override { return dimension_.load(std::memory_order_acquire); }

  std::vector<std::vector<float>> embed_documents(std::span<const EmbeddingText> documents) override {
    std::vector<std::string> inputs;
    inputs.reserve(documents.size());
    for (const auto& d : documents) inputs.push_back(nonempty(document_input(d)));
    return embed_all(inputs);
  }

  std::vector<float> embed_query(std::string_view query) override {
    const std::vector<std::string> inputs{nonempty(std::string(query))};
    return std::move(embed_all(inputs).front());
  }

 private:
  using Client = std::unique_ptr<httplib::ClientImpl>;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::ProviderFailed, "embedding endpoint " + url_.display + ": " + what);
  }

  // The server may quote the request back (OpenAI's 401 shows part of the key).
  std::string redacted(std::string text) const {
    if (api_key_.empty()) return text;
    for (auto at = text.find(api_key_); at != std::string::npos; at = text.find(api_key_, at + 3))
      text.replace(at, api_key_.size(), "***");
    return text;
  }

  std::vector<std::vector<float>> embed_all(const std::vector<std::string>& inputs) {
    std::vector<std::vector<float>> out(inputs.size());
    if (inputs.empty()) return out;
    Client client = acquire();
    for (std::size_t start = 0; start < inputs.size(); start += batch_size_) {
      const std::size_t count = std::min(batch_size_, inputs.size() - start);
      const std::string answer = post(*client, request_body(std::span(inputs).subspan(start, count)));
      read_answer(answer, std::span(out).subspan(start, count));
    }
    release(std::move(client));
    return out;
  }

  std::string request_body(std::span<const std::string> inputs) const {
    Json input = Json::array();
    for (const std::string& s : inputs) input.push_back(s);
    Json body = {{"model", model_}, {"input", std::move(input)}, {"encoding_format", "float"}};
    if (requested_dimensions_ != 0) body["dimensions"] = requested_dimensions_;
    // Text that is not valid UTF-8 cannot go into JSON as it is; U+FFFD keeps the rest.
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  // One request with its retries; returns the body of a 2xx answer.
  std::string post(httplib::ClientImpl& client, const std::string& body) const {
    const int attempts = retries_ + 1;
    for (int attempt = 1;; ++attempt) {
      std::string failure;
      bool retry = false;
      std::optional<milliseconds> asked;
      {
        SigpipeBlock no_sigpipe;
        httplib::Result res = client.Post(url_.target, headers_, body, "application/json");
        if (!res) {
          failure = describe(res.error(), timeout_ms_);
          retry = transient(res.error());
        } else if (res->status >= 200 && res->status < 300) {
          return std::move(res->body);
        } else {
          const int status = res->status;
          const ServerError e = read_server_error(res->body);
          failure = "HTTP " + std::to_string(status) + ": " + excerpt(redacted(e.message));
          if (status >= 300 && status < 400 && res->has_header("Location"))
            failure += " (redirected to " + excerpt(redacted(res->get_header_value("Location"))) + "; set base_url to it)";
          retry = (status == 408 || status == 429 || status >= 500) && !e.quota_exhausted;
          asked = requested_retry_delay(res->get_header_value("retry-after-ms"), res->get_header_value("Retry-After"),
                                        std::chrono::system_clock::now());
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
    const double ms = static_cast<double>(backoff_ms_) * std::pow(2.0, std::min(attempt - 1, 30));
    return milliseconds(static_cast<std::int64_t>(std::min(ms, static_cast<double>(kMaxRetryDelay.count()))));
  }

  // Checks a whole answer before anything from it is kept or fixes dimension().
  void read_answer(const std::string& body, std::span<std::vector<float>> out) {
    const Json doc = Json::parse(body, nullptr, false);
    if (doc.is_discarded()) fail("the answer is not JSON: " + excerpt(redacted(body)));
    const auto data = doc.is_object() ? doc.find("data") : doc.end();
    if (!doc.is_object() || data == doc.end() || !data->is_array())
      fail("the answer has no \"data\" array: " + excerpt(redacted(body)));
    const std::size_t count = out.size();
    if (data->size() != count)
      fail("the answer holds " + std::to_string(data->size()) + " embeddings for " + std::to_string(count) + " inputs");

    std::vector<std::vector<float>> vectors(count);
    std::vector<bool> seen(count, false);
    for (std::size_t pos = 0; pos < count; ++pos) {
      const Json& item = (*data)[pos];
      if (!item.is_object()) fail("data[" + std::to_string(pos) + "] is not an object");
      // Servers that leave "index" out answer in input order.
      std::size_t index = pos;
      if (const auto it = item.find("index"); it != item.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
            static_cast<std::uint64_t>(it->get<std::int64_t>()) >= count)
          fail("data[" + std::to_string(pos) + "] has index " + excerpt(it->dump()) + ", outside 0.." +
               std::to_string(count - 1));
        index = static_cast<std::size_t>(it->get<std::int64_t>());
      }
      if (seen[index]) fail("the answer holds index " + std::to_string(index) + " twice");
      seen[index] = true;
      const auto embedding = item.find("embedding");
      if (embedding == item.end() || !embedding->is_array())
        fail("embedding " + std::to_string(index) + " is not an array of numbers" +
             (embedding != item.end() && embedding->is_string() ? " (base64? the endpoint ignored encoding_format)" : ""));
      std::vector<float>& v = vectors[index];
      v.reserve(embedding->size());
      for (const Json& x : *embedding) {
        if (!x.is_number()) fail("embedding " + std::to_string(index) + " holds " + excerpt(x.dump()) + ", not a number");
        const double d = x.get<double>();
        // Checked as a double: converting one beyond float's range is undefined behaviour.
        if (!std::isfinite(d) || std::fabs(d) > FLT_MAX)
          fail("embedding " + std::to_string(index) + " holds a non-finite value (" + excerpt(x.dump()) + ")");
        v.push_back(static_cast<float>(d));
      }
      if (v.empty()) fail("embedding " + std::to_string(index) + " is empty");
    }
    for (std::size_t i = 1; i < count; ++i)
      if (vectors[i].size() != vectors[0].size())
        fail("the answer mixes dimensions: embedding 0 has " + std::to_string(vectors[0].size()) + " values, embedding " +
             std::to_string(i) + " has " + std::to_string(vectors[i].size()));
    check_dimension(vectors[0].size());
    std::move(vectors.begin(), vectors.end(), out.begin());
  }

  void check_dimension(std::size_t got) {
    if (got > UINT32_MAX) fail("the answer holds " + std::to_string(got) + "-dimensional vectors");
    std::uint32_t expected = 0;
    // The first answer fixes the dimension, also when two threads race to give it.
    if (dimension_.compare_exchange_strong(expected, static_cast<std::uint32_t>(got), std::memory_order_acq_rel)) return;
    if (expected == got) return;
    if (requested_dimensions_ != 0)
      fail("the answer holds " + std::to_string(got) + "-dimensional vectors, but dimensions=" +
           std::to_string(expected) + " was asked for (can this model shorten its vectors?)");
    fail("the answer holds " + std::to_string(got) + "-dimensional vectors, but earlier answers were " +
         std::to_string(expected) + "-dimensional");
  }

  // One client per concurrent call: httplib clients are not safe to share between threads.
  // Idle ones are kept so later calls reuse their keep-alive connection (a TLS handshake
  // costs a round trip or two).
  Client acquire() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        Client c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    Client c;
    if (url_.https)
      c = std::make_unique<httplib::SSLClient>(url_.host, url_.port);
    else
      c = std::make_unique<httplib::ClientImpl>(url_.host, url_.port);
    if (!c->is_valid()) fail("could not set up an " + std::string(url_.https ? "https" : "http") + " client");
    const milliseconds timeout(timeout_ms_);
    c->set_connection_timeout(timeout);
    c->set_read_timeout(timeout);
    c->set_write_timeout(timeout);
    c->set_keep_alive(true);
    // httplib writes the headers and the body separately; with Nagle's algorithm the body of
    // a request on a reused connection waits for the peer's delayed ACK (~40-200 ms).
    c->set_tcp_nodelay(true);
    return c;
  }

  // Only a client whose call succeeded comes back: after a failure its connection state is
  // better dropped.
  void release(Client c) {
    std::lock_guard lock(pool_mutex_);
    if (idle_.size() < kMaxIdleClients) idle_.push_back(std::move(c));
  }

  const EndpointUrl url_;
  const std::string model_;
  const std::string recorded_name_;
  const std::string api_key_;
  const std::size_t batch_size_;
  const int timeout_ms_;
  const int retries_;
  const int backoff_ms_;
  const std::uint32_t requested_dimensions_;
  httplib::Headers headers_;
  std::atomic<std::uint32_t> dimension_;
  std::mutex pool_mutex_;
  std::vector<Client> idle_;
};

}  // namespace

EndpointUrl parse_endpoint_url(std::string_view base_url) {
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

  const std::string endpoint_path = std::string(path) + "/embeddings";
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

}  // namespace embed

std::shared_ptr<EmbeddingProvider> http_embedding_provider(const HttpEmbeddingOptions& options) {
  if (embed::trim(options.model).empty()) embed::invalid("the embedding model name is empty (e.g. text-embedding-3-small)");
  if (options.name.empty()) embed::invalid("the embedding provider name is empty (e.g. openai)");
  if (options.batch_size == 0) embed::invalid("batch_size must be at least 1");
  if (options.timeout_ms <= 0) embed::invalid("timeout_ms must be positive, not " + std::to_string(options.timeout_ms));
  if (options.retries < 0) embed::invalid("retries must not be negative, not " + std::to_string(options.retries));
  if (options.retry_backoff_ms < 0)
    embed::invalid("retry_backoff_ms must not be negative, not " + std::to_string(options.retry_backoff_ms));
  embed::EndpointUrl url = embed::parse_endpoint_url(options.base_url);

  // Read once, here: getenv is not safe against a concurrent setenv, and embed_* may run on
  // any thread.
  std::string key;
  if (!options.api_key_env.empty()) {
    if (const char* value = std::getenv(options.api_key_env.c_str())) key = std::string(embed::trim(value));
  }
  if (std::any_of(key.begin(), key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    embed::invalid("the API key in $" + options.api_key_env + " holds a control character");
  return std::make_shared<embed::HttpEmbeddingProvider>(options, std::move(url), std::move(key));
}

}  // namespace memvid
