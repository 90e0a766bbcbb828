// The HTML reader: parses with gumbo (the HTML5 algorithm, so any tag soup has the tree a
// browser would build) and renders the tree as plain text the way a reader sees the page.
//
// What the text looks like:
//   - script, style, template, noscript, iframe and the head (except the title) give no text;
//   - headings are lines of their own, prefixed Markdown-style by their level ("## Usage"),
//     so that the structure survives for snippets and answers;
//   - paragraphs, headings, lists, tables, pre and sectioning elements are separated by a
//     blank line; div, li, tr, dt/dd, br and similar by a line break; list items start with
//     "- "; table cells in a row are separated by " | ";
//   - white space collapses to single spaces except inside pre (kept as written); the text
//     is trimmed and never has more than one blank line in a row;
//   - character references are decoded (by gumbo); non-UTF-8 bytes become U+FFFD first,
//     because gumbo reads UTF-8 only.
// Title: the first <title> (white space collapsed), else the text of the first <h1>.
#include <gumbo.h>

#include <algorithm>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ingest/extracted.hpp"
#include "ingest/html_depth.hpp"
#include "base/utf8.hpp"

namespace memvid::ingest {
namespace {

// Bounds on what one file may cost. Beyond them the file is skipped rather than cut short,
// so that a stored document is never silently incomplete.
constexpr std::size_t kMaxHtmlBytes = 128u << 20;
// Deeper nesting is skipped: gumbo's time grows with its square (html_depth.hpp); 5,000
// levels parse in well under a second.
constexpr std::size_t kMaxNestingDepth = 5000;
constexpr std::size_t kMaxTextBytes = 64u << 20;
// Gumbo's tree takes up to ~50 bytes per byte of dense markup ("<b><b><b>..."): a budget
// keeps a hostile file from exhausting memory.
constexpr std::size_t kParseMemoryBudget = std::size_t{1} << 30;

// Gumbo's memory, through its allocator hooks. Every block is on a list so that the tree can
// be freed without gumbo_destroy_output, which recurses once per level of nesting (a file of
// 100,000 nested elements would overflow a small thread stack). Running out of budget or of
// memory jumps back to parse(): gumbo has no way to fail an allocation, and it is C, so the
// jump skips no destructor; the blocks it abandons are on the list.
class GumboArena {
 public:
  GumboArena() = default;
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;
  ~GumboArena() {
    for (Block* b = head_.next; b != &head_;) {
      Block* next = b->next;
      std::free(b);
      b = next;
    }
  }

  // The tree, or null when the budget ran out.
  const GumboOutput* parse(std::string_view html) {
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &GumboArena::allocate;
    options.deallocator = &GumboArena::deallocate;
    options.userdata = this;
    options.max_errors = 0;  // parse errors are of no use here, and cost memory
    if (setjmp(out_of_budget_) != 0) return nullptr;
    return gumbo_parse_with_options(&options, html.data(), html.size());
  }

 private:
  struct alignas(16) Block {  // malloc's alignment, kept for the caller's bytes after it
    Block* prev;
    Block* next;
    std::size_t size;
  };

  static void* allocate(void* userdata, std::size_t size) {
    auto* arena = static_cast<GumboArena*>(userdata);
    if (size > kParseMemoryBudget - arena->live_) std::longjmp(arena->out_of_budget_, 1);
    auto* b = static_cast<Block*>(std::malloc(sizeof(Block) + size));
    if (b == nullptr) std::longjmp(arena->out_of_budget_, 1);
    b->size = size;
    b->prev = &arena->head_;
    b->next = arena->head_.next;
    b->next->prev = b;
    arena->head_.next = b;
    arena->live_ += size;
    return b + 1;
  }

  static void deallocate(void* userdata, void* ptr) {
    if (ptr == nullptr) return;
    auto* arena = static_cast<GumboArena*>(userdata);
    Block* b = static_cast<Block*>(ptr) - 1;
    b->prev->next = b->next;
    b->next->prev = b->prev;
    arena->live_ -= b->size;
    std::free(b);
  }

  Block head_{&head_, &head_, 0};
  std::size_t live_ = 0;
  std::jmp_buf out_of_budget_;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Collapses HTML white space to single spaces and trims.
std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (is_space(c)) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

// Builds the text: breaks and separators are requested as pending and written only before
// the next visible text, so that empty elements, leading and trailing breaks and runs of
// breaks leave nothing behind.
class TextBuilder {
 public:
  // Requests a line break (1) or a blank line (2) before the next text.
  void request_break(int newlines) { pending_newlines_ = std::max(pending_newlines_, newlines); }
  // A <br>: each one is a line break of its own, up to one blank line.
  void add_line_break() { pending_newlines_ = std::min(pending_newlines_ + 1, 2); }
  // Written before the next text when it does not start a line (" | " between cells).
  void request_separator(std::string_view separator) { pending_separator_ = separator; }
  // Written at the start of the next text's line ("## ", "- "); dropped if no text comes.
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  void clear_prefix() { prefix_.clear(); }

