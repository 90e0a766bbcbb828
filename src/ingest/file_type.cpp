#include "ingest/file_type.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "base/utf8.hpp"

namespace memvid::ingest {
namespace {

struct Known {
  std::string_view ext;
  FileType type;
  std::string_view mime;
};

constexpr std::array kTextTypes{
    Known{".txt", FileType::Text, "text/plain"},          Known{".text", FileType::Text, "text/plain"},
    Known{".log", FileType::Text, "text/plain"},          Known{".md", FileType::Markdown, "text/markdown"},
    Known{".markdown", FileType::Markdown, "text/markdown"}, Known{".mdown", FileType::Markdown, "text/markdown"},
    Known{".html", FileType::Html, "text/html"},          Known{".htm", FileType::Html, "text/html"},
    Known{".xhtml", FileType::Html, "application/xhtml+xml"}, Known{".pdf", FileType::Pdf, "application/pdf"},
    Known{".json", FileType::Json, "application/json"},   Known{".jsonl", FileType::Jsonl, "application/x-ndjson"},
    Known{".ndjson", FileType::Jsonl, "application/x-ndjson"},
};

// Formats whose bytes are not text, even when they happen to decode as UTF-8.
constexpr std::array kBinaryTypes{
    Known{".png", FileType::Binary, "image/png"},        Known{".jpg", FileType::Binary, "image/jpeg"},
    Known{".jpeg", FileType::Binary, "image/jpeg"},      Known{".gif", FileType::Binary, "image/gif"},
    Known{".webp", FileType::Binary, "image/webp"},      Known{".bmp", FileType::Binary, "image/bmp"},
    Known{".ico", FileType::Binary, "image/vnd.microsoft.icon"}, Known{".tif", FileType::Binary, "image/tiff"},
    Known{".tiff", FileType::Binary, "image/tiff"},      Known{".mp3", FileType::Binary, "audio/mpeg"},
    Known{".wav", FileType::Binary, "audio/wav"},        Known{".flac", FileType::Binary, "audio/flac"},
    Known{".ogg", FileType::Binary, "audio/ogg"},        Known{".mp4", FileType::Binary, "video/mp4"},
    Known{".mkv", FileType::Binary, "video/x-matroska"}, Known{".mov", FileType::Binary, "video/quicktime"},
    Known{".avi", FileType::Binary, "video/x-msvideo"},  Known{".webm", FileType::Binary, "video/webm"},
    Known{".zip", FileType::Binary, "application/zip"},  Known{".gz", FileType::Binary, "application/gzip"},
    Known{".tgz", FileType::Binary, "application/gzip"}, Known{".bz2", FileType::Binary, "application/x-bzip2"},
    Known{".xz", FileType::Binary, "application/x-xz"},  Known{".zst", FileType::Binary, "application/zstd"},
    Known{".7z", FileType::Binary, "application/x-7z-compressed"}, Known{".tar", FileType::Binary, "application/x-tar"},
    Known{".rar", FileType::Binary, "application/vnd.rar"}, Known{".exe", FileType::Binary, "application/x-msdownload"},
    Known{".dll", FileType::Binary, "application/x-msdownload"}, Known{".so", FileType::Binary, "application/x-sharedlib"},
    Known{".o", FileType::Binary, "application/x-object"}, Known{".a", FileType::Binary, "application/x-archive"},
    Known{".class", FileType::Binary, "application/java-vm"}, Known{".jar", FileType::Binary, "application/java-archive"},
    Known{".pyc", FileType::Binary, "application/x-python-code"}, Known{".woff", FileType::Binary, "font/woff"},
    Known{".woff2", FileType::Binary, "font/woff2"},     Known{".ttf", FileType::Binary, "font/ttf"},
    Known{".otf", FileType::Binary, "font/otf"},         Known{".mv2", FileType::Binary, "application/x-memvid"},
    Known{".mv2e", FileType::Binary, "application/x-memvid-encrypted"}, Known{".sqlite", FileType::Binary, "application/vnd.sqlite3"},
    Known{".db", FileType::Binary, "application/octet-stream"}, Known{".bin", FileType::Binary, "application/octet-stream"},
    Known{".docx", FileType::Binary, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    Known{".xlsx", FileType::Binary, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    Known{".pptx", FileType::Binary, "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    Known{".doc", FileType::Binary, "application/msword"}, Known{".odt", FileType::Binary, "application/vnd.oasis.opendocument.text"},
    Known{".epub", FileType::Binary, "application/epub+zip"},
};

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Leading blanks and a byte-order mark do not change what a file is.
std::string_view content_start(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  const std::size_t at = head.find_first_not_of(" \t\r\n");
  return at == std::string_view::npos ? std::string_view{} : head.substr(at);
}

// Magic numbers of common binary formats, for files whose extension says nothing.
std::string_view binary_magic(std::string_view head) {
  static constexpr std::pair<std::string_view, std::string_view> kMagic[] = {
      {"\x89PNG\r\n\x1a\n", "image/png"}, {"\xFF\xD8\xFF", "image/jpeg"}, {"GIF8", "image/gif"},
      {"PK\x03\x04", "application/zip"}, {"\x1F\x8B", "application/gzip"}, {"\x7F" "ELF", "application/x-executable"},
      {"BZh", "application/x-bzip2"}, {"\xFD" "7zXZ", "application/x-xz"}, {"\x28\xB5\x2F\xFD", "application/zstd"},
      {"MV2\0", "application/x-memvid"}, {"SQLite format 3", "application/vnd.sqlite3"}};
  for (const auto& [magic, mime] : kMagic)
    if (head.substr(0, magic.size()) == magic) return mime;
  return {};
}

Detected from_content(std::string_view head) {
  if (head.substr(0, 5) == "%PDF-") return {FileType::Pdf, "application/pdf", ""};
  if (auto mime = binary_magic(head); !mime.empty()) return {FileType::Binary, std::string(mime), "binary file"};
  if (head.find('\0') != std::string_view::npos)
    return {FileType::Binary, "application/octet-stream", "binary file (contains NUL bytes)"};
  // The head may end inside a character: repair counts at most 3 bytes for that.
  const base::RepairedUtf8 r = base::repair_utf8(head);
  if (r.invalid_bytes > 3 + head.size() / 10)
    return {FileType::Binary, "application/octet-stream", "binary file (not UTF-8 text)"};
  const std::string start = lowercase(content_start(head).substr(0, 64));
  if (start.starts_with("<!doctype html") || start.starts_with("<html")) return {FileType::Html, "text/html", ""};
  return {FileType::Text, "text/plain", ""};
}

}  // namespace

Detected detect_file_type(std::string_view extension, std::string_view head) {
  for (const Known& k : kTextTypes) {
    if (k.ext != extension) continue;
    // PDFs hold binary streams; their reader judges them.
    if (k.type == FileType::Pdf) return {k.type, std::string(k.mime), ""};
    // A .txt that is really a PNG is still a PNG: content that is plainly binary wins.
    Detected sniffed = from_content(head);
    if (sniffed.type == FileType::Binary) return sniffed;
    if (k.type != FileType::Pdf && sniffed.type == FileType::Pdf) return sniffed;
    return {k.type, std::string(k.mime), ""};
  }
  for (const Known& k : kBinaryTypes)
    if (k.ext == extension) return {FileType::Binary, std::string(k.mime), "binary file type " + std::string(extension)};
  return from_content(head);
}

}  // namespace memvid::ingest
