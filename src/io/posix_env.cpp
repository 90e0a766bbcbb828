// The production Env: pread/pwrite/fdatasync and open-file-description (OFD) byte-range
// locks, which belong to the open file rather than the process, so two handles in one
// process exclude each other just as two processes do, and die with their process.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "io/warnings.hpp"

namespace memvid {
namespace {

[[noreturn]] void throw_errno(int err, const std::string& what) {
  ErrorCode code = ErrorCode::Io;
  if (err == ENOSPC || err == EDQUOT) code = ErrorCode::NoSpace;
  if (err == ENOENT) code = ErrorCode::NotFound;
  if (err == EEXIST) code = ErrorCode::AlreadyExists;
  throw Error(code, what + ": " + std::strerror(err));
}

// A mapping of a file range; the kernel keeps the file's pages while it lives, after the
// descriptor closes too.
class MappedView final : public FileView {
 public:
  MappedView(void* base, std::size_t mapped, std::size_t skip, std::size_t size)
      : base_(base), mapped_(mapped), data_(static_cast<const std::uint8_t*>(base) + skip), size_(size) {}
  ~MappedView() override { ::munmap(base_, mapped_); }
  MappedView(const MappedView&) = delete;
  MappedView& operator=(const MappedView&) = delete;
  const std::uint8_t* data() const override { return data_; }
  std::size_t size() const override { return size_; }

 private:
  void* base_;
  std::size_t mapped_;
  const std::uint8_t* data_;
  std::size_t size_;
};

// MEMVID_NO_MMAP=1 reads index parts into memory instead (for file systems where a mapping
// may lose its pages, such as some network mounts).
bool mapping_allowed() {
  static const bool allowed = [] {
    const char* v = std::getenv("MEMVID_NO_MMAP");
    return v == nullptr || *v == 0 || std::string_view(v) == "0";
  }();
  return allowed;
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }
  int fd() const { return fd_; }

  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    for (;;) {
      ssize_t n = ::pread(fd_, buf, len, static_cast<off_t>(offset));
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) throw_errno(errno, "read " + path_ + " at offset " + std::to_string(offset));
    }
  }

  void write_at(std::uint64_t offset, const void* buf, std::size_t len) override {
    const auto* p = static_cast<const std::uint8_t*>(buf);
    while (len > 0) {
      ssize_t n = ::pwrite(fd_, p, len, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, "write " + path_ + " at offset " + std::to_string(offset));
      }
      if (n == 0) throw_errno(ENOSPC, "write " + path_ + " at offset " + std::to_string(offset));
      p += n;
      offset += static_cast<std::uint64_t>(n);
      len -= static_cast<std::size_t>(n);
    }
  }

  void sync() override {
    if (::fdatasync(fd_) != 0) throw_errno(errno, "sync " + path_);
  }

  std::uint64_t size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw_errno(errno, "stat " + path_);
    return static_cast<std::uint64_t>(st.st_size);
  }

  void truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0)
      throw_errno(errno, "truncate " + path_ + " to " + std::to_string(size));
  }

  bool try_lock(std::uint64_t offset, LockKind kind) override {
    struct flock fl = range(offset, kind == LockKind::Exclusive ? F_WRLCK : F_RDLCK);
    if (::fcntl(fd_, F_OFD_SETLK, &fl) == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;
    throw_errno(errno, "lock " + path_);
  }

  void unlock(std::uint64_t offset) override {
    struct flock fl = range(offset, F_UNLCK);
    ::fcntl(fd_, F_OFD_SETLK, &fl);
  }

  bool is_locked_elsewhere(std::uint64_t offset, LockKind kind) override {
    struct flock fl = range(offset, kind == LockKind::Exclusive ? F_WRLCK : F_RDLCK);
    if (::fcntl(fd_, F_OFD_GETLK, &fl) != 0) throw_errno(errno, "query lock on " + path_);
    return fl.l_type != F_UNLCK;
  }

  std::shared_ptr<const FileView> view(std::uint64_t offset, std::size_t len, const char* what) override {
    // Small ranges cost less to read than to map and unmap.
    constexpr std::size_t kMinMapped = 64 * 1024;
    if (len < kMinMapped || !mapping_allowed()) return File::view(offset, len, what);
    // A mapping past the end of the file would fault when read: the file must hold the range.
    if (offset > size() || len > size() - offset)
      throw Error(ErrorCode::Corrupt, std::string(what) + " at file offset " + std::to_string(offset) + ": " +
                                          std::to_string(len) + " bytes run past the end of " + path_);
    static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = offset / page * page;
    const auto skip = static_cast<std::size_t>(offset - start);
    void* base = ::mmap(nullptr, len + skip, PROT_READ, MAP_SHARED, fd_, static_cast<off_t>(start));
    if (base == MAP_FAILED) return File::view(offset, len, what);
    return std::make_shared<MappedView>(base, len + skip, skip, len);
  }

 private:
  static struct flock range(std::uint64_t offset, short type) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = static_cast<off_t>(offset);
    fl.l_len = 1;
    fl.l_pid = 0;  // required by OFD locks
    return fl;
  }
  int fd_;
  std::string path_;
};

