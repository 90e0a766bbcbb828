#pragma once
// The seam through which a kind of index joins a memory. An index segment covers a run of
// frames and carries one part of each kind (index/index_manifest.hpp lists them by tag). A
// kind is:
//   - a PartKind: what it is called, what of its reference in the manifest it checks, how
//     its live part is made, and how verify checks its bytes;
//   - an IndexPart: the live part of one open memory: the committed segments' data (opened
//     on first use), a buffer of the frames written since the last checkpoint, and what it
//     writes for a new or merged segment at a checkpoint.
// The search index (index/search_index.hpp) drives every registered kind the same way; a new
// kind is a folder implementing these two and one line in index/part_registry.cpp.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "facts/fact_model.hpp"
#include "format/checksum.hpp"
#include "format/frame_record.hpp"
#include "index/index_manifest.hpp"
#include "index/mentions/mention_segment.hpp"
#include "index/term_table.hpp"
#include "index/vec/q8.hpp"
#include "memvid/integrity.hpp"
#include "text/analyzer.hpp"

namespace memvid::store {
class Store;
}

namespace memvid::index {

class ByteSource;

// A frame as every part receives it: analyzed once for all of them (analysis runs ahead on a
// second thread during put_many).
struct AnalyzedFrame {
  std::uint64_t id = 0;
  TermTable vocabulary;                // the terms of title and chunks
  TermPositions title;
  std::vector<TermPositions> chunks;  // one per passage (index/passages.hpp)
  std::vector<std::string> keywords;
  Q8Rows vectors;  // a unit vector per passage (or one for the whole frame); none: no vector
  std::vector<facts::FactRow> facts;  // what the rules engine read in its text
  std::vector<MentionRow> mentions;   // the dates its text mentions (index_mentions)
};

using LiveFn = std::function<bool(std::uint64_t frame)>;

// What a part writes for one segment at a checkpoint. No bytes: the segment has no such part
// (allowed only for kinds not in every segment).
struct BuiltPart {
  std::vector<std::uint8_t> bytes;
  std::uint64_t count = 0;         // what the reference records (documents, entries, rows)
  format::Checksum16 checksum{};   // identifies the bytes (each kind says how)
};

// What a live part may read of its memory.
struct PartHost {
  const store::Store& store;
  std::shared_ptr<const ByteSource> file;  // the memory's bytes, for segment parts
  const IndexSettings& settings;           // the committed settings (they do not change)
};

class IndexPart {
 public:
  virtual ~IndexPart() = default;
  // The committed segments: at open and reload, and when a checkpoint committed (the parts
  // build() made for it may be kept rather than read back).
  virtual void reset(const IndexManifest& manifest) = 0;
  // A frame written after every buffered one. A part may release what only it reads of the
  // frame (the lexical part lets go of each passage's words once indexed, so that a 100 MB
  // text's words are not held twice); the chunk count stays.
  virtual void add(AnalyzedFrame& frame) = 0;
  // Buffered frames from frame_end on are gone (rolled back).
  virtual void forget_from(std::uint64_t frame_end) = 0;
  // At a checkpoint, once per segment of the new list that is not carried unchanged, in
  // order: the part joining inputs (committed segment numbers; the committed segment count
  // stands for the buffer) for frames [first, end), keeping only frames live admits when it
  // is not null (merges purge dead frames; the buffer alone is written whole).
  virtual BuiltPart build(std::span<const std::size_t> inputs, std::uint64_t first, std::uint64_t end,
                          const LiveFn& live) = 0;
  // The checkpoint was not committed: forget what build() prepared.
  virtual void abandon() = 0;
};

// What verify knows while it checks a memory's parts (it takes no lock and writes nothing).
struct RecordFacts {
  enum State : std::uint8_t { kUnread, kGood, kDamaged };
  State state = kUnread;
  std::uint8_t kind = 0;
  std::uint32_t passages = 0;  // index documents its text makes (0 for kinds without text)
  bool has_vector = false;  // the record holds vectors, or says its text makes them
  // How many rows the vector index should hold for the frame: its stored passage vectors,
  // one per passage of a text the model embeds (at least one), or 1 for a whole-frame
  // vector (which a rebuild may replace by passage vectors: then `passages` rows).
  std::uint32_t vector_rows = 0;
  bool whole_frame_vector = false;
};

struct PartCheckContext {
  const IndexManifest& manifest;
  bool deep = false;
  std::uint64_t frames = 0;  // the committed frame count (TOC and WAL)
  std::function<std::vector<std::uint8_t>(std::uint64_t offset, std::uint64_t length, const char* what)> read;
  std::function<std::int64_t(std::uint64_t frame)> timestamp;  // in the committed state
  std::function<bool(std::uint64_t frame)> active;
  std::function<std::string(std::size_t segment)> segment_name;
  // Filled by the deep pass over the records (by frame id), before the coverage checks run;
  // records_read says whether it could run.
  const std::vector<RecordFacts>* records = nullptr;
  const bool* records_read = nullptr;
};

// A check's outcome; its name is the one the part declared it under.
struct PartCheck {
  std::string name;  // stable: scripts match on it (LexIndexDecode, TimeIndexRead, ...)
  std::function<CheckResult()> run;
};

class PartVerifier {
 public:
  virtual ~PartVerifier() = default;
  // Checks of the part's bytes in every segment, run before the records are read.
  virtual std::vector<PartCheck> structure_checks() = 0;
  // Each intact frame record, as the deep pass reads it (a part may compare what it stores).
  virtual void see_record(std::uint64_t, const format::FrameRecord&) {}
  // Checks that every frame is covered as its record says, run after the records were read.
  virtual std::vector<PartCheck> coverage_checks() = 0;
};

// What a live part keeps across reset(manifest): for each segment with a part of this tag, the
// decoded part a checkpoint's build() just made for it (pending, by first frame and checksum)
// or the one already decoded for the same bytes (old); null otherwise, read on first use.
template <class Decoded>
std::vector<Decoded> carried_parts(const IndexManifest& manifest, PartTag tag,
                                   const std::map<std::uint64_t, std::pair<format::Checksum16, Decoded>>& pending,
                                   const std::vector<IndexSegmentRef>& old_segments, const std::vector<Decoded>& old) {
  std::vector<Decoded> out(manifest.segments.size());
  for (std::size_t i = 0; i < manifest.segments.size(); ++i) {
    const IndexSegmentRef& s = manifest.segments[i];
    const PartRef* ref = s.part(tag);
    if (!ref) continue;
    if (auto p = pending.find(s.first_frame); p != pending.end() && p->second.first == ref->checksum) {
      out[i] = p->second.second;
      continue;
    }
    for (std::size_t j = 0; j < old_segments.size(); ++j) {
      const PartRef* prev = old_segments[j].part(tag);
      if (old_segments[j].first_frame == s.first_frame && prev && prev->checksum == ref->checksum) out[i] = old[j];
    }
  }
  return out;
}

class PartKind {
 public:
  virtual ~PartKind() = default;
  virtual PartTag tag() const = 0;
  virtual const char* name() const = 0;        // for messages: "lexical", "time", "vector"
  virtual const char* short_name() const = 0;  // for the catalog (inspect): "lex", "time", "vec"
  // Whether every segment must carry this part (false: only segments with data for it).
  virtual bool in_every_segment() const = 0;
  // Why the manifest's reference to this part of a segment is impossible (its count against
  // the segment's frames, the settings it needs), or "".
  virtual std::string check_ref(const PartRef& ref, const IndexSegmentRef& segment, const IndexSettings& settings) const = 0;
  virtual std::unique_ptr<IndexPart> open(const PartHost& host) const = 0;
  virtual std::unique_ptr<PartVerifier> verifier(const PartCheckContext& context) const = 0;
};

}  // namespace memvid::index
