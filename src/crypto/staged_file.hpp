#pragma once
// An output file that appears at its destination whole or not at all. It is written under a
// temporary name in the destination's directory (".<name>.tmp-<pid>-<random>", so that the
// final rename stays within one file system), synced, renamed into place, and the directory
// is synced so that the rename survives a power cut. Destroyed before commit(), it removes
// the temporary file: a failure never leaves partial output behind.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace memvid::crypto {

class StagedFile {
 public:
  // mode: permission bits of the new file (the umask applies).
  StagedFile(std::string dest, mode_t mode);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  // Throws Io, or NoSpace when the disk is full.
  void write(const void* data, std::size_t len);
  // Puts the file at dest. Without overwrite, a dest that exists by now (even one created
  // after the caller checked) is left alone: AlreadyExists.
  void commit(bool overwrite);

  const std::string& temp_path() const { return temp_; }

 private:
  void close_fd();

  std::string dest_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace memvid::crypto
