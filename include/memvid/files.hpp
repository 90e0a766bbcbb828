#pragma once
// Operations on a memory file by its path, with no handle open: integrity checks and repair,
// installing a snapshot, and the writer's owner record.
#include <optional>
#include <string>

#include "memvid/integrity.hpp"
#include "memvid/options.hpp"
#include "memvid/results.hpp"

namespace memvid {

// Read-only integrity checks (see VerifyReport); never changes a byte and takes no lock, so
// it runs beside a live writer. Throws only when the file cannot be opened at all.
VerifyReport verify(const std::string& path, const VerifyOptions& options);
inline VerifyReport verify(const std::string& path, bool deep = false) {
  VerifyOptions o;
  o.deep = deep;
  return verify(path, o);
}

// Finds what is wrong (verify --deep), plans repairs and, unless plan_only, carries them out
// under the writer lock (Locked when a writer is active).
DoctorReport doctor(const std::string& path, const DoctorOptions& options = {});

// Checks a snapshot (deep verify) and installs it at dest. A dest that exists is replaced only
// with RestoreOptions::force (AlreadyExists otherwise), only when it is a memory (NotAMemory /
// Encrypted otherwise, even with force), and only when no writer holds it (Locked). The report
// says how many of the replaced memory's frames the snapshot lacks; when there are any, the
// replaced file is kept beside dest (RestoreReport::backup_path). Throws Corrupt, naming the
// failed check, for a damaged snapshot; Encrypted for a capsule.
RestoreReport restore_snapshot(const std::string& snapshot, const std::string& dest, const RestoreOptions& options = {});

// Owner record of the current writer (or of the last one that crashed). Of the options only
// env is used, as by nudge and find_sidecar.
OwnerInfo who(const std::string& path, const OpenOptions& options = {});
// Asks a long-lived writer to commit and release its lock at its next call.
void nudge(const std::string& path, const OpenOptions& options = {});
// Names a -wal/-shm/-lock/-journal sidecar beside path, or returns nullopt.
std::optional<std::string> find_sidecar(const std::string& path, const OpenOptions& options = {});

}  // namespace memvid
