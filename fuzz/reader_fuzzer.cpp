// libFuzzer target: arbitrary bytes through the ingestion readers and the ask helpers that
// see untrusted text: file type detection, UTF-8 repair, Markdown, HTML (gumbo), JSON and
// JSONL records, globs, sentence splitting, citation parsing, page lookup, the facts rules
// engine, the fact part decoder, enrichment payloads and model answers. Anything but a
// memvid::Error is a bug. (PDFs go to poppler, which this target does not fuzz: it is
// fuzzed upstream, by OSS-Fuzz.)
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <xxhash.h>

#include "ask/context.hpp"
#include "ask/extractive.hpp"
#include "ask/prompt.hpp"
#include "ingest/extracted.hpp"
#include "ingest/file_type.hpp"
#include "ingest/glob.hpp"
#include "ingest/pages.hpp"
#include "memvid/records.hpp"
#include "base/utf8.hpp"
#include "facts/enrichment.hpp"
#include "facts/llm_extractor.hpp"
#include "facts/rules_extractor.hpp"
#include "format/checksum.hpp"
#include "index/facts/fact_segment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 12) {
      case 0: (void)memvid::ingest::detect_file_type(".txt", bytes), (void)memvid::base::repair_utf8(bytes); break;
      case 1: (void)memvid::ingest::extract_markdown(bytes); break;
      case 2: (void)memvid::ingest::extract_html(bytes); break;
      case 3: (void)memvid::parse_jsonl_records(bytes, "fuzz"); break;
      case 4: (void)memvid::parse_json_records(bytes, "fuzz", {}, {"a.b", "t"}); break;
      case 5: {
        const std::size_t cut = bytes.find('\n');
        if (cut != std::string_view::npos) (void)memvid::ingest::glob_match(bytes.substr(0, cut), bytes.substr(cut + 1));
        break;
      }
      case 6: (void)memvid::ask::split_sentences(bytes), (void)memvid::ask::cited_numbers(bytes, 50); break;
      case 7: (void)memvid::ingest::page_at(bytes, size), (void)memvid::ask::question_to_query(bytes); break;
      case 8: {
        // The rules engine reads any text; every value span it reports lies inside it.
        for (const auto& f : memvid::facts::extract_facts_by_rules(bytes, 1700000000000))
          if (std::uint64_t{f.value_begin} + f.value_length > bytes.size()) std::abort();
        break;
      }
      case 9: {
        // The fact part decoder past its checksum: the harness closes the bytes with theirs.
        std::vector<std::uint8_t> part(bytes.begin(), bytes.end());
        if (part.size() > 4 && part[4] == 2) {  // version 2: the XXH3-64 before the trailer
          const std::uint64_t h = XXH3_64bits(part.data(), part.size());
          for (int i = 0; i < 8; ++i) part.push_back(static_cast<std::uint8_t>(h >> (8 * i)));
        }
        const memvid::format::Checksum16 sum = memvid::format::checksum16(part);
        part.insert(part.end(), sum.begin(), sum.end());
        (void)memvid::index::decode_fact_segment(part, 0);
        break;
      }
      case 10: {
        // An enrichment frame's payload (any JSON a frame may carry): rows only about earlier frames.
        for (const auto& r : memvid::facts::enrichment_rows(bytes, 1000))
          if (!r.source_frame || *r.source_frame >= 1000 || r.entity.empty()) std::abort();
        break;
      }
      case 11: {
        // A model's answer about a text: every span it keeps lies inside the text.
        const std::string_view text = "Alice works at Acme Corp. Zoë lives in Zürich.";
        for (const auto& f : memvid::facts::parse_model_facts(bytes, text, 0).facts)
          if (std::uint64_t{f.value_begin} + f.value_length > text.size() || f.entity.empty()) std::abort();
        break;
      }
    }
  } catch (const memvid::Error&) {
  }
  return 0;
}
