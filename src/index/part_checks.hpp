#pragma once
// Helpers for the named checks that parts (and verify) report: outcomes and a bounded list of
// problems.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "memvid/integrity.hpp"

namespace memvid::index::checks {

inline std::string num(std::uint64_t v) { return std::to_string(v); }
inline std::string range(std::uint64_t a, std::uint64_t b) { return "[" + num(a) + ", " + num(b) + ")"; }

inline CheckResult passed(std::string detail) { return {"", CheckStatus::Passed, std::move(detail)}; }
inline CheckResult failed(std::string detail) { return {"", CheckStatus::Failed, std::move(detail)}; }
inline CheckResult skipped(std::string detail) { return {"", CheckStatus::Skipped, std::move(detail)}; }

// The first few problems of a check, and how many there were: a detail stays one readable
// line however damaged the file is.
class Problems {
 public:
  void add(std::string what) {
    if (shown_.size() < kShown) shown_.push_back(std::move(what));
    ++count_;
  }
  bool any() const { return count_ > 0; }
  std::uint64_t count() const { return count_; }
  std::string summary() const {
    std::string out;
    for (const std::string& s : shown_) out += (out.empty() ? "" : "; ") + s;
    if (count_ > shown_.size()) out += " (and " + num(count_ - shown_.size()) + " more)";
    return out;
  }

 private:
  static constexpr std::size_t kShown = 5;
  std::vector<std::string> shown_;
  std::uint64_t count_ = 0;
};

inline std::string unreadable_note(std::size_t unread, const char* what = "parts") {
  return unread == 0 ? "" : " (" + num(unread) + " unreadable " + what + " not checked)";
}

}  // namespace memvid::index::checks
