// Metadata filters (search/meta_filter.hpp): a small tree of conditions evaluated on the
// frame's metadata object.
#include "search/meta_filter.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "memvid/error.hpp"
#include "memvid/timestamp.hpp"
#include "search/query.hpp"

namespace memvid::search {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxWhereDepth = 16;
constexpr std::size_t kMaxWhereBytes = 64 * 1024;

// A value of a comparison as typed: the JSON of `where`, or a query word (a string).
struct Operand {
  json value;
  bool from_text = false;  // a query word: "42" may compare as a number, "2024-05-01" as a date
};

std::optional<double> number_of(const json& v, bool from_text) {
  if (v.is_number()) return v.get<double>();
  if (from_text && v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

std::optional<std::int64_t> date_of(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  // Only text that looks like a date: a bare number is a number, not ms since the epoch.
  if (s.size() < 8 || s.find('-') == std::string::npos) return std::nullopt;
  return parse_timestamp_ms(s);
}

// -1, 0, 1, or nullopt when the two cannot be ordered (a number against a word, ...).
std::optional<int> compare(const json& stored, const Operand& given) {
  if (auto a = number_of(stored, false)) {
    if (auto b = number_of(given.value, given.from_text)) return *a < *b ? -1 : *a > *b ? 1 : 0;
    return std::nullopt;
  }
  if (stored.is_string()) {
    if (auto a = date_of(stored); a && given.value.is_string()) {
      if (auto b = date_of(given.value)) return *a < *b ? -1 : *a > *b ? 1 : 0;
    }
    if (!given.value.is_string()) return std::nullopt;
    const int c = stored.get_ref<const std::string&>().compare(given.value.get_ref<const std::string&>());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return std::nullopt;
}

bool equals(const json& stored, const Operand& given) {
  if (stored.is_boolean() || stored.is_null()) {
    if (given.from_text && given.value.is_string()) {
      const std::string& s = given.value.get_ref<const std::string&>();
      return stored.is_null() ? s == "null" : s == (stored.get<bool>() ? "true" : "false");
    }
    return stored == given.value;
  }
  if (stored.is_string() && given.value.is_string()) return stored == given.value;
  const auto c = compare(stored, given);
  return c && *c == 0;
}

// The member at key: a member of that exact name, else the dotted path into nested objects.
const json* lookup(const json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  if (auto it = object.find(key); it != object.end()) return &*it;
  const json* at = &object;
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    if (!at->is_object()) return nullptr;
    auto it = at->find(key.substr(start, dot - start));
    if (it == at->end()) return nullptr;
    at = &*it;
    start = dot + 1;
  }
  return at;
}

}  // namespace

struct MetaFilter::Condition {
  enum class Op { All, Any, Not, Eq, Ne, Lt, Le, Gt, Ge, In, Nin, Exists };
  Op op = Op::All;
  std::string key;
  std::vector<Operand> operands;          // Eq..Nin: one, In/Nin: several, Exists: true/false
  std::vector<std::unique_ptr<Condition>> children;  // All, Any, Not

  bool test(const json& metadata) const {
    switch (op) {
      case Op::All:
        for (const auto& c : children)
          if (!c->test(metadata)) return false;
        return true;
      case Op::Any:
        for (const auto& c : children)
          if (c->test(metadata)) return true;
        return false;
      case Op::Not: return !children.front()->test(metadata);
      case Op::Exists: return (lookup(metadata, key) != nullptr) == operands.front().value.get<bool>();
      // Not equal / not in: the negation of the positive test (a missing key is not equal).
      case Op::Ne: return !stored_holds(metadata, Op::Eq);
      case Op::Nin: return !stored_holds(metadata, Op::In);
      default: return stored_holds(metadata, op);
    }
  }

  // Whether the value at key passes `as`; an array passes when one of its elements does.
  bool stored_holds(const json& metadata, Op as) const {
    const json* stored = lookup(metadata, key);
    if (!stored) return false;
    if (stored->is_array()) {
      for (const json& element : *stored)
        if (holds(element, as)) return true;
      return false;
    }
    return holds(*stored, as);
  }

  bool holds(const json& stored, Op as) const {
    switch (as) {
      case Op::Eq: return equals(stored, operands.front());
      case Op::In:
        for (const Operand& o : operands)
          if (equals(stored, o)) return true;
        return false;
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge: {
        const auto c = compare(stored, operands.front());
        if (!c) return false;
        return as == Op::Lt ? *c < 0 : as == Op::Le ? *c <= 0 : as == Op::Gt ? *c > 0 : *c >= 0;
      }
      default: return false;
    }
  }
};

namespace {

using Condition = MetaFilter::Condition;
using Op = Condition::Op;

[[noreturn]] void bad_where(const std::string& what) {
  throw Error(ErrorCode::InvalidArgument, "where: " + what);
}

std::unique_ptr<Condition> make(Op op, std::string key = {}) {
  auto c = std::make_unique<Condition>();
  c->op = op;
  c->key = std::move(key);
  return c;
}

std::unique_ptr<Condition> parse_object(const json& object, const std::string& path, std::size_t depth);

std::unique_ptr<Condition> parse_list(const json& list, const std::string& path, std::size_t depth, Op op) {
  if (!list.is_array() || list.empty()) bad_where(path + " must be a non-empty array of objects");
  auto c = make(op);
  for (std::size_t i = 0; i < list.size(); ++i)
    c->children.push_back(parse_object(list[i], path + "[" + std::to_string(i) + "]", depth + 1));
  return c;
}

// The conditions on one key: a value (equality) or an object of operators.
std::unique_ptr<Condition> parse_key(const std::string& key, const json& spec, const std::string& path) {
  static const std::pair<const char*, Op> kOps[] = {{"$eq", Op::Eq}, {"$ne", Op::Ne},   {"$gt", Op::Gt},
                                                    {"$gte", Op::Ge}, {"$lt", Op::Lt},  {"$lte", Op::Le},
                                                    {"$in", Op::In},  {"$nin", Op::Nin}, {"$exists", Op::Exists}};
  if (!spec.is_object()) {
    if (spec.is_array()) bad_where(path + ": use {\"$in\": [...]} to match one of several values");
    auto c = make(Op::Eq, key);
    c->operands.push_back({spec, false});
    return c;
  }
  if (spec.empty()) bad_where(path + " is an empty object");
  auto all = make(Op::All);
  for (const auto& item : spec.items()) {
    const std::string& name = item.key();
    const json& value = item.value();
    const auto* found = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return name == p.first; });
    if (found == std::end(kOps))
      bad_where(path + ": unknown operator '" + name + "' (known: $eq $ne $gt $gte $lt $lte $in $nin $exists)");
    auto c = make(found->second, key);
    if (c->op == Op::In || c->op == Op::Nin) {
      if (!value.is_array()) bad_where(path + "." + name + " takes an array");
      for (const json& v : value) c->operands.push_back({v, false});
    } else if (c->op == Op::Exists) {
      if (!value.is_boolean()) bad_where(path + ".$exists takes true or false");
      c->operands.push_back({value, false});
    } else {
      if (value.is_object() || value.is_array()) bad_where(path + "." + name + " takes a single value");
      c->operands.push_back({value, false});
    }
    all->children.push_back(std::move(c));
  }
  if (all->children.size() == 1) return std::move(all->children.front());
  return all;
}

std::unique_ptr<Condition> parse_object(const json& object, const std::string& path, std::size_t depth) {
  if (depth > kMaxWhereDepth) bad_where(path + " nests deeper than " + std::to_string(kMaxWhereDepth) + " levels");
  if (!object.is_object()) bad_where(path + " must be an object");
  auto all = make(Op::All);
  for (const auto& [name, value] : object.items()) {
    const std::string at = path + "." + name;
    if (name == "$and") {
      all->children.push_back(parse_list(value, at, depth, Op::All));
    } else if (name == "$or") {
      all->children.push_back(parse_list(value, at, depth, Op::Any));
    } else if (name == "$not") {
      auto c = make(Op::Not);
      c->children.push_back(parse_object(value, at, depth + 1));
      all->children.push_back(std::move(c));
    } else if (!name.empty() && name[0] == '$') {
      bad_where(at + ": unknown operator (known at this level: $and $or $not)");
    } else {
      all->children.push_back(parse_key(name, value, at));
    }
  }
  return all;
}

}  // namespace

