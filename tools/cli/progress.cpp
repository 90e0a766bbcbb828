#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace memvid::cli {
namespace {

constexpr int kBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string rate_text(double bytes_per_second) {
  static constexpr const char* kUnits[] = {"B/s", "KB/s", "MB/s", "GB/s"};
  int unit = 0;
  while (bytes_per_second >= 1000.0 && unit < 3) {
    bytes_per_second /= 1000.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", bytes_per_second, kUnits[unit]);
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::size_t total_files)
    : enabled_(total_files > kMinFiles && ::isatty(STDERR_FILENO) == 1),
      total_(total_files),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(std::uint64_t bytes) {
  ++done_;
  bytes_ += bytes;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  draw();
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  draw();
  std::fputc('\n', stderr);
}

void ProgressBar::draw() {
  const int filled = total_ == 0 ? kBarWidth : static_cast<int>(done_ * kBarWidth / total_);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kBarWidth - filled), '.');
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(bytes_) / seconds : 0.0;
  // \033[K clears what a longer previous line left behind.
  std::fprintf(stderr, "\r[%s] %zu/%zu files  %s\033[K", bar.c_str(), done_, total_, rate_text(rate).c_str());
  std::fflush(stderr);
}

}  // namespace memvid::cli
