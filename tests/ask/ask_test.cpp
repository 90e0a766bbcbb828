// Memvid::ask through the public API (extractive and with a fake OpenAI-compatible chat
// server), plus the pieces: sentence splitting, context assembly and citation parsing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>


#include "ask/context.hpp"
#include "ask/extractive.hpp"
#include "ask/prompt.hpp"
#include "memvid/memvid.hpp"
#include "support/fake_http.hpp"
#include "support/temp_dir.hpp"

namespace memvid {
namespace {

using memvid::testing::TempDir;
using nlohmann::json;

Document doc(std::string text, std::string title, std::string uri) {
  Document d;
  d.payload = std::move(text);
  d.title = std::move(title);
  d.uri = std::move(uri);
  return d;
}

Memvid corpus(const TempDir& dir, const std::string& model = "none") {
  CreateOptions c;
  c.embedding_model = model;
  Memvid mem = Memvid::create(dir.file("m.mv2"), c);
  mem.put_many({
      doc("The Eiffel Tower is in Paris. It was completed in 1889 for the World's Fair. "
                  "Gustave Eiffel's company designed and built it.", "Eiffel Tower", "mv2://eiffel"),
      doc("Mount Everest is the highest mountain on Earth. Its summit is 8,849 metres above sea level. "
                  "Climbers usually start from Nepal.", "Everest", "mv2://everest"),
      doc("Honey bees live in colonies. A colony has one queen. Worker bees collect nectar and pollen.", "Bees", "mv2://bees"),
      doc("The Eiffel Tower is in Paris. It was completed in 1889 for the World's Fair. "
                  "Gustave Eiffel's company designed and built it.", "Eiffel Tower (copy)", "mv2://eiffel-copy"),
  });
  return mem;
}

TEST(Ask, ExtractiveAnswerHoldsTheAnsweringSentenceWithItsCitation) {
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  const AskResult r = mem.ask("How high is the summit of Everest?", o);
  ASSERT_TRUE(r.found);
  EXPECT_FALSE(r.used_model);
  EXPECT_NE(r.note.find("No language model was used"), std::string::npos);
  EXPECT_NE(r.answer.find("Its summit is 8,849 metres above sea level."), std::string::npos) << r.answer;
  ASSERT_FALSE(r.citations.empty());
  // Every citation names a listed source, and every source a real frame with that text.
  for (std::size_t n : r.citations) {
    ASSERT_GE(n, 1u);
    ASSERT_LE(n, r.sources.size());
  }
  const AskSource& first = r.sources[r.citations[0] - 1];
  EXPECT_EQ(first.title, "Everest");
  EXPECT_EQ(first.uri, "mv2://everest");
  for (const AskSource& s : r.sources) {
    const Frame f = mem.frame(s.id);
    EXPECT_EQ(f.title, s.title);
    EXPECT_EQ(f.payload.substr(s.chunk_begin, s.chunk_end - s.chunk_begin), s.text);
    EXPECT_EQ(f.timestamp_ms, s.timestamp_ms);
  }
  EXPECT_NE(r.answer.find("[" + std::to_string(r.citations[0]) + "]"), std::string::npos);
}

TEST(Ask, RepeatedPassagesAreNotListedTwice) {
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  const AskResult r = mem.ask("When was the Eiffel Tower completed?", o);
  ASSERT_TRUE(r.found);
  std::size_t eiffel = 0;
  for (const AskSource& s : r.sources) eiffel += s.title.rfind("Eiffel Tower", 0) == 0;
  EXPECT_EQ(eiffel, 1u);
  EXPECT_NE(r.answer.find("1889"), std::string::npos);
}

TEST(Ask, NothingRelevantSaysSo) {
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  const AskResult r = mem.ask("quantum chromodynamics lattice?", o);
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.sources.empty());
  EXPECT_TRUE(r.citations.empty());
  EXPECT_NE(r.answer.find("nothing relevant"), std::string::npos);
}

TEST(Ask, QuestionSyntaxIsNotQuerySyntax) {
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  // Colons, quotes, parentheses and operators would be query syntax (or errors) in find.
  const AskResult r = mem.ask("title: \"bees\" (queen) AND -colony: what NOT?", o);
  EXPECT_TRUE(r.found);
  EXPECT_THROW(mem.ask("   ", o), Error);
  EXPECT_THROW(mem.ask(std::string(20000, 'a'), o), Error);
}

TEST(Ask, ContextOnlyAndTokenBudget) {
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  o.context_only = true;
  o.context_tokens = 20;  // about 80 bytes: the first passage, cut
  const AskResult r = mem.ask("Eiffel Everest bees", o);
  EXPECT_TRUE(r.answer.empty());
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_LE(r.sources[0].text.size(), 80u);
  EXPECT_NE(r.context.find("[1] "), std::string::npos);
  EXPECT_NE(r.context.find(r.sources[0].text), std::string::npos);
}

TEST(Ask, ExtractiveUsesTheEmbeddingModelWhenInstalled) {
  if (find_builtin_model().empty()) GTEST_SKIP() << "built-in model not installed";
  TempDir dir;
  Memvid mem = corpus(dir, "builtin");
  const AskResult r = mem.ask("Which insects make honey?");
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.mode_used, SearchMode::Auto);
  ASSERT_FALSE(r.citations.empty());
  EXPECT_EQ(r.sources[r.citations[0] - 1].title, "Bees");
}

