// The Sessions view (memvid/sessions.hpp): starting, ending and reading recorded sessions,
// and replaying their reads against the memory as of each one.
#include "memvid/sessions.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "format/frame_record.hpp"
#include "memory/memvid_impl.hpp"
#include "memory/session_log.hpp"
#include "memvid/error.hpp"

namespace memvid {
namespace {

struct Gathered {
  SessionInfo info;
  std::vector<session::Event> actions;  // in seq order
};

// Every session of the memory by id, from its committed active frames.
std::map<std::uint64_t, Gathered> gather(const store::Store& s) {
  std::map<std::uint64_t, Gathered> out;
  for (session::Event& e : session::read_events(s)) {
    if (e.type == "start") {
      Gathered& g = out[e.session];
      g.info.id = e.session;
      g.info.name = e.name.empty() ? "session-" + std::to_string(e.session) : e.name;
      g.info.started_ms = e.time_ms;
      g.info.open = true;
      continue;
    }
    auto it = out.find(e.session);
    if (it == out.end()) continue;  // its start was deleted: the session is gone
    Gathered& g = it->second;
    if (e.type == "end") {
      g.info.ended_ms = e.time_ms;
      g.info.open = false;
    } else {
      ++g.info.actions;
      if (e.action.action == "checkpoint") ++g.info.checkpoints;
      g.actions.push_back(std::move(e));
    }
  }
  for (auto& [id, g] : out)
    std::stable_sort(g.actions.begin(), g.actions.end(),
                     [](const session::Event& a, const session::Event& b) { return a.action.seq < b.action.seq; });
  return out;
}

const Gathered& lookup(const std::map<std::uint64_t, Gathered>& all, const std::string& id_or_name) {
  std::uint64_t id = 0;
  const auto [p, ec] = std::from_chars(id_or_name.data(), id_or_name.data() + id_or_name.size(), id);
  if (ec == std::errc() && p == id_or_name.data() + id_or_name.size()) {
    if (auto it = all.find(id); it != all.end()) return it->second;
  }
  const Gathered* found = nullptr;
  for (const auto& [sid, g] : all)
    if (g.info.name == id_or_name) found = &g;  // the latest of that name
  if (!found)
    throw Error(ErrorCode::NotFound, "no session '" + id_or_name + "' (memvid session list shows the sessions)");
  return *found;
}

void require_open(const Memvid::Impl& impl) {
  if (!impl.recording) throw Error(ErrorCode::InvalidArgument, "no session is open (start one with session start)");
}

std::vector<FrameId> difference(const std::vector<FrameId>& a, const std::vector<FrameId>& b) {
  const std::set<FrameId> in_b(b.begin(), b.end());
  std::vector<FrameId> out;
  for (FrameId x : a)
    if (!in_b.count(x)) out.push_back(x);
  return out;
}

// Resets the handle's replaying flag however the replay ends.
class Replaying {
 public:
  explicit Replaying(const Memvid::Impl& impl) : impl_(impl) { impl_.replaying = true; }
  ~Replaying() { impl_.replaying = false; }
  Replaying(const Replaying&) = delete;
  Replaying& operator=(const Replaying&) = delete;

 private:
  const Memvid::Impl& impl_;
};

}  // namespace

SessionInfo Sessions::start(const std::string& name) {
  {
    std::lock_guard lock(impl().mu);
    store::Store& s = impl().writer();
    if (impl().recording)
      throw Error(ErrorCode::InvalidArgument, "session '" + impl().recording->name + "' (" +
                                                  std::to_string(impl().recording->session) +
                                                  ") is open; end it before starting another");
    FrameId id = 0;
    run_transaction(impl(), [&] { id = append_session_frame(impl(), s, session::start_payload(name)); });
    impl().recording = session::Recording{id, name.empty() ? "session-" + std::to_string(id) : name, 1, {}};
  }
  return *active();
}

SessionInfo Sessions::checkpoint(const std::string& note) {
  {
    std::lock_guard lock(impl().mu);
    store::Store& s = impl().writer();
    require_open(impl());
    SessionAction a;
    a.action = "checkpoint";
    a.note = note;
    a.input_hash = session::hash_inputs({note});
    run_transaction(impl(), [&] { record_write(impl(), s, a); });
  }
  return *active();
}

SessionInfo Sessions::end() {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(impl().mu);
    store::Store& s = impl().writer();
    require_open(impl());
    session::Recording& r = *impl().recording;
    id = r.session;
    run_transaction(impl(), [&] {
      append_held_reads(impl(), s);
      append_session_frame(impl(), s, session::end_payload(r.session, r.next_seq));
    });
    impl().recording.reset();
  }
  return view(std::to_string(id)).session;
}

