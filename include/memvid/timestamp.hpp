#pragma once
// Timestamps as users type them and as the CLI prints them. Frames store milliseconds since
// the Unix epoch (UTC); these helpers convert to and from ISO-8601 without consulting the
// locale or the TZ environment, so the same text means the same instant on every machine.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memvid {

// Accepts an integer count of milliseconds since the epoch ("1700000000000", "-5"), or an
// ISO-8601 date or date-time:
//   2024-01-31                      midnight UTC
//   2024-01-31T12:34[:56[.123]]     UTC unless an offset follows; ' ' may replace 'T'
//   ...Z  ...+02:00  ...-0530  ...+02
// Fractions beyond milliseconds are truncated. Returns nullopt for anything else,
// including out-of-range fields (2023-02-29, 24:00, month 13) and surrounding spaces.
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

// 2024-01-31T12:34:56.789Z: always UTC, always with milliseconds, so output sorts as text.
// Years outside 0000-9999 are written with a sign and at least four digits.
std::string format_timestamp_iso(std::int64_t ms);

}  // namespace memvid