  void add_text(std::string_view s, bool preformatted) {
    if (preformatted) {
      add_preformatted(s);
      return;
    }
    std::size_t i = 0;
    while (i < s.size()) {
      if (is_space(s[i])) {
        pending_space_ = true;
        ++i;
        continue;
      }
      std::size_t end = i;
      while (end < s.size() && !is_space(s[end])) ++end;
      flush_pending();
      out_.append(s.data() + i, end - i);
      i = end;
    }
  }

  std::size_t size() const { return out_.size(); }

  std::string finish() && {
    const std::size_t end = out_.find_last_not_of(" \t\n\r\f");
    out_.resize(end == std::string::npos ? 0 : end + 1);
    const std::size_t begin = out_.find_first_not_of(" \t\n\r\f");
    if (begin != std::string::npos && begin > 0) out_.erase(0, begin);
    return std::move(out_);
  }

 private:
  bool at_line_start() const { return out_.empty() || out_.back() == '\n'; }

  std::size_t trailing_newlines() const {
    std::size_t n = 0;
    while (n < out_.size() && n < 2 && out_[out_.size() - 1 - n] == '\n') ++n;
    return n;
  }

  // Spaces at the end of a line (from <pre>) would make a blank line look like text.
  void trim_line_end() {
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t')) out_.pop_back();
  }

  void flush_pending() {
    if (!out_.empty() && pending_newlines_ > 0) {
      trim_line_end();
      const std::size_t have = trailing_newlines();
      for (std::size_t n = have; n < static_cast<std::size_t>(pending_newlines_); ++n) out_ += '\n';
    } else if (!at_line_start()) {
      if (!pending_separator_.empty()) {
        out_ += pending_separator_;
      } else if (pending_space_) {
        out_ += ' ';
      }
    }
    if (!prefix_.empty() && at_line_start()) out_ += prefix_;
    prefix_.clear();
    pending_newlines_ = 0;
    pending_space_ = false;
    pending_separator_ = {};
  }

  // Kept as written, line breaks included, except that blank lines do not pile up.
  void add_preformatted(std::string_view s) {
    if (s.empty()) return;
    flush_pending();
    for (const char c : s) {
      if (c == '\n') {
        trim_line_end();
        if (out_.empty() || trailing_newlines() >= 2) continue;
      }
      out_ += c;
    }
  }

