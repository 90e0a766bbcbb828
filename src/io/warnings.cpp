#include "io/warnings.hpp"

#include <deque>

namespace memvid {
namespace {

constexpr std::size_t kKept = 64;

std::deque<Warning>& pending() {
  thread_local std::deque<Warning> warnings;
  return warnings;
}

}  // namespace

std::vector<Warning> take_warnings() {
  std::deque<Warning>& p = pending();
  std::vector<Warning> out(std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
  p.clear();
  return out;
}

namespace io {

void warn(ErrorCode code, std::string step, std::string message) {
  std::deque<Warning>& p = pending();
  // A step retried in the same call (a checkpoint at commit, again at close) says it once.
  for (const Warning& w : p)
    if (w.code == code && w.step == step && w.message == message) return;
  if (p.size() == kKept) p.pop_front();
  p.push_back(Warning{code, std::move(step), std::move(message)});
}

void warn_after_commit(const char* step, const std::string& what, const Error& error, const std::string& consequence) {
  warn(error.code(), step,
       "committed, but " + what + " failed: " + error.what() + (consequence.empty() ? "" : ". " + consequence));
}

}  // namespace io
}  // namespace memvid
