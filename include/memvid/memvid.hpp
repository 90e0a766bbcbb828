#pragma once
// The public API: one Memvid handle over one .mv2 file: its lifecycle, writes, reads, find and
// ask. Its vocabulary, options and results live in types.hpp, options.hpp and results.hpp;
// operations on a memory file by its path (verify, doctor, restore, who, nudge) in files.hpp;
// other features reach an open handle through views (view.hpp), e.g. maintenance.hpp.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "memvid/files.hpp"
#include "memvid/ingest.hpp"
#include "memvid/integrity.hpp"
#include "memvid/llm.hpp"
#include "memvid/options.hpp"
#include "memvid/results.hpp"
#include "memvid/types.hpp"

namespace memvid {

class Memvid {
 public:
  // A new memory at path (AlreadyExists when path holds a file), or with
  // CreateOptions::if_exists = Open, the memory already there, opened for writing.
  static Memvid create(const std::string& path, const CreateOptions& options = {});
  static Memvid open(const std::string& path, const OpenOptions& options = {});
  static Memvid open_read_only(const std::string& path, const OpenOptions& options = {});

  Memvid(Memvid&&) noexcept;
  Memvid& operator=(Memvid&&) noexcept;
  // As close(): an open transaction is rolled back (only commit() or seal() commits it), what was
  // committed is checkpointed and the lock released; errors are swallowed (call close() to see them).
  ~Memvid();

  // Writes. Outside begin()/commit() each call is its own transaction.
  FrameId put(const Document& doc);
  std::vector<FrameId> put_many(const std::vector<Document>& docs);  // one transaction
  FrameId update(FrameId id, const Document& doc);                   // supersedes id
  void delete_frame(FrameId id);                                     // tombstone

  void begin();
  // Ends an open transaction and checkpoints everything into the file's table of contents.
  void commit();
  void rollback();
  bool in_transaction() const;

  // Reads (a writer sees its own uncommitted transaction).
  Frame frame(FrameId id) const;       // with payload
  Frame frame_info(FrameId id) const;  // metadata only
  std::vector<TimelineEntry> timeline(const TimelineQuery& query = {}) const;
  Stats stats() const;
  // Ranked search (BM25) in the query language of docs/QUERY.md: terms, "phrases",
  // AND/OR/NOT/-term, parentheses, title:/tag:/label:/kind:/uri: fields and
  // date:[FROM TO UNTIL] ranges. Sees committed frames plus this handle's own transaction.
  // Reads text that is not valid query syntax as plain words (FindResult::note says so); with
  // FindOptions::strict, throws InvalidQuery (with the position) for a malformed query.
  FindResult find(std::string_view query, const FindOptions& options = {}) const;
  std::uint64_t frame_count() const;
  // Answers a question from the memory (see AskOptions). Throws InvalidQuery for an empty
  // question, ProviderFailed / ModelUnavailable when the language model fails.
  AskResult ask(std::string_view question, const AskOptions& options = {}) const;
  // Adds a file or a directory tree (see memvid/ingest.hpp) in one transaction. Throws
  // NotFound for a missing path, Interrupted when should_stop asked to stop.
  IngestReport ingest(const std::string& path, const IngestOptions& options = {});
  // A read-only handle reads the snapshot committed when it opened; refresh() moves it to
  // the newest committed state. A writer's view is always current, so it is a no-op there.
  void refresh();

  // Commits, checkpoints, syncs and closes; the handle is then unusable.
  void seal();
  // Rolls back an open transaction, checkpoints what was committed (a failure there is a
  // Warning, not an error: the data is in the WAL), releases the lock; idempotent.
  void close();

  // What opening (or the latest refresh) recovered: WAL records replayed, bytes cut, fallbacks.
  RecoveryInfo recovery_info() const;
  const std::string& path() const;
  bool read_only() const;

  struct Impl;

 private:
  friend class View;
  friend struct HandleAccess;  // the library's own path-based operations (files.hpp)
  explicit Memvid(std::unique_ptr<Impl> impl);
  static Memvid create_new(const std::string& path, const CreateOptions& options);
  static Memvid open_existing(const std::string& path, const OpenOptions& options, bool writable);
  std::unique_ptr<Impl> impl_;
};

}  // namespace memvid
