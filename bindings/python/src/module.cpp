// _memvid: the thin pybind11 layer under memvid_sdk. Handle wraps one memvid::Memvid; its
// methods take plain Python values (the Python layer has already checked names and types)
// and return dicts and lists, which memvid_sdk wraps in result classes. Every call into the
// library runs with the GIL released; a memvid::Error becomes the memvid_sdk.errors class of
// its code through the factory the Python layer registers (set_error_factory).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "memvid/audit.hpp"
#include "memvid/error.hpp"
#include "memvid/facts.hpp"
#include "memvid/ingest.hpp"
#include "memvid/integrity.hpp"
#include "memvid/memvid.hpp"
#include "memvid/maintenance.hpp"
#include "memvid/timestamp.hpp"
#include "memvid/sessions.hpp"
#include "memvid/when.hpp"
#include "result_dicts.hpp"

namespace py = pybind11;
using memvid_py::text_of;
using memvid_py::to_dict;

namespace {

// A memvid::Error caught with the GIL released, plus the lock owner for Locked; turned into
// a Python exception by the registered translator (which runs with the GIL held).
struct NativeError {
  memvid::ErrorCode code;
  std::string message;
  std::optional<memvid::OwnerInfo> owner;
};

py::object& error_factory() {
  static py::object* factory = new py::object();  // leaked on purpose: outlives interpreter teardown order
  return *factory;
}

py::object& warning_sink() {
  static py::object* sink = new py::object();  // leaked on purpose, as error_factory()
  return *sink;
}

// The warnings of this thread's latest run(): last_warnings() reads them (a Python thread is
// one OS thread, so its next call there sees exactly its own).
std::vector<memvid::Warning>& latest_warnings() {
  thread_local std::vector<memvid::Warning> latest;
  return latest;
}

// Hands each warning to the Python sink (which issues a memvid_sdk.MemvidWarning); runs with
// the GIL held. The sink may raise (a warnings filter set to "error"): that propagates.
void emit_warnings(const std::vector<memvid::Warning>& warnings) {
  py::object& sink = warning_sink();
  if (!sink || sink.is_none()) return;
  for (const memvid::Warning& w : warnings)
    sink(py::str(std::string(memvid::to_string(w.code))), py::str(w.step), py::str(w.message));
}

NativeError native_error(const memvid::Error& e, const std::string& path) {
  NativeError n{e.code(), e.what(), std::nullopt};
  if (e.code() == memvid::ErrorCode::Locked && !path.empty()) {
    try {
      n.owner = memvid::who(path);
    } catch (...) {
      // No owner record to show; the error stands without it.
    }
  }
  return n;
}

// Runs fn with the GIL released; a memvid::Error is rethrown as NativeError (with who(path)
// for Locked, looked up while still without the GIL). The call's warnings (work committed, a
// later step failed) are issued as Python warnings once the GIL is back, before the result
// or the error is handed over.
template <typename Fn>
auto run(const std::string& path, Fn&& fn) -> decltype(fn()) {
  using Result = decltype(fn());
  std::optional<NativeError> failure;
  std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>> result{};
  {
    py::gil_scoped_release release;
    memvid::take_warnings();  // anything left over belongs to no call of this thread's
    try {
      if constexpr (std::is_void_v<Result>) fn();
      else result.emplace(fn());
    } catch (const memvid::Error& e) {
      failure = native_error(e, path);
    }
    latest_warnings() = memvid::take_warnings();
  }
  emit_warnings(latest_warnings());
  if (failure) throw *failure;
  if constexpr (!std::is_void_v<Result>) return std::move(*result);
}

[[noreturn]] void invalid(const std::string& message) {
  throw memvid::Error(memvid::ErrorCode::InvalidArgument, message);
}

// ---- Python -> C++ ------------------------------------------------------------------------

template <typename T>
const char* python_type_name() {
  if constexpr (std::is_same_v<T, bool>) return "a bool";
  else if constexpr (std::is_integral_v<T>) return "an int";
  else if constexpr (std::is_floating_point_v<T>) return "a number";
  else if constexpr (std::is_same_v<T, std::string>) return "a str";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of str";
  else if constexpr (std::is_same_v<T, std::vector<float>>) return "a list of numbers";
  else return "of another type";
}

template <typename T>
std::optional<T> opt(const py::dict& d, const char* key) {
  if (!d.contains(key)) return std::nullopt;
  py::object v = d[key];
  if (v.is_none()) return std::nullopt;
  try {
    return v.cast<T>();
  } catch (const py::cast_error&) {
    // An int that does not fit is a value error; anything else ('5', 1.5, [5]) is the wrong
    // type, as Python's own functions and the Node SDK report it.
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (py::isinstance<py::int_>(v)) invalid(std::string(key) + ": " + py::repr(v).cast<std::string>() + " is out of range");
    }
    throw py::type_error(std::string(key) + " must be " + python_type_name<T>() + ", not " +
                         py::str(py::type::of(v).attr("__name__")).cast<std::string>());
  }
}

