#pragma once
// How deeply an HTML file nests its elements, estimated from its tags without parsing it.
// The HTML5 tree builder (gumbo, like the specification's algorithm) checks the stack of
// open elements at each start tag, so its time grows with the square of the nesting depth:
// 100,000 nested <div>s take about a minute. Real pages nest a few dozen levels; a file
// nested thousands deep is skipped before gumbo sees it.
#include <cstddef>
#include <string_view>

namespace memvid::ingest {

// The deepest nesting of elements that need an end tag (void elements, self-closing tags and
// elements whose end tag is optional, such as <p> and <li>, do not count; comments and the
// content of <script>, <style>, <textarea> and <title> are skipped). Stops counting once
// `limit` is reached and returns it. Linear in the input.
std::size_t html_nesting_depth(std::string_view html, std::size_t limit);

}  // namespace memvid::ingest
