#pragma once
// The single seam through which the library touches files (like LevelDB's Env or SQLite's
// VFS). Production code uses default_env(); tests substitute an Env that tears writes,
// drops unsynced data, shortens reads or fails with ENOSPC/EIO at a chosen call.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace memvid {

enum class LockKind { Shared, Exclusive };

// A range of a file's bytes held in memory for as long as the view lives: mapped where the
// Env can map files (the POSIX Env), read into a buffer otherwise. Index parts read this way
// touch only the pages a query needs.
class FileView {
 public:
  virtual ~FileView() = default;
  virtual const std::uint8_t* data() const = 0;
  virtual std::size_t size() const = 0;
};

// A view over bytes already in memory.
class BufferView final : public FileView {
 public:
  explicit BufferView(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  const std::uint8_t* data() const override { return bytes_.data(); }
  std::size_t size() const override { return bytes_.size(); }

 private:
  std::vector<std::uint8_t> bytes_;
};

class File {
 public:
  virtual ~File() = default;
  // Reads up to len bytes at offset; returns how many were read (short only at end of file).
  // Implementations may return fewer bytes than asked: callers loop (see io::read_exact).
  virtual std::size_t read_at(std::uint64_t offset, void* buf, std::size_t len) = 0;
  // Writes all len bytes at offset or throws memvid::Error (Io / NoSpace).
  virtual void write_at(std::uint64_t offset, const void* buf, std::size_t len) = 0;
  virtual void sync() = 0;
  virtual std::uint64_t size() = 0;
  virtual void truncate(std::uint64_t size) = 0;
  // Byte-range locks on the file itself; owned by this open file, released when it closes
  // or its process dies. try_lock returns false when another holder conflicts.
  virtual bool try_lock(std::uint64_t offset, LockKind kind) = 0;
  virtual void unlock(std::uint64_t offset) = 0;
  // True when some other open file holds a conflicting lock on that byte.
  virtual bool is_locked_elsewhere(std::uint64_t offset, LockKind kind) = 0;
  // The bytes [offset, offset + len) as a view that stays valid after the file closes;
  // Corrupt (naming what) when the file ends first. The default reads them into a buffer.
  // Only bytes that are never rewritten may be viewed: a mapped page whose bytes another
  // process cuts off the file cannot be read (the process would get SIGBUS), and committed
  // bytes are never cut.
  virtual std::shared_ptr<const FileView> view(std::uint64_t offset, std::size_t len, const char* what);
};

enum class OpenMode { ReadOnly, ReadWrite, CreateNew };

class Env {
 public:
  virtual ~Env() = default;
  virtual std::unique_ptr<File> open(const std::string& path, OpenMode mode) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual void remove(const std::string& path) = 0;
  // Building a file that replaces another (compaction, salvage, restore, capsules):
  // create_temp makes an empty file with permission bits `mode` (less the umask) in the
  // directory of `beside` and returns a name that open() accepts until commit_temp or
  // discard_temp. The POSIX Env makes it unnamed (O_TMPFILE), so a process killed before
  // commit_temp leaves nothing behind.
  virtual std::string create_temp(const std::string& beside, unsigned mode = 0644) = 0;
  // Syncs the temporary file, atomically puts it at dest and makes that durable. replace:
  // whatever is at dest is replaced; otherwise a dest that exists by then (even one created
  // after the caller checked) is left alone: AlreadyExists, and the temporary file remains.
  virtual void commit_temp(const std::string& temp, const std::string& dest, bool replace = true) = 0;
  virtual void discard_temp(const std::string& temp) = 0;
  // Gives the file at path a second name, backup (which must not exist: AlreadyExists), and
  // makes that durable, so that the bytes stay reachable after path is replaced. The POSIX Env
  // makes a hard link (no copy, no space); this default copies the bytes.
  virtual void keep_as(const std::string& path, const std::string& backup);
  // Whether path still names this open file (false once a compaction replaced it).
  virtual bool same_file(File& file, const std::string& path) = 0;
  // Wall clock in ms since the epoch (UTC); used only where the caller gave no timestamp.
  virtual std::int64_t now_ms() = 0;
  virtual void sleep_ms(int ms) = 0;
};

// The POSIX implementation: pread/pwrite/fdatasync and open-file-description locks.
std::shared_ptr<Env> default_env();

}  // namespace memvid
