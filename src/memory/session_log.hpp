#pragma once
// The bytes of recorded sessions (memvid/sessions.hpp): one binary frame per event, labelled
// "memvid:session", whose payload is a JSON object
//   {"session": <start frame id>, "seq": n, "type": "start"|"action"|"end", ...}
// (docs/FORMAT.md "Session frames"), and the scans that read them back. A payload that does
// not parse as an event is not one: the frame stays an ordinary binary frame.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/options.hpp"
#include "memvid/sessions.hpp"
#include "store/store.hpp"

namespace memvid::session {

inline constexpr std::string_view kSessionLabel = "memvid:session";

struct Event {
  FrameId frame = 0;
  std::int64_t time_ms = 0;
  std::uint64_t session = 0;
  std::string type;    // start, action, end
  std::string name;    // start
  SessionAction action;  // type action
  std::string options_json;  // find/ask: the options to replay with
};

// What a writable handle holds while a session is open.
struct Recording {
  std::uint64_t session = 0;
  std::string name;
  std::uint64_t next_seq = 1;
  std::vector<std::string> pending;  // read actions (action_json), written with the next write
};

std::string start_payload(const std::string& name);
std::string end_payload(std::uint64_t session, std::uint64_t seq);
// One action as a JSON object; `options_json` (find/ask) is embedded as an object.
std::string action_json(const SessionAction& a, const std::string& options_json);
// The payload of a frame holding actions (a write's, after the reads held back before it):
// {"session": id, "type": "actions", "actions": [...]}.
std::string actions_payload(std::uint64_t session, const std::vector<std::string>& actions);

// Nothing thrown: a payload that is not a session record gives no events.
std::vector<Event> parse_events(std::string_view payload, FrameId frame, std::int64_t time_ms);

// Every session event of the committed active frames (a deleted session's are not), in
// frame order.
std::vector<Event> read_events(const store::Store& s);

// The open session, found by walking back from the newest frame to the newest event of an
// active session frame: open when that event is not an end. Only the newest
// kOpenSessionLookback frames are looked at: a session whose last record is older than that
// (its writer died and other, unrecorded writes followed) counts as ended.
inline constexpr std::size_t kOpenSessionLookback = 256;
std::optional<Recording> find_open(const store::Store& s);

// The options a recorded find or ask is replayed with, as JSON, and back. The anchor of time
// phrases is fixed to the moment the read ran, so that date:"last week" replays the same week.
std::string find_options_json(const FindOptions& o, std::int64_t anchor_ms);
FindOptions find_options_from_json(const std::string& json);
std::string ask_options_json(const AskOptions& o, std::int64_t anchor_ms);
AskOptions ask_options_from_json(const std::string& json);

// Whether the frame is a session frame (kind binary and the label), by reading its record.
bool is_session_frame(const store::Store& s, FrameId frame);

// Which frames are session frames, read from a binary frame's record the first time it is
// asked about and remembered (frames never change kind or labels): what timeline and when
// hide. Text frames cost nothing; session frames have no text, so find never sees them.
class FrameSet {
 public:
  bool contains(const store::Store& s, FrameId frame);

 private:
  std::vector<std::int8_t> known_;  // committed frames by id: -1 unknown, 0 no, 1 yes
};

// Marks, on this thread, a read that is part of another (ask's find): not recorded itself.
class InnerRead {
 public:
  InnerRead();
  ~InnerRead();
  InnerRead(const InnerRead&) = delete;
  InnerRead& operator=(const InnerRead&) = delete;
  static bool active();
};

// BLAKE3 of the parts, each length-prefixed, as 64 hex digits.
std::string hash_inputs(std::initializer_list<std::string_view> parts);

}  // namespace memvid::session
