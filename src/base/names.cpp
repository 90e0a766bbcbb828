#include "memvid/error.hpp"
#include "memvid/integrity.hpp"
#include "memvid/types.hpp"

namespace memvid {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::NotFound: return "NotFound";
    case ErrorCode::AlreadyExists: return "AlreadyExists";
    case ErrorCode::Locked: return "Locked";
    case ErrorCode::Corrupt: return "Corrupt";
    case ErrorCode::InvalidToc: return "InvalidToc";
    case ErrorCode::AuxiliaryFileDetected: return "AuxiliaryFileDetected";
    case ErrorCode::Io: return "Io";
    case ErrorCode::NoSpace: return "NoSpace";
    case ErrorCode::ReadOnly: return "ReadOnly";
    case ErrorCode::Closed: return "Closed";
    case ErrorCode::TransactionState: return "TransactionState";
    case ErrorCode::RecoveryNeeded: return "RecoveryNeeded";
    case ErrorCode::InvalidQuery: return "InvalidQuery";
    case ErrorCode::ModelUnavailable: return "ModelUnavailable";
    case ErrorCode::ModelMismatch: return "ModelMismatch";
    case ErrorCode::ProviderFailed: return "ProviderFailed";
    case ErrorCode::Interrupted: return "Interrupted";
    case ErrorCode::DecryptFailed: return "DecryptFailed";
    case ErrorCode::NotAMemory: return "NotAMemory";
    case ErrorCode::Encrypted: return "Encrypted";
  }
  return "Unknown";
}

std::string_view to_string(FrameKind kind) noexcept {
  switch (kind) {
    case FrameKind::Text: return "text";
    case FrameKind::Document: return "document";
    case FrameKind::Chunk: return "chunk";
    case FrameKind::Binary: return "binary";
  }
  return "unknown";
}

std::string_view to_string(FrameStatus status) noexcept {
  switch (status) {
    case FrameStatus::Active: return "active";
    case FrameStatus::Deleted: return "deleted";
    case FrameStatus::Superseded: return "superseded";
  }
  return "unknown";
}

std::optional<FrameKind> frame_kind_from_string(std::string_view name) noexcept {
  for (FrameKind k : {FrameKind::Text, FrameKind::Document, FrameKind::Chunk, FrameKind::Binary})
    if (to_string(k) == name) return k;
  return std::nullopt;
}

std::string_view to_string(SearchMode mode) noexcept {
  switch (mode) {
    case SearchMode::Lex: return "lex";
    case SearchMode::Sem: return "sem";
    case SearchMode::Auto: return "auto";
  }
  return "unknown";
}

std::optional<SearchMode> search_mode_from_string(std::string_view name) noexcept {
  for (SearchMode m : {SearchMode::Lex, SearchMode::Sem, SearchMode::Auto})
    if (to_string(m) == name) return m;
  return std::nullopt;
}

std::string_view to_string(Fusion fusion) noexcept {
  switch (fusion) {
    case Fusion::Linear: return "linear";
    case Fusion::Rrf: return "rrf";
  }
  return "unknown";
}

std::optional<Fusion> fusion_from_string(std::string_view name) noexcept {
  for (Fusion f : {Fusion::Linear, Fusion::Rrf})
    if (to_string(f) == name) return f;
  return std::nullopt;
}

std::string_view to_string(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::Passed: return "Passed";
    case CheckStatus::Failed: return "Failed";
    case CheckStatus::Skipped: return "Skipped";
  }
  return "Skipped";
}

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::Info: return "INFO";
    case Severity::Warn: return "WARN";
    case Severity::Error: return "ERROR";
  }
  return "INFO";
}

std::string_view to_string(ActionStatus status) noexcept {
  switch (status) {
    case ActionStatus::Planned: return "Planned";
    case ActionStatus::Done: return "Done";
    case ActionStatus::Failed: return "Failed";
    case ActionStatus::Skipped: return "Skipped";
  }
  return "Planned";
}

}  // namespace memvid
