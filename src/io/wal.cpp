#include "io/wal.hpp"

#include <algorithm>

#include "io/read_exact.hpp"

namespace memvid::io {

void Wal::reset(std::uint64_t salt) {
  salt_ = salt;
  used_ = 0;
  seq_ = 0;
  chain_ = salt;
}

std::vector<WalRecord> Wal::scan(File& file, std::uint64_t salt) {
  reset(salt);
  // The ring is read in one go: its size was checked against kMaxWalSize and the file size.
  std::vector<std::uint8_t> ring(size_);
  std::size_t got = 0;
  while (got < ring.size()) {
    std::size_t n = file.read_at(offset_ + got, ring.data() + got, ring.size() - got);
    if (n == 0) break;
    got += n;
  }
  ring.resize(got);
  std::vector<WalRecord> out;
  format::WalRecordView view{};
  std::span<const std::uint8_t> rest(ring);
  while (format::read_wal_record(rest.subspan(used_), salt_, seq_ + 1, chain_, view)) {
    used_ += view.size;
    out.push_back({view.type, std::vector<std::uint8_t>(view.payload.begin(), view.payload.end()), view.chain, used_});
    ++seq_;
    chain_ = view.chain;
  }
  return out;
}

std::uint64_t Wal::batch_size(std::span<const WalRecord> records) {
  std::uint64_t total = 0;
  for (const auto& r : records) total += format::wal_record_size(r.payload.size());
  return total;
}

void Wal::append(File& file, std::span<const WalRecord> records) {
  std::vector<std::uint8_t> buf;
  buf.reserve(batch_size(records));
  std::uint64_t seq = seq_;
  std::uint64_t chain = chain_;
  for (const auto& r : records) chain = format::append_wal_record(buf, salt_, ++seq, r.type, r.payload, chain);
  file.write_at(offset_ + used_, buf.data(), buf.size());
  used_ += buf.size();
  seq_ = seq;
  chain_ = chain;
}

}  // namespace memvid::io
