// Recorded sessions (memvid/sessions.hpp) through the public API: actions in order with
// their results, hidden from find and timeline, any number of sessions, reads held back until
// the next write, a killed writer losing only that uncommitted tail, readers seeing only
// committed sessions, replay as of each action and against today's state, compare, delete.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "memvid/error.hpp"
#include "memvid/sessions.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

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

FindOptions lex() {
  FindOptions o;
  o.mode = SearchMode::Lex;
  return o;
}

std::vector<std::string> actions_of(const SessionView& v) {
  std::vector<std::string> out;
  for (const SessionAction& a : v.actions) out.push_back(a.action);
  return out;
}

std::vector<std::string> files_in(const mt::TempDir& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Sessions, RecordsEachActionWithItsResultsAndHidesItsFrames) {
  mt::TempDir dir;
  Memvid mem = Memvid::create(dir.file("m.mv2"), plain());
  const FrameId before = mem.put(text("tea with bob"));
  Sessions sessions(mem);
  const SessionInfo started = sessions.start("agent-1");
  EXPECT_TRUE(started.open);
  EXPECT_EQ(started.name, "agent-1");
  EXPECT_THROW(sessions.start("again"), Error);
  const FrameId alice = mem.put(text("Alice works at Acme Corp."));
  const FindResult found = mem.find("alice OR tea", lex());
  const FrameId updated = mem.update(alice, text("Alice works at Globex."));
  mem.delete_frame(before);
  AskOptions ask;
  ask.mode = SearchMode::Lex;
  (void)mem.ask("where does Alice work?", ask);
  sessions.checkpoint("half way");
  const SessionInfo ended = sessions.end();
  EXPECT_FALSE(ended.open);
  EXPECT_TRUE(ended.ended_ms.has_value());

  const SessionView v = sessions.view("agent-1");
  EXPECT_EQ(actions_of(v), (std::vector<std::string>{"put", "find", "update", "delete", "ask", "checkpoint"}));
  for (std::size_t i = 0; i < v.actions.size(); ++i) EXPECT_EQ(v.actions[i].seq, i + 1);
  EXPECT_EQ(v.actions[0].frames, std::vector<FrameId>{alice});  // the real frame id
  ASSERT_EQ(found.hits.size(), 2u);
  EXPECT_EQ(v.actions[1].hits, (std::vector<FrameId>{found.hits[0].id, found.hits[1].id}));
  EXPECT_EQ(v.actions[1].query, "alice OR tea");
  EXPECT_EQ(v.actions[1].input_hash.size(), 64u);
  EXPECT_EQ(v.actions[2].frames, std::vector<FrameId>{updated});
  EXPECT_EQ(v.actions[3].frames, std::vector<FrameId>{before});
  EXPECT_EQ(v.actions[4].hits, std::vector<FrameId>{updated});
  EXPECT_EQ(v.actions[5].note, "half way");

  // The session's own frames are no hits and no timeline entries.
  EXPECT_TRUE(mem.find("label:\"memvid:session\"", lex()).hits.empty());
  EXPECT_TRUE(mem.find("kind:binary", lex()).hits.empty());
  const auto timeline = mem.timeline();
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0].id, updated);
  mem.close();
}

TEST(Sessions, AnyNumberOfSessionsAndNeverASidecar) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  Memvid::create(path, plain()).close();
  for (int round = 0; round < 3; ++round) {
    Memvid mem = Memvid::open(path);
    Sessions(mem).start("run-" + std::to_string(round));
    EXPECT_EQ(files_in(dir), std::vector<std::string>{"m.mv2"});
    mem.put(text("note " + std::to_string(round)));
    (void)mem.find("note", lex());
    EXPECT_EQ(files_in(dir), std::vector<std::string>{"m.mv2"});
    Sessions(mem).end();
    mem.close();
    EXPECT_EQ(files_in(dir), std::vector<std::string>{"m.mv2"});
  }
  Memvid ro = Memvid::open_read_only(path);
  const auto all = Sessions(ro).list();
  ASSERT_EQ(all.size(), 3u);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(all[round].name, "run-" + std::to_string(round));
    EXPECT_EQ(all[round].actions, 2u);
    EXPECT_FALSE(all[round].open);
  }
  EXPECT_EQ(Sessions(ro).compare("run-0", "run-1").differing, 2u);  // other inputs, other hits
  EXPECT_TRUE(Sessions(ro).compare("run-1", "run-1").same);
}