memvid::FrameKind parse_kind(const std::string& s) {
  auto k = memvid::frame_kind_from_string(s);
  if (!k) invalid("unknown kind '" + s + "' (text, document, chunk, binary)");
  return *k;
}

memvid::SearchMode parse_mode(const std::string& s) {
  auto m = memvid::search_mode_from_string(s);
  if (!m) invalid("unknown search mode '" + s + "' (auto, lex, sem)");
  return *m;
}

memvid::SyncMode parse_sync(const std::string& s) {
  if (s == "full") return memvid::SyncMode::Full;
  if (s == "normal") return memvid::SyncMode::Normal;
  if (s == "off") return memvid::SyncMode::Off;
  invalid("unknown sync mode '" + s + "' (full, normal, off)");
}

memvid::RecoveryMode parse_recovery(const std::string& s) {
  if (s == "default") return memvid::RecoveryMode::Default;
  if (s == "auto_truncate") return memvid::RecoveryMode::AutoTruncate;
  if (s == "strict") return memvid::RecoveryMode::Strict;
  invalid("unknown recovery mode '" + s + "' (default, auto_truncate, strict)");
}

template <typename T>
T checked_u32(long long v, const char* what) {
  if (v < 0 || v > 0xffffffffLL) invalid(std::string(what) + " out of range");
  return static_cast<T>(v);
}

memvid::OpenOptions open_options(const py::dict& d) {
  memvid::OpenOptions o;
  if (auto v = opt<int>(d, "lock_timeout_ms")) o.lock_timeout_ms = *v;
  if (auto v = opt<std::string>(d, "sync")) o.sync = parse_sync(*v);
  if (auto v = opt<std::string>(d, "recovery")) o.recovery = parse_recovery(*v);
  if (auto v = opt<int>(d, "nudge_poll_ms")) o.nudge_poll_ms = *v;
  if (auto v = opt<std::string>(d, "command")) o.command = *v;
  if (auto v = opt<long long>(d, "vector_graph_min_rows"))
    o.vector_graph_min_rows = checked_u32<std::size_t>(*v, "vector_graph_min_rows");
  return o;
}

memvid::CreateOptions create_options(const py::dict& d) {
  memvid::CreateOptions o;
  o.open = open_options(d);
  if (auto v = opt<std::string>(d, "language")) o.language = *v;
  if (auto v = opt<long long>(d, "chunk_size")) o.chunk_bytes = checked_u32<std::uint32_t>(*v, "chunk_size");
  if (auto v = opt<long long>(d, "chunk_overlap")) o.chunk_overlap = checked_u32<std::uint32_t>(*v, "chunk_overlap");
  if (auto v = opt<std::string>(d, "embedding_model")) o.embedding_model = *v;
  if (auto v = opt<long long>(d, "embedding_dimension"))
    o.embedding_dimension = checked_u32<std::uint32_t>(*v, "embedding_dimension");
  if (auto v = opt<bool>(d, "vector_compression")) o.vector_compression = *v;
  if (auto v = opt<std::uint64_t>(d, "capacity_bytes")) o.capacity_bytes = *v;
  if (auto v = opt<std::uint64_t>(d, "wal_bytes")) o.wal_bytes = *v;
  if (auto v = opt<bool>(d, "extract_facts")) o.extract_facts = *v;
  if (auto v = opt<bool>(d, "index_time_mentions")) o.index_time_mentions = *v;
  return o;
}

// A document dict as memvid_sdk normalizes it: payload (bytes), kind, title, uri, tags,
// labels, metadata_json, timestamp_ms, parent, vector, vector_model, chunk_size, chunk_overlap.
memvid::Document document(const py::dict& d) {
  memvid::Document doc;
  if (d.contains("payload")) doc.payload = d["payload"].cast<std::string>();
  if (auto v = opt<std::string>(d, "kind")) doc.kind = parse_kind(*v);
  if (auto v = opt<std::string>(d, "title")) doc.title = *v;
  if (auto v = opt<std::string>(d, "uri")) doc.uri = *v;
  if (auto v = opt<std::vector<std::string>>(d, "tags")) doc.tags = std::move(*v);
  if (auto v = opt<std::vector<std::string>>(d, "labels")) doc.labels = std::move(*v);
  if (auto v = opt<std::string>(d, "metadata_json")) doc.metadata_json = *v;
  if (auto v = opt<std::int64_t>(d, "timestamp_ms")) doc.timestamp_ms = *v;
  if (auto v = opt<std::uint64_t>(d, "parent")) doc.parent = *v;
  if (auto v = opt<std::vector<float>>(d, "vector")) doc.embedding = std::move(*v);
  if (auto v = opt<std::string>(d, "vector_model")) doc.embedding_model = *v;
  if (auto v = opt<long long>(d, "chunk_size")) doc.chunk_bytes = checked_u32<std::uint32_t>(*v, "chunk_size");
  if (auto v = opt<long long>(d, "chunk_overlap")) doc.chunk_overlap = checked_u32<std::uint32_t>(*v, "chunk_overlap");
  if (auto v = opt<bool>(d, "extract_facts")) doc.extract_facts = *v;
  return doc;
}

