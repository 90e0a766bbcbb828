#pragma once
// An in-memory Env that remembers which bytes reached "the disk" (were synced) and can
// inject failures at a chosen call: ENOSPC or EIO on the Nth write (optionally leaving a torn
// prefix behind), EIO on the Nth sync, and short reads. crash_image() returns what a power
// cut would leave: the synced bytes plus a random subset of the unsynced writes, some torn.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "memvid/env.hpp"
#include "memvid/error.hpp"

namespace memvid::testing {

struct PendingWrite {
  std::uint64_t offset;
  std::vector<std::uint8_t> bytes;
};

struct MemFileState {
  std::vector<std::uint8_t> current;
  std::vector<std::uint8_t> durable;
  std::vector<PendingWrite> unsynced;
};

class FaultEnv : public Env {
 public:
  std::unique_ptr<File> open(const std::string& path, OpenMode mode) override;
  bool exists(const std::string& path) override;
  void remove(const std::string& path) override;
  std::string create_temp(const std::string& beside, unsigned mode) override;
  void commit_temp(const std::string& temp, const std::string& dest, bool replace) override;
  void discard_temp(const std::string& temp) override;
  bool same_file(File& file, const std::string& path) override;
  std::int64_t now_ms() override { return now_ms_; }
  void sleep_ms(int ms) override { now_ms_ += ms; }

  // Faults. Counting starts at the next call; -1 disables.
  void fail_write_at(int nth, ErrorCode code, std::size_t torn_prefix = 0);
  void fail_sync_at(int nth);
  void set_short_reads(bool on) { short_reads_ = on; }
  // After a fault fires, every later write and sync fails too (a crashed process stops).
  void set_stop_after_fault(bool on) { stop_after_fault_ = on; }
  bool fault_fired() const { return fired_; }
  int writes() const { return writes_; }
  int syncs() const { return syncs_; }

  std::vector<std::uint8_t> contents(const std::string& path);
  void set_contents(const std::string& path, std::vector<std::uint8_t> bytes);
  // What the disk holds after a power cut now: synced bytes plus each unsynced write with
  // probability 1/2, and a write that is kept may be torn at a random byte.
  std::vector<std::uint8_t> crash_image(const std::string& path, std::mt19937_64& rng);

  // Used by MemFile.
  std::shared_ptr<MemFileState> state(const std::string& path);
  void on_write(MemFileState& f, std::uint64_t offset, const void* buf, std::size_t len);
  void on_sync(MemFileState& f);
  bool short_reads() const { return short_reads_; }

  std::mutex mu;
  std::map<std::string, std::map<std::uint64_t, std::vector<std::pair<const void*, LockKind>>>> locks;

 private:
  std::map<std::string, std::shared_ptr<MemFileState>> files_;
  int temp_counter_ = 0;
  std::int64_t now_ms_ = 1'700'000'000'000;
  int writes_ = 0, syncs_ = 0;
  int fail_write_ = -1, fail_sync_ = -1;
  ErrorCode fail_code_ = ErrorCode::Io;
  std::size_t torn_prefix_ = 0;
  bool short_reads_ = false;
  bool stop_after_fault_ = false;
  bool fired_ = false;
};

}  // namespace memvid::testing
