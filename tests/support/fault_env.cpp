#include "support/fault_env.hpp"

#include <algorithm>
#include <cstring>

namespace memvid::testing {
namespace {

void apply(std::vector<std::uint8_t>& image, std::uint64_t offset, const std::uint8_t* p, std::size_t len) {
  if (image.size() < offset + len) image.resize(offset + len, 0);
  std::memcpy(image.data() + offset, p, len);
}

class MemFile final : public File {
 public:
  MemFile(FaultEnv& env, std::string path, std::shared_ptr<MemFileState> state, bool writable)
      : env_(env), path_(std::move(path)), state_(std::move(state)), writable_(writable) {}
  const MemFileState* state_ptr() const { return state_.get(); }
  ~MemFile() override {
    std::lock_guard g(env_.mu);
    for (auto& [offset, holders] : env_.locks[path_])
      std::erase_if(holders, [&](const auto& h) { return h.first == this; });
  }

  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t len) override {
    const auto& cur = state_->current;
    if (offset >= cur.size()) return 0;
    std::size_t n = std::min<std::size_t>(len, cur.size() - offset);
    if (env_.short_reads() && n > 1) n = std::max<std::size_t>(1, n / 3);
    std::memcpy(buf, cur.data() + offset, n);
    return n;
  }
  void write_at(std::uint64_t offset, const void* buf, std::size_t len) override {
    if (!writable_) throw Error(ErrorCode::Io, "write " + path_ + ": opened read-only");
    env_.on_write(*state_, offset, buf, len);
  }
  void sync() override { env_.on_sync(*state_); }
  std::uint64_t size() override { return state_->current.size(); }
  void truncate(std::uint64_t size) override {
    // Modelled as durable at once: the store only ever cuts bytes nothing references.
    state_->current.resize(size, 0);
    state_->durable.resize(size, 0);
  }
  bool try_lock(std::uint64_t offset, LockKind kind) override {
    std::lock_guard g(env_.mu);
    auto& holders = env_.locks[path_][offset];
    for (const auto& [who, k] : holders)
      if (who != this && (k == LockKind::Exclusive || kind == LockKind::Exclusive)) return false;
    std::erase_if(holders, [&](const auto& h) { return h.first == this; });
    holders.emplace_back(this, kind);
    return true;
  }
  void unlock(std::uint64_t offset) override {
    std::lock_guard g(env_.mu);
    std::erase_if(env_.locks[path_][offset], [&](const auto& h) { return h.first == this; });
  }
  bool is_locked_elsewhere(std::uint64_t offset, LockKind kind) override {
    std::lock_guard g(env_.mu);
    for (const auto& [who, k] : env_.locks[path_][offset])
      if (who != this && (k == LockKind::Exclusive || kind == LockKind::Exclusive)) return true;
    return false;
  }

 private:
  FaultEnv& env_;
  std::string path_;
  std::shared_ptr<MemFileState> state_;
  bool writable_;
};

}  // namespace

std::shared_ptr<MemFileState> FaultEnv::state(const std::string& path) {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second;
}

std::unique_ptr<File> FaultEnv::open(const std::string& path, OpenMode mode) {
  auto st = state(path);
  if (mode == OpenMode::CreateNew) {
    if (st) throw Error(ErrorCode::AlreadyExists, "open " + path + ": exists");
    st = std::make_shared<MemFileState>();
    files_[path] = st;
  } else if (!st) {
    throw Error(ErrorCode::NotFound, "open " + path + ": No such file or directory");
  }
  return std::make_unique<MemFile>(*this, path, st, mode != OpenMode::ReadOnly);
}

bool FaultEnv::exists(const std::string& path) { return files_.count(path) > 0; }

std::string FaultEnv::create_temp(const std::string& beside, unsigned) {
  std::string name = beside + ".memvid-tmp-" + std::to_string(++temp_counter_);
  files_[name] = std::make_shared<MemFileState>();
  return name;
}

// Like rename(2): the temporary file's bytes become dest's, synced or not as they were.
void FaultEnv::commit_temp(const std::string& temp, const std::string& dest, bool replace) {
  auto st = state(temp);
  if (!st) throw Error(ErrorCode::NotFound, "commit_temp " + temp + ": no such file");
  if (!replace && files_.count(dest)) throw Error(ErrorCode::AlreadyExists, dest + " already exists");
  on_sync(*st);
  files_[dest] = st;
  files_.erase(temp);
}

void FaultEnv::discard_temp(const std::string& temp) { files_.erase(temp); }

bool FaultEnv::same_file(File& file, const std::string& path) {
  auto* mem = dynamic_cast<MemFile*>(&file);
  auto st = state(path);
  return mem && st && mem->state_ptr() == st.get();
}
void FaultEnv::remove(const std::string& path) { files_.erase(path); }

void FaultEnv::fail_write_at(int nth, ErrorCode code, std::size_t torn_prefix) {
  fail_write_ = nth < 0 ? -1 : writes_ + nth;
  fail_code_ = code;
  torn_prefix_ = torn_prefix;
}

void FaultEnv::fail_sync_at(int nth) { fail_sync_ = nth < 0 ? -1 : syncs_ + nth; }

void FaultEnv::on_write(MemFileState& f, std::uint64_t offset, const void* buf, std::size_t len) {
  const int index = writes_++;
  const auto* p = static_cast<const std::uint8_t*>(buf);
  if ((fired_ && stop_after_fault_) || index == fail_write_) {
    if (!fired_) {
      std::size_t keep = std::min(torn_prefix_, len);
      if (keep > 0) {
        apply(f.current, offset, p, keep);
        f.unsynced.push_back({offset, std::vector<std::uint8_t>(p, p + keep)});
      }
    }
    fired_ = true;
    throw Error(fail_code_, "injected write failure at offset " + std::to_string(offset));
  }
  apply(f.current, offset, p, len);
  f.unsynced.push_back({offset, std::vector<std::uint8_t>(p, p + len)});
}

void FaultEnv::on_sync(MemFileState& f) {
  const int index = syncs_++;
  if ((fired_ && stop_after_fault_) || index == fail_sync_) {
    fired_ = true;
    throw Error(ErrorCode::Io, "injected sync failure");
  }
  f.durable = f.current;
  f.unsynced.clear();
}

std::vector<std::uint8_t> FaultEnv::contents(const std::string& path) { return state(path)->current; }

void FaultEnv::set_contents(const std::string& path, std::vector<std::uint8_t> bytes) {
  auto st = std::make_shared<MemFileState>();
  st->current = bytes;
  st->durable = std::move(bytes);
  files_[path] = st;
}

std::vector<std::uint8_t> FaultEnv::crash_image(const std::string& path, std::mt19937_64& rng) {
  auto st = state(path);
  if (!st) return {};  // create() failed and removed its file
  std::vector<std::uint8_t> image = st->durable;
  for (const PendingWrite& w : st->unsynced) {
    if (rng() % 2 == 0) continue;
    std::size_t keep = w.bytes.size();
    if (rng() % 4 == 0) keep = static_cast<std::size_t>(rng() % (w.bytes.size() + 1));
    apply(image, w.offset, w.bytes.data(), keep);
  }
  return image;
}

}  // namespace memvid::testing
