#pragma once
// What kind of file a path holds, from its first bytes: a memory (a header magic in either
// header copy, valid or not), an encrypted capsule, an empty file, or something else. Every
// command asks this before it trusts, and above all before it writes, a file; a file that is
// not a memory is refused with the same words everywhere (not_a_memory).
#include <cstdint>
#include <span>
#include <string>

#include "memvid/error.hpp"

namespace memvid::format {

inline constexpr char kHeaderMagic[8] = {'M', 'V', '2', 'H', 'E', 'A', 'D', '\0'};
inline constexpr char kCapsuleMagic[8] = {'M', 'V', '2', 'C', 'A', 'P', 'S', '\0'};
// How much of the file identify() looks at: both header copies' magic.
inline constexpr std::size_t kIdentifyBytes = 1024;

enum class FileKind { Memory, Capsule, Empty, Foreign };

// head: the file's first min(size, kIdentifyBytes) bytes.
FileKind identify(std::span<const std::uint8_t> head, std::uint64_t size) noexcept;

// The refusal for a file of another kind than a memory: Encrypted for a capsule ("run
// `memvid unlock`"), NotAMemory otherwise, naming the path and what the file looks like.
// It always says that nothing was changed: callers throw it before writing anything.
Error not_a_memory(const std::string& path, FileKind kind, std::span<const std::uint8_t> head, std::uint64_t size);

// A few words on what a foreign file looks like ("a PDF document", "text", "zeros"), from its
// first bytes.
std::string describe_foreign(std::span<const std::uint8_t> head);

}  // namespace memvid::format
