#ifndef MEMVID_INGEST_PDF_PLUGIN_ABI_H_
#define MEMVID_INGEST_PDF_PLUGIN_ABI_H_
/* The contract between libmemvid and the PDF plugin (libmemvid_pdf.so), which the library
 * loads with dlopen on the first PDF so that poppler's ~30 shared libraries cost nothing to
 * programs that never read one. Plain C types only: the plugin and its host may be built by
 * different compilers or standard libraries, and a change of contract gets a new symbol name
 * (..._v2) rather than a silent mismatch. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MEMVID_PDF_EXTRACT_SYMBOL "memvid_pdf_extract_v1"
#define MEMVID_PDF_PLUGIN_FILE "libmemvid_pdf.so"

enum {
  MEMVID_PDF_OK = 0,
  MEMVID_PDF_ERROR = 1,   /* the document cannot be read; why is in error[] */
  MEMVID_PDF_STOPPED = 2  /* a callback returned nonzero; the host knows why */
};

/* Text arrives as UTF-8 (data, size), valid only during the call. A callback returns 0 to
 * go on, nonzero to stop the extraction. Callbacks must not throw or longjmp. */
typedef int (*memvid_pdf_text_fn)(void* ctx, const char* utf8, size_t size);

/* Reads the PDF in data[0, size): first on_title once with the info dictionary's title (maybe
 * empty), then on_page once per page in page order. A document of more than max_pages pages,
 * or one that needs a password, is refused before any page is read. On MEMVID_PDF_ERROR a
 * one-line, NUL-terminated reason is written to error (truncated to error_capacity). Never
 * throws; safe to call from several threads at once on different documents. */
typedef int (*memvid_pdf_extract_v1_fn)(const char* data, size_t size, size_t max_pages, void* ctx,
                                        memvid_pdf_text_fn on_title, memvid_pdf_text_fn on_page,
                                        char* error, size_t error_capacity);

#ifdef __cplusplus
}
#endif

#endif /* MEMVID_INGEST_PDF_PLUGIN_ABI_H_ */
