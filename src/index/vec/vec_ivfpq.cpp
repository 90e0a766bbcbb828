// The IvfPq layout: faiss's IVF-PQ (inner product, residual codes), trained on an even
// sample of the rows with one thread and fixed seeds so a build is deterministic; stored as
// coarse centroids, PQ centroids, inverted lists and codes, and rebuilt into a faiss index
// from the checked arrays when read.
#include <algorithm>
#include <exception>
#include <stdexcept>

#include <faiss/IndexFlat.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/invlists/InvertedLists.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/bytes.hpp"
#include "index/varint.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Accept;
using vec::Cand;
using vec::idx_t;
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

// Squared L2 distances from x (d floats) to `count` points stored transposed (d rows of
// count floats, count a multiple of 4), summed in coordinate order like faiss's reference
// loop. The kernel of k-means on PQ sub-vectors and of PQ encoding: on rows of 4 floats,
// faiss's BLAS path spends more time in its thread pool than computing, and its packaged
// scalar path computes one distance at a time.
void l2_to_all(const float* x, const float* transposed, std::size_t d, std::size_t count, float* out) {
  std::size_t c = 0;
#if defined(__SSE__)
  for (; c + 4 <= count; c += 4) {
    __m128 acc = _mm_setzero_ps();
    for (std::size_t j = 0; j < d; ++j) {
      const __m128 diff = _mm_sub_ps(_mm_set1_ps(x[j]), _mm_loadu_ps(transposed + j * count + c));
      acc = _mm_add_ps(acc, _mm_mul_ps(diff, diff));
    }
    _mm_storeu_ps(out + c, acc);
  }
#endif
  for (; c < count; ++c) {
    float acc = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const float diff = x[j] - transposed[j * count + c];
      acc += diff * diff;
    }
    out[c] = acc;
  }
}

std::vector<float> transpose(const float* rows, std::size_t n, std::size_t d) {
  std::vector<float> t(n * d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) t[j * n + i] = rows[i * d + j];
  return t;
}

