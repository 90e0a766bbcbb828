// The Audit view (memvid/audit.hpp): ask, then each source's provenance.
#include "memvid/audit.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "facts/rules_extractor.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/timestamp.hpp"

namespace memvid {
namespace {

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

// Markdown table cells: a '|' or a line break would end the cell.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : one_line(s)) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

std::string fact_line(const FactRecord& f) {
  std::string line = f.entity_name + "." + f.slot + " = " + f.value;
  if (f.polarity == "negative") line += " (negative)";
  line += ", valid from " + format_timestamp_iso(f.valid_from_ms).substr(0, 10);
  if (f.valid_to_ms) line += " to " + format_timestamp_iso(*f.valid_to_ms).substr(0, 10);
  if (!f.current) line += f.retracted.empty() ? ", no longer current" : ", retracted (" + f.retracted + ")";
  line += " [" + f.engine + "]";
  return line;
}

}  // namespace

AuditReport Audit::run(const std::string& question, const AuditOptions& options) const {
  AskOptions a;
  a.k = options.k;
  a.mode = options.mode;
  a.scope = options.scope;
  a.since_ms = options.start_ms;
  a.as_of_ms = options.end_ms;
  a.model = options.model;
  a.base_url = options.base_url;
  a.api_key_env = options.api_key_env;
  a.timeout_ms = options.timeout_ms;
  const AskResult answer = handle_->ask(question, a);

  AuditReport r;
  r.question = answer.question;
  r.answer = answer.answer;
  r.found = answer.found;
  r.used_model = answer.used_model;
  r.model = answer.model;
  r.mode = std::string(to_string(answer.mode_used));
  r.note = answer.note;
  r.memory = handle_->path();
  r.frames = handle_->frame_count();
  {
    std::lock_guard lock(impl().mu);
    r.generated_ms = impl().env->now_ms();
  }

  // The facts of the sources' frames, read once for all of them.
  std::map<FrameId, std::vector<FactRecord>> facts_of;
  if (!answer.sources.empty()) {
    std::set<FrameId> frames;
    for (const AskSource& s : answer.sources) frames.insert(s.id);
    FactQuery q;
    q.history = true;
    for (FactRecord& f : Facts(*handle_).list(q))
      if (frames.count(f.frame)) facts_of[f.frame].push_back(std::move(f));
  }
  for (const AskSource& s : answer.sources) {
    AuditSource out;
    out.number = s.number;
    out.frame = s.id;
    out.title = s.title;
    out.uri = s.uri;
    out.timestamp_ms = s.timestamp_ms;
    out.page = s.page;
    out.byte_begin = s.chunk_begin;
    out.byte_end = s.chunk_end;
    out.cited = std::find(answer.citations.begin(), answer.citations.end(), s.number) != answer.citations.end();
    out.score = s.score;
    out.excerpt = s.text.empty() ? s.snippet : s.text;
    const Frame info = handle_->frame_info(s.id);
    out.correction = facts::is_correction(info.labels);
    for (const FactRecord& f : facts_of[s.id])
      if (f.value_begin >= s.chunk_begin && f.value_begin + f.value_length <= s.chunk_end) out.facts.push_back(f);
    r.sources.push_back(std::move(out));
  }
  return r;
}

std::string audit_text(const AuditReport& r) {
  std::string out = "Question: " + r.question + "\n\n" + r.answer + "\n";
  if (!r.note.empty()) out += "\n(" + r.note + ")\n";
  out += "\nSources (" + std::to_string(r.sources.size()) + "):\n";
  for (const AuditSource& s : r.sources) {
    out += "[" + std::to_string(s.number) + "] frame #" + std::to_string(s.frame);
    if (!s.uri.empty()) out += "  " + s.uri;
    if (!s.title.empty()) out += "  \"" + one_line(s.title) + "\"";
    out += "\n    bytes " + std::to_string(s.byte_begin) + "-" + std::to_string(s.byte_end);
    if (s.page) out += ", page " + std::to_string(s.page);
    out += ", " + format_timestamp_iso(s.timestamp_ms);
    if (s.correction) out += ", CORRECTION";
    if (s.cited) out += ", cited";
    out += "\n    " + one_line(s.excerpt.substr(0, 300)) + (s.excerpt.size() > 300 ? "..." : "") + "\n";
    for (const FactRecord& f : s.facts) out += "    fact: " + fact_line(f) + "\n";
  }
  out += "\nMemory " + r.memory + " (" + std::to_string(r.frames) + " frames), audited " +
         format_timestamp_iso(r.generated_ms) + ", retrieval " + r.mode + ", " +
         (r.used_model ? "answer by " + r.model : std::string("extractive answer (no language model)")) + "\n";
  return out;
}

std::string audit_markdown(const AuditReport& r) {
  std::string out = "# Audit: " + one_line(r.question) + "\n\n";
  out += "| | |\n|---|---|\n";
  out += "| Memory | `" + cell(r.memory) + "` (" + std::to_string(r.frames) + " frames) |\n";
  out += "| Audited | " + format_timestamp_iso(r.generated_ms) + " |\n";
  out += "| Retrieval | " + r.mode + " |\n";
  out += "| Answer by | " + (r.used_model ? cell(r.model) : std::string("extractive (no language model)")) + " |\n";
  out += "| Sources | " + std::to_string(r.sources.size()) + " |\n\n";
  out += "## Answer\n\n" + r.answer + "\n\n";
  if (!r.note.empty()) out += "> " + one_line(r.note) + "\n\n";
  out += "## Sources\n";
  for (const AuditSource& s : r.sources) {
    out += "\n### [" + std::to_string(s.number) + "] " + cell(s.title.empty() ? "frame #" + std::to_string(s.frame) : s.title) +
           "\n\n| field | value |\n|---|---|\n";
    out += "| frame | " + std::to_string(s.frame) + " |\n";
    out += "| uri | " + (s.uri.empty() ? std::string("-") : "`" + cell(s.uri) + "`") + " |\n";
    out += "| bytes | " + std::to_string(s.byte_begin) + "-" + std::to_string(s.byte_end) + " |\n";
    out += "| page | " + (s.page ? std::to_string(s.page) : std::string("-")) + " |\n";
    out += "| time | " + format_timestamp_iso(s.timestamp_ms) + " |\n";
    out += "| correction | " + std::string(s.correction ? "yes" : "no") + " |\n";
    out += "| cited in the answer | " + std::string(s.cited ? "yes" : "no") + " |\n\n";
    std::string quoted = "> ";
    for (char c : s.excerpt) {
      quoted += c;
      if (c == '\n') quoted += "> ";
    }
    out += quoted + "\n";
    if (!s.facts.empty()) {
      out += "\nFacts read from this passage:\n\n";
      for (const FactRecord& f : s.facts) out += "- " + cell(fact_line(f)) + "\n";
    }
  }
  return out;
}

}  // namespace memvid
