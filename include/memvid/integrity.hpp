#pragma once
// Integrity and operations: verify (read-only checks), doctor (findings, a plan, repairs),
// the file's anatomy (inspect, dump-catalog), and encrypted capsules (lock/unlock).
// Compaction and snapshots are Memvid methods (memvid.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memvid/env.hpp"
#include "memvid/error.hpp"

namespace memvid {

enum class CheckStatus { Passed, Failed, Skipped };

// One named check. The names are stable (scripts match on them):
//   HeaderChecksum, FooterChecksum, TocDecode, SegmentBounds, FrameCountConsistency,
//   TimeIndexRead, TimeIndexEntryCount, TimeIndexSortOrder (deep), LexIndexDecode,
//   VecIndexDecode, WalPendingRecords, OwnerRecord, FramePayloadChecksums (deep),
//   LexIndexCoverage (deep), VecIndexCoverage (deep).
struct CheckResult {
  std::string name;
  CheckStatus status = CheckStatus::Skipped;
  std::string detail;  // what was checked, or what failed and where (file offset, frame id)
};

struct VerifyOptions {
  bool deep = false;          // also every record's checksum and content hash, and index coverage
  std::shared_ptr<Env> env;   // null: the POSIX environment
};

struct VerifyReport {
  std::string path;
  bool deep = false;
  bool ok = false;  // every check passed or was skipped because it did not apply
  std::vector<CheckResult> checks;
  // Frames whose record fails its checksum or content hash (deep only), by id.
  std::vector<std::uint64_t> damaged_frames;
  std::uint64_t frames = 0;     // frame count of the committed state verified (0 if unreadable)
  std::uint64_t file_bytes = 0;
  double elapsed_ms = 0;

