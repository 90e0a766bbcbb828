// The PDF reader: loads the memvid_pdf plugin (poppler) on the first PDF and assembles its
// pages into one text. Poppler is not linked into the library because loading it costs every
// process ~7 ms at start, whether or not it ever sees a PDF.
//
// Where the plugin is looked for, first match wins:
//   1. $MEMVID_PDF_PLUGIN, the path of the plugin file itself (then nothing else is tried);
//   2. next to the binary that holds this code (the CLI, a test binary, a Python or Node
//      module), and in its lib/memvid/ and ../lib/memvid/ (an install prefix's bin/ or a
//      package's directory);
//   3. the install directory (MEMVID_PDF_PLUGIN_INSTALL_DIR, <libdir>/memvid);
//   4. the build tree (MEMVID_PDF_PLUGIN_BUILD_DIR), so that binaries run from it find it.
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/extracted.hpp"
#include "ingest/pdf_plugin_abi.h"
#include "base/utf8.hpp"

#ifndef MEMVID_PDF_PLUGIN_INSTALL_DIR
#define MEMVID_PDF_PLUGIN_INSTALL_DIR ""
#endif
#ifndef MEMVID_PDF_PLUGIN_BUILD_DIR
#define MEMVID_PDF_PLUGIN_BUILD_DIR ""
#endif

namespace memvid::ingest {
namespace {

// Bounds on what one PDF may cost: beyond them the file is skipped, not cut short, so that
// a stored document is never silently incomplete.
constexpr std::size_t kMaxPages = 20'000;
constexpr std::size_t kMaxTextBytes = 64u << 20;
constexpr std::string_view kPageSeparator = "\n\n";

struct Plugin {
  memvid_pdf_extract_v1_fn extract = nullptr;
  std::string error;  // why extract is null
};

// The directory of the binary this function was linked into: the executable for the CLI and
// the tests, the extension module for the bindings.
std::string own_directory() {
  Dl_info info{};
  link_map* map = nullptr;
  if (::dladdr1(reinterpret_cast<void*>(&own_directory), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) ==
      0) {
    return {};
  }
  std::string path;
  if (map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    path = map->l_name;
  } else {
    // The main program, for which the loader only knows argv[0] (maybe relative, maybe
    // found through PATH): ask the kernel.
    std::string buffer(4096, '\0');
    const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= buffer.size()) return {};
    path.assign(buffer.data(), static_cast<std::size_t>(n));
  }
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {};
  return path.substr(0, slash + 1);
}

std::vector<std::string> candidates() {
  std::vector<std::string> paths;
  const std::string file = MEMVID_PDF_PLUGIN_FILE;
  if (const std::string own = own_directory(); !own.empty()) {
    for (const char* sub : {"", "lib/memvid/", "../lib/memvid/"}) {
      paths.push_back(std::filesystem::path(own + sub + file).lexically_normal().string());
    }
  }
  for (const std::string dir : {MEMVID_PDF_PLUGIN_INSTALL_DIR, MEMVID_PDF_PLUGIN_BUILD_DIR}) {
    if (dir.empty()) continue;
    std::string path = std::filesystem::path(dir + "/" + file).lexically_normal().string();
    // The tests' ../lib/memvid is the build directory: each place once.
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(std::move(path));
  }
  return paths;
}

// The plugin at `path`, or why it cannot be used (without a "could not be loaded" prefix).
Plugin open_plugin(const std::string& path) {
  Plugin plugin;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    plugin.error = why ? why : path + ": cannot be loaded";
    return plugin;
  }
  // Never dlclosed once found: poppler keeps global state, and the function may be in use on
  // another thread until the process ends.
  plugin.extract = reinterpret_cast<memvid_pdf_extract_v1_fn>(::dlsym(handle, MEMVID_PDF_EXTRACT_SYMBOL));
  if (plugin.extract == nullptr) {
    plugin.error = path + " has no " MEMVID_PDF_EXTRACT_SYMBOL " (a plugin of another version?)";
    ::dlclose(handle);
  }
  return plugin;
}

