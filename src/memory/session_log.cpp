#include "memory/session_log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "format/blake3.hpp"
#include "format/frame_record.hpp"
#include "memvid/types.hpp"

namespace memvid::session {
namespace {

using Json = nlohmann::ordered_json;

// A session holds at most this many ids in one action (a find's hits, a put_many's frames).
constexpr std::size_t kMaxIds = 1'000'000;

bool is_session_frame(const format::FrameRecord& rec) {
  return std::find(rec.meta.labels.begin(), rec.meta.labels.end(), kSessionLabel) != rec.meta.labels.end();
}

std::vector<FrameId> ids_of(const nlohmann::json& j, const char* key) {
  std::vector<FrameId> out;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->size() > kMaxIds) return out;
  for (const auto& v : *it)
    if (v.is_number_unsigned()) out.push_back(v.get<FrameId>());
  return out;
}

std::optional<format::FrameRecord> session_record(const store::Store& s, const format::TocEntry& e) {
  if (e.kind != static_cast<std::uint8_t>(FrameKind::Binary) || e.record_removed()) return std::nullopt;
  format::FrameRecord rec = s.read_record(e);
  if (!is_session_frame(rec)) return std::nullopt;
  return rec;
}

std::vector<Event> events_of(const store::Store& s, const format::TocEntry& e) {
  const auto rec = session_record(s, e);
  if (!rec) return {};
  const std::vector<std::uint8_t> payload = format::frame_payload(*rec, e.record_offset);
  return parse_events(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), e.frame_id,
                      e.timestamp_ms);
}

}  // namespace

std::string start_payload(const std::string& name) {
  Json j;
  j["type"] = "start";
  j["seq"] = 0;
  j["name"] = name;
  return j.dump();
}

std::string end_payload(std::uint64_t session, std::uint64_t seq) {
  Json j;
  j["session"] = session;
  j["type"] = "end";
  j["seq"] = seq;
  return j.dump();
}

std::string action_json(const SessionAction& a, const std::string& options_json) {
  Json j;
  j["seq"] = a.seq;
  j["action"] = a.action;
  j["time_ms"] = a.time_ms;
  if (!a.input_hash.empty()) j["input"] = a.input_hash;
  if (a.action == "find" || a.action == "ask") {
    j["query"] = a.query;
    j["options"] = options_json.empty() ? Json::object() : Json::parse(options_json);
    j["hits"] = a.hits;
    j["state_frames"] = a.state_frames;
  } else if (a.action == "checkpoint") {
    j["note"] = a.note;
  } else {
    j["frames"] = a.frames;
  }
  return j.dump();
}

std::string actions_payload(std::uint64_t session, const std::vector<std::string>& actions) {
  std::string out = "{\"session\":" + std::to_string(session) + ",\"type\":\"actions\",\"actions\":[";
  for (std::size_t i = 0; i < actions.size(); ++i) out += (i ? "," : "") + actions[i];
  return out + "]}";
}

namespace {

std::optional<SessionAction> parse_action(const nlohmann::json& j, FrameId frame, std::int64_t frame_time, std::string& options) {
  if (!j.is_object()) return std::nullopt;
  const auto seq = j.find("seq");
  const auto action = j.find("action");
  if (seq == j.end() || !seq->is_number_unsigned() || action == j.end() || !action->is_string()) return std::nullopt;
  SessionAction a;
  a.seq = seq->get<std::uint64_t>();
  a.frame = frame;
  a.time_ms = frame_time;
  a.action = action->get<std::string>();
  if (const auto v = j.find("time_ms"); v != j.end() && v->is_number_integer()) a.time_ms = v->get<std::int64_t>();
  if (const auto v = j.find("input"); v != j.end() && v->is_string()) a.input_hash = v->get<std::string>();
  if (const auto v = j.find("query"); v != j.end() && v->is_string()) a.query = v->get<std::string>();
  if (const auto v = j.find("note"); v != j.end() && v->is_string()) a.note = v->get<std::string>();
  if (const auto v = j.find("state_frames"); v != j.end() && v->is_number_unsigned())
    a.state_frames = v->get<std::uint64_t>();
  if (const auto v = j.find("options"); v != j.end() && v->is_object()) options = v->dump();
  a.frames = ids_of(j, "frames");
  a.hits = ids_of(j, "hits");
  return a;
}

}  // namespace

