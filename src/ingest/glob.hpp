#pragma once
// Glob patterns for choosing files by their '/'-separated relative path:
//   *      any run of characters within one path segment
//   ?      one character (one UTF-8 byte sequence is not special-cased: one byte) within a segment
//   **     any run of characters across segments ("docs/**/*.md", "**/draft-*")
//   [abc] [a-z] [!abc]  a character class within a segment
//   \x     the character x itself
// A pattern without '/' is matched against the last segment (the file name) only, as in
// .gitignore. Matching is O(pattern x path), never exponential.
#include <string_view>

namespace memvid::ingest {

bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace memvid::ingest