// ---- C++ -> Python ------------------------------------------------------------------------


// ---- Handle -------------------------------------------------------------------------------

class Handle {
 public:
  Handle(memvid::Memvid mv, std::string path)
      : mv_(std::make_unique<memvid::Memvid>(std::move(mv))), path_(std::move(path)) {
    read_only_ = mv_->read_only();
  }
  ~Handle() {
    // The library's destructor closes (rolling back an open transaction) and releases the lock;
    // let other threads run meanwhile.
    if (mv_ && Py_IsInitialized() && PyGILState_Check()) {
      py::gil_scoped_release release;
      mv_.reset();
    }
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // open_existing: open the memory already at path instead of failing (open or create).
  static std::unique_ptr<Handle> create(const std::string& path, const py::dict& options, bool open_existing) {
    memvid::CreateOptions o = create_options(options);
    if (open_existing) o.if_exists = memvid::IfExists::Open;
    return std::make_unique<Handle>(run(path, [&] { return memvid::Memvid::create(path, o); }), path);
  }
  static std::unique_ptr<Handle> open(const std::string& path, const py::dict& options, bool read_only) {
    memvid::OpenOptions o = open_options(options);
    return std::make_unique<Handle>(run(path,
                                        [&] {
                                          return read_only ? memvid::Memvid::open_read_only(path, o)
                                                           : memvid::Memvid::open(path, o);
                                        }),
                                    path);
  }

  std::uint64_t put(const py::dict& d) {
    memvid::Document doc = document(d);
    return run(path_, [&] { return mv_->put(doc); });
  }
  std::vector<std::uint64_t> put_many(const py::list& items) {
    std::vector<memvid::Document> docs;
    docs.reserve(items.size());
    for (py::handle item : items) docs.push_back(document(item.cast<py::dict>()));
    return run(path_, [&] { return mv_->put_many(docs); });
  }
  std::uint64_t update(std::uint64_t id, const py::dict& d) {
    memvid::Document doc = document(d);
    return run(path_, [&] { return mv_->update(id, doc); });
  }
  void delete_frame(std::uint64_t id) {
    run(path_, [&] { mv_->delete_frame(id); });
  }
  void begin() {
    run(path_, [&] { mv_->begin(); });
  }
  void commit() {
    run(path_, [&] { mv_->commit(); });
  }
  void rollback() {
    run(path_, [&] { mv_->rollback(); });
  }
  bool in_transaction() {
    return run(path_, [&] { return mv_->in_transaction(); });
  }

  py::dict frame(std::uint64_t id, bool payload) {
    memvid::Frame f = run(path_, [&] { return payload ? mv_->frame(id) : mv_->frame_info(id); });
    return to_dict(f);
  }

  py::list timeline(const py::dict& d) {
    memvid::TimelineQuery q;
    q.since_ms = opt<std::int64_t>(d, "since_ms");
    q.until_ms = opt<std::int64_t>(d, "until_ms");
    if (auto v = opt<std::size_t>(d, "limit")) q.limit = *v;
    if (auto v = opt<bool>(d, "reverse")) q.reverse = *v;
    if (auto v = opt<bool>(d, "include_inactive")) q.include_inactive = *v;
    if (auto v = opt<std::string>(d, "where")) q.where = *v;
    auto entries = run(path_, [&] { return mv_->timeline(q); });
    py::list out;
    for (const auto& e : entries) out.append(to_dict(e));
    return out;
  }

  // when (memvid/when.hpp): the Time view of the handle.
  py::dict when(const py::dict& d) {
    memvid::WhenQuery q;
    if (auto v = opt<std::string>(d, "phrase")) q.phrase = *v;
    if (auto v = opt<std::string>(d, "zone")) q.zone = *v;
    q.anchor_ms = opt<std::int64_t>(d, "anchor_ms");
    if (auto v = opt<std::int64_t>(d, "window_minutes")) q.window_minutes = *v;
    q.since_ms = opt<std::int64_t>(d, "since_ms");
    q.until_ms = opt<std::int64_t>(d, "until_ms");
    if (auto v = opt<std::size_t>(d, "limit")) q.limit = *v;
    if (auto v = opt<bool>(d, "reverse")) q.reverse = *v;
    if (auto v = opt<bool>(d, "include_inactive")) q.include_inactive = *v;
    if (auto v = opt<std::string>(d, "where")) q.where = *v;
    if (auto v = opt<bool>(d, "mentions")) q.mentions = *v;
    if (auto v = opt<bool>(d, "within")) q.within = *v;
    auto r = run(path_, [&] { return memvid::Time(*mv_).when(q); });
    return to_dict(r);
  }

  // audit (memvid/audit.hpp): the report and its text and Markdown renderings.
  py::dict audit(const std::string& question, const py::dict& d) {
    memvid::AuditOptions o;
    if (auto v = opt<std::size_t>(d, "k")) o.k = *v;
    if (auto v = opt<std::string>(d, "mode")) o.mode = parse_mode(*v);
    if (auto v = opt<std::string>(d, "scope")) o.scope = *v;
    o.start_ms = opt<std::int64_t>(d, "start_ms");
    o.end_ms = opt<std::int64_t>(d, "end_ms");
    if (auto v = opt<std::string>(d, "model")) o.model = *v;
    if (auto v = opt<std::string>(d, "base_url")) o.base_url = *v;
    if (auto v = opt<std::string>(d, "api_key_env")) o.api_key_env = *v;
    auto r = run(path_, [&] { return memvid::Audit(*mv_).run(question, o); });
    py::dict out;
    out["report"] = to_dict(r);
    out["text"] = memvid::audit_text(r);
    out["markdown"] = memvid::audit_markdown(r);
    return out;
  }

  // Sessions (memvid/sessions.hpp): the Sessions view of the handle.
  py::dict session_start(const std::string& name) {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).start(name); }));
  }
  py::dict session_end() {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).end(); }));
  }
  py::dict session_checkpoint(const std::string& note) {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).checkpoint(note); }));
  }
  py::object session_active() {
    auto info = run(path_, [&] { return memvid::Sessions(*mv_).active(); });
    if (!info) return py::none();
    return to_dict(*info);
  }
  py::list session_list() {
    auto all = run(path_, [&] { return memvid::Sessions(*mv_).list(); });
    py::list out;
    for (const auto& i : all) out.append(to_dict(i));
    return out;
  }
  py::dict session_view(const std::string& id) {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).view(id); }));
  }
  void session_delete(const std::string& id) {
    run(path_, [&] { memvid::Sessions(*mv_).remove(id); });
  }
  py::dict session_replay(const std::string& id, bool current) {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).replay(id, current); }));
  }
  py::dict session_compare(const std::string& a, const std::string& b) {
    return to_dict(run(path_, [&] { return memvid::Sessions(*mv_).compare(a, b); }));
  }

  // Facts (memvid/facts.hpp): the Facts view of the handle.
  py::list facts_list(const py::dict& d) {
    memvid::FactQuery q;
    if (auto v = opt<std::string>(d, "entity")) q.entity = *v;
    if (auto v = opt<std::string>(d, "slot")) q.slot = *v;
    if (auto v = opt<std::string>(d, "value")) q.value = *v;
    if (auto v = opt<bool>(d, "history")) q.history = *v;
    q.at_ms = opt<std::int64_t>(d, "at_ms");
    if (auto v = opt<std::size_t>(d, "limit")) q.limit = *v;
    auto facts = run(path_, [&] { return memvid::Facts(*mv_).list(q); });
    py::list out;
    for (const auto& f : facts) out.append(to_dict(f));
    return out;
  }

  py::list facts_entities() {
    auto entities = run(path_, [&] { return memvid::Facts(*mv_).entities(); });
    py::list out;
    for (const auto& e : entities) out.append(to_dict(e));
    return out;
  }

  py::dict facts_correct(const std::string& statement, const py::dict& d) {
    memvid::CorrectOptions o;
    if (auto v = opt<std::vector<std::string>>(d, "topics")) o.topics = std::move(*v);
    if (auto v = opt<std::string>(d, "source")) o.source = *v;
    if (auto v = opt<double>(d, "boost")) o.boost = *v;
    o.timestamp_ms = opt<std::int64_t>(d, "timestamp_ms");
    auto c = run(path_, [&] { return memvid::Facts(*mv_).correct(statement, o); });
    return to_dict(c);
  }

  py::dict facts_enrich(const py::dict& d) {
    memvid::EnrichOptions o;
    if (auto v = opt<std::string>(d, "engine")) o.engine = *v;
    if (auto v = opt<std::string>(d, "base_url")) o.base_url = *v;
    if (auto v = opt<std::string>(d, "api_key_env")) o.api_key_env = *v;
    if (auto v = opt<bool>(d, "force")) o.force = *v;
    if (auto v = opt<std::size_t>(d, "batch_frames")) o.batch_frames = *v;
    if (auto v = opt<std::size_t>(d, "workers")) o.workers = *v;
    auto r = run(path_, [&] { return memvid::Facts(*mv_).enrich(o); });
    return to_dict(r);
  }

  py::list facts_schema(bool infer) {
    auto slots = run(path_, [&] { return infer ? memvid::Facts(*mv_).infer_schema() : memvid::Facts(*mv_).schema(); });
    py::list out;
    for (const auto& s : slots) out.append(to_dict(s));
    return out;
  }

  py::list facts_register_schema(const py::list& specs, bool overwrite) {
    std::vector<memvid::SlotSchema> in;
    for (const auto& item : specs) {
      const py::dict d = item.cast<py::dict>();
      memvid::SlotSchema s;
      if (auto v = opt<std::string>(d, "slot")) s.slot = *v;
      if (auto v = opt<std::string>(d, "cardinality")) s.cardinality = *v;
      if (auto v = opt<std::string>(d, "value_type")) s.value_type = *v;
      if (auto v = opt<std::string>(d, "kind")) s.kind = *v;
      if (auto v = opt<std::string>(d, "inverse")) s.inverse = *v;
      if (auto v = opt<std::string>(d, "source")) s.source = *v;
      in.push_back(std::move(s));
    }
    auto done = run(path_, [&] { return memvid::Facts(*mv_).register_schema(in, overwrite); });
    py::list out;
    for (const auto& s : done) out.append(to_dict(s));
    return out;
  }

  py::dict facts_follow(const py::dict& d) {
    memvid::FollowQuery q;
    if (auto v = opt<std::string>(d, "start")) q.start = *v;
    if (auto v = opt<std::string>(d, "link")) q.link = *v;
    if (auto v = opt<std::size_t>(d, "hops")) q.hops = *v;
    if (auto v = opt<std::string>(d, "direction")) {
      if (*v == "out") q.direction = memvid::FollowQuery::Direction::Out;
      else if (*v == "in") q.direction = memvid::FollowQuery::Direction::In;
      else if (*v == "both") q.direction = memvid::FollowQuery::Direction::Both;
      else throw memvid::Error(memvid::ErrorCode::InvalidArgument, "direction must be 'out', 'in' or 'both', not '" + *v + "'");
    }
    auto r = run(path_, [&] { return memvid::Facts(*mv_).follow(q); });
    return to_dict(r);
  }

  py::dict stats() {
    memvid::Stats s = run(path_, [&] { return mv_->stats(); });
    return to_dict(s);
  }

  py::dict find(const std::string& query, const py::dict& d) {
    memvid::FindOptions o;
    if (auto v = opt<std::size_t>(d, "k")) o.k = *v;
    if (auto v = opt<std::size_t>(d, "offset")) o.offset = *v;
    if (auto v = opt<std::string>(d, "cursor")) o.cursor = *v;
    if (auto v = opt<std::string>(d, "mode")) o.mode = parse_mode(*v);
    if (auto v = opt<std::size_t>(d, "snippet_chars")) o.snippet_chars = *v;
    if (auto v = opt<bool>(d, "collapse_chunks")) o.collapse_chunks = *v;
    if (auto v = opt<bool>(d, "correction_boost")) o.correction_boost = *v;
    if (auto v = opt<std::string>(d, "scope")) o.scope = *v;
    o.as_of_frame = opt<std::uint64_t>(d, "as_of_frame");
    o.as_of_ms = opt<std::int64_t>(d, "as_of_ms");
    if (auto v = opt<std::string>(d, "time_zone")) o.time_zone = *v;
    o.time_anchor_ms = opt<std::int64_t>(d, "time_anchor_ms");
    if (auto v = opt<double>(d, "title_weight")) o.title_weight = *v;
    if (auto v = opt<std::vector<float>>(d, "vector")) o.query_vector = std::move(*v);
    if (auto v = opt<std::string>(d, "vector_model")) o.query_vector_model = *v;
    if (auto v = opt<std::string>(d, "fusion")) {
      auto f = memvid::fusion_from_string(*v);
      if (!f) invalid("unknown fusion '" + *v + "' (linear, rrf)");
      o.fusion = *f;
    }
    if (auto v = opt<double>(d, "semantic_weight")) o.semantic_weight = *v;
    if (auto v = opt<std::size_t>(d, "candidates")) o.candidates = *v;
    if (auto v = opt<std::size_t>(d, "ef_search")) o.ef_search = *v;
    if (auto v = opt<std::size_t>(d, "nprobe")) o.nprobe = *v;
    if (auto v = opt<bool>(d, "strict")) o.strict = *v;
    if (auto v = opt<std::string>(d, "where")) o.where = *v;
    if (auto v = opt<bool>(d, "collapse_duplicates")) o.collapse_duplicates = *v;
    if (auto v = opt<bool>(d, "semantic_floor_off"); v && *v) o.semantic_floor.reset();
    if (auto v = opt<double>(d, "semantic_floor")) o.semantic_floor = *v;
    o.offset_unit = memvid::TextUnit::CodePoints;  // text[chunk_begin:chunk_end] is the passage
    memvid::FindResult r = run(path_, [&] { return mv_->find(query, o); });
    memvid::fields::convert_highlights(r, memvid::fields::TextUnit::CodePoints);  // str indexes by code point
    return to_dict(r);
  }

  py::dict ask(const std::string& question, const py::dict& d) {
    memvid::AskOptions o;
    if (auto v = opt<std::size_t>(d, "k")) o.k = *v;
    if (auto v = opt<std::string>(d, "mode")) o.mode = parse_mode(*v);
    if (auto v = opt<std::size_t>(d, "context_tokens")) o.context_tokens = *v;
    if (auto v = opt<std::string>(d, "scope")) o.scope = *v;
    o.as_of_ms = opt<std::int64_t>(d, "as_of_ms");
    if (auto v = opt<std::string>(d, "time_zone")) o.time_zone = *v;
    o.time_anchor_ms = opt<std::int64_t>(d, "time_anchor_ms");
    if (auto v = opt<std::string>(d, "model")) o.model = *v;
    if (auto v = opt<std::string>(d, "base_url")) o.base_url = *v;
    if (auto v = opt<std::string>(d, "api_key_env")) o.api_key_env = *v;
    if (auto v = opt<int>(d, "timeout_ms")) o.timeout_ms = *v;
    if (auto v = opt<bool>(d, "context_only")) o.context_only = *v;
    if (auto v = opt<std::size_t>(d, "max_sentences")) o.max_sentences = *v;
    if (auto v = opt<std::string>(d, "where")) o.where = *v;
    if (auto v = opt<bool>(d, "semantic_floor_off"); v && *v) o.semantic_floor.reset();
    if (auto v = opt<double>(d, "semantic_floor")) o.semantic_floor = *v;
    o.offset_unit = memvid::TextUnit::CodePoints;
    memvid::AskResult r = run(path_, [&] { return mv_->ask(question, o); });
    return to_dict(r);
  }

  py::dict ingest(const std::string& source, const py::dict& d) {
    memvid::IngestOptions o;
    if (auto v = opt<std::vector<std::string>>(d, "include")) o.include = *v;
    if (auto v = opt<std::vector<std::string>>(d, "exclude")) o.exclude = *v;
    if (auto v = opt<bool>(d, "include_hidden")) o.include_hidden = *v;
    if (auto v = opt<bool>(d, "dedupe")) o.dedupe = *v;
    if (auto v = opt<bool>(d, "dry_run")) o.dry_run = *v;
    if (auto v = opt<long long>(d, "chunk_size")) o.chunk_bytes = checked_u32<std::uint32_t>(*v, "chunk_size");
    if (auto v = opt<long long>(d, "chunk_overlap")) o.chunk_overlap = checked_u32<std::uint32_t>(*v, "chunk_overlap");
    if (auto v = opt<std::string>(d, "text_field")) o.fields.text = *v;
    if (auto v = opt<std::string>(d, "title_field")) o.fields.title = *v;
    if (auto v = opt<std::uint64_t>(d, "max_file_bytes")) o.max_file_bytes = *v;
    o.defaults.title = opt<std::string>(d, "title");
    o.defaults.uri = opt<std::string>(d, "uri");
    if (auto v = opt<std::vector<std::string>>(d, "tags")) o.defaults.tags = *v;
    if (auto v = opt<std::vector<std::string>>(d, "labels")) o.defaults.labels = *v;
    if (auto v = opt<std::string>(d, "metadata_json")) o.defaults.metadata_json = *v;
    o.defaults.timestamp_ms = opt<std::int64_t>(d, "timestamp_ms");
    if (auto v = opt<std::string>(d, "kind")) o.defaults.kind = parse_kind(*v);
    memvid::IngestReport r = run(path_, [&] { return mv_->ingest(source, o); });
    return to_dict(r);
  }

  void refresh() {
    run(path_, [&] { mv_->refresh(); });
  }
  void compact_to(const std::string& dest) {
    run(path_, [&] { memvid::Maintenance(*mv_).compact_to(dest); });
  }
  void compact_in_place() {
    run(path_, [&] { memvid::Maintenance(*mv_).compact_in_place(); });
  }
  void export_snapshot(const std::string& dest) {
    run(path_, [&] { memvid::Maintenance(*mv_).export_snapshot(dest); });
  }
  void seal() {
    if (closed_) return;
    run(path_, [&] { mv_->seal(); });
    closed_ = true;
  }
  void close() {
    if (closed_) return;
    run(path_, [&] { mv_->close(); });
    closed_ = true;
  }
  std::uint64_t frame_count() {
    return run(path_, [&] { return mv_->frame_count(); });
  }
  py::dict recovery_info() {
    return to_dict(run(path_, [&] { return mv_->recovery_info(); }));
  }

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  bool closed() const { return closed_; }

 private:
  std::unique_ptr<memvid::Memvid> mv_;
  std::string path_;
  bool read_only_ = false;
  bool closed_ = false;
};

}  // namespace

