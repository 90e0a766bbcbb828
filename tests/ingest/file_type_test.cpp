#include "ingest/file_type.hpp"

#include <gtest/gtest.h>

namespace memvid::ingest {
namespace {

TEST(FileType, ByExtension) {
  EXPECT_EQ(detect_file_type(".md", "# Hello").type, FileType::Markdown);
  EXPECT_EQ(detect_file_type(".markdown", "text").mime, "text/markdown");
  EXPECT_EQ(detect_file_type(".htm", "<p>x").type, FileType::Html);
  EXPECT_EQ(detect_file_type(".pdf", "%PDF-1.4").type, FileType::Pdf);
  EXPECT_EQ(detect_file_type(".pdf", std::string("junk\0junk", 9)).type, FileType::Pdf);  // the PDF reader judges
  EXPECT_EQ(detect_file_type(".json", "[]").type, FileType::Json);
  EXPECT_EQ(detect_file_type(".jsonl", "{}").type, FileType::Jsonl);
  EXPECT_EQ(detect_file_type(".txt", "hello").mime, "text/plain");
}

TEST(FileType, BinaryIsRecognizedWhateverTheName) {
  const Detected png = detect_file_type(".png", "anything");
  EXPECT_EQ(png.type, FileType::Binary);
  EXPECT_EQ(png.mime, "image/png");
  EXPECT_NE(png.reason.find(".png"), std::string::npos);
  // A .txt that is really a PNG, a file with NUL bytes, mostly invalid UTF-8.
  EXPECT_EQ(detect_file_type(".txt", "\x89PNG\r\n\x1a\n....").type, FileType::Binary);
  EXPECT_EQ(detect_file_type("", std::string("ab\0cd", 5)).type, FileType::Binary);
  EXPECT_EQ(detect_file_type(".dat", std::string(200, '\xFF')).type, FileType::Binary);
  EXPECT_EQ(detect_file_type("", "\x7F" "ELF\x02\x01").mime, "application/x-executable");
}

TEST(FileType, UnknownExtensionsBySniffing) {
  EXPECT_EQ(detect_file_type(".rst", "Title\n=====\nSome text").type, FileType::Text);
  EXPECT_EQ(detect_file_type("", "  <!DOCTYPE html><html>").type, FileType::Html);
  EXPECT_EQ(detect_file_type(".bin2", "%PDF-1.7\n").type, FileType::Pdf);
  // Latin-1 text has a few invalid bytes: still text (they are replaced later).
  EXPECT_EQ(detect_file_type(".csv", "name,city\nJos\xE9,S\xE3o Paulo\nAnne,Paris\n").type, FileType::Text);
}

}  // namespace
}  // namespace memvid::ingest
