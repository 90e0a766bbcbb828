// A writer for the crash tests. It makes random changes to a memory and prints one line per
// operation to stdout, flushed at once:
//   TRY <op> <args>   before an operation starts
//   ACK <op> <args>   after it returned (the change is acknowledged)
// The test kills it with SIGKILL at a random moment and checks the file against the ACKs.
// Payloads are a pure function of the frame id, so the test can check every byte.
//   usage: memvid_crash_writer FILE SEED SYNC(full|normal|off)
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "memvid/memvid.hpp"
#include "helpers/crash_payload.hpp"

using namespace memvid;

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  std::string path = argv[1];
  std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
  std::string sync = argv[3];
  OpenOptions o;
  o.sync = sync == "full" ? SyncMode::Full : sync == "normal" ? SyncMode::Normal : SyncMode::Off;
  o.lock_timeout_ms = 5000;
  try {
    Memvid m = [&] {
      try {
        return Memvid::open(path, o);
      } catch (const Error& e) {
        // A kill inside an earlier create leaves a file with no header: create replaces it.
        if (e.code() != ErrorCode::NotFound && e.code() != ErrorCode::Corrupt && e.code() != ErrorCode::NotAMemory) throw;
        CreateOptions c;
        c.open = o;
        return Memvid::create(path, c);
      }
    }();
    std::printf("OPEN %llu\n", static_cast<unsigned long long>(m.frame_count()));
    std::fflush(stdout);
    for (;;) {
      std::uint64_t count = m.frame_count();
      unsigned pick = static_cast<unsigned>(rng() % 20);
      if (pick < 14 || count == 0) {
        std::size_t n = 1 + rng() % (pick < 10 ? 1 : 40);
        std::vector<Document> docs;
        for (std::size_t i = 0; i < n; ++i) docs.push_back(crash_test::document_for(count + i));
        std::printf("TRY PUT %llu %zu\n", static_cast<unsigned long long>(count), n);
        std::fflush(stdout);
        if (n == 1) m.put(docs[0]); else m.put_many(docs);
        std::printf("ACK PUT %llu %zu\n", static_cast<unsigned long long>(count), n);
      } else if (pick < 17) {
        FrameId victim = rng() % count;
        if (m.frame_info(victim).status != FrameStatus::Active) continue;
        std::printf("TRY DEL %llu\n", static_cast<unsigned long long>(victim));
        std::fflush(stdout);
        m.delete_frame(victim);
        std::printf("ACK DEL %llu\n", static_cast<unsigned long long>(victim));
      } else {
        std::printf("TRY CKPT\n");
        std::fflush(stdout);
        m.commit();
        std::printf("ACK CKPT\n");
      }
      std::fflush(stdout);
    }
  } catch (const Error& e) {
    std::printf("ERROR %s\n", e.what());
    return 1;
  }
}
