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
  // The ring is read as far as its records go, in 64 KiB steps: a checkpointed memory's WAL
  // holds few records or none, and its ring (up to kMaxWalSize) need not be read to know that.
  constexpr std::size_t kStep = 64 * 1024;
  std::vector<std::uint8_t> ring;
  bool ended = false;
  auto have = [&](std::size_t want) {
    want = static_cast<std::size_t>(std::min<std::uint64_t>(want, size_));
    while (ring.size() < want && !ended) {
      const std::size_t at = ring.size();
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(std::max(kStep, want - at), size_ - at));
      ring.resize(at + take);
      std::size_t got = 0;
      while (got < take) {
        const std::size_t n = file.read_at(offset_ + at + got, ring.data() + at + got, take - got);
        if (n == 0) break;
        got += n;
      }
      ring.resize(at + got);
      ended = got < take || ring.size() >= size_;
    }
  };
  std::vector<WalRecord> out;
  format::WalRecordView view{};
  for (;;) {
    have(used_ + format::kWalRecordHeaderSize);
    if (ring.size() >= used_ + format::kWalRecordHeaderSize)
      have(used_ + format::wal_record_extent(std::span(ring).subspan(used_)));
    if (!format::read_wal_record(std::span<const std::uint8_t>(ring).subspan(std::min<std::size_t>(used_, ring.size())),
                                 salt_, seq_ + 1, chain_, view))
      break;
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