MetaFilter::MetaFilter(std::unique_ptr<Condition> root) : root_(std::move(root)) {}
MetaFilter::MetaFilter(MetaFilter&&) noexcept = default;
MetaFilter& MetaFilter::operator=(MetaFilter&&) noexcept = default;
MetaFilter::~MetaFilter() = default;

MetaFilter MetaFilter::from_where(std::string_view where_json) {
  if (where_json.size() > kMaxWhereBytes) bad_where("longer than " + std::to_string(kMaxWhereBytes) + " bytes");
  const json parsed = json::parse(where_json, nullptr, false);
  if (parsed.is_discarded()) bad_where("not valid JSON");
  return MetaFilter(parse_object(parsed, "where", 0));
}

MetaFilter MetaFilter::from_node(const Node& node) {
  auto word = [](const std::string& s) { return Operand{json(s), true}; };
  if (!node.meta_range) {
    auto c = make(Op::Eq, node.meta_key);
    c->operands.push_back(word(node.text));
    return MetaFilter(std::move(c));
  }
  auto all = make(Op::All);
  if (node.meta_from) {
    all->children.push_back(make(node.meta_from_inclusive ? Op::Ge : Op::Gt, node.meta_key));
    all->children.back()->operands.push_back(word(*node.meta_from));
  }
  if (node.meta_until) {
    all->children.push_back(make(node.meta_until_inclusive ? Op::Le : Op::Lt, node.meta_key));
    all->children.back()->operands.push_back(word(*node.meta_until));
  }
  // [* TO *]: the key is there at all.
  if (all->children.empty()) {
    all->children.push_back(make(Op::Exists, node.meta_key));
    all->children.back()->operands.push_back({json(true), false});
  }
  return MetaFilter(std::move(all));
}

bool MetaFilter::matches(std::string_view metadata_json) const {
  const json metadata = metadata_json.empty() ? json::object() : json::parse(metadata_json, nullptr, false);
  return root_->test(metadata.is_discarded() ? json::object() : metadata);
}

bool MetaFilter::matches(const json& metadata) const { return root_->test(metadata); }

}  // namespace memvid::search
