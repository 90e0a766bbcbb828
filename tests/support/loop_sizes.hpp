#pragma once
// Loop sizes for the slowest tests. Kill loops (a process killed at random moments, then the
// file checked) and sampling loops (a byte flipped, a write failed, at many places of a file)
// dominate the sanitizer run, where every process and every open runs several times slower.
// MEMVID_SHORT_LOOPS=1 (scripts/test.sh sets it for the sanitizer run) runs each at a smaller
// sample: the sanitizers look for memory errors, which the first places already reach; the
// plain run keeps the full sizes and finds what the larger samples find.
#include <cstdlib>
#include <cstring>

namespace memvid::testing {

inline bool short_loops() {
  const char* v = std::getenv("MEMVID_SHORT_LOOPS");
  return v && std::strcmp(v, "1") == 0;
}

// Whether a sweep over `total` places (writes, bytes) tests place `k`: every place within
// `edge` of either end, and every `stride`-th one between, with the edge cut to a third and
// the stride tripled under MEMVID_SHORT_LOOPS.
inline bool sweep_takes(long k, long total, long edge, long stride) {
  if (short_loops()) {
    edge /= 3;
    stride *= 3;
  }
  return k <= edge || k >= total - edge || k % stride == 0;
}

}  // namespace memvid::testing
