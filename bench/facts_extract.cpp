// Runs the rules extractor over a labelled set (bench/facts/labelled.jsonl) and writes what it
// found, one JSON line per case, in the set's own fact format, for bench/compare_facts.py to
// score. Also times extraction over the whole set.
//   usage: memvid_facts_extract LABELLED.jsonl > predictions.jsonl
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "facts/rules_extractor.hpp"
#include "memvid/timestamp.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: memvid_facts_extract LABELLED.jsonl\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  double seconds = 0;
  std::size_t cases = 0, bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const nlohmann::json c = nlohmann::json::parse(line);
    const std::string text = c.at("text");
    std::int64_t ts = 0;
    if (c.contains("timestamp"))
      if (auto t = memvid::parse_timestamp_ms(c["timestamp"].get<std::string>())) ts = *t;
    const auto start = std::chrono::steady_clock::now();
    const auto facts = memvid::facts::extract_facts_by_rules(text, ts);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++cases;
    bytes += text.size();
    nlohmann::json out = {{"id", c.at("id")}, {"facts", nlohmann::json::array()}};
    for (const auto& f : facts) {
      nlohmann::json j = {{"entity", f.entity}, {"slot", f.slot}, {"value", f.value},
                          {"polarity", f.negative ? "negative" : "positive"}};
      if (f.valid_from_ms) j["valid_from"] = memvid::format_timestamp_iso(*f.valid_from_ms).substr(0, 10);
      if (text.substr(f.value_begin, f.value_length) != f.value) j["span_mismatch"] = true;
      out["facts"].push_back(j);
    }
    std::cout << out.dump() << "\n";
  }
  std::fprintf(stderr, "extracted %zu cases (%zu bytes) in %.3f ms\n", cases, bytes, seconds * 1000);
  return 0;
}
