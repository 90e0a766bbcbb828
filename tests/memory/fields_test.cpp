// The field lists of memvid/fields.hpp: the one place that names what every result holds,
// for the CLI's JSON and both SDKs.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "memvid/fields.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

TEST(Fields, EveryResultTypeHasUniqueSnakeCaseFieldsOfKnownTypes) {
  const std::regex snake("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  const std::regex type(
      "(bool|int|float|str|time|span|bytes|json|enum:(FrameKind|FrameStatus|SearchMode|CheckStatus|Severity|"
      "ActionStatus|ErrorCode)|[A-Z][A-Za-z]+)(\\?|\\[\\])*");
  std::set<std::string> types;
  const auto schema = fields::result_schema();
  for (const auto& t : schema) types.insert(t.name);
  EXPECT_EQ(types.size(), schema.size());
  for (const auto& t : schema) {
    std::set<std::string> names;
    ASSERT_FALSE(t.fields.empty()) << t.name;
    for (const auto& f : t.fields) {
      EXPECT_TRUE(std::regex_match(f.name, snake)) << t.name << "." << f.name;
      EXPECT_TRUE(names.insert(f.name).second) << t.name << "." << f.name << " twice";
      EXPECT_TRUE(std::regex_match(f.type, type)) << t.name << "." << f.name << ": " << f.type;
      // A nested result type is one of the listed types.
      std::string base = f.type.substr(0, f.type.find_first_of("?["));
      if (std::isupper(static_cast<unsigned char>(base[0]))) {
        EXPECT_TRUE(types.count(base)) << f.type;
      }
    }
  }
}

TEST(Fields, FramePayloadIsDataOnlyWhenRead) {
  mt::TempDir dir;
  CreateOptions o;
  o.embedding_model = "none";
  Memvid m = Memvid::create(dir.file("m.mv2"), o);
  Document d;
  d.payload = std::string("\xff\xfe binary", 9);
  const FrameId id = m.put(d);
  std::optional<std::string> text_of_read, data_of_read, data_of_info;
  bool text_is_null = false;
  fields::for_each_field(m.frame(id), [&](std::string_view name, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<V, fields::Bytes>) {
      if (name == "data" && value.value) data_of_read = *value.value;
    } else if constexpr (std::is_same_v<V, std::optional<std::string>>) {
      if (name == "text") text_is_null = !value.has_value();
    }
  });
  fields::for_each_field(m.frame_info(id), [&](std::string_view name, const auto& value) {
    using V = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<V, fields::Bytes>) {
      if (name == "data" && value.value) data_of_info = *value.value;
    }
  });
  EXPECT_EQ(data_of_read, d.payload);
  EXPECT_TRUE(text_is_null);  // not UTF-8
  EXPECT_FALSE(data_of_info.has_value());
}

TEST(Fields, EnumNamesAreLowercaseExceptErrorCodes) {
  EXPECT_EQ(fields::enum_name(CheckStatus::Passed), "passed");
  EXPECT_EQ(fields::enum_name(Severity::Warn), "warn");
  EXPECT_EQ(fields::enum_name(ActionStatus::Done), "done");
  EXPECT_EQ(fields::enum_name(FrameKind::Document), "document");
  EXPECT_EQ(fields::enum_name(ErrorCode::NotFound), "NotFound");
}

}  // namespace