  std::string out_;
  int pending_newlines_ = 0;
  bool pending_space_ = false;
  std::string_view pending_separator_;
  std::string prefix_;
};

// How an element shapes the text.
enum class Role {
  Inline,     // its text flows with its neighbours'
  Drop,       // no text from it or anything inside
  Line,       // on lines of its own
  Paragraph,  // set off by blank lines
  Heading,    // a paragraph with a "#" prefix per level
  ListItem,   // a line starting "- "
  Cell,       // " | " from the previous cell of its row
  Break,      // <br>
  Pre,        // a paragraph whose white space is kept
  Head,       // dropped, but its <title> is the document's
  Title,      // dropped from the text; the first one is the document's title
};

Role role_of(const GumboElement& e) {
  if (e.tag == GUMBO_TAG_SCRIPT || e.tag == GUMBO_TAG_STYLE) return Role::Drop;  // in svg too
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return Role::Inline;
  switch (e.tag) {
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_DATALIST:
      return Role::Drop;
    case GUMBO_TAG_HEAD:
      return Role::Head;
    case GUMBO_TAG_TITLE:
      return Role::Title;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return Role::Heading;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      return Role::Pre;
    case GUMBO_TAG_LI:
      return Role::ListItem;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Role::Cell;
    case GUMBO_TAG_BR:
      return Role::Break;
    case GUMBO_TAG_P:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_CENTER:
      return Role::Paragraph;
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
      return Role::Line;
    default:
      return Role::Inline;
  }
}

// The text of a <title> (its children are text: the tokenizer reads it as RCDATA).
std::string title_text(const GumboNode& title) {
  std::string raw;
  const GumboVector& children = title.v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) raw += child->v.text.text;
  }
  return collapse(raw);
}

class Renderer {
 public:
  // False when the text outgrew kMaxTextBytes.
  bool render(const GumboNode* root) {
    // An explicit stack: nesting depth is the file's to choose.
    struct Frame {
      const GumboNode* node;
      unsigned next_child;
    };
    std::vector<Frame> stack;
    if (enter(*root)) stack.push_back({root, 0});
    while (!stack.empty()) {
      Frame& top = stack.back();
      const GumboVector& children = top.node->type == GUMBO_NODE_DOCUMENT ? top.node->v.document.children
                                                                          : top.node->v.element.children;
      if (top.next_child == children.length) {
        const GumboNode* done = top.node;
        stack.pop_back();
        leave(*done);
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      if (enter(*child)) stack.push_back({child, 0});
      if (text_.size() > kMaxTextBytes) return false;
    }
    return true;
  }

  std::string take_text() && { return std::move(text_).finish(); }
  std::string take_title() && { return title_.empty() ? collapse(h1_) : std::move(title_); }

 private:
  // Handles the start of a node; true when its children are to be walked.
  bool enter(const GumboNode& node) {
    switch (node.type) {
      case GUMBO_NODE_DOCUMENT:
        return true;
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: {
        const std::string_view s = node.v.text.text;
        text_.add_text(s, pre_depth_ > 0);
        if (h1_depth_ > 0) h1_ += s;
        return false;
      }
      case GUMBO_NODE_ELEMENT:
        break;
      default:  // comments, templates
        return false;
    }
    const GumboElement& e = node.v.element;
    switch (role_of(e)) {
      case Role::Drop:
        return false;
      case Role::Head: {
        for (unsigned i = 0; i < e.children.length && title_.empty(); ++i) {
          const auto* child = static_cast<const GumboNode*>(e.children.data[i]);
          if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_TITLE &&
              child->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
            title_ = title_text(*child);
          }
        }
        return false;
      }
      case Role::Title:
        if (title_.empty()) title_ = title_text(node);
        return false;
      case Role::Inline:
        return true;
      case Role::Line:
        text_.request_break(1);
        return true;
      case Role::Paragraph:
        text_.request_break(2);
        return true;
      case Role::Pre:
        text_.request_break(2);
        ++pre_depth_;
        return true;
      case Role::Heading: {
        text_.request_break(2);
        const int level = 1 + static_cast<int>(e.tag - GUMBO_TAG_H1);
        text_.set_prefix(std::string(static_cast<std::size_t>(level), '#') + ' ');
        if (e.tag == GUMBO_TAG_H1 && !seen_h1_) {
          seen_h1_ = true;
          h1_depth_ = 1;
        } else if (h1_depth_ > 0) {
          ++h1_depth_;
        }
        return true;
      }
      case Role::ListItem:
        text_.request_break(1);
        text_.set_prefix("- ");
        return true;
      case Role::Cell:
        text_.request_separator(" | ");
        return true;
      case Role::Break:
        text_.add_line_break();
        return false;
    }
    return true;
  }

  void leave(const GumboNode& node) {
    if (node.type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = node.v.element;
    switch (role_of(e)) {
      case Role::Line:
        text_.request_break(1);
        break;
      case Role::Paragraph:
        text_.request_break(2);
        break;
      case Role::Pre:
        --pre_depth_;
        text_.request_break(2);
        break;
      case Role::Heading:
        text_.clear_prefix();  // an empty heading leaves no "## "
        text_.request_break(2);
        if (h1_depth_ > 0) --h1_depth_;
        break;
      case Role::ListItem:
        text_.clear_prefix();
        text_.request_break(1);
        break;
      default:
        break;
    }
  }

  TextBuilder text_;
  std::string title_;
  std::string h1_;  // the first <h1>'s text, the title when there is no <title>
  bool seen_h1_ = false;
  int h1_depth_ = 0;  // headings open inside the first <h1>, itself included
  int pre_depth_ = 0;
};

}  // namespace

Extracted extract_html(std::string_view bytes) {
  Extracted out;
  if (bytes.size() > kMaxHtmlBytes) {
    out.skip_reason = "HTML file larger than " + std::to_string(kMaxHtmlBytes >> 20) + " MiB";
    return out;
  }
  // A byte-order mark is no part of the text.
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (html_nesting_depth(bytes, kMaxNestingDepth) >= kMaxNestingDepth) {
    out.skip_reason = "HTML nested deeper than " + std::to_string(kMaxNestingDepth) + " elements";
    return out;
  }
  base::RepairedUtf8 utf8 = base::repair_utf8(bytes);
  out.invalid_bytes = utf8.invalid_bytes;

  GumboArena arena;
  const GumboOutput* tree = arena.parse(utf8.text);
  if (tree == nullptr) {
    out.skip_reason = "HTML too complex: parsing it needs more than " +
                      std::to_string(kParseMemoryBudget >> 20) + " MiB of memory";
    return out;
  }
  Renderer renderer;
  if (!renderer.render(tree->document)) {
    out.skip_reason = "HTML text longer than " + std::to_string(kMaxTextBytes >> 20) + " MiB";
    return out;
  }
  out.text = std::move(renderer).take_text();
  out.title = std::move(renderer).take_title();
  return out;
}

}  // namespace memvid::ingest
