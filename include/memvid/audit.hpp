#pragma once
// audit: an answer with the provenance of every source, for a reviewer to file. It is ask
// (extractive, or a language model's answer) plus, per source: its frame, uri, title, byte
// range and page, time, whether it is a correction, an excerpt, and the facts read from that
// passage. Rendered as text or Markdown here, and as JSON through fields.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memvid/facts.hpp"
#include "memvid/memvid.hpp"
#include "memvid/view.hpp"

namespace memvid {

struct AuditOptions {
  std::size_t k = 8;                 // passages to consider
  SearchMode mode = SearchMode::Auto;
  std::string scope;                 // only frames whose uri starts with this
  std::optional<std::int64_t> start_ms, end_ms;  // only frames timestamped within [start, end]
  std::string model;                 // a language model ("openai:gpt-4o"); empty: extractive
  std::string base_url, api_key_env;
  int timeout_ms = 60000;
};

struct AuditSource {
  std::size_t number = 0;   // [number] in the answer
  FrameId frame = 0;
  std::string title;
  std::string uri;
  std::int64_t timestamp_ms = 0;
  std::uint32_t page = 0;   // 0: not a paged document
  std::uint64_t byte_begin = 0, byte_end = 0;  // the passage in the frame's text (UTF-8 bytes)
  bool cited = false;       // the answer cites it
  bool correction = false;  // the frame is a correction (memvid correct)
  double score = 0;
  std::string excerpt;      // the passage
  std::vector<FactRecord> facts;  // facts read from within the passage
};

struct AuditReport {
  std::string question;
  std::string answer;
  bool found = false;
  bool used_model = false;
  std::string model;
  std::string mode;          // lex, sem or auto: how the sources were retrieved
  std::string memory;        // the memory's path
  std::uint64_t frames = 0;  // frames the memory held when audited (its state)
  std::int64_t generated_ms = 0;
  std::string note;
  std::vector<AuditSource> sources;
};

class Audit : public View {
 public:
  explicit Audit(Memvid& handle) : View(handle), handle_(&handle) {}
  AuditReport run(const std::string& question, const AuditOptions& options = {}) const;

 private:
  Memvid* handle_;
};

// Human-readable renderings of a report (JSON comes from fields.hpp like every result).
std::string audit_text(const AuditReport& report);
std::string audit_markdown(const AuditReport& report);

}  // namespace memvid
