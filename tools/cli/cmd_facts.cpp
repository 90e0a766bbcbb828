// Facts about entities (docs/FACTS.md), with the original memvid's command names and flags:
//   memvid memories FILE [--entity E] [--slot S]
//   memvid state FILE -e ENTITY [-s SLOT] [--at-time T]
//   memvid facts FILE [-e E] [-p PRED] [-v VALUE] [--history]
//   memvid follow traverse FILE -s START [-l LINK] [--hops N] [--direction out|in|both]
//   memvid follow entities FILE [-t KIND] [-q QUERY]
//   memvid follow stats FILE
//   memvid enrich FILE [--engine rules|<provider>:<model>] [--force] [--batch N] [--workers N]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <iostream>
#include <map>
#include <memory>

#include "commands.hpp"
#include "facts_export.hpp"
#include "memvid/facts.hpp"
#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

namespace {

// Creates path (it must not exist) and writes it; a failure (a full disk: NoSpace) leaves no
// partial file behind.
template <class Write>
void write_new_file(const std::string& path, Write&& write) {
  std::ostringstream text;
  write(text);
  const std::string bytes = text.str();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) throw Error(ErrorCode::AlreadyExists, path + " already exists; export -o writes a new file");
    throw Error(ErrorCode::Io, "cannot create " + path + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  int failure = 0;
  while (done < bytes.size() && failure == 0) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) failure = n < 0 ? errno : EIO;
    else done += static_cast<std::size_t>(n);
  }
  if (failure == 0 && ::fsync(fd) != 0) failure = errno;
  ::close(fd);
  if (failure != 0) {
    ::unlink(path.c_str());
    throw Error(failure == ENOSPC ? ErrorCode::NoSpace : ErrorCode::Io,
                "cannot write " + path + ": " + std::strerror(failure) + " (nothing was written)");
  }
}

// --at-time: unix seconds (as the original takes it), ISO-8601, or a time phrase (its last instant,
// in $MEMVID_TZ or UTC).
std::int64_t at_time_value(const std::string& text) {
  std::int64_t seconds = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && p == text.data() + text.size() && !text.empty()) {
    if (seconds > INT64_MAX / 1000 || seconds < INT64_MIN / 1000)
      throw Error(ErrorCode::InvalidArgument, "--at-time " + text + " is out of range");
    return seconds * 1000;
  }
  if (auto ms = parse_timestamp_ms(text)) return *ms;
  try {
    return timestamp_flag_value(text, TimeEdge::Last);  // "--at-time 'last year'": as of its end
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument, "--at-time takes unix seconds, ISO-8601 or a time phrase: " +
                                                std::string(e.what()));
  }
}

std::string day(std::int64_t ms) { return format_timestamp_iso(ms).substr(0, 10); }

void print_fact(const FactRecord& f, bool history) {
  std::cout << f.entity_name << '.' << f.slot << " = " << f.value;
  if (f.polarity == "negative") std::cout << " [negative]";
  std::cout << "  (from " << day(f.valid_from_ms);
  if (f.valid_to_ms) std::cout << " to " << day(*f.valid_to_ms);
  std::cout << "; frame #" << f.frame;
  if (!f.uri.empty()) std::cout << ' ' << f.uri;
  std::cout << "; " << f.engine;
  if (f.correction) std::cout << ", correction";
  std::cout << ')';
  if (history) {
    if (!f.retracted.empty())
      std::cout << "  retracted: " << (f.retracted == "frame_deleted" ? "frame deleted" : "frame updated");
    else if (f.current)
      std::cout << "  current";
    else if (f.confirms)
      std::cout << "  confirms an earlier fact";
    else if (f.superseded_by)
      std::cout << "  superseded by fact " << *f.superseded_by;
    else if (f.valid_to_ms)
      std::cout << "  ended";
  }
  std::cout << '\n';
}

void print_facts(const std::vector<FactRecord>& facts, bool json, bool history, const std::string& none) {
  if (json) {
    Json out = Json::array();
    for (const FactRecord& f : facts) out.push_back(to_json(f));
    print_json(out);
    return;
  }
  if (facts.empty()) std::cout << none << '\n';
  for (const FactRecord& f : facts) print_fact(f, history);
}

}  // namespace

