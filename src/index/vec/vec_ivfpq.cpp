// The IvfPq layout: faiss's IVF-PQ (inner product, residual codes; in the vector-index
// plugin), trained on an even sample of the rows with one thread and fixed seeds so a build is
// deterministic; stored as coarse centroids, PQ centroids, inverted lists and codes, checked
// when read, and rebuilt into a faiss index from the checked arrays on the first search.
#include <algorithm>
#include <exception>
#include <stdexcept>

#include "format/bytes.hpp"
#include "index/vec/faiss_plugin.hpp"
#include "index/varint.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Accept;
using vec::Cand;
using vec::Section;
using vec::RawVector;
using vec::copy_finite;

namespace vec {
namespace {

constexpr std::uint32_t kSubVectorFloats = 4;  // 4 floats (16 bytes) -> one 8-bit code: 16x smaller
// faiss warns on stderr below 39 training points per centroid.
constexpr std::uint64_t kPqPointsPerCentroid = 40;
constexpr std::uint64_t kCoarseSamplePerList = 64;
constexpr int kCoarseIterations = 20;
constexpr int kPqIterations = 10;

struct PqPlan {
  std::uint32_t nlist, m, nbits, dsub, padded_dim;
  std::size_t train_rows;
};

// nlist: the power of two nearest sqrt(rows) (256 at 50K rows), so the coarse centroids
// stay a small part of the segment; sub-quantizers of 4 floats with 8-bit codes. Fewer
// rows than 40 per centroid (faiss trains badly and warns below 39) lower nlist and the
// code width, down to 4 bits at kMinPqRows.
PqPlan plan_pq(std::uint64_t rows, std::uint32_t dim) {
  PqPlan p{};
  p.dsub = kSubVectorFloats;
  p.m = (dim + p.dsub - 1) / p.dsub;
  p.padded_dim = p.m * p.dsub;
  const std::uint64_t cap = floor_pow2(rows / kPqPointsPerCentroid);
  p.nbits = static_cast<std::uint32_t>(std::min<std::uint64_t>(8, std::bit_width(cap) - 1));
  std::uint64_t nlist = 1;
  while ((nlist * 2) * (nlist * 2) <= 2 * rows) nlist *= 2;
  p.nlist = static_cast<std::uint32_t>(std::min<std::uint64_t>({nlist, cap, kMaxPqLists}));
  p.train_rows = static_cast<std::size_t>(
      std::min<std::uint64_t>(rows, std::max(kCoarseSamplePerList * p.nlist, kPqPointsPerCentroid << p.nbits)));
  return p;
}

}  // namespace

void build_ivfpq(std::span<const float> vectors, std::size_t rows, std::uint32_t dim, Trailer& t, Sections& s) {
  const PqPlan p = plan_pq(rows, dim);
  // Zero padding to a whole number of sub-quantizers (a no-op copy is skipped).
  std::vector<float> padded;
  const float* x = vectors.data();
  if (p.padded_dim != dim) {
    padded.assign(rows * p.padded_dim, 0.0f);
    for (std::size_t r = 0; r < rows; ++r) std::memcpy(&padded[r * p.padded_dim], &vectors[r * dim], dim * sizeof(float));
    x = padded.data();
  }
  // An even stride over the rows: deterministic, and it spans the whole run of frames.
  std::vector<float> sample(p.train_rows * p.padded_dim);
  for (std::size_t i = 0; i < p.train_rows; ++i) {
    const std::size_t r = static_cast<std::size_t>(static_cast<std::uint64_t>(i) * rows / p.train_rows);
    std::memcpy(&sample[i * p.padded_dim], x + r * p.padded_dim, p.padded_dim * sizeof(float));
  }

  const std::size_t ksub = std::size_t{1} << p.nbits;
  const std::size_t code_size = (std::size_t{p.m} * p.nbits + 7) / 8;
  std::vector<float> coarse(std::size_t{p.nlist} * p.padded_dim), pq_centroids(std::size_t{p.m} * ksub * p.dsub);
  std::vector<std::int64_t> list_of(rows);
  std::vector<std::uint8_t> codes(rows * code_size);
  faiss_build_ivfpq(x, rows, sample.data(), p.train_rows, {p.padded_dim, p.nlist, p.m, p.nbits, p.dsub},
                    {kCoarseIterations, kPqIterations, static_cast<int>(kPqPointsPerCentroid)}, coarse.data(),
                    pq_centroids.data(), list_of.data(), codes.data());
  sample = {};
  std::vector<std::uint32_t> list_sizes(p.nlist);
  for (std::size_t r = 0; r < rows; ++r) {
    if (list_of[r] < 0 || list_of[r] >= static_cast<std::int64_t>(p.nlist)) throw std::logic_error("faiss assigned a row to no list");
    ++list_sizes[static_cast<std::size_t>(list_of[r])];
  }

  put_array(s[kCoarse], coarse.data(), coarse.size());
  put_array(s[kPqCentroids], pq_centroids.data(), pq_centroids.size());
  // Lists in order, rows ascending in each (a counting sort by list).
  std::vector<std::size_t> start(p.nlist + 1);
  for (std::uint32_t l = 0; l < p.nlist; ++l) start[l + 1] = start[l] + list_sizes[l];
  std::vector<std::uint32_t> order(rows);
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < rows; ++r) order[at[static_cast<std::size_t>(list_of[r])]++] = static_cast<std::uint32_t>(r);
  }
  s[kCodes].resize(rows * code_size);
  for (std::uint32_t l = 0; l < p.nlist; ++l) {
    put_varint(s[kLists], list_sizes[l]);
    std::uint32_t prev = 0;
    for (std::size_t j = start[l]; j < start[l + 1]; ++j) {
      put_varint(s[kLists], order[j] - prev);
      prev = order[j];
      std::memcpy(s[kCodes].data() + j * code_size, codes.data() + std::size_t{order[j]} * code_size,
                  code_size);
    }
  }
  t.params[kPqLists] = p.nlist;
  t.params[kPqSubquantizers] = p.m;
  t.params[kPqBits] = p.nbits;
  t.params[kPqSubDim] = p.dsub;
}

}  // namespace vec

