#pragma once
// An output file that appears at its destination whole or not at all, built through the Env:
// an Env temporary file beside the destination (unnamed where the file system allows, so a
// killed process leaves nothing behind), written, synced and put in place in one step. Not
// committed, it is discarded: a failure never leaves partial output.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "memvid/env.hpp"

namespace memvid::crypto {

class StagedFile {
 public:
  // mode: permission bits of the new file (the umask applies).
  StagedFile(std::shared_ptr<Env> env, std::string dest, unsigned mode);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  // Appends. Throws Io, or NoSpace when the disk is full.
  void write(const void* data, std::size_t len);
  // Puts the file at dest. Without overwrite, a dest that exists by now (even one created
  // after the caller checked) is left alone: AlreadyExists.
  void commit(bool overwrite);

 private:
  std::shared_ptr<Env> env_;
  std::string dest_;
  std::string temp_;
  std::unique_ptr<File> file_;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace memvid::crypto
