// The rules extractor on the sentences of MEMORY.md's acceptance cases and on the traps the
// original memvid falls into (case-insensitive names, negation, digits in values, non-ASCII
// names, relation direction, pronouns).
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "facts/rules_extractor.hpp"
#include "memvid/timestamp.hpp"

namespace {

using memvid::facts::ExtractedFact;
using memvid::facts::extract_facts_by_rules;

const std::int64_t k2025 = *memvid::parse_timestamp_ms("2025-06-10T12:00:00Z");

using Triple = std::tuple<std::string, std::string, std::string, bool>;  // entity, slot, value, negative

std::vector<Triple> triples(const std::string& text, std::int64_t at = k2025) {
  std::vector<Triple> out;
  for (const ExtractedFact& f : extract_facts_by_rules(text, at)) out.emplace_back(f.entity, f.slot, f.value, f.negative);
  return out;
}

TEST(RulesExtractor, OneEmployerWithItsSpan) {
  const std::string text = "Alice works at Acme Corp.";
  const auto facts = extract_facts_by_rules(text, k2025);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].entity, "alice");
  EXPECT_EQ(facts[0].entity_name, "Alice");
  EXPECT_EQ(facts[0].slot, "employer");
  EXPECT_EQ(facts[0].value, "Acme Corp");
  EXPECT_EQ(text.substr(facts[0].value_begin, facts[0].value_length), "Acme Corp");
  EXPECT_FALSE(facts[0].negative);
  EXPECT_FALSE(facts[0].valid_from_ms.has_value());
}

TEST(RulesExtractor, PreferencesAndTheirPolarity) {
  EXPECT_EQ(triples("I love sushi. I love ramen."),
            (std::vector<Triple>{{"user", "food_preference", "sushi", false}, {"user", "food_preference", "ramen", false}}));
  EXPECT_EQ(triples("I hate sushi."), (std::vector<Triple>{{"user", "food_preference", "sushi", true}}));
  EXPECT_EQ(triples("I really don't like olives and anchovies."),
            (std::vector<Triple>{{"user", "food_preference", "olives", true}, {"user", "preference", "anchovies", true}}));
}

TEST(RulesExtractor, NegationIsNoPartOfAName) {
  EXPECT_EQ(triples("Oscar no longer works at Acme."), (std::vector<Triple>{{"oscar", "employer", "Acme", true}}));
  EXPECT_EQ(triples("Priya left Initech in 2023."), (std::vector<Triple>{{"priya", "employer", "Initech", true}}));
  EXPECT_EQ(triples("Tom doesn't live in Paris anymore."), (std::vector<Triple>{{"tom", "location", "Paris", true}}));
}

TEST(RulesExtractor, NoFactsFromLookalikes) {
  for (const char* text : {"I'm at home today.", "The meeting is at Google.", "She is at lunch.",
                           "Paris is lovely in spring.", "The report from Finance arrived.", "Love Actually is on TV tonight.",
                           "We moved the meeting to Friday.", "This is a great place."})
    EXPECT_TRUE(triples(text).empty()) << text;
  // "prefer" of a programming language is no food preference.
  for (const auto& [entity, slot, value, negative] : triples("I prefer Python over Java."))
    EXPECT_NE(slot, "food_preference");
}

TEST(RulesExtractor, DatesDigitsAndNonAsciiNames) {
  const auto eve = extract_facts_by_rules("Eve moved to London in 2024.", k2025);
  ASSERT_EQ(eve.size(), 1u);
  EXPECT_EQ(eve[0].value, "London");
  EXPECT_EQ(eve[0].valid_from_ms, memvid::parse_timestamp_ms("2024-01-01"));
  EXPECT_EQ(triples("María works at Telefónica."), (std::vector<Triple>{{"maría", "employer", "Telefónica", false}}));
  EXPECT_EQ(triples("Søren joined 37signals."), (std::vector<Triple>{{"søren", "employer", "37signals", false}}));
  const auto rel = extract_facts_by_rules("Last year Nils left Globex.", k2025);
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(rel[0].valid_from_ms, memvid::parse_timestamp_ms("2024-01-01"));
  const auto since = extract_facts_by_rules("Ben Koenig reports to Dana Reyes since March 2025", k2025);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].entity, "ben koenig");
  EXPECT_EQ(since[0].value, "Dana Reyes");
  EXPECT_EQ(since[0].valid_from_ms, memvid::parse_timestamp_ms("2025-03-01"));
}

