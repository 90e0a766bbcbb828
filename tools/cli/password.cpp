#include "password.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "memvid/error.hpp"

namespace memvid::cli {
namespace {

constexpr const char* kDefaultEnvVar = "MEMVID_PASSWORD";
constexpr int kCaughtSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// What the signal handler needs to give the terminal its echo back before the process dies.
int g_tty_fd = -1;
struct termios g_saved_mode {};

extern "C" void restore_and_reraise(int sig) {
  ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_mode);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Turns echo off for its lifetime. Ctrl-C (or a kill) while the password is typed would
// otherwise leave the shell without echo.
class NoEcho {
 public:
  explicit NoEcho(int fd) {
    if (::tcgetattr(fd, &g_saved_mode) != 0)
      throw Error(ErrorCode::Io, std::string("cannot read the terminal's settings: ") + std::strerror(errno));
    g_tty_fd = fd;
    struct sigaction sa {};
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kCaughtSignals); ++i) ::sigaction(kCaughtSignals[i], &sa, &previous_[i]);
    struct termios quiet = g_saved_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // the Enter still moves the cursor to the next line
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  ~NoEcho() {
    ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_mode);
    for (std::size_t i = 0; i < std::size(kCaughtSignals); ++i) ::sigaction(kCaughtSignals[i], &previous_[i], nullptr);
    g_tty_fd = -1;
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  struct sigaction previous_[std::size(kCaughtSignals)] {};
};

class Terminal {
 public:
  Terminal() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {
    if (fd_ < 0)
      throw Error(ErrorCode::InvalidArgument,
                  "no terminal to ask for the password on: set MEMVID_PASSWORD, or name the environment variable "
                  "that holds it with --password-env VAR");
  }
  ~Terminal() { ::close(fd_); }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  std::string ask(const std::string& prompt) {
    NoEcho no_echo(fd_);  // before the prompt: keys typed as soon as it shows are not echoed
    write_all(prompt);
    std::string line;
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(fd_, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(ErrorCode::Io, std::string("cannot read the password: ") + std::strerror(errno));
      if (n == 0 || c == '\n') break;
      line.push_back(c);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }

 private:
  void write_all(const std::string& text) {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // an unwritable prompt does not stop the user from typing
      done += static_cast<std::size_t>(n);
    }
  }
  int fd_;
};

std::string checked(std::string password) {
  if (password.empty()) throw Error(ErrorCode::InvalidArgument, "an empty password is not allowed");
  return password;
}

}  // namespace

std::string read_password(const std::string& env_var, const std::string& prompt, bool confirm) {
  if (!env_var.empty()) {
    const char* value = std::getenv(env_var.c_str());
    if (!value)
      throw Error(ErrorCode::InvalidArgument, "environment variable " + env_var + " (from --password-env) is not set");
    return checked(value);
  }
  if (const char* value = std::getenv(kDefaultEnvVar)) return checked(value);

  Terminal tty;
  std::string first = checked(tty.ask(prompt));
  if (!confirm) return first;
  std::string second = tty.ask("Repeat the password: ");
  const bool same = first == second;
  wipe(second);
  if (!same) {
    wipe(first);
    throw Error(ErrorCode::InvalidArgument, "the two passwords differ");
  }
  return first;
}

void wipe(std::string& secret) noexcept {
  ::explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace memvid::cli
