#include "facts/fact_model.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "facts/words.hpp"

namespace memvid::facts {

std::string value_key(const std::string& value) {
  std::string k = fold_text(value);
  // Inner runs of white space count once; an article in front does not count.
  std::string out;
  bool space = false;
  for (char c : k) {
    if (c == ' ' || c == '\t' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  for (std::string_view article : {"the ", "a ", "an "})
    if (out.size() > article.size() && out.compare(0, article.size(), article) == 0) return out.substr(article.size());
  return out;
}

namespace {

bool polarity_is_value(const SlotSpec& spec) { return spec.kind == FactKind::Preference; }

bool valid_at(const ResolvedFact& f, std::int64_t t) {
  return f.valid_from_ms <= t && (!f.valid_to_ms || t < *f.valid_to_ms);
}

// One line of facts that can close each other (a single slot, or one value of a multiple
// slot), in valid-time order.
void resolve_line(std::vector<ResolvedFact*>& line, const SlotSpec& spec) {
  std::stable_sort(line.begin(), line.end(), [](const ResolvedFact* a, const ResolvedFact* b) {
    return std::tie(a->valid_from_ms, a->row.frame, a->row.ordinal) <
           std::tie(b->valid_from_ms, b->row.frame, b->row.ordinal);
  });
  const bool polar_values = polarity_is_value(spec);
  ResolvedFact* open = nullptr;
  for (ResolvedFact* f : line) {
    if (f->retracted != Retraction::None) continue;
    const bool closes_only = f->row.negative && !polar_values;
    if (open && value_key(open->row.value) == value_key(f->row.value) && open->row.negative == f->row.negative) {
      f->confirms = true;
      continue;
    }
    if (closes_only) {
      if (open && value_key(open->row.value) == value_key(f->row.value)) {
        open->valid_to_ms = f->valid_from_ms;
        open->superseded_by = f->id;
        open = nullptr;
      }
      f->valid_to_ms = f->valid_from_ms;  // a closing statement holds no value of its own
      continue;
    }
    if (open) {
      open->valid_to_ms = f->valid_from_ms;
      open->superseded_by = f->id;
    }
    open = f;
  }
}

}  // namespace

std::vector<ResolvedFact> resolve(std::vector<FactRow> rows, const SlotLookup& slots, const FrameLookup& frames,
                                  std::optional<std::int64_t> at_ms) {
  std::vector<ResolvedFact> out;
  out.reserve(rows.size());
  for (FactRow& r : rows) {
    ResolvedFact f;
    const FrameState fs = frames(stated_in(r));
    if (!fs.exists) continue;
    f.id = fact_id(r.frame, r.ordinal);
    f.recorded_at_ms = fs.timestamp_ms;
    f.valid_from_ms = r.valid_from_ms.value_or(fs.timestamp_ms);
    f.retracted = fs.retraction;
    if (r.source_frame) {
      const FrameState recorder = frames(r.frame);
      if (!recorder.exists) continue;
      f.recorded_at_ms = recorder.timestamp_ms;
      if (f.retracted == Retraction::None && recorder.retraction != Retraction::None)
        f.retracted = Retraction::FrameDeleted;
    }
    f.row = std::move(r);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const ResolvedFact& a, const ResolvedFact& b) {
    return std::tie(a.row.slot, a.valid_from_ms, a.row.frame, a.row.ordinal) <
           std::tie(b.row.slot, b.valid_from_ms, b.row.frame, b.row.ordinal);
  });
  // Facts of one slot are contiguous now.
  for (std::size_t begin = 0; begin < out.size();) {
    std::size_t end = begin;
    while (end < out.size() && out[end].row.slot == out[begin].row.slot) ++end;
    const SlotSpec spec = slots(out[begin].row.slot);
    std::map<std::string, std::vector<ResolvedFact*>> lines;
    for (std::size_t i = begin; i < end; ++i) {
      const std::string key = spec.cardinality == Cardinality::Single ? std::string() : value_key(out[i].row.value);
      lines[key].push_back(&out[i]);
    }
    for (auto& [key, line] : lines) resolve_line(line, spec);
    // Corrections, in the order they were recorded: each closes what was recorded before it
    // with another value.
    for (std::size_t c = begin; c < end; ++c) {
      ResolvedFact& corr = out[c];
      if (!corr.row.correction || corr.retracted != Retraction::None || corr.row.negative) continue;
      for (std::size_t i = begin; i < end; ++i) {
        ResolvedFact& g = out[i];
        if (i == c || g.retracted != Retraction::None || g.row.frame >= corr.row.frame) continue;
        if (spec.cardinality == Cardinality::Multiple && value_key(g.row.value) != value_key(corr.row.value)) continue;
        if (value_key(g.row.value) == value_key(corr.row.value)) continue;
        const std::int64_t end_at = std::max(g.valid_from_ms, corr.valid_from_ms);
        if (!g.valid_to_ms || *g.valid_to_ms > end_at) {
          g.valid_to_ms = end_at;
          g.superseded_by = corr.id;
        }
        // A fact recorded earlier but valid later no longer closes the correction.
        if (corr.superseded_by == g.id) {
          corr.superseded_by.reset();
          corr.valid_to_ms.reset();
        }
      }
    }
    begin = end;
  }
  for (ResolvedFact& f : out) {
    if (f.retracted != Retraction::None || f.confirms) continue;
    const SlotSpec spec = slots(f.row.slot);
    if (f.row.negative && !polarity_is_value(spec)) continue;
    f.current = at_ms ? valid_at(f, *at_ms) : !f.valid_to_ms.has_value();
  }
  return out;
}

}  // namespace memvid::facts
