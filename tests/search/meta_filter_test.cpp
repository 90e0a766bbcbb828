// Filters on frame metadata: `meta.KEY:VALUE` and ranges in the query language, and `where`
// objects in find, ask and timeline (search/meta_filter.hpp, docs/QUERY.md).
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "memvid/memvid.hpp"
#include "search/meta_filter.hpp"
#include "search/query.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
using memvid::search::MetaFilter;
using memvid::testing::TempDir;

namespace {

bool where(const std::string& filter, const std::string& metadata) {
  return MetaFilter::from_where(filter).matches(metadata);
}

bool query(const std::string& q, const std::string& metadata) {
  const search::Query parsed = search::parse_query(q);
  return MetaFilter::from_node(*parsed.root).matches(metadata);
}

}  // namespace

TEST(MetaFilterTest, WhereOperators) {
  const std::string m = R"({"user":"alice","score":7,"ok":true,"none":null,"tags":["a","b"],
                           "when":"2024-05-01","profile":{"role":"admin"},"dotted.key":1})";
  EXPECT_TRUE(where(R"({"user":"alice"})", m));
  EXPECT_FALSE(where(R"({"user":"Alice"})", m)) << "strings compare exactly";
  EXPECT_TRUE(where(R"({"score":7.0})", m));
  EXPECT_TRUE(where(R"({"score":{"$gte":7,"$lt":8}})", m));
  EXPECT_FALSE(where(R"({"score":{"$gt":7}})", m));
  EXPECT_TRUE(where(R"({"ok":true,"none":null})", m));
  EXPECT_TRUE(where(R"({"tags":"b"})", m)) << "an array matches when an element does";
  EXPECT_TRUE(where(R"({"tags":{"$in":["x","a"]}})", m));
  EXPECT_TRUE(where(R"({"tags":{"$nin":["x","y"]}})", m));
  EXPECT_TRUE(where(R"({"user":{"$ne":"bob"}})", m));
  EXPECT_TRUE(where(R"({"when":{"$gte":"2024-04-30T12:00:00Z","$lte":"2024-05-01"}})", m)) << "dates compare as dates";
  EXPECT_TRUE(where(R"({"profile.role":"admin"})", m));
  EXPECT_TRUE(where(R"({"dotted.key":1})", m));
  EXPECT_TRUE(where(R"({"missing":{"$exists":false},"user":{"$exists":true}})", m));
  EXPECT_TRUE(where(R"({"$or":[{"user":"bob"},{"score":{"$lt":10}}]})", m));
  EXPECT_FALSE(where(R"({"$and":[{"user":"alice"},{"score":1}]})", m));
  EXPECT_TRUE(where(R"({"$not":{"user":"bob"}})", m));
  EXPECT_FALSE(where(R"({"user":"alice","score":1})", m)) << "several keys: all hold";
  EXPECT_FALSE(where(R"({"user":"alice"})", "")) << "no metadata";
  EXPECT_FALSE(where(R"({"user":"alice"})", "not json"));
  for (const char* bad : {"[1]", "nope", R"({"a":{"$near":1}})", R"({"$xor":[]})", R"({"$or":[]})", R"({"a":[1,2]})",
                          R"({"a":{"$in":1}})", R"({"a":{"$exists":"yes"}})"}) {
    try {
      MetaFilter::from_where(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << bad;
      EXPECT_EQ(std::string(e.what()).rfind("where", 0), 0u) << e.what();
    }
  }
}

