#pragma once
// Helpers shared by the search benchmarks (memvid_find_bench, memvid_eval): reading JSONL
// corpora (plain or .zst), scratch directories, percentiles, query sanitising and the
// query-mix file format. Header-only; bench/ code only.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The whole file; a name ending in .zst is decompressed through `zstd -dc`.
inline std::string read_file_bytes(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("file not found: " + path);
  const bool zst = path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
  if (!zst) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  const std::string cmd = "zstd -dc -- " + shell_quote(path);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + cmd);
  std::string data;
  std::vector<char> buf(1 << 20);
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) data.append(buf.data(), n);
  if (::pclose(pipe) != 0) throw std::runtime_error("failed: " + cmd);
  return data;
}

// Non-empty lines of a text.
inline std::vector<std::string_view> split_lines(std::string_view data) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    std::string_view line = data.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    pos = end + 1;
  }
  return out;
}

// A fresh directory under $TMPDIR (default /tmp); removed by the destructor unless keep.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + ".XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    path_ = buf.data();
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    if (keep_) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  fs::path path_;
  bool keep_ = false;
};

// Nearest-rank percentile (p in [0, 100]) of unsorted samples; 0 for none.
inline double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  std::size_t rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(xs.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, xs.size());
  return xs[rank - 1];
}

inline double mean(const std::vector<double>& xs) {
  if (xs.empty()) return 0;
  double s = 0;
  for (double x : xs) s += x;
  return s / static_cast<double>(xs.size());
}

// Natural-language text -> a query of plain words that the query language reads as "any of
// these words": every ASCII character that is not a letter or digit becomes a space (quotes,
// parentheses, colons, '-', '*', ...); bytes >= 0x80 (UTF-8 letters such as Greek) are kept
// and left to the tokenizer; the operator words AND/OR/NOT (any case) are lowercased (and
// then dropped as stop words by the index, or searched as plain words). Words are joined by
// `joiner` (" " or " OR ").
inline std::vector<std::string> plain_words(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    if (cur == "AND" || cur == "OR" || cur == "NOT" || cur == "NEAR") {
      for (char& c : cur) c = static_cast<char>(c - 'A' + 'a');
    }
    words.push_back(std::move(cur));
    cur.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (keep) {
      cur += ch;
    } else {
      flush();
    }
  }
  flush();
  return words;
}

inline std::string join(const std::vector<std::string>& words, std::string_view joiner) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += joiner;
    out += words[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The query-mix file (bench/queries/mix.txt): '#' comment lines, then one query a line as
// CLASS <TAB> QUERY, CLASS one of term / multi / phrase. QUERY is in the query language
// (a phrase is written in double quotes).

struct MixQuery {
  std::string cls;
  std::string text;
};

inline std::vector<MixQuery> read_mix(const std::string& path) {
  const std::string data = read_file_bytes(path);
  std::vector<MixQuery> out;
  for (std::string_view line : split_lines(data)) {
    if (line.front() == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) throw std::runtime_error("bad query-mix line (no tab): " + std::string(line));
    out.push_back({std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))});
  }
  return out;
}

inline void write_mix(const std::string& path, const std::vector<MixQuery>& queries, const std::string& header) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << header;
  for (const auto& q : queries) out << q.cls << '\t' << q.text << '\n';
  if (!out) throw std::runtime_error("write failed: " + path);
}

}  // namespace bench
