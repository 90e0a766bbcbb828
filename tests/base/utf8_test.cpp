#include "base/utf8.hpp"

#include <gtest/gtest.h>

#include <random>

namespace memvid::base {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8Repair, ValidTextIsUnchanged) {
  for (std::string s : {std::string(), std::string("plain ascii"), std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")}) {
    EXPECT_TRUE(is_valid_utf8(s));
    const RepairedUtf8 r = repair_utf8(s);
    EXPECT_EQ(r.text, s);
    EXPECT_EQ(r.invalid_bytes, 0u);
    EXPECT_EQ(r.replacements, 0u);
  }
}

// The examples of Unicode's "U+FFFD substitution of maximal subparts" (Table 3-8 and the
// W3C/WHATWG practice): each maximal subpart becomes one U+FFFD.
TEST(Utf8Repair, MaximalSubpartsBecomeOneReplacementEach) {
  struct Case {
    std::string in, out;
    std::uint64_t bad;
  } cases[] = {
      {"a\x80" "b", "a" + kFffd + "b", 1},                            // stray continuation
      {"\xC0\xAF", kFffd + kFffd, 2},                                 // overlong lead C0: two
      {"\xE0\x80\xAF", kFffd + kFffd + kFffd, 3},                     // E0 80: 80 is not a valid second byte
      {"\xED\xA0\x80", kFffd + kFffd + kFffd, 3},                     // surrogate
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd, 4},         // past U+10FFFF
      {"\xE2\x82" "x", kFffd + "x", 2},                               // truncated 3-byte sequence: one
      {"\xF0\x9F\x98", kFffd, 3},                                     // truncated at the end
      {"\xFF\xFE", kFffd + kFffd, 2},
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",      // Unicode's own example
       "a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d", 9},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(is_valid_utf8(c.in));
    const RepairedUtf8 r = repair_utf8(c.in);
    EXPECT_EQ(r.text, c.out);
    EXPECT_EQ(r.invalid_bytes, c.bad);
    EXPECT_TRUE(is_valid_utf8(r.text));
  }
}

TEST(Utf8Repair, RandomBytesAlwaysComeOutValid) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    const RepairedUtf8 r = repair_utf8(s);
    EXPECT_TRUE(is_valid_utf8(r.text));
    EXPECT_LE(r.invalid_bytes, s.size());
    EXPECT_EQ(is_valid_utf8(s), r.invalid_bytes == 0);
  }
}

}  // namespace
}  // namespace memvid::base
