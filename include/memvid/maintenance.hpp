#pragma once
// Compaction and backups of an open memory (a view: Maintenance(mem).compact_in_place()).
// Each writes a new memory from the handle's committed state (every frame keeps its id) to a
// temporary file beside the destination, syncs it and renames it into place: killed at any
// point, the destination is either untouched or complete. Indexes are rebuilt from the frames.
#include <string>

#include "memvid/view.hpp"

namespace memvid {

class Maintenance : public View {
 public:
  using View::View;
  // Active frames only (deleted and superseded frames are dropped; their ids stay reserved),
  // no dead bytes. dest must not exist (AlreadyExists).
  void compact_to(const std::string& dest);
  // The same over this memory's own file; a writer handle only. Readers that have it open
  // keep reading the old bytes until they refresh().
  void compact_in_place();
  // Every frame, whatever its status: a consistent backup of the state this handle sees,
  // taken while another process may be writing. dest must not exist.
  void export_snapshot(const std::string& dest);
};

}  // namespace memvid
