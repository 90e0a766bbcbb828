#pragma once
// Facts about people and things, read from the memory's frames (docs/FACTS.md): who works
// where, lives where, likes what, is whose sibling; when each was true (valid time), when the
// memory learned it (the frame's time), where it was said (frame, uri, byte span), and what
// ended it (a later fact, or the deletion or update of its frame). A view on an open memory:
//
//   memvid::Facts facts(mem);
//   for (const memvid::FactRecord& f : facts.state("Alice")) ...
//
// Entities are named as written ("Alice", "Ben Koenig", "María"); lookups ignore case. The
// writer of a first-person text ("I work at ...") is the entity "user".
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memvid/llm.hpp"
#include "memvid/view.hpp"

namespace memvid {

struct FactRecord {
  std::uint64_t id = 0;      // frame id << 16 | the fact's ordinal in its frame
  std::string entity;        // canonical key: case-folded
  std::string entity_name;   // as written
  std::string slot;          // employer, location, spouse, food_preference, ... (docs/FACTS.md)
  std::string value;
  std::string value_type;    // string, entity, number, date
  std::string kind;          // fact, preference, profile, relationship, event, other
  std::string cardinality;   // single, multiple
  std::string polarity;      // positive, negative
  double confidence = 0;     // 0..1
  std::string engine;        // "rules/1", "openai:gpt-4o-mini/1"
  std::uint64_t frame = 0;   // the frame that says it
  std::string uri;           // that frame's uri
  std::uint64_t recorded_in = 0;  // the frame that recorded it: frame itself, or an enrichment
  std::uint32_t value_begin = 0, value_length = 0;  // bytes of the value in the frame's text
  std::int64_t valid_from_ms = 0;             // from the text ("in 2024"), else the frame's time
  std::optional<std::int64_t> valid_to_ms;    // none: still valid
  std::int64_t recorded_at_ms = 0;            // recorded_in's time
  std::optional<std::uint64_t> superseded_by;  // the fact that ended it
  std::string retracted;  // "", "frame_deleted" or "frame_updated": its frame no longer says it
  bool current = false;   // valid at the time asked (now, or StateQuery::at_ms)
  bool confirms = false;  // repeats a value already valid then
  bool correction = false;
};

struct FactQuery {
  std::string entity;  // "" for every entity
  std::string slot;    // "" for every slot
  std::string value;   // "" for every value (compared case-insensitively)
  bool history = false;  // also facts no longer current (ended, retracted, confirming)
  std::optional<std::int64_t> at_ms;  // "current" as of this time instead of now
  std::size_t limit = 0;              // 0: no limit
};

struct EntityInfo {
  std::string entity;
  std::string name;
  std::string kind;  // person, organization, place, thing
  std::uint64_t facts = 0;    // facts about it
  std::uint64_t current = 0;  // of which current
  std::uint64_t mentions = 0;  // facts naming it as their value
};

struct FollowQuery {
  std::string start;
  std::string link;  // "" for every entity-valued slot
  std::size_t hops = 1;
  enum class Direction { Out, In, Both } direction = Direction::Both;
};

struct FollowEdge {
  std::string source, source_name;  // the entity the edge leaves
  std::string slot;                 // as stored, or its inverse for an edge walked backwards
  std::string target, target_name;  // the entity it reaches
  std::size_t depth = 1;
  std::uint64_t fact = 0;
  bool inverse = false;  // walked from the value to the entity that states it
};

struct FollowResult {
  std::string start;
  std::vector<FollowEdge> edges;     // in the order reached (breadth first)
  std::vector<std::string> reached;  // entities reached, nearest first, start excluded
};

// The canonical key of an entity named as written ("María García" -> "maría garcía"): NFKC
// and case folded, surrounding white space dropped. Entity-valued facts' values name entities
// by this key.
std::string fact_entity_key(const std::string& name);

struct CorrectOptions {
  std::vector<std::string> topics;  // stored as the frame's tags
  std::string source;               // who or what says so (metadata "source")
  double boost = 2.0;               // metadata "correction.boost": in find and ask, a query that matches it
                                    // weighs its BM25 score by this (FindOptions::correction_boost)
  std::optional<std::int64_t> timestamp_ms;  // default: now
};

struct EnrichOptions {
  // "rules" (the offline engine) or "<provider>:<model>" (memvid/llm.hpp), e.g.
  // "openai:gpt-4o-mini" or "ollama:llama3".
  std::string engine = "rules";
  // The model for a provider engine; when null it is made from engine, base_url and
  // api_key_env (language_model_from_name).
  std::shared_ptr<LanguageModel> model;
  std::string base_url, api_key_env;
  // Read again the frames this engine version has read (new facts are added; facts already
  // stored are not stored twice).
  bool force = false;
  // Frames per enrichment frame; each is committed on its own, so an interrupted run keeps
  // what it finished and the next run goes on from there.
  std::size_t batch_frames = 256;
  // Frames read at once (1 to 64): a model's requests in parallel, or the rules engine on
  // several cores. What is recorded is the same whatever the number. A caller's own model
  // must allow concurrent chat() calls when this is above 1 (the HTTP models do).
  std::size_t workers = 4;
};

// What one `enrich` run did.
struct EnrichReport {
  std::string engine;                 // with its version: "rules/1", "openai:gpt-4o-mini/1"
  std::uint64_t frames = 0;           // active text frames in the memory
  std::uint64_t processed = 0;        // read by the engine in this run
  std::uint64_t already = 0;          // skipped: this engine version had read them
  std::uint64_t facts = 0;            // facts recorded
  std::uint64_t duplicates = 0;       // facts found again that the memory already holds
  std::uint64_t rejected = 0;         // items of a model's answers that were not valid facts
  std::uint64_t failed = 0;           // frames whose answer was unusable (read again next run)
  std::vector<std::uint64_t> enrichment_frames;  // the frames written
};

// A slot's spec and how the memory uses it (schema list / schema infer).
struct SlotSchema {
  std::string slot;
  std::string cardinality;  // single, multiple
  std::string value_type;   // string, entity, number, date
  std::string kind;         // fact, preference, profile, relationship, event, other
  std::string inverse;      // entity-valued slots: the slot of the edge walked backwards
  std::string source;       // builtin, registered (stored in the memory), inferred (from the facts)
  std::uint64_t facts = 0;     // current facts with this slot
  std::uint64_t entities = 0;  // entities that have one
};

// What `correct` stored: the statement's frame and the facts read from it.
struct Correction {
  std::uint64_t frame = 0;
  std::vector<FactRecord> facts;
};

// The built-in slots (what `schema list` shows without a memory).
std::vector<SlotSchema> builtin_slot_schemas();

class Facts : public View {
 public:
  explicit Facts(Memvid& handle) : View(handle), handle_(&handle) {}

