#include "embed/model_format.hpp"

#include <xxhash.h>

#include "format/block_checks.hpp"

namespace memvid::embed::mvem {
namespace {

std::uint64_t align_up(std::uint64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

}  // namespace

Layout plan(const Counts& c, std::uint32_t version) {
  Layout l;
  l.length[WordOffsets] = (static_cast<std::uint64_t>(c.words) + 1) * 4;
  l.length[WordBytes] = c.word_bytes;
  l.length[Vocabulary] = static_cast<std::uint64_t>(c.vocabulary_slots) * kSlotBytes;
  l.length[Stems] = static_cast<std::uint64_t>(c.stem_slots) * kSlotBytes;
  l.length[Scales] = static_cast<std::uint64_t>(c.words) * 4;
  l.length[Vectors] = static_cast<std::uint64_t>(c.words) * c.dimension;
  l.length[Source] = c.source_bytes;
  std::uint64_t at = kHeaderSize;
  for (std::size_t s = 0; s < section_count(version); ++s) {
    l.offset[s] = align_up(at);
    if (s == BlockSums) l.length[s] = format::block_sums_length(l.offset[s] - kHeaderSize);
    at = l.offset[s] + l.length[s];
  }
  l.file_size = at;
  return l;
}

std::uint32_t slots_for(std::uint32_t n) {
  const std::uint64_t want = static_cast<std::uint64_t>(n) + n / 2;
  std::uint64_t slots = 8;
  while (slots < want) slots *= 2;
  return static_cast<std::uint32_t>(slots);
}

std::uint64_t hash(std::span<const std::uint8_t> bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

void reseal(std::span<std::uint8_t> file) {
  if (file.size() < kHeaderSize) return;
  const std::uint32_t version = load_u32(file.data() + 8);
  if (version != kWholeCheckedVersion) {
    const std::uint8_t* entry = file.data() + kSectionTableOffset + 24 * BlockSums;
    const std::uint64_t offset = load_u64(entry), length = load_u64(entry + 8);
    if (offset >= kHeaderSize && offset <= file.size() && length <= file.size() - offset)
      format::fill_block_sums(file.subspan(kHeaderSize, offset - kHeaderSize), file.subspan(offset, length));
  }
  for (std::size_t s = 0; s < section_count(version); ++s) {
    std::uint8_t* entry = file.data() + kSectionTableOffset + 24 * s;
    const std::uint64_t offset = load_u64(entry);
    const std::uint64_t length = load_u64(entry + 8);
    if (offset > file.size() || length > file.size() - offset) return;
    store_u64(entry + 16, hash(file.subspan(offset, length)));
  }
  store_u64(file.data() + kHeaderHashOffset, hash(file.first(kHeaderHashOffset)));
}

}  // namespace memvid::embed::mvem
