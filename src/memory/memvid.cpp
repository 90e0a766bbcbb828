// The public handle: validates what callers pass, turns documents into frame records, and
// drives the store's transactions. One mutex per handle makes a handle safe to share
// between threads (calls are serialized).
#include "memvid/memvid.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "format/checksum.hpp"
#include "format/header.hpp"
#include "format/toc.hpp"
#include "format/layout.hpp"
#include "index/passages.hpp"
#include "io/identify.hpp"
#include "io/owner.hpp"
#include "io/warnings.hpp"
#include "io/read_exact.hpp"
#include "memory/find_parts.hpp"
#include "memory/memvid_impl.hpp"
#include "memory/passage_vectors.hpp"
#include "memory/session_log.hpp"
#include "search/meta_filter.hpp"
#include "store/store.hpp"

namespace memvid {

namespace {

std::shared_ptr<Env> env_or_default(const std::shared_ptr<Env>& env) { return env ? env : default_env(); }

store::StoreConfig make_config(const OpenOptions& o, bool writable) {
  store::StoreConfig c;
  c.writable = writable;
  c.recovery = o.recovery == RecoveryMode::Default ? (writable ? RecoveryMode::AutoTruncate : RecoveryMode::Strict)
                                                   : o.recovery;
  c.sync = o.sync;
  c.lock_timeout_ms = std::max(0, o.lock_timeout_ms);
  c.command = o.command.empty() ? io::current_command_line() : o.command;
  c.env = env_or_default(o.env);
  return c;
}

std::optional<std::string> sidecar_of(const std::string& path, Env& env) {
  for (const char* suffix : {"-wal", "-shm", "-lock", "-journal"}) {
    if (env.exists(path + suffix)) return path + suffix;
  }
  return std::nullopt;
}

bool all_zero(File& file, std::uint64_t begin, std::uint64_t end) {
  constexpr std::uint64_t kChunk = 1u << 20;
  for (std::uint64_t at = begin; at < end; at += kChunk) {
    auto bytes = io::read_bytes(file, at, std::min(kChunk, end - at), "file");
    if (!std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; })) return false;
  }
  return true;
}

bool valid_wal_size(std::uint64_t w) {
  return w >= format::kMinWalSize && w <= format::kMaxWalSize && w % 4096 == 0;
}

// What a create killed before its first header write leaves, and nothing else: an empty
// file; zeros the size of a header page and a WAL (the create had sized the file); or that
// followed by the empty memory's first commit (a generation-0 footer whose TOC lists no
// frame). Such a file holds no data, so create may replace it. Anything else (a disk image
// that starts with a zeroed page, say) is somebody's file: AlreadyExists.
bool is_unfinished_create(File& file) {
  const std::uint64_t size = file.size();
  if (size == 0) return true;
  if (size > format::kWalOffset + format::kMaxWalSize + (1u << 20)) return false;
  std::uint64_t zeros_end = size;
  if (!valid_wal_size(size - std::min(size, format::kWalOffset))) {
    if (size < format::kWalOffset + format::Footer::kEncodedSize) return false;
    auto fb = io::read_bytes(file, size - format::Footer::kEncodedSize, format::Footer::kEncodedSize, "footer");
    auto footer = format::Footer::decode(fb);
    if (!footer || footer->generation != 0 || footer->toc_offset < format::kWalOffset ||
        !valid_wal_size(footer->toc_offset - format::kWalOffset) ||
        footer->toc_offset + footer->toc_length != size - format::Footer::kEncodedSize)
      return false;
    try {
      auto toc = io::read_bytes(file, footer->toc_offset, footer->toc_length, "TOC");
      if (format::checksum16(toc) != footer->toc_hash) return false;
      format::Manifest m = format::Manifest::decode(toc, footer->toc_offset, size);
      if (m.generation != 0 || m.next_frame_id != 0 || !m.segments.empty()) return false;
    } catch (const Error&) {
      return false;
    }
    zeros_end = footer->toc_offset;
  }
  return all_zero(file, 0, zeros_end);
}

// Removes a file an unfinished create left at path, under that file's writer lock: a create
// in progress takes the lock right after its file appears (and then checks that the path
// still names its file), so a file being created is never taken for a dead one. False: the
// file is somebody's, or a create or writer holds it.
bool remove_unfinished_create(const std::string& path, Env& env) {
  std::unique_ptr<File> file;
  try {
    file = env.open(path, OpenMode::ReadWrite);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound) return true;  // gone already
    if (e.code() == ErrorCode::NotAMemory) throw;      // a directory, a device: say what it is
    return false;  // cannot be locked (write-protected): not ours to replace
  }
  if (!file->try_lock(format::kWriterLockByte, LockKind::Exclusive)) return false;
  const bool unfinished = env.same_file(*file, path) && is_unfinished_create(*file);
  if (unfinished) env.remove(path);
  file->unlock(format::kWriterLockByte);
  return unfinished;
}

