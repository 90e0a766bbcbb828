#pragma once
// The public API: one Memvid handle over one .mv2 file. Its vocabulary, options and results
// live in types.hpp, options.hpp and results.hpp.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/embedding.hpp"
#include "memvid/env.hpp"
#include "memvid/error.hpp"
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
  // Throws InvalidQuery (with the position) for a malformed query.
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

  // Compaction and backups. Each writes a new memory from this handle's committed state
  // (every frame keeps its id) to a temporary file beside the destination, syncs it and
  // renames it into place: killed at any point, the destination is either untouched or
  // complete. Indexes are rebuilt from the frames.
  //   compact_to: active frames only (deleted and superseded frames are dropped; their ids
  //     stay reserved), no dead bytes. dest must not exist (AlreadyExists).
  //   compact_in_place: the same over this memory's own file; a writer handle only. Readers
  //     that have it open keep reading the old bytes until they refresh().
  //   export_snapshot: every frame, whatever its status: a consistent backup of the state
  //     this handle sees, taken while another process may be writing.
  void compact_to(const std::string& dest);
  void compact_in_place();
  void export_snapshot(const std::string& dest);
  // Checks a snapshot (deep verify) and installs it at dest. A dest that exists is replaced
  // only with RestoreOptions::force (AlreadyExists otherwise), only when it is a memory
  // (NotAMemory / Encrypted otherwise, even with force), and only when no writer holds it
  // (Locked). The report says how many of the replaced memory's frames the snapshot lacks;
  // when there are any, the replaced file is kept beside dest (RestoreReport::backup_path).
  // Throws Corrupt, naming the failed check, for a damaged snapshot; Encrypted for a capsule.
  static RestoreReport restore_snapshot(const std::string& snapshot, const std::string& dest,
                                        const RestoreOptions& options = {});

  // Read-only integrity checks (see VerifyReport); never changes a byte and takes no lock,
  // so it runs beside a live writer. Throws only when the file cannot be opened at all.
  static VerifyReport verify(const std::string& path, const VerifyOptions& options);
  static VerifyReport verify(const std::string& path, bool deep = false) {
    VerifyOptions o;
    o.deep = deep;
    return verify(path, o);
  }
  // Finds what is wrong (verify --deep), plans repairs and, unless plan_only, carries them
  // out under the writer lock (Locked when a writer is active).
  static DoctorReport doctor(const std::string& path, const DoctorOptions& options = {});

  // Commits, checkpoints, syncs and closes; the handle is then unusable.
  void seal();
  // Rolls back an open transaction, checkpoints what was committed (a failure there is a
  // Warning, not an error: the data is in the WAL), releases the lock; idempotent.
  void close();

  // What opening (or the latest refresh) recovered: WAL records replayed, bytes cut, fallbacks.
  RecoveryInfo recovery_info() const;
  const std::string& path() const;
  bool read_only() const;

  // Owner record of the current writer (or of the last one that crashed). Of the options only
  // env is used, as by nudge and find_sidecar.
  static OwnerInfo who(const std::string& path, const OpenOptions& options = {});
  // Asks a long-lived writer to commit and release its lock at its next call.
  static void nudge(const std::string& path, const OpenOptions& options = {});
  // Names a -wal/-shm/-lock/-journal sidecar beside path, or returns nullopt.
  static std::optional<std::string> find_sidecar(const std::string& path, const OpenOptions& options = {});

  struct Impl;

 private:
  explicit Memvid(std::unique_ptr<Impl> impl);
  static Memvid create_new(const std::string& path, const CreateOptions& options);
  static Memvid open_existing(const std::string& path, const OpenOptions& options, bool writable);
  std::unique_ptr<Impl> impl_;
};

}  // namespace memvid
