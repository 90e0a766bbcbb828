#include "crypto/staged_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "memvid/error.hpp"

namespace memvid::crypto {
namespace {

[[noreturn]] void throw_errno(int err, const std::string& what) {
  ErrorCode code = ErrorCode::Io;
  if (err == ENOSPC || err == EDQUOT) code = ErrorCode::NoSpace;
  if (err == ENOENT) code = ErrorCode::NotFound;
  if (err == EEXIST) code = ErrorCode::AlreadyExists;
  throw Error(code, what + ": " + std::strerror(err));
}

std::string directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

std::string temp_name_beside(const std::string& dest) {
  const std::filesystem::path p(dest);
  std::random_device random;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%ld-%08x%08x", static_cast<long>(::getpid()), random(), random());
  return (p.parent_path() / ("." + p.filename().string() + ".tmp-" + suffix)).string();
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, "open directory " + dir + " to sync it");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw_errno(err, "sync directory " + dir);
}

// rename() without replacing: renameat2(RENAME_NOREPLACE) where the file system has it,
// else link() + unlink(), which refuses an existing name just the same.
void rename_no_replace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS) throw_errno(errno, "rename " + from + " to " + to);
  if (::link(from.c_str(), to.c_str()) != 0) throw_errno(errno, "link " + from + " to " + to);
  ::unlink(from.c_str());
}

// Replacing a symlink would turn the link into a separate file and leave the file it names
// unchanged: the file at the end of the links is what gets replaced.
std::string through_symlinks(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(path, ec)) return path;
  const std::filesystem::path real = std::filesystem::canonical(path, ec);
  return ec ? path : real.string();
}

}  // namespace

StagedFile::StagedFile(std::string dest, mode_t mode) : dest_(through_symlinks(dest)) {
  temp_ = temp_name_beside(dest_);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd_ < 0) throw_errno(errno, "create " + temp_);
}

StagedFile::~StagedFile() {
  close_fd();
  if (!committed_) ::unlink(temp_.c_str());
}

void StagedFile::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void StagedFile::write(const void* data, std::size_t len) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (len > 0) {
    const ssize_t n = ::write(fd_, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "write " + temp_);
    }
    p += n;
    len -= static_cast<std::size_t>(n);
  }
}

void StagedFile::commit(bool overwrite) {
  if (::fsync(fd_) != 0) throw_errno(errno, "sync " + temp_);
  // close() can report a deferred write error (NFS); the file must not be renamed then.
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0 && errno != EINTR) throw_errno(errno, "close " + temp_);
  if (overwrite) {
    if (::rename(temp_.c_str(), dest_.c_str()) != 0) throw_errno(errno, "rename " + temp_ + " to " + dest_);
  } else {
    try {
      rename_no_replace(temp_, dest_);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::AlreadyExists)
        throw Error(ErrorCode::AlreadyExists, dest_ + " already exists (it appeared while it was being written)");
      throw;
    }
  }
  committed_ = true;
  sync_directory(directory_of(dest_));
}

}  // namespace memvid::crypto
