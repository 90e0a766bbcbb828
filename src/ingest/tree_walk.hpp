#pragma once
// Which files under an input path are read, in what order. Directories are walked
// recursively and their files sorted by relative path (byte order), so the same tree always
// yields the same documents in the same order whatever the filesystem's own order.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "memvid/ingest.hpp"

namespace memvid::ingest {

struct InputFile {
  std::filesystem::path path;  // as given joined with the relative path: what users see
  std::string relative;        // '/'-separated, relative to the given directory (or the file name)
  std::uint64_t size = 0;
  std::int64_t mtime_ms = 0;
};

struct InputSet {
  std::vector<InputFile> files;
  std::vector<IngestSkip> skipped;  // not regular files, unreadable, the memory itself
  std::size_t filtered = 0;         // left out by globs or as hidden
  bool from_directory = false;
};

// Throws Error(NotFound) when root does not exist, Io when it cannot be walked. `exclude_file`
// (the memory being written) is never taken, even when it lies inside the tree.
InputSet collect_inputs(const std::string& root, const IngestOptions& options, const std::string& exclude_file);

// The file's bytes, at most max_bytes + 1 of them (so a caller can tell it was larger).
// Throws Error(NotFound / Io).
std::string read_file_bytes(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace memvid::ingest
