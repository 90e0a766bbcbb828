#pragma once
// Recorded agent sessions, kept inside the memory (never in a sidecar file).
//
// While a session is open, every put, put_many, update, delete, find and ask made through a
// writable handle of the memory is recorded as an action: its kind, a BLAKE3 hash of its
// inputs, and its results (the frame ids it wrote, or the ordered hit ids it read). Each
// action is a frame of its own (kind binary, label "memvid:session", a JSON payload;
// docs/FORMAT.md "Session frames"), hidden from timeline, when and find:
//   - a write's action is written in the write's own transaction: both commit or neither;
//   - a read's action waits in the handle and is written with the handle's next write, the
//     session's next checkpoint or end, or when the handle closes. A killed process loses at
//     most those waiting reads (the uncommitted tail), never anything committed before.
// Any number of sessions are kept; one is open at a time, and a writer that opens the memory
// while one is open records into it (so that CLI commands run one after another record into
// the session `memvid session start` opened).
//
// replay re-runs a session's reads against the memory as of each one (the frames that
// existed when it ran) and compares the ordered hit ids exactly; with `current`, against the
// memory as it is now, reporting what changed. compare diffs two sessions action by action.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"
#include "memvid/view.hpp"

namespace memvid {

struct SessionInfo {
  std::uint64_t id = 0;  // the frame id of its start
  std::string name;
  std::int64_t started_ms = 0;
  std::optional<std::int64_t> ended_ms;  // absent while open (or when its writer died)
  bool open = false;
  std::uint64_t actions = 0;      // recorded actions (puts, finds, ...), checkpoints included
  std::uint64_t checkpoints = 0;
};

struct SessionAction {
  std::uint64_t seq = 0;    // 1, 2, ... in the order recorded
  FrameId frame = 0;        // the frame holding the record
  std::int64_t time_ms = 0;
  std::string action;       // put, put_many, update, delete, find, ask, checkpoint
  std::string input_hash;   // BLAKE3 (hex) of the action's inputs
  std::string query;        // find and ask: the query or question
  std::vector<FrameId> frames;  // writes: the frames written (update: the new one; delete: the deleted)
  std::vector<FrameId> hits;    // reads: the ordered hit ids (ask: its sources' frames)
  std::uint64_t state_frames = 0;  // reads: frames the memory held when it ran (its as-of state)
  std::string note;         // checkpoint: its note
};

struct SessionView {
  SessionInfo session;
  std::vector<SessionAction> actions;
};

struct ReplayStep {
  std::uint64_t seq = 0;
  std::string action;
  bool matched = true;
  std::vector<FrameId> recorded;
  std::vector<FrameId> replayed;
  std::vector<FrameId> added;    // in replayed, not in recorded
  std::vector<FrameId> removed;  // in recorded, not in replayed
  std::string note;              // what differed, or why the step was not re-run
};

struct ReplayReport {
  std::uint64_t session = 0;
  std::string name;
  bool current = false;  // against today's state, not each action's as-of state
  std::uint64_t steps = 0;
  std::uint64_t matched = 0;
  std::uint64_t mismatched = 0;
  bool ok = true;  // every step matched
  std::vector<ReplayStep> details;
};

struct CompareStep {
  std::uint64_t seq = 0;
  std::string left_action, right_action;
  bool same = true;
  std::string note;
};

struct CompareReport {
  std::uint64_t left = 0, right = 0;
  bool same = true;
  std::uint64_t differing = 0;
  std::vector<CompareStep> steps;
};

class Sessions : public View {
 public:
  explicit Sessions(Memvid& handle) : View(handle), handle_(&handle) {}

  // Opens a session (InvalidArgument if one is open already; ReadOnly on a read-only handle).
  SessionInfo start(const std::string& name = "");
  // Records a checkpoint and commits what the session holds back (InvalidArgument with none open).
  SessionInfo checkpoint(const std::string& note = "");
  // Closes the open session (InvalidArgument with none open).
  SessionInfo end();
  // The open session, if any (a read-only handle sees the one open when it was opened).
  std::optional<SessionInfo> active() const;
  // Whether a session was open when the handle opened (or is now, for this handle's own):
  // cheap, for deciding whether a read must open the memory writable to be recorded.
  bool recording() const;
  std::vector<SessionInfo> list() const;
  // A session by id, or by name (the latest session of that name); NotFound otherwise.
  SessionView view(const std::string& id_or_name) const;
  // Deletes a session's frames (ending it if open), in one transaction.
  void remove(const std::string& id_or_name);
  ReplayReport replay(const std::string& id_or_name, bool current = false);
  CompareReport compare(const std::string& left, const std::string& right) const;

 private:
  Memvid* handle_;
};

}  // namespace memvid
