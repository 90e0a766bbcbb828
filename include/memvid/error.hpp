#pragma once
// Every failure the library reports is a memvid::Error carrying a code a program can branch
// on and a message that names the file, offset or field involved.
#include <stdexcept>
#include <string>
#include <string_view>

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
  ReadOnly,               // a write on a handle opened read-only (or sealed)
  TransactionState,       // begin() inside a transaction, rollback() outside one, ...
  RecoveryNeeded,         // Strict recovery refused to repair the file
  InvalidQuery,           // a malformed search query; the message names the character position
  ModelUnavailable,       // semantic search asked for, but the embedding model is not installed or configured
  ModelMismatch,          // a vector from a different embedding model (or dimension) than the memory's
  ProviderFailed,         // an embedding or chat endpoint failed: unreachable, timed out, HTTP error, bad answer
  Interrupted,            // stopped on request before it finished; nothing of it was written
  DecryptFailed,          // a capsule's password is wrong, or its bytes were changed or cut
};

std::string_view to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace memvid
