// The Hnsw layout: the floats plus a graph built by faiss's HNSW (in the vector-index
// plugin), stored as faiss keeps it (levels per row, neighbour slots per level), checked link
// by link when read, and walked by a search written here (see Impl::hnsw for why).
#include <algorithm>
#include <queue>
#include <stdexcept>

#include "index/vec/faiss_plugin.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Accept;
using vec::Cand;
using vec::TopK;
using vec::kMaxHnswLevels;

namespace vec {

void build_hnsw(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, const VecBuildOptions& o,
                Trailer& t, Sections& s) {
  const auto m = static_cast<std::uint64_t>(o.hnsw_m);
  // A prior graph is used only when it was built as this build would build it.
  const HnswGraph* prior = o.prior_graph;
  if (prior && (prior->m != static_cast<std::uint32_t>(o.hnsw_m) ||
                prior->ef_construction != static_cast<std::uint32_t>(o.hnsw_ef_construction) ||
                prior->levels.empty() || prior->levels.size() > rows))
    prior = nullptr;
  faiss_build_hnsw(vectors.data(), rows, dim, o.hnsw_m, o.hnsw_ef_construction, prior,
                   [&](const std::int32_t* levels, const std::size_t* offsets, const std::int32_t* neighbors,
                       std::int32_t entry, std::int32_t max_level) {
    s[kLevels].resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const int l = levels[i];
      if (l < 1 || l > static_cast<int>(kMaxHnswLevels) || offsets[i + 1] - offsets[i] != hnsw_slots(m, static_cast<std::uint64_t>(l)))
        throw std::logic_error("faiss built an HNSW graph of unexpected shape");
      s[kLevels][i] = static_cast<std::uint8_t>(l);
    }
    t.params[kHnswM] = static_cast<std::uint32_t>(o.hnsw_m);
    t.params[kHnswEfConstruction] = static_cast<std::uint32_t>(o.hnsw_ef_construction);
    t.params[kHnswEntry] = static_cast<std::uint32_t>(entry);
    t.params[kHnswMaxLevel] = static_cast<std::uint32_t>(max_level);
    // Version 3: every row's level-0 slots at a fixed place, then the upper levels of the rows
    // that have them, found through the upper-level index.
    if (t.version != kVersion) return put_array(s[kNeighbours], neighbors, offsets[rows]);
    s[kNeighbours].reserve(offsets[rows] * 4);
    for (std::size_t i = 0; i < rows; ++i) put_array(s[kNeighbours], neighbors + offsets[i], 2 * m);
    std::uint64_t first_upper = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const std::uint64_t upper = offsets[i + 1] - offsets[i] - 2 * m;
      if (upper == 0) continue;
      put_array(s[kNeighbours], neighbors + offsets[i] + 2 * m, static_cast<std::size_t>(upper));
      const std::uint64_t entry_at[2] = {i, first_upper};
      put_array(s[kUpperIndex], entry_at, 2);
      first_upper += upper;
    }
  });
}

}  // namespace vec

std::optional<vec::HnswGraph> VecSegment::hnsw_graph() const {
  const Impl& g = *impl_;
  if (g.layout != VecLayout::Hnsw) return std::nullopt;
  vec::HnswGraph out;
  out.m = g.m;
  out.ef_construction = g.ef_construction;
  out.entry = static_cast<std::int32_t>(g.entry);
  out.max_level = static_cast<std::int32_t>(g.max_level);
  const std::size_t n = g.rows();
  out.levels.resize(n);
  out.neighbors.reserve(n * 2 * g.m + n / 4);
  for (std::size_t r = 0; r < n; ++r) {
    const auto row = static_cast<std::uint32_t>(r);
    const std::uint32_t levels = g.level_count(row);
    out.levels[r] = static_cast<std::int32_t>(levels);
    for (std::uint32_t level = 0; level < levels; ++level) {
      const std::uint8_t* slots = g.links(row, level);
      const std::uint32_t count = level == 0 ? 2 * g.m : g.m;
      for (std::uint32_t j = 0; j < count; ++j) out.neighbors.push_back(static_cast<std::int32_t>(g.link(slots, j, level)));
    }
  }
  return out;
}

