#pragma once
// Filters on a frame's metadata (the JSON object a put stores): `meta.KEY:VALUE` and
// `meta.KEY:[A TO B]` in the query language (docs/QUERY.md), and the `where` object of
// find, ask and timeline, e.g. {"user": "alice", "score": {"$gte": 3}, "$or": [...]}.
//
// A KEY names a member of the object; dots reach into nested objects ("user.id") unless the
// object has a member whose name holds the dots itself. A value matches:
//   - a string: the same string (exactly), or a number or date given as text (below);
//   - a number: the same number ("42" matches 42 and 42.0), true/false, null;
//   - an array: when any of its elements matches (tags-like lists);
// and a range [A TO B] ({} exclusive, * open) holds numbers between numbers, dates (ISO 8601
// or ms) between dates, and otherwise strings between strings in byte order.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace memvid::search {

struct Node;

// A parsed condition on metadata. Thread-compatible (const after construction).
class MetaFilter {
 public:
  // From a `where` JSON object. Operators: $eq $ne $gt $gte $lt $lte $in $nin $exists per key,
  // $and $or (arrays of objects) and $not (an object) at any level; several keys: all hold.
  // Throws InvalidArgument naming the offending part.
  static MetaFilter from_where(std::string_view where_json);
  // From a query node whose field is Meta (a value or a range).
  static MetaFilter from_node(const Node& node);

  // Whether metadata (the frame's JSON text; empty or unparsable: {}) satisfies the filter.
  bool matches(std::string_view metadata_json) const;
  bool matches(const nlohmann::json& metadata) const;

  struct Condition;

  MetaFilter(MetaFilter&&) noexcept;
  MetaFilter& operator=(MetaFilter&&) noexcept;
  ~MetaFilter();

 private:
  explicit MetaFilter(std::unique_ptr<Condition> root);
  std::unique_ptr<Condition> root_;
};

}  // namespace memvid::search
