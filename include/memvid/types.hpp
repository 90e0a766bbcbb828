#pragma once
// The vocabulary every layer shares: frame ids, kinds and statuses, recovery, sync, search
// and fusion modes, their names, and the UTF-8 check. Lower layers include this header, never
// the handle's (memvid.hpp).
#include <cstdint>
#include <optional>
#include <string_view>

namespace memvid {

using FrameId = std::uint64_t;

enum class FrameKind : std::uint8_t { Text = 0, Document = 1, Chunk = 2, Binary = 3 };
enum class FrameStatus : std::uint8_t { Active = 0, Deleted = 1, Superseded = 2 };

// AutoTruncate replays committed WAL records and cuts torn or uncommitted tails (the writer
// default). Strict never modifies the file and refuses a file whose committed state is
// damaged (the reader default); a writer in Strict mode also refuses to cut a torn tail.
enum class RecoveryMode { Default, AutoTruncate, Strict };

// Like SQLite's synchronous pragma. Full: every commit is fsynced before it returns.
// Normal: only checkpoints are fsynced, so a power cut may lose the newest commits but never
// corrupts the file; a process crash loses nothing. Off: no fsync at all.
enum class SyncMode { Full, Normal, Off };

// Lex: BM25 over the lexical index. Sem: nearest vectors. Auto: both, fused (see Fusion);
// falls back to Lex, and says so in FindResult::note, when semantic search is unavailable.
enum class SearchMode { Lex, Sem, Auto };

// The unit of offsets into a text: the library and the CLI count UTF-8 bytes, Python indexes
// str by code point, JavaScript by UTF-16 code unit. Bytes that are not UTF-8 count one unit
// each (as the SDKs' decoders put one U+FFFD for each).
enum class TextUnit { Utf8Bytes, CodePoints, Utf16 };
// Linear: min-max normalized BM25 and cosine, weighted (1 - semantic_weight) and
// semantic_weight. Rrf: reciprocal rank fusion, 1/(60 + rank) summed.
enum class Fusion { Linear, Rrf };

// What creating a memory does when the path already holds one (CreateOptions::if_exists).
enum class IfExists { Fail, Open };

// Well-formed UTF-8 per RFC 3629 (no overlong forms, surrogates or code points past
// U+10FFFF): whether a payload can be shown as text.
bool is_valid_utf8(std::string_view bytes) noexcept;

std::string_view to_string(FrameKind kind) noexcept;
std::string_view to_string(FrameStatus status) noexcept;
std::optional<FrameKind> frame_kind_from_string(std::string_view name) noexcept;
std::string_view to_string(SearchMode mode) noexcept;
std::optional<SearchMode> search_mode_from_string(std::string_view name) noexcept;
std::string_view to_string(Fusion fusion) noexcept;
std::optional<Fusion> fusion_from_string(std::string_view name) noexcept;
// A frame kind the format knows (Text, Document, Chunk, Binary): a kind byte read from disk
// must pass this before it is cast.
constexpr bool is_known_kind(std::uint8_t kind) noexcept { return kind <= static_cast<std::uint8_t>(FrameKind::Binary); }
// Likewise for a status byte (Active, Deleted, Superseded).
constexpr bool is_known_status(std::uint8_t status) noexcept {
  return status <= static_cast<std::uint8_t>(FrameStatus::Superseded);
}

}  // namespace memvid
