// JSONL records as put-many reads them: every line a document, in order, and a bad line
// reported with its own line number. Large inputs are parsed as two halves at once; that
// must not be visible: the same documents, and the first bad line named, whichever half.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memvid/records.hpp"

namespace memvid {
namespace {

// n records of about 200 bytes each, the line numbered i holding "record i".
std::vector<std::string> record_lines(std::size_t n) {
  std::vector<std::string> lines;
  for (std::size_t i = 1; i <= n; ++i)
    lines.push_back(R"({"title":"t)" + std::to_string(i) + R"(","text":"record )" + std::to_string(i) + " " +
                    std::string(160, 'x') + R"("})");
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string error_of(const std::string& text) {
  try {
    parse_jsonl_records(text, "in.jsonl");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
    return e.what();
  }
  return "";
}

TEST(JsonlRecords, ALargeInputGivesEveryLineInOrder) {
  std::vector<std::string> lines = record_lines(40000);  // about 8 MB: two halves
  lines.insert(lines.begin() + 20000, "   ");           // blank lines are skipped but counted
  lines.push_back("");
  const std::string text = join(lines);
  ASSERT_GT(text.size(), 4u << 20);
  const std::vector<Document> docs = parse_jsonl_records(text, "in.jsonl");
  ASSERT_EQ(docs.size(), 40000u);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    ASSERT_EQ(docs[i].title, "t" + std::to_string(i + 1));
    ASSERT_EQ(docs[i].payload.substr(0, docs[i].payload.find(' ', 7)), "record " + std::to_string(i + 1));
  }
}

TEST(JsonlRecords, TheFirstBadLineIsTheOneNamedInEitherHalf) {
  const std::vector<std::string> good = record_lines(40000);
  for (std::size_t bad : {3u, 19999u, 20001u, 39990u}) {
    std::vector<std::string> lines = good;
    lines[bad - 1] = R"({"title":"no text"})";
    EXPECT_NE(error_of(join(lines)).find("in.jsonl line " + std::to_string(bad) + ":"), std::string::npos) << bad;
  }
  // Bad lines in both halves: the earlier one, as a single pass would say.
  std::vector<std::string> lines = good;
  lines[29999] = "{oops";
  lines[9] = R"({"text": 5})";
  const std::string why = error_of(join(lines));
  EXPECT_NE(why.find("in.jsonl line 10:"), std::string::npos) << why;
  EXPECT_NE(why.find("must be a string"), std::string::npos) << why;
}

}  // namespace
}  // namespace memvid