// The nearest centroid of each point: the assignment step of faiss's k-means for the PQ
// sub-quantizers (ProductQuantizer::assign_index).
struct NearestL2 final : faiss::Index {
  explicit NearestL2(idx_t dimension) : faiss::Index(dimension, faiss::METRIC_L2) {}
  void add(idx_t n, const float* x) override {
    points.insert(points.end(), x, x + static_cast<std::size_t>(n * d));
    ntotal += n;
    transposed = transpose(points.data(), static_cast<std::size_t>(ntotal), static_cast<std::size_t>(d));
  }
  void reset() override {
    points.clear();
    transposed.clear();
    ntotal = 0;
  }
  void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
              const faiss::SearchParameters* = nullptr) const override {
    if (k != 1) throw std::logic_error("NearestL2 finds one neighbour");
    const auto dd = static_cast<std::size_t>(d), count = static_cast<std::size_t>(ntotal);
    for (idx_t i = 0; i < n; ++i) {
      const float* xi = x + static_cast<std::size_t>(i) * dd;
      float best = std::numeric_limits<float>::infinity();
      std::size_t arg = count;
      std::size_t c = 0;
#if defined(__SSE2__)
      // Four running minima, one per lane; strict < keeps each lane's first minimum.
      __m128 lane_best = _mm_set1_ps(best);
      __m128i lane_arg = _mm_setzero_si128(), at = _mm_setr_epi32(0, 1, 2, 3);
      const __m128i four = _mm_set1_epi32(4);
      for (; c + 4 <= count && count <= 0x7FFFFFFF; c += 4) {
        __m128 acc = _mm_setzero_ps();
        for (std::size_t j = 0; j < dd; ++j) {
          const __m128 diff = _mm_sub_ps(_mm_set1_ps(xi[j]), _mm_loadu_ps(transposed.data() + j * count + c));
          acc = _mm_add_ps(acc, _mm_mul_ps(diff, diff));
        }
        const __m128i less = _mm_castps_si128(_mm_cmplt_ps(acc, lane_best));
        lane_best = _mm_min_ps(acc, lane_best);
        lane_arg = _mm_or_si128(_mm_and_si128(less, at), _mm_andnot_si128(less, lane_arg));
        at = _mm_add_epi32(at, four);
      }
      alignas(16) float lb[4];
      alignas(16) std::int32_t la[4];
      _mm_store_ps(lb, lane_best);
      _mm_store_si128(reinterpret_cast<__m128i*>(la), lane_arg);
      for (int j = 0; j < 4 && c > 0; ++j) {
        const auto a = static_cast<std::size_t>(la[j]);
        if (lb[j] < best || (lb[j] == best && a < arg)) {
          best = lb[j];
          arg = a;
        }
      }
#endif
      for (; c < count; ++c) {
        float acc = 0;
        for (std::size_t j = 0; j < dd; ++j) {
          const float diff = xi[j] - transposed[j * count + c];
          acc += diff * diff;
        }
        if (acc < best) {
          best = acc;
          arg = c;
        }
      }
      distances[i] = best;
      labels[i] = arg == count ? -1 : static_cast<idx_t>(arg);
    }
  }
  std::vector<float> points, transposed;
};

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

  OneOmpThread one;
  faiss::IndexFlatIP quantizer(static_cast<idx_t>(p.padded_dim));
  faiss::IndexIVFPQ ivf(&quantizer, p.padded_dim, p.nlist, p.m, p.nbits, faiss::METRIC_INNER_PRODUCT);
  ivf.own_fields = false;
  ivf.by_residual = true;
  ivf.do_polysemous_training = false;
  ivf.cp.niter = kCoarseIterations;
  ivf.pq.cp.niter = kPqIterations;
  // Residuals beyond 40 per PQ centroid are subsampled by faiss with its fixed seed.
  ivf.pq.cp.max_points_per_centroid = static_cast<int>(kPqPointsPerCentroid);
  NearestL2 pq_assign(static_cast<idx_t>(p.dsub));
  ivf.pq.assign_index = &pq_assign;
  ivf.verbose = false;
  ivf.train(static_cast<idx_t>(p.train_rows), sample.data());
  ivf.pq.assign_index = nullptr;
  sample = {};
  const std::size_t ksub = std::size_t{1} << p.nbits;
  if (quantizer.ntotal != static_cast<idx_t>(p.nlist) || ivf.pq.centroids.size() != std::size_t{p.m} * ksub * p.dsub ||
      ivf.code_size != (std::size_t{p.m} * p.nbits + 7) / 8)
    throw std::logic_error("faiss trained an IVF-PQ index of unexpected shape");

  // Encoding, as IndexIVFPQ::add would: each row's nearest coarse centroid by inner product,
  // then the PQ code of its residual, packed by faiss from a table of distances.
  std::vector<idx_t> list_of(rows);
  quantizer.assign(static_cast<idx_t>(rows), x, list_of.data());
  std::vector<std::vector<float>> tables(p.m);
  for (std::uint32_t q = 0; q < p.m; ++q) tables[q] = transpose(ivf.pq.get_centroids(q, 0), ksub, p.dsub);
  const float* coarse = quantizer.get_xb();
  std::vector<std::uint8_t> codes(rows * ivf.code_size);
  std::vector<float> residual(p.padded_dim), dist(std::size_t{p.m} * ksub);
  std::vector<std::uint32_t> list_sizes(p.nlist);
  for (std::size_t r = 0; r < rows; ++r) {
    const idx_t l = list_of[r];
    if (l < 0 || l >= static_cast<idx_t>(p.nlist)) throw std::logic_error("faiss assigned a row to no list");
    ++list_sizes[static_cast<std::size_t>(l)];
    const float* c = coarse + static_cast<std::size_t>(l) * p.padded_dim;
    for (std::size_t j = 0; j < p.padded_dim; ++j) residual[j] = x[r * p.padded_dim + j] - c[j];
    for (std::uint32_t q = 0; q < p.m; ++q)
      l2_to_all(residual.data() + std::size_t{q} * p.dsub, tables[q].data(), p.dsub, ksub, dist.data() + q * ksub);
    ivf.pq.compute_code_from_distance_table(dist.data(), codes.data() + r * ivf.code_size);
  }

  put_array(s[kCoarse], coarse, std::size_t{p.nlist} * p.padded_dim);
  put_array(s[kPqCentroids], ivf.pq.centroids.data(), ivf.pq.centroids.size());
  // Lists in order, rows ascending in each (a counting sort by list).
  std::vector<std::size_t> start(p.nlist + 1);
  for (std::uint32_t l = 0; l < p.nlist; ++l) start[l + 1] = start[l] + list_sizes[l];
  std::vector<std::uint32_t> order(rows);
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (std::size_t r = 0; r < rows; ++r) order[at[static_cast<std::size_t>(list_of[r])]++] = static_cast<std::uint32_t>(r);
  }
  s[kCodes].resize(rows * ivf.code_size);
  for (std::uint32_t l = 0; l < p.nlist; ++l) {
    put_varint(s[kLists], list_sizes[l]);
    std::uint32_t prev = 0;
    for (std::size_t j = start[l]; j < start[l + 1]; ++j) {
      put_varint(s[kLists], order[j] - prev);
      prev = order[j];
      std::memcpy(s[kCodes].data() + j * ivf.code_size, codes.data() + std::size_t{order[j]} * ivf.code_size,
                  ivf.code_size);
    }
  }
  t.params[kPqLists] = p.nlist;
  t.params[kPqSubquantizers] = p.m;
  t.params[kPqBits] = p.nbits;
  t.params[kPqSubDim] = p.dsub;
}

