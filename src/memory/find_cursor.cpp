// Cursors of Memvid::find (see memory/find_parts.hpp).
#include <algorithm>
#include <bit>
#include <cstdio>

#include "format/blake3.hpp"
#include "memory/find_parts.hpp"

namespace memvid::find {

std::string query_fingerprint(std::string_view query, const FindOptions& o) {
  format::Blake3 h;
  h.update(query.data(), query.size());
  std::string extra = std::string(o.collapse_chunks ? "c" : "n") + "|" + o.scope + "|" +
                      std::to_string(o.title_weight) + "|" + (o.as_of_frame ? std::to_string(*o.as_of_frame) : "") +
                      "|" + (o.as_of_ms ? std::to_string(*o.as_of_ms) : "") + "|" +
                      (o.since_ms ? std::to_string(*o.since_ms) : "");
  extra += "|" + std::string(to_string(o.mode)) + "|" + std::string(to_string(o.fusion)) + "|" +
           std::to_string(o.semantic_weight) + "|" + std::to_string(o.candidates) + "|" + std::to_string(o.ef_search) +
           "|" + std::to_string(o.nprobe) + "|" + (o.correction_boost ? "" : "b") + (o.strict ? "s" : "") +
           (o.collapse_duplicates ? "" : "d") + "|" + (o.semantic_floor ? std::to_string(*o.semantic_floor) : "off") +
           "|" + o.where;
  h.update(extra.data(), extra.size());
  h.update(o.query_vector.data(), o.query_vector.size() * sizeof(float));
  std::uint8_t out[6];
  h.finalize(out, sizeof out);
  char hex[13];
  for (int i = 0; i < 6; ++i) std::snprintf(hex + 2 * i, 3, "%02x", out[i]);
  return std::string(hex, 12);
}

std::string encode_cursor(const search::RankKey& key, std::size_t rank, const std::string& fingerprint) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "c1.%016llx.%llu.%u.%zu.", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(key.score)),
                static_cast<unsigned long long>(key.frame), key.chunk, rank);
  return buf + fingerprint;
}

DecodedCursor decode_cursor(const std::string& cursor, const std::string& fingerprint) {
  const Error bad(ErrorCode::InvalidArgument, "invalid cursor '" + cursor.substr(0, 80) +
                                                  "': pass next_cursor from a previous find with the same query");
  unsigned long long bits = 0, frame = 0;
  unsigned chunk = 0;
  std::size_t rank = 0;
  char fp[32] = {0};
  int consumed = 0;
  if (cursor.size() > 100 ||
      std::sscanf(cursor.c_str(), "c1.%16llx.%llu.%u.%zu.%12[0-9a-f]%n", &bits, &frame, &chunk, &rank, fp, &consumed) != 5 ||
      static_cast<std::size_t>(consumed) != cursor.size())
    throw bad;
  if (fingerprint != fp)
    throw Error(ErrorCode::InvalidArgument, "the cursor belongs to a different query or options; start again without it");
  DecodedCursor d;
  d.key.score = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
  d.key.frame = frame;
  d.key.chunk = chunk;
  d.rank = rank;
  return d;
}

}  // namespace memvid::find
