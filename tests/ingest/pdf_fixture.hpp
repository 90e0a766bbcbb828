#pragma once
// Builds small, valid PDF 1.4 files in memory for the PDF reader's tests, so that the suite
// needs no binary fixtures: one Helvetica line per string, top to bottom, a correct xref
// table (byte offsets counted as the file is written) and an optional /Info title.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::testing {

using PdfPageLines = std::vector<std::string>;

// A PDF literal string: backslash, parentheses and line breaks escaped.
inline std::string pdf_literal(std::string_view text) {
  std::string out = "(";
  for (const char c : text) {
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  out += ')';
  return out;
}

inline std::string make_pdf(const std::vector<PdfPageLines>& pages, std::string_view title = {}) {
  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content per page.
  const std::size_t first_page = 5;
  const std::size_t object_count = first_page + 2 * pages.size();  // plus object 0
  std::vector<std::string> bodies(object_count);
  std::string kids;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    kids += std::to_string(first_page + 2 * p) + " 0 R ";
  }
  bodies[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  bodies[2] = "<< /Type /Pages /Kids [ " + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  bodies[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  bodies[4] = title.empty() ? "<< /Producer (memvid tests) >>"
                            : "<< /Title " + pdf_literal(title) + " /Producer (memvid tests) >>";
  for (std::size_t p = 0; p < pages.size(); ++p) {
    std::string content = "BT /F1 12 Tf 16 TL 72 720 Td\n";
    for (const auto& line : pages[p]) content += pdf_literal(line) + " Tj T*\n";
    content += "ET\n";
    const std::size_t page_object = first_page + 2 * p;
    bodies[page_object] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                          "/Contents " + std::to_string(page_object + 1) + " 0 R >>";
    bodies[page_object + 1] = "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream";
  }

  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets(object_count, 0);
  for (std::size_t i = 1; i < object_count; ++i) {
    offsets[i] = pdf.size();
    pdf += std::to_string(i) + " 0 obj\n" + bodies[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(object_count) + "\n0000000000 65535 f \n";
  for (std::size_t i = 1; i < object_count; ++i) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offsets[i]);  // 20 bytes, as required
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(object_count) + " /Root 1 0 R /Info 4 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace memvid::testing
