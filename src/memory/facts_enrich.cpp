// Facts::enrich (memvid/facts.hpp): reads facts in frames after they were put, with the rules
// engine or a model, and records them in enrichment frames (facts/enrichment.hpp).
#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "facts/enrichment.hpp"
#include "facts/fact_model.hpp"
#include "facts/llm_extractor.hpp"
#include "facts/rules_extractor.hpp"
#include "index/facts/fact_part.hpp"
#include "index/passages.hpp"
#include "memory/memvid_impl.hpp"
#include "memvid/error.hpp"
#include "memvid/facts.hpp"

namespace memvid {

namespace {

// What makes two facts of one frame the same fact: stored once, whichever engine found it.
using FactKey = std::tuple<std::string, std::string, std::string, bool>;
FactKey key_of(const facts::FactRow& r) { return {r.entity, r.slot, facts::value_key(r.value), r.negative}; }

struct Candidate {
  std::uint64_t frame = 0;
  std::int64_t timestamp_ms = 0;
  bool correction = false;
};

// The memory as enrich sees it: the active text frames, which of them the engine has read,
// and the facts each frame already has.
struct EnrichPlan {
  std::vector<Candidate> frames;  // in frame order
  std::set<std::uint64_t> read;   // by this engine version
  std::map<std::uint64_t, std::set<FactKey>> stored;
};

EnrichPlan plan_enrichment(const Memvid::Impl& impl, const std::string& engine, bool rules) {
  const store::Store& s = impl.s();
  EnrichPlan plan;
  for (std::uint64_t id = 0; id < s.frame_count(); ++id) {
    const format::TocEntry& e = s.entry(id);
    if (e.status != static_cast<std::uint8_t>(FrameStatus::Active) || e.record_removed()) continue;
    const bool text = index::has_passages(e.kind);
    if (!text && e.kind != static_cast<std::uint8_t>(FrameKind::Binary)) continue;
    const format::FrameRecord rec = s.read_record(e);
    if (text) {
      plan.frames.push_back({id, rec.timestamp_ms, facts::is_correction(rec.meta.labels)});
      if (rules && !rec.meta.facts_off) plan.read.insert(id);
    } else if (index::is_enrichment_frame(rec.kind, rec.meta.labels)) {
      const std::vector<std::uint8_t> payload = format::frame_payload(rec, e.record_offset);
      const facts::Enrichment done =
          facts::parse_enrichment(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), id);
      if (done.engine == engine) plan.read.insert(done.frames.begin(), done.frames.end());
    }
  }
  if (const auto* part = dynamic_cast<const index::FactPart*>(impl.index->part(index::FactPart::kTag)))
    for (const facts::FactRow& r : part->all_rows())
      // A fact of a deleted enrichment is no longer held: reading it again stores it again.
      if (!r.entity.empty() && r.frame < s.frame_count() &&
          s.entry(r.frame).status == static_cast<std::uint8_t>(FrameStatus::Active))
        plan.stored[facts::stated_in(r)].insert(key_of(r));
  return plan;
}

std::string frame_text(const Memvid::Impl& impl, std::uint64_t id) {
  const store::Store& s = impl.s();
  const format::TocEntry& e = s.entry(id);
  const std::vector<std::uint8_t> payload = format::frame_payload(s.read_record(e), e.record_offset);
  return std::string(reinterpret_cast<const char*>(payload.data()), payload.size());
}

}  // namespace

