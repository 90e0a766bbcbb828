#pragma once
// Fake HTTP peers on 127.0.0.1 for the tests of the model endpoint clients (embeddings,
// chat): a JSON server whose answers a test scripts, a listener that drops every
// connection, a port nothing listens on, and the helpers those tests share.
#include <gtest/gtest.h>

// libcpp-httplib is a compiled library built with OpenSSL; its classes have the layout this
// header gives them only with the same definition the memvid library is compiled with.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "memvid/error.hpp"

namespace memvid::testing {

struct SeenRequest {
  std::string method;
  std::string path;
  std::string target;
  httplib::Headers headers;
  nlohmann::json body;  // discarded when the body is not JSON
};

// Answers every POST with the reply the test set (by default 404); records each request.
class FakeHttpServer {
 public:
  // call counts requests from 1, over the server's life.
  using Reply = std::function<void(const nlohmann::json& request, httplib::Response& res, int call)>;

  FakeHttpServer();
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  void on_post(Reply reply);
  // Answers every later request with this.
  void answer_with(int status, std::string body, std::string content_type = "application/json");
  std::string url(const std::string& prefix = "/v1") const {
    return "http://127.0.0.1:" + std::to_string(port_) + prefix;
  }
  int port() const { return port_; }
  std::vector<SeenRequest> requests() const;
  // Waits like a slow server; returns early when the server shuts down.
  void stall(std::chrono::milliseconds d);

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
  DroppingListener();
  ~DroppingListener();
  DroppingListener(const DroppingListener&) = delete;
  DroppingListener& operator=(const DroppingListener&) = delete;
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
int closed_port();

// Sets (or, with nullptr, unsets) an environment variable; unsets it again at the end.
class ScopedEnvVar {
 public:
  ScopedEnvVar(const char* name, const char* value);
  ~ScopedEnvVar();
  ScopedEnvVar(const ScopedEnvVar&) = delete;
  ScopedEnvVar& operator=(const ScopedEnvVar&) = delete;

 private:
  const char* name_;
};

// The value of a header ("" when absent).
std::string header(const httplib::Headers& headers, const std::string& name);

long long ms_since(std::chrono::steady_clock::time_point start);

// The message of the memvid::Error f throws (failing the test when it throws none or
// another code).
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

}  // namespace memvid::testing