// Versions 1 and 2: faiss's layout, copied and checked link by link.
void VecSegment::Impl::decode_hnsw(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base_offset) {
  m = t.params[vec::kHnswM];
  ef_construction = t.params[vec::kHnswEfConstruction];
  entry = t.params[vec::kHnswEntry];
  max_level = t.params[vec::kHnswMaxLevel];
  const std::size_t n_rows = rows();
  const vec::Part& lp = t.parts[vec::kLevels];
  levels.assign(body.begin() + static_cast<std::ptrdiff_t>(lp.offset),
                body.begin() + static_cast<std::ptrdiff_t>(lp.offset + lp.length));
  offsets.resize(n_rows + 1);
  std::uint64_t slots = 0;
  std::uint8_t top = 0;
  for (std::size_t i = 0; i < n_rows; ++i) {
    const std::uint8_t l = levels[i];
    if (l == 0 || l > kMaxHnswLevels)
      fail("graph levels at file offset " + std::to_string(base_offset + lp.offset + i) + ": row " + std::to_string(i) +
           " has " + std::to_string(l) + " levels");
    top = std::max(top, l);
    offsets[i] = slots;
    slots += vec::hnsw_slots(m, l);
  }
  offsets[n_rows] = slots;
  const vec::Part& np = t.parts[vec::kNeighbours];
  if (slots != np.length / 4)
    fail("graph neighbours hold " + std::to_string(np.length / 4) + " slots; the levels call for " +
         std::to_string(slots));
  if (top != max_level + 1 || levels[entry] != top)
    fail("HNSW entry point " + std::to_string(entry) + " is not on the top level " + std::to_string(max_level));
  neighbours.resize(static_cast<std::size_t>(slots));
  std::memcpy(neighbours.data(), body.data() + np.offset, static_cast<std::size_t>(np.length));
  // A search follows a level-l link only into rows that have level l, and reads a row's
  // slots only within its own span: both hold for every slot checked here.
  const auto limit = static_cast<std::uint32_t>(n_rows);
  auto reject = [&](std::size_t i, std::uint64_t j) {
    const std::int32_t v = neighbours[offsets[i] + j];
    const std::uint64_t level = j < 2 * std::uint64_t{m} ? 0 : j / m - 1;
    fail("graph neighbours at file offset " + std::to_string(base_offset + np.offset + 4 * (offsets[i] + j)) + ": row " +
         std::to_string(i) + " links to " + std::to_string(v) + " on level " + std::to_string(level) +
         ", which is not a row of that level");
  };
  for (std::size_t i = 0; i < n_rows; ++i) {
    const std::int32_t* nb = neighbours.data() + offsets[i];
    // Level 0: every row has it, so a slot is good when it is -1 or a row number; unsigned
    // arithmetic maps -1 to 0 and every other negative past the limit.
    std::uint32_t bad = 0;
    for (std::uint32_t j = 0; j < 2 * m; ++j) bad |= static_cast<std::uint32_t>(static_cast<std::uint32_t>(nb[j]) + 1u > limit);
    if (bad)
      for (std::uint32_t j = 0; j < 2 * m; ++j)
        if (static_cast<std::uint32_t>(nb[j]) + 1u > limit) reject(i, j);
    const std::uint64_t count = vec::hnsw_slots(m, levels[i]);
    for (std::uint64_t j = 2 * std::uint64_t{m}; j < count; ++j) {
      const std::int32_t v = nb[j];
      if (v == -1) continue;
      if (v < 0 || static_cast<std::uint32_t>(v) >= limit || levels[static_cast<std::size_t>(v)] <= j / m - 1)
        reject(i, j);
    }
  }
}

