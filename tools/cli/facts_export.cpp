#include "facts_export.hpp"

#include <cstdio>

#include "memvid/timestamp.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

std::string percent_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {

// An N-Triples string literal: UTF-8 as is, the characters the grammar forbids escaped.
std::string nt_literal(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string day_or_time(std::int64_t ms) { return format_timestamp_iso(ms); }

void write_ntriples(std::ostream& out, const std::vector<FactRecord>& facts, const FactsExportOptions& o) {
  for (const FactRecord& f : facts) {
    // A negative preference is a fact of its own ("hates sushi"); other negative facts only
    // close a value and say nothing to export.
    if (f.polarity == "negative" && f.kind != "preference") continue;
    if (o.with_provenance)
      out << "# fact " << f.id << ": frame " << f.frame << (f.uri.empty() ? "" : " " + f.uri) << ", bytes "
          << f.value_begin << "+" << f.value_length << ", valid from " << day_or_time(f.valid_from_ms)
          << (f.valid_to_ms ? " to " + day_or_time(*f.valid_to_ms) : "") << ", recorded "
          << day_or_time(f.recorded_at_ms) << ", " << f.engine << "\n";
    const std::string subject = "<" + o.base_uri + percent_encode(f.entity) + ">";
    const std::string predicate =
        "<mv2://slot/" + percent_encode(f.slot) + (f.polarity == "negative" ? "/negative" : "") + ">";
    std::string object;
    if (f.value_type == "entity") {
      object = "<" + o.base_uri + percent_encode(fact_entity_key(f.value)) + ">";
    } else if (f.value_type == "number") {
      object = nt_literal(f.value) + "^^<http://www.w3.org/2001/XMLSchema#decimal>";
    } else {
      object = nt_literal(f.value);
    }
    out << subject << ' ' << predicate << ' ' << object << " .\n";
  }
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_csv(std::ostream& out, const std::vector<FactRecord>& facts, const FactsExportOptions& o) {
  out << "entity,entity_name,slot,value,polarity,valid_from,valid_to,current,retracted";
  if (o.with_provenance) out << ",id,frame,uri,value_begin,value_length,recorded_at,engine,confidence,superseded_by";
  out << "\r\n";
  for (const FactRecord& f : facts) {
    out << csv_field(f.entity) << ',' << csv_field(f.entity_name) << ',' << csv_field(f.slot) << ','
        << csv_field(f.value) << ',' << f.polarity << ',' << day_or_time(f.valid_from_ms) << ','
        << (f.valid_to_ms ? day_or_time(*f.valid_to_ms) : "") << ',' << (f.current ? "true" : "false") << ','
        << f.retracted;
    if (o.with_provenance) {
      char confidence[16];
      std::snprintf(confidence, sizeof confidence, "%.2f", f.confidence);
      out << ',' << f.id << ',' << f.frame << ',' << csv_field(f.uri) << ',' << f.value_begin << ',' << f.value_length
          << ',' << day_or_time(f.recorded_at_ms) << ',' << csv_field(f.engine) << ',' << confidence << ','
          << (f.superseded_by ? std::to_string(*f.superseded_by) : "");
    }
    out << "\r\n";
  }
}

void write_json(std::ostream& out, const std::vector<FactRecord>& facts, const FactsExportOptions& o) {
  Json all = Json::array();
  for (const FactRecord& f : facts) {
    Json j = to_json(f);
    if (!o.with_provenance)
      for (const char* key : {"id", "frame", "uri", "value_begin", "value_length", "recorded_at_ms", "recorded_at",
                              "engine", "confidence", "superseded_by", "confirms"})
        j.erase(key);
    all.push_back(std::move(j));
  }
  out << all.dump(2) << '\n';
}

}  // namespace

void write_facts(std::ostream& out, const std::vector<FactRecord>& facts, const FactsExportOptions& options) {
  if (options.format == "json") write_json(out, facts, options);
  else if (options.format == "csv") write_csv(out, facts, options);
  else write_ntriples(out, facts, options);
}

}  // namespace memvid::cli
