// The value helpers of the field lists (memvid/fields.hpp) and the schema made from them.
#include "memvid/fields.hpp"

#include <algorithm>
#include <type_traits>

#include "text/text_units.hpp"

namespace memvid::fields {

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

// A field's type, written as the schema writes it (fields.hpp, result_schema).
template <class T>
std::string type_of() {
  if constexpr (IsOptional<T>::value) {
    return type_of<typename T::value_type>() + "?";
  } else if constexpr (IsVector<T>::value) {
    return type_of<typename T::value_type>() + "[]";
  } else if constexpr (std::is_same_v<T, bool>) {
    return "bool";
  } else if constexpr (std::is_integral_v<T>) {
    return "int";
  } else if constexpr (std::is_floating_point_v<T>) {
    return "float";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return "str";
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    return "time";
  } else if constexpr (std::is_same_v<T, Span>) {
    return "span";
  } else if constexpr (std::is_same_v<T, Bytes>) {
    return "bytes?";
  } else if constexpr (std::is_same_v<T, JsonText>) {
    return "json";
  } else if constexpr (std::is_same_v<T, FrameKind>) {
    return "enum:FrameKind";
  } else if constexpr (std::is_same_v<T, FrameStatus>) {
    return "enum:FrameStatus";
  } else if constexpr (std::is_same_v<T, SearchMode>) {
    return "enum:SearchMode";
  } else if constexpr (std::is_same_v<T, CheckStatus>) {
    return "enum:CheckStatus";
  } else if constexpr (std::is_same_v<T, Severity>) {
    return "enum:Severity";
  } else if constexpr (std::is_same_v<T, ActionStatus>) {
    return "enum:ActionStatus";
  } else if constexpr (std::is_same_v<T, ErrorCode>) {
    return "enum:ErrorCode";
  } else {
    static_assert(Result<T>, "a field value of a kind fields.hpp does not list");
    return std::string(type_name(static_cast<const T*>(nullptr)));
  }
}

template <class T>
TypeSchema schema_of() {
  TypeSchema t{std::string(type_name(static_cast<const T*>(nullptr))), {}};
  for_each_field(T{}, [&](std::string_view name, const auto& value) {
    t.fields.push_back({std::string(name), type_of<std::decay_t<decltype(value)>>()});
  });
  return t;
}

}  // namespace

std::string enum_name(FrameKind v) { return std::string(to_string(v)); }
std::string enum_name(FrameStatus v) { return std::string(to_string(v)); }
std::string enum_name(SearchMode v) { return std::string(to_string(v)); }
std::string enum_name(CheckStatus v) { return lowercase(to_string(v)); }
std::string enum_name(Severity v) { return lowercase(to_string(v)); }
std::string enum_name(ActionStatus v) { return lowercase(to_string(v)); }
std::string enum_name(ErrorCode v) { return std::string(to_string(v)); }

std::optional<std::string> text_of_payload(const Frame& f) {
  if (!is_valid_utf8(f.payload)) return std::nullopt;
  return f.payload;
}

std::string hex(const std::array<std::uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::vector<TypeSchema> result_schema() {
  return {schema_of<Hit>(),          schema_of<FindResult>(),    schema_of<AskSource>(),        schema_of<AskResult>(),
          schema_of<Frame>(),        schema_of<TimelineEntry>(), schema_of<Stats>(),            schema_of<RecoveryInfo>(),
          schema_of<OwnerInfo>(),    schema_of<RestoreReport>(), schema_of<CheckResult>(),      schema_of<VerifyReport>(),
          schema_of<Finding>(),      schema_of<DoctorAction>(),  schema_of<DoctorReport>(),     schema_of<IngestSkip>(),
          schema_of<IngestedDocument>(), schema_of<IngestReport>(), schema_of<Warning>(),
          schema_of<FactRecord>(),   schema_of<EntityInfo>(),    schema_of<FollowEdge>(),       schema_of<FollowResult>(),
          schema_of<Correction>(),   schema_of<SlotSchema>(),     schema_of<EnrichReport>(),
          schema_of<TimeWindow>(),   schema_of<TimeMention>(),    schema_of<WhenResult>(),     schema_of<SessionInfo>(),    schema_of<SessionAction>(),
          schema_of<SessionView>(),  schema_of<ReplayStep>(),     schema_of<ReplayReport>(),   schema_of<CompareStep>(),
          schema_of<CompareReport>(),  schema_of<AuditSource>(),    schema_of<AuditReport>()};
}

namespace {

// Units of s up to each byte offset asked for (offsets ascending as spans come in order; any
// order works, at the cost of a rescan).
class UnitCounter {
 public:
  UnitCounter(std::string_view s, TextUnit unit) : s_(s), unit_(unit) {}

  std::uint32_t at(std::uint32_t byte) {
    byte = std::min<std::uint32_t>(byte, static_cast<std::uint32_t>(s_.size()));
    if (byte < byte_) byte_ = 0, units_ = 0;
    units_ += static_cast<std::uint32_t>(text::units_in(s_.substr(byte_, byte - byte_), unit_));
    byte_ = byte;
    return units_;
  }

 private:
  std::string_view s_;
  TextUnit unit_;
  std::uint32_t byte_ = 0, units_ = 0;
};

}  // namespace

void convert_highlights(FindResult& result, TextUnit unit) {
  if (unit == TextUnit::Utf8Bytes) return;
  for (Hit& h : result.hits) {
    UnitCounter count(h.snippet, unit);
    for (Span& span : h.highlights) {
      span.begin = count.at(span.begin);
      span.end = count.at(span.end);
    }
  }
}

}  // namespace memvid::fields