void add_facts_commands(CLI::App& app, GlobalOptions& global, Registry& registry) {
  {
    struct Args {
      std::string path, entity, slot;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("memories", "List the current facts the memory holds");
    add_file_argument(*cmd, args->path);
    cmd->add_option("--entity", args->entity, "Only facts about this entity");
    cmd->add_option("--slot", args->slot, "Only this slot (employer, location, ...)");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          FactQuery q;
                          q.entity = args->entity;
                          q.slot = args->slot;
                          const auto facts = Facts(mem).list(q);
                          mem.close();
                          print_facts(facts, global.json, false, "no facts");
                        }});
  }
  {
    struct Args {
      std::string path, entity, slot, at_time;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("state", "What is true of an entity now, or at a given time");
    add_file_argument(*cmd, args->path);
    cmd->add_option("-e,--entity", args->entity, "The entity (a name, case ignored; 'user' for the writer)")->required();
    cmd->add_option("-s,--slot", args->slot, "Only this slot");
    cmd->add_option("--at-time", args->at_time, "As of this time: unix seconds or ISO-8601");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, cmd, &global] {
                          std::optional<std::int64_t> at;
                          if (cmd->count("--at-time") > 0) at = at_time_value(args->at_time);
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          const auto facts = Facts(mem).state(args->entity, args->slot, at);
                          mem.close();
                          std::string none = "no value for " + args->entity + (args->slot.empty() ? "" : "." + args->slot);
                          if (at) none += " at " + format_timestamp_iso(*at);
                          print_facts(facts, global.json, false, none);
                        }});
  }
  {
    struct Args {
      std::string path, entity, predicate, value;
      bool history = false;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("facts", "Search facts by entity, predicate (slot) and value");
    add_file_argument(*cmd, args->path);
    cmd->add_option("-e,--entity", args->entity, "Only facts about this entity");
    cmd->add_option("-p,--predicate", args->predicate, "Only this slot");
    cmd->add_option("-v,--value", args->value, "Only this value (case ignored)");
    cmd->add_flag("--history", args->history, "Also facts no longer current: ended, superseded, retracted");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          FactQuery q;
                          q.entity = args->entity;
                          q.slot = args->predicate;
                          q.value = args->value;
                          q.history = args->history;
                          const auto facts = Facts(mem).list(q);
                          mem.close();
                          print_facts(facts, global.json, args->history, "no facts");
                        }});
  }
  {
    struct Args {
      std::string path, snapshot, entity, predicate, output;
      FactsExportOptions options;
      bool history = false;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("export", "Write the facts out as N-Triples, JSON or CSV");
    add_file_argument(*cmd, args->path);
    cmd->add_option("SNAPSHOT", args->snapshot,
                    "(old form, kept for scripts: writes a snapshot of the memory; use `memvid snapshot`)");
    cmd->add_option("-f,--format", args->options.format, "ntriples (default), json or csv")
        ->check(CLI::IsMember({"ntriples", "json", "csv"}));
    cmd->add_option("-e,--entity", args->entity, "Only facts about this entity");
    cmd->add_option("-p,--predicate", args->predicate, "Only this slot");
    cmd->add_option("--base-uri", args->options.base_uri, "Prefix of entity IRIs (N-Triples)")->capture_default_str();
    cmd->add_flag("--with-provenance", args->options.with_provenance,
                  "Add frame, uri, byte span, record time and engine (N-Triples: as comments)");
    cmd->add_flag("--history", args->history, "Also facts no longer current (ended, superseded, retracted)");
    cmd->add_option("-o,--output", args->output, "Write to this file (must not exist) instead of stdout");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, cmd, &global] {
                          // --json: JSON facts unless -f says otherwise (the old form: a JSON report).
                          if (global.json && cmd->count("--format") == 0) args->options.format = "json";
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          if (!args->snapshot.empty()) {
                            // `export FILE SNAPSHOT` wrote a snapshot before export meant facts.
                            std::cerr << "memvid: note: `export FILE SNAPSHOT` is the old name of `memvid snapshot "
                                         "FILE SNAPSHOT`; `export` now writes facts (docs/FACTS.md)\n";
                            run_snapshot(mem, args->path, args->snapshot, global);
                            return;
                          }
                          FactQuery q;
                          q.entity = args->entity;
                          q.slot = args->predicate;
                          q.history = args->history;
                          const std::vector<FactRecord> facts = Facts(mem).list(q);
                          mem.close();
                          if (args->output.empty()) {
                            write_facts(std::cout, facts, args->options);
                            return;
                          }
                          write_new_file(args->output, [&](std::ostream& out) { write_facts(out, facts, args->options); });
                        }});
  }
  {
    struct Args {
      std::string path, engine = "rules", base_url, api_key_env;
      bool force = false;
      std::size_t batch = 256, workers = 4;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("enrich", "Read facts in the frames an engine has not read yet (put --no-enrich, "
                                                 "or a model's reading)");
    add_file_argument(*cmd, args->path);
    cmd->add_option("--engine", args->engine,
                    "rules (offline, the default) or <provider>:<model> (openai:gpt-4o-mini, ollama:llama3, or any "
                    "OpenAI-compatible endpoint with --base-url)");
    cmd->add_option("--base-url", args->base_url, "The endpoint of a model engine (\"/chat/completions\" is appended)");
    cmd->add_option("--api-key-env", args->api_key_env, "The environment variable holding the model's API key");
    cmd->add_flag("--force", args->force, "Read again the frames this engine version has read (new facts only are added)");
    cmd->add_option("--batch", args->batch, "Frames per commit (default 256): an interrupted run keeps what it finished")
        ->check(CLI::Range(1, 1000000));
    cmd->add_option("--workers", args->workers,
                    "Frames read at once (default 4): a model's requests in parallel; the result is the same")
        ->check(CLI::Range(1, 64));
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          EnrichOptions o;
                          o.workers = args->workers;
                          o.engine = args->engine;
                          o.base_url = args->base_url;
                          o.api_key_env = args->api_key_env;
                          o.force = args->force;
                          o.batch_frames = args->batch;
                          Memvid mem = Memvid::open(args->path, open_options(global));
                          const EnrichReport r = Facts(mem).enrich(o);
                          mem.close();
                          if (global.json) {
                            print_json(to_json(r));
                            return;
                          }
                          std::cout << "enrich " << r.engine << ": " << r.processed << " frames read, " << r.facts
                                    << " facts added";
                          if (r.duplicates > 0) std::cout << " (" << r.duplicates << " found again, already stored)";
                          std::cout << "; " << r.already << " of " << r.frames << " frames already read by " << r.engine;
                          if (r.failed > 0)
                            std::cout << "; " << r.failed << " frames failed (the model's answer was unusable; the "
                                         "next run reads them again)";
                          if (r.rejected > 0) std::cout << "; " << r.rejected << " invalid facts in answers dropped";
                          std::cout << '\n';
                        }});
  }
  {
    struct Args {
      std::string path, statement, topics, source, timestamp;
      double boost = 2.0;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("correct", "Store a correction: a statement whose facts overrule earlier ones");
    add_file_argument(*cmd, args->path);
    cmd->add_option("STATEMENT", args->statement, "What is true, as a sentence (\"Ben reports to Dana since 2025\")")
        ->required();
    cmd->add_option("--topics", args->topics, "Comma-separated topics (stored as tags)");
    cmd->add_option("--source", args->source, "Who or what says so");
    cmd->add_option("--boost", args->boost, "Its weight in find and ask when a query matches it: its BM25 score times this (default 2)")
        ->check(CLI::Range(0.001, 1000.0));
    cmd->add_option("--timestamp", args->timestamp, "Its time (ms or ISO-8601; default now)")->check(timestamp_validator());
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, cmd, &global] {
                          CorrectOptions o;
                          for (std::size_t at = 0; at <= args->topics.size() && !args->topics.empty();) {
                            std::size_t comma = args->topics.find(',', at);
                            if (comma == std::string::npos) comma = args->topics.size();
                            std::string t = args->topics.substr(at, comma - at);
                            t.erase(0, t.find_first_not_of(' '));
                            t.erase(t.find_last_not_of(' ') + 1);
                            if (!t.empty()) o.topics.push_back(t);
                            at = comma + 1;
                          }
                          o.source = args->source;
                          o.boost = args->boost;
                          if (cmd->count("--timestamp") > 0) o.timestamp_ms = instant_flag_value(args->timestamp);
                          Memvid mem = Memvid::open(args->path, open_options(global));
                          const Correction c = Facts(mem).correct(args->statement, o);
                          mem.close();
                          if (global.json) {
                            print_json(to_json(c));
                            return;
                          }
                          std::cout << "stored the correction as frame " << c.frame << '\n';
                          if (c.facts.empty())
                            std::cout << "no fact was read from it (docs/FACTS.md lists what the rules engine reads)\n";
                          for (const FactRecord& f : c.facts) print_fact(f, false);
                        }});
  }
  CLI::App* schema = app.add_subcommand("schema", "The slots facts use: their cardinality and value type");
  schema->require_subcommand(1);
  {
    struct Args {
      std::string path;
      bool register_ = false, overwrite = false;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = schema->add_subcommand("infer", "The spec each slot's current facts suggest");
    add_file_argument(*cmd, args->path);
    auto* reg = cmd->add_flag("--register", args->register_,
                              "Store the inferred specs in the memory (used by every reader from then on)");
    cmd->add_flag("--overwrite", args->overwrite, "With --register: also replace built-in and registered specs")
        ->needs(reg);
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          Memvid mem = args->register_ ? Memvid::open(args->path, open_options(global))
                                                       : Memvid::open_read_only(args->path, open_options(global));
                          Facts facts(mem);
                          std::vector<SlotSchema> inferred = facts.infer_schema();
                          std::vector<SlotSchema> registered;
                          if (args->register_) registered = facts.register_schema(inferred, args->overwrite);
                          mem.close();
                          if (global.json) {
                            Json out = {{"slots", Json::array()}, {"registered", Json::array()}};
                            for (const SlotSchema& s : inferred) out["slots"].push_back(to_json(s));
                            for (const SlotSchema& s : registered) out["registered"].push_back(to_json(s));
                            print_json(out);
                            return;
                          }
                          if (inferred.empty()) std::cout << "no current facts\n";
                          for (const SlotSchema& s : inferred)
                            std::cout << s.slot << "  " << s.cardinality << ' ' << s.value_type << ' ' << s.kind << "  ("
                                      << s.source << "; " << s.facts << " facts, " << s.entities << " entities)\n";
                          if (args->register_)
                            std::cout << "registered " << registered.size() << " slot" << (registered.size() == 1 ? "" : "s")
                                      << (registered.empty() ? " (nothing new: --overwrite replaces known specs)" : "") << '\n';
                        }});
  }
  {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = schema->add_subcommand("list", "The built-in slots, and those registered in FILE");
    cmd->add_option("FILE", *path, "A memory whose registered slots to list too");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [path, &global] {
                          std::vector<SlotSchema> slots;
                          if (path->empty()) {
                            slots = builtin_slot_schemas();
                          } else {
                            Memvid mem = Memvid::open_read_only(*path, open_options(global));
                            slots = Facts(mem).schema();
                            mem.close();
                          }
                          if (global.json) {
                            Json out = Json::array();
                            for (const SlotSchema& s : slots) out.push_back(to_json(s));
                            print_json(out);
                            return;
                          }
                          for (const SlotSchema& s : slots)
                            std::cout << s.slot << "  " << s.cardinality << ' ' << s.value_type << ' ' << s.kind
                                      << (s.inverse.empty() ? "" : "  (inverse " + s.inverse + ")") << "  " << s.source << '\n';
                        }});
  }
  CLI::App* follow = app.add_subcommand("follow", "The graph of entities that facts relate");
  follow->require_subcommand(1);
  {
    struct Args {
      std::string path, start, link, direction = "both";
      std::size_t hops = 1;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = follow->add_subcommand("traverse", "Entities reached from START through entity-valued facts");
    add_file_argument(*cmd, args->path);
    cmd->add_option("-s,--start", args->start, "The entity to start from")->required();
    cmd->add_option("-l,--link", args->link, "Only this relation (spouse, employer, manager, ...)");
    cmd->add_option("--hops", args->hops, "How many steps (default 1)")->check(CLI::Range(1, 16));
    cmd->add_option("--direction", args->direction, "out, in or both (default)")
        ->check(CLI::IsMember({"out", "in", "both"}));
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          FollowQuery q;
                          q.start = args->start;
                          q.link = args->link;
                          q.hops = args->hops;
                          q.direction = args->direction == "out"  ? FollowQuery::Direction::Out
                                        : args->direction == "in" ? FollowQuery::Direction::In
                                                                  : FollowQuery::Direction::Both;
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          const FollowResult r = Facts(mem).follow(q);
                          mem.close();
                          if (global.json) {
                            print_json(to_json(r));
                            return;
                          }
                          if (r.edges.empty()) std::cout << "nothing is related to " << args->start << '\n';
                          for (const FollowEdge& e : r.edges)
                            std::cout << std::string(2 * (e.depth - 1), ' ') << e.source_name << " -" << e.slot << "-> "
                                      << e.target_name << "  (hop " << e.depth << ", fact " << e.fact << ")\n";
                        }});
  }
  {
    struct Args {
      std::string path, kind, query;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = follow->add_subcommand("entities", "The entities facts speak of");
    add_file_argument(*cmd, args->path);
    cmd->add_option("-t,--type", args->kind, "Only this kind: person, organization, place, thing")
        ->check(CLI::IsMember({"person", "organization", "place", "thing"}));
    cmd->add_option("-q,--query", args->query, "Only entities whose name contains this (case ignored)");
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [args, &global] {
                          Memvid mem = Memvid::open_read_only(args->path, open_options(global));
                          std::vector<EntityInfo> all = Facts(mem).entities();
                          mem.close();
                          std::string q = args->query;
                          std::transform(q.begin(), q.end(), q.begin(), [](unsigned char c) { return std::tolower(c); });
                          std::vector<EntityInfo> shown;
                          for (EntityInfo& e : all)
                            if ((args->kind.empty() || e.kind == args->kind) &&
                                (q.empty() || e.entity.find(q) != std::string::npos))
                              shown.push_back(std::move(e));
                          if (global.json) {
                            Json out = Json::array();
                            for (const EntityInfo& e : shown) out.push_back(to_json(e));
                            print_json(out);
                            return;
                          }
                          if (shown.empty()) std::cout << "no entities\n";
                          for (const EntityInfo& e : shown)
                            std::cout << e.name << "  (" << e.kind << "; " << e.current << " current of " << e.facts
                                      << " facts, named in " << e.mentions << ")\n";
                        }});
  }
  {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = follow->add_subcommand("stats", "How many entities, facts and relations");
    add_file_argument(*cmd, *path);
    add_open_flags(*cmd, global);
    add_json_flag(*cmd, global);
    registry.push_back({cmd, [path, &global] {
                          Memvid mem = Memvid::open_read_only(*path, open_options(global));
                          Facts facts(mem);
                          const std::vector<EntityInfo> entities = facts.entities();
                          FactQuery all;
                          all.history = true;
                          const std::vector<FactRecord> every = facts.list(all);
                          mem.close();
                          std::map<std::string, std::uint64_t> kinds;
                          for (const EntityInfo& e : entities) ++kinds[e.kind];
                          std::uint64_t current = 0, relations = 0;
                          for (const FactRecord& f : every) {
                            current += f.current;
                            relations += f.current && f.value_type == "entity";
                          }
                          if (global.json) {
                            Json out = {{"entities", entities.size()}, {"facts", every.size()},
                                        {"current_facts", current}, {"relations", relations}};
                            Json by_kind = Json::object();
                            for (const auto& [k, n] : kinds) by_kind[k] = n;
                            out["entities_by_kind"] = by_kind;
                            print_json(out);
                            return;
                          }
                          std::cout << entities.size() << " entities";
                          for (const auto& [k, n] : kinds) std::cout << (k == kinds.begin()->first ? " (" : ", ") << n << ' ' << k;
                          if (!kinds.empty()) std::cout << ')';
                          std::cout << "\n" << every.size() << " facts, " << current << " current, " << relations
                                    << " current relations between entities\n";
                        }});
  }
}

}  // namespace memvid::cli
