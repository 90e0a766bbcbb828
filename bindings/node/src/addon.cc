// memvid-cpp for Node.js: the native half (N-API through node-addon-api).
//
// Every library call runs in a Napi::AsyncWorker: arguments are converted on the main thread,
// the call runs in Execute() on the libuv thread pool, and results are converted back in
// OnOK(). A worker holds its own std::shared_ptr to the memvid::Memvid, so a handle that the
// garbage collector reclaims while a call is in flight stays alive until the call ends.
//
// Errors: a memvid::Error rejects with an Error carrying `code` (memvid::to_string(ErrorCode))
// and, for Locked, `pid` and `owner` (memvid::who). index.js turns them into the
// MemvidError subclasses. Argument errors thrown here carry code "InvalidArgument" (bad
// values) or are TypeErrors (wrong types).
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memvid/memvid.hpp"
#include "memvid/audit.hpp"
#include "memvid/facts.hpp"
#include "memvid/maintenance.hpp"
#include "memvid/timestamp.hpp"
#include "memvid/sessions.hpp"
#include "memvid/when.hpp"
#include "memvid/version.hpp"
#include "arguments.hpp"
#include "result_objects.hpp"

namespace {

using memvid::FrameId;
using namespace memvid_node;  // argument conversion (arguments.hpp)
using memvid_node::FieldValue;
using memvid_node::ToJs;

struct AddonData {
  Napi::FunctionReference handle_ctor;
};

// ---------------------------------------------------------------------------------------
// Result conversion (main thread, in OnOK)

Napi::Value Num(Napi::Env env, double v) { return Napi::Number::New(env, v); }
Napi::Value Str(Napi::Env env, std::string_view s) { return Napi::String::New(env, s.data(), s.size()); }

template <class T>
Napi::Array Numbers(Napi::Env env, const std::vector<T>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (std::size_t i = 0; i < v.size(); ++i) a.Set(static_cast<std::uint32_t>(i), Num(env, static_cast<double>(v[i])));
  return a;
}

// ---------------------------------------------------------------------------------------
// Workers

struct Failure {
  bool failed = false;
  std::string code;  // empty: not a memvid::Error
  std::string message;
  std::optional<memvid::OwnerInfo> owner;
};

Napi::Value FailureToJs(Napi::Env env, const Failure& f) {
  Napi::Error e = Napi::Error::New(env, f.message);
  if (!f.code.empty()) e.Set("code", Str(env, f.code));
  if (f.code == "Locked") {
    if (f.owner) {
      e.Set("owner", ToJs(env, *f.owner));
      e.Set("pid", f.owner->present && f.owner->pid > 0 ? Num(env, static_cast<double>(f.owner->pid)) : env.Null());
    } else {
      e.Set("owner", env.Null());
      e.Set("pid", env.Null());
    }
  }
  return e.Value();
}

// A call's warnings (its work was committed, a later step failed): each is emitted as a
// process warning of type 'MemvidWarning' (code: the memvid code, detail: the step), and the
// list is set as `lastWarnings` on the handle the call was made on.
void DeliverWarnings(Napi::Env env, const std::vector<memvid::Warning>& warnings, Napi::ObjectReference& owner) {
  Napi::Array list = Napi::Array::New(env, warnings.size());
  for (std::size_t i = 0; i < warnings.size(); ++i) list.Set(static_cast<std::uint32_t>(i), ToJs(env, warnings[i]));
  if (!owner.IsEmpty()) owner.Value().Set("lastWarnings", list);
  if (warnings.empty()) return;
  Napi::Object process = env.Global().Get("process").As<Napi::Object>();
  Napi::Function emit = process.Get("emitWarning").As<Napi::Function>();
  for (const memvid::Warning& w : warnings) {
    Napi::Object options = Napi::Object::New(env);
    options.Set("type", Str(env, "MemvidWarning"));
    options.Set("code", Str(env, memvid::to_string(w.code)));
    options.Set("detail", Str(env, w.step));
    emit.Call(process, {Str(env, w.message), options});
  }
}

// Runs `run` (returning a value) on the thread pool and resolves with convert(env, value).
template <class Run, class Convert>
class CallWorker : public Napi::AsyncWorker {
 public:
  using Result = decltype(std::declval<Run&>()());

  CallWorker(Napi::Env env, std::string lock_path, Run run, Convert convert)
      : Napi::AsyncWorker(env, "memvid"),
        deferred_(Napi::Promise::Deferred::New(env)),
        lock_path_(std::move(lock_path)),
        run_(std::move(run)),
        convert_(std::move(convert)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }
  // The JS handle the call is made on: it gets the call's warnings as `lastWarnings`.
  void SetOwner(Napi::Object owner) { owner_ = Napi::Persistent(owner); }

 protected:
  void Execute() override {
    memvid::take_warnings();  // leftovers of an earlier call on this pool thread are not ours
    Call();
    warnings_ = memvid::take_warnings();
  }

