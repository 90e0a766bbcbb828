// Resolution of facts into a history: supersession by valid time whatever the storage order,
// retraction with the frame, multiple slots, preferences with polarity, corrections.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "facts/fact_model.hpp"
#include "memvid/timestamp.hpp"

namespace {

using namespace memvid::facts;

std::int64_t t(const char* iso) { return *memvid::parse_timestamp_ms(iso); }

struct World {
  std::map<std::uint64_t, FrameState> frames;
  std::vector<FactRow> rows;

  void frame(std::uint64_t id, const char* when, Retraction r = Retraction::None) {
    frames[id] = FrameState{true, t(when), r, std::nullopt};
  }
  FactRow& fact(std::uint64_t frame, const char* slot, const char* value, bool negative = false) {
    FactRow r;
    r.frame = frame;
    r.ordinal = 0;
    for (const FactRow& o : rows) r.ordinal += o.frame == frame;
    r.entity = "alice";
    r.entity_name = "Alice";
    r.slot = slot;
    r.value = value;
    r.negative = negative;
    r.engine = "rules/1";
    rows.push_back(r);
    return rows.back();
  }
  std::vector<ResolvedFact> resolve_at(std::optional<std::int64_t> at = std::nullopt) const {
    return resolve(
        rows, [](const std::string& s) { return builtin_slot(s).value_or(unknown_slot(s)); },
        [this](std::uint64_t f) {
          auto it = frames.find(f);
          return it == frames.end() ? FrameState{} : it->second;
        },
        at);
  }
  std::vector<std::string> current(std::optional<std::int64_t> at = std::nullopt) const {
    std::vector<std::string> out;
    for (const ResolvedFact& f : resolve_at(at))
      if (f.current) out.push_back(f.row.slot + "=" + f.row.value + (f.row.negative ? "(-)" : ""));
    return out;
  }
};

TEST(FactModel, LaterValidTimeWinsWhateverTheStorageOrder) {
  for (bool reverse : {false, true}) {
    World w;
    // Frame ids give the storage order; timestamps the valid time.
    w.frame(reverse ? 1 : 0, "2023-01-01");
    w.frame(reverse ? 0 : 1, "2025-01-01");
    w.fact(reverse ? 1 : 0, "employer", "Acme Corp");
    w.fact(reverse ? 0 : 1, "employer", "Globex");
    EXPECT_EQ(w.current(), std::vector<std::string>{"employer=Globex"}) << reverse;
    const auto history = w.resolve_at();
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].row.value, "Acme Corp");
    EXPECT_EQ(history[0].valid_to_ms, t("2025-01-01"));
    EXPECT_EQ(history[0].superseded_by, history[1].id);
    EXPECT_EQ(w.current(1700000000000), std::vector<std::string>{"employer=Acme Corp"});
    EXPECT_TRUE(w.current(1600000000000).empty());
  }
}

TEST(FactModel, DeletedFramesRetractTheirFacts) {
  World w;
  w.frame(0, "2023-01-01", Retraction::FrameDeleted);
  w.fact(0, "employer", "Acme Corp");
  EXPECT_TRUE(w.current().empty());
  const auto history = w.resolve_at();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].retracted, Retraction::FrameDeleted);
  // A retracted fact closes nothing.
  w.frame(1, "2022-01-01");
  w.fact(1, "employer", "Initech");
  EXPECT_EQ(w.current(), std::vector<std::string>{"employer=Initech"});
}

TEST(FactModel, MultipleSlotsKeepSetsAndPolarity) {
  World w;
  w.frame(0, "2025-01-01");
  w.frame(1, "2025-02-01");
  w.fact(0, "food_preference", "sushi");
  w.fact(0, "food_preference", "ramen");
  w.fact(1, "food_preference", "sushi", true);
  EXPECT_EQ(w.current(), (std::vector<std::string>{"food_preference=ramen", "food_preference=sushi(-)"}));
}

TEST(FactModel, NegativeFactsCloseOnlyTheirValue) {
  World w;
  w.frame(0, "2024-01-01");
  w.frame(1, "2025-01-01");
  w.frame(2, "2025-06-01");
  w.fact(0, "employer", "Acme");
  w.fact(1, "employer", "Globex", true);  // "no longer at Globex": not the open value
  EXPECT_EQ(w.current(), std::vector<std::string>{"employer=Acme"});
  w.fact(2, "employer", "Acme", true);
  EXPECT_TRUE(w.current().empty());
}

TEST(FactModel, TheSameValueAgainConfirms) {
  World w;
  w.frame(0, "2024-01-01");
  w.frame(1, "2025-01-01");
  w.fact(0, "location", "Berlin");
  w.fact(1, "location", "berlin");
  EXPECT_EQ(w.current(), std::vector<std::string>{"location=Berlin"});
  EXPECT_TRUE(w.resolve_at()[1].confirms);
}

TEST(FactModel, ACorrectionClosesWhatWasRecordedBefore) {
  World w;
  w.frame(0, "2026-03-01");  // "reports to Chloe", recorded now
  w.frame(1, "2026-03-02");  // correct "... reports to Dana since 2025"
  w.fact(0, "manager", "Chloe Nguyen");
  FactRow& c = w.fact(1, "manager", "Dana Reyes");
  c.correction = true;
  c.valid_from_ms = t("2025-01-01");
  EXPECT_EQ(w.current(), std::vector<std::string>{"manager=Dana Reyes"});
  const auto h = w.resolve_at();
  const ResolvedFact& chloe = h[0].row.value == "Chloe Nguyen" ? h[0] : h[1];
  const ResolvedFact& dana = h[0].row.value == "Chloe Nguyen" ? h[1] : h[0];
  EXPECT_EQ(chloe.superseded_by, dana.id);
  EXPECT_FALSE(dana.valid_to_ms.has_value());
}

}  // namespace
