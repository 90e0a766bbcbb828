// The Flat layout: the stored floats (checked finite as they are copied) and an exact scan.
// Both other layouts fall back to these: HNSW keeps the floats too, and scans when its
// graph walk comes back short.
#include <cmath>
#include <limits>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "format/bytes.hpp"
#include "index/vec/vec_segment_impl.hpp"

namespace memvid::index {

using vec::Accept;
using vec::Cand;
using vec::TopK;

namespace vec {

// Copies a section of floats out of the body and rejects NaN and infinity, which would make
// every score computed from them meaningless. One pass: this is most of a segment's bytes.
bool copy_finite(std::span<const std::uint8_t> bytes, RawVector<float>& out) {
  const std::size_t n = bytes.size() / sizeof(float);
  out.resize(n);
  const std::uint8_t* src = bytes.data();
  float* dst = out.data();
  constexpr std::uint32_t kExp = 0x7F800000u;  // all exponent bits set: infinity or NaN
  std::size_t i = 0;
  bool ok = true;
#if defined(__SSE2__)
  const __m128i exp = _mm_set1_epi32(static_cast<int>(kExp));
  __m128i bad = _mm_setzero_si128();
  for (; i + 4 <= n; i += 4) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 4 * i));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi32(_mm_and_si128(v, exp), exp));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), v);
  }
  ok = _mm_movemask_epi8(bad) == 0;
#endif
  for (; i < n; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, src + 4 * i, 4);
    ok = ok && (bits & kExp) != kExp;
    std::memcpy(dst + i, &bits, 4);
  }
  return ok;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
namespace {

// dot_q8 with the two 4-float accumulators of the SSE path as the halves of one AVX register:
// each lane sees the same products in the same order, so the result has the same bits.
__attribute__((target("avx2"))) float dot_q8_avx2(const float* q, const std::int8_t* codes, float scale,
                                                  std::size_t n) {
  std::size_t i = 0;
  const __m256 s8 = _mm256_set1_ps(scale);
  __m256 acc = _mm256_setzero_ps();
  for (; i + 8 <= n; i += 8) {
    std::int64_t eight;
    std::memcpy(&eight, codes + i, 8);
    const __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(eight))), s8);
    acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(q + i), v));
  }
  __m128 acc0 = _mm256_castps256_ps128(acc);
  const __m128 acc1 = _mm256_extractf128_ps(acc, 1);
  if (i + 4 <= n) {
    std::int32_t four;
    std::memcpy(&four, codes + i, 4);
    const __m128 v = _mm_mul_ps(_mm_cvtepi32_ps(_mm_cvtepi8_epi32(_mm_cvtsi32_si128(four))), _mm_set1_ps(scale));
    acc0 = _mm_add_ps(acc0, _mm_mul_ps(_mm_loadu_ps(q + i), v));
    i += 4;
  }
  acc0 = _mm_add_ps(acc0, acc1);
  alignas(16) float lane[4];
  _mm_store_ps(lane, acc0);
  float s = (lane[0] + lane[1]) + (lane[2] + lane[3]);
  for (; i < n; ++i) s += q[i] * (static_cast<float>(codes[i]) * scale);
  return s == s ? s : -std::numeric_limits<float>::infinity();
}

}  // namespace

DotQ8 fastest_dot_q8() {
  static const DotQ8 chosen = __builtin_cpu_supports("avx2") ? &dot_q8_avx2 : &dot_q8;
  return chosen;
}
#else
DotQ8 fastest_dot_q8() { return &dot_q8; }
#endif

}  // namespace vec

// A filter's question costs a table-of-contents look-up in a large memory, more than
// scoring the row, and a filtered scan asks it about every row that would rank (k plus about
// k ln(rows / k) of them). So the scan runs without it first, keeping a few spare rows, and
// the filter is asked about those in order: when k pass, they are the k best rows that pass
// (every row left out scores below all of them), the same answer a filtered scan gives. Only
// when too many of the best rows fail does the scan run again with the filter.
std::vector<Cand> VecSegment::Impl::exact(const float* q, std::size_t k, const Accept& accept) const {
  if (accept) {
    const std::size_t spare = std::min(rows(), k + k / 2 + 8);
    const std::vector<Cand> best = scan(q, spare, nullptr);
    std::vector<Cand> out = first_admitted(best, k, accept);
    if (out.size() == k || best.size() == rows()) return out;  // k passed, or every row was asked about
  }
  return scan(q, k, accept);
}

std::vector<Cand> VecSegment::Impl::first_admitted(const std::vector<Cand>& best, std::size_t k,
                                                   const Accept& accept) const {
  std::vector<Cand> out;
  out.reserve(k);
  for (const Cand& c : best) {
    if (out.size() == k) break;
    if (admit(accept, c.row)) out.push_back(c);
  }
  return out;
}

std::vector<Cand> VecSegment::Impl::scan(const float* q, std::size_t k, const Accept& accept) const {
  TopK top(k);
  const auto rows_n = static_cast<std::uint32_t>(rows());
  if (!in_place()) {
    for (std::uint32_t r = 0; r < rows_n; ++r) {
      const Cand c{score(q, r), r};
      if (top.would_take(c) && admit(accept, r)) top.offer(c);
    }
    return top.take();
  }
  // A scan reads every row: its blocks are checked in one pass, then the rows are read
  // directly (each scale still checked as it is used).
  if (accept) touch(keys_at, 8 * std::uint64_t{rows_n});
  touch(scales_at, std::uint64_t{rows_n} * (4 + std::uint64_t{dim}));
  for (std::uint32_t r = 0; r < rows_n; ++r) {
    float scale;
    std::memcpy(&scale, seg_bytes + scales_at + 4 * std::uint64_t{r}, 4);
    if (!std::isfinite(scale) || scale < 0) fail("row " + std::to_string(r) + " has a bad vector scale");
    const auto* c = reinterpret_cast<const std::int8_t*>(seg_bytes + codes_at + std::uint64_t{r} * dim);
    const Cand cand{fast_dot_q8(q, c, scale, dim), r};
    // The filter asks the memory about the row's frame: only for rows that would rank.
    if (!top.would_take(cand)) continue;
    if (accept && !accept(key_frame(format::load_u64(seg_bytes + keys_at + 8 * std::uint64_t{r})))) continue;
    top.offer(cand);
  }
  return top.take();
}

}  // namespace memvid::index
