// memvid session start|end|list|view|checkpoint|delete|replay|compare|save|load FILE ...
// Sessions live inside the memory (memvid/sessions.hpp): while one is open, the commands that
// write (put, put-many, update, delete) and the reads find and ask record into it.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/sessions.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {
namespace {

struct SessionArgs {
  std::string path, name, note, session, other;
  bool current = false;
};

std::string ids_text(const std::vector<FrameId>& ids) {
  std::string out;
  for (FrameId id : ids) out += (out.empty() ? "#" : " #") + std::to_string(id);
  return out.empty() ? "(none)" : out;
}

void print_info(const SessionInfo& i) {
  std::cout << "session " << i.id << "  " << i.name << "  started " << format_timestamp_iso(i.started_ms);
  if (i.ended_ms) std::cout << "  ended " << format_timestamp_iso(*i.ended_ms);
  else std::cout << "  (open)";
  std::cout << "  " << i.actions << (i.actions == 1 ? " action" : " actions") << '\n';
}

void print_action(const SessionAction& a) {
  std::string upper = a.action;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c == '_' ? '-' : c);
  std::cout << "  " << a.seq << ". " << upper << "  " << format_timestamp_iso(a.time_ms);
  if (!a.query.empty()) std::cout << "  \"" << a.query << "\" -> " << ids_text(a.hits);
  else if (!a.frames.empty()) std::cout << "  " << ids_text(a.frames);
  if (!a.note.empty()) std::cout << "  " << a.note;
  std::cout << '\n';
}

using Body = std::function<void(const SessionArgs&, const GlobalOptions&)>;

CLI::App* add_sub(CLI::App& parent, const char* name, const char* help, std::shared_ptr<SessionArgs> args,
                  GlobalOptions& global, Registry& registry, Body body) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  add_file_argument(*cmd, args->path);
  add_open_flags(*cmd, global);
  add_json_flag(*cmd, global);
  registry.push_back({cmd, [args, &global, body] { body(*args, global); }});
  return cmd;
}

}  // namespace

