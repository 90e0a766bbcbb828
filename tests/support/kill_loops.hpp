#pragma once
// Kill loops (a process killed at random moments, then the file checked) are the slowest
// tests under the sanitizers, where every process runs several times slower.
// MEMVID_SHORT_KILL_LOOPS=1 (scripts/test.sh sets it for the sanitizer run) runs each at its
// smallest useful size; the plain run keeps the full size and finds what the kills find.
#include <cstdlib>
#include <cstring>

namespace memvid::testing {

inline bool short_kill_loops() {
  const char* v = std::getenv("MEMVID_SHORT_KILL_LOOPS");
  return v && std::strcmp(v, "1") == 0;
}

}  // namespace memvid::testing
