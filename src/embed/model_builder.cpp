#include "embed/model_builder.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "embed/all_but_the_top.hpp"
#include "embed/model_format.hpp"
#include "embed/word_forms.hpp"
#include "memvid/error.hpp"

namespace memvid::embed {
namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::InvalidArgument, "word-model conversion: " + message);
}

void validate(const WordTable& t, const BuildOptions& o) {
  if (t.dimension == 0 || t.dimension > mvem::kMaxDimension)
    invalid("dimension " + std::to_string(t.dimension) + " is outside 1.." + std::to_string(mvem::kMaxDimension));
  if (t.words.empty() || t.words.size() > mvem::kMaxWords)
    invalid(std::to_string(t.words.size()) + " words; the format holds 1.." + std::to_string(mvem::kMaxWords));
  if (t.vectors.size() != t.words.size() * t.dimension)
    invalid(std::to_string(t.vectors.size()) + " vector values for " + std::to_string(t.words.size()) +
            " words of dimension " + std::to_string(t.dimension));
  std::unordered_set<std::string_view> seen;
  seen.reserve(t.words.size());
  for (std::size_t i = 0; i < t.words.size(); ++i) {
    const std::string& w = t.words[i];
    if (w.empty() || w.size() > mvem::kMaxWordBytes)
      invalid("word " + std::to_string(i) + " is " + std::to_string(w.size()) + " bytes (1..255 allowed)");
    if (!seen.insert(w).second) invalid("word '" + w + "' appears twice (again at rank " + std::to_string(i + 1) + ")");
  }
  for (std::size_t k = 0; k < t.vectors.size(); ++k) {
    if (!std::isfinite(t.vectors[k]))
      invalid("the vector of '" + t.words[k / t.dimension] + "' holds a value that is not finite");
  }
  if (o.name.empty() || o.name.size() >= mvem::kNameSize) invalid("model name must be 1..63 bytes");
  for (char c : o.name) {
    if (c < 0x21 || c > 0x7E) invalid("model name '" + o.name + "' must be printable ASCII without spaces");
  }
  if (o.remove_components > t.dimension)
    invalid("cannot remove " + std::to_string(o.remove_components) + " components of a " +
            std::to_string(t.dimension) + "-dimensional table");
}

// Open addressing as model_format.hpp specifies; keys arrive in increasing id order.
void insert_slot(std::uint8_t* slots, std::uint32_t slot_count, std::uint64_t h, std::uint32_t id) {
  std::uint32_t s = static_cast<std::uint32_t>(h) & (slot_count - 1);
  while (mvem::load_u32(slots + s * mvem::kSlotBytes + 4) != mvem::kEmptySlot) s = (s + 1) & (slot_count - 1);
  mvem::store_u32(slots + s * mvem::kSlotBytes, static_cast<std::uint32_t>(h >> 32));
  mvem::store_u32(slots + s * mvem::kSlotBytes + 4, id);
}

void clear_slots(std::uint8_t* slots, std::uint32_t slot_count) {
  for (std::uint32_t s = 0; s < slot_count; ++s) {
    mvem::store_u32(slots + s * mvem::kSlotBytes, 0);
    mvem::store_u32(slots + s * mvem::kSlotBytes + 4, mvem::kEmptySlot);
  }
}

}  // namespace

float quantize_row(std::span<const float> row, std::span<std::int8_t> q) {
  float max_abs = 0;
  for (float v : row) max_abs = std::max(max_abs, std::abs(v));
  if (max_abs == 0) {
    std::fill(q.begin(), q.end(), std::int8_t{0});
    return 0;
  }
  const float scale = max_abs / 127.0f;
  for (std::size_t j = 0; j < row.size(); ++j) {
    const long r = std::lround(row[j] / scale);
    q[j] = static_cast<std::int8_t>(std::clamp(r, -127L, 127L));
  }
  return scale;
}

