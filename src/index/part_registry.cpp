#include "index/part_registry.hpp"

#include <algorithm>

#include "index/facts/fact_part.hpp"
#include "index/lex/lex_part.hpp"
#include "index/mentions/mention_part.hpp"
#include "index/time/time_part.hpp"
#include "index/vec/vec_part.hpp"

namespace memvid::index {

namespace {

std::vector<const PartKind*>& kinds() {
  // The kinds of this version, one line each: segments list their parts in this order.
  static std::vector<const PartKind*> k = {&time_part_kind(), &lexical_part_kind(), &vector_part_kind(),
                                           &fact_part_kind(), &mention_part_kind()};
  return k;
}

}  // namespace

const std::vector<const PartKind*>& part_kinds() { return kinds(); }

const PartKind* find_part_kind(PartTag tag) {
  for (const PartKind* k : kinds())
    if (k->tag() == tag) return k;
  return nullptr;
}

void register_part_kind(const PartKind* kind) {
  if (!find_part_kind(kind->tag())) kinds().push_back(kind);
}

void unregister_part_kind(const PartKind* kind) {
  auto& k = kinds();
  k.erase(std::remove(k.begin(), k.end(), kind), k.end());
}

std::string check_segment_parts(const IndexSegmentRef& segment, const IndexSettings& settings) {
  for (std::size_t i = 0; i < segment.parts.size(); ++i) {
    const PartRef& p = segment.parts[i];
    const PartKind* kind = find_part_kind(p.tag);
    if (!kind) return "has an index part of a kind this version does not know ('" + tag_name(p.tag) + "')";
    for (std::size_t j = 0; j < i; ++j)
      if (segment.parts[j].tag == p.tag) return "lists its " + std::string(kind->name()) + " part twice";
    if (std::string why = kind->check_ref(p, segment, settings); !why.empty())
      return "has impossible counts: its " + std::string(kind->name()) + " part " + why;
  }
  for (const PartKind* kind : kinds())
    if (kind->in_every_segment() && !segment.part(kind->tag())) return "has no " + std::string(kind->name()) + " part";
  return "";
}

}  // namespace memvid::index
