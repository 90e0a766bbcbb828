// Offsets re-expressed in the SDKs' string units (text/text_units.hpp).
#include <gtest/gtest.h>

#include <string>

#include "text/text_units.hpp"

namespace {

using memvid::TextUnit;
using memvid::text::units_in;

TEST(TextUnits, CountsBytesCodePointsAndUtf16Units) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E";  // a é € 𝄞: 1 + 2 + 3 + 4 bytes
  EXPECT_EQ(units_in(s, TextUnit::Utf8Bytes), 10u);
  EXPECT_EQ(units_in(s, TextUnit::CodePoints), 4u);
  EXPECT_EQ(units_in(s, TextUnit::Utf16), 5u);  // 𝄞 is a surrogate pair
  EXPECT_EQ(units_in("", TextUnit::Utf16), 0u);
}

TEST(TextUnits, AsciiRunsOfAnyLengthAroundMultiByteCharacters) {
  for (std::size_t before = 0; before < 20; ++before)
    for (std::size_t after = 0; after < 20; ++after) {
      const std::string s = std::string(before, 'x') + "\xC3\xA9" + std::string(after, 'y');
      EXPECT_EQ(units_in(s, TextUnit::CodePoints), before + 1 + after);
      EXPECT_EQ(units_in(s, TextUnit::Utf16), before + 1 + after);
    }
}

TEST(TextUnits, MalformedBytesCountOneUnitEach) {
  EXPECT_EQ(units_in("\xC3", TextUnit::CodePoints), 1u);            // a lead byte at the end
  EXPECT_EQ(units_in("\xE2\x82x", TextUnit::CodePoints), 3u);       // a cut sequence: 2 stray bytes, x
  EXPECT_EQ(units_in("\x80\x80", TextUnit::Utf16), 2u);             // stray continuation bytes
  EXPECT_EQ(units_in("\xF0\x9D\x84", TextUnit::Utf16), 3u);         // a 4-byte sequence cut short
}

}  // namespace