// memvid never writes a file beside a memory, so a -wal/-shm/-lock/-journal file next to one
// belongs to something else (SQLite names its files so) or is a leftover of a copy. One with
// bytes in it is refused: it may hold state that the file beside it depends on. An empty one
// holds nothing, so it is reported (a warning) and stepped around.
void refuse_sidecars(const std::string& path, Env& env) {
  for (const char* suffix : {"-wal", "-shm", "-lock", "-journal"}) {
    const std::string side = path + suffix;
    if (!env.exists(side)) continue;
    std::string what = "a directory or special file";
    try {
      const std::uint64_t size = env.open(side, OpenMode::ReadOnly)->size();
      if (size == 0) {
        io::warn(ErrorCode::AuxiliaryFileDetected, "sidecar",
                 "ignored the empty file " + side + " beside " + path +
                     ": memvid never creates it and it holds nothing; remove it (rm " + side + ")");
        continue;
      }
      what = std::to_string(size) + " bytes";
    } catch (const Error&) {
    }
    throw Error(ErrorCode::AuxiliaryFileDetected,
                "refusing to open " + path + ": the file " + side + " (" + what +
                    ") sits beside it. memvid never creates such a file (a memory is one file), so it belongs to "
                    "another program (SQLite keeps -wal, -shm and -journal files beside a database) or was copied "
                    "with it. If " + path + " is the memory you meant, move " + side +
                    " out of the way (mv " + side + " " + side + ".moved) and run the command again; nothing was changed");
  }
}

