// Creating a memory where another process may be creating the same one: create replaces a
// dead create's empty leftover but never a create in progress, a create whose file was
// replaced under it fails instead of writing to a file nobody will read, and
// CreateOptions::if_exists = Open ("open or create", what both SDKs' use() does) ends with
// the one memory at the path either way.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "format/layout.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

// The POSIX Env, with a hook that runs once, right after a file is created and before the
// creator has done anything with it: the moment another process's create can interleave.
class PausingEnv : public Env {
 public:
  explicit PausingEnv(std::function<void()> hook) : hook_(std::move(hook)) {}
  std::unique_ptr<File> open(const std::string& path, OpenMode mode) override {
    auto f = base_->open(path, mode);
    if (mode == OpenMode::CreateNew && hook_) std::exchange(hook_, nullptr)();
    return f;
  }
  bool exists(const std::string& path) override { return base_->exists(path); }
  void remove(const std::string& path) override { base_->remove(path); }
  std::string create_temp(const std::string& beside, unsigned mode) override { return base_->create_temp(beside, mode); }
  void commit_temp(const std::string& temp, const std::string& dest, bool replace) override {
    base_->commit_temp(temp, dest, replace);
  }
  void discard_temp(const std::string& temp) override { base_->discard_temp(temp); }
  bool same_file(File& file, const std::string& path) override { return base_->same_file(file, path); }
  std::int64_t now_ms() override { return base_->now_ms(); }
  void sleep_ms(int ms) override { base_->sleep_ms(ms); }

 private:
  std::shared_ptr<Env> base_ = default_env();
  std::function<void()> hook_;
};

CreateOptions plain() {
  CreateOptions o;
  o.embedding_model = "none";
  return o;
}

Document text(const std::string& t) {
  Document d;
  d.payload = t;
  return d;
}

std::string only_text(const std::string& path) {
  Memvid m = Memvid::open_read_only(path);
  EXPECT_EQ(m.frame_count(), 1u);
  return m.frame(0).payload;
}

TEST(CreateRace, ACreateWhoseEmptyFileWasReplacedFailsInsteadOfWritingToAGhost) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  CreateOptions a = plain();
  a.open.env = std::make_shared<PausingEnv>([&] {
    // Another process sees an empty, unlocked file: a dead create's leftover, to its eyes.
    Memvid b = Memvid::create(path, plain());
    b.put(text("written by the other process"));
    b.close();
  });
  try {
    Memvid m = Memvid::create(path, a);
    m.put(text("written into the void"));
    FAIL() << "the create went on with a file the path no longer names";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_EQ(only_text(path), "written by the other process");
}

TEST(CreateRace, OpenOrCreateOpensTheMemoryThatWonTheRace) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  CreateOptions a = plain();
  a.if_exists = IfExists::Open;
  a.open.env = std::make_shared<PausingEnv>([&] {
    Memvid b = Memvid::create(path, plain());
    b.put(text("first"));
    b.close();
  });
  Memvid m = Memvid::create(path, a);
  m.put(text("second"));
  m.close();
  Memvid r = Memvid::open_read_only(path);
  ASSERT_EQ(r.frame_count(), 2u);
  EXPECT_EQ(r.frame(0).payload, "first");
  EXPECT_EQ(r.frame(1).payload, "second");
}

TEST(CreateRace, AnEmptyFileACreateHoldsIsNotTakenForALeftover) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  auto env = default_env();
  // A create in progress: its file exists, empty, and it holds the writer lock.
  auto in_progress = env->open(path, OpenMode::CreateNew);
  ASSERT_TRUE(in_progress->try_lock(format::kWriterLockByte, LockKind::Exclusive));
  try {
    Memvid::create(path, plain());
    FAIL() << "create replaced a file another create holds";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
  EXPECT_TRUE(env->same_file(*in_progress, path));
}

TEST(CreateRace, ADeadCreatesEmptyFileIsReplaced) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  std::ofstream(path).close();
  Memvid m = Memvid::create(path, plain());
  m.put(text("kept"));
  m.close();
  EXPECT_EQ(only_text(path), "kept");
}

TEST(OpenOrCreate, OpensAnExistingMemoryWithItsOwnSettings) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    CreateOptions o = plain();
    o.language = "french";
    Memvid m = Memvid::create(path, o);
    m.put(text("bonjour"));
    m.close();
  }
  CreateOptions again = plain();
  again.if_exists = IfExists::Open;
  again.language = "german";  // ignored: the memory has its settings
  Memvid m = Memvid::create(path, again);
  EXPECT_FALSE(m.read_only());
  EXPECT_EQ(m.frame_count(), 1u);
  m.put(text("encore"));
  m.close();
  Memvid r = Memvid::open_read_only(path);
  EXPECT_EQ(r.frame_count(), 2u);
}

TEST(OpenOrCreate, CreatesAMissingMemoryAndFailIsTheDefault) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  CreateOptions o = plain();
  o.if_exists = IfExists::Open;
  Memvid::create(path, o).close();
  EXPECT_TRUE(std::filesystem::exists(path));
  try {
    Memvid::create(path, plain());
    FAIL() << "create over an existing memory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  }
}

TEST(OpenOrCreate, SomebodysFileIsStillRefused) {
  mt::TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "my notes, not a memory\n";
  CreateOptions o = plain();
  o.if_exists = IfExists::Open;
  try {
    Memvid::create(path, o);
    FAIL() << "opened a text file as a memory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotAMemory) << e.what();
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "my notes, not a memory");
}

}  // namespace
