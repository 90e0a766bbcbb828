#include "facts/schema.hpp"

#include <algorithm>

namespace memvid::facts {

namespace {

SlotSpec slot(std::string name, Cardinality c, ValueType t, FactKind k, std::string inverse = "") {
  return SlotSpec{std::move(name), c, t, k, std::move(inverse)};
}

std::vector<SlotSpec> make_builtins() {
  using C = Cardinality;
  using T = ValueType;
  using K = FactKind;
  std::vector<SlotSpec> s = {
      slot("age", C::Single, T::Number, K::Profile),
      slot("allergy", C::Multiple, T::Text, K::Profile),
      slot("birthday", C::Single, T::Text, K::Profile),
      slot("birthplace", C::Single, T::Text, K::Profile),
      // "X is Y's brother": Y.brother = X, and X gets Y as a sibling.
      slot("brother", C::Multiple, T::Entity, K::Relationship, "sibling"),
      slot("child", C::Multiple, T::Entity, K::Relationship, "parent"),
      slot("daughter", C::Multiple, T::Entity, K::Relationship, "parent"),
      slot("degree", C::Multiple, T::Text, K::Profile),
      slot("education", C::Multiple, T::Text, K::Profile),
      slot("email", C::Single, T::Text, K::Profile),
      slot("employee", C::Multiple, T::Entity, K::Relationship, "employer"),
      slot("employer", C::Single, T::Entity, K::Fact, "employee"),
      slot("father", C::Multiple, T::Entity, K::Relationship, "child"),
      slot("favorite_*", C::Single, T::Text, K::Preference),
      slot("field_of_study", C::Multiple, T::Text, K::Profile),
      slot("food_preference", C::Multiple, T::Text, K::Preference),
      slot("friend", C::Multiple, T::Entity, K::Relationship, "friend"),
      slot("hobby", C::Multiple, T::Text, K::Preference),
      slot("hometown", C::Single, T::Text, K::Profile),
      slot("job_title", C::Single, T::Text, K::Fact),
      slot("location", C::Single, T::Text, K::Fact),
      slot("manager", C::Single, T::Entity, K::Relationship, "report"),
      slot("mother", C::Multiple, T::Entity, K::Relationship, "child"),
      slot("name", C::Single, T::Text, K::Profile),
      slot("parent", C::Multiple, T::Entity, K::Relationship, "child"),
      slot("pet", C::Multiple, T::Text, K::Fact),
      slot("pet_name", C::Multiple, T::Text, K::Fact),
      slot("preference", C::Multiple, T::Text, K::Preference),
      slot("programming_language", C::Multiple, T::Text, K::Preference),
      slot("report", C::Multiple, T::Entity, K::Relationship, "manager"),
      slot("sibling", C::Multiple, T::Entity, K::Relationship, "sibling"),
      slot("sister", C::Multiple, T::Entity, K::Relationship, "sibling"),
      slot("son", C::Multiple, T::Entity, K::Relationship, "parent"),
      slot("speaks", C::Multiple, T::Text, K::Profile),
      slot("spouse", C::Single, T::Entity, K::Relationship, "spouse"),
      slot("travel", C::Multiple, T::Text, K::Event),
  };
  std::sort(s.begin(), s.end(), [](const SlotSpec& a, const SlotSpec& b) { return a.name < b.name; });
  return s;
}

}  // namespace

const std::vector<SlotSpec>& builtin_slots() {
  static const std::vector<SlotSpec> slots = make_builtins();
  return slots;
}

std::optional<SlotSpec> builtin_slot(std::string_view name) {
  const auto& slots = builtin_slots();
  std::string_view key = name;
  if (name.size() > 9 && name.substr(0, 9) == "favorite_") key = "favorite_*";
  auto it = std::lower_bound(slots.begin(), slots.end(), key,
                             [](const SlotSpec& s, std::string_view k) { return s.name < k; });
  if (it == slots.end() || it->name != key) return std::nullopt;
  SlotSpec spec = *it;
  spec.name = std::string(name);
  return spec;
}

SlotSpec unknown_slot(std::string name) {
  SlotSpec s;
  s.name = std::move(name);
  return s;
}

std::string_view cardinality_name(Cardinality c) { return c == Cardinality::Single ? "single" : "multiple"; }

std::string_view value_type_name(ValueType t) {
  switch (t) {
    case ValueType::Text: return "string";
    case ValueType::Entity: return "entity";
    case ValueType::Number: return "number";
    case ValueType::Date: return "date";
  }
  return "string";
}

std::string_view fact_kind_name(FactKind k) {
  switch (k) {
    case FactKind::Fact: return "fact";
    case FactKind::Preference: return "preference";
    case FactKind::Profile: return "profile";
    case FactKind::Relationship: return "relationship";
    case FactKind::Event: return "event";
    case FactKind::Other: return "other";
  }
  return "other";
}

std::optional<Cardinality> parse_cardinality(std::string_view name) {
  if (name == "single") return Cardinality::Single;
  if (name == "multiple") return Cardinality::Multiple;
  return std::nullopt;
}

std::optional<ValueType> parse_value_type(std::string_view name) {
  for (ValueType t : {ValueType::Text, ValueType::Entity, ValueType::Number, ValueType::Date})
    if (value_type_name(t) == name) return t;
  return std::nullopt;
}

std::optional<FactKind> parse_fact_kind(std::string_view name) {
  for (FactKind k : {FactKind::Fact, FactKind::Preference, FactKind::Profile, FactKind::Relationship,
                     FactKind::Event, FactKind::Other})
    if (fact_kind_name(k) == name) return k;
  return std::nullopt;
}

}  // namespace memvid::facts
