// The Flat layout: the stored floats (checked finite as they are copied) and an exact scan.
// Both other layouts fall back to these: HNSW keeps the floats too, and scans when its
// graph walk comes back short.
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
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

}  // namespace vec

std::vector<Cand> VecSegment::Impl::exact(const float* q, std::size_t k, const Accept& accept) const {
  TopK top(k);
  const auto rows_n = static_cast<std::uint32_t>(rows());
  if (!in_place()) {
    for (std::uint32_t r = 0; r < rows_n; ++r) {
      if (!admit(accept, r)) continue;
      top.offer({score(q, r), r});
    }
    return top.take();
  }
  // A scan reads every row: its blocks are checked in one pass, then the rows are read
  // directly (each scale still checked as it is used).
  if (accept) touch(keys_at, 8 * std::uint64_t{rows_n});
  touch(scales_at, std::uint64_t{rows_n} * (4 + std::uint64_t{dim}));
  for (std::uint32_t r = 0; r < rows_n; ++r) {
    if (accept && !accept(key_frame(format::load_u64(seg_bytes + keys_at + 8 * std::uint64_t{r})))) continue;
    float scale;
    std::memcpy(&scale, seg_bytes + scales_at + 4 * std::uint64_t{r}, 4);
    if (!std::isfinite(scale) || scale < 0) fail("row " + std::to_string(r) + " has a bad vector scale");
    const auto* c = reinterpret_cast<const std::int8_t*>(seg_bytes + codes_at + std::uint64_t{r} * dim);
    top.offer({vec::dot_q8(q, c, scale, dim), r});
  }
  return top.take();
}

}  // namespace memvid::index
