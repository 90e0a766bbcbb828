// libFuzzer target: arbitrary bytes opened as a memory, read-only (Strict) and as a
// recovering writer (AutoTruncate), then every read the API offers. Anything but a
// memvid::Error is a bug: a crash, a sanitizer report, a hang or a huge allocation.
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "maintenance/salvage.hpp"
#include "memvid/facts.hpp"
#include "memvid/files.hpp"
#include "memvid/memvid.hpp"

namespace {

// The smallest in-memory Env: one file, no faults, locks always granted.
class BytesFile final : public memvid::File {
 public:
  explicit BytesFile(std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    if (offset >= bytes_.size()) return 0;
    std::size_t n = std::min<std::size_t>(len, bytes_.size() - offset);
    std::memcpy(buf, bytes_.data() + offset, n);
    return n;
  }
  void write_at(std::uint64_t offset, const void* buf, std::size_t len) override {
    if (offset + len > (64u << 20)) throw memvid::Error(memvid::ErrorCode::NoSpace, "fuzz file limit");
    if (bytes_.size() < offset + len) bytes_.resize(offset + len);
    std::memcpy(bytes_.data() + offset, buf, len);
  }
  void sync() override {}
  std::uint64_t size() override { return bytes_.size(); }
  void truncate(std::uint64_t size) override { bytes_.resize(size); }
  bool try_lock(std::uint64_t, memvid::LockKind) override { return true; }
  void unlock(std::uint64_t) override {}
  bool is_locked_elsewhere(std::uint64_t, memvid::LockKind) override { return false; }

 private:
  std::vector<std::uint8_t>& bytes_;
};

class BytesEnv final : public memvid::Env {
 public:
  std::vector<std::uint8_t> bytes;
  std::unique_ptr<memvid::File> open(const std::string&, memvid::OpenMode) override {
    return std::make_unique<BytesFile>(bytes);
  }
  bool exists(const std::string& path) override { return path == "/fuzz.mv2"; }
  void remove(const std::string&) override {}
  std::string create_temp(const std::string&, unsigned) override {
    throw memvid::Error(memvid::ErrorCode::Io, "the fuzzer's file is read-only");
  }
  void commit_temp(const std::string&, const std::string&, bool) override {}
  void discard_temp(const std::string&) override {}
  bool same_file(memvid::File&, const std::string&) override { return true; }
  std::int64_t now_ms() override { return 0; }
  void sleep_ms(int) override {}
};

void read_everything(memvid::Memvid& m) {
  std::uint64_t n = std::min<std::uint64_t>(m.frame_count(), 64);
  for (std::uint64_t id = 0; id < n; ++id) {
    try {
      m.frame(id);
    } catch (const memvid::Error&) {
    }
  }
  try {
    memvid::Facts facts(m);
    memvid::FactQuery all;
    all.history = true;
    all.limit = 256;
    facts.list(all);
    facts.entities();
    facts.follow(memvid::FollowQuery{"alice", "", 2, memvid::FollowQuery::Direction::Both});
  } catch (const memvid::Error&) {
  }
  try {
    memvid::TimelineQuery q;
    q.include_inactive = true;
    q.limit = 64;
    m.timeline(q);
    m.stats();
  } catch (const memvid::Error&) {
  }
  // Searching decodes every index structure: dictionary blocks, skip tables, postings,
  // positions (phrases), keyword terms (filters) and time segments (dates).
  memvid::FindOptions lex;
  lex.mode = memvid::SearchMode::Lex;
  for (const char* query : {"the quick", "\"brown fox\"", "tag:a OR uri:mv2", "date:[* TO 2030-01-01] x"}) {
    try {
      m.find(query, lex);
    } catch (const memvid::Error&) {
    }
  }
  // Vector parts (Flat lists, HNSW graphs, IVF-PQ lists and codes) with a query vector of the
  // memory's dimension, and the fusion of both sides.
  try {
    const memvid::Stats st = m.stats();
    if (st.embedding_dimension > 0 && st.embedding_dimension <= 4096) {
      memvid::FindOptions sem;
      sem.mode = memvid::SearchMode::Sem;
      sem.query_vector.assign(st.embedding_dimension, 0.5f);
      sem.query_vector[0] = -1.0f;
      m.find("", sem);
      sem.mode = memvid::SearchMode::Auto;
      m.find("quick fox", sem);
    }
  } catch (const memvid::Error&) {
  }
}

}  // namespace

// verify and the doctor's salvage read damaged files by design: neither may crash, hang or
// allocate without bound on any bytes (the writer's open above is the other reader).
void check_integrity_readers(const std::shared_ptr<BytesEnv>& env) {
  try {
    memvid::VerifyOptions verify_options;
    verify_options.deep = true;
    verify_options.env = env;
    memvid::verify("/fuzz.mv2", verify_options);
    memvid::InspectOptions inspect_options;
    inspect_options.env = env;
    memvid::inspect_file("/fuzz.mv2", inspect_options);
  } catch (const memvid::Error&) {
  }
  try {
    memvid::maintenance::Salvager salvager(env, "/fuzz.mv2", memvid::maintenance::keep_every_record());
    memvid::maintenance::RewritePlan plan = salvager.plan();
    for (std::uint64_t id = 0; id < plan.frame_count && id < 64; ++id) plan.frame(id);
  } catch (const memvid::Error&) {
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    auto env = std::make_shared<BytesEnv>();
    env->bytes.assign(data, data + size);
    check_integrity_readers(env);
  }
  for (bool writer : {false, true}) {
    auto env = std::make_shared<BytesEnv>();
    env->bytes.assign(data, data + size);
    memvid::OpenOptions o;
    o.env = env;
    o.command = "fuzz";
    try {
      memvid::Memvid m = writer ? memvid::Memvid::open("/fuzz.mv2", o) : memvid::Memvid::open_read_only("/fuzz.mv2", o);
      read_everything(m);
      if (writer) {
        memvid::Document d;
        d.payload = "fuzz";
        d.timestamp_ms = 1;
        m.put(d);
        m.commit();
      }
    } catch (const memvid::Error&) {
    }
  }
  return 0;
}
