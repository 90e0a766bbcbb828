#pragma once
// Features beyond the handle's core (lifecycle, writes, reads, find, ask) reach an open memory
// through views: small objects made from the handle, e.g. Maintenance(mem).compact_in_place().
// A view shares the handle's state, lock and open transaction, and sees what the handle sees;
// it is valid while the handle is, and a call on it after close() throws Closed as the
// handle's own calls do. A new feature is a view class and its source file: the handle itself
// does not change.
#include "memvid/memvid.hpp"

namespace memvid {

class View {
 public:
  explicit View(Memvid& handle) : impl_(handle.impl_.get()) {}

 protected:
  // The handle's state (src/memory/memvid_impl.hpp); a view's calls take its mutex, as the
  // handle's do.
  Memvid::Impl& impl() const { return *impl_; }

 private:
  Memvid::Impl* impl_;
};

}  // namespace memvid
