// extract_pdf through the memvid_pdf plugin: page text in order, page starts, the info title,
// and damaged or foreign bytes (truncation, junk, random flips) that must give a skip reason
// or partial text, never a crash. PDFs come from pdf_fixture.hpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ingest/extracted.hpp"
#include "ingest/pdf_fixture.hpp"
#include "support/subprocess.hpp"
#include "base/utf8.hpp"

using memvid::ingest::Extracted;
using memvid::ingest::extract_pdf;
using memvid::testing::make_pdf;

namespace {

std::string page_text(const Extracted& r, std::size_t page) {
  const std::size_t begin = r.page_starts.at(page);
  const std::size_t end = page + 1 < r.page_starts.size() ? r.page_starts[page + 1] : r.text.size();
  return r.text.substr(begin, end - begin);
}

// Whatever a damaged file gives, it is one of the two outcomes and well-formed.
void expect_sane(const Extracted& r) {
  if (!r.ok()) {
    EXPECT_TRUE(r.text.empty());
    EXPECT_EQ(r.skip_reason.find('\n'), std::string::npos) << r.skip_reason;
    return;
  }
  EXPECT_TRUE(memvid::base::is_valid_utf8(r.text));
  EXPECT_TRUE(memvid::base::is_valid_utf8(r.title));
  if (r.page_starts.empty()) return;
  EXPECT_EQ(r.page_starts.front(), 0u);
  for (std::size_t i = 1; i < r.page_starts.size(); ++i) EXPECT_LE(r.page_starts[i - 1], r.page_starts[i]);
  EXPECT_LE(r.page_starts.back(), r.text.size());
}

TEST(PdfReader, SinglePage) {
  const auto r = extract_pdf(make_pdf({{"Hello PDF world", "second line"}}));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "Hello PDF world\nsecond line");
  EXPECT_EQ(r.page_starts, std::vector<std::uint32_t>{0});
  EXPECT_EQ(r.title, "");
  EXPECT_EQ(r.invalid_bytes, 0u);
}

TEST(PdfReader, PagesInOrderWithPageStarts) {
  const auto r = extract_pdf(make_pdf({{"alpha one", "alpha two"}, {"bravo"}, {"charlie one", "charlie two"}}));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "alpha one\nalpha two\n\nbravo\n\ncharlie one\ncharlie two");
  ASSERT_EQ(r.page_starts.size(), 3u);
  EXPECT_EQ(r.page_starts, (std::vector<std::uint32_t>{0, 21, 28}));
  // A page's range holds its text and the separator after it.
  EXPECT_EQ(page_text(r, 0), "alpha one\nalpha two\n\n");
  EXPECT_EQ(page_text(r, 1), "bravo\n\n");
  EXPECT_EQ(page_text(r, 2), "charlie one\ncharlie two");
}

TEST(PdfReader, EmptyPageKeepsPageNumbers) {
  const auto r = extract_pdf(make_pdf({{"first"}, {}, {"third"}}));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "first\n\nthird");
  EXPECT_EQ(r.page_starts, (std::vector<std::uint32_t>{0, 7, 7}));
  EXPECT_EQ(page_text(r, 1), "");
  EXPECT_EQ(page_text(r, 2), "third");
}

TEST(PdfReader, ManyPages) {
  std::vector<memvid::testing::PdfPageLines> pages;
  for (int i = 0; i < 300; ++i) pages.push_back({"page number " + std::to_string(i + 1)});
  const auto r = extract_pdf(make_pdf(pages));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  ASSERT_EQ(r.page_starts.size(), 300u);
  for (std::size_t i = 0; i < 300; i += 37) {
    EXPECT_EQ(page_text(r, i).substr(0, 12 + std::to_string(i + 1).size()), "page number " + std::to_string(i + 1));
  }
}

TEST(PdfReader, TitleFromInfoTrimmed) {
  const auto r = extract_pdf(make_pdf({{"body"}}, "  Quarterly (Draft) Report \t"));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.title, "Quarterly (Draft) Report");
  EXPECT_EQ(r.text, "body");
}

TEST(PdfReader, ZeroPagesIsEmptyNotSkipped) {
  const auto r = extract_pdf(make_pdf({}, "Nothing"));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "");
  EXPECT_TRUE(r.page_starts.empty());
  EXPECT_EQ(r.title, "Nothing");
}

TEST(PdfReader, EscapedParenthesesAndBackslash) {
  const auto r = extract_pdf(make_pdf({{"f(x) = (a + b) \\ 2", "unbalanced ) and ("}}));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "f(x) = (a + b) \\ 2\nunbalanced ) and (");
}