// The usual HNSW walk (greedy descent through the upper levels, then a best-first search of
// level 0 with a candidate list of ef), written here rather than taken from faiss 1.7.3,
// whose search sizes its candidate heap from the shared hnsw.efSearch field and ignores the
// per-call efSearch: a per-query ef would mean mutating shared state. Rows accept() rejects
// are walked through but never returned. Returns the ef best rows found, best first, and
// sets seen to the number of rows the walk scored.
std::vector<Cand> VecSegment::Impl::hnsw_walk(const float* q, std::size_t ef, const Accept& accept,
                                              std::size_t& seen) const {
  const std::size_t rows_n = rows();
  std::uint32_t cur = entry;
  float cur_score = score(q, cur);
  for (std::uint32_t level = max_level; level >= 1; --level) {
    for (bool moved = true; moved;) {
      moved = false;
      const std::uint8_t* slots = links(cur, level);
      for (std::uint32_t j = 0; j < m; ++j) {
        const std::int64_t v = link(slots, j, level);
        if (v < 0) break;
        const float sv = score(q, static_cast<std::uint32_t>(v));
        if (sv > cur_score) {
          cur = static_cast<std::uint32_t>(v);
          cur_score = sv;
          moved = true;
        }
      }
    }
  }

  std::vector<std::uint64_t> visited((rows_n + 63) / 64);
  seen = 0;
  auto visit = [&](std::uint32_t r) {
    std::uint64_t& word = visited[r / 64];
    const std::uint64_t bit = std::uint64_t{1} << (r % 64);
    if (word & bit) return false;
    word |= bit;
    ++seen;
    return true;
  };
  auto admit_row = [&](std::uint32_t r) { return Impl::admit(accept, r); };
  std::priority_queue<std::pair<float, std::uint32_t>> candidates;  // best on top
  TopK found(ef);                                                 // accepted rows only
  visit(cur);
  candidates.push({cur_score, cur});
  if (admit_row(cur)) found.offer({cur_score, cur});
  while (!candidates.empty()) {
    const auto [cs, c] = candidates.top();
    // With a filter, keep walking until ef accepted rows are found: the rejected ones
    // still lead to the rest of the graph.
    if (found.size() > 0 && (found.full() || !accept) && cs < found.worst().score) break;
    candidates.pop();
    const std::uint8_t* slots = links(c, 0);
    for (std::uint32_t j = 0; j < 2 * m; ++j) {
      const std::int64_t link_to = link(slots, j, 0);
      if (link_to < 0) break;
      const auto v = static_cast<std::uint32_t>(link_to);
      if (!visit(v)) continue;
      const float sv = score(q, v);
      if (found.full() && !(sv > found.worst().score)) continue;
      candidates.push({sv, v});
      if (admit_row(v)) found.offer({sv, v});
    }
  }
  return found.take();
}

// A filter is asked about rows only after a walk without it: the walk's best rows, in order,
// until k pass. A filtered walk asks about every row it keeps (ef of them and more), and a
// filter's question costs a table-of-contents look-up in a large memory, more than scoring
// the row; most filters (liveness of an append-mostly memory) pass nearly every row. Only
// when fewer than k of the ef best rows pass does the walk run again with the filter, so
// that a filter passing few rows still finds what the graph links to.
std::vector<Cand> VecSegment::Impl::hnsw(const float* q, std::size_t k, const Accept& accept,
                                         const VecSearchOptions& o) const {
  const std::size_t rows_n = rows();
  const std::size_t ef = std::min(rows_n, std::max(o.ef_search, k));
  std::size_t seen = 0;
  if (accept) {
    std::vector<Cand> out = first_admitted(hnsw_walk(q, ef, nullptr, seen), k, accept);
    if (out.size() == k) return out;
  }
  std::vector<Cand> out = hnsw_walk(q, ef, accept, seen);
  // The walk reaches only what is linked to the entry point: when it comes back short and
  // rows were left unseen, a scan gives the exact answer instead.
  if (out.size() < k && seen < rows_n) return exact(q, k, accept);
  if (out.size() > k) out.resize(k);
  return out;
}
}  // namespace memvid::index