std::optional<SessionInfo> Sessions::active() const {
  std::lock_guard lock(impl().mu);
  const store::Store& s = impl().s();
  const std::optional<session::Recording> open = impl().recording ? impl().recording : session::find_open(s);
  if (!open) return std::nullopt;
  const auto all = gather(s);
  if (auto it = all.find(open->session); it != all.end()) {
    SessionInfo info = it->second.info;
    info.actions += open->pending.size();
    return info;
  }
  // Started in this handle's open transaction: not committed, so not listed yet.
  SessionInfo info;
  info.id = open->session;
  info.name = open->name;
  info.open = true;
  return info;
}

bool Sessions::recording() const {
  std::lock_guard lock(impl().mu);
  return impl().recording.has_value();
}

std::vector<SessionInfo> Sessions::list() const {
  std::lock_guard lock(impl().mu);
  std::vector<SessionInfo> out;
  for (const auto& [id, g] : gather(impl().s())) out.push_back(g.info);
  return out;
}

SessionView Sessions::view(const std::string& id_or_name) const {
  std::lock_guard lock(impl().mu);
  const auto all = gather(impl().s());
  const Gathered& g = lookup(all, id_or_name);
  SessionView v;
  v.session = g.info;
  for (const session::Event& e : g.actions) v.actions.push_back(e.action);
  return v;
}

void Sessions::remove(const std::string& id_or_name) {
  std::lock_guard lock(impl().mu);
  store::Store& s = impl().writer();
  const auto all = gather(s);
  const std::uint64_t id = lookup(all, id_or_name).info.id;
  std::vector<FrameId> frames;
  for (const session::Event& e : session::read_events(s))
    if (e.session == id && (frames.empty() || frames.back() != e.frame)) frames.push_back(e.frame);
  run_transaction(impl(), [&] {
    for (FrameId f : frames) {
      format::TocEntry e = s.entry(f);
      e.status = static_cast<std::uint8_t>(FrameStatus::Deleted);
      s.change_entry(e);
    }
  });
  if (impl().recording && impl().recording->session == id) impl().recording.reset();
}

