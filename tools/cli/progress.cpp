#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace memvid::cli {
namespace {

constexpr int kBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string size_text(double bytes, const char* suffix) {
  static constexpr const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000.0 && unit < 4) {
    bytes /= 1000.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s%s", bytes, kUnits[unit], suffix);
  return buf;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::size_t total_files, std::uint64_t total_bytes)
    : enabled_(total_files > kMinFiles && ::isatty(STDERR_FILENO) == 1),
      total_(total_files),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t files_done, std::uint64_t bytes_done) {
  done_ = files_done;
  bytes_ = bytes_done;
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
  // The estimate follows bytes, not files: one large PDF takes longer than many notes.
  std::string eta = "--:--";
  if (bytes_ >= total_bytes_) eta = duration_text(0);
  else if (rate > 0) eta = duration_text(static_cast<double>(total_bytes_ - bytes_) / rate);
  // \033[K clears what a longer previous line left behind.
  std::fprintf(stderr, "\r[%s] %zu/%zu files  %s/%s  %s  ETA %s\033[K", bar.c_str(), done_, total_,
               size_text(static_cast<double>(bytes_), "").c_str(), size_text(static_cast<double>(total_bytes_), "").c_str(),
               size_text(rate, "/s").c_str(), eta.c_str());
  std::fflush(stderr);
}

}  // namespace memvid::cli