TEST(PdfReader, WinAnsiTextBecomesUtf8) {
  // 0xE9 is e-acute in WinAnsiEncoding, the font's encoding.
  const auto r = extract_pdf(make_pdf({{"caf\xE9"}}));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "caf\xC3\xA9");
  EXPECT_EQ(r.invalid_bytes, 0u);
}

TEST(PdfReader, EmptyInput) {
  const auto r = extract_pdf("");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.skip_reason.find("not a readable PDF"), std::string::npos) << r.skip_reason;
}

TEST(PdfReader, HeaderThenJunk) {
  const auto r = extract_pdf("%PDF-1.7\n%junk junk junk\n1 0 obj << /Type /Catalog >> nonsense (unclosed");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.skip_reason.find("not a readable PDF"), std::string::npos) << r.skip_reason;
  EXPECT_EQ(r.skip_reason.find('\n'), std::string::npos);
}

TEST(PdfReader, RandomGarbage) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(static_cast<std::size_t>(rng() % 5000), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (round % 2 == 0) bytes.insert(0, "%PDF-1.4\n");
    const auto r = extract_pdf(bytes);
    expect_sane(r);
  }
  const auto text = extract_pdf("This is a plain text file, not a PDF.\n");
  EXPECT_FALSE(text.ok());
}

TEST(PdfReader, TruncatedAtManyPoints) {
  const std::string pdf = make_pdf({{"one"}, {"two"}, {"three"}}, "Cut");
  int skipped = 0, read = 0;
  for (std::size_t cut = 0; cut < pdf.size(); cut += 7) {
    const auto r = extract_pdf(std::string_view(pdf).substr(0, cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_sane(r);
    (r.ok() ? read : skipped)++;
  }
  // Cut before the objects, nothing is left to read; cut only in the trailer, poppler
  // rebuilds the cross-reference table and reads every page.
  EXPECT_GT(skipped, 0);
  EXPECT_GT(read, 0);
  const auto tail_cut = extract_pdf(std::string_view(pdf).substr(0, pdf.size() - 10));
  ASSERT_TRUE(tail_cut.ok()) << tail_cut.skip_reason;
  EXPECT_EQ(tail_cut.text, "one\n\ntwo\n\nthree");
}

TEST(PdfReader, RandomByteFlipsNeverCrash) {
  const std::string pdf = make_pdf({{"The quick brown fox", "jumps over (the) lazy dog"}, {"Second page text"}},
                                   "Flip test");
  std::mt19937 rng(20240611);
  for (int round = 0; round < 200; ++round) {
    std::string damaged = pdf;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    }
    SCOPED_TRACE("round " + std::to_string(round));
    expect_sane(extract_pdf(damaged));
  }
}

TEST(PdfReader, ConcurrentExtraction) {
  const std::string pdf = make_pdf({{"parallel one"}, {"parallel two"}});
  std::vector<std::thread> threads;
  std::vector<std::string> texts(4);
  for (std::size_t t = 0; t < texts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) texts[t] = extract_pdf(pdf).text;
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& text : texts) EXPECT_EQ(text, "parallel one\n\nparallel two");
}

// The plugin is loaded once per process, so a bad $MEMVID_PDF_PLUGIN is tried in a child:
// this test binary again, running only this test with the variable set.
TEST(PdfReaderPlugin, UnloadablePluginGivesOneLineSkipReason) {
  if (std::getenv("MEMVID_TEST_PDF_CHILD") != nullptr) {
    const auto r = extract_pdf(make_pdf({{"x"}}));
    std::printf("REASON[%s]\n", r.skip_reason.c_str());
    return;
  }
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  self[n] = '\0';
  ::setenv("MEMVID_TEST_PDF_CHILD", "1", 1);
  ::setenv("MEMVID_PDF_PLUGIN", "/nonexistent/libmemvid_pdf.so", 1);
  const auto child = memvid::testing::spawn(
      {self, "--gtest_filter=PdfReaderPlugin.UnloadablePluginGivesOneLineSkipReason"});
  ::unsetenv("MEMVID_TEST_PDF_CHILD");
  ::unsetenv("MEMVID_PDF_PLUGIN");
  const std::string out = memvid::testing::read_all(child.stdout_fd);
  EXPECT_EQ(memvid::testing::wait_for(child.pid), 0) << out;
  const std::size_t at = out.find("REASON[");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string reason = out.substr(at + 7, out.find("]\n", at) - at - 7);
  EXPECT_NE(reason.find("PDF support could not be loaded"), std::string::npos) << reason;
  EXPECT_NE(reason.find("/nonexistent/libmemvid_pdf.so"), std::string::npos) << reason;
  EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
}

}  // namespace
