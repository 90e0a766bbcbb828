// extract_html: title, what is dropped, how blocks and white space become text, and that
// hostile input (bad UTF-8, deep nesting, huge lines) is read without a crash.
#include <gtest/gtest.h>

#include <string>

#include "ingest/extracted.hpp"
#include "ingest/html_depth.hpp"

using memvid::ingest::extract_html;

namespace {

TEST(HtmlReader, TitleFromTitleElementWithWhitespaceCollapsed) {
  const auto r = extract_html(
      "<html><head><title>\n  My   Page\tTitle </title></head><body><h1>Other</h1></body></html>");
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.title, "My Page Title");
  EXPECT_EQ(r.text, "# Other");
}

TEST(HtmlReader, TitleFallsBackToFirstH1) {
  const auto r = extract_html("<body><p>intro</p><h1>First <em>big</em>\nheading</h1><h1>Second</h1></body>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.title, "First big heading");
  EXPECT_EQ(r.text, "intro\n\n# First big heading\n\n# Second");
}

TEST(HtmlReader, NoTitleAtAll) {
  const auto r = extract_html("<p>just text</p>");
  EXPECT_EQ(r.title, "");
  EXPECT_EQ(r.text, "just text");
}

TEST(HtmlReader, ScriptStyleTemplateNoscriptAndHeadDropped) {
  const auto r = extract_html(
      "<html><head><title>T</title><meta name=x content=\"meta words\"><style>body{color:red}</style>"
      "<script>var headScript = 1;</script></head><body>"
      "<p>visible</p><script>alert('x')</script><style>.a{}</style>"
      "<template><p>templated</p></template><noscript>enable js</noscript>"
      "<svg><script>svgscript</script><text>svg text</text></svg><!-- a comment --><p>end</p></body></html>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.title, "T");
  EXPECT_EQ(r.text, "visible\n\nsvg text\n\nend");
  for (const char* gone : {"alert", "color", "templated", "enable", "svgscript", "comment", "meta", "headScript"}) {
    EXPECT_EQ(r.text.find(gone), std::string::npos) << gone;
  }
}

TEST(HtmlReader, TitleInBodyIsNotText) {
  const auto r = extract_html("<body><p>a</p><title>Late</title><p>b</p></body>");
  EXPECT_EQ(r.title, "Late");
  EXPECT_EQ(r.text, "a\n\nb");
}

TEST(HtmlReader, CharacterReferencesDecoded) {
  const auto r =
      extract_html("<p>caf&eacute; &amp; cr&#232;me &#x263A; &lt;tag&gt; &quot;q&quot; a&nbsp;b &bogus;</p>");
  EXPECT_EQ(r.text, "caf\xC3\xA9 & cr\xC3\xA8me \xE2\x98\xBA <tag> \"q\" a\xC2\xA0" "b &bogus;");
}

TEST(HtmlReader, BlocksSeparatedInlineTextJoined) {
  const auto r = extract_html(
      "<h2>Usage</h2><p>one <b>bold</b>\n   <i>move</i></p><p>two</p>"
      "<div>d1</div><div>d2</div><ul><li>x</li><li>y <a href=#>link</a></li></ul>"
      "line<br>next<br><br>after gap<h3></h3><section>s</section>");
  EXPECT_EQ(r.text,
            "## Usage\n\none bold move\n\ntwo\n\nd1\nd2\n\n- x\n- y link\n\nline\nnext\n\nafter gap\n\ns");
}

TEST(HtmlReader, TablesRowsOnLinesCellsSeparated) {
  const auto r = extract_html("<p>before</p><table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>31</td></tr>"
                              "<tr><td></td><td>only</td></tr></table>after");
  EXPECT_EQ(r.text, "before\n\nName | Age\nAnn | 31\nonly\n\nafter");
}

TEST(HtmlReader, NoRunsOfBlankLinesAndTrimmed) {
  const auto r = extract_html("\n\n<div><div><p></p><p>  a  </p></div></div><br><br><br><br><p></p><div>b</div>   \n");
  EXPECT_EQ(r.text, "a\n\nb");
}

TEST(HtmlReader, PreKeepsWhitespace) {
  const auto r = extract_html("<p>See:</p><pre>\nint  main() {\n    return 0;\n\n\n\n}\n</pre><p>done   here</p>");
  EXPECT_EQ(r.text, "See:\n\nint  main() {\n    return 0;\n\n}\n\ndone here");
}

TEST(HtmlReader, WhitespaceOnlyPreLeavesNoExtraBlankLines) {
  const auto r = extract_html("<p>a</p><pre>   \n  \t \n   </pre><p>b</p><pre>x  \n\n  \n  y</pre>");
  EXPECT_EQ(r.text, "a\n\nb\n\nx\n\n  y");
}

TEST(HtmlReader, InvalidUtf8ReplacedAndCounted) {
  const auto r = extract_html("<p>caf\xE9 ok \xFF\xFE end</p>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.invalid_bytes, 3u);
  EXPECT_EQ(r.text, "caf\xEF\xBF\xBD ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(HtmlReader, ByteOrderMarkIgnored) {
  const auto r = extract_html("\xEF\xBB\xBF<p>x</p>");
  EXPECT_EQ(r.text, "x");
}

TEST(HtmlReader, EmptyInputIsEmptyNotSkipped) {
  for (const char* input : {"", "   \n ", "<html></html>", "<script>only()</script>"}) {
    const auto r = extract_html(input);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(r.title, "");
  }
}

TEST(HtmlReader, NulBytesDoNotCutTheText) {
  const std::string html("<p>a\0b</p><p>c</p>", 18);
  const auto r = extract_html(html);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.text.find('c'), std::string::npos);
}

TEST(HtmlReader, TagSoupStillReads) {
  const auto r = extract_html("<p>one<p>two<table><td>cell<b>bold<i>both</b>italic</table><div <x y=\"");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r.text.find("one"), std::string::npos);
  EXPECT_NE(r.text.find("cellboldbothitalic"), std::string::npos) << r.text;
}

// Gumbo's tree builder costs O(depth^2) here (each <div> scans the open elements for a
// <p>): about half a minute at this depth. The test is about the walk and the tree's
// release, which must not recurse.
std::string nested_divs(int depth) {
  std::string html;
  html.reserve(static_cast<std::size_t>(depth) * 11 + 64);
  for (int i = 0; i < depth; ++i) html += "<div>";
  html += "deep text";
  for (int i = 0; i < depth; ++i) html += "</div>";
  html += "<p>after</p>";
  return html;
}

TEST(HtmlReader, DeepNestingWithinTheLimitIsRead) {
  const auto r = extract_html(nested_divs(4000));
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, "deep text\n\nafter");
}

TEST(HtmlReader, HundredThousandNestedDivsAreSkippedQuickly) {
  // Parsing this would take gumbo about a minute (its time grows with depth squared).
  const auto r = extract_html(nested_divs(100'000));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.skip_reason, "HTML nested deeper than 5000 elements");
}

TEST(HtmlReader, NestingEstimateIgnoresVoidOptionalAndRawText) {
  std::string page = "<!DOCTYPE html><html><head><title><div><div></title><script>if (a<b) { '<div>' }</script></head><body>";
  for (int i = 0; i < 10000; ++i) page += "<p>para<br><img src=x><li>item<input/>";
  page += "<!-- <div><div> --></body></html>";
  EXPECT_LE(memvid::ingest::html_nesting_depth(page, 5000), 1u);
  EXPECT_EQ(memvid::ingest::html_nesting_depth(nested_divs(100), 5000), 100u);
  EXPECT_EQ(memvid::ingest::html_nesting_depth(nested_divs(9000), 5000), 5000u);
  EXPECT_TRUE(extract_html(page).ok());
}

TEST(HtmlReader, HugeSingleLine) {
  std::string words;
  words.reserve(10u << 20);
  while (words.size() < (10u << 20)) words += "lorem ipsum dolor sit amet ";
  words.pop_back();
  const auto r = extract_html("<html><body><p>" + words + "</p></body></html>");
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text, words);
}

TEST(HtmlReader, DenseMarkupWithinMemoryBudget) {
  // Many small elements: gumbo's tree is far larger than the file.
  std::string html;
  for (int i = 0; i < 200'000; ++i) html += "<span>w</span>";
  const auto r = extract_html(html);
  ASSERT_TRUE(r.ok()) << r.skip_reason;
  EXPECT_EQ(r.text.size(), 200'000u);
}

}  // namespace
