// The PDF plugin: poppler-cpp behind the small C entry point of ingest/pdf_plugin_abi.h.
// It lives in its own shared object because loading poppler and the ~30 libraries it needs
// costs every process ~7 ms at start, which the CLI cannot afford for the common case of no
// PDF at all; libmemvid loads this on the first PDF. Built with hidden visibility: the entry
// point is its only exported symbol.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include "ingest/pdf_plugin_abi.h"

namespace {

// Poppler reports every oddity of a damaged file on stderr; an ingest of thousands of files
// must stay quiet. The messages are kept (per thread: callers may extract in parallel) so that
// a refused file can say why.
thread_local std::string last_poppler_message;

void keep_poppler_message(const std::string& message, void*) {
  try {
    last_poppler_message.assign(message, 0, std::min<std::size_t>(message.size(), 200));
  } catch (...) {
  }
}

void silence_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(keep_poppler_message, nullptr); });
}

// Allocates nothing, so that it can report even an out-of-memory failure.
void write_error(char* error, std::size_t capacity, std::initializer_list<std::string_view> parts) {
  if (error == nullptr || capacity == 0) return;
  std::size_t n = 0;
  for (const std::string_view part : parts) {
    for (const char c : part) {
      if (n + 1 == capacity) break;
      error[n++] = (c == '\n' || c == '\r') ? ' ' : c;  // the reason is one line
    }
  }
  error[n] = '\0';
}

std::string utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

int extract(const char* data, std::size_t size, std::size_t max_pages, void* ctx, memvid_pdf_text_fn on_title,
            memvid_pdf_text_fn on_page, char* error, std::size_t error_capacity) {
  silence_poppler();
  last_poppler_message.clear();
  if (size > static_cast<std::size_t>(INT32_MAX)) {
    write_error(error, error_capacity, {"PDF larger than 2 GiB"});
    return MEMVID_PDF_ERROR;
  }
  // No copy: poppler reads from `data`, which outlives the document.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(data, static_cast<int>(size)));
  if (!doc) {
    if (last_poppler_message.empty()) {
      write_error(error, error_capacity, {"not a readable PDF"});
    } else {
      write_error(error, error_capacity, {"not a readable PDF (poppler ", last_poppler_message, ")"});
    }
    return MEMVID_PDF_ERROR;
  }
  // Encryption with an empty user password (the common "no copying" flag) still opens:
  // any viewer shows such a file, so it is read. Only a file that needs a password is refused.
  if (doc->is_locked()) {
    write_error(error, error_capacity, {"encrypted PDF: a password is needed to read it"});
    return MEMVID_PDF_ERROR;
  }
  const int pages = doc->pages();
  if (pages < 0 || static_cast<std::size_t>(pages) > max_pages) {
    // snprintf, not std::to_string: its digit table would be one more exported (unique) symbol.
    char count[96];
    std::snprintf(count, sizeof count, "PDF has %d pages (at most %zu are read)", pages, max_pages);
    write_error(error, error_capacity, {count});
    return MEMVID_PDF_ERROR;
  }
  const std::string title = utf8(doc->get_title());
  if (on_title(ctx, title.data(), title.size()) != 0) return MEMVID_PDF_STOPPED;
  for (int i = 0; i < pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    std::string text;
    if (page) {
      // Reading order as pdftotext gives it by default: lines grouped into blocks and columns
      // and read top to bottom, whatever order the content stream draws them in. The physical
      // layout would interleave the lines of side-by-side columns, and the raw order is only
      // as good as the program that wrote the file.
      text = utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
    }
    // A page poppler cannot build still counts, as an empty page, so page numbers stay true.
    if (on_page(ctx, text.data(), text.size()) != 0) return MEMVID_PDF_STOPPED;
  }
  return MEMVID_PDF_OK;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int memvid_pdf_extract_v1(
    const char* data, std::size_t size, std::size_t max_pages, void* ctx, memvid_pdf_text_fn on_title,
    memvid_pdf_text_fn on_page, char* error, std::size_t error_capacity) {
  // No exception may cross the C boundary.
  try {
    return extract(data, size, max_pages, ctx, on_title, on_page, error, error_capacity);
  } catch (const std::bad_alloc&) {
    write_error(error, error_capacity, {"not a readable PDF (out of memory)"});
  } catch (const std::exception& e) {
    write_error(error, error_capacity, {"not a readable PDF (", e.what(), ")"});
  } catch (...) {
    write_error(error, error_capacity, {"not a readable PDF"});
  }
  return MEMVID_PDF_ERROR;
}

// The contract's type and the definition must agree; a mismatch fails the build here.
[[maybe_unused]] static constexpr memvid_pdf_extract_v1_fn kSignatureCheck = &memvid_pdf_extract_v1;