void VecSegment::Impl::decode_ivfpq(const vec::Trailer& t, const std::vector<std::uint8_t>& body, std::uint64_t base) {
  const std::uint32_t pq_m = t.params[vec::kPqSubquantizers], nbits = t.params[vec::kPqBits];
  const std::size_t n = rows();
  auto section = [&](Section sec) {
    return std::span(body).subspan(t.parts[sec].offset, t.parts[sec].length);
  };
  RawVector<float> coarse, pq;
  if (!copy_finite(section(vec::kCoarse), coarse)) fail("a coarse centroid holds NaN or infinity");
  if (!copy_finite(section(vec::kPqCentroids), pq)) fail("a PQ centroid holds NaN or infinity");

  format::ByteReader r(section(vec::kLists), what + " inverted lists", base + t.parts[vec::kLists].offset);
  std::vector<std::uint32_t> list_sizes(nlist);
  std::vector<std::int64_t> ids(n);
  std::vector<std::uint64_t> seen((n + 63) / 64);
  std::size_t filled = 0;
  for (std::uint32_t l = 0; l < nlist; ++l) {
    const std::uint64_t count = r.varint();
    if (count > n - filled) r.fail("list " + std::to_string(l) + " holds more rows than the segment");
    std::uint64_t row = 0;
    for (std::uint64_t j = 0; j < count; ++j) {
      const std::uint64_t gap = r.varint();
      if (j > 0 && gap == 0) r.fail("rows of list " + std::to_string(l) + " do not ascend");
      if (gap >= n || row + gap >= n) r.fail("list " + std::to_string(l) + " names a row past the last");
      row = j == 0 ? gap : row + gap;
      std::uint64_t& word = seen[row / 64];
      const std::uint64_t bit = std::uint64_t{1} << (row % 64);
      if (word & bit) r.fail("row " + std::to_string(row) + " is in two lists");
      word |= bit;
      ids[filled++] = static_cast<std::int64_t>(row);
    }
    list_sizes[l] = static_cast<std::uint32_t>(count);
  }
  if (!r.done()) r.fail("bytes left after the last list");
  if (filled != n) fail("inverted lists hold " + std::to_string(filled) + " of " + std::to_string(n) + " rows");

  auto arrays = std::make_unique<IvfPqArrays>();
  arrays->shape = {padded_dim, nlist, pq_m, nbits, padded_dim / pq_m};
  arrays->coarse = std::move(coarse);
  arrays->pq = std::move(pq);
  arrays->list_sizes = std::move(list_sizes);
  arrays->ids = std::move(ids);
  const auto codes = section(vec::kCodes);
  arrays->codes.assign(codes.begin(), codes.end());
  ivf_arrays = std::move(arrays);
}

const vec::FaissIvfPq& VecSegment::Impl::ivf_index() const {
  // A failure (the plugin missing, faiss refusing the arrays) leaves the flag unset: the next
  // search tries again and reports the same error.
  std::call_once(ivf_built, [&] {
    const IvfPqArrays& a = *ivf_arrays;
    ivf = std::make_unique<vec::FaissIvfPq>(a.shape, a.coarse.data(), a.pq.data(), a.pq.size(), a.list_sizes.data(),
                                            a.ids.data(), a.codes.data(), rows(), what);
    ivf_arrays.reset();
  });
  return *ivf;
}

std::vector<Cand> VecSegment::Impl::ivfpq(const float* q, std::size_t k, const Accept& accept,
                                          const VecSearchOptions& o) const {
  std::vector<float> query(padded_dim, 0.0f);
  std::memcpy(query.data(), q, dim * sizeof(float));
  std::function<bool(std::int64_t)> admit;
  if (accept) {
    admit = [&](std::int64_t row) {
      return row >= 0 && static_cast<std::uint64_t>(row) < frames.size() &&
             accept(key_frame(frames[static_cast<std::size_t>(row)]));
    };
  }
  const vec::FaissIvfPq& index = ivf_index();
  std::size_t nprobe = std::clamp<std::size_t>(o.nprobe, 1, nlist);
  std::vector<std::int64_t> labels(k);
  std::vector<float> scores(k);
  std::vector<Cand> out;
  for (;;) {
    index.search(query.data(), k, nprobe, admit, scores.data(), labels.data());
    out.clear();
    for (std::size_t j = 0; j < k; ++j) {
      const std::int64_t row = labels[j];
      if (row < 0 || static_cast<std::uint64_t>(row) >= rows()) continue;
      const float sc = scores[j] == scores[j] ? scores[j] : -std::numeric_limits<float>::infinity();
      out.push_back({sc, static_cast<std::uint32_t>(row)});
    }
    // Short with a filter or small lists: widen the probe until every list is visited.
    if (out.size() >= k || nprobe >= nlist) break;
    nprobe = std::min<std::size_t>(nlist, nprobe * 2);
  }
  std::sort(out.begin(), out.end(), vec::better);
  return out;
}

}  // namespace memvid::index
