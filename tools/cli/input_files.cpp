#include "input_files.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace memvid::cli {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

[[noreturn]] void throw_fs_error(const std::error_code& ec, const std::string& what) {
  const ErrorCode code = ec == std::errc::no_such_file_or_directory ? ErrorCode::NotFound : ErrorCode::Io;
  throw Error(code, what + ": " + ec.message());
}

bool is_supported(const std::string& ext) { return ext == ".txt" || ext == ".md" || ext == ".json" || ext == ".jsonl"; }

std::string lowercase_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// stat() rather than fs::last_write_time: converting file_clock to the Unix epoch is not
// portable before C++20 clock_cast support, and we want exact milliseconds.
void stat_file(InputFile& f) {
  struct stat st {};
  if (::stat(f.path.c_str(), &st) != 0) throw_fs_error(std::error_code(errno, std::generic_category()), "stat " + f.path.string());
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.mtime_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

void consider(InputSet& set, const fs::path& path, std::string relative, const fs::file_status& status) {
  if (!fs::is_regular_file(status)) {
    set.skipped.push_back({path.string(), "not a regular file"});
    return;
  }
  const std::string ext = lowercase_extension(path);
  if (!is_supported(ext)) {
    set.skipped.push_back({path.string(), ext.empty() ? "no file extension (supported: .txt .md .json .jsonl)"
                                                      : "unsupported file type " + ext + " (supported: .txt .md .json .jsonl)"});
    return;
  }
  InputFile f;
  f.path = path;
  f.relative = std::move(relative);
  stat_file(f);
  set.files.push_back(std::move(f));
}

std::string file_stem(const InputFile& f) { return fs::path(f.relative).stem().string(); }

Document whole_file_document(const InputFile& f, std::string bytes, const RecordDefaults& defaults, std::string title) {
  Document doc;
  doc.payload = std::move(bytes);
  doc.kind = defaults.kind.value_or(FrameKind::Document);
  // A title or URI given on the command line names this one file; otherwise derive them.
  doc.title = defaults.title.value_or(std::move(title));
  doc.uri = defaults.uri.value_or("mv2://" + f.relative);
  RecordDefaults rest = defaults;
  rest.title.reset();
  rest.uri.reset();
  apply_defaults(doc, rest);
  return doc;
}

std::vector<Document> json_file_documents(const InputFile& f, std::string bytes, const RecordDefaults& defaults) {
  json parsed = json::parse(bytes, nullptr, false);
  if (parsed.is_array()) {
    std::vector<Document> docs;
    docs.reserve(parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i)
      docs.push_back(record_to_document(parsed[i], defaults, f.path.string() + " element " + std::to_string(i)));
    return docs;
  }
  if (parsed.is_object() && parsed.contains("text")) return {record_to_document(parsed, defaults, f.path.string())};
  return {whole_file_document(f, std::move(bytes), defaults, file_stem(f))};
}

}  // namespace

InputSet collect_inputs(const std::string& root) {
  InputSet set;
  std::error_code ec;
  const fs::path base(root);
  const fs::file_status status = fs::status(base, ec);
  if (ec || !fs::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) throw_fs_error(ec, "cannot read " + root);
    throw Error(ErrorCode::NotFound, "no such file or directory: " + root);
  }
  if (!fs::is_directory(status)) {
    consider(set, base, base.filename().string(), status);
    return set;
  }
  set.from_directory = true;
  struct Entry {
    std::string relative;
    fs::path path;
    fs::file_status status;
  };
  std::vector<Entry> entries;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code status_ec;
    fs::file_status s = it->status(status_ec);  // a dangling symlink: reported as skipped below
    if (status_ec) s = fs::file_status(fs::file_type::not_found);
    if (fs::is_directory(s)) continue;
    // lexically_relative, not fs::relative: the latter resolves symlinks and would name a
    // linked file by where it points rather than where the user put it.
    entries.push_back({it->path().lexically_relative(base).generic_string(), it->path(), s});
  }
  if (ec) throw_fs_error(ec, "cannot walk " + root);
  // Byte order of relative paths, not the directory's own order, which varies by filesystem.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
  for (Entry& e : entries) consider(set, e.path, std::move(e.relative), e.status);
  return set;
}

std::string read_file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw_fs_error(std::error_code(err ? err : EIO, std::generic_category()), "cannot open " + path.string());
  }
  // Block reads: a character iterator costs seconds per hundred megabytes in debug builds.
  std::string bytes;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) bytes.append(block, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::Io, "cannot read " + path.string());
  return bytes;
}

std::string markdown_title(std::string_view text) {
  bool in_fence = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Up to three spaces of indentation still make a heading or fence (CommonMark).
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3) continue;
    line.remove_prefix(indent);
    if (line.starts_with("```") || line.starts_with("~~~")) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence || !line.starts_with('#')) continue;
    const std::size_t level = line.find_first_not_of('#');
    if (level > 6) continue;
    if (line[level] != ' ' && line[level] != '\t') continue;  // "#tag" is not a heading
    std::string_view title = line.substr(level);
    // Drop the optional closing sequence ("## Title ##") and surrounding blanks.
    auto trim = [](std::string_view s) {
      const std::size_t a = s.find_first_not_of(" \t");
      if (a == std::string_view::npos) return std::string_view{};
      return s.substr(a, s.find_last_not_of(" \t") - a + 1);
    };
    title = trim(title);
    const std::size_t hashes = title.find_last_not_of('#');
    if (hashes == std::string_view::npos) return {};
    if (hashes + 1 < title.size() && (title[hashes] == ' ' || title[hashes] == '\t')) title = trim(title.substr(0, hashes));
    return std::string(title);
  }
  return {};
}

std::vector<Document> documents_from_file(const InputFile& file, const RecordDefaults& defaults) {
  RecordDefaults d = defaults;
  if (!d.timestamp_ms) d.timestamp_ms = file.mtime_ms;
  std::string bytes = read_file_bytes(file.path);
  const std::string ext = lowercase_extension(file.path);
  if (ext == ".jsonl") return parse_jsonl(bytes, d, file.path.string());
  if (ext == ".json") return json_file_documents(file, std::move(bytes), d);
  std::string title = ext == ".md" ? markdown_title(bytes) : std::string();
  if (title.empty()) title = file_stem(file);
  return {whole_file_document(file, std::move(bytes), d, std::move(title))};
}

}  // namespace memvid::cli