EnrichReport Facts::enrich(const EnrichOptions& options) {
  if (options.batch_frames == 0) throw Error(ErrorCode::InvalidArgument, "enrich: batch_frames must be at least 1");
  if (options.workers == 0 || options.workers > 64)
    throw Error(ErrorCode::InvalidArgument, "enrich: workers must be between 1 and 64, not " + std::to_string(options.workers));
  const std::string this_rules = "rules/" + std::string(facts::kRulesEngineVersion);
  const bool rules = options.engine.empty() || options.engine == "rules" || options.engine == this_rules;
  if (!rules && options.engine.rfind("rules/", 0) == 0)
    throw Error(ErrorCode::InvalidArgument, "enrich: this memvid's rules engine is " + this_rules + ", not '" +
                                                options.engine + "' (--engine rules uses it)");
  std::shared_ptr<LanguageModel> model = options.model;
  if (!rules && !model)
    model = language_model_from_name(options.engine, options.base_url, options.api_key_env);
  EnrichReport report;
  report.engine = rules ? this_rules
                        : model->name() + "/" + std::string(facts::kLlmEngineVersion);
  if (report.engine.size() > 200) throw Error(ErrorCode::InvalidArgument, "enrich: the engine name is too long");

  EnrichPlan plan;
  {
    std::lock_guard lock(impl().mu);
    plan = plan_enrichment(impl(), report.engine, rules);
  }
  report.frames = plan.frames.size();
  std::vector<Candidate> work;
  for (const Candidate& c : plan.frames) {
    if (plan.read.count(c.frame) && !options.force)
      ++report.already;
    else
      work.push_back(c);
  }

  facts::Enrichment batch;
  batch.engine = report.engine;
  bool adds = false;  // the batch records a frame not read before, or a new fact
  const auto flush = [&] {
    if (adds) {
      Document doc;
      doc.kind = FrameKind::Binary;
      doc.title = "enrichment " + report.engine;
      doc.labels = {std::string(facts::kEnrichmentLabel)};
      doc.payload = facts::enrichment_payload(batch);
      doc.extract_facts = false;
      report.enrichment_frames.push_back(handle_->put(doc));
      report.facts += batch.facts.size();
    }
    batch.frames.clear();
    batch.facts.clear();
    adds = false;
  };

  // Frames are read (texts from the file, then the engine) a window at a time, by up to
  // `workers` threads; their outcomes are taken in frame order, so what is recorded does not
  // depend on which thread finished first.
  struct Outcome {
    std::vector<facts::FactRow> found;
    std::size_t rejected = 0;
    bool unusable = false;
    std::exception_ptr error;
  };
  const std::size_t workers = options.workers;
  const std::size_t window = std::max<std::size_t>(workers * 4, 16);
  for (std::size_t begin = 0; begin < work.size(); begin += window) {
    const std::size_t end = std::min(work.size(), begin + window);
    std::vector<std::string> texts(end - begin);
    {
      std::lock_guard lock(impl().mu);
      for (std::size_t i = begin; i < end; ++i) texts[i - begin] = frame_text(impl(), work[i].frame);
    }
    std::vector<Outcome> outcomes(end - begin);
    const auto read_one = [&](std::size_t i) {
      const Candidate& c = work[begin + i];
      Outcome& o = outcomes[i];
      try {
        if (rules) {
          o.found = facts::rules_fact_rows(texts[i], c.frame, c.timestamp_ms, c.correction);
          return;
        }
        facts::ModelExtraction got = facts::extract_facts_with_model(*model, texts[i], c.timestamp_ms);
        o.rejected = got.rejected;
        o.unusable = !got.unusable.empty();
        for (facts::ExtractedFact& f : got.facts) o.found.push_back(facts::fact_row(std::move(f), c.frame));
      } catch (...) {
        o.error = std::current_exception();
      }
    };
    if (workers == 1 || outcomes.size() == 1) {
      for (std::size_t i = 0; i < outcomes.size(); ++i) read_one(i);
    } else {
      std::atomic<std::size_t> next{0};
      std::vector<std::thread> threads;
      for (std::size_t t = 0; t < std::min(workers, outcomes.size()); ++t)
        threads.emplace_back([&] {
          for (std::size_t i = next++; i < outcomes.size(); i = next++) read_one(i);
        });
      for (std::thread& t : threads) t.join();
    }

    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const Candidate& c = work[begin + i];
      Outcome& o = outcomes[i];
      if (o.error) {
        flush();  // what is done stays done
        std::rethrow_exception(o.error);
      }
      report.rejected += o.rejected;
      if (o.unusable) {
        ++report.failed;
        continue;
      }
      ++report.processed;
      std::vector<facts::FactRow> fresh;
      std::set<FactKey>& stored = plan.stored[c.frame];
      for (facts::FactRow& r : o.found) {
        if (!stored.insert(key_of(r)).second) {
          ++report.duplicates;
          continue;
        }
        r.source_frame = c.frame;
        r.engine = report.engine;
        fresh.push_back(std::move(r));
      }
      if (fresh.size() > facts::kMaxFactsPerFrame) fresh.resize(facts::kMaxFactsPerFrame);
      if (batch.facts.size() + fresh.size() > facts::kMaxFactsPerFrame) flush();
      batch.frames.push_back(c.frame);
      adds = adds || !plan.read.count(c.frame) || !fresh.empty();
      for (facts::FactRow& r : fresh) batch.facts.push_back(std::move(r));
      if (batch.frames.size() >= options.batch_frames) flush();
    }
  }
  flush();
  return report;
}

}  // namespace memvid