std::vector<Event> parse_events(std::string_view payload, FrameId frame, std::int64_t time_ms) {
  std::vector<Event> out;
  const nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return out;
  Event e;
  e.frame = frame;
  e.time_ms = time_ms;
  e.type = type->get<std::string>();
  if (e.type == "start") {
    e.session = frame;  // a session is named by its start frame
    if (const auto n = j.find("name"); n != j.end() && n->is_string()) e.name = n->get<std::string>();
    out.push_back(std::move(e));
    return out;
  }
  const auto session = j.find("session");
  if (session == j.end() || !session->is_number_unsigned() || session->get<std::uint64_t>() >= frame) return out;
  e.session = session->get<std::uint64_t>();
  if (e.type == "end") {
    out.push_back(std::move(e));
    return out;
  }
  const auto actions = j.find("actions");
  if (e.type != "actions" || actions == j.end() || !actions->is_array() || actions->size() > kMaxIds) return out;
  e.type = "action";
  for (const auto& item : *actions) {
    Event one = e;
    auto a = parse_action(item, frame, time_ms, one.options_json);
    if (!a) return {};  // a damaged list is no record at all
    one.action = std::move(*a);
    out.push_back(std::move(one));
  }
  return out;
}

std::vector<Event> read_events(const store::Store& s) {
  std::vector<Event> out;
  const std::uint64_t n = s.committed_frame_count();
  for (std::uint64_t id = 0; id < n; ++id) {
    const format::TocEntry& e = s.entry(id);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active)) continue;
    for (Event& ev : events_of(s, e)) out.push_back(std::move(ev));
  }
  return out;
}

std::optional<Recording> find_open(const store::Store& s) {
  std::uint64_t id = s.committed_frame_count();
  std::size_t walked = 0;
  while (id-- > 0) {
    // While a session is open every write ends with a session frame, so the newest session
    // frame is among the newest frames. Opening a memory of many frames (a million
    // documents, many images) must not read them all.
    if (++walked > kOpenSessionLookback) return std::nullopt;
    const format::TocEntry& e = s.entry(id);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active)) continue;
    if (e.kind != static_cast<std::uint8_t>(FrameKind::Binary)) continue;
    const std::vector<Event> events = events_of(s, e);
    if (events.empty()) continue;
    const Event* ev = &events.back();
    if (ev->type == "end") return std::nullopt;
    // The newest event belongs to the open session: read back its name and next seq.
    Recording r;
    r.session = ev->session;
    r.next_seq = ev->type == "start" ? 1 : ev->action.seq + 1;
    if (ev->type == "start") {
      r.name = ev->name;
    } else if (r.session < s.committed_frame_count()) {
      const std::vector<Event> start = events_of(s, s.entry(r.session));
      if (!start.empty() && start.front().type == "start") r.name = start.front().name;
    }
    return r;
  }
  return std::nullopt;
}

// Only what differs from the defaults is kept: a session record stays small, and replay
// fills in the defaults again (FindOptions{}).
std::string find_options_json(const FindOptions& o, std::int64_t anchor_ms) {
  const FindOptions d;
  Json j;
  if (o.k != d.k) j["k"] = o.k;
  if (o.offset != d.offset) j["offset"] = o.offset;
  if (!o.cursor.empty()) j["cursor"] = o.cursor;
  if (o.mode != d.mode) j["mode"] = std::string(to_string(o.mode));
  if (o.collapse_chunks != d.collapse_chunks) j["collapse_chunks"] = o.collapse_chunks;
  if (o.collapse_duplicates != d.collapse_duplicates) j["collapse_duplicates"] = o.collapse_duplicates;
  if (o.correction_boost != d.correction_boost) j["correction_boost"] = o.correction_boost;
  if (o.strict != d.strict) j["strict"] = o.strict;
  if (!o.scope.empty()) j["scope"] = o.scope;
  if (!o.where.empty()) j["where"] = o.where;
  if (o.as_of_frame) j["as_of_frame"] = *o.as_of_frame;
  if (o.as_of_ms) j["as_of_ms"] = *o.as_of_ms;
  if (o.time_zone != d.time_zone) j["time_zone"] = o.time_zone;
  j["time_anchor_ms"] = o.time_anchor_ms.value_or(anchor_ms);
  if (o.title_weight != d.title_weight) j["title_weight"] = o.title_weight;
  if (o.fusion != d.fusion) j["fusion"] = std::string(to_string(o.fusion));
  if (o.semantic_weight != d.semantic_weight) j["semantic_weight"] = o.semantic_weight;
  if (o.candidates != d.candidates) j["candidates"] = o.candidates;
  if (o.semantic_floor != d.semantic_floor) j["semantic_floor"] = o.semantic_floor ? Json(*o.semantic_floor) : Json(nullptr);
  if (o.ef_search != d.ef_search) j["ef_search"] = o.ef_search;
  if (o.nprobe != d.nprobe) j["nprobe"] = o.nprobe;
  if (!o.query_vector.empty()) j["vector"] = true;  // the vector itself is not kept
  return j.dump();
}

namespace {

template <class T>
void take(const nlohmann::json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
  }
}

template <class T>
void take(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
  }
}

// A search mode by name; an unknown one leaves out as it is.
void take_mode(const nlohmann::json& j, SearchMode& out) {
  std::string mode;
  take(j, "mode", mode);
  if (auto m = search_mode_from_string(mode)) out = *m;
}

