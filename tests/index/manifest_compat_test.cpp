// Files written before index parts were listed by tag (index manifest version 2) open,
// search, verify and take new writes as they did: tests/fixtures/manifest_v2.mv2 was written
// by that version (tests/fixtures/README.md says how, and what it answered).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace memvid;
namespace fs = std::filesystem;

std::vector<FrameId> ids(const FindResult& r) {
  std::vector<FrameId> out;
  for (const Hit& h : r.hits) out.push_back(h.id);
  return out;
}

void expect_answers_as_before(const std::string& path) {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  Memvid m = Memvid::open_read_only(path, o);
  FindOptions lex;
  lex.mode = SearchMode::Lex;
  EXPECT_EQ(ids(m.find("volcanoes", lex)), (std::vector<FrameId>{25, 24}));
  FindOptions sem;
  sem.mode = SearchMode::Sem;
  sem.k = 3;
  sem.query_vector = {3, 1, 1, 1};
  const FindResult r = m.find("", sem);
  ASSERT_EQ(ids(r), (std::vector<FrameId>{19, 22, 7}));
  EXPECT_NEAR(r.hits[0].score, 0.993399, 1e-6);
  EXPECT_NEAR(r.hits[1].score, 0.985104, 1e-6);
  EXPECT_NEAR(r.hits[2].score, 0.98198, 1e-5);
  EXPECT_EQ(m.frame(2).status, FrameStatus::Deleted);
  EXPECT_EQ(m.frame(5).status, FrameStatus::Superseded);
}

TEST(ManifestCompat, AVersionTwoFileOpensSearchesVerifiesAndTakesWrites) {
  memvid::testing::TempDir dir;
  const std::string path = dir.file("v2.mv2");
  fs::copy_file(fs::path(MEMVID_SOURCE_DIR) / "tests" / "fixtures" / "manifest_v2.mv2", path);

  const VerifyReport v = memvid::verify(path, true);
  EXPECT_TRUE(v.ok);
  for (const CheckResult& c : v.checks) EXPECT_EQ(c.status, CheckStatus::Passed) << c.name << ": " << c.detail;
  std::map<std::string, int> parts;
  for (const CatalogEntry& e : inspect_file(path).segments) ++parts[e.kind];
  EXPECT_EQ(parts["lex"], 5);
  EXPECT_EQ(parts["time"], 5);
  EXPECT_EQ(parts["vec"], 3);
  {
    OpenOptions o;
    o.nudge_poll_ms = 0;
    Memvid m = Memvid::open_read_only(path, o);
    EXPECT_EQ(m.frame_count(), 26u);
    EXPECT_EQ(m.timeline().size(), 24u);
  }
  expect_answers_as_before(path);

  // A writer's checkpoint writes the current version; the old segments stay readable in it.
  {
    OpenOptions o;
    o.nudge_poll_ms = 0;
    Memvid w = Memvid::open(path, o);
    Document d;
    d.payload = "A new frame, written after the upgrade, about fjords.";
    d.timestamp_ms = 1'709'300'000'000;
    d.embedding = {0, 0, 1, 0};
    w.put(d);
    w.close();
  }
  EXPECT_TRUE(memvid::verify(path, true).ok);
  expect_answers_as_before(path);
  OpenOptions o;
  o.nudge_poll_ms = 0;
  Memvid m = Memvid::open_read_only(path, o);
  FindOptions lex;
  lex.mode = SearchMode::Lex;
  EXPECT_EQ(ids(m.find("fjords", lex)), (std::vector<FrameId>{26}));
}

}  // namespace
