#pragma once
// Facts written out for other tools: N-Triples (RDF 1.1, one triple per line, IRIs
// percent-encoded, literals escaped), JSON (the FactRecord fields) and CSV (RFC 4180).
#include <ostream>
#include <string>
#include <vector>

#include "memvid/facts.hpp"

namespace memvid::cli {

struct FactsExportOptions {
  std::string format = "ntriples";  // ntriples, json, csv
  std::string base_uri = "mv2://entity/";
  bool with_provenance = false;
};

void write_facts(std::ostream& out, const std::vector<FactRecord>& facts, const FactsExportOptions& options);

// An IRI path segment: unreserved characters (RFC 3986) kept, every other byte as %XX.
std::string percent_encode(const std::string& text);

}  // namespace memvid::cli