void validate(const Document& doc, const store::Store& s, const index::SearchIndex& index) {
  if (!doc.metadata_json.empty()) {
    auto parsed = nlohmann::json::parse(doc.metadata_json, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      throw Error(ErrorCode::InvalidArgument, "metadata must be a JSON object, got: " + doc.metadata_json.substr(0, 80));
  }
  if (doc.parent && *doc.parent >= s.frame_count())
    throw Error(ErrorCode::InvalidArgument, "parent frame " + std::to_string(*doc.parent) + " does not exist");
  // A chunk size alone keeps the memory's overlap, which the chunker caps at a quarter of it.
  if (doc.chunk_bytes || doc.chunk_overlap)
    index::SearchIndex::check_chunk_settings(doc.chunk_bytes.value_or(index.settings().chunk_bytes),
                                             doc.chunk_overlap.value_or(0));
  if (doc.payload.size() > format::kMaxPayloadBytes)
    throw Error(ErrorCode::InvalidArgument, "payload of " + std::to_string(doc.payload.size()) + " bytes exceeds the 1 GiB limit");
}

// What a put records beyond the document: its time (the document's, else the call's "now")
// and whether the rules engine reads facts from it (the document's choice, else the memory's).
struct PutContext {
  std::int64_t now_ms = 0;
  bool extract_facts = true;
  std::int64_t timestamp(const Document& doc) const { return doc.timestamp_ms.value_or(now_ms); }
  bool facts_off(const Document& doc) const { return !doc.extract_facts.value_or(extract_facts); }
};

PutContext put_context(Memvid::Impl& impl) {
  return PutContext{impl.env->now_ms(), impl.index->settings().extract_facts};
}

store::NewFrame to_new_frame(const Document& doc, const PutContext& ctx) {
  store::NewFrame f;
  f.timestamp_ms = ctx.timestamp(doc);
  f.meta.facts_off = ctx.facts_off(doc);
  f.kind = static_cast<std::uint8_t>(doc.kind);
  f.meta.title = doc.title;
  f.meta.uri = doc.uri;
  f.meta.tags = doc.tags;
  f.meta.labels = doc.labels;
  f.meta.metadata_json = doc.metadata_json;
  f.meta.parent = doc.parent;
  f.meta.chunk_bytes = doc.chunk_bytes;
  f.meta.chunk_overlap = doc.chunk_overlap;
  f.payload = std::span(reinterpret_cast<const std::uint8_t*>(doc.payload.data()), doc.payload.size());
  return f;
}

Frame to_frame(const format::TocEntry& e, const format::FrameRecord& rec) {
  Frame f;
  f.id = e.frame_id;
  f.kind = static_cast<FrameKind>(e.kind);
  f.status = static_cast<FrameStatus>(e.status);
  f.timestamp_ms = e.timestamp_ms;
  f.title = rec.meta.title;
  f.uri = rec.meta.uri;
  f.tags = rec.meta.tags;
  f.labels = rec.meta.labels;
  f.metadata_json = rec.meta.metadata_json;
  f.parent = rec.meta.parent;
  f.supersedes = rec.meta.supersedes;
  if (e.superseded_by != format::kNoFrame) f.superseded_by = e.superseded_by;
  f.content_hash = rec.content_hash;
  f.payload_bytes = rec.raw_length;
  f.stored_bytes = rec.stored_payload.size();
  f.compressed = rec.compressed;
  f.embedding = rec.meta.embedding;
  f.chunk_bytes = rec.meta.chunk_bytes;
  f.chunk_overlap = rec.meta.chunk_overlap;
  return f;
}

// The first characters of a text payload, cut at a UTF-8 boundary.
std::string preview_of(const std::vector<std::uint8_t>& payload, FrameKind kind) {
  if (kind == FrameKind::Binary) return {};
  constexpr std::size_t kPreview = 120;
  std::size_t n = std::min(payload.size(), kPreview);
  while (n < payload.size() && n > 0 && (payload[n] & 0xC0) == 0x80) --n;
  std::string out(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n));
  for (char& c : out) if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// A write's session action: what it wrote and a hash of what it was given.
SessionAction written(const char* action, std::vector<FrameId> frames, std::initializer_list<std::string_view> inputs) {
  SessionAction a;
  a.action = action;
  a.frames = std::move(frames);
  a.input_hash = session::hash_inputs(inputs);
  return a;
}

// Runs fn inside the open transaction, or inside an implicit one that commits on success
// and rolls back on failure.
// The index follows the store: whatever the store rolled back, it forgets too.
template <typename Fn>
auto run_in_transaction(store::Store& s, index::SearchIndex& idx, Fn&& fn) {
  const bool implicit = !s.in_transaction();
  s.begin(false);
  auto result = [&] {
    try {
      auto r = fn();
      if (implicit) s.commit_transaction();
      return r;
    } catch (...) {
      if (implicit) s.rollback_transaction();
      idx.sync_with_store();
      throw;
    }
  }();
  // Committed (or added to the caller's open transaction): what follows cannot make it fail.
  // honour_nudge turns its own failures into warnings.
  idx.sync_with_store();
  s.honour_nudge();
  return result;
}

// What a document is stored and indexed with for semantic search.
struct DocVectors {
  std::vector<float> caller;                   // the caller's vector, stored as given
  index::Q8Rows rows;                          // the index's rows: one per passage (or the caller's vector)
  std::vector<text::ChunkRange> passages;      // cut once for the embedder and the index
  bool cut = false;
  bool from_text = false;                      // the record says: embed the text again when needed
  bool keep_rows = false;                      // the record keeps the rows

  void store_in(format::FrameMeta& meta) const {
    meta.embedding = caller;
    meta.vectors_from_text = from_text;
    if (keep_rows) {
      meta.passage_codes = rows.codes;
      meta.passage_scales = rows.scales;
    }
  }
};

index::FrameText frame_text(FrameId id, std::uint8_t kind, const Document& doc, const DocVectors& vectors,
                            const PutContext& ctx) {
  index::FrameText t;
  t.timestamp_ms = ctx.timestamp(doc);
  t.facts_off = ctx.facts_off(doc);
  if (vectors.rows.rows() > 0) t.vectors = &vectors.rows;
  if (vectors.cut) t.passages = &vectors.passages;
  t.id = id;
  t.kind = kind;
  t.payload = doc.payload;
  t.title = doc.title;
  t.uri = doc.uri;
  t.tags = doc.tags;
  t.labels = doc.labels;
  t.chunk_bytes = doc.chunk_bytes;
  t.chunk_overlap = doc.chunk_overlap;
  return t;
}

// Appends a frame to the store and indexes its text (from the caller's document: no read).
FrameId append_indexed(store::Store& s, index::SearchIndex& idx, store::NewFrame& f, const Document& doc,
                       const DocVectors& vectors, const PutContext& ctx) {
  vectors.store_in(f.meta);
  const FrameId id = s.append_frame(f);
  idx.add_frame(frame_text(id, f.kind, doc, vectors, ctx));
  return id;
}

// The vectors each document is stored with: the caller's, or one per passage from the
// memory's embedder when one is available (without one the document is stored for lexical
// search only; Stats::semantic_unavailable says why). Everything is checked before anything
// is written, so a bad vector never leaves half a transaction behind.
std::vector<DocVectors> vectors_for(Memvid::Impl& impl, std::span<const Document* const> docs) {
  const std::string& model = impl.model();
  const index::VectorIndex& vectors = impl.index->vectors();
  const index::IndexSettings& settings = impl.index->settings();
  std::vector<DocVectors> out(docs.size());
  std::vector<std::size_t> to_embed;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const Document& d = *docs[i];
    if (!d.embedding.empty()) {
      if (model.empty())
        throw Error(ErrorCode::InvalidArgument, impl.store->path() +
                                                    " was created without an embedding model, so it cannot hold vectors");
      if (!d.embedding_model.empty() && d.embedding_model != model)
        throw Error(ErrorCode::ModelMismatch, impl.store->path() + " holds vectors of " + model +
                                                  "; this document's vector comes from " + d.embedding_model);
      out[i].caller = d.embedding;
    } else if (!model.empty() && index::has_passages(static_cast<std::uint8_t>(d.kind))) {
      to_embed.push_back(i);
    }
  }
  if (!to_embed.empty()) {
    if (EmbeddingProvider* provider = impl.embedder.get(model)) {
      std::vector<PassageSource> sources;
      sources.reserve(to_embed.size());
      for (std::size_t i : to_embed) {
        DocVectors& v = out[i];
        v.passages = index::passages(docs[i]->payload, settings, docs[i]->chunk_bytes, docs[i]->chunk_overlap);
        v.cut = true;
        sources.push_back({docs[i]->title, docs[i]->payload, v.passages});
      }
      auto made = embed_passages(*provider, sources);
      const bool derivable = vectors_derivable(model, settings.vector_compression);
      for (std::size_t j = 0; j < to_embed.size(); ++j) {
        DocVectors& v = out[to_embed[j]];
        v.rows = std::move(made[j]);
        v.from_text = derivable;
        v.keep_rows = !derivable;
      }
    }
  }
  std::size_t dim = vectors.dimension();
  for (std::size_t i = 0; i < out.size(); ++i) {
    DocVectors& v = out[i];
    try {
      if (!v.caller.empty()) {
        vectors.check_dimension(v.caller.size());
        index::append_quantized(v.rows, index::normalized(v.caller));  // rejects NaN and infinities
      }
      if (v.rows.rows() == 0) continue;
      const std::size_t d = v.rows.codes.size() / v.rows.rows();
      vectors.check_dimension(d);
      if (dim != 0 && d != dim)
        throw Error(ErrorCode::ModelMismatch, "vectors of " + std::to_string(dim) + " and " + std::to_string(d) +
                                                  " dimensions in one batch");
      dim = d;
    } catch (const Error& e) {
      throw Error(e.code(), docs.size() > 1 ? "document " + std::to_string(i) + ": " + e.what() : std::string(e.what()));
    }
  }
  return out;
}

}  // namespace