void add_session_commands(CLI::App& app, GlobalOptions& global, Registry& registry) {
  CLI::App* session = app.add_subcommand(
      "session", "Record an agent's actions inside the memory, list, view, replay and compare them");
  session->require_subcommand(1);

  auto start = std::make_shared<SessionArgs>();
  add_sub(*session, "start", "Open a session: later writes, finds and asks record into it", start, global, registry,
          [](const SessionArgs& a, const GlobalOptions& g) {
            Memvid mem = Memvid::open(a.path, open_options(g));
            const SessionInfo i = Sessions(mem).start(a.name);
            mem.close();
            if (g.json) return print_json(to_json(i));
            std::cout << "started session " << i.id << " (" << i.name << ")\n";
          })
      ->add_option("--name", start->name, "A name for the session (default: session-ID)");

  auto end = std::make_shared<SessionArgs>();
  add_sub(*session, "end", "Close the open session", end, global, registry, [](const SessionArgs& a, const GlobalOptions& g) {
    Memvid mem = Memvid::open(a.path, open_options(g));
    const SessionInfo i = Sessions(mem).end();
    mem.close();
    if (g.json) return print_json(to_json(i));
    std::cout << "ended ";
    print_info(i);
  });

  auto checkpoint = std::make_shared<SessionArgs>();
  add_sub(*session, "checkpoint", "Record a checkpoint in the open session and commit what it holds", checkpoint, global,
          registry,
          [](const SessionArgs& a, const GlobalOptions& g) {
            Memvid mem = Memvid::open(a.path, open_options(g));
            const SessionInfo i = Sessions(mem).checkpoint(a.note);
            mem.close();
            if (g.json) return print_json(to_json(i));
            std::cout << "checkpoint recorded in session " << i.id << " (" << i.actions << " actions)\n";
          })
      ->add_option("--note", checkpoint->note, "A note to keep with the checkpoint");

  auto list = std::make_shared<SessionArgs>();
  add_sub(*session, "list", "List the recorded sessions", list, global, registry,
          [](const SessionArgs& a, const GlobalOptions& g) {
            Memvid mem = Memvid::open_read_only(a.path, open_options(g));
            const std::vector<SessionInfo> all = Sessions(mem).list();
            mem.close();
            if (g.json) {
              Json out = Json::array();
              for (const SessionInfo& i : all) out.push_back(to_json(i));
              return print_json(out);
            }
            for (const SessionInfo& i : all) print_info(i);
            std::cout << all.size() << (all.size() == 1 ? " session" : " sessions") << '\n';
          });

  auto view = std::make_shared<SessionArgs>();
  add_sub(*session, "view", "Show a session's actions in order", view, global, registry,
          [](const SessionArgs& a, const GlobalOptions& g) {
            Memvid mem = Memvid::open_read_only(a.path, open_options(g));
            const SessionView v = Sessions(mem).view(a.session);
            mem.close();
            if (g.json) return print_json(to_json(v));
            print_info(v.session);
            for (const SessionAction& act : v.actions) print_action(act);
          })
      ->add_option("SESSION", view->session, "The session's id or name")
      ->required();

  auto remove = std::make_shared<SessionArgs>();
  add_sub(*session, "delete", "Delete a session's records (ending it if open)", remove, global, registry,
          [](const SessionArgs& a, const GlobalOptions& g) {
            Memvid mem = Memvid::open(a.path, open_options(g));
            Sessions(mem).remove(a.session);
            mem.close();
            if (g.json) return print_json(Json{{"deleted", a.session}});
            std::cout << "deleted session " << a.session << '\n';
          })
      ->add_option("SESSION", remove->session, "The session's id or name")
      ->required();

  auto replay = std::make_shared<SessionArgs>();
  CLI::App* replay_cmd = add_sub(
      *session, "replay",
      "Re-run a session's finds and asks against the memory as of each one and compare the hits; exits 1 unless "
      "every step matches",
      replay, global, registry, [](const SessionArgs& a, const GlobalOptions& g) {
        Memvid mem = Memvid::open_read_only(a.path, open_options(g));
        const ReplayReport r = Sessions(mem).replay(a.session, a.current);
        mem.close();
        if (g.json) {
          print_json(to_json(r));
        } else {
          std::cout << "replay of session " << r.session << " (" << r.name << ")"
                    << (r.current ? " against the current memory" : " as of each action") << '\n';
          for (const ReplayStep& s : r.details) {
            std::cout << "  " << s.seq << ". " << s.action << "  " << (s.matched ? "match" : "DIFFERS");
            if (!s.note.empty()) std::cout << "  " << s.note;
            if (!s.matched && (s.action == "find" || s.action == "ask"))
              std::cout << "\n       recorded " << ids_text(s.recorded) << "\n       now      " << ids_text(s.replayed);
            std::cout << '\n';
          }
          std::cout << r.matched << " of " << r.steps << " steps match\n";
        }
        if (!r.ok)
          throw CommandError(ErrorCode::InvalidArgument,
                             std::to_string(r.mismatched) + " of " + std::to_string(r.steps) + " steps differ",
                             kExitOther);
      });
  replay_cmd->add_option("SESSION", replay->session, "The session's id or name")->required();
  replay_cmd->add_flag("--current", replay->current, "Against the memory as it is now, reporting what changed");

  auto compare = std::make_shared<SessionArgs>();
  CLI::App* compare_cmd = add_sub(
      *session, "compare", "Diff two sessions action by action; exits 1 when they differ", compare,
      global, registry, [](const SessionArgs& a, const GlobalOptions& g) {
        Memvid mem = Memvid::open_read_only(a.path, open_options(g));
        const CompareReport r = Sessions(mem).compare(a.session, a.other);
        mem.close();
        if (g.json) {
          print_json(to_json(r));
        } else {
          for (const CompareStep& s : r.steps) {
            std::cout << "  " << s.seq << ". " << (s.left_action.empty() ? "-" : s.left_action) << " / "
                      << (s.right_action.empty() ? "-" : s.right_action) << "  " << (s.same ? "same" : "DIFFERS");
            if (!s.note.empty()) std::cout << "  " << s.note;
            std::cout << '\n';
          }
          std::cout << (r.same ? "the sessions match" : std::to_string(r.differing) + " steps differ") << '\n';
        }
        if (!r.same)
          throw CommandError(ErrorCode::InvalidArgument, std::to_string(r.differing) + " steps differ", kExitOther);
      });
  compare_cmd->add_option("A", compare->session, "The first session's id or name")->required();
  compare_cmd->add_option("B", compare->other, "The second session's id or name")->required();

  for (const char* legacy : {"save", "load"}) {
    auto args = std::make_shared<SessionArgs>();
    add_sub(*session, legacy, "Nothing to do: sessions are always inside the memory file", args, global, registry,
            [legacy](const SessionArgs&, const GlobalOptions& g) {
              const std::string msg = std::string("session ") + legacy +
                                      " does nothing here: sessions are recorded inside the memory file itself";
              if (g.json) return print_json(Json{{"note", msg}});
              std::cout << msg << '\n';
            });
  }
}

}  // namespace memvid::cli
