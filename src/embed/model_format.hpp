#pragma once
// The built-in embedding model file (.mvem): word vectors ready to be summed, and the tables
// that find a word's vector without building anything at load time. Written once by
// memvid-model-convert (model_builder.cpp), memory-mapped and validated by WordModel
// (word_model.cpp). docs/MODEL.md describes the model; this is the byte layout.
//
// All integers little-endian. The header is followed by eight sections in the order below;
// each starts at the first multiple of 64 at or after the end of the previous one (the header
// for section 0), the bytes between are zero, and the file ends where the last section ends.
// So a header's counts and the two variable lengths (word bytes, source text) fix every
// offset: a reader recomputes the layout and refuses any other.
//
// header (320 bytes)
//     0   8  magic "MVEMBED\0"
//     8   4  format version (2; version 1, without section 7, is read)
//    12   4  header size (320)
//    16   4  dimension D                 1..4096
//    20   4  word count N                1..2^26; a word's id is its 0-based frequency rank
//    24   4  vocabulary slots V          slots_for(N): the smallest power of two >= 8 and >= N + N/2
//    28   4  stem slots S                slots_for(stems)
//    32   4  stems                       stem slots in use, <= N
//    36   4  removed components          principal directions removed at conversion (information)
//    40  64  model name                  printable ASCII, NUL padded, e.g. "builtin:wink-glove-100d-sif"
//   104 192  8 x {offset u64, length u64, XXH3-64 u64}: sections 0..7 below (version 1:
//            sections 0..6, then 24 zero bytes)
//   296  16  zero
//   312   8  XXH3-64 of header bytes 0..311
// sections
//   0 word offsets  (N + 1) x u32: word i is bytes [off[i], off[i+1]) of section 1;
//                   off[0] = 0, every word 1..255 bytes, off[N] = length of section 1 (< 2^32)
//   1 word bytes    the words (UTF-8, as the source spells them), concatenated
//   2 vocabulary    V x {tag u32, id u32}. h = XXH3-64(word); probing starts at slot h & (V-1)
//                   and moves to the next slot (wrapping); tag = h >> 32; id 0xFFFFFFFF = empty
//   3 stems         S x {tag u32, id u32}, the same scheme keyed by a Porter stem: id = the most
//                   frequent alphabetic word with that stem. Stems are not stored: a reader
//                   confirms a hit by stemming word id.
//   4 scales        N x f32, finite and >= 0: row i, dimension j holds scales[i] * q[i][j]
//   5 vectors       N x D x i8 (q), row-major; the writer uses -127..127
//   6 source        UTF-8 text: where the vectors came from, their licences, the conversion
//   7 block sums    XXH3-64 of each 4,096-byte block of the bytes from the end of the header
//                   to this section (the header has its own checksum; the last block may be short)
//
// Checksums make a damaged file fail to load (Corrupt) rather than give wrong vectors. A
// version 2 file is checked whole once, when it is installed (memvid-model-convert --check);
// a process that embeds a few queries checks the header, the layout and the block table at
// open, and each 4 KiB block the first time it reads from it (format/block_checks.hpp), with
// every word offset and scale checked as it is used: it reads ~1 MB of the 48 MB model.
// Version 1 files are checked whole at every open.
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace memvid::embed::mvem {

inline constexpr std::array<std::uint8_t, 8> kMagic = {'M', 'V', 'E', 'M', 'B', 'E', 'D', 0};
inline constexpr std::uint32_t kVersion = 2;
inline constexpr std::uint32_t kWholeCheckedVersion = 1;  // read: no block checksums
inline constexpr std::size_t kHeaderSize = 320;
inline constexpr std::size_t kNameOffset = 40;
inline constexpr std::size_t kNameSize = 64;
inline constexpr std::size_t kSectionTableOffset = 104;
inline constexpr std::size_t kHeaderHashOffset = 312;
inline constexpr std::size_t kAlignment = 64;
inline constexpr std::size_t kSectionCount = 8;
inline constexpr std::uint32_t kMaxDimension = 4096;
inline constexpr std::uint32_t kMaxWords = 1u << 26;
inline constexpr std::uint32_t kMaxSlots = 1u << 28;
inline constexpr std::size_t kMaxWordBytes = 255;
inline constexpr std::uint32_t kEmptySlot = 0xFFFFFFFFu;
inline constexpr std::size_t kSlotBytes = 8;

enum Section : std::size_t { WordOffsets, WordBytes, Vocabulary, Stems, Scales, Vectors, Source, BlockSums };
inline constexpr std::array<std::string_view, kSectionCount> kSectionNames = {
    "word offsets", "word bytes", "vocabulary", "stems", "scales", "vectors", "source", "block checksums"};
// The sections a version has (version 1 has no block checksums).
inline constexpr std::size_t section_count(std::uint32_t version) { return version == kWholeCheckedVersion ? 7 : 8; }

struct Counts {
  std::uint32_t dimension = 0;
  std::uint32_t words = 0;
  std::uint32_t vocabulary_slots = 0;
  std::uint32_t stem_slots = 0;
  std::uint64_t word_bytes = 0;
  std::uint64_t source_bytes = 0;
};

struct Layout {
  std::array<std::uint64_t, kSectionCount> offset{};
  std::array<std::uint64_t, kSectionCount> length{};
  std::uint64_t file_size = 0;
};

// Where each section goes in a file of a version. Counts must be within the limits above (no
// overflow then).
Layout plan(const Counts& counts, std::uint32_t version = kVersion);

// The smallest power of two >= n + n/2 and >= 8: the slot count for n keys.
std::uint32_t slots_for(std::uint32_t n);

std::uint64_t hash(std::span<const std::uint8_t> bytes);
inline std::uint64_t hash(std::string_view s) {
  return hash(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// Recomputes the block checksums (version 2), every section checksum and the header checksum
// of a complete file in place, so
// tests can build hostile files that pass the checksums. Requires size >= kHeaderSize and a
// section table that lies within the file (it does nothing otherwise).
void reseal(std::span<std::uint8_t> file);

inline std::uint32_t load_u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
inline std::uint64_t load_u64(const std::uint8_t* p) {
  return static_cast<std::uint64_t>(load_u32(p)) | static_cast<std::uint64_t>(load_u32(p + 4)) << 32;
}
inline float load_f32(const std::uint8_t* p) {
  const std::uint32_t bits = load_u32(p);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
inline void store_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void store_u64(std::uint8_t* p, std::uint64_t v) {
  store_u32(p, static_cast<std::uint32_t>(v));
  store_u32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

}  // namespace memvid::embed::mvem
