// libFuzzer target: arbitrary bytes as a time phrase, and as a compiled zone file.
//  - Input starting "TZif": decoded as a zone file; it must decode or throw memvid::Error, and
//    a decoded zone must answer offsets and local-to-UTC conversions without crashing.
//  - Anything else: the first byte picks a zone and an anchor, the rest is a phrase. The
//    resolver must resolve it or throw Error(InvalidArgument); a window it gives must end
//    after it starts, and its edges must format. The same bytes are a text whose date
//    mentions are found: never a throw, spans inside the text, in order, not overlapping, each
//    naming at least one day in order.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memvid/error.hpp"
#include "memvid/time.hpp"
#include "time/time_zone.hpp"

namespace {

[[noreturn]] void violation() { std::abort(); }

constexpr const char* kZones[] = {"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                                  "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Apia", "+05:45"};
constexpr std::int64_t kAnchors[] = {1'763'726'400'000, 0, -1, 253'402'300'799'000, -62'135'596'800'000,
                                     1'711'846'800'000 /* a DST change in Europe */};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.starts_with("TZif")) {
    try {
      const auto zone = memvid::timezone::TimeZone::from_tzif(bytes, "fuzz", "fuzz");
      for (std::int64_t t : {std::int64_t{-5'000'000'000}, std::int64_t{0}, std::int64_t{1'700'000'000},
                             std::int64_t{4'000'000'000}, std::int64_t{250'000'000'000}})
        (void)zone.to_utc(t + zone.offset_at(t));
    } catch (const memvid::Error&) {
    }
    return 0;
  }
  if (size == 0) return 0;
  const auto pick = static_cast<std::size_t>(data[0]);
  memvid::TimeContext context;
  context.zone = kZones[pick % std::size(kZones)];
  context.anchor_ms = kAnchors[(pick / std::size(kZones)) % std::size(kAnchors)];
  try {
    const memvid::TimeWindow w = memvid::resolve_time_phrase(bytes.substr(1), context);
    if (w.start_ms && w.end_ms && *w.start_ms >= *w.end_ms) violation();
    if (w.start_ms) (void)memvid::format_local_time(*w.start_ms, context.zone);
    if (w.end_ms) (void)memvid::format_local_time(*w.end_ms, context.zone);
  } catch (const memvid::Error& e) {
    if (e.code() != memvid::ErrorCode::InvalidArgument) violation();
  }
  const std::string_view text = bytes.substr(1);
  std::uint64_t last_end = 0;
  for (const memvid::TimeMention& m : memvid::find_time_mentions(text, context.anchor_ms)) {
    if (m.begin < last_end || m.end <= m.begin || m.end > text.size()) violation();
    if (m.text != text.substr(m.begin, m.end - m.begin) || m.first_day > m.last_day) violation();
    last_end = m.end;
  }
  return 0;
}