FrameId append_session_frame(Memvid::Impl& impl, store::Store& s, const std::string& payload) {
  Document d;
  d.kind = FrameKind::Binary;
  d.labels = {std::string(session::kSessionLabel)};
  d.payload = payload;
  d.extract_facts = false;
  const PutContext ctx = put_context(impl);
  store::NewFrame f = to_new_frame(d, ctx);
  return append_indexed(s, *impl.index, f, d, DocVectors{}, ctx);
}

void run_transaction(Memvid::Impl& impl, const std::function<void()>& fn) {
  run_in_transaction(impl.writer(), *impl.index, [&] {
    fn();
    return 0;
  });
}

void record_write(Memvid::Impl& impl, store::Store& s, SessionAction action) {
  if (!impl.recording || impl.replaying) return;
  session::Recording& r = *impl.recording;
  action.seq = r.next_seq;
  action.time_ms = impl.env->now_ms();
  // One frame for the reads held back and this write: a session costs a write one frame.
  std::vector<std::string> actions = r.pending;
  actions.push_back(session::action_json(action, ""));
  append_session_frame(impl, s, session::actions_payload(r.session, actions));
  // Only now, with the frame appended: a failure above leaves the reads pending and the
  // sequence unchanged, as the rolled-back transaction leaves the file.
  r.pending.clear();
  ++r.next_seq;
}

bool records_reads(const Memvid::Impl& impl) {
  return impl.recording && !impl.replaying && !session::InnerRead::active() && impl.store->writable();
}