  const CheckResult* find(std::string_view name) const {
    for (const CheckResult& c : checks)
      if (c.name == name) return &c;
    return nullptr;
  }
};

std::string_view to_string(CheckStatus status) noexcept;

// Doctor: what verify found, what it plans to do about it, and how each action went.
enum class Severity { Info, Warn, Error };

struct Finding {
  Severity severity = Severity::Info;
  std::string check;    // the verify check it comes from, or "" for a general observation
  std::string message;
};

enum class ActionStatus { Planned, Done, Failed, Skipped };

struct DoctorAction {
  // ClearOwnerRecord, RebuildTimeIndex, RebuildLexIndex, RebuildVecIndex, Salvage, Vacuum
  std::string name;
  std::string description;
  ActionStatus status = ActionStatus::Planned;
  std::string detail;
};

struct DoctorOptions {
  bool plan_only = false;          // report findings and the plan; change nothing
  bool rebuild_time_index = false;
  bool rebuild_lex_index = false;
  bool rebuild_vec_index = false;
  bool vacuum = false;             // drop deleted and superseded frames and dead index bytes
  int lock_timeout_ms = 250;
  // Write the repaired memory here (it must not exist) and leave the original file exactly
  // as it is, as SQLite's .recover writes a new database. Empty: repair in place.
  std::string output;
  // A salvage in place drops damaged bytes: keep the damaged file under a second name beside
  // it first (DoctorReport::backup_path), so that nothing it held is lost. A hard link where
  // the file system allows, so it costs no space until the repaired file diverges.
  bool keep_backup = true;
  std::shared_ptr<Env> env;        // null: the POSIX environment
};

struct DoctorReport {
  std::string path;
  std::vector<Finding> findings;
  std::vector<DoctorAction> actions;
  // The repair could not be carried out (a full disk, say): what failed; the actions say
  // Failed and nothing was changed. Empty when the actions ran.
  std::string error;
  ErrorCode error_code = ErrorCode::Io;
  bool changed = false;              // the file was rewritten or modified (or output written)
  std::string output_path;           // where the repaired memory is: path, or DoctorOptions::output
  std::string backup_path;           // where the damaged original was kept ("" when it was not)
  bool ok = false;                   // the memory verifies (deep) after the actions, which all ran
  std::uint64_t frames_recovered = 0;  // salvage: frames carried into the repaired memory
  std::vector<std::uint64_t> lost_frames;  // committed frames whose payload was destroyed, by id
  std::uint64_t bytes_before = 0;
  std::uint64_t bytes_after = 0;
  VerifyReport before;
  std::optional<VerifyReport> after;  // absent with plan_only or when nothing was done
};

std::string_view to_string(Severity severity) noexcept;
std::string_view to_string(ActionStatus status) noexcept;

// The committed layout of a memory, as `inspect` and `dump-catalog` show it.
struct HeaderCopy {
  std::uint64_t offset = 0;  // 0 or 512
  bool valid = false;
  std::uint64_t sequence = 0, wal_offset = 0, wal_size = 0, footer_offset = 0, generation = 0, wal_salt = 0;
};

struct CatalogEntry {
  std::string kind;  // "toc", "lex", "time", "vec"
  std::uint64_t offset = 0, length = 0;
  std::uint64_t count = 0;          // entries, documents or rows
  std::uint64_t first_frame = 0, end_frame = 0;  // index parts: the frames they cover
  std::string checksum_hex;         // the checksum the TOC records for it
};

struct FileAnatomy {
  std::string path;
  std::uint64_t file_bytes = 0;
  HeaderCopy headers[2];
  int used_header = -1;  // which copy names the committed state (-1: none valid)
  bool owner_present = false;
  std::int64_t owner_pid = 0;
  std::uint64_t footer_offset = 0, toc_offset = 0, toc_length = 0, generation = 0;
  std::uint64_t prev_footer_offset = 0;
  std::uint64_t frames = 0;           // committed in the TOC
  std::uint64_t wal_pending_transactions = 0, wal_pending_frames = 0, wal_used_bytes = 0;
  std::uint64_t data_start = 0, committed_end = 0;  // committed_end includes WAL-committed records
  std::string language, embedding_model;
  std::uint32_t embedding_dimension = 0;
  bool vector_compression = false;
  std::uint32_t chunk_bytes = 0, chunk_overlap = 0;
  std::uint64_t indexed_frames = 0;
  std::vector<CatalogEntry> segments;  // TOC segments, then index parts in frame order
  std::uint64_t live_bytes = 0;        // bytes the committed state references (records, segments, TOC, footer)
  std::uint64_t dead_bytes = 0;        // data-region bytes it no longer references (a vacuum reclaims them)
};

struct InspectOptions {
  std::shared_ptr<Env> env;  // null: the POSIX environment
};

// Reads the committed layout without changing a byte (no lock taken). Throws Corrupt when
// no header copy names a readable TOC.
FileAnatomy inspect_file(const std::string& path, const InspectOptions& options = {});

// Encrypted capsules: `memvid lock` / `unlock`. The capsule holds the whole .mv2 file,
// encrypted with XChaCha20-Poly1305 (libsodium secretstream) under a key derived from the
// password with Argon2id. Neither function writes a byte of its output unless the whole
// result is good: it is written to a temporary file beside dest, synced and renamed.
struct CapsuleOptions {
  bool overwrite = false;  // replace dest if it exists (AlreadyExists otherwise)
  // Argon2id cost; the defaults are libsodium's "moderate" limits (3 passes, 256 MiB).
  std::uint64_t ops_limit = 0;   // 0: default
  std::uint64_t mem_limit = 0;   // 0: default
  std::shared_ptr<Env> env;      // null: the POSIX environment
};
// Throws NotFound, AlreadyExists, Locked (a writer is active on source), Io / NoSpace.
void lock_file(const std::string& source, const std::string& capsule, std::string_view password,
               const CapsuleOptions& options = {});
// Throws DecryptFailed for a wrong password or a tampered/truncated capsule, Corrupt when
// the capsule is not one.
void unlock_file(const std::string& capsule, const std::string& dest, std::string_view password,
                 const CapsuleOptions& options = {});

}  // namespace memvid
