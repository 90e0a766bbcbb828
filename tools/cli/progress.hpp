#pragma once
// A one-line progress bar on stderr for long `put --input` runs:
//   [#########.....................] 123/456 files  41.2 MB/45.0 MB  1.2 MB/s  ETA 0:42
// Shown only when stderr is a terminal and there are enough files to be worth watching, so
// logs and pipes never receive carriage returns.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace memvid::cli {

class ProgressBar {
 public:
  static constexpr std::size_t kMinFiles = 20;

  ProgressBar(std::size_t total_files, std::uint64_t total_bytes);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(std::size_t files_done, std::uint64_t bytes_done);
  // Draws the final state and ends the line; also done by the destructor.
  void finish();

 private:
  void draw();

  bool enabled_ = false;
  bool finished_ = false;
  std::size_t total_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::size_t done_ = 0;
  std::uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace memvid::cli
