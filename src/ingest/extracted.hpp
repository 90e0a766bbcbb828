#pragma once
// What a reader makes of one file: UTF-8 text ready to store and index, plus what the format
// says about it. Readers never throw on bad content: a file they cannot read gives a
// skip_reason (one line, for the ingest summary) instead.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::ingest {

struct Extracted {
  std::string text;   // valid UTF-8
  std::string title;  // "" when the format names none
  // For paged formats (PDF): the byte offset in text where page 1, 2, ... begins; the text
  // of page p is [page_starts[p-1], page_starts[p]) (or to the end for the last page).
  std::vector<std::uint32_t> page_starts;
  std::uint64_t invalid_bytes = 0;  // invalid UTF-8 bytes replaced by U+FFFD
  std::string skip_reason;          // non-empty: the file is not ingested, and why
  bool ok() const { return skip_reason.empty(); }
};

// Plain text: invalid UTF-8 replaced (and counted), a byte-order mark dropped, no title.
Extracted extract_plain_text(std::string_view bytes);

// Markdown: the text as it is (headings are its structure); title from the first ATX heading
// ("# Title", any level) outside fenced code.
Extracted extract_markdown(std::string_view bytes);
std::string markdown_title(std::string_view text);

// HTML via gumbo: title from <title> (else the first <h1>), script/style/template/noscript
// dropped, block elements separated by blank lines, headings kept as lines of their own.
Extracted extract_html(std::string_view bytes);

// PDF via poppler-cpp (loaded on first use from the memvid_pdf plugin, so that programs that
// never read a PDF do not pay for loading poppler): text per page in reading order; title
// from the document info. Encrypted, malformed or truncated files give a skip reason.
Extracted extract_pdf(std::string_view bytes);

}  // namespace memvid::ingest
