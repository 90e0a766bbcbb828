#include "support/fake_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace memvid::testing {

namespace {

void block_sigpipe_on_this_thread() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

}  // namespace

FakeHttpServer::FakeHttpServer() {
  // An idle keep-alive connection holds a server thread this long after stop().
  server_.set_keep_alive_timeout(1);
  // The answer's headers and body go out in two writes: without this, the body of each
  // answer on a reused connection waits for the client's delayed ACK.
  server_.set_tcp_nodelay(true);
  // Each idle keep-alive connection holds a server thread: enough for concurrent tests.
  server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    // The client may have given up (timeouts): writing the answer must not kill the test.
    block_sigpipe_on_this_thread();
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
    int call = 0;
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back({req.method, req.path, req.target, req.headers, body});
      call = static_cast<int>(requests_.size());
      reply = reply_;
    }
    reply(body, res, call);
  });
  on_post([](const nlohmann::json&, httplib::Response& res, int) {
    res.status = 404;
    res.set_content(R"({"error":{"message":"no reply scripted"}})", "application/json");
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  server_.stop();
  thread_.join();
}

void FakeHttpServer::on_post(Reply reply) {
  std::lock_guard lock(mutex_);
  reply_ = std::move(reply);
}

void FakeHttpServer::answer_with(int status, std::string body, std::string content_type) {
  on_post([status, body = std::move(body), content_type = std::move(content_type)](const nlohmann::json&,
                                                                                  httplib::Response& res, int) {
    res.status = status;
    res.set_content(body, content_type);
  });
}

std::vector<SeenRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeHttpServer::stall(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  stopped_.wait_for(lock, d, [&] { return stopping_; });
}

DroppingListener::DroppingListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      ++accepted_;
      char buf[4096];
      pollfd c{conn, POLLIN, 0};
      if (::poll(&c, 1, 1000) > 0) {
        const auto got = ::recv(conn, buf, sizeof buf, 0);
        static_cast<void>(got);
      }
      ::close(conn);
    }
  });
}

DroppingListener::~DroppingListener() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

ScopedEnvVar::ScopedEnvVar(const char* name, const char* value) : name_(name) {
  if (value)
    ::setenv(name, value, 1);
  else
    ::unsetenv(name);
}

ScopedEnvVar::~ScopedEnvVar() { ::unsetenv(name_); }

std::string header(const httplib::Headers& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace memvid::testing
