// Views: a feature reaches an open memory through a small object made from the handle, so
// adding one changes nothing in the handle. A test-only view proves it (a header's worth of
// class here, using the handle's state as a feature's source file would), and the library's
// Maintenance view behaves as the handle's own calls do.
#include <gtest/gtest.h>

#include "memory/memvid_impl.hpp"
#include "memvid/maintenance.hpp"
#include "memvid/view.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;

namespace {

// A feature that is not in the library: how many frames the handle sees, and how many of
// them are committed.
class FrameCensus : public View {
 public:
  using View::View;
  std::pair<std::uint64_t, std::uint64_t> seen_and_committed() const {
    std::lock_guard lock(impl().mu);
    const store::Store& s = impl().s();
    return {s.frame_count(), s.committed_frame_count()};
  }
};

CreateOptions plain() {
  CreateOptions o;
  o.embedding_model = "none";
  return o;
}

Document text(const std::string& t) {
  Document d;
  d.payload = t;
  return d;
}

TEST(View, AFeatureOutsideTheHandleSharesItsStateAndTransaction) {
  mt::TempDir dir;
  Memvid m = Memvid::create(dir.file("m.mv2"), plain());
  m.put(text("committed"));
  m.begin();
  m.put(text("in the open transaction"));
  EXPECT_EQ(FrameCensus(m).seen_and_committed(), std::make_pair(std::uint64_t{2}, std::uint64_t{1}));
  m.commit();
  EXPECT_EQ(FrameCensus(m).seen_and_committed(), std::make_pair(std::uint64_t{2}, std::uint64_t{2}));
  // A view outlives nothing: made from a moved handle, it sees the same memory.
  Memvid moved = std::move(m);
  EXPECT_EQ(FrameCensus(moved).seen_and_committed().first, 2u);
  moved.close();
  try {
    FrameCensus(moved).seen_and_committed();
    FAIL() << "a view of a closed handle answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Closed) << e.what();
  }
}

TEST(View, MaintenanceOfAClosedHandleIsClosed) {
  mt::TempDir dir;
  Memvid m = Memvid::create(dir.file("m.mv2"), plain());
  m.put(text("one"));
  Maintenance(m).export_snapshot(dir.file("snap.mv2"));
  EXPECT_TRUE(verify(dir.file("snap.mv2"), true).ok);
  m.close();
  for (auto call : {+[](Memvid& h, const std::string& d) { Maintenance(h).compact_to(d); },
                    +[](Memvid& h, const std::string& d) { Maintenance(h).export_snapshot(d); },
                    +[](Memvid& h, const std::string&) { Maintenance(h).compact_in_place(); }}) {
    try {
      call(m, dir.file("out.mv2"));
      FAIL() << "maintenance on a closed handle ran";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::Closed) << e.what();
    }
  }
}

}  // namespace
