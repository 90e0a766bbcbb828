#include "ingest/tree_walk.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "ingest/glob.hpp"
#include "memvid/error.hpp"

namespace memvid::ingest {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void throw_fs_error(const std::error_code& ec, const std::string& what) {
  const ErrorCode code = ec == std::errc::no_such_file_or_directory ? ErrorCode::NotFound : ErrorCode::Io;
  throw Error(code, what + ": " + ec.message());
}

// stat() rather than fs::last_write_time: exact milliseconds since the Unix epoch without
// clock conversions.
bool stat_file(const fs::path& path, struct stat& st) { return ::stat(path.c_str(), &st) == 0; }

bool is_hidden(const std::string& relative) {
  return relative.starts_with('.') || relative.find("/.") != std::string::npos;
}

// An include that itself names a dot-file or dot-directory opts into hidden files.
bool includes_name_hidden(const IngestOptions& o) {
  return std::any_of(o.include.begin(), o.include.end(),
                     [](const std::string& p) { return p.starts_with('.') || p.find("/.") != std::string::npos; });
}

bool wanted(const std::string& relative, const IngestOptions& o, bool hidden_ok) {
  if (!hidden_ok && is_hidden(relative)) return false;
  const auto matches = [&](const std::string& p) { return glob_match(p, relative); };
  if (!o.include.empty() && std::none_of(o.include.begin(), o.include.end(), matches)) return false;
  return std::none_of(o.exclude.begin(), o.exclude.end(), matches);
}

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool valid = false;
};

FileId id_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || !stat_file(path, st)) return {};
  return {st.st_dev, st.st_ino, true};
}

void consider(InputSet& set, const fs::path& path, std::string relative, const FileId& exclude) {
  struct stat st {};
  if (!stat_file(path, st)) {
    set.skipped.push_back({path.string(), std::error_code(errno, std::generic_category()).message()});
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    set.skipped.push_back({path.string(), "not a regular file"});
    return;
  }
  if (exclude.valid && st.st_dev == exclude.dev && st.st_ino == exclude.ino) {
    set.skipped.push_back({path.string(), "the memory being written"});
    return;
  }
  InputFile f;
  f.path = path;
  f.relative = std::move(relative);
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.mtime_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  set.files.push_back(std::move(f));
}

}  // namespace

InputSet collect_inputs(const std::string& root, const IngestOptions& options, const std::string& exclude_file) {
  InputSet set;
  std::error_code ec;
  const fs::path base(root);
  const fs::file_status status = fs::status(base, ec);
  if (ec || !fs::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) throw_fs_error(ec, "cannot read " + root);
    throw Error(ErrorCode::NotFound, "no such file or directory: " + root);
  }
  const FileId exclude = id_of(exclude_file);
  if (!fs::is_directory(status)) {
    // A file named on its own is what the user asked for: no globs, no hidden rule.
    consider(set, base, base.filename().string(), exclude);
    return set;
  }
  set.from_directory = true;
  const bool hidden_ok = options.include_hidden || includes_name_hidden(options);
  std::vector<std::pair<std::string, fs::path>> entries;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // lexically_relative, not fs::relative: the latter resolves symlinks and would name a
    // linked file by where it points rather than where the user put it.
    std::string relative = it->path().lexically_relative(base).generic_string();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      // Hidden directories (.git, .cache) are not even walked.
      if (!hidden_ok && is_hidden(relative)) {
        it.disable_recursion_pending();
        ++set.filtered;
      }
      continue;
    }
    if (!wanted(relative, options, hidden_ok)) {
      ++set.filtered;
      continue;
    }
    entries.emplace_back(std::move(relative), it->path());
  }
  if (ec) throw_fs_error(ec, "cannot walk " + root);
  std::sort(entries.begin(), entries.end());
  for (auto& [relative, path] : entries) consider(set, path, std::move(relative), exclude);
  return set;
}

std::string read_file_bytes(const fs::path& path, std::uint64_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw_fs_error(std::error_code(err ? err : EIO, std::generic_category()), "cannot open " + path.string());
  }
  std::string bytes;
  char block[1 << 16];
  while (bytes.size() <= max_bytes && (in.read(block, sizeof block) || in.gcount() > 0))
    bytes.append(block, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::Io, "cannot read " + path.string());
  return bytes;
}

}  // namespace memvid::ingest
