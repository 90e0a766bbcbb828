// The HTTP plugin: cpp-httplib (TLS through OpenSSL) behind the C entry points of
// io/http_plugin_abi.h. It lives in its own shared object because loading cpp-httplib,
// OpenSSL, zlib and brotli, and OpenSSL's initialization, cost every process ~3 ms at start;
// libmemvid loads this on the first request to a model endpoint. Built with hidden
// visibility: the entry points are its only exported symbols.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "io/http_plugin_abi.h"

struct memvid_http_client {
  std::unique_ptr<httplib::ClientImpl> impl;
};

namespace {

void copy_out(char* to, std::size_t capacity, const std::string& from) {
  if (to == nullptr || capacity == 0) return;
  const std::size_t n = std::min(from.size(), capacity - 1);
  std::memcpy(to, from.data(), n);
  to[n] = '\0';
}

int outcome(httplib::Error e) {
  switch (e) {
    case httplib::Error::Success: return MEMVID_HTTP_ANSWERED;
    case httplib::Error::Connection: return MEMVID_HTTP_CONNECTION;
    case httplib::Error::ConnectionTimeout: return MEMVID_HTTP_CONNECT_TIMEOUT;
    case httplib::Error::Read: return MEMVID_HTTP_READ;
    case httplib::Error::Write: return MEMVID_HTTP_WRITE;
    case httplib::Error::SSLConnection: return MEMVID_HTTP_TLS_HANDSHAKE;
    case httplib::Error::SSLServerVerification: return MEMVID_HTTP_TLS_VERIFICATION;
    case httplib::Error::SSLLoadingCerts: return MEMVID_HTTP_TLS_CERTIFICATES;
    case httplib::Error::Canceled: return MEMVID_HTTP_STOPPED;
    case httplib::Error::Unknown: return MEMVID_HTTP_UNKNOWN;
    default: return MEMVID_HTTP_OTHER;
  }
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) memvid_http_client* memvid_http_open_v1(int https, const char* host, int port,
                                                                                int timeout_ms, char* error,
                                                                                std::size_t error_capacity) {
  try {
    auto client = std::make_unique<memvid_http_client>();
    if (https)
      client->impl = std::make_unique<httplib::SSLClient>(host, port);
    else
      client->impl = std::make_unique<httplib::ClientImpl>(host, port);
    if (!client->impl->is_valid()) {
      copy_out(error, error_capacity, std::string("could not set up an ") + (https ? "https" : "http") + " client");
      return nullptr;
    }
    const std::chrono::milliseconds timeout(timeout_ms);
    client->impl->set_connection_timeout(timeout);
    client->impl->set_read_timeout(timeout);
    client->impl->set_write_timeout(timeout);
    client->impl->set_keep_alive(true);
    // httplib writes the headers and the body separately; with Nagle's algorithm the body of
    // a request on a reused connection waits for the peer's delayed ACK (~40-200 ms).
    client->impl->set_tcp_nodelay(true);
    return client.release();
  } catch (const std::exception& e) {
    copy_out(error, error_capacity, std::string("could not set up a client: ") + e.what());
  } catch (...) {
    copy_out(error, error_capacity, "could not set up a client");
  }
  return nullptr;
}

__attribute__((visibility("default"))) int memvid_http_post_v1(memvid_http_client* client, const char* target,
                                                               const char* const* header_names,
                                                               const char* const* header_values,
                                                               std::size_t header_count, const char* body,
                                                               std::size_t body_size, void* ctx,
                                                               memvid_http_body_fn on_body,
                                                               memvid_http_answer_v1* answer) {
  *answer = memvid_http_answer_v1{};
  try {
    httplib::Request req;
    req.method = "POST";
    req.path = target;
    for (std::size_t i = 0; i < header_count; ++i) req.headers.emplace(header_names[i], header_values[i]);
    req.body.assign(body, body_size);
    req.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
      return on_body(ctx, data, size) == 0;
    };
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    const bool sent = client->impl->send(req, res, error);
    answer->status = res.status;
    copy_out(answer->retry_after_ms, sizeof answer->retry_after_ms, res.get_header_value("retry-after-ms"));
    copy_out(answer->retry_after, sizeof answer->retry_after, res.get_header_value("Retry-After"));
    copy_out(answer->location, sizeof answer->location, res.get_header_value("Location"));
    if (sent) return MEMVID_HTTP_ANSWERED;
    copy_out(answer->error, sizeof answer->error, httplib::to_string(error));
    const int o = outcome(error);
    return o == MEMVID_HTTP_ANSWERED ? MEMVID_HTTP_UNKNOWN : o;
  } catch (const std::exception& e) {
    copy_out(answer->error, sizeof answer->error, e.what());
  } catch (...) {
    copy_out(answer->error, sizeof answer->error, "an unknown failure");
  }
  return MEMVID_HTTP_OTHER;
}

__attribute__((visibility("default"))) void memvid_http_close_v1(memvid_http_client* client) { delete client; }

}  // extern "C"
