#pragma once
// Which reader a file gets: from its extension when that is known, else from its first
// bytes. Binary files are recognized so that they are skipped, never stored as garbage text.
#include <string>
#include <string_view>

namespace memvid::ingest {

enum class FileType { Text, Markdown, Html, Pdf, Json, Jsonl, Binary };

struct Detected {
  FileType type = FileType::Text;
  std::string mime;    // "text/plain", ..., or the binary type's own ("image/png")
  std::string reason;  // for Binary: why, in a few words
};

// extension: lowercase, with the dot (".md"), or "". head: the file's first bytes (up to 8 KiB
// is plenty).
Detected detect_file_type(std::string_view extension, std::string_view head);

}  // namespace memvid::ingest
