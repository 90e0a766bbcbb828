#pragma once
// A one-line progress bar on stderr for long `put --input` runs:
//   [#########.....................] 123/456 files  1.2 MB/s
// Shown only when stderr is a terminal and there are enough files to be worth watching, so
// logs and pipes never receive carriage returns.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace memvid::cli {

class ProgressBar {
 public:
  static constexpr std::size_t kMinFiles = 20;

  explicit ProgressBar(std::size_t total_files);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(std::uint64_t bytes);
  // Draws the final state and ends the line; also done by the destructor.
  void finish();

 private:
  void draw();

  bool enabled_ = false;
  bool finished_ = false;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  std::uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace memvid::cli
