#pragma once
// Terms as dense numbers, and a text's words as term numbers and positions: how analysis
// hands a frame's words to the lexical index.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/analyzer.hpp"

namespace memvid::index {

// Interns terms as dense ids: one hash probe per distinct term of a document, and no
// allocation per lookup (ingest spends most of its time here).
class TermTable {
 public:
  std::uint32_t intern(std::string_view term);
  // The same, with the term's hash already known (hash(id) of another table).
  std::uint32_t intern(std::string_view term, std::uint64_t hash);
  std::string_view term(std::uint32_t id) const { return {arena_.data() + spans_[id].first, spans_[id].second}; }
  std::uint64_t hash(std::uint32_t id) const { return hashes_[id]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(spans_.size()); }

 private:
  void grow();
  std::vector<std::uint32_t> slots_;  // 0: empty, else id + 1
  std::vector<std::uint64_t> hashes_;
  std::string arena_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;
};

// A text's words as the lexical index keeps them: a term number in its frame's vocabulary
// and a word position each. A frame is analyzed whole before it is indexed (a 100 MB text is
// one frame), and this costs 8 bytes a word where analyzer tokens cost a string and three
// numbers each.
struct TermPositions {
  std::vector<std::uint32_t> terms;  // into the frame's vocabulary
  std::vector<std::uint32_t> positions;
  std::size_t size() const { return terms.size(); }
};

// Analyzes text into out, its terms interned in vocabulary; scratch is reused between calls.
void analyze_into(const text::Analyzer& analyzer, std::string_view text, TermTable& vocabulary, TermPositions& out,
                  std::vector<text::Token>& scratch);

}  // namespace memvid::index
