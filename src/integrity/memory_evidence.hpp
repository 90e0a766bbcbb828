#pragma once
// Is this file a memory, even a badly damaged one? A header magic in either copy says so at
// once; without one (a wiped first page), an intact commit of ours somewhere in the file (a
// footer whose checksum holds and whose TOC, at the offset it names, hashes as recorded)
// does. Nothing else does: verify and doctor read, and doctor rewrites, only files with such
// evidence, so that a text file, a PDF or a capsule is never "repaired" into an empty memory.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/toc.hpp"
#include "memvid/env.hpp"

namespace memvid::integrity {

// A commit found by scanning: its footer (checksum good), and its TOC (at the offset the
// footer names, right before it, hashing as recorded and decoding, of the same generation).
struct FoundCommit {
  std::uint64_t footer_offset = 0;
  std::array<std::uint8_t, format::Footer::kEncodedSize> footer_bytes{};
  format::Footer footer;
  format::Manifest manifest;
};

// Every intact commit in [from, size), in file order; with stop_at_first, the first one only.
std::vector<FoundCommit> scan_commits(File& file, std::uint64_t from, std::uint64_t size, bool stop_at_first);

// Offsets of every occurrence of magic in [from, size), reading in large chunks.
std::vector<std::uint64_t> find_magic(File& file, std::uint64_t from, std::uint64_t size, std::string_view magic);

// Throws NotAMemory (or Encrypted for a capsule) unless the file carries a header magic or
// holds at least one intact commit. Reads the whole file only in the second case.
void require_memory_evidence(File& file, const std::string& path);

}  // namespace memvid::integrity