void append_held_reads(Memvid::Impl& impl, store::Store& s) {
  if (impl.recording && !impl.recording->pending.empty())
    append_session_frame(impl, s, session::actions_payload(impl.recording->session, impl.recording->pending));
}

void record_read(const Memvid::Impl& impl, SessionAction action, const std::string& options_json) {
  if (!records_reads(impl)) return;
  session::Recording& r = *impl.recording;
  action.seq = r.next_seq++;
  action.time_ms = impl.env->now_ms();
  action.state_frames = impl.store->frame_count();
  action.input_hash = session::hash_inputs({action.query, options_json});
  r.pending.push_back(session::action_json(action, options_json));
}


Memvid::Memvid(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Memvid::Memvid(Memvid&&) noexcept = default;
Memvid& Memvid::operator=(Memvid&& other) noexcept {
  if (this != &other) {
    if (impl_) {
      try {
        close();
      } catch (...) {
      }
    }
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Memvid::~Memvid() {
  if (!impl_) return;
  try {
    close();
  } catch (...) {
    // Destructors must not throw; whatever was committed is safe and the rest was never
    // acknowledged. Call close() to see such errors.
  }
}

Memvid Memvid::create(const std::string& path, const CreateOptions& options) {
  if (options.if_exists == IfExists::Fail) return create_new(path, options);
  // Open or create. Another process may create or remove the file between our look and our
  // step: each step that loses such a race is retried, a few times.
  const auto env = options.open.env ? options.open.env : default_env();
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt == kAttempts;
    try {
      if (env->exists(path)) return open(path, options.open);
    } catch (const Error& e) {
      if (last || e.code() != ErrorCode::NotFound) throw;
      continue;  // removed after we looked
    }
    try {
      return create_new(path, options);
    } catch (const Error& e) {
      if (last || e.code() != ErrorCode::AlreadyExists) throw;
    }
  }
}

Memvid Memvid::create_new(const std::string& path, const CreateOptions& options) {
  auto impl = std::make_unique<Impl>();
  auto config = make_config(options.open, true);
  impl->env = config.env;
  // A create killed before it wrote a header left a file that holds nothing: replace it.
  if (impl->env->exists(path) && !remove_unfinished_create(path, *impl->env))
    throw Error(ErrorCode::AlreadyExists, "cannot create " + path + ": the file exists");
  refuse_sidecars(path, *impl->env);
  std::uint64_t wal = options.wal_bytes ? options.wal_bytes : format::wal_size_for_capacity(options.capacity_bytes);
  if (wal < format::kMinWalSize || wal > format::kMaxWalSize || wal % 4096 != 0) {
    throw Error(ErrorCode::InvalidArgument, "wal_bytes " + std::to_string(wal) +
                                                " must be a multiple of 4096 between 64 KiB and 64 MiB");
  }
  index::IndexSettings settings;
  settings.language = options.language;
  settings.chunk_bytes = options.chunk_bytes;
  settings.chunk_overlap = options.chunk_overlap;
  settings.embedding_model = resolve_model_name(options.embedding_model, options.open.embedder.get());
  settings.embedding_dimension = options.embedding_dimension;
  settings.vector_compression = options.vector_compression;
  settings.extract_facts = options.extract_facts;
  settings.index_mentions = options.index_time_mentions;
  if (settings.embedding_model.empty() && (settings.embedding_dimension != 0 || settings.vector_compression))
    throw Error(ErrorCode::InvalidArgument, "a memory without an embedding model takes no vector settings");
  if (options.open.embedder && settings.embedding_model != options.open.embedder->model())
    throw Error(ErrorCode::ModelMismatch, "embedding model " + settings.embedding_model + " requested, but the embedder given is " +
                                              options.open.embedder->model());
  impl->embedder = Embedder(options.open.embedder);
  impl->vector_graph_min_rows = options.open.vector_graph_min_rows;
  impl->attach(store::Store::create(path, config, wal, index::SearchIndex::initial_extension(settings)));
  impl->start_poller(options.open.nudge_poll_ms);
  return Memvid(std::move(impl));
}

Memvid Memvid::open_existing(const std::string& path, const OpenOptions& options, bool writable) {
  auto impl = std::make_unique<Impl>();
  auto config = make_config(options, writable);
  impl->env = config.env;
  refuse_sidecars(path, *impl->env);
  impl->embedder = Embedder(options.embedder);
  impl->vector_graph_min_rows = options.vector_graph_min_rows;
  impl->attach(store::Store::open(path, config));
  // A session opened by another handle (an earlier CLI command) records this one's work too.
  impl->recording = session::find_open(*impl->store);
  impl->start_poller(options.nudge_poll_ms);
  return Memvid(std::move(impl));
}

Memvid Memvid::open(const std::string& path, const OpenOptions& options) { return open_existing(path, options, true); }

Memvid Memvid::open_read_only(const std::string& path, const OpenOptions& options) {
  return open_existing(path, options, false);
}

FrameId Memvid::put(const Document& doc) {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->writer();
  validate(doc, s, *impl_->index);
  const Document* one[] = {&doc};
  auto vectors = vectors_for(*impl_, one);
  return run_in_transaction(s, *impl_->index, [&] {
    const PutContext ctx = put_context(*impl_);
    store::NewFrame f = to_new_frame(doc, ctx);
    const FrameId id = append_indexed(s, *impl_->index, f, doc, vectors[0], ctx);
    record_write(*impl_, s, written("put", {id}, {doc.payload}));
    return id;
  });
}

std::vector<FrameId> Memvid::put_many(const std::vector<Document>& docs) {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->writer();
  for (std::size_t i = 0; i < docs.size(); ++i) {
    try {
      validate(docs[i], s, *impl_->index);
    } catch (const Error& e) {
      throw Error(e.code(), "document " + std::to_string(i) + ": " + e.what());
    }
  }
  std::vector<const Document*> all;
  all.reserve(docs.size());
  for (const Document& d : docs) all.push_back(&d);
  const auto vectors = vectors_for(*impl_, all);
  return run_in_transaction(s, *impl_->index, [&] {
    std::vector<FrameId> ids;
    ids.reserve(docs.size());
    // Frame ids are consecutive from the current count, so the index can analyze the
    // documents while the store writes them.
    const FrameId first = s.frame_count();
    const PutContext ctx = put_context(*impl_);
    std::vector<index::FrameText> texts;
    texts.reserve(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i)
      texts.push_back(frame_text(first + i, static_cast<std::uint8_t>(docs[i].kind), docs[i], vectors[i], ctx));
    // The records are encoded (compressed, hashed) on the analysis threads, a window or more
    // ahead of the store writing them in order on this one.
    std::vector<store::NewFrame> frames(docs.size());
    auto prepare = [&](std::size_t i) {
      store::NewFrame& f = frames[i];
      f = to_new_frame(docs[i], ctx);
      vectors[i].store_in(f.meta);
      f.encoded = format::encode_frame_record(first + i, f.timestamp_ms, f.kind, f.meta, f.payload);
    };
    auto store_window = [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        ids.push_back(s.append_frame(frames[i]));
        frames[i] = {};
        if (ids.back() != first + i) throw Error(ErrorCode::Io, "frame ids out of sequence");
      }
    };
    impl_->index->add_frames(texts, store_window, prepare);
    if (impl_->recording) {
      std::string hashes;
      for (const Document& d : docs) hashes += session::hash_inputs({d.payload});
      record_write(*impl_, s, written("put_many", ids, {hashes}));
    }
    return ids;
  });
}

FrameId Memvid::update(FrameId id, const Document& doc) {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->writer();
  validate(doc, s, *impl_->index);
  const Document* one[] = {&doc};
  auto vectors = vectors_for(*impl_, one);
  // The entry is read inside the transaction: opening it is what re-takes the writer lock
  // (and reloads) after a nudge, so only then is the frame's status current.
  return run_in_transaction(s, *impl_->index, [&] {
    format::TocEntry old = s.entry(id);
    if (old.status != static_cast<std::uint8_t>(FrameStatus::Active)) {
      throw Error(ErrorCode::InvalidArgument, "frame " + std::to_string(id) + " is " +
                                                  std::string(to_string(static_cast<FrameStatus>(old.status))) +
                                                  "; only an active frame can be updated");
    }
    const PutContext ctx = put_context(*impl_);
    store::NewFrame f = to_new_frame(doc, ctx);
    f.meta.supersedes = id;
    FrameId new_id = append_indexed(s, *impl_->index, f, doc, vectors[0], ctx);
    old.status = static_cast<std::uint8_t>(FrameStatus::Superseded);
    old.superseded_by = new_id;
    s.change_entry(old);
    record_write(*impl_, s, written("update", {new_id}, {std::to_string(id), doc.payload}));
    return new_id;
  });
}

void Memvid::delete_frame(FrameId id) {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->writer();
  run_in_transaction(s, *impl_->index, [&] {
    format::TocEntry e = s.entry(id);  // inside the transaction, as in update()
    if (e.status == static_cast<std::uint8_t>(FrameStatus::Deleted))
      throw Error(ErrorCode::InvalidArgument, "frame " + std::to_string(id) + " is already deleted");
    e.status = static_cast<std::uint8_t>(FrameStatus::Deleted);
    s.change_entry(e);
    record_write(*impl_, s, written("delete", {id}, {std::to_string(id)}));
    return 0;
  });
}

void Memvid::begin() {
  std::lock_guard lock(impl_->mu);
  impl_->s().begin(true);
}

void Memvid::commit() {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->writer();
  const bool had_transaction = s.in_transaction();
  try {
    s.commit_transaction();
  } catch (...) {
    impl_->index->sync_with_store();
    throw;
  }
  try {
    s.checkpoint();
  } catch (const Error& e) {
    // An error means "not committed": once the transaction is durable in the WAL, a failed
    // checkpoint (a full disk, say) only postpones folding it into the TOC; the next
    // checkpoint retries. With no transaction, the checkpoint is all that was asked for.
    if (!had_transaction) throw;
    io::warn_after_commit("checkpoint", "the checkpoint that folds it into " + s.path() + "'s table of contents", e,
                          "The data is safe in the memory's write-ahead log; the next writer retries the checkpoint");
  }
  s.honour_nudge();
}

void Memvid::rollback() {
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->s();
  if (!s.explicit_transaction()) throw Error(ErrorCode::TransactionState, "rollback(): no transaction is open");
  s.rollback_transaction();
  impl_->index->sync_with_store();
}

bool Memvid::in_transaction() const {
  std::lock_guard lock(impl_->mu);
  return impl_->s().explicit_transaction();
}

Frame Memvid::frame(FrameId id) const {
  std::lock_guard lock(impl_->mu);
  const store::Store& s = impl_->s();
  const format::TocEntry& e = s.entry(id);
  format::FrameRecord rec = s.read_record(e);
  Frame f = to_frame(e, rec);
  f.vectors = impl_->index->vectors().row_count(id);
  auto payload = format::frame_payload(rec, e.record_offset);
  f.payload.assign(payload.begin(), payload.end());
  f.has_payload = true;
  return f;
}

Frame Memvid::frame_info(FrameId id) const {
  std::lock_guard lock(impl_->mu);
  const store::Store& s = impl_->s();
  const format::TocEntry& e = s.entry(id);
  if (e.record_removed()) {
    Frame f = to_frame(e, format::FrameRecord{});
    f.removed = true;
    return f;
  }
  Frame f = to_frame(e, s.read_record(e));
  f.vectors = impl_->index->vectors().row_count(id);
  return f;
}

std::vector<TimelineEntry> timeline_of(const Memvid::Impl& impl, const std::vector<index::TimeEntry>& candidates,
                                       const TimelineQuery& q) {
  const store::Store& s = impl.s();
  std::optional<search::MetaFilter> where;
  if (!q.where.empty()) where.emplace(search::MetaFilter::from_where(q.where));
  // Candidates come in (timestamp, id) order; status comes from the TOC.
  std::vector<std::pair<std::int64_t, FrameId>> order;
  for (const index::TimeEntry& t : candidates) {
    const format::TocEntry& te = s.entry(t.frame_id);
    if (!q.include_inactive && te.status != static_cast<std::uint8_t>(FrameStatus::Active)) continue;
    if (te.kind == static_cast<std::uint8_t>(FrameKind::Binary) &&
        impl.session_frames.contains(s, t.frame_id))
      continue;
    if (where && !where->matches(find::frame_metadata(impl, t.frame_id))) continue;
    order.emplace_back(t.timestamp_ms, t.frame_id);
  }
  if (q.reverse) std::reverse(order.begin(), order.end());
  if (q.limit > 0 && order.size() > q.limit) order.resize(q.limit);
  std::vector<TimelineEntry> out;
  out.reserve(order.size());
  for (const auto& [ts, id] : order) {
    const format::TocEntry& e = s.entry(id);
    TimelineEntry t;
    t.id = id;
    t.timestamp_ms = ts;
    t.kind = static_cast<FrameKind>(e.kind);
    t.status = static_cast<FrameStatus>(e.status);
    if (e.record_removed()) {  // vacuumed: only its place in time remains
      out.push_back(std::move(t));
      continue;
    }
    format::FrameRecord rec = s.read_record(e);
    t.title = rec.meta.title;
    t.uri = rec.meta.uri;
    t.preview = preview_of(format::frame_payload(rec, e.record_offset), t.kind);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<TimelineEntry> Memvid::timeline(const TimelineQuery& q) const {
  std::lock_guard lock(impl_->mu);
  impl_->s();
  return timeline_of(*impl_, impl_->index->time_range(q.since_ms, q.until_ms), q);
}

Stats Memvid::stats() const {
  std::lock_guard lock(impl_->mu);
  const store::Store& s = impl_->s();
  Stats st;
  s.visit_entries([&](const format::TocEntry& e) {
    ++st.frames;
    switch (static_cast<FrameStatus>(e.status)) {
      case FrameStatus::Active:
        ++st.active_frames;
        st.payload_bytes += e.payload_length;
        st.stored_bytes += e.record_length;
        break;
      case FrameStatus::Deleted: ++st.deleted_frames; break;
      case FrameStatus::Superseded: ++st.superseded_frames; break;
    }
  });
  st.file_bytes = s.file_size();
  st.wal_bytes = s.wal_size();
  st.wal_used_bytes = s.wal_used();
  st.wal_pending_transactions = s.wal_pending_transactions();
  st.toc_segments = s.segment_count();
  st.generation = s.generation();
  const index::VectorIndex& v = impl_->index->vectors();
  st.embedding_model = impl_->model();
  st.embedding_dimension = v.dimension();
  st.vector_compression = v.compression();
  st.vectors = v.vector_count();
  try {
    st.semantic_unavailable = impl_->embedder.probe(st.embedding_model);
  } catch (const Error& e) {
    st.semantic_unavailable = e.what();
  }
  return st;
}

std::uint64_t Memvid::frame_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->s().frame_count();
}

void Memvid::refresh() {
  std::lock_guard lock(impl_->mu);
  impl_->s().refresh();
}

void Memvid::seal() {
  impl_->stop_poller();
  std::lock_guard lock(impl_->mu);
  store::Store& s = impl_->s();
  // A failed commit throws (nothing of the open transaction is in); once it is in, close()
  // reports a failed checkpoint as a warning, as it does for every committed transaction.
  if (s.writable()) s.commit_transaction();
  impl_->closed = true;
  s.close();
}

void Memvid::close() {
  impl_->stop_poller();
  std::lock_guard lock(impl_->mu);
  if (impl_->closed) return;
  // The session's held-back reads commit now (after any open transaction is rolled back).
  if (impl_->recording && !impl_->recording->pending.empty() && impl_->store->writable()) {
    if (impl_->store->in_transaction()) {
      impl_->store->rollback_transaction();
      impl_->index->sync_with_store();
    }
    run_transaction(*impl_, [&] { append_held_reads(*impl_, *impl_->store); });
    impl_->recording->pending.clear();
  }
  impl_->closed = true;
  impl_->store->close();
}

RecoveryInfo Memvid::recovery_info() const {
  std::lock_guard lock(impl_->mu);  // a refresh on another thread replaces it
  return impl_->store->recovery_info();
}
const std::string& Memvid::path() const { return impl_->store->path(); }
bool Memvid::read_only() const { return !impl_->store->writable(); }

OwnerInfo who(const std::string& path, const OpenOptions& options) {
  const std::shared_ptr<Env> env = env_or_default(options.env);
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  auto file = env->open(path, OpenMode::ReadOnly);
  io::require_memory(*file, path);
  return io::read_owner_info(*file);
}

void nudge(const std::string& path, const OpenOptions& options) {
  const std::shared_ptr<Env> env = env_or_default(options.env);
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  // Only ever write into a file that is a memory whose header reads.
  auto file = env->open(path, OpenMode::ReadWrite);
  io::require_memory(*file, path);
  const std::size_t header_bytes = format::kHeaderSlotOffset[1] + format::kHeaderSize;
  if (file->size() < format::kHeaderPageSize)
    throw Error(ErrorCode::Corrupt, path + " is cut short (" + std::to_string(file->size()) + " bytes); nothing was written");
  std::vector<std::uint8_t> page = io::read_bytes(*file, 0, header_bytes, "header page");
  if (!format::Header::decode(std::span(page).first(format::kHeaderSize)) &&
      !format::Header::decode(std::span(page).subspan(format::kHeaderSlotOffset[1])))
    throw Error(ErrorCode::Corrupt, path + ": both header copies fail their checksum; nothing was written (run `memvid doctor`)");
  io::set_nudge_flag(*file, true);
}

std::optional<std::string> find_sidecar(const std::string& path, const OpenOptions& options) {
  const std::shared_ptr<Env> env = env_or_default(options.env);
  return sidecar_of(path, *env);
}

}  // namespace memvid