ReplayReport Sessions::replay(const std::string& id_or_name, bool current) {
  std::map<std::uint64_t, Gathered> all;
  {
    std::lock_guard lock(impl().mu);
    all = gather(impl().s());
  }
  const Gathered& g = lookup(all, id_or_name);
  ReplayReport report;
  report.session = g.info.id;
  report.name = g.info.name;
  report.current = current;
  const Replaying replaying(impl());
  for (const session::Event& e : g.actions) {
    const SessionAction& a = e.action;
    ReplayStep step;
    step.seq = a.seq;
    step.action = a.action;
    if (a.action == "find" || a.action == "ask") {
      step.recorded = a.hits;
      try {
        if (a.action == "find") {
          FindOptions o = session::find_options_from_json(e.options_json);
          if (e.options_json.find("\"vector\":true") != std::string::npos) {
            step.note = "searched with a caller's vector, which the session does not keep: not re-run";
            step.replayed = a.hits;
          } else {
            if (!current) o.as_of_frame = a.state_frames == 0 ? std::optional<FrameId>{} : a.state_frames - 1;
            for (const Hit& h : handle_->find(a.query, o).hits) step.replayed.push_back(h.id);
            if (!current && a.state_frames == 0) step.replayed.clear();
          }
        } else {
          AskOptions o = session::ask_options_from_json(e.options_json);
          if (!current && a.state_frames > 0) o.as_of_frame = a.state_frames - 1;
          for (const AskSource& src : handle_->ask(a.query, o).sources) step.replayed.push_back(src.id);
        }
      } catch (const Error& err) {
        step.note = std::string("re-running it failed: ") + err.what();
      }
      step.matched = step.note.rfind("re-running", 0) != 0 && step.replayed == step.recorded;
      step.added = difference(step.replayed, step.recorded);
      step.removed = difference(step.recorded, step.replayed);
      if (!step.matched && step.note.empty())
        step.note = step.added.empty() && step.removed.empty() ? "the same hits in another order"
                                                               : std::to_string(step.added.size()) + " hits new, " +
                                                                     std::to_string(step.removed.size()) + " gone";
    } else if (a.action == "put" || a.action == "put_many" || a.action == "update" || a.action == "delete") {
      // A write is checked, not repeated: its frames are there, and (as of now) what became of them.
      std::lock_guard lock(impl().mu);
      const store::Store& s = impl().s();
      step.recorded = a.frames;
      for (FrameId f : a.frames) {
        if (f >= s.frame_count()) {
          step.matched = false;
          step.note = "frame " + std::to_string(f) + " does not exist";
          break;
        }
        step.replayed.push_back(f);
        const auto status = static_cast<FrameStatus>(s.entry(f).status);
        const bool expected = a.action == "delete" ? status == FrameStatus::Deleted : true;
        if (!expected) {
          step.matched = false;
          step.note = "frame " + std::to_string(f) + " is " + std::string(to_string(status)) + ", not deleted";
        } else if (current && a.action != "delete" && status != FrameStatus::Active) {
          step.matched = false;
          step.note = "frame " + std::to_string(f) + " has since been " + std::string(to_string(status));
        }
      }
    } else {
      step.note = a.note;  // a checkpoint: nothing to re-run
    }
    ++report.steps;
    if (step.matched) ++report.matched;
    else ++report.mismatched;
    report.details.push_back(std::move(step));
  }
  report.ok = report.mismatched == 0;
  return report;
}

CompareReport Sessions::compare(const std::string& left, const std::string& right) const {
  std::lock_guard lock(impl().mu);
  const auto all = gather(impl().s());
  const Gathered& a = lookup(all, left);
  const Gathered& b = lookup(all, right);
  CompareReport r;
  r.left = a.info.id;
  r.right = b.info.id;
  const std::size_t n = std::max(a.actions.size(), b.actions.size());
  for (std::size_t i = 0; i < n; ++i) {
    CompareStep step;
    step.seq = i + 1;
    const SessionAction* x = i < a.actions.size() ? &a.actions[i].action : nullptr;
    const SessionAction* y = i < b.actions.size() ? &b.actions[i].action : nullptr;
    if (x) step.left_action = x->action;
    if (y) step.right_action = y->action;
    if (!x || !y) {
      step.same = false;
      step.note = std::string("only in ") + (x ? "the first" : "the second") + " session";
    } else if (x->action != y->action) {
      step.same = false;
      step.note = "different actions";
    } else if (x->input_hash != y->input_hash) {
      step.same = false;
      step.note = "different inputs";
    } else if (x->hits != y->hits) {
      const auto added = difference(y->hits, x->hits), removed = difference(x->hits, y->hits);
      step.same = false;
      step.note = added.empty() && removed.empty() ? "the same hits in another order"
                                                   : std::to_string(added.size()) + " hits only in the second, " +
                                                         std::to_string(removed.size()) + " only in the first";
    } else if (x->frames.size() != y->frames.size()) {
      step.same = false;
      step.note = "a different number of frames written";
    }
    if (!step.same) ++r.differing;
    r.steps.push_back(std::move(step));
  }
  r.same = r.differing == 0;
  return r;
}

}  // namespace memvid
