// The same operations with the same explicit timestamps give byte-identical files, whatever
// the process, the sync mode, or the wall clock.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::testing::TempDir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void build(const std::string& path, SyncMode sync, const std::string& command) {
  CreateOptions c;
  c.open.sync = sync;
  c.open.command = command;
  Memvid m = Memvid::create(path, c);
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i) {
    Document d;
    d.payload = "document " + std::to_string(i) + " " + std::string(static_cast<std::size_t>(i % 50), 'x');
    d.title = "title " + std::to_string(i);
    d.tags = {"t" + std::to_string(i % 3)};
    d.timestamp_ms = 1'700'000'000'000 + i;
    docs.push_back(d);
  }
  m.put_many(docs);
  for (int i = 0; i < 30; ++i) {
    Document d;
    d.payload = "single " + std::to_string(i);
    d.timestamp_ms = 1'800'000'000'000 + i;
    m.put(d);
    if (i % 10 == 9) m.commit();
  }
  Document u;
  u.payload = "updated";
  u.timestamp_ms = 1'900'000'000'000;
  m.update(5, u);
  m.delete_frame(7);
  m.begin();
  Document lost;
  lost.payload = "rolled back";
  lost.timestamp_ms = 1;
  m.put(lost);
  m.rollback();
}

}  // namespace

TEST(Determinism, SameOperationsGiveIdenticalBytes) {
  TempDir dir;
  build(dir.file("a.mv2"), SyncMode::Full, "first writer");
  build(dir.file("b.mv2"), SyncMode::Off, "a different command line");
  std::string a = slurp(dir.file("a.mv2"));
  std::string b = slurp(dir.file("b.mv2"));
  ASSERT_GT(a.size(), 4096u);
  EXPECT_TRUE(a == b) << "files differ (" << a.size() << " vs " << b.size() << " bytes)";
}

TEST(Determinism, DifferentContentGivesDifferentBytes) {
  TempDir dir;
  build(dir.file("a.mv2"), SyncMode::Off, "x");
  {
    Memvid m = Memvid::open(dir.file("a.mv2"));
    Document d;
    d.payload = "one more";
    d.timestamp_ms = 5;
    m.put(d);
  }
  build(dir.file("b.mv2"), SyncMode::Off, "x");
  EXPECT_NE(slurp(dir.file("a.mv2")), slurp(dir.file("b.mv2")));
}
