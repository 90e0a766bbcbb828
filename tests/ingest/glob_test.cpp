#include "ingest/glob.hpp"

#include <gtest/gtest.h>

namespace memvid::ingest {
namespace {

TEST(Glob, StarStaysWithinASegment) {
  EXPECT_TRUE(glob_match("docs/*.md", "docs/a.md"));
  EXPECT_FALSE(glob_match("docs/*.md", "docs/sub/a.md"));
  EXPECT_TRUE(glob_match("*.md", "docs/sub/a.md"));  // no '/': the file name alone
  EXPECT_FALSE(glob_match("*.md", "docs/a.mdx"));
  EXPECT_TRUE(glob_match("*", "x"));
  EXPECT_TRUE(glob_match("a*b*c", "abc"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
}

TEST(Glob, DoubleStarSpansSegments) {
  EXPECT_TRUE(glob_match("docs/**/*.md", "docs/a.md"));
  EXPECT_TRUE(glob_match("docs/**/*.md", "docs/x/y/a.md"));
  EXPECT_FALSE(glob_match("docs/**/*.md", "other/a.md"));
  EXPECT_TRUE(glob_match("**/draft-*", "a/b/draft-1.txt"));
  EXPECT_TRUE(glob_match("**/draft-*", "draft-1.txt"));
  EXPECT_TRUE(glob_match("docs/**", "docs/a/b/c"));
  EXPECT_FALSE(glob_match("docs/**/b", "docs/ab"));
}

TEST(Glob, QuestionMarkClassesAndEscapes) {
  EXPECT_TRUE(glob_match("file?.txt", "file1.txt"));
  EXPECT_FALSE(glob_match("file?.txt", "file12.txt"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
  EXPECT_TRUE(glob_match("[abc].md", "b.md"));
  EXPECT_FALSE(glob_match("[abc].md", "d.md"));
  EXPECT_TRUE(glob_match("[!abc].md", "d.md"));
  EXPECT_TRUE(glob_match("[a-c]x", "bx"));
  EXPECT_TRUE(glob_match("\\*.md", "*.md"));
  EXPECT_FALSE(glob_match("\\*.md", "a.md"));
  EXPECT_TRUE(glob_match("[", "["));  // unterminated class: a literal
  EXPECT_TRUE(glob_match("/top.md", "top.md"));
}

TEST(Glob, PathologicalPatternsStayFast) {
  // Backtracking matchers take exponential time here; this one is linear in each.
  const std::string path(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(glob_match(pattern, path));
  EXPECT_TRUE(glob_match("**/**/**/**/**/*a", "x/y/" + path));
}

}  // namespace
}  // namespace memvid::ingest
