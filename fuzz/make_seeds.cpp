// Writes small valid memories (64 KiB WAL) as a seed corpus for memvid_open_fuzzer, so the
// fuzzer starts from files that pass the checksums and explores deep into recovery.
//   usage: memvid_fuzz_seeds DIR
#include <cstdio>
#include <string>

#include "memvid/facts.hpp"
#include "memvid/memvid.hpp"

using namespace memvid;

// vector_rows > 0: the memory holds caller vectors (8 dimensions), so its index has a vector
// part whatever model is installed; compressed makes it IVF-PQ (from 1,024 rows).
static void make(const std::string& path, int frames, bool leave_wal, bool compressed = false) {
  std::remove(path.c_str());
  CreateOptions c;
  c.wal_bytes = 64 * 1024;
  c.open.sync = SyncMode::Off;
  c.embedding_model = "custom:seed";
  c.vector_compression = compressed;
  Memvid m = Memvid::create(path, c);
  for (int i = 0; i < frames; ++i) {
    Document d;
    // Common words give multi-block posting lists (skip tables); positions feed phrases.
    d.payload = i >= 20 ? "the quick brown fox " + std::to_string(i % 7)
                        : "seed document " + std::to_string(i) + std::string(static_cast<std::size_t>(i) * 30, 'a' + i % 26);
    // Facts, for the fact parts: a person per few frames, who changes employer.
    if (i % 3 == 0) d.payload += ". Alice works at Acme" + std::to_string(i % 5) + ". She loves sushi. Bob is Alice's brother.";
    // Some read only later, by enrich: enrichment frames and fact rows with a source frame.
    if (i % 6 == 3) d.extract_facts = false;
    d.uri = "mv2://seed/" + std::to_string(i % 3);
    d.title = "seed " + std::to_string(i);
    d.tags = {"tag"};
    d.metadata_json = R"({"i":1})";
    d.timestamp_ms = i;
    for (int k = 0; k < 8; ++k) d.embedding.push_back(static_cast<float>((i * 7 + k * 13) % 17) - 8.0f);
    if (compressed) {
      d.payload = "v" + std::to_string(i);
      d.uri.clear();
      d.metadata_json.clear();
    }
    m.put(d);
    if (i % 4 == 3 && (!compressed || i % 512 == 511)) m.commit();
  }
  if (frames > 3 && !compressed) {
    EnrichOptions e;
    e.batch_frames = 4;
    Facts(m).enrich(e);
  }
  if (frames > 2) m.delete_frame(1);
  if (frames > 3) {
    Document u;
    u.payload = "updated";
    m.update(2, u);
  }
  if (leave_wal) std::quick_exit(0);  // no close: committed transactions stay in the WAL
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  make(dir + "/empty.mv2", 0, false);
  make(dir + "/small.mv2", 6, false);
  make(dir + "/checkpointed.mv2", 13, false);
  make(dir + "/indexed.mv2", 300, false);
  make(dir + "/compressed.mv2", 1100, false, true);
  make(dir + "/pending-wal.mv2", 7, true);  // last: it ends the process
}
