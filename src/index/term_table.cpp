#include "index/term_table.hpp"

#include <algorithm>

#include <xxhash.h>

namespace memvid::index {

std::uint32_t TermTable::intern(std::string_view term) { return intern(term, XXH3_64bits(term.data(), term.size())); }

std::uint32_t TermTable::intern(std::string_view term, std::uint64_t h) {
  if ((spans_.size() + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const std::uint32_t s = slots_[i];
    if (s == 0) {
      const auto id = static_cast<std::uint32_t>(spans_.size());
      spans_.emplace_back(static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(term.size()));
      arena_.append(term);
      hashes_.push_back(h);
      slots_[i] = id + 1;
      return id;
    }
    if (hashes_[s - 1] == h && this->term(s - 1) == term) return s - 1;
  }
}

void TermTable::grow() {
  std::vector<std::uint32_t> slots(std::max<std::size_t>(1024, slots_.size() * 2), 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t id = 0; id < spans_.size(); ++id) {
    std::size_t i = hashes_[id] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }
  slots_ = std::move(slots);
}

void analyze_into(const text::Analyzer& analyzer, std::string_view text, TermTable& vocabulary, TermPositions& out,
                  std::vector<text::Token>& scratch) {
  scratch.clear();
  analyzer.analyze(text, scratch);
  out.terms.reserve(out.terms.size() + scratch.size());
  out.positions.reserve(out.positions.size() + scratch.size());
  for (const text::Token& t : scratch) {
    out.terms.push_back(vocabulary.intern(t.term));
    out.positions.push_back(t.position);
  }
}

}  // namespace memvid::index