// The relevance floor: a number, or null for "off" (absent: the default stays).
void take_semantic_floor(const nlohmann::json& j, std::optional<double>& out) {
  if (const auto it = j.find("semantic_floor"); it != j.end()) {
    if (it->is_number()) out = it->get<double>();
    else if (it->is_null()) out.reset();
  }
}

nlohmann::json parse_object(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

FindOptions find_options_from_json(const std::string& text) {
  const nlohmann::json j = parse_object(text);
  FindOptions o;
  take(j, "k", o.k);
  take(j, "offset", o.offset);
  take(j, "cursor", o.cursor);
  take_mode(j, o.mode);
  take(j, "collapse_chunks", o.collapse_chunks);
  take(j, "collapse_duplicates", o.collapse_duplicates);
  take(j, "correction_boost", o.correction_boost);
  take(j, "strict", o.strict);
  take(j, "scope", o.scope);
  take(j, "where", o.where);
  take(j, "as_of_frame", o.as_of_frame);
  take(j, "as_of_ms", o.as_of_ms);
  take(j, "time_zone", o.time_zone);
  take(j, "time_anchor_ms", o.time_anchor_ms);
  take(j, "title_weight", o.title_weight);
  std::string fusion;
  take(j, "fusion", fusion);
  if (auto f = fusion_from_string(fusion)) o.fusion = *f;
  take(j, "semantic_weight", o.semantic_weight);
  take(j, "candidates", o.candidates);
  take_semantic_floor(j, o.semantic_floor);
  take(j, "ef_search", o.ef_search);
  take(j, "nprobe", o.nprobe);
  o.snippet_chars = 0;  // only the ids are compared
  return o;
}

std::string ask_options_json(const AskOptions& o, std::int64_t anchor_ms) {
  const AskOptions d;
  Json j;
  if (o.k != d.k) j["k"] = o.k;
  if (o.mode != d.mode) j["mode"] = std::string(to_string(o.mode));
  if (o.context_tokens != d.context_tokens) j["context_tokens"] = o.context_tokens;
  if (!o.scope.empty()) j["scope"] = o.scope;
  if (!o.where.empty()) j["where"] = o.where;
  if (o.as_of_ms) j["as_of_ms"] = *o.as_of_ms;
  if (o.time_zone != d.time_zone) j["time_zone"] = o.time_zone;
  j["time_anchor_ms"] = o.time_anchor_ms.value_or(anchor_ms);
  if (o.semantic_floor != d.semantic_floor) j["semantic_floor"] = o.semantic_floor ? Json(*o.semantic_floor) : Json(nullptr);
  if (o.max_sentences != d.max_sentences) j["max_sentences"] = o.max_sentences;
  if (!o.model.empty() || o.language_model) j["model"] = o.language_model ? "(object)" : o.model;
  return j.dump();
}

AskOptions ask_options_from_json(const std::string& text) {
  const nlohmann::json j = parse_object(text);
  AskOptions o;
  take(j, "k", o.k);
  take_mode(j, o.mode);
  take(j, "context_tokens", o.context_tokens);
  take(j, "scope", o.scope);
  take(j, "where", o.where);
  take(j, "as_of_ms", o.as_of_ms);
  take(j, "time_zone", o.time_zone);
  take(j, "time_anchor_ms", o.time_anchor_ms);
  take_semantic_floor(j, o.semantic_floor);
  take(j, "max_sentences", o.max_sentences);
  o.context_only = true;  // the sources are what is compared; no model is called again
  return o;
}

bool is_session_frame(const store::Store& s, FrameId frame) {
  if (frame >= s.frame_count()) return false;
  return session_record(s, s.entry(frame)).has_value();
}

bool FrameSet::contains(const store::Store& s, FrameId frame) {
  if (frame >= s.frame_count()) return false;
  if (s.entry(frame).kind != static_cast<std::uint8_t>(FrameKind::Binary)) return false;
  // A frame of the open transaction may be rolled back and its id reused: not remembered.
  if (frame >= s.committed_frame_count()) return is_session_frame(s, frame);
  if (known_.size() <= frame) known_.resize(s.committed_frame_count(), -1);
  if (known_[frame] < 0) known_[frame] = is_session_frame(s, frame) ? 1 : 0;
  return known_[frame] == 1;
}

namespace {
thread_local int inner_reads = 0;
}  // namespace

InnerRead::InnerRead() { ++inner_reads; }
InnerRead::~InnerRead() { --inner_reads; }
bool InnerRead::active() { return inner_reads > 0; }

std::string hash_inputs(std::initializer_list<std::string_view> parts) {
  std::string joined;
  for (std::string_view p : parts) {
    joined += std::to_string(p.size());
    joined += ':';
    joined.append(p.data(), p.size());
  }
  const auto digest = format::blake3(joined.data(), joined.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace memvid::session
