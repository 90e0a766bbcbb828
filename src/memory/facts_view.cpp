// The Facts view (memvid/facts.hpp): rows from the index's fact part, resolved per entity
// by facts/fact_model, with each frame's state from the TOC.
#include "memvid/facts.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "facts/fact_model.hpp"
#include "facts/registered_schema.hpp"
#include "facts/rules_extractor.hpp"
#include "facts/schema.hpp"
#include "facts/words.hpp"
#include "index/facts/fact_part.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/timestamp.hpp"

namespace memvid {

namespace {

facts::SlotSpec builtin_or_unknown(const std::string& slot) {
  if (auto s = facts::builtin_slot(slot)) return *s;
  return facts::unknown_slot(slot);
}

std::string retraction_name(facts::Retraction r) {
  switch (r) {
    case facts::Retraction::None: return "";
    case facts::Retraction::FrameDeleted: return "frame_deleted";
    case facts::Retraction::FrameUpdated: return "frame_updated";
  }
  return "";
}

// What one call reads: the fact part, frame states and uris (each read once).
class FactReader {
 public:
  explicit FactReader(const Memvid::Impl& impl) : store_(impl.s()) {
    part_ = dynamic_cast<const index::FactPart*>(impl.index->part(index::FactPart::kTag));
    // Registered slot specs: rows of the reserved entity "", from schema frames still active.
    if (part_) {
      std::vector<facts::FactRow> rows;
      for (facts::FactRow& r : part_->rows_of(""))
        if (frame(r.frame).exists && frame(r.frame).retraction == facts::Retraction::None) rows.push_back(std::move(r));
      registered_ = facts::registered_specs(std::move(rows));
    }
  }

  // The facts about entity (every entity when empty), without the schema's rows.
  std::vector<facts::FactRow> rows(const std::string& entity) const {
    if (!part_) return {};
    if (!entity.empty()) return part_->rows_of(entity);
    std::vector<facts::FactRow> all = part_->all_rows();
    all.erase(std::remove_if(all.begin(), all.end(), [](const facts::FactRow& r) { return r.entity.empty(); }), all.end());
    return all;
  }

  // A registered spec first, then the built-in one.
  facts::SlotSpec spec(const std::string& slot) const {
    if (auto it = registered_.find(slot); it != registered_.end()) return it->second;
    return builtin_or_unknown(slot);
  }
  const std::map<std::string, facts::SlotSpec>& registered() const { return registered_; }

  facts::FrameState frame(std::uint64_t id) const {
    facts::FrameState fs;
    if (id >= store_.frame_count()) return fs;
    const format::TocEntry& e = store_.entry(id);
    fs.exists = true;
    fs.timestamp_ms = e.timestamp_ms;
    if (e.status == static_cast<std::uint8_t>(FrameStatus::Deleted)) fs.retraction = facts::Retraction::FrameDeleted;
    if (e.status == static_cast<std::uint8_t>(FrameStatus::Superseded)) {
      fs.retraction = facts::Retraction::FrameUpdated;
      fs.retracted_by = e.superseded_by;
    }
    return fs;
  }

  const std::string& uri(std::uint64_t id) const {
    auto it = uris_.find(id);
    if (it != uris_.end()) return it->second;
    std::string u;
    const format::TocEntry& e = store_.entry(id);
    if (!e.record_removed()) u = store_.read_record(e).meta.uri;
    return uris_.emplace(id, std::move(u)).first->second;
  }

  // Every row grouped by entity, each group resolved.
  std::vector<facts::ResolvedFact> resolved(const std::string& entity, std::optional<std::int64_t> at_ms) const {
    std::vector<facts::FactRow> all = rows(entity);
    std::map<std::string, std::vector<facts::FactRow>> by_entity;
    for (facts::FactRow& r : all) by_entity[r.entity].push_back(std::move(r));
    std::vector<facts::ResolvedFact> out;
    for (auto& [key, group] : by_entity) {
      auto res = facts::resolve(
          std::move(group), [this](const std::string& s) { return spec(s); }, [this](std::uint64_t f) { return frame(f); },
          at_ms);
      for (auto& f : res) out.push_back(std::move(f));
    }
    return out;
  }