namespace {

// Hands faiss the caller's accept() by row number; an exception from accept() is kept and
// rethrown after the search rather than thrown through faiss.
struct AcceptSelector final : faiss::IDSelector {
  AcceptSelector(const std::vector<std::uint64_t>& f, const Accept& a) : frames(f), accept(a) {}
  bool is_member(idx_t id) const override {
    if (error || id < 0 || static_cast<std::uint64_t>(id) >= frames.size()) return false;
    try {
      return accept(key_frame(frames[static_cast<std::size_t>(id)]));
    } catch (...) {
      error = std::current_exception();
      return false;
    }
  }
  const std::vector<std::uint64_t>& frames;
  const Accept& accept;
  mutable std::exception_ptr error;
};

}  // namespace
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
  std::vector<idx_t> ids(n);
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
      ids[filled++] = static_cast<idx_t>(row);
    }
    list_sizes[l] = static_cast<std::uint32_t>(count);
  }
  if (!r.done()) r.fail("bytes left after the last list");
  if (filled != n) fail("inverted lists hold " + std::to_string(filled) + " of " + std::to_string(n) + " rows");

  try {
    auto quantizer = std::make_unique<faiss::IndexFlatIP>(static_cast<idx_t>(padded_dim));
    quantizer->add(static_cast<idx_t>(nlist), coarse.data());
    ivf = std::make_unique<faiss::IndexIVFPQ>(quantizer.get(), padded_dim, nlist, pq_m, nbits,
                                              faiss::METRIC_INNER_PRODUCT);
    quantizer.release();
    ivf->own_fields = true;
    if (ivf->pq.centroids.size() != pq.size() || ivf->code_size != (std::size_t{pq_m} * nbits + 7) / 8)
      fail("PQ parameters do not match faiss's");
    ivf->pq.centroids.assign(pq.begin(), pq.end());
    ivf->by_residual = true;
    ivf->do_polysemous_training = false;
    ivf->is_trained = true;
    const std::uint8_t* codes = body.data() + t.parts[vec::kCodes].offset;
    std::size_t at = 0;
    for (std::uint32_t l = 0; l < nlist; ++l) {
      if (list_sizes[l] > 0) ivf->invlists->add_entries(l, list_sizes[l], ids.data() + at, codes + at * ivf->code_size);
      at += list_sizes[l];
    }
    ivf->ntotal = static_cast<idx_t>(n);
  } catch (const faiss::FaissException& e) {
    fail(std::string("faiss rejects the IVF-PQ parameters: ") + e.what());
  }
}

std::vector<Cand> VecSegment::Impl::ivfpq(const float* q, std::size_t k, const Accept& accept,
                                          const VecSearchOptions& o) const {
  std::vector<float> query(padded_dim, 0.0f);
  std::memcpy(query.data(), q, dim * sizeof(float));
  vec::AcceptSelector selector(frames, accept);
  std::size_t nprobe = std::clamp<std::size_t>(o.nprobe, 1, nlist);
  std::vector<idx_t> lists(nlist), labels(k);
  std::vector<float> list_scores(nlist), scores(k);
  std::vector<Cand> out;
  for (;;) {
    faiss::SearchParametersIVF params;
    params.nprobe = nprobe;
    params.sel = accept ? &selector : nullptr;
    // search_preassigned rather than search: search adds to faiss's global statistics,
    // which concurrent searches would race on.
    ivf->quantizer->search(1, query.data(), static_cast<idx_t>(nprobe), list_scores.data(), lists.data());
    ivf->search_preassigned(1, query.data(), static_cast<idx_t>(k), lists.data(), list_scores.data(), scores.data(),
                            labels.data(), false, &params, nullptr);
    if (selector.error) std::rethrow_exception(selector.error);
    out.clear();
    for (std::size_t j = 0; j < k; ++j) {
      const idx_t row = labels[j];
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