  // The current facts about entity (one slot, or all), as of at_ms when given.
  std::vector<FactRecord> state(const std::string& entity, const std::string& slot = "",
                                std::optional<std::int64_t> at_ms = std::nullopt) const;
  // Facts matching the query, by entity, slot and valid time.
  std::vector<FactRecord> list(const FactQuery& query) const;
  // Entities the facts speak of: those with facts, and those named as values.
  std::vector<EntityInfo> entities() const;
  // The graph of entity-valued facts (spouse, employer, manager, sibling, ...), breadth first
  // from start, current facts only.
  FollowResult follow(const FollowQuery& query) const;

  // Reads facts with an engine in the active text frames it has not read yet (all of them
  // with force), and records them in enrichment frames (docs/FACTS.md). Frames put with
  // extraction on count as read by the rules engine. Idempotent per (frame, engine,
  // version); deleted frames are never read. A provider failure stops the run after
  // committing the batches done (and throws); an unusable answer only counts as failed.
  EnrichReport enrich(const EnrichOptions& options = {});

  // Stores statement as a correction: a frame labelled "correction" whose facts overrule the
  // facts recorded before it with other values (docs/FACTS.md). Committed like a put.
  Correction correct(const std::string& statement, const CorrectOptions& options = {});

  // The slots this memory knows: the built-in ones and those registered in it (which take
  // precedence), in name order.
  std::vector<SlotSchema> schema() const;
  // Each slot the current facts use, with the spec their values suggest: a number or date
  // type when every value is one, multiple when an entity holds two values at once. Built-in
  // and registered slots keep their spec (source says which).
  std::vector<SlotSchema> infer_schema() const;
  // Stores specs in the memory (a schema frame): they are used from then on by every reader.
  // Only inferred slots unless overwrite, which also replaces built-in and registered specs.
  // Returns what was registered (nothing: no frame written).
  std::vector<SlotSchema> register_schema(const std::vector<SlotSchema>& specs, bool overwrite = false);

 private:
  Memvid* handle_;
};

}  // namespace memvid