TEST(RulesExtractor, RelationsReadInTheirDirection) {
  EXPECT_EQ(triples("Bob is married to Carol. Carol works at Initech."),
            (std::vector<Triple>{{"bob", "spouse", "Carol", false}, {"carol", "employer", "Initech", false}}));
  EXPECT_EQ(triples("Bob is Alice's brother."), (std::vector<Triple>{{"alice", "brother", "Bob", false}}));
  EXPECT_EQ(triples("My sister is named Emma."), (std::vector<Triple>{{"user", "sister", "Emma", false}}));
  EXPECT_EQ(triples("Keisha Brown is my manager."), (std::vector<Triple>{{"user", "manager", "Keisha Brown", false}}));
}

TEST(RulesExtractor, PronounsMeanTheLastPersonNamed) {
  EXPECT_EQ(triples("I had lunch with Tom Hart yesterday. He just moved to Lisbon."),
            (std::vector<Triple>{{"tom hart", "location", "Lisbon", false}}));
  EXPECT_EQ(triples("Dr. Ana Lima lives in Porto. She works at Siemens."),
            (std::vector<Triple>{{"ana lima", "location", "Porto", false}, {"ana lima", "employer", "Siemens", false}}));
  // A pronoun with nobody named before it says nothing.
  EXPECT_TRUE(triples("She works at Siemens.").empty());
}

TEST(RulesExtractor, NotesAndFields) {
  EXPECT_EQ(triples("Onboarding for Marco Rossi\n- title: data engineer\n- languages: Italian, English"),
            (std::vector<Triple>{{"marco rossi", "job_title", "data engineer", false},
                                 {"marco rossi", "speaks", "Italian", false},
                                 {"marco rossi", "speaks", "English", false}}));
  EXPECT_EQ(triples("Guests:\n- Theo: hates mushrooms"), (std::vector<Triple>{{"theo", "food_preference", "mushrooms", true}}));
}

// Sentences found in Debian's /usr/share/doc that the engine once read as facts.
TEST(RulesExtractor, DocumentationIsNotReadAsFactsAboutPeople) {
  const std::vector<Triple> none;
  // Identifiers and acronyms are no people.
  EXPECT_EQ(triples("Credit for finding CVE-2023-25652 goes to Ry0taK, and the fix was developed by Taylor."), none);
  EXPECT_EQ(triples("Typically, the values for ERROR come from GetLastError."), none);
  EXPECT_EQ(triples("It reflects that ERCIM is now a host of the W3C."), none);
  // Wishes and advice.
  EXPECT_EQ(triples("Mike Haertel would like to thank Andrew Hume for many fascinating discussions."), none);
  EXPECT_EQ(triples("If you port to new systems I'd love to hear of it."), none);
  EXPECT_EQ(triples("I would really like helgrind to work again."), none);
  // "like" as a preposition.
  EXPECT_EQ(triples("It was designed by Bart Preneel, as a version of RIPEMD (which, like MD4 and MD5, fails)."), none);
  // Code and style sheets.
  const std::string css = "Alice Chen leads the team.\nposition: absolute;\nleft: 0;\n";
  for (const Triple& t : triples(css)) EXPECT_NE(std::get<1>(t), "job_title") << std::get<2>(t);
  EXPECT_EQ(triples("const hash = createHmac('sha256', secret).update('I love cupcakes');"), none);
  // A determiner makes a name a modifier; a percentage is no age; an author is no employee.
  EXPECT_EQ(triples("Both will be replaced by instances of the Windows preferred separator."), none);
  EXPECT_EQ(triples("I'm not 100% sure that it can always recover."), none);
  EXPECT_EQ(triples("Tarek Ziadé is the principal author of the Distribute fork."),
            (std::vector<Triple>{{"tarek ziadé", "job_title", "principal author", false}}));
  // What stays: a fact about a person in the same words.
  EXPECT_EQ(triples("Mike Haertel likes to thank people."), (std::vector<Triple>{{"mike haertel", "hobby", "thank people", false}}));
  EXPECT_EQ(triples("Ana Lima is the CEO of Globex."),
            (std::vector<Triple>{{"ana lima", "job_title", "CEO", false}, {"ana lima", "employer", "Globex", false}}));
}

TEST(RulesExtractor, DeterministicAndSafeOnAnyBytes) {
  const std::string text = "Hi! I'm Dana. I work at Initech and I love sushi. My email is dana@example.com.";
  EXPECT_EQ(triples(text), triples(text));
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) % 256);
  EXPECT_NO_THROW(extract_facts_by_rules(junk, 0));
  EXPECT_TRUE(extract_facts_by_rules("", 0).empty());
  // Spans always lie inside the text.
  for (const auto& f : extract_facts_by_rules(junk + text, 0)) EXPECT_LE(f.value_begin + f.value_length, junk.size() + text.size());
}

}  // namespace
