// The PDF reader: loads the memvid_pdf plugin (poppler) on the first PDF and assembles its
// pages into one text. Poppler is not linked into the library because loading it costs every
// process ~7 ms at start, whether or not it ever sees a PDF.
//
// The plugin is found as io/plugins.hpp says ($MEMVID_PDF_PLUGIN first).
#include <string>

#include "ingest/extracted.hpp"
#include "ingest/pdf_plugin_abi.h"
#include "base/utf8.hpp"
#include "io/plugins.hpp"

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

Plugin load() {
  const io::Plugin found = io::load_plugin(MEMVID_PDF_PLUGIN_FILE, "MEMVID_PDF_PLUGIN", "PDF support", {MEMVID_PDF_EXTRACT_SYMBOL});
  Plugin plugin;
  plugin.error = found.error;
  if (!found.symbols.empty()) plugin.extract = reinterpret_cast<memvid_pdf_extract_v1_fn>(found.symbols[0]);
  return plugin;
}

const Plugin& plugin() {
  // Loaded once, on the first PDF, however many threads ask at once.
  static const Plugin loaded = load();
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
