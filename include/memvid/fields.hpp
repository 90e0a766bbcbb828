#pragma once
// The fields of every result the library returns, listed once. The CLI's --json output, the
// Python SDK's result objects and the Node SDK's result objects are all made from these
// lists (Node spells the names in camelCase), and result_schema() describes them so that
// tests can hold the SDKs' type stubs to the same names and types.
//
// for_each_field(result, visit) calls visit(name, value) for each field in order. A value
// is one of: bool; std::int64_t, std::uint64_t, std::uint32_t (integers); double;
// std::string (text: UTF-8, shown with invalid bytes replaced); an enum of types.hpp,
// integrity.hpp or error.hpp (shown by enum_name()); Timestamp; Span; Bytes; JsonText;
// std::optional of a value (null when empty); std::vector of a value; or another result
// (a nested object). A visitor handles each of these and recurses into nested results.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/audit.hpp"
#include "memvid/error.hpp"
#include "memvid/facts.hpp"
#include "memvid/ingest.hpp"
#include "memvid/integrity.hpp"
#include "memvid/results.hpp"
#include "memvid/types.hpp"
#include "memvid/sessions.hpp"
#include "memvid/when.hpp"

namespace memvid::fields {

// Milliseconds since the Unix epoch (UTC). The CLI adds the ISO 8601 form beside it.
struct Timestamp {
  std::int64_t ms = 0;
};
// A frame's payload as bytes; null when it was not read (frame_info). The CLI's JSON, which
// cannot hold bytes, gives base64 here when the payload is not text, null when it is (the
// "text" field holds it).
struct Bytes {
  const std::string* value = nullptr;
};
// A JSON object stored as text (frame metadata): given parsed, {} when empty, and the text
// itself when it does not parse.
struct JsonText {
  const std::string* value = nullptr;
};

// Enum values by name: lowercase ("text", "passed", "warn"), except error codes, which are
// identifiers ("NotFound").
std::string enum_name(FrameKind v);
std::string enum_name(FrameStatus v);
std::string enum_name(SearchMode v);
std::string enum_name(CheckStatus v);
std::string enum_name(Severity v);
std::string enum_name(ActionStatus v);
std::string enum_name(ErrorCode v);

using memvid::TextUnit;
// The hits' highlight spans re-expressed in unit, for an SDK to hand out: so that
// snippet[begin:end] in Python, snippet.slice(begin, end) in JavaScript, is the highlighted word.
void convert_highlights(FindResult& result, TextUnit unit);

// "text" of a payload: itself when it is valid UTF-8, otherwise nothing.
std::optional<std::string> text_of_payload(const Frame& f);
std::string hex(const std::array<std::uint8_t, 32>& bytes);

template <class V>
void for_each_field(const Hit& h, V&& v) {
  v("id", std::uint64_t{h.id});
  v("rank", std::uint64_t{h.rank});
  v("score", h.score);
  v("kind", h.kind);
  v("timestamp_ms", Timestamp{h.timestamp_ms});
  v("title", h.title);
  v("uri", h.uri);
  v("tags", h.tags);
  v("labels", h.labels);
  v("chunk", h.chunk);
  v("chunk_count", h.chunk_count);
  v("chunk_begin", std::uint64_t{h.chunk_begin});
  v("chunk_end", std::uint64_t{h.chunk_end});
  v("page", h.page);
  v("snippet", h.snippet);
  v("highlights", h.highlights);
  v("lexical_match", h.lexical_match);
  v("semantic_match", h.semantic_match);
  v("lexical_score", h.lexical_score);
  v("semantic_score", h.semantic_score);
  v("duplicates", h.duplicates);
  v("duplicate_ids", h.duplicate_ids);
}

template <class V>
void for_each_field(const FindResult& r, V&& v) {
  v("mode", r.mode_used);
  v("hits", r.hits);
  v("next_cursor", r.next_cursor.empty() ? std::nullopt : std::optional<std::string>(r.next_cursor));
  v("note", r.note);
  v("total_hits", std::uint64_t{r.total_hits});
  v("total_hits_exact", r.total_hits_exact);
  v("semantic_floor", r.semantic_floor);
  v("elapsed_ms", r.elapsed_ms);
}

template <class V>
void for_each_field(const AskSource& s, V&& v) {
  v("number", std::uint64_t{s.number});
  v("id", std::uint64_t{s.id});
  v("title", s.title);
  v("uri", s.uri);
  v("timestamp_ms", Timestamp{s.timestamp_ms});
  v("page", s.page);
  v("chunk_begin", std::uint64_t{s.chunk_begin});
  v("chunk_end", std::uint64_t{s.chunk_end});
  v("score", s.score);
  v("snippet", s.snippet);
  v("text", s.text);
}

template <class V>
void for_each_field(const AskResult& r, V&& v) {
  v("question", r.question);
  v("answer", r.answer);
  v("found", r.found);
  v("used_model", r.used_model);
  v("model", r.model);
  v("note", r.note);
  v("sources", r.sources);
  std::vector<std::uint64_t> citations(r.citations.begin(), r.citations.end());
  v("citations", citations);
  v("context", r.context);
  v("mode", r.mode_used);
  v("retrieval_ms", r.retrieval_ms);
  v("generation_ms", r.generation_ms);
  v("prompt_tokens", std::uint64_t{r.prompt_tokens});
  v("completion_tokens", std::uint64_t{r.completion_tokens});
}

template <class V>
void for_each_field(const Frame& f, V&& v) {
  v("id", std::uint64_t{f.id});
  v("kind", f.kind);
  v("status", f.status);
  v("timestamp_ms", Timestamp{f.timestamp_ms});
  v("title", f.title);
  v("uri", f.uri);
  v("tags", f.tags);
  v("labels", f.labels);
  v("metadata", JsonText{&f.metadata_json});
  v("parent", f.parent);
  v("supersedes", f.supersedes);
  v("superseded_by", f.superseded_by);
  v("content_hash", hex(f.content_hash));
  v("payload_bytes", std::uint64_t{f.payload_bytes});
  v("stored_bytes", std::uint64_t{f.stored_bytes});
  v("compressed", f.compressed);
  v("has_vector", f.vectors > 0);
  v("chunk_size", f.chunk_bytes);
  v("chunk_overlap", f.chunk_overlap);
  v("removed", f.removed);
  v("text", f.has_payload ? text_of_payload(f) : std::nullopt);
  v("data", Bytes{f.has_payload ? &f.payload : nullptr});
}

template <class V>
void for_each_field(const TimelineEntry& e, V&& v) {
  v("id", std::uint64_t{e.id});
  v("timestamp_ms", Timestamp{e.timestamp_ms});
  v("kind", e.kind);
  v("status", e.status);
  v("title", e.title);
  v("uri", e.uri);
  v("preview", e.preview);
}

template <class V>
void for_each_field(const Stats& s, V&& v) {
  v("frames", std::uint64_t{s.frames});
  v("active_frames", std::uint64_t{s.active_frames});
  v("deleted_frames", std::uint64_t{s.deleted_frames});
  v("superseded_frames", std::uint64_t{s.superseded_frames});
  v("payload_bytes", std::uint64_t{s.payload_bytes});
  v("stored_bytes", std::uint64_t{s.stored_bytes});
  v("file_bytes", std::uint64_t{s.file_bytes});
  v("wal_bytes", std::uint64_t{s.wal_bytes});
  v("wal_used_bytes", std::uint64_t{s.wal_used_bytes});
  v("wal_pending_transactions", std::uint64_t{s.wal_pending_transactions});
  v("toc_segments", std::uint64_t{s.toc_segments});
  v("generation", std::uint64_t{s.generation});
  v("embedding_model", s.embedding_model);
  v("embedding_dimension", s.embedding_dimension);
  v("vector_compression", s.vector_compression);
  v("vectors", std::uint64_t{s.vectors});
  v("semantic_unavailable", s.semantic_unavailable);
}

template <class V>
void for_each_field(const RecoveryInfo& r, V&& v) {
  v("wal_records_replayed", std::uint64_t{r.wal_records_replayed});
  v("transactions_replayed", std::uint64_t{r.transactions_replayed});
  v("bytes_truncated", std::uint64_t{r.bytes_truncated});
  v("header_fallback", r.header_fallback);
  v("footer_fallback", r.footer_fallback);
}

template <class V>
void for_each_field(const OwnerInfo& o, V&& v) {
  const auto when = [&](std::int64_t ms) { return o.present ? std::optional<Timestamp>(Timestamp{ms}) : std::nullopt; };
  v("present", o.present);
  v("alive", o.alive);
  v("pid", o.present ? std::optional<std::int64_t>(o.pid) : std::nullopt);
  v("host", o.host);
  v("command", o.command);
  v("started_ms", when(o.started_ms));
  v("heartbeat_ms", when(o.heartbeat_ms));
  v("nudge_requested", o.nudge_requested);
}

template <class V>
void for_each_field(const RestoreReport& r, V&& v) {
  v("snapshot", r.snapshot);
  v("dest", r.dest);
  v("snapshot_frames", std::uint64_t{r.snapshot_frames});
  v("replaced", r.replaced);
  v("replaced_frames", std::uint64_t{r.replaced_frames});
  v("dropped_frames", std::uint64_t{r.dropped_frames});
  std::vector<std::uint64_t> dropped(r.dropped_ids.begin(), r.dropped_ids.end());
  v("dropped_ids", dropped);
  v("backup_path", r.backup_path.empty() ? std::nullopt : std::optional<std::string>(r.backup_path));
}

template <class V>
void for_each_field(const CheckResult& c, V&& v) {
  v("name", c.name);
  v("status", c.status);
  v("detail", c.detail);
}

template <class V>
void for_each_field(const VerifyReport& r, V&& v) {
  v("path", r.path);
  v("deep", r.deep);
  v("ok", r.ok);
  v("checks", r.checks);
  v("damaged_frames", r.damaged_frames);
  v("frames", std::uint64_t{r.frames});
  v("file_bytes", std::uint64_t{r.file_bytes});
  v("elapsed_ms", r.elapsed_ms);
}

template <class V>
void for_each_field(const Finding& f, V&& v) {
  v("severity", f.severity);
  v("check", f.check);
  v("message", f.message);
}

template <class V>
void for_each_field(const DoctorAction& a, V&& v) {
  v("name", a.name);
  v("description", a.description);
  v("status", a.status);
  v("detail", a.detail);
}

template <class V>
void for_each_field(const DoctorReport& r, V&& v) {
  const auto unless_empty = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  v("path", r.path);
  v("ok", r.ok);
  v("changed", r.changed);
  v("findings", r.findings);
  v("actions", r.actions);
  v("error", unless_empty(r.error));
  v("error_code", r.error.empty() ? std::nullopt : std::optional<ErrorCode>(r.error_code));
  v("output_path", unless_empty(r.output_path));
  v("backup_path", unless_empty(r.backup_path));
  v("frames_recovered", std::uint64_t{r.frames_recovered});
  v("lost_frames", r.lost_frames);
  v("bytes_before", std::uint64_t{r.bytes_before});
  v("bytes_after", std::uint64_t{r.bytes_after});
  v("before", r.before);
  v("after", r.after);
}

template <class V>
void for_each_field(const IngestSkip& s, V&& v) {
  v("path", s.path);
  v("reason", s.reason);
}

template <class V>
void for_each_field(const IngestedDocument& d, V&& v) {
  v("path", d.path);
  v("frame", d.frame ? std::optional<std::uint64_t>(*d.frame) : std::nullopt);
  v("title", d.title);
  v("mime", d.mime);
  v("text_bytes", std::uint64_t{d.text_bytes});
  v("pages", d.pages);
}

template <class V>
void for_each_field(const IngestReport& r, V&& v) {
  v("dry_run", r.dry_run);
  v("files_seen", std::uint64_t{r.files_seen});
  v("files_processed", std::uint64_t{r.files_processed});
  v("documents", std::uint64_t{r.documents});
  v("ingested", std::uint64_t{r.ingested});
  v("duplicates", std::uint64_t{r.duplicates});
  v("filtered", std::uint64_t{r.filtered});
  v("skipped", r.skipped);
  v("bytes_in", std::uint64_t{r.bytes_in});
  v("text_bytes", std::uint64_t{r.text_bytes});
  v("bytes_stored", std::uint64_t{r.bytes_stored});
  v("invalid_utf8_bytes", std::uint64_t{r.invalid_utf8_bytes});
  v("items", r.items);
  v("elapsed_ms", r.elapsed_ms);
}

template <class V>
void for_each_field(const Warning& w, V&& v) {
  v("code", w.code);
  v("step", w.step);
  v("message", w.message);
}

template <class V>
void for_each_field(const FactRecord& f, V&& v) {
  v("id", std::uint64_t{f.id});
  v("entity", f.entity);
  v("entity_name", f.entity_name);
  v("slot", f.slot);
  v("value", f.value);
  v("value_type", f.value_type);
  v("kind", f.kind);
  v("cardinality", f.cardinality);
  v("polarity", f.polarity);
  v("confidence", f.confidence);
  v("engine", f.engine);
  v("frame", std::uint64_t{f.frame});
  v("uri", f.uri);
  v("recorded_in", std::uint64_t{f.recorded_in});
  v("value_begin", std::uint32_t{f.value_begin});
  v("value_length", std::uint32_t{f.value_length});
  v("valid_from_ms", Timestamp{f.valid_from_ms});
  v("valid_to_ms", f.valid_to_ms ? std::optional<Timestamp>(Timestamp{*f.valid_to_ms}) : std::nullopt);
  v("recorded_at_ms", Timestamp{f.recorded_at_ms});
  v("superseded_by", f.superseded_by ? std::optional<std::uint64_t>(*f.superseded_by) : std::nullopt);
  v("retracted", f.retracted);
  v("current", f.current);
  v("confirms", f.confirms);
  v("correction", f.correction);
}

template <class V>
void for_each_field(const EnrichReport& r, V&& v) {
  v("engine", r.engine);
  v("frames", std::uint64_t{r.frames});
  v("processed", std::uint64_t{r.processed});
  v("already", std::uint64_t{r.already});
  v("facts", std::uint64_t{r.facts});
  v("duplicates", std::uint64_t{r.duplicates});
  v("rejected", std::uint64_t{r.rejected});
  v("failed", std::uint64_t{r.failed});
  v("enrichment_frames", r.enrichment_frames);
}

template <class V>
void for_each_field(const SlotSchema& s, V&& v) {
  v("slot", s.slot);
  v("cardinality", s.cardinality);
  v("value_type", s.value_type);
  v("kind", s.kind);
  v("inverse", s.inverse);
  v("source", s.source);
  v("facts", std::uint64_t{s.facts});
  v("entities", std::uint64_t{s.entities});
}

template <class V>
void for_each_field(const Correction& c, V&& v) {
  v("frame", std::uint64_t{c.frame});
  v("facts", c.facts);
}

template <class V>
void for_each_field(const EntityInfo& e, V&& v) {
  v("entity", e.entity);
  v("name", e.name);
  v("kind", e.kind);
  v("facts", std::uint64_t{e.facts});
  v("current", std::uint64_t{e.current});
  v("mentions", std::uint64_t{e.mentions});
}

template <class V>
void for_each_field(const FollowEdge& e, V&& v) {
  v("source", e.source);
  v("source_name", e.source_name);
  v("slot", e.slot);
  v("target", e.target);
  v("target_name", e.target_name);
  v("depth", std::uint64_t{e.depth});
  v("fact", std::uint64_t{e.fact});
  v("inverse", e.inverse);
}

template <class V>
void for_each_field(const FollowResult& r, V&& v) {
  v("start", r.start);
  v("edges", r.edges);
  v("reached", r.reached);
}

template <class V>
void for_each_field(const TimeWindow& w, V&& v) {
  v("start_ms", w.start_ms ? std::optional<Timestamp>(Timestamp{*w.start_ms}) : std::nullopt);
  v("end_ms", w.end_ms ? std::optional<Timestamp>(Timestamp{*w.end_ms}) : std::nullopt);
  v("start_local", w.start_local);
  v("end_local", w.end_local);
  v("granularity", w.granularity);
  v("zone", w.zone);
  v("ambiguous", w.ambiguous);
  v("note", w.note);
}

template <class V>
void for_each_field(const TimeMention& m, V&& v) {
  v("frame", std::uint64_t{m.frame});
  v("begin", std::uint64_t{m.begin});
  v("end", std::uint64_t{m.end});
  v("text", m.text);
  v("first_day", m.first_day);
  v("last_day", m.last_day);
  v("granularity", m.granularity);
  v("relative", m.relative);
  v("ambiguous", m.ambiguous);
}

template <class V>
void for_each_field(const WhenResult& r, V&& v) {
  v("phrase", r.phrase);
  v("anchor_ms", Timestamp{r.anchor_ms});
  v("window", r.window);
  v("frames", r.frames);
  v("mentions", r.mentions);
}

template <class V>
void for_each_field(const SessionInfo& i, V&& v) {
  v("id", std::uint64_t{i.id});
  v("name", i.name);
  v("started_ms", Timestamp{i.started_ms});
  v("ended_ms", i.ended_ms ? std::optional<Timestamp>(Timestamp{*i.ended_ms}) : std::nullopt);
  v("open", i.open);
  v("actions", std::uint64_t{i.actions});
  v("checkpoints", std::uint64_t{i.checkpoints});
}

template <class V>
void for_each_field(const SessionAction& a, V&& v) {
  v("seq", std::uint64_t{a.seq});
  v("frame", std::uint64_t{a.frame});
  v("time_ms", Timestamp{a.time_ms});
  v("action", a.action);
  v("input_hash", a.input_hash);
  v("query", a.query);
  v("frames", a.frames);
  v("hits", a.hits);
  v("state_frames", std::uint64_t{a.state_frames});
  v("note", a.note);
}

template <class V>
void for_each_field(const SessionView& s, V&& v) {
  v("session", s.session);
  v("actions", s.actions);
}

template <class V>
void for_each_field(const ReplayStep& s, V&& v) {
  v("seq", std::uint64_t{s.seq});
  v("action", s.action);
  v("matched", s.matched);
  v("recorded", s.recorded);
  v("replayed", s.replayed);
  v("added", s.added);
  v("removed", s.removed);
  v("note", s.note);
}

template <class V>
void for_each_field(const ReplayReport& r, V&& v) {
  v("session", std::uint64_t{r.session});
  v("name", r.name);
  v("current", r.current);
  v("steps", std::uint64_t{r.steps});
  v("matched", std::uint64_t{r.matched});
  v("mismatched", std::uint64_t{r.mismatched});
  v("ok", r.ok);
  v("details", r.details);
}

template <class V>
void for_each_field(const CompareStep& s, V&& v) {
  v("seq", std::uint64_t{s.seq});
  v("left_action", s.left_action);
  v("right_action", s.right_action);
  v("same", s.same);
  v("note", s.note);
}

template <class V>
void for_each_field(const CompareReport& r, V&& v) {
  v("left", std::uint64_t{r.left});
  v("right", std::uint64_t{r.right});
  v("same", r.same);
  v("differing", std::uint64_t{r.differing});
  v("steps", r.steps);
}

template <class V>
void for_each_field(const AuditSource& a, V&& v) {
  v("number", std::uint64_t{a.number});
  v("frame", std::uint64_t{a.frame});
  v("title", a.title);
  v("uri", a.uri);
  v("timestamp_ms", Timestamp{a.timestamp_ms});
  v("page", a.page ? std::optional<std::uint32_t>(a.page) : std::nullopt);
  v("byte_begin", std::uint64_t{a.byte_begin});
  v("byte_end", std::uint64_t{a.byte_end});
  v("cited", a.cited);
  v("correction", a.correction);
  v("score", a.score);
  v("excerpt", a.excerpt);
  v("facts", a.facts);
}

template <class V>
void for_each_field(const AuditReport& r, V&& v) {
  v("question", r.question);
  v("answer", r.answer);
  v("found", r.found);
  v("used_model", r.used_model);
  v("model", r.model);
  v("mode", r.mode);
  v("memory", r.memory);
  v("frames", std::uint64_t{r.frames});
  v("generated_ms", Timestamp{r.generated_ms});
  v("note", r.note);
  v("sources", r.sources);
}

// Whether T is a result with a field list (a nested object to a visitor).
template <class T>
concept Result = requires(const T& t) { for_each_field(t, [](std::string_view, const auto&) {}); };

// The name of each result type, as the schema and the SDKs' classes call it.
constexpr std::string_view type_name(const Hit*) { return "Hit"; }
constexpr std::string_view type_name(const FindResult*) { return "FindResult"; }
constexpr std::string_view type_name(const AskSource*) { return "AskSource"; }
constexpr std::string_view type_name(const AskResult*) { return "AskResult"; }
constexpr std::string_view type_name(const Frame*) { return "Frame"; }
constexpr std::string_view type_name(const TimelineEntry*) { return "TimelineEntry"; }
constexpr std::string_view type_name(const Stats*) { return "Stats"; }
constexpr std::string_view type_name(const RecoveryInfo*) { return "RecoveryInfo"; }
constexpr std::string_view type_name(const OwnerInfo*) { return "OwnerInfo"; }
constexpr std::string_view type_name(const RestoreReport*) { return "RestoreReport"; }
constexpr std::string_view type_name(const CheckResult*) { return "CheckResult"; }
constexpr std::string_view type_name(const VerifyReport*) { return "VerifyReport"; }
constexpr std::string_view type_name(const Finding*) { return "Finding"; }
constexpr std::string_view type_name(const DoctorAction*) { return "DoctorAction"; }
constexpr std::string_view type_name(const DoctorReport*) { return "DoctorReport"; }
constexpr std::string_view type_name(const IngestSkip*) { return "IngestSkip"; }
constexpr std::string_view type_name(const IngestedDocument*) { return "IngestedDocument"; }
constexpr std::string_view type_name(const IngestReport*) { return "IngestReport"; }
constexpr std::string_view type_name(const Warning*) { return "Warning"; }
constexpr std::string_view type_name(const FactRecord*) { return "FactRecord"; }
constexpr std::string_view type_name(const EntityInfo*) { return "EntityInfo"; }
constexpr std::string_view type_name(const Correction*) { return "Correction"; }
constexpr std::string_view type_name(const EnrichReport*) { return "EnrichReport"; }
constexpr std::string_view type_name(const SlotSchema*) { return "SlotSchema"; }
constexpr std::string_view type_name(const FollowEdge*) { return "FollowEdge"; }
constexpr std::string_view type_name(const FollowResult*) { return "FollowResult"; }
constexpr std::string_view type_name(const TimeWindow*) { return "TimeWindow"; }
constexpr std::string_view type_name(const TimeMention*) { return "TimeMention"; }
constexpr std::string_view type_name(const WhenResult*) { return "WhenResult"; }
constexpr std::string_view type_name(const SessionInfo*) { return "SessionInfo"; }
constexpr std::string_view type_name(const SessionAction*) { return "SessionAction"; }
constexpr std::string_view type_name(const SessionView*) { return "SessionView"; }
constexpr std::string_view type_name(const ReplayStep*) { return "ReplayStep"; }
constexpr std::string_view type_name(const ReplayReport*) { return "ReplayReport"; }
constexpr std::string_view type_name(const CompareStep*) { return "CompareStep"; }
constexpr std::string_view type_name(const CompareReport*) { return "CompareReport"; }
constexpr std::string_view type_name(const AuditSource*) { return "AuditSource"; }
constexpr std::string_view type_name(const AuditReport*) { return "AuditReport"; }

// The result types and their fields, for the tests that hold the SDKs' declarations to the
// lists above. A field's type is written: bool, int, float, str, time (a Timestamp), span,
// bytes, json, enum:NAME (FrameKind, FrameStatus, SearchMode, CheckStatus, Severity,
// ActionStatus, ErrorCode), the name of a result type, then "?" when it may be null and "[]"
// for a list (int[]?, Hit[]).
struct FieldSchema {
  std::string name;
  std::string type;
};
struct TypeSchema {
  std::string name;
  std::vector<FieldSchema> fields;
};
std::vector<TypeSchema> result_schema();

}  // namespace memvid::fields