TEST(MetaFilterTest, QueryLanguageClauses) {
  EXPECT_EQ(search::to_debug_string(*search::parse_query("meta.user:alice").root), R"((TERM meta "user" "alice"))");
  EXPECT_EQ(search::to_debug_string(*search::parse_query("meta.score:{3 TO *]").root),
            R"((TERM meta "score" {"3" TO *]))");
  const std::string m = R"({"user":"alice","score":7,"when":"2024-05-01T10:00:00Z","team":{"name":"red team"}})";
  EXPECT_TRUE(query("meta.user:alice", m));
  EXPECT_TRUE(query("meta.score:7", m)) << "a number typed as a word";
  EXPECT_TRUE(query("meta.score:[5 TO 10]", m));
  EXPECT_FALSE(query("meta.score:{7 TO 10]", m));
  EXPECT_TRUE(query("meta.score:[* TO *]", m));
  EXPECT_FALSE(query("meta.other:[* TO *]", m));
  EXPECT_TRUE(query("meta.when:[2024-05-01 TO 2024-05-02]", m));
  EXPECT_TRUE(query("meta.team.name:\"red team\"", m));
  // A filter clause, not a word: it leaves the query free of ranking words.
  EXPECT_FALSE(search::is_free_text(*search::parse_query("meta.user:alice").root));
  // Malformed: plain words by default, an error in strict mode.
  for (const char* bad : {"meta.:x", "meta.score:[3 TO", "meta.a:(x y)"}) {
    EXPECT_THROW(search::parse_query(bad), Error) << bad;
    EXPECT_FALSE(search::parse_query_text(bad).note.empty()) << bad;
  }
  EXPECT_EQ(search::to_debug_string(*search::parse_query("meta.data").root), R"((TERM text "meta.data"))");
}

TEST(MetaFilterTest, FindAskAndTimelineKeepOnlyMatchingFrames) {
  TempDir dir;
  CreateOptions c;
  c.open.sync = SyncMode::Off;
  c.embedding_model = "custom:test";
  Memvid mem = Memvid::create(dir.file("m.mv2"), c);
  std::mt19937_64 rng(4);
  std::normal_distribution<float> n;
  std::vector<Document> docs;
  const char* users[] = {"alice", "bob", "carol"};
  for (int i = 0; i < 30; ++i) {
    Document d;
    d.payload = "weekly status report number " + std::to_string(i) + " about the migration";
    d.metadata_json = std::string(R"({"user":")") + users[i % 3] + R"(","score":)" + std::to_string(i) +
                      R"(,"session":{"id":"s)" + std::to_string(i / 10) + R"("}})";
    d.timestamp_ms = 1'700'000'000'000 + i * 1000;
    d.embedding.resize(8);
    for (float& x : d.embedding) x = n(rng);
    docs.push_back(d);
  }
  mem.put_many(docs);
  auto ids = [](const FindResult& r) {
    std::set<FrameId> out;
    for (const Hit& h : r.hits) out.insert(h.id);
    return out;
  };
  std::set<FrameId> alice;
  for (FrameId i = 0; i < 30; i += 3) alice.insert(i);

  for (SearchMode mode : {SearchMode::Lex, SearchMode::Auto, SearchMode::Sem}) {
    SCOPED_TRACE(to_string(mode));
    FindOptions o;
    o.mode = mode;
    o.k = 50;
    o.semantic_floor.reset();
    o.query_vector = docs[4].embedding;
    // The query language, and where: the same frames in every mode.
    EXPECT_EQ(ids(mem.find("meta.user:alice", o)), alice);
    o.where = R"({"user":"alice"})";
    EXPECT_EQ(ids(mem.find("status report", o)), alice);
    o.where = R"({"session.id":"s1","score":{"$gte":15}})";
    EXPECT_EQ(ids(mem.find("migration", o)), (std::set<FrameId>{15, 16, 17, 18, 19}));
  }
  FindOptions o;
  o.mode = SearchMode::Lex;
  o.k = 50;
  EXPECT_EQ(ids(mem.find("report meta.score:[25 TO *] meta.user:bob", o)).size(), 30u)
      << "OR: words, or either filter";
  EXPECT_EQ(ids(mem.find("report AND meta.score:[25 TO *] AND meta.user:bob", o)), (std::set<FrameId>{25, 28}));
  EXPECT_EQ(ids(mem.find("report -meta.user:bob -meta.user:carol", o)), alice);
  o.where = "{not json";
  EXPECT_THROW(mem.find("report", o), Error);

  AskOptions a;
  a.mode = SearchMode::Lex;
  a.where = R"({"user":"carol"})";
  const AskResult answer = mem.ask("what is the status of the migration?", a);
  ASSERT_FALSE(answer.sources.empty());
  for (const AskSource& s : answer.sources) EXPECT_EQ(s.id % 3, 2u);

  TimelineQuery t;
  t.where = R"({"score":{"$lt":3}})";
  const auto entries = mem.timeline(t);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].id, 2u);
}
