#pragma once
// What a slot means: how many values an entity holds at once, what kind of value it takes,
// and, for slots whose value is another entity, the edge it makes in the entity graph and
// that edge's inverse. The built-in slots are the rules extractor's vocabulary (docs/FACTS.md);
// a memory may register more (a schema frame), which override nothing built in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memvid::facts {

// single: a later fact with another value closes the earlier one (employer, location).
// multiple: values accumulate; only the same value with the other polarity closes one.
enum class Cardinality : std::uint8_t { Single = 0, Multiple = 1 };
enum class ValueType : std::uint8_t { Text = 0, Entity = 1, Number = 2, Date = 3 };
// As the original memvid classifies memory cards.
enum class FactKind : std::uint8_t { Fact = 0, Preference = 1, Profile = 2, Relationship = 3, Event = 4, Other = 5 };

struct SlotSpec {
  std::string name;
  Cardinality cardinality = Cardinality::Single;
  ValueType value_type = ValueType::Text;
  FactKind kind = FactKind::Fact;
  // Entity-valued slots only: the slot the value entity gets pointing back ("" for none).
  // A symmetric slot (spouse) is its own inverse.
  std::string inverse;
};

// The built-in spec of a slot, or nullopt. "favorite_<thing>" is built in for every thing.
std::optional<SlotSpec> builtin_slot(std::string_view name);

// A slot nobody described: single, a text value, kind fact.
SlotSpec unknown_slot(std::string name);

// Every built-in slot, in name order (favorite_* appears as one row named "favorite_*").
const std::vector<SlotSpec>& builtin_slots();

std::string_view cardinality_name(Cardinality c);
std::string_view value_type_name(ValueType t);
std::string_view fact_kind_name(FactKind k);
std::optional<Cardinality> parse_cardinality(std::string_view name);
std::optional<ValueType> parse_value_type(std::string_view name);
std::optional<FactKind> parse_fact_kind(std::string_view name);

}  // namespace memvid::facts
