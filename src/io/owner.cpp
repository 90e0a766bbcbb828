#include "io/owner.hpp"

#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>

#include "format/layout.hpp"

namespace memvid::io {
namespace {

std::optional<format::OwnerRecord> read_owner(File& file) {
  std::array<std::uint8_t, format::kOwnerRecordSize> buf{};
  std::size_t got = 0;
  while (got < buf.size()) {
    std::size_t n = file.read_at(format::kOwnerRecordOffset + got, buf.data() + got, buf.size() - got);
    if (n == 0) return std::nullopt;
    got += n;
  }
  return format::OwnerRecord::decode(buf);
}

void acquire(File& file, Env& env, const std::string& path, int timeout_ms, std::uint64_t byte, LockKind kind,
             const char* role) {
  int waited = 0;
  for (;;) {
    if (file.try_lock(byte, kind)) return;
    if (waited >= timeout_ms) break;
    int step = std::min(5, timeout_ms - waited);
    env.sleep_ms(step);
    waited += step;
  }
  std::string who = "another process";
  if (auto owner = read_owner(file)) {
    who = "pid " + std::to_string(owner->pid) + " (" + owner->command + ") on " + owner->host;
  }
  throw Error(ErrorCode::Locked, path + " is locked by " + who + "; gave up as " + role + " after " +
                                     std::to_string(timeout_ms) + " ms (try `memvid nudge " + path + "`)");
}

}  // namespace

void acquire_writer_lock(File& file, Env& env, const std::string& path, int timeout_ms) {
  acquire(file, env, path, timeout_ms, format::kWriterLockByte, LockKind::Exclusive, "writer");
}

void acquire_reader_lock(File& file, Env& env, const std::string& path, int timeout_ms) {
  acquire(file, env, path, timeout_ms, format::kReaderLockByte, LockKind::Shared, "reader");
}

void write_owner_record(File& file, const format::OwnerRecord& record) {
  auto bytes = record.encode();
  file.write_at(format::kOwnerRecordOffset, bytes.data(), bytes.size());
}

void clear_owner_record(File& file) {
  std::array<std::uint8_t, format::kOwnerRecordSize> zeros{};
  file.write_at(format::kOwnerRecordOffset, zeros.data(), zeros.size());
}

OwnerInfo read_owner_info(File& file) {
  OwnerInfo info;
  if (auto owner = read_owner(file)) {
    info.present = true;
    info.pid = owner->pid;
    info.host = owner->host;
    info.command = owner->command;
    info.started_ms = owner->started_ms;
    info.heartbeat_ms = owner->heartbeat_ms;
  }
  info.alive = file.is_locked_elsewhere(format::kWriterLockByte, LockKind::Exclusive);
  info.nudge_requested = nudge_requested(file);
  return info;
}

bool nudge_requested(File& file) {
  std::uint8_t flag[4] = {};
  std::size_t n = file.read_at(format::kNudgeFlagOffset, flag, sizeof flag);
  return n == sizeof flag && (flag[0] | flag[1] | flag[2] | flag[3]) != 0;
}

void set_nudge_flag(File& file, bool on) {
  std::uint8_t flag[4] = {static_cast<std::uint8_t>(on ? 1 : 0), 0, 0, 0};
  file.write_at(format::kNudgeFlagOffset, flag, sizeof flag);
}

std::string current_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) if (c == '\0') c = ' ';
  return raw.empty() ? "memvid" : raw;
}

std::string current_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace memvid::io