class PosixEnv final : public Env {
 public:
  std::unique_ptr<File> open(const std::string& path, OpenMode mode) override {
    // A directory, FIFO or device is refused before open(): opening a FIFO would block.
    struct stat st {};
    if (mode != OpenMode::CreateNew && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) not_regular(path, st);
    int flags = O_CLOEXEC | O_NONBLOCK;  // no effect on regular files; a FIFO swapped in meanwhile cannot block
    switch (mode) {
      case OpenMode::ReadOnly: flags |= O_RDONLY; break;
      case OpenMode::ReadWrite: flags |= O_RDWR; break;
      case OpenMode::CreateNew: flags |= O_RDWR | O_CREAT | O_EXCL; break;
    }
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
      const int err = errno;
      if (mode != OpenMode::ReadOnly && (err == EACCES || err == EPERM || err == EROFS))
        throw Error(ErrorCode::ReadOnly, "cannot write to " + path + ": " + std::strerror(err) + " (nothing was changed)");
      throw_errno(err, "open " + path);
    }
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
      ::close(fd);
      not_regular(path, st);
    }
    // Root may write to any file, but a file nobody may write to was protected on purpose.
    if (mode == OpenMode::ReadWrite && (st.st_mode & 0222) == 0) {
      ::close(fd);
      char octal[8];
      std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      throw Error(ErrorCode::ReadOnly, path + " is write-protected (mode " + octal +
                                           "): memvid does not write to it, even as root; `chmod u+w " + path +
                                           "` allows it (nothing was changed)");
    }
    return std::make_unique<PosixFile>(fd, path);
  }
  bool exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
  void remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw_errno(errno, "remove " + path);
  }
  std::string create_temp(const std::string& beside_path, unsigned mode) override {
    // The file that will be replaced is the one a symlink points to, so the new file is
    // built in its directory (a rename cannot cross file systems).
    const std::string beside = through_symlinks(beside_path);
    const std::string dir = directory_of(beside);
    remove_dead_temps(beside);
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, static_cast<mode_t>(mode));
    std::string named;
    if (fd < 0) {
      // Filesystems without O_TMPFILE get a named file: left behind only by a crash.
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) throw_errno(errno, "create a file in " + dir);
      named = hidden_temp_name(beside);
      fd = ::open(named.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
      if (fd < 0) throw_errno(errno, "create " + named);
    }
    // The descriptor keeps the unnamed file alive; /proc/self/fd names it for open().
    std::string name = named.empty() ? "/proc/self/fd/" + std::to_string(fd) : named;
    std::lock_guard lock(mu_);
    temps_[name] = Temp{fd, beside, named};
    return name;
  }

  void commit_temp(const std::string& temp, const std::string& dest_path, bool replace) override {
    // Replacing a symlink would leave the memory it names behind, unchanged, while the link
    // turned into a separate file: the file at the end of the links is what gets replaced.
    const std::string dest = through_symlinks(dest_path);
    Temp t = take_temp(temp);
    auto close_fd = [&] { ::close(t.fd); };
    if (::fsync(t.fd) != 0) {
      int err = errno;
      close_fd();
      if (!t.named.empty()) ::unlink(t.named.c_str());
      throw_errno(err, "sync the new " + dest);
    }
    if (!replace) {
      // Linking refuses an existing name: no window in which another file could be replaced.
      const std::string& from = t.named.empty() ? temp : t.named;
      if (::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, dest.c_str(), t.named.empty() ? AT_SYMLINK_FOLLOW : 0) != 0) {
        int err = errno;
        close_fd();
        if (!t.named.empty()) ::unlink(t.named.c_str());
        if (err == EEXIST) throw Error(ErrorCode::AlreadyExists, dest + " already exists (it appeared while it was being written)");
        throw_errno(err, "name the new " + dest);
      }
      close_fd();
      if (!t.named.empty()) ::unlink(t.named.c_str());
    } else {
      std::string from = t.named;
      if (from.empty()) {
        // An unnamed file gets a name only now, for the instant before the rename.
        from = hidden_temp_name(dest);
        if (::linkat(AT_FDCWD, temp.c_str(), AT_FDCWD, from.c_str(), AT_SYMLINK_FOLLOW) != 0) {
          int err = errno;
          close_fd();
          throw_errno(err, "name the new " + dest);
        }
      }
      // Nothing between the link and the rename: that instant is all a kill can leave behind.
      const int renamed = ::rename(from.c_str(), dest.c_str());
      const int err = errno;
      close_fd();
      if (renamed != 0) {
        ::unlink(from.c_str());
        throw_errno(err, "rename the new file over " + dest);
      }
    }
    // The new file is in place: a failed directory sync only means a power cut now might
    // bring the old one back. That is a warning about durability, not a failure of the work.
    try {
      sync_directory(directory_of(dest));
    } catch (const Error& e) {
      io::warn_after_commit("directory-sync", "syncing the directory of " + dest + " after putting the new file in place",
                            e, "A power cut before the system writes it back may bring the previous file back");
    }
  }

  void keep_as(const std::string& path_in, const std::string& backup) override {
    const std::string path = through_symlinks(path_in);
    if (::link(path.c_str(), backup.c_str()) != 0) {
      const int err = errno;
      if (err != EPERM && err != EOPNOTSUPP && err != EXDEV && err != EMLINK) throw_errno(err, "link " + path + " as " + backup);
      Env::keep_as(path, backup);  // no hard links here: a copy
      return;
    }
    sync_directory(directory_of(backup));
  }

  void discard_temp(const std::string& temp) override {
    Temp t = take_temp(temp);
    ::close(t.fd);
    if (!t.named.empty()) ::unlink(t.named.c_str());
  }

  bool same_file(File& file, const std::string& path) override {
    auto* posix = dynamic_cast<PosixFile*>(&file);
    if (!posix) return true;
    struct stat open_st {}, path_st {};
    if (::fstat(posix->fd(), &open_st) != 0 || ::stat(path.c_str(), &path_st) != 0) return false;
    return open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino;
  }

  std::int64_t now_ms() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  void sleep_ms(int ms) override { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

 private:
  struct Temp {
    int fd = -1;
    std::string beside;
    std::string named;  // empty: unnamed (O_TMPFILE)
  };

  [[noreturn]] static void not_regular(const std::string& path, const struct stat& st) {
    const char* what = S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "a device or special file";
    throw Error(ErrorCode::NotAMemory, path + " is " + what + ", not a memvid memory (nothing was changed)");
  }

  // The path with every symlink resolved, when it is one and its target exists; else as given.
  static std::string through_symlinks(const std::string& path) {
    struct stat lst {};
    if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return path;
    char* real = ::realpath(path.c_str(), nullptr);
    if (!real) return path;
    std::string out(real);
    std::free(real);
    return out;
  }

  static std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
  }

  static constexpr const char* kTempTag = ".memvid-tmp-";

  // A process killed in the instant between naming its new file and renaming it over the
  // old one (or, without O_TMPFILE, at any time before the rename) leaves a hidden
  // ".NAME.memvid-tmp-PID-N" beside NAME. The next file built beside NAME removes those
  // whose process is gone; a live process's file is never touched. Best effort: a
  // directory that cannot be read or a name that cannot be removed stays as it is.
  static void remove_dead_temps(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string prefix = "." + (slash == std::string::npos ? path : path.substr(slash + 1)) + kTempTag;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (!name.starts_with(prefix)) continue;
      const std::string_view rest = name.substr(prefix.size());
      const auto dash = rest.find('-');
      if (dash == 0 || dash == std::string_view::npos || dash > 9) continue;
      if (rest.substr(0, dash).find_first_not_of("0123456789") != std::string_view::npos) continue;
      const pid_t pid = static_cast<pid_t>(std::stol(std::string(rest.substr(0, dash))));
      if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
      ::unlinkat(::dirfd(d), e->d_name, 0);
    }
    ::closedir(d);
  }

  static std::string hidden_temp_name(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    static std::mt19937_64 rng{std::random_device{}()};
    static std::mutex rng_mu;
    std::lock_guard lock(rng_mu);
    return dir + "." + base + kTempTag + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000);
  }

  static void sync_directory(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw_errno(errno, "open directory " + dir);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) throw_errno(err, "sync directory " + dir);
  }

  Temp take_temp(const std::string& temp) {
    std::lock_guard lock(mu_);
    auto it = temps_.find(temp);
    if (it == temps_.end()) throw Error(ErrorCode::InvalidArgument, temp + " is not a temporary file of this process");
    Temp t = it->second;
    temps_.erase(it);
    return t;
  }

  std::mutex mu_;
  std::map<std::string, Temp> temps_;
};

}  // namespace

std::shared_ptr<Env> default_env() {
  static std::shared_ptr<Env> env = std::make_shared<PosixEnv>();
  return env;
}

}  // namespace memvid