  void Call() {
    try {
      result_.emplace(run_());
    } catch (const memvid::Error& e) {
      failure_.failed = true;
      failure_.code = std::string(memvid::to_string(e.code()));
      failure_.message = e.what();
      if (e.code() == memvid::ErrorCode::Locked && !lock_path_.empty()) {
        try {
          failure_.owner = memvid::who(lock_path_);
        } catch (...) {
        }
      }
    } catch (const std::exception& e) {
      failure_.failed = true;
      failure_.message = e.what();
    } catch (...) {
      failure_.failed = true;
      failure_.message = "unknown native error";
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    DeliverWarnings(env, warnings_, owner_);
    if (failure_.failed) {
      deferred_.Reject(FailureToJs(env, failure_));
      return;
    }
    try {
      deferred_.Resolve(convert_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string lock_path_;
  Run run_;
  Convert convert_;
  std::optional<Result> result_;
  Failure failure_;
  std::vector<memvid::Warning> warnings_;
  Napi::ObjectReference owner_;
};

template <class Run, class Convert>
Napi::Promise Queue(Napi::Env env, std::string lock_path, Run run, Convert convert, Napi::Object owner = {}) {
  auto* w = new CallWorker<Run, Convert>(env, std::move(lock_path), std::move(run), std::move(convert));
  if (!owner.IsEmpty()) w->SetOwner(owner);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

auto Undefined() {
  return [](Napi::Env env, const bool&) -> Napi::Value { return env.Undefined(); };
}

// ---------------------------------------------------------------------------------------
// The handle class

class Handle : public Napi::ObjectWrap<Handle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeMemvid",
                       {
                           InstanceMethod<&Handle::Put>("put"),
                           InstanceMethod<&Handle::PutMany>("putMany"),
                           InstanceMethod<&Handle::Update>("update"),
                           InstanceMethod<&Handle::Delete>("delete"),
                           InstanceMethod<&Handle::Find>("find"),
                           InstanceMethod<&Handle::Ask>("ask"),
                           InstanceMethod<&Handle::Timeline>("timeline"),
                           InstanceMethod<&Handle::When>("when"),
                           InstanceMethod<&Handle::AuditCall>("audit"),
                           InstanceMethod<&Handle::SessionStart>("sessionStart"),
                           InstanceMethod<&Handle::SessionEnd>("sessionEnd"),
                           InstanceMethod<&Handle::SessionCheckpoint>("sessionCheckpoint"),
                           InstanceMethod<&Handle::SessionActive>("sessionActive"),
                           InstanceMethod<&Handle::SessionList>("sessionList"),
                           InstanceMethod<&Handle::SessionView>("sessionView"),
                           InstanceMethod<&Handle::SessionDelete>("sessionDelete"),
                           InstanceMethod<&Handle::SessionReplay>("sessionReplay"),
                           InstanceMethod<&Handle::SessionCompare>("sessionCompare"),
                           InstanceMethod<&Handle::FactsList>("factsList"),
                           InstanceMethod<&Handle::FactsEntities>("factsEntities"),
                           InstanceMethod<&Handle::FactsFollow>("factsFollow"),
                           InstanceMethod<&Handle::FactsCorrect>("factsCorrect"),
                           InstanceMethod<&Handle::FactsEnrich>("factsEnrich"),
                           InstanceMethod<&Handle::FactsSchema>("factsSchema"),
                           InstanceMethod<&Handle::FactsRegisterSchema>("factsRegisterSchema"),
                           InstanceMethod<&Handle::View>("view"),
                           InstanceMethod<&Handle::Stats>("stats"),
                           InstanceMethod<&Handle::FrameCount>("frameCount"),
                           InstanceMethod<&Handle::InTransaction>("inTransaction"),
                           InstanceMethod<&Handle::Verify>("verify"),
                           InstanceMethod<&Handle::Begin>("begin"),
                           InstanceMethod<&Handle::Commit>("commit"),
                           InstanceMethod<&Handle::Rollback>("rollback"),
                           InstanceMethod<&Handle::Seal>("seal"),
                           InstanceMethod<&Handle::Close>("close"),
                           InstanceMethod<&Handle::Refresh>("refresh"),
                           InstanceMethod<&Handle::Ingest>("ingest"),
                           InstanceMethod<&Handle::Compact>("compact"),
                           InstanceMethod<&Handle::Export>("export"),
                           InstanceMethod<&Handle::Path>("path"),
                           InstanceMethod<&Handle::ReadOnly>("readOnly"),
                           InstanceMethod<&Handle::RecoveryInfo>("recoveryInfo"),
                       });
  }

  explicit Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {}

  void Attach(std::shared_ptr<memvid::Memvid> mem) {
    path_ = mem->path();
    read_only_ = mem->read_only();
    mem_ = std::move(mem);
  }

 private:
  std::shared_ptr<memvid::Memvid> Mem(Napi::Env env) const {
    if (!mem_) ThrowType(env, "not a memvid handle: use use() or create()");
    return mem_;
  }

  Napi::Value Put(const Napi::CallbackInfo& info) {
    auto mem = Mem(info.Env());
    memvid::Document doc = ToDocument(info.Env(), info[0]);
    return Queue(
        info.Env(), path_, [mem, doc = std::move(doc)]() { return mem->put(doc); },
        [](Napi::Env env, const FrameId& id) -> Napi::Value { return Num(env, static_cast<double>(id)); }, info.This().As<Napi::Object>());
  }

  Napi::Value PutMany(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    if (!info[0].IsArray()) ThrowType(env, "putMany takes an array of documents");
    Napi::Array a = info[0].As<Napi::Array>();
    std::vector<memvid::Document> docs;
    docs.reserve(a.Length());
    for (std::uint32_t i = 0; i < a.Length(); ++i) docs.push_back(ToDocument(env, a.Get(i)));
    return Queue(
        env, path_, [mem, docs = std::move(docs)]() { return mem->put_many(docs); },
        [](Napi::Env e, const std::vector<FrameId>& ids) -> Napi::Value { return Numbers(e, ids); }, info.This().As<Napi::Object>());
  }

  Napi::Value Update(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    FrameId id = ToFrameId(env, info[0]);
    memvid::Document doc = ToDocument(env, info[1]);
    return Queue(
        env, path_, [mem, id, doc = std::move(doc)]() { return mem->update(id, doc); },
        [](Napi::Env e, const FrameId& nid) -> Napi::Value { return Num(e, static_cast<double>(nid)); }, info.This().As<Napi::Object>());
  }

  Napi::Value Delete(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    FrameId id = ToFrameId(env, info[0]);
    return Queue(
        env, path_, [mem, id]() { mem->delete_frame(id); return true; }, Undefined(), info.This().As<Napi::Object>());
  }

  Napi::Value Find(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string query = GetString(env, info[0], "query");
    Napi::Object o = OptObject(env, info[1], "find options");
    memvid::FindOptions f;
    if (auto n = OptUInt(o, "k")) f.k = *n;
    if (auto n = OptUInt(o, "offset")) f.offset = *n;
    if (auto s = OptString(o, "cursor")) f.cursor = *s;
    f.mode = ToMode(env, OptString(o, "mode"), memvid::SearchMode::Auto);
    if (auto n = OptUInt(o, "snippetChars")) f.snippet_chars = *n;
    if (auto b = OptBool(o, "collapseChunks")) f.collapse_chunks = *b;
    if (auto b = OptBool(o, "correctionBoost")) f.correction_boost = *b;
    if (auto s = OptString(o, "scope")) f.scope = *s;
    if (auto n = OptUInt(o, "asOfFrame")) f.as_of_frame = *n;
    f.as_of_ms = OptTimestamp(o, "asOf");
    if (auto s = OptString(o, "timeZone")) f.time_zone = *s;
    f.time_anchor_ms = OptTimestamp(o, "timeAnchor");
    if (auto d = OptDouble(o, "titleWeight")) f.title_weight = *d;
    f.query_vector = OptVector(o, "vector");
    if (auto s = OptString(o, "vectorModel")) f.query_vector_model = *s;
    if (auto s = OptString(o, "fusion")) {
      auto fu = memvid::fusion_from_string(*s);
      if (!fu) ThrowInvalid(env, "fusion must be 'linear' or 'rrf', not '" + *s + "'");
      f.fusion = *fu;
    }
    if (auto d = OptDouble(o, "semanticWeight")) f.semantic_weight = *d;
    if (auto n = OptUInt(o, "candidates")) f.candidates = *n;
    if (auto n = OptUInt(o, "efSearch")) f.ef_search = *n;
    if (auto n = OptUInt(o, "nprobe")) f.nprobe = *n;
    if (auto b = OptBool(o, "strict")) f.strict = *b;
    if (auto s = OptString(o, "where")) f.where = *s;
    if (auto b = OptBool(o, "collapseDuplicates")) f.collapse_duplicates = *b;
    f.semantic_floor = SemanticFloor(env, o, f.semantic_floor);
    f.offset_unit = memvid::TextUnit::Utf16;  // text.slice(chunkBegin, chunkEnd) is the passage
    return Queue(
        env, path_, [mem, query = std::move(query), f = std::move(f)]() {
          memvid::FindResult r = mem->find(query, f);
          memvid::fields::convert_highlights(r, memvid::fields::TextUnit::Utf16);  // JS strings index UTF-16 units
          return r;
        },
        [](Napi::Env e, const memvid::FindResult& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  Napi::Value Ask(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string question = GetString(env, info[0], "question");
    Napi::Object o = OptObject(env, info[1], "ask options");
    memvid::AskOptions a;
    if (auto n = OptUInt(o, "k")) a.k = *n;
    a.mode = ToMode(env, OptString(o, "mode"), memvid::SearchMode::Auto);
    if (auto n = OptUInt(o, "contextTokens")) a.context_tokens = *n;
    if (auto s = OptString(o, "scope")) a.scope = *s;
    a.as_of_ms = OptTimestamp(o, "asOf");
    if (auto s = OptString(o, "timeZone")) a.time_zone = *s;
    a.time_anchor_ms = OptTimestamp(o, "timeAnchor");
    if (auto s = OptString(o, "model")) a.model = *s;
    if (auto s = OptString(o, "baseUrl")) a.base_url = *s;
    if (auto s = OptString(o, "apiKeyEnv")) a.api_key_env = *s;
    if (auto n = OptUInt(o, "timeoutMs", kMaxI32)) a.timeout_ms = static_cast<int>(*n);
    if (auto b = OptBool(o, "contextOnly")) a.context_only = *b;
    if (auto n = OptUInt(o, "maxSentences")) a.max_sentences = *n;
    a.semantic_floor = SemanticFloor(env, o, a.semantic_floor);
    if (auto s = OptString(o, "where")) a.where = *s;
    a.offset_unit = memvid::TextUnit::Utf16;
    return Queue(
        env, path_, [mem, question = std::move(question), a = std::move(a)]() { return mem->ask(question, a); },
        [](Napi::Env e, const memvid::AskResult& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  Napi::Value Timeline(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    Napi::Object o = OptObject(env, info[0], "timeline options");
    memvid::TimelineQuery q;
    q.since_ms = OptTimestamp(o, "since");
    q.until_ms = OptTimestamp(o, "until");
    if (auto n = OptUInt(o, "limit")) q.limit = *n;
    if (auto b = OptBool(o, "reverse")) q.reverse = *b;
    if (auto b = OptBool(o, "includeInactive")) q.include_inactive = *b;
    if (auto s = OptString(o, "where")) q.where = *s;
    return Queue(
        env, path_, [mem, q]() { return mem->timeline(q); },
        [](Napi::Env e, const std::vector<memvid::TimelineEntry>& v) -> Napi::Value { return FieldValue(e, v); }, info.This().As<Napi::Object>());
  }

  // when (memvid/when.hpp), through the handle's Time view.
  Napi::Value When(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    memvid::WhenQuery q;
    q.phrase = GetString(env, info[0], "phrase");
    Napi::Object o = OptObject(env, info[1], "when options");
    if (auto s = OptString(o, "tz")) q.zone = *s;
    q.anchor_ms = OptTimestamp(o, "anchor");
    if (auto n = OptUInt(o, "windowMinutes", 10'000'000)) q.window_minutes = static_cast<std::int64_t>(*n);
    q.since_ms = OptTimestamp(o, "since");
    q.until_ms = OptTimestamp(o, "until");
    if (auto n = OptUInt(o, "limit")) q.limit = *n;
    if (auto b = OptBool(o, "reverse")) q.reverse = *b;
    if (auto b = OptBool(o, "includeInactive")) q.include_inactive = *b;
    if (auto s = OptString(o, "where")) q.where = *s;
    if (auto b = OptBool(o, "mentions")) q.mentions = *b;
    if (auto b = OptBool(o, "within")) q.within = *b;
    return Queue(
        env, path_, [mem, q]() { return memvid::Time(*mem).when(q); },
        [](Napi::Env e, const memvid::WhenResult& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  // audit (memvid/audit.hpp): { report, text, markdown }.
  Napi::Value AuditCall(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string question = GetString(env, info[0], "question");
    Napi::Object o = OptObject(env, info[1], "audit options");
    memvid::AuditOptions a;
    if (auto n = OptUInt(o, "k")) a.k = *n;
    a.mode = ToMode(env, OptString(o, "mode"), memvid::SearchMode::Auto);
    if (auto s = OptString(o, "scope")) a.scope = *s;
    a.start_ms = OptTimestamp(o, "start");
    a.end_ms = OptTimestamp(o, "end");
    if (auto s = OptString(o, "model")) a.model = *s;
    if (auto s = OptString(o, "baseUrl")) a.base_url = *s;
    if (auto s = OptString(o, "apiKeyEnv")) a.api_key_env = *s;
    return Queue(
        env, path_, [mem, question, a]() { return memvid::Audit(*mem).run(question, a); },
        [](Napi::Env e, const memvid::AuditReport& r) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("report", ToJs(e, r));
          out.Set("text", Napi::String::New(e, memvid::audit_text(r)));
          out.Set("markdown", Napi::String::New(e, memvid::audit_markdown(r)));
          return out;
        },
        info.This().As<Napi::Object>());
  }

  // Sessions (memvid/sessions.hpp), through the handle's Sessions view.
  Napi::Value SessionStart(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string name = info[0].IsUndefined() || info[0].IsNull() ? "" : GetString(env, info[0], "name");
    return Queue(
        env, path_, [mem, name]() { return memvid::Sessions(*mem).start(name); },
        [](Napi::Env e, const memvid::SessionInfo& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }
  Napi::Value SessionEnd(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    return Queue(
        env, path_, [mem]() { return memvid::Sessions(*mem).end(); },
        [](Napi::Env e, const memvid::SessionInfo& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }
  Napi::Value SessionCheckpoint(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string note = info[0].IsUndefined() || info[0].IsNull() ? "" : GetString(env, info[0], "note");
    return Queue(
        env, path_, [mem, note]() { return memvid::Sessions(*mem).checkpoint(note); },
        [](Napi::Env e, const memvid::SessionInfo& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }
  Napi::Value SessionActive(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    return Queue(
        env, path_, [mem]() { return memvid::Sessions(*mem).active(); },
        [](Napi::Env e, const std::optional<memvid::SessionInfo>& r) -> Napi::Value {
          return r ? Napi::Value(ToJs(e, *r)) : e.Null();
        },
        info.This().As<Napi::Object>());
  }
  Napi::Value SessionList(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    return Queue(
        env, path_, [mem]() { return memvid::Sessions(*mem).list(); },
        [](Napi::Env e, const std::vector<memvid::SessionInfo>& v) -> Napi::Value { return FieldValue(e, v); },
        info.This().As<Napi::Object>());
  }
  Napi::Value SessionView(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string id = GetString(env, info[0], "session");
    return Queue(
        env, path_, [mem, id]() { return memvid::Sessions(*mem).view(id); },
        [](Napi::Env e, const memvid::SessionView& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }
  Napi::Value SessionDelete(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string id = GetString(env, info[0], "session");
    return Queue(
        env, path_, [mem, id]() { memvid::Sessions(*mem).remove(id); return true; }, Undefined(),
        info.This().As<Napi::Object>());
  }
  Napi::Value SessionReplay(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string id = GetString(env, info[0], "session");
    const bool current = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    return Queue(
        env, path_, [mem, id, current]() { return memvid::Sessions(*mem).replay(id, current); },
        [](Napi::Env e, const memvid::ReplayReport& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }
  Napi::Value SessionCompare(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string a = GetString(env, info[0], "a"), b = GetString(env, info[1], "b");
    return Queue(
        env, path_, [mem, a, b]() { return memvid::Sessions(*mem).compare(a, b); },
        [](Napi::Env e, const memvid::CompareReport& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  // Facts (memvid/facts.hpp), through the handle's Facts view.
  Napi::Value FactsList(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    Napi::Object o = OptObject(env, info[0], "facts options");
    memvid::FactQuery q;
    if (auto s = OptString(o, "entity")) q.entity = *s;
    if (auto s = OptString(o, "slot")) q.slot = *s;
    if (auto s = OptString(o, "value")) q.value = *s;
    if (auto b = OptBool(o, "history")) q.history = *b;
    q.at_ms = OptTimestamp(o, "at");
    if (auto n = OptUInt(o, "limit")) q.limit = *n;
    return Queue(
        env, path_, [mem, q]() { return memvid::Facts(*mem).list(q); },
        [](Napi::Env e, const std::vector<memvid::FactRecord>& v) -> Napi::Value { return FieldValue(e, v); },
        info.This().As<Napi::Object>());
  }

  Napi::Value FactsEntities(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    return Queue(
        env, path_, [mem]() { return memvid::Facts(*mem).entities(); },
        [](Napi::Env e, const std::vector<memvid::EntityInfo>& v) -> Napi::Value { return FieldValue(e, v); },
        info.This().As<Napi::Object>());
  }

  Napi::Value FactsCorrect(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string statement = GetString(env, info[0], "statement");
    Napi::Object o = OptObject(env, info[1], "correct options");
    memvid::CorrectOptions c;
    if (o.Has("topics") && IsSet(o.Get("topics"))) {
      Napi::Value t = o.Get("topics");
      if (!t.IsArray()) ThrowType(env, "topics must be an array of strings");
      Napi::Array a = t.As<Napi::Array>();
      for (std::uint32_t i = 0; i < a.Length(); ++i) c.topics.push_back(GetString(env, a.Get(i), "topics[i]"));
    }
    if (auto s = OptString(o, "source")) c.source = *s;
    if (o.Has("boost") && IsSet(o.Get("boost"))) {
      if (!o.Get("boost").IsNumber()) ThrowType(env, "boost must be a number");
      c.boost = o.Get("boost").As<Napi::Number>().DoubleValue();
    }
    c.timestamp_ms = OptTimestamp(o, "timestamp");
    return Queue(
        env, path_, [mem, statement = std::move(statement), c]() { return memvid::Facts(*mem).correct(statement, c); },
        [](Napi::Env e, const memvid::Correction& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  Napi::Value FactsEnrich(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    Napi::Object o = OptObject(env, info[0], "enrich options");
    memvid::EnrichOptions e;
    if (auto s = OptString(o, "engine")) e.engine = *s;
    if (auto s = OptString(o, "baseUrl")) e.base_url = *s;
    if (auto s = OptString(o, "apiKeyEnv")) e.api_key_env = *s;
    if (auto b = OptBool(o, "force")) e.force = *b;
    if (auto n = OptUInt(o, "batchFrames", 1e9)) e.batch_frames = static_cast<std::size_t>(*n);
    if (auto n = OptUInt(o, "workers", 64)) e.workers = static_cast<std::size_t>(*n);
    return Queue(
        env, path_, [mem, e]() { return memvid::Facts(*mem).enrich(e); },
        [](Napi::Env en, const memvid::EnrichReport& r) -> Napi::Value { return FieldValue(en, r); },
        info.This().As<Napi::Object>());
  }

  Napi::Value FactsSchema(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    const bool infer = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    return Queue(
        env, path_,
        [mem, infer]() { return infer ? memvid::Facts(*mem).infer_schema() : memvid::Facts(*mem).schema(); },
        [](Napi::Env e, const std::vector<memvid::SlotSchema>& v) -> Napi::Value { return FieldValue(e, v); },
        info.This().As<Napi::Object>());
  }

  Napi::Value FactsRegisterSchema(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    if (!info[0].IsArray()) ThrowType(env, "registerSchema: specs must be an array");
    Napi::Array a = info[0].As<Napi::Array>();
    std::vector<memvid::SlotSchema> specs;
    for (std::uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Object o = OptObject(env, a.Get(i), "a slot spec");
      memvid::SlotSchema s;
      if (auto v = OptString(o, "slot")) s.slot = *v;
      if (auto v = OptString(o, "cardinality")) s.cardinality = *v;
      if (auto v = OptString(o, "valueType")) s.value_type = *v;
      if (auto v = OptString(o, "kind")) s.kind = *v;
      if (auto v = OptString(o, "inverse")) s.inverse = *v;
      if (auto v = OptString(o, "source")) s.source = *v;
      specs.push_back(std::move(s));
    }
    const bool overwrite = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    return Queue(
        env, path_, [mem, specs, overwrite]() { return memvid::Facts(*mem).register_schema(specs, overwrite); },
        [](Napi::Env e, const std::vector<memvid::SlotSchema>& v) -> Napi::Value { return FieldValue(e, v); },
        info.This().As<Napi::Object>());
  }

  Napi::Value FactsFollow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    Napi::Object o = OptObject(env, info[0], "follow options");
    memvid::FollowQuery q;
    if (auto s = OptString(o, "start")) q.start = *s;
    if (auto s = OptString(o, "link")) q.link = *s;
    if (auto n = OptUInt(o, "hops")) q.hops = *n;
    if (auto s = OptString(o, "direction")) {
      if (*s == "out") q.direction = memvid::FollowQuery::Direction::Out;
      else if (*s == "in") q.direction = memvid::FollowQuery::Direction::In;
      else if (*s == "both") q.direction = memvid::FollowQuery::Direction::Both;
      else ThrowInvalid(env, "direction must be 'out', 'in' or 'both', not '" + *s + "'");
    }
    return Queue(
        env, path_, [mem, q]() { return memvid::Facts(*mem).follow(q); },
        [](Napi::Env e, const memvid::FollowResult& r) -> Napi::Value { return ToJs(e, r); },
        info.This().As<Napi::Object>());
  }

  Napi::Value View(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    FrameId id = ToFrameId(env, info[0]);
    Napi::Object o = OptObject(env, info[1], "view options");
    bool payload = OptBool(o, "payload").value_or(true);
    return Queue(
        env, path_, [mem, id, payload]() { return payload ? mem->frame(id) : mem->frame_info(id); },
        [](Napi::Env e, const memvid::Frame& f) -> Napi::Value { return ToJs(e, f); }, info.This().As<Napi::Object>());
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    auto mem = Mem(info.Env());
    return Queue(
        info.Env(), path_, [mem]() { return mem->stats(); },
        [](Napi::Env e, const memvid::Stats& s) -> Napi::Value { return ToJs(e, s); }, info.This().As<Napi::Object>());
  }

  Napi::Value FrameCount(const Napi::CallbackInfo& info) {
    auto mem = Mem(info.Env());
    return Queue(
        info.Env(), path_, [mem]() { return mem->frame_count(); },
        [](Napi::Env e, const std::uint64_t& n) -> Napi::Value { return Num(e, static_cast<double>(n)); }, info.This().As<Napi::Object>());
  }

  Napi::Value InTransaction(const Napi::CallbackInfo& info) {
    auto mem = Mem(info.Env());
    return Queue(
        info.Env(), path_, [mem]() { return mem->in_transaction(); },
        [](Napi::Env e, const bool& b) -> Napi::Value { return Napi::Boolean::New(e, b); }, info.This().As<Napi::Object>());
  }

  Napi::Value Verify(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Mem(env);
    bool deep = info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    std::string path = path_;
    return Queue(
        env, path_, [path, deep]() { return memvid::verify(path, deep); },
        [](Napi::Env e, const memvid::VerifyReport& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  template <void (memvid::Memvid::*Method)()>
  Napi::Value Simple(const Napi::CallbackInfo& info) {
    auto mem = Mem(info.Env());
    return Queue(
        info.Env(), path_, [mem]() { ((*mem).*Method)(); return true; }, Undefined(), info.This().As<Napi::Object>());
  }

  Napi::Value Begin(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::begin>(info); }
  Napi::Value Commit(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::commit>(info); }
  Napi::Value Rollback(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::rollback>(info); }
  Napi::Value Seal(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::seal>(info); }
  Napi::Value Close(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::close>(info); }
  Napi::Value Refresh(const Napi::CallbackInfo& info) { return Simple<&memvid::Memvid::refresh>(info); }

  Napi::Value Ingest(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string path = GetString(env, info[0], "path");
    Napi::Object o = OptObject(env, info[1], "ingest options");
    memvid::IngestOptions opt;
    opt.include = OptStrings(o, "include");
    opt.exclude = OptStrings(o, "exclude");
    if (auto b = OptBool(o, "includeHidden")) opt.include_hidden = *b;
    if (auto b = OptBool(o, "dedupe")) opt.dedupe = *b;
    if (auto b = OptBool(o, "dryRun")) opt.dry_run = *b;
    if (auto n = OptUInt(o, "chunkSize", kMaxU32)) opt.chunk_bytes = static_cast<std::uint32_t>(*n);
    if (auto n = OptUInt(o, "chunkOverlap", kMaxU32)) opt.chunk_overlap = static_cast<std::uint32_t>(*n);
    if (auto s = OptString(o, "textField")) opt.fields.text = *s;
    if (auto s = OptString(o, "titleField")) opt.fields.title = *s;
    if (auto n = OptUInt(o, "maxFileBytes")) opt.max_file_bytes = *n;
    opt.defaults.title = OptString(o, "title");
    opt.defaults.uri = OptString(o, "uri");
    opt.defaults.tags = OptStrings(o, "tags");
    opt.defaults.labels = OptStrings(o, "labels");
    if (auto s = OptString(o, "metadataJson")) opt.defaults.metadata_json = *s;
    opt.defaults.timestamp_ms = OptTimestamp(o, "timestamp");
    if (auto k = OptString(o, "kind")) {
      auto kind = memvid::frame_kind_from_string(*k);
      if (!kind) ThrowInvalid(env, "kind must be 'text', 'document', 'chunk' or 'binary', not '" + *k + "'");
      opt.defaults.kind = *kind;
    }
    return Queue(
        env, path_, [mem, path = std::move(path), opt = std::move(opt)]() { return mem->ingest(path, opt); },
        [](Napi::Env e, const memvid::IngestReport& r) -> Napi::Value { return ToJs(e, r); }, info.This().As<Napi::Object>());
  }

  // compact(dest?): compact_to(dest) when given, else compact_in_place().
  Napi::Value Compact(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::optional<std::string> dest;
    if (IsSet(info[0])) dest = GetString(env, info[0], "dest");
    return Queue(
        env, path_,
        [mem, dest]() {
          if (dest) memvid::Maintenance(*mem).compact_to(*dest);
          else memvid::Maintenance(*mem).compact_in_place();
          return true;
        },
        Undefined(), info.This().As<Napi::Object>());
  }

  Napi::Value Export(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto mem = Mem(env);
    std::string dest = GetString(env, info[0], "dest");
    return Queue(
        env, path_, [mem, dest]() { memvid::Maintenance(*mem).export_snapshot(dest); return true; }, Undefined(), info.This().As<Napi::Object>());
  }

  Napi::Value Path(const Napi::CallbackInfo& info) { return Str(info.Env(), path_); }
  Napi::Value ReadOnly(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), read_only_); }
  Napi::Value RecoveryInfo(const Napi::CallbackInfo& info) { return ToJs(info.Env(), Mem(info.Env())->recovery_info()); }

  std::shared_ptr<memvid::Memvid> mem_;
  std::string path_;
  bool read_only_ = false;
};

// ---------------------------------------------------------------------------------------
// Module functions

// open(path, mode, options) -> Promise<NativeMemvid>; mode: auto | create | open | read_only.
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = GetString(env, info[0], "path");
  std::string mode = IsSet(info[1]) ? GetString(env, info[1], "mode") : "auto";
  if (mode != "auto" && mode != "create" && mode != "open" && mode != "read_only")
    ThrowInvalid(env, "mode must be 'auto', 'create', 'open' or 'read_only', not '" + mode + "'");
  Napi::Object o = OptObject(env, info[2], "options");
  memvid::CreateOptions c = ToCreateOptions(env, o);
  return Queue(
      env, path,
      [path, mode, c]() {
        if (mode == "auto" || mode == "create") {
          // auto is open or create, in the library: safe against a concurrent create.
          memvid::CreateOptions options = c;
          if (mode == "auto") options.if_exists = memvid::IfExists::Open;
          return std::make_shared<memvid::Memvid>(memvid::Memvid::create(path, options));
        }
        if (mode == "read_only") return std::make_shared<memvid::Memvid>(memvid::Memvid::open_read_only(path, c.open));
        return std::make_shared<memvid::Memvid>(memvid::Memvid::open(path, c.open));
      },
      [](Napi::Env e, const std::shared_ptr<memvid::Memvid>& mem) -> Napi::Value {
        AddonData* data = e.GetInstanceData<AddonData>();
        Napi::Object obj = data->handle_ctor.New({});
        Handle::Unwrap(obj)->Attach(mem);
        return obj;
      });
}

Napi::Value VerifyPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = GetString(env, info[0], "path");
  bool deep = info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  return Queue(
      env, path, [path, deep]() { return memvid::verify(path, deep); },
      [](Napi::Env e, const memvid::VerifyReport& r) -> Napi::Value { return ToJs(e, r); });
}

Napi::Value Doctor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = GetString(env, info[0], "path");
  Napi::Object o = OptObject(env, info[1], "doctor options");
  memvid::DoctorOptions d;
  if (auto b = OptBool(o, "planOnly")) d.plan_only = *b;
  if (auto b = OptBool(o, "rebuildTimeIndex")) d.rebuild_time_index = *b;
  if (auto b = OptBool(o, "rebuildLexIndex")) d.rebuild_lex_index = *b;
  if (auto b = OptBool(o, "rebuildVecIndex")) d.rebuild_vec_index = *b;
  if (auto b = OptBool(o, "vacuum")) d.vacuum = *b;
  if (auto n = OptUInt(o, "lockTimeoutMs", kMaxI32)) d.lock_timeout_ms = static_cast<int>(*n);
  if (auto out = OptString(o, "output")) d.output = *out;
  if (auto b = OptBool(o, "keepBackup")) d.keep_backup = *b;
  return Queue(
      env, path,
      [path, d]() {
        memvid::DoctorReport r = memvid::doctor(path, d);
        // A repair that could not be carried out rejects with its error; nothing was changed.
        if (!r.error.empty())
          throw memvid::Error(r.error_code, "doctor could not repair " + path + ": " + r.error + " (the memory was not changed)");
        return r;
      },
      [](Napi::Env e, const memvid::DoctorReport& r) -> Napi::Value { return ToJs(e, r); });
}

// restore(snapshot, dest, { force, keepBackup }) -> Promise<RestoreReport>
Napi::Value Restore(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string snapshot = GetString(env, info[0], "snapshot");
  std::string dest = GetString(env, info[1], "dest");
  Napi::Object o = OptObject(env, info[2], "restore options");
  memvid::RestoreOptions r;
  if (auto b = OptBool(o, "force")) r.force = *b;
  if (auto b = OptBool(o, "keepBackup")) r.keep_backup = *b;
  return Queue(
      env, dest, [snapshot, dest, r]() { return memvid::restore_snapshot(snapshot, dest, r); },
      [](Napi::Env e, const memvid::RestoreReport& rep) -> Napi::Value { return ToJs(e, rep); });
}

Napi::Value Who(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = GetString(env, info[0], "path");
  return Queue(
      env, path, [path]() { return memvid::who(path); },
      [](Napi::Env e, const memvid::OwnerInfo& w) -> Napi::Value { return ToJs(e, w); });
}

Napi::Value Nudge(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = GetString(env, info[0], "path");
  return Queue(
      env, path, [path]() { memvid::nudge(path); return true; }, Undefined());
}

// Synchronous helpers (pure computation).
Napi::Value ParseTimestamp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string s = GetString(env, info[0], "timestamp");
  auto ms = memvid::parse_timestamp_ms(s);
  return ms ? Num(env, static_cast<double>(*ms)) : env.Null();
}

// findTimeMentions(text, writtenMs): synchronous, pure computation on the text.
Napi::Value FindTimeMentions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string text = GetString(env, info[0], "text");
  if (!info[1].IsNumber()) ThrowType(env, "written must be a number of ms");
  const std::int64_t written = info[1].As<Napi::Number>().Int64Value();
  const std::vector<memvid::TimeMention> found = memvid::find_time_mentions(text, written);
  Napi::Array out = Napi::Array::New(env, found.size());
  for (std::size_t i = 0; i < found.size(); ++i) out.Set(static_cast<std::uint32_t>(i), ToJs(env, found[i]));
  return out;
}

// resolveTime(phrase, zone, anchorMs): synchronous, it reads one small zone file at most.
Napi::Value ResolveTime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string phrase = GetString(env, info[0], "phrase");
  const std::string zone = GetString(env, info[1], "tz");
  if (!info[2].IsNumber()) ThrowType(env, "anchor must be a number of ms");
  const std::int64_t anchor = info[2].As<Napi::Number>().Int64Value();
  try {
    return ToJs(env, memvid::resolve_time_phrase(phrase, {anchor, zone}));
  } catch (const memvid::Error& e) {
    Failure f;
    f.failed = true;
    f.code = std::string(memvid::to_string(e.code()));
    f.message = e.what();
    throw Napi::Error(env, FailureToJs(env, f));
  }
}

Napi::Value FormatTimestamp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) ThrowType(env, "ms must be a number");
  return Str(env, memvid::format_timestamp_iso(info[0].As<Napi::Number>().Int64Value()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function ctor = Handle::Define(env);
  data->handle_ctor = Napi::Persistent(ctor);
  env.SetInstanceData<AddonData>(data);
  exports.Set("NativeMemvid", ctor);
  exports.Set("open", Napi::Function::New<Open>(env, "open"));
  exports.Set("verify", Napi::Function::New<VerifyPath>(env, "verify"));
  exports.Set("doctor", Napi::Function::New<Doctor>(env, "doctor"));
  exports.Set("who", Napi::Function::New<Who>(env, "who"));
  exports.Set("nudge", Napi::Function::New<Nudge>(env, "nudge"));
  exports.Set("restore", Napi::Function::New<Restore>(env, "restore"));
  exports.Set("parseTimestamp", Napi::Function::New<ParseTimestamp>(env, "parseTimestamp"));
  exports.Set("formatTimestamp", Napi::Function::New<FormatTimestamp>(env, "formatTimestamp"));
  exports.Set("resolveTime", Napi::Function::New<ResolveTime>(env, "resolveTime"));
  exports.Set("findTimeMentions", Napi::Function::New<FindTimeMentions>(env, "findTimeMentions"));
  exports.Set("resultSchema", memvid_node::ResultSchema(env));
  exports.Set("version", Str(env, memvid::kVersion));
  exports.Set("formatVersion", Num(env, memvid::kFormatVersion));
  return exports;
}

}  // namespace

NODE_API_MODULE(memvid, Init)