PYBIND11_MODULE(_memvid, m) {
  m.doc() = "Native core of memvid_sdk (use the memvid_sdk package, not this module).";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const NativeError& e) {
      py::object owner = e.owner ? py::object(to_dict(*e.owner)) : py::object(py::none());
      py::object code = py::str(std::string(memvid::to_string(e.code)));
      py::object message = text_of(e.message);
      py::object& factory = error_factory();
      if (factory && !factory.is_none()) {
        py::object exc = factory(code, message, owner);
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
      } else {
        PyErr_SetString(PyExc_RuntimeError, (std::string(memvid::to_string(e.code)) + ": " + e.message).c_str());
      }
    } catch (const memvid::Error& e) {
      // Raised while converting arguments (bad enum names and the like), outside run().
      py::object code = py::str(std::string(memvid::to_string(e.code())));
      py::object& factory = error_factory();
      if (factory && !factory.is_none()) {
        py::object exc = factory(code, text_of(e.what()), py::none());
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
      } else {
        PyErr_SetString(PyExc_RuntimeError, e.what());
      }
    }
  });

  m.def(
      "set_error_factory", [](py::object f) { error_factory() = std::move(f); }, py::arg("factory"),
      "Registers factory(code, message, owner) -> exception instance, used for every library error.");
  m.def(
      "set_warning_sink", [](py::object f) { warning_sink() = std::move(f); }, py::arg("sink"),
      "Registers sink(code, step, message), called for each warning of a call (its work was committed).");
  m.def(
      "last_warnings",
      [] {
        py::list out;
        for (const memvid::Warning& w : latest_warnings())
          out.append(py::make_tuple(std::string(memvid::to_string(w.code)), w.step, w.message));
        return out;
      },
      "The (code, step, message) of each warning of this thread's latest call.");

  py::class_<Handle>(m, "Handle", "One open memory (a memvid::Memvid).")
      .def_static("create", &Handle::create, py::arg("path"), py::arg("options"), py::arg("open_existing") = false)
      .def_static("open", &Handle::open, py::arg("path"), py::arg("options"), py::arg("read_only"))
      .def("put", &Handle::put, py::arg("doc"))
      .def("put_many", &Handle::put_many, py::arg("docs"))
      .def("update", &Handle::update, py::arg("id"), py::arg("doc"))
      .def("delete", &Handle::delete_frame, py::arg("id"))
      .def("begin", &Handle::begin)
      .def("commit", &Handle::commit)
      .def("rollback", &Handle::rollback)
      .def("in_transaction", &Handle::in_transaction)
      .def("frame", &Handle::frame, py::arg("id"), py::arg("payload"))
      .def("timeline", &Handle::timeline, py::arg("query"))
      .def("when", &Handle::when, py::arg("query"))
      .def("audit", &Handle::audit, py::arg("question"), py::arg("options"))
      .def("session_start", &Handle::session_start, py::arg("name"))
      .def("session_end", &Handle::session_end)
      .def("session_checkpoint", &Handle::session_checkpoint, py::arg("note"))
      .def("session_active", &Handle::session_active)
      .def("session_list", &Handle::session_list)
      .def("session_view", &Handle::session_view, py::arg("id"))
      .def("session_delete", &Handle::session_delete, py::arg("id"))
      .def("session_replay", &Handle::session_replay, py::arg("id"), py::arg("current"))
      .def("session_compare", &Handle::session_compare, py::arg("a"), py::arg("b"))
      .def("facts_list", &Handle::facts_list, py::arg("query"))
      .def("facts_entities", &Handle::facts_entities)
      .def("facts_follow", &Handle::facts_follow, py::arg("query"))
      .def("facts_correct", &Handle::facts_correct, py::arg("statement"), py::arg("options"))
      .def("facts_enrich", &Handle::facts_enrich, py::arg("options"))
      .def("facts_schema", &Handle::facts_schema, py::arg("infer"))
      .def("facts_register_schema", &Handle::facts_register_schema, py::arg("specs"), py::arg("overwrite"))
      .def("stats", &Handle::stats)
      .def("find", &Handle::find, py::arg("query"), py::arg("options"))
      .def("ask", &Handle::ask, py::arg("question"), py::arg("options"))
      .def("ingest", &Handle::ingest, py::arg("path"), py::arg("options"))
      .def("refresh", &Handle::refresh)
      .def("compact_to", &Handle::compact_to, py::arg("dest"))
      .def("compact_in_place", &Handle::compact_in_place)
      .def("export_snapshot", &Handle::export_snapshot, py::arg("dest"))
      .def("seal", &Handle::seal)
      .def("close", &Handle::close)
      .def("frame_count", &Handle::frame_count)
      .def("recovery_info", &Handle::recovery_info)
      .def_property_readonly("path", &Handle::path)
      .def_property_readonly("read_only", &Handle::read_only)
      .def_property_readonly("closed", &Handle::closed);

  m.def(
      "verify",
      [](const std::string& path, bool deep) {
        memvid::VerifyReport r = run(path, [&] { return memvid::verify(path, deep); });
        return to_dict(r);
      },
      py::arg("path"), py::arg("deep"));
  m.def(
      "doctor",
      [](const std::string& path, const py::dict& d) {
        memvid::DoctorOptions o;
        if (auto v = opt<bool>(d, "plan_only")) o.plan_only = *v;
        if (auto v = opt<bool>(d, "rebuild_time_index")) o.rebuild_time_index = *v;
        if (auto v = opt<bool>(d, "rebuild_lex_index")) o.rebuild_lex_index = *v;
        if (auto v = opt<bool>(d, "rebuild_vec_index")) o.rebuild_vec_index = *v;
        if (auto v = opt<bool>(d, "vacuum")) o.vacuum = *v;
        if (auto v = opt<int>(d, "lock_timeout_ms")) o.lock_timeout_ms = *v;
        if (auto v = opt<std::string>(d, "output")) o.output = *v;
        if (auto v = opt<bool>(d, "keep_backup")) o.keep_backup = *v;
        memvid::DoctorReport r = run(path, [&] { return memvid::doctor(path, o); });
        return to_dict(r);
      },
      py::arg("path"), py::arg("options"));
  m.def(
      "who",
      [](const std::string& path) {
        memvid::OwnerInfo o = run(path, [&] { return memvid::who(path); });
        return to_dict(o);
      },
      py::arg("path"));
  m.def(
      "nudge", [](const std::string& path) { run(path, [&] { memvid::nudge(path); }); },
      py::arg("path"));
  m.def(
      "find_sidecar",
      [](const std::string& path) {
        return run(path, [&] { return memvid::find_sidecar(path); });
      },
      py::arg("path"));
  m.def(
      "restore_snapshot",
      [](const std::string& snapshot, const std::string& dest, bool force, bool keep_backup) {
        memvid::RestoreOptions o;
        o.force = force;
        o.keep_backup = keep_backup;
        return to_dict(run(dest, [&] { return memvid::restore_snapshot(snapshot, dest, o); }));
      },
      py::arg("snapshot"), py::arg("dest"), py::arg("force"), py::arg("keep_backup"));
  m.def(
      "find_time_mentions",
      [](const std::string& text, std::int64_t written_ms) {
        py::list out;
        for (const auto& t : memvid::find_time_mentions(text, written_ms)) out.append(to_dict(t));
        return out;
      },
      py::arg("text"), py::arg("written_ms"), "The dates a text mentions (memvid/time.hpp).");
  m.def(
      "resolve_time",
      [](const std::string& phrase, const std::string& zone, std::int64_t anchor_ms) {
        auto w = run("", [&] { return memvid::resolve_time_phrase(phrase, {anchor_ms, zone}); });
        return to_dict(w);
      },
      py::arg("phrase"), py::arg("zone"), py::arg("anchor_ms"),
      "The window of instants a time phrase names (memvid/time.hpp).");
  m.def(
      "parse_timestamp_ms", [](const std::string& text) { return memvid::parse_timestamp_ms(text); },
      py::arg("text"), "Milliseconds since the epoch for an ISO-8601 text or integer string, or None.");
  m.def(
      "format_timestamp_iso", [](std::int64_t ms) { return memvid::format_timestamp_iso(ms); }, py::arg("ms"));
  m.def(
      "is_valid_utf8", [](const py::bytes& b) { return memvid::is_valid_utf8(std::string(b)); }, py::arg("data"));
  m.def("result_schema", &memvid_py::result_schema,
        "Every result type's fields as (name, type) pairs, from the library's field lists.");
}