json completion(const std::string& content) {
  return {{"id", "x"},
          {"model", "fake-model"},
          {"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
          {"usage", {{"prompt_tokens", 321}, {"completion_tokens", 12}}}};
}

TEST(Ask, LanguageModelGetsTheNumberedContextAndItsCitationsAreChecked) {
  testing::FakeHttpServer server;
  server.on_post([](const json&, httplib::Response& res, int) {
    // Cites source 1 and an invented source 9.
    res.set_content(completion("The summit is 8,849 metres high [1]. See also [9].").dump(), "application/json");
  });
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  o.model = "local:fake-model";
  o.base_url = server.url();
  const AskResult r = mem.ask("How high is the summit of Everest?", o);
  EXPECT_TRUE(r.used_model);
  EXPECT_EQ(r.model, "local:fake-model");
  EXPECT_EQ(r.answer, "The summit is 8,849 metres high [1]. See also [9].");
  EXPECT_EQ(r.citations, std::vector<std::size_t>{1});
  EXPECT_EQ(r.prompt_tokens, 321u);
  EXPECT_EQ(r.completion_tokens, 12u);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].path, "/v1/chat/completions");
  const json body = server.requests()[0].body;
  EXPECT_EQ(body["model"], "fake-model");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("[1]"), std::string::npos);
  const std::string user = body["messages"][1]["content"];
  EXPECT_NE(user.find("[1] Everest"), std::string::npos);
  EXPECT_NE(user.find("8,849 metres"), std::string::npos);
  EXPECT_NE(user.find("How high is the summit of Everest?"), std::string::npos);
}

TEST(Ask, LanguageModelFailuresAreTypedErrors) {
  testing::FakeHttpServer server;
  server.on_post([](const json&, httplib::Response& res, int) {
    res.status = 401;
    res.set_content(R"({"error":{"message":"bad key"}})", "application/json");
  });
  TempDir dir;
  Memvid mem = corpus(dir);
  AskOptions o;
  o.mode = SearchMode::Lex;
  o.model = "local:m";
  o.base_url = server.url();
  try {
    mem.ask("Everest summit", o);
    FAIL() << "expected ProviderFailed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::ProviderFailed);
    EXPECT_NE(std::string(e.what()).find("bad key"), std::string::npos) << e.what();
  }
  // No relevant passage: the model is not asked at all.
  const AskResult none = mem.ask("quantum chromodynamics", o);
  EXPECT_FALSE(none.found);
  EXPECT_FALSE(none.used_model);
  EXPECT_EQ(server.requests().size(), 1u);
  o.model = "no-provider";
  EXPECT_THROW(mem.ask("Everest", o), Error);
}

TEST(AskPieces, SentencesSplitOnEndsNotAbbreviations) {
  const auto s = ask::split_sentences(
      "Dr. Smith arrived at 10 a.m. today. He met J. Doe, e.g. the mayor! Was it late?\n"
      "# A heading line here\n- a list item with words\nshort\n");
  ASSERT_GE(s.size(), 4u);
  EXPECT_EQ(s[0], "Dr. Smith arrived at 10 a.m. today.");
  EXPECT_EQ(s[1], "He met J. Doe, e.g. the mayor!");
  EXPECT_EQ(s[2], "Was it late?");
  EXPECT_EQ(s[3], "A heading line here");
}

TEST(AskPieces, CitationsAreParsedAndBounded) {
  EXPECT_EQ(ask::cited_numbers("a [2] b [1, 3] c [2][4]", 5), (std::vector<std::size_t>{2, 1, 3, 4}));
  EXPECT_EQ(ask::cited_numbers("range [2-4]", 3), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(ask::cited_numbers("[0] [7] [see 1] [a] [1-999999999]", 2), (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(ask::cited_numbers("no citations [", 3).empty());
}

TEST(AskPieces, ContextDropsRepeatsAndKeepsOrder) {
  std::vector<AskSource> c(4);
  c[0].id = 1, c[0].text = "Alpha beta gamma.", c[0].chunk_begin = 0, c[0].chunk_end = 17;
  c[1].id = 2, c[1].text = "alpha   BETA, gamma", c[1].chunk_begin = 0, c[1].chunk_end = 19;  // same words
  c[2].id = 1, c[2].text = "beta gamma.", c[2].chunk_begin = 6, c[2].chunk_end = 17;        // inside c[0]
  c[3].id = 3, c[3].text = "Delta.", c[3].chunk_begin = 0, c[3].chunk_end = 6;
  const auto kept = ask::assemble_context(c, 1000);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].id, 1u);
  EXPECT_EQ(kept[0].number, 1u);
  EXPECT_EQ(kept[1].id, 3u);
  EXPECT_EQ(kept[1].number, 2u);
  EXPECT_EQ(ask::question_to_query("title:\"x\" (a OR b) -c?"), "title  x   a or b   c ");
}

}  // namespace
}  // namespace memvid