// A later handle (another process, e.g. the next CLI command) records into the open session;
// a read waits for the next write, and close() commits what waits.
TEST(Sessions, ReadsWaitForTheNextWriteAndCloseCommitsThem) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    Memvid mem = Memvid::create(path, plain());
    mem.put(text("alpha"));
    Sessions(mem).start("s");
    mem.close();
  }
  Memvid writer = Memvid::open(path);
  EXPECT_TRUE(Sessions(writer).recording());
  (void)writer.find("alpha", lex());
  {
    // A reader sees what is committed: the session, without the waiting find.
    Memvid reader = Memvid::open_read_only(path);
    EXPECT_TRUE(Sessions(reader).view("s").actions.empty());
  }
  writer.put(text("beta"));
  {
    Memvid reader = Memvid::open_read_only(path);
    EXPECT_EQ(actions_of(Sessions(reader).view("s")), (std::vector<std::string>{"find", "put"}));
  }
  (void)writer.find("beta", lex());
  writer.close();
  Memvid reader = Memvid::open_read_only(path);
  EXPECT_EQ(actions_of(Sessions(reader).view("s")), (std::vector<std::string>{"find", "put", "find"}));
  EXPECT_TRUE(Sessions(reader).view("s").session.open);
}

// A writer killed mid-session (no close, no destructor) loses at most the reads it held
// back; every committed action, and every earlier session, survives, and the next writer
// goes on recording into the same session with the next sequence number.
TEST(Sessions, AKilledWriterLosesOnlyTheUncommittedTail) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    Memvid mem = Memvid::create(path, plain());
    Sessions(mem).start("earlier");
    mem.put(text("kept"));
    Sessions(mem).end();
    mem.close();
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      Memvid mem = Memvid::open(path);
      Sessions(mem).start("killed");
      for (int i = 0; i < 20; ++i) {
        mem.put(text("doc " + std::to_string(i)));
        (void)mem.find("doc", lex());
      }
      ::_exit(0);  // as a kill: no close, no destructors, the last find still held back
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  Memvid mem = Memvid::open(path);
  Sessions sessions(mem);
  EXPECT_EQ(sessions.view("earlier").actions.size(), 1u);
  const SessionView killed = sessions.view("killed");
  EXPECT_TRUE(killed.session.open);
  ASSERT_EQ(killed.actions.size(), 39u);  // 20 puts and the 19 finds committed with a later put
  for (std::size_t i = 0; i < killed.actions.size(); ++i) {
    EXPECT_EQ(killed.actions[i].seq, i + 1);
    EXPECT_EQ(killed.actions[i].action, i % 2 == 0 ? "put" : "find");
  }
  mem.put(text("after the crash"));
  const SessionInfo done = sessions.end();
  EXPECT_EQ(done.actions, 40u);
  // The lost find was never committed: its number goes to the next action, gapless.
  EXPECT_EQ(sessions.view("killed").actions.back().seq, 40u);
  EXPECT_TRUE(sessions.replay("killed").ok);
}

TEST(Sessions, ReplayAsOfEachActionAndAgainstTheCurrentState) {
  mt::TempDir dir;
  Memvid mem = Memvid::create(dir.file("m.mv2"), plain());
  mem.put(text("the cat sat on the mat"));
  mem.put(text("a dog and a cat"));
  Sessions sessions(mem);
  sessions.start("r");
  (void)mem.find("cat", lex());
  FindOptions week = lex();
  week.time_anchor_ms = 1'763'726'400'000;
  (void)mem.find("cat date:\"last week\"", week);
  sessions.end();
  // New writes: one matches the query, one does not.
  mem.put(text("cat cat cat cat"));
  mem.put(text("birds"));
  const ReplayReport asof = sessions.replay("r");
  EXPECT_TRUE(asof.ok);
  EXPECT_EQ(asof.steps, 2u);
  const ReplayReport now = sessions.replay("r", true);
  EXPECT_FALSE(now.ok);
  ASSERT_EQ(now.details.size(), 2u);
  EXPECT_FALSE(now.details[0].matched);
  EXPECT_EQ(now.details[0].added, std::vector<FrameId>{5});  // frames 2-4: the session's start, finds, end
  EXPECT_TRUE(now.details[0].removed.empty());
  // Replays are not recorded, even with a session open.
  sessions.start("later");
  (void)sessions.replay("r");
  EXPECT_EQ(sessions.end().actions, 0u);
}

TEST(Sessions, DeleteRemovesASessionAndStartNeedsAWriter) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  {
    Memvid mem = Memvid::create(path, plain());
    Sessions(mem).start("gone");
    mem.put(text("x"));
    Sessions(mem).remove("gone");
    EXPECT_FALSE(Sessions(mem).recording());
    EXPECT_TRUE(Sessions(mem).list().empty());
    EXPECT_EQ(mem.timeline().size(), 1u);
    mem.close();
  }
  Memvid ro = Memvid::open_read_only(path);
  EXPECT_THROW(Sessions(ro).start("x"), Error);
  try {
    (void)Sessions(ro).view("nope");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  EXPECT_THROW(Sessions(ro).end(), Error);
}

}  // namespace
