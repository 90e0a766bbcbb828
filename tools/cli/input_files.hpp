#pragma once
// `put --input`: which files under a path become frames, in what order, and how each file
// type turns into documents.
//   .txt .md  one document; title = first Markdown heading (.md) or the file stem
//   .jsonl    one document per non-blank line (the record format of records.hpp)
//   .json     an array of records, or one record (an object with "text"), else the whole
//             file as one document
// Anything else is skipped and reported. Directories are walked recursively in byte order
// of their relative paths, so the same tree always produces the same frames in the same
// order.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/memvid.hpp"
#include "records.hpp"

namespace memvid::cli {

struct InputFile {
  std::filesystem::path path;  // as given joined with the relative path: what users see
  std::string relative;        // '/'-separated, relative to the given directory (or the file name)
  std::uint64_t size = 0;
  std::int64_t mtime_ms = 0;
};

struct SkippedFile {
  std::string path;
  std::string reason;
};

struct InputSet {
  std::vector<InputFile> files;
  std::vector<SkippedFile> skipped;
  bool from_directory = false;
};

// Throws Error(NotFound) when root does not exist.
InputSet collect_inputs(const std::string& root);

// Defaults (flags) apply where the file says nothing; a file's documents default to its
// mtime as their timestamp and to mv2://<relative path> as their URI.
std::vector<Document> documents_from_file(const InputFile& file, const RecordDefaults& defaults);

// The whole file, bytes as they are. Throws Error(NotFound / Io).
std::string read_file_bytes(const std::filesystem::path& path);

// Text of the first ATX heading ("# Title", any level) outside fenced code, or "".
std::string markdown_title(std::string_view text);

}  // namespace memvid::cli
