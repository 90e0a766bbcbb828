#pragma once
// Rewrites shared by compaction, snapshots and doctor (src/memory/maintenance.cpp).
#include "maintenance/rewrite.hpp"
#include "memory/memvid_impl.hpp"

namespace memvid {

// The committed state of the handle as a rewrite plan; keep says which frames carry their
// records (the others become removed entries). Records are verified as copied.
maintenance::RewritePlan plan_from(const Memvid::Impl& impl, maintenance::KeepRecord keep);
// Rewrites the handle's own file (a writer) and moves the handle onto the new file.
void rewrite_in_place(Memvid::Impl& impl, const maintenance::KeepRecord& keep);

}  // namespace memvid
