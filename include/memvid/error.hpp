#pragma once
// Every failure the library reports is a memvid::Error carrying a code a program can branch
// on and a message that names the file, offset or field involved. Problems that do not make
// a call fail (its work was committed, and a later step did not go through) are Warnings.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace memvid {

enum class ErrorCode {
  InvalidArgument,        // caller passed something unusable (bad option, bad JSON metadata)
  NotFound,               // missing file or frame id
  AlreadyExists,          // create() over an existing file
  Locked,                 // another process holds the writer lock
  Corrupt,                // bytes on disk fail a checksum, magic or bounds check
  InvalidToc,             // the table of contents decodes but is inconsistent
  AuxiliaryFileDetected,  // a -wal/-shm/-lock/-journal sidecar sits next to the file
  Io,                     // the operating system refused a read, write or sync (EIO, ...)
  NoSpace,                // ENOSPC / EDQUOT: the disk is full, nothing committed is lost
  ReadOnly,               // a write on a handle opened read-only, or on a write-protected file
  Closed,                 // any call on a handle after close() or seal()
  TransactionState,       // begin() inside a transaction, rollback() outside one, ...
  RecoveryNeeded,         // Strict recovery refused to repair the file
  InvalidQuery,           // a malformed search query; the message names the character position
  ModelUnavailable,       // semantic search asked for, but the embedding model is not installed or configured
  ModelMismatch,          // a vector from a different embedding model (or dimension) than the memory's
  ProviderFailed,         // an embedding or chat endpoint failed: unreachable, timed out, HTTP error, bad answer
  Interrupted,            // stopped on request before it finished; nothing of it was written
  DecryptFailed,          // a capsule's password is wrong, or its bytes were changed or cut
  NotAMemory,             // the file is not a memvid memory (another kind of file, or empty); nothing was changed
  Encrypted,              // the file is an encrypted capsule (.mv2e): `memvid unlock` it first; nothing was changed
};

std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// Something that went wrong after a call's work was committed (a checkpoint, a directory
// sync, a nudge that could not be honoured), or that a call noticed and stepped around (an
// empty stray sidecar file). The call succeeded: its data is in the memory.
struct Warning {
  ErrorCode code = ErrorCode::Io;  // what the failed step would have thrown (NoSpace, Io, ...)
  std::string step;                // which step: "checkpoint", "close", "nudge", "directory-sync", "sidecar", ...
  std::string message;             // a whole sentence: what failed, where, and that the data is in
};

// The warnings of the calling thread's memvid calls since the last take_warnings(), oldest
// first, and forgets them. Like errno they belong to the thread, so a caller (the CLI, the
// SDKs) that takes them right after a call on the same thread gets exactly that call's.
// At most 64 are kept (the newest).
std::vector<Warning> take_warnings();

}  // namespace memvid