std::vector<std::uint8_t> build_word_model(WordTable table, const BuildOptions& options) {
  validate(table, options);
  const std::uint32_t n = static_cast<std::uint32_t>(table.words.size());
  const std::uint32_t dim = table.dimension;
  if (options.center || options.remove_components > 0)
    all_but_the_top(table.vectors, n, dim, options.remove_components, options.center);

  // Most frequent alphabetic word per stem: ids are ranks, so the first one seen wins.
  std::unordered_map<std::string, std::uint32_t> by_stem;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> stems;  // (word id, hash of its stem)
  for (std::uint32_t id = 0; id < n; ++id) {
    std::size_t letters = 0;
    if (!is_alphabetic_word(table.words[id], letters)) continue;
    std::string stem = porter_stem(table.words[id]);
    if (stem.empty()) continue;
    const std::uint64_t h = mvem::hash(stem);
    if (by_stem.emplace(std::move(stem), id).second) stems.emplace_back(id, h);
  }

  mvem::Counts counts;
  counts.dimension = dim;
  counts.words = n;
  counts.vocabulary_slots = mvem::slots_for(n);
  counts.stem_slots = mvem::slots_for(static_cast<std::uint32_t>(stems.size()));
  for (const auto& w : table.words) counts.word_bytes += w.size();
  if (counts.word_bytes > 0xFFFFFFFFu) invalid("the words take " + std::to_string(counts.word_bytes) + " bytes; at most 2^32 - 1 fit");
  counts.source_bytes = options.source.size();
  const mvem::Layout layout = mvem::plan(counts);

  std::vector<std::uint8_t> out(layout.file_size, 0);
  auto section = [&](mvem::Section s) { return out.data() + layout.offset[s]; };

  std::uint8_t* offsets = section(mvem::WordOffsets);
  std::uint8_t* word_bytes = section(mvem::WordBytes);
  std::uint32_t at = 0;
  for (std::uint32_t id = 0; id < n; ++id) {
    mvem::store_u32(offsets + 4 * id, at);
    std::memcpy(word_bytes + at, table.words[id].data(), table.words[id].size());
    at += static_cast<std::uint32_t>(table.words[id].size());
  }
  mvem::store_u32(offsets + 4 * n, at);

  std::uint8_t* vocabulary = section(mvem::Vocabulary);
  clear_slots(vocabulary, counts.vocabulary_slots);
  for (std::uint32_t id = 0; id < n; ++id) insert_slot(vocabulary, counts.vocabulary_slots, mvem::hash(table.words[id]), id);

  std::uint8_t* stem_slots = section(mvem::Stems);
  clear_slots(stem_slots, counts.stem_slots);
  for (const auto& [id, h] : stems) insert_slot(stem_slots, counts.stem_slots, h, id);

  std::uint8_t* scales = section(mvem::Scales);
  auto* vectors = reinterpret_cast<std::int8_t*>(section(mvem::Vectors));
  for (std::uint32_t id = 0; id < n; ++id) {
    const float scale = quantize_row(std::span<const float>(table.vectors.data() + std::size_t{id} * dim, dim),
                                     std::span<std::int8_t>(vectors + std::size_t{id} * dim, dim));
    std::uint32_t bits;
    std::memcpy(&bits, &scale, sizeof bits);
    mvem::store_u32(scales + 4 * id, bits);
  }
  std::memcpy(section(mvem::Source), options.source.data(), options.source.size());

  std::uint8_t* h = out.data();
  std::copy(mvem::kMagic.begin(), mvem::kMagic.end(), h);
  mvem::store_u32(h + 8, mvem::kVersion);
  mvem::store_u32(h + 12, static_cast<std::uint32_t>(mvem::kHeaderSize));
  mvem::store_u32(h + 16, dim);
  mvem::store_u32(h + 20, n);
  mvem::store_u32(h + 24, counts.vocabulary_slots);
  mvem::store_u32(h + 28, counts.stem_slots);
  mvem::store_u32(h + 32, static_cast<std::uint32_t>(stems.size()));
  mvem::store_u32(h + 36, options.remove_components);
  std::memcpy(h + mvem::kNameOffset, options.name.data(), options.name.size());
  for (std::size_t s = 0; s < mvem::section_count(mvem::kVersion); ++s) {
    mvem::store_u64(h + mvem::kSectionTableOffset + 24 * s, layout.offset[s]);
    mvem::store_u64(h + mvem::kSectionTableOffset + 24 * s + 8, layout.length[s]);
  }
  mvem::reseal(out);
  return out;
}

}  // namespace memvid::embed