Plugin load_plugin() {
  if (const char* env = std::getenv("MEMVID_PDF_PLUGIN"); env != nullptr && env[0] != '\0') {
    Plugin plugin = open_plugin(env);
    if (!plugin.extract) {
      plugin.error = "PDF support could not be loaded from $MEMVID_PDF_PLUGIN (" + plugin.error + ")";
    }
    return plugin;
  }
  std::string looked_in;
  for (const std::string& path : candidates()) {
    // A plugin that exists but does not load (a missing poppler, say) is reported as such,
    // not as "not installed".
    if (::access(path.c_str(), F_OK) != 0) {
      looked_in += (looked_in.empty() ? "" : ", ") + path.substr(0, path.rfind('/'));
      continue;
    }
    Plugin plugin = open_plugin(path);
    if (!plugin.extract) plugin.error = "PDF support could not be loaded (" + plugin.error + ")";
    return plugin;
  }
  Plugin missing;
  missing.error = "PDF support is not installed (" MEMVID_PDF_PLUGIN_FILE " not found: looked in " + looked_in + ")";
  return missing;
}

const Plugin& plugin() {
  // Loaded once, on the first PDF, however many threads ask at once.
  static const Plugin loaded = load_plugin();
  return loaded;
}

struct Assembly {
  Extracted* out = nullptr;
  bool too_long = false;
  // Empty pages seen since the last page with text. Each starts where the next text will
  // (after the separator), so it holds no bytes and every page's range ends with the
  // separator before the next page's text; they are placed once that is known.
  std::size_t empty_pages = 0;
};

bool fits(const Assembly& a, std::size_t more) { return a.out->text.size() + more <= kMaxTextBytes; }

int on_title(void* ctx, const char* data, std::size_t size) noexcept {
  auto& a = *static_cast<Assembly*>(ctx);
  try {
    std::string_view title(data, size);
    const std::size_t begin = title.find_first_not_of(" \t\r\n\f\v");
    if (begin == std::string_view::npos) return 0;
    title = title.substr(begin, title.find_last_not_of(" \t\r\n\f\v") - begin + 1);
    a.out->title = base::repair_utf8(title).text;
    return 0;
  } catch (...) {
    return 1;  // out of memory: extract_pdf reports it
  }
}

// Poppler ends every line with "\n" and the page with a form feed and blank lines; the page
// separator is the reader's, so each page is trimmed to its words.
std::string_view trim_page(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n\f\v");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n\f\v") - begin + 1);
}

int on_page(void* ctx, const char* data, std::size_t size) noexcept {
  auto& a = *static_cast<Assembly*>(ctx);
  try {
    std::string& text = a.out->text;
    const std::string_view page = trim_page(std::string_view(data, size));
    if (page.empty()) {
      ++a.empty_pages;
      return 0;
    }
    const bool separate = !text.empty();
    if (!fits(a, page.size() + (separate ? kPageSeparator.size() : 0))) {
      a.too_long = true;
      return 1;
    }
    if (separate) text += kPageSeparator;
    a.out->page_starts.insert(a.out->page_starts.end(), a.empty_pages + 1, static_cast<std::uint32_t>(text.size()));
    a.empty_pages = 0;
    // Poppler's UTF-8 should be valid; a damaged font's mapping is not trusted to be.
    if (base::is_valid_utf8(page)) {
      text += page;
    } else {
      const base::RepairedUtf8 repaired = base::repair_utf8(page);
      if (!fits(a, repaired.text.size())) {
        a.too_long = true;
        return 1;
      }
      text += repaired.text;
      a.out->invalid_bytes += repaired.invalid_bytes;
    }
    return 0;
  } catch (...) {
    return 1;
  }
}

}  // namespace

Extracted extract_pdf(std::string_view bytes) {
  Extracted out;
  const Plugin& loaded = plugin();
  if (!loaded.extract) {
    out.skip_reason = loaded.error;
    return out;
  }
  Assembly assembly{&out};
  char error[512] = {};
  const int rc = loaded.extract(bytes.data(), bytes.size(), kMaxPages, &assembly, on_title, on_page, error,
                                sizeof error);
  if (rc == MEMVID_PDF_OK) {
    out.page_starts.insert(out.page_starts.end(), assembly.empty_pages, static_cast<std::uint32_t>(out.text.size()));
    return out;
  }
  Extracted skipped;
  if (rc == MEMVID_PDF_STOPPED) {
    skipped.skip_reason = assembly.too_long ? "PDF text longer than " + std::to_string(kMaxTextBytes >> 20) + " MiB"
                                            : "PDF text could not be assembled (out of memory)";
  } else {
    skipped.skip_reason = error[0] != '\0' ? error : "not a readable PDF";
  }
  return skipped;
}

}  // namespace memvid::ingest