  FactRecord record(const facts::ResolvedFact& f) const {
    const facts::SlotSpec slot = spec(f.row.slot);
    FactRecord r;
    r.id = f.id;
    r.entity = f.row.entity;
    r.entity_name = f.row.entity_name;
    r.slot = f.row.slot;
    r.value = f.row.value;
    r.value_type = std::string(facts::value_type_name(slot.value_type));
    r.kind = std::string(facts::fact_kind_name(slot.kind));
    r.cardinality = std::string(facts::cardinality_name(slot.cardinality));
    r.polarity = f.row.negative ? "negative" : "positive";
    r.confidence = f.row.confidence / 100.0;
    r.engine = f.row.engine;
    r.frame = facts::stated_in(f.row);
    r.uri = uri(r.frame);
    r.recorded_in = f.row.frame;
    r.value_begin = f.row.value_begin;
    r.value_length = f.row.value_length;
    r.valid_from_ms = f.valid_from_ms;
    r.valid_to_ms = f.valid_to_ms;
    r.recorded_at_ms = f.recorded_at_ms;
    r.superseded_by = f.superseded_by;
    r.retracted = retraction_name(f.retracted);
    r.current = f.current;
    r.confirms = f.confirms;
    r.correction = f.row.correction;
    return r;
  }

 private:
  const store::Store& store_;
  const index::FactPart* part_ = nullptr;
  std::map<std::string, facts::SlotSpec> registered_;
  mutable std::unordered_map<std::uint64_t, std::string> uris_;
};

std::string entity_key(const std::string& name) { return fact_entity_key(name); }

}  // namespace

std::string fact_entity_key(const std::string& name) {
  std::string k = facts::fold_text(name);
  while (!k.empty() && k.back() == ' ') k.pop_back();
  while (!k.empty() && k.front() == ' ') k.erase(k.begin());
  return k;
}

std::vector<FactRecord> Facts::state(const std::string& entity, const std::string& slot,
                                     std::optional<std::int64_t> at_ms) const {
  FactQuery q;
  q.entity = entity;
  q.slot = slot;
  q.at_ms = at_ms;
  return list(q);
}

std::vector<FactRecord> Facts::list(const FactQuery& q) const {
  std::lock_guard lock(impl().mu);
  FactReader reader(impl());
  const std::string key = q.entity.empty() ? std::string() : entity_key(q.entity);
  const std::string value = q.value.empty() ? std::string() : facts::value_key(q.value);
  std::vector<FactRecord> out;
  for (const facts::ResolvedFact& f : reader.resolved(key, q.at_ms)) {
    if (!q.slot.empty() && f.row.slot != q.slot) continue;
    if (!value.empty() && facts::value_key(f.row.value) != value) continue;
    if (!q.history && !f.current) continue;
    out.push_back(reader.record(f));
    if (q.limit > 0 && out.size() >= q.limit) break;
  }
  return out;
}

std::vector<EntityInfo> Facts::entities() const {
  std::lock_guard lock(impl().mu);
  FactReader reader(impl());
  std::map<std::string, EntityInfo> by_key;
  std::map<std::string, std::set<std::string>> value_slots;
  for (const facts::ResolvedFact& f : reader.resolved("", std::nullopt)) {
    EntityInfo& e = by_key[f.row.entity];
    e.entity = f.row.entity;
    if (e.name.empty()) e.name = f.row.entity_name;
    ++e.facts;
    e.current += f.current ? 1 : 0;
    const facts::SlotSpec spec = reader.spec(f.row.slot);
    if (spec.value_type == facts::ValueType::Entity || f.row.slot == "location" || f.row.slot == "hometown" ||
        f.row.slot == "birthplace" || f.row.slot == "education" || f.row.slot == "travel") {
      const std::string vk = entity_key(f.row.value);
      EntityInfo& v = by_key[vk];
      v.entity = vk;
      if (v.name.empty()) v.name = f.row.value;
      ++v.mentions;
      value_slots[vk].insert(f.row.slot);
    }
  }
  std::vector<EntityInfo> out;
  for (auto& [key, e] : by_key) {
    const auto& slots = value_slots[key];
    if (e.facts > 0 || key == "user")
      e.kind = "person";
    else if (slots.count("employer") || slots.count("education"))
      e.kind = "organization";
    else if (slots.count("location") || slots.count("hometown") || slots.count("birthplace") || slots.count("travel"))
      e.kind = "place";
    else if (!slots.empty() && reader.spec(*slots.begin()).kind == facts::FactKind::Relationship)
      e.kind = "person";
    else
      e.kind = "thing";
    out.push_back(std::move(e));
  }
  return out;
}

Correction Facts::correct(const std::string& statement, const CorrectOptions& options) {
  if (statement.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(ErrorCode::InvalidArgument, "a correction needs a statement");
  if (!(options.boost > 0) || options.boost > 1000)
    throw Error(ErrorCode::InvalidArgument, "boost must be above 0 and at most 1000");
  Document doc;
  doc.payload = statement;
  doc.title = "correction";
  doc.labels = {std::string(facts::kCorrectionLabel)};
  doc.tags = options.topics;
  doc.timestamp_ms = options.timestamp_ms;
  doc.extract_facts = true;
  nlohmann::json meta = {{"correction", {{"boost", options.boost}}}};
  if (!options.source.empty()) meta["correction"]["source"] = options.source;
  doc.metadata_json = meta.dump();
  Correction out;
  out.frame = handle_->put(doc);
  // Only the entities the statement speaks of (the rules engine reads it the same way the
  // index did), not every fact of the memory.
  std::set<std::string> entities;
  for (const facts::ExtractedFact& f : facts::extract_facts_by_rules(statement, 0)) entities.insert(f.entity);
  for (const std::string& entity : entities) {
    FactQuery q;
    q.entity = entity;
    q.history = true;
    for (FactRecord& f : list(q))
      if (f.recorded_in == out.frame) out.facts.push_back(std::move(f));
  }
  std::sort(out.facts.begin(), out.facts.end(), [](const FactRecord& a, const FactRecord& b) { return a.id < b.id; });
  return out;
}

FollowResult Facts::follow(const FollowQuery& q) const {
  std::lock_guard lock(impl().mu);
  FactReader reader(impl());
  struct Link {
    std::string to, to_name, slot;
    std::uint64_t fact;
    bool inverse;
  };
  std::map<std::string, std::vector<Link>> graph;
  std::map<std::string, std::string> names;
  for (const facts::ResolvedFact& f : reader.resolved("", std::nullopt)) {
    if (!f.current) continue;
    const facts::SlotSpec spec = reader.spec(f.row.slot);
    if (spec.value_type != facts::ValueType::Entity) continue;
    if (!q.link.empty() && f.row.slot != q.link && spec.inverse != q.link) continue;
    const std::string to = entity_key(f.row.value);
    names.emplace(f.row.entity, f.row.entity_name);
    names.emplace(to, f.row.value);
    if (q.direction != FollowQuery::Direction::In)
      graph[f.row.entity].push_back({to, f.row.value, f.row.slot, f.id, false});
    if (q.direction != FollowQuery::Direction::Out)
      graph[to].push_back({f.row.entity, f.row.entity_name, spec.inverse.empty() ? f.row.slot : spec.inverse, f.id, true});
  }
  FollowResult out;
  out.start = entity_key(q.start);
  std::set<std::string> seen{out.start};
  std::set<std::uint64_t> walked;  // a fact is one edge, whichever way it is reached
  std::deque<std::pair<std::string, std::size_t>> queue{{out.start, 0}};
  while (!queue.empty()) {
    auto [at, depth] = queue.front();
    queue.pop_front();
    if (depth >= q.hops) continue;
    for (const Link& l : graph[at]) {
      if (!walked.insert(l.fact).second) continue;
      FollowEdge e;
      e.source = at;
      e.source_name = names.count(at) ? names[at] : at;
      e.slot = l.slot;
      e.target = l.to;
      e.target_name = l.to_name;
      e.depth = depth + 1;
      e.fact = l.fact;
      e.inverse = l.inverse;
      out.edges.push_back(std::move(e));
      if (seen.insert(l.to).second) {
        out.reached.push_back(l.to);
        queue.emplace_back(l.to, depth + 1);
      }
    }
  }
  return out;
}


namespace {

SlotSchema to_schema(const facts::SlotSpec& s, std::string source) {
  SlotSchema out;
  out.slot = s.name;
  out.cardinality = std::string(facts::cardinality_name(s.cardinality));
  out.value_type = std::string(facts::value_type_name(s.value_type));
  out.kind = std::string(facts::fact_kind_name(s.kind));
  out.inverse = s.inverse;
  out.source = std::move(source);
  return out;
}

bool is_number(const std::string& v) {
  if (v.empty()) return false;
  std::size_t i = v[0] == '-' || v[0] == '+' ? 1 : 0, digits = 0, dots = 0;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') ++digits;
    else if (v[i] == '.' && dots == 0) ++dots;
    else return false;
  }
  return digits > 0;
}

// An ISO-8601 date or date-time (not any word with a 'T' in it: "Tokyo" is no date).
bool is_date(const std::string& v) {
  return v.size() >= 10 && v[4] == '-' && v[7] == '-' && parse_timestamp_ms(v).has_value();
}

}  // namespace

std::vector<SlotSchema> builtin_slot_schemas() {
  std::vector<SlotSchema> out;
  for (const facts::SlotSpec& s : facts::builtin_slots()) out.push_back(to_schema(s, "builtin"));
  return out;
}

std::vector<SlotSchema> Facts::schema() const {
  std::lock_guard lock(impl().mu);
  FactReader reader(impl());
  std::map<std::string, SlotSchema> out;
  for (SlotSchema& s : builtin_slot_schemas()) out[s.slot] = std::move(s);
  for (const auto& [name, s] : reader.registered()) out[name] = to_schema(s, "registered");
  std::vector<SlotSchema> list;
  for (auto& [name, s] : out) list.push_back(std::move(s));
  return list;
}

std::vector<SlotSchema> Facts::infer_schema() const {
  std::lock_guard lock(impl().mu);
  FactReader reader(impl());
  struct Seen {
    std::uint64_t facts = 0;
    std::set<std::string> entities;
    std::map<std::string, std::set<std::string>> values_of;  // entity -> current values
    bool numbers = true, dates = true;
  };
  std::map<std::string, Seen> slots;
  for (const facts::ResolvedFact& f : reader.resolved("", std::nullopt)) {
    if (!f.current) continue;
    Seen& s = slots[f.row.slot];
    ++s.facts;
    s.entities.insert(f.row.entity);
    s.values_of[f.row.entity].insert(facts::value_key(f.row.value) + (f.row.negative ? "/-" : ""));
    s.numbers = s.numbers && is_number(f.row.value);
    s.dates = s.dates && is_date(f.row.value);
  }
  std::vector<SlotSchema> out;
  for (const auto& [name, s] : slots) {
    SlotSchema schema;
    if (reader.registered().count(name)) {
      schema = to_schema(reader.registered().at(name), "registered");
    } else if (auto b = facts::builtin_slot(name); b && name.rfind("favorite_", 0) != 0) {
      schema = to_schema(*b, "builtin");
    } else {
      // Unknown slots, and favorite_THING (built in as a family, any value): from the values.
      facts::SlotSpec spec = facts::builtin_slot(name).value_or(facts::unknown_slot(name));
      spec.value_type = s.numbers ? facts::ValueType::Number : s.dates ? facts::ValueType::Date : facts::ValueType::Text;
      bool several = false;
      for (const auto& [entity, values] : s.values_of) several = several || values.size() > 1;
      spec.cardinality = several ? facts::Cardinality::Multiple : facts::Cardinality::Single;
      schema = to_schema(spec, "inferred");
    }
    schema.facts = s.facts;
    schema.entities = s.entities.size();
    out.push_back(std::move(schema));
  }
  return out;
}

std::vector<SlotSchema> Facts::register_schema(const std::vector<SlotSchema>& specs, bool overwrite) {
  std::vector<facts::SlotSpec> chosen;
  std::vector<SlotSchema> registered;
  for (const SlotSchema& s : specs) {
    if (s.source != "inferred" && !overwrite) continue;
    facts::SlotSpec spec;
    spec.name = s.slot;
    const auto c = facts::parse_cardinality(s.cardinality);
    const auto t = facts::parse_value_type(s.value_type);
    const auto k = facts::parse_fact_kind(s.kind);
    if (s.slot.empty() || s.slot.size() > 64 || s.slot.find_first_of(" \t\r\n") != std::string::npos || !c || !t || !k)
      throw Error(ErrorCode::InvalidArgument, "cannot register slot '" + s.slot + "': cardinality single|multiple, "
                                              "value_type string|entity|number|date, kind fact|preference|profile|"
                                              "relationship|event|other, a name of 1 to 64 bytes");
    spec.cardinality = *c;
    spec.value_type = *t;
    spec.kind = *k;
    spec.inverse = s.inverse;
    chosen.push_back(spec);
    SlotSchema r = s;
    r.source = "registered";
    registered.push_back(std::move(r));
  }
  if (chosen.empty()) return registered;
  Document doc;
  doc.kind = FrameKind::Binary;
  doc.title = "schema";
  doc.labels = {std::string(facts::kSchemaLabel)};
  doc.payload = facts::schema_payload(chosen);
  doc.extract_facts = false;
  handle_->put(doc);
  return registered;
}

}  // namespace memvid
