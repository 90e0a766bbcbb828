#pragma once
// Helpers for the named checks that parts (and verify) report: outcomes and a bounded list of
// problems.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "index/index_part.hpp"
#include "memvid/error.hpp"
#include "memvid/integrity.hpp"

namespace memvid::index::checks {

inline std::string num(std::uint64_t v) { return std::to_string(v); }
inline std::string range(std::uint64_t a, std::uint64_t b) { return "[" + num(a) + ", " + num(b) + ")"; }

inline CheckResult passed(std::string detail) { return {"", CheckStatus::Passed, std::move(detail)}; }
inline CheckResult failed(std::string detail) { return {"", CheckStatus::Failed, std::move(detail)}; }
inline CheckResult skipped(std::string detail) { return {"", CheckStatus::Skipped, std::move(detail)}; }

// The first few problems of a check, and how many there were: a detail stays one readable
// line however damaged the file is.
class Problems {
 public:
  void add(std::string what) {
    if (shown_.size() < kShown) shown_.push_back(std::move(what));
    ++count_;
  }
  bool any() const { return count_ > 0; }
  std::uint64_t count() const { return count_; }
  std::string summary() const {
    std::string out;
    for (const std::string& s : shown_) out += (out.empty() ? "" : "; ") + s;
    if (count_ > shown_.size()) out += " (and " + num(count_ - shown_.size()) + " more)";
    return out;
  }

 private:
  static constexpr std::size_t kShown = 5;
  std::vector<std::string> shown_;
  std::uint64_t count_ = 0;
};

inline std::string unreadable_note(std::size_t unread, const char* what = "parts") {
  return unread == 0 ? "" : " (" + num(unread) + " unreadable " + what + " not checked)";
}

// What read_row_parts found.
struct RowPartsRead {
  std::uint64_t parts = 0, rows = 0;
  bool readable = true;  // every part decoded
};

// The read check of a kind whose segments may lack its part and whose part is a list of rows
// about frames (facts, date mentions): each segment's part of `tag` is decoded by
// decode(bytes, file offset, checksum) into its rows, which must be as many as the manifest
// says and name frames of the segment; take(row) receives each row of a good part. `what`
// names the part in messages ("fact", "date-mention"), `unit` its rows ("facts").
template <class Decode, class Take>
RowPartsRead read_row_parts(const PartCheckContext& c, PartTag tag, const std::string& what, const char* unit,
                            Decode decode, Take take, Problems& p) {
  RowPartsRead out;
  for (std::size_t i = 0; i < c.manifest.segments.size(); ++i) {
    const IndexSegmentRef& s = c.manifest.segments[i];
    const PartRef* r = s.part(tag);
    if (!r) continue;
    ++out.parts;
    try {
      auto rows = decode(c.read(r->offset, r->length, (what + " index part").c_str()), r->offset, &r->checksum);
      if (rows.size() != r->count)
        throw Error(ErrorCode::Corrupt, "holds " + num(rows.size()) + " " + unit + ", the TOC says " + num(r->count));
      for (const auto& row : rows)
        if (row.frame < s.first_frame || row.frame >= s.end_frame)
          throw Error(ErrorCode::Corrupt,
                      "names frame " + num(row.frame) + ", outside its range " + range(s.first_frame, s.end_frame));
      for (auto& row : rows) take(std::move(row));
      out.rows += rows.size();
    } catch (const Error& e) {
      out.readable = false;
      p.add(what + " part of " + c.segment_name(i) + " at offset " + num(r->offset) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace memvid::index::checks
