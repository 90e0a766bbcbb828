// Damage every region of a memory in turn (header copies, owner record, WAL, a frame record,
// the index parts, TOC, footer; byte flips and truncations), check that verify names the
// failing check, run doctor, and check that the repaired memory verifies and still holds every
// committed frame byte for byte, except the frames whose own record was destroyed, which
// doctor must report as lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "format/layout.hpp"
#include "integrity/integrity_fixture.hpp"
#include "memvid/memvid.hpp"
#include "support/temp_dir.hpp"

using namespace memvid;
namespace mt = memvid::testing;
namespace fs = std::filesystem;

namespace {

using Image = std::string;

Image slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::string& path, const Image& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string describe(const VerifyReport& r) {
  std::string out = r.path + (r.deep ? " (deep)" : "") + (r.ok ? " ok" : " NOT ok") + "\n";
  for (const CheckResult& c : r.checks)
    out += "  " + std::string(to_string(c.status)) + "  " + c.name + "  " + c.detail + "\n";
  return out;
}

std::string describe(const DoctorReport& r) {
  std::string out = "doctor " + r.path + (r.ok ? " ok" : " NOT ok") + "\nfindings:\n";
  for (const Finding& f : r.findings) out += "  " + std::string(to_string(f.severity)) + " " + f.check + ": " + f.message + "\n";
  out += "actions:\n";
  for (const DoctorAction& a : r.actions)
    out += "  " + std::string(to_string(a.status)) + " " + a.name + " [" + a.detail + "]\n";
  out += "lost:";
  for (auto id : r.lost_frames) out += " " + std::to_string(id);
  out += "\n" + describe(r.before);
  if (r.after) out += "after: " + describe(*r.after);
  return out;
}

struct Expected {
  FrameStatus status;
  std::string payload;
};

struct Original {
  Image image;
  std::vector<Expected> frames;
  FileAnatomy anatomy;
};

OpenOptions quiet() {
  OpenOptions o;
  o.nudge_poll_ms = 0;
  return o;
}

// The state every committed frame of `path` is in (read through a reader).
std::vector<Expected> expected_of(const std::string& path) {
  Memvid m = Memvid::open_read_only(path, quiet());
  std::vector<Expected> out;
  for (FrameId id = 0; id < m.frame_count(); ++id) {
    const Frame f = m.frame(id);
    out.push_back({f.status, f.payload});
  }
  return out;
}

// About 60 frames with vectors, an update, deletes; pending > 0 leaves that many committed
// single-put transactions in the WAL (the copy is taken while the writer is still open).
Original make_original(int pending) {
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  std::unique_ptr<Memvid> keep;
  mt::build_small(path, nullptr, "custom:test", pending > 0 ? &keep : nullptr, pending);
  Original o;
  o.image = slurp(path);
  if (keep) {
    const std::string copy = dir.file("copy.mv2");
    spit(copy, o.image);
    o.frames = expected_of(copy);
    o.anatomy = inspect_file(copy);
    keep->close();
  } else {
    o.frames = expected_of(path);
    o.anatomy = inspect_file(path);
  }
  return o;
}

const Original& clean() {
  static const Original o = make_original(0);
  return o;
}

const Original& pending() {
  static const Original o = make_original(3);
  return o;
}

const CatalogEntry& part(const FileAnatomy& a, const std::string& kind) {
  for (const CatalogEntry& c : a.segments)
    if (c.kind == kind) return c;
  ADD_FAILURE() << "no " << kind << " part";
  return a.segments.front();
}

std::size_t offset_of(const Image& image, const std::string& needle) {
  const auto at = image.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return at == std::string::npos ? 0 : at;
}

void flip(Image& image, std::uint64_t at) {
  ASSERT_LT(at, image.size());
  image[at] = static_cast<char>(image[at] ^ 0x5A);
}

// Damages a copy of the original, checks verify, runs doctor, checks the result.
void run_case(const std::string& name, const Original& o, const std::function<void(Image&)>& damage,
              const char* failing_check, const std::set<FrameId>& destroyed = {}) {
  SCOPED_TRACE(name);
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  Image image = o.image;
  damage(image);
  ASSERT_NE(image, o.image);
  spit(path, image);

  const VerifyReport v = memvid::verify(path, true);
  EXPECT_FALSE(v.ok) << describe(v);
  const CheckResult* c = v.find(failing_check);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, CheckStatus::Failed) << describe(v);

  DoctorOptions opts;
  DoctorReport r;
  ASSERT_NO_THROW(r = memvid::doctor(path, opts));
  ASSERT_TRUE(r.after.has_value()) << describe(r);
  EXPECT_TRUE(r.changed) << describe(r);
  ASSERT_TRUE(r.ok) << describe(r);
  EXPECT_TRUE(r.after->ok) << describe(r);
  ASSERT_FALSE(r.actions.empty());
  for (const DoctorAction& a : r.actions) EXPECT_EQ(a.status, ActionStatus::Done) << a.name << ": " << a.detail;
  const VerifyReport again = memvid::verify(path, true);
  EXPECT_TRUE(again.ok) << describe(again);

  const std::set<FrameId> lost(r.lost_frames.begin(), r.lost_frames.end());
  for (FrameId id : destroyed) EXPECT_TRUE(lost.count(id)) << "destroyed frame " << id << " not reported lost\n" << describe(r);
  for (FrameId id : lost) EXPECT_TRUE(destroyed.count(id)) << "frame " << id << " reported lost but intact\n" << describe(r);

  Memvid m = Memvid::open_read_only(path, quiet());
  ASSERT_EQ(m.frame_count(), o.frames.size()) << describe(r);
  for (FrameId id = 0; id < o.frames.size(); ++id) {
    if (destroyed.count(id)) {
      EXPECT_THROW((void)m.frame(id), Error) << id;
      continue;
    }
    const Frame info = m.frame_info(id);
    EXPECT_EQ(info.status, o.frames[id].status) << "frame " << id;
    EXPECT_FALSE(info.removed) << "frame " << id;
    Frame f;
    ASSERT_NO_THROW(f = m.frame(id)) << "frame " << id << "\n" << describe(r);
    EXPECT_EQ(f.payload, o.frames[id].payload) << "frame " << id;
  }
  // The indexes answer again: the lexical and the semantic one.
  FindOptions lex;
  lex.mode = SearchMode::Lex;
  lex.k = 3;
  const FindResult lr = m.find("\"frame 9\"", lex);
  if (!destroyed.count(9)) {
    ASSERT_FALSE(lr.hits.empty());
    EXPECT_EQ(lr.hits[0].id, 9u);
  }
  FindOptions sem;
  sem.mode = SearchMode::Sem;
  sem.k = 3;
  sem.query_vector = mt::vector_for(13);
  const FindResult sr = m.find("", sem);
  ASSERT_FALSE(sr.hits.empty());
  EXPECT_EQ(sr.hits[0].id, 13u);
  // Nothing is left beside the memory but, after a salvage, the damaged file, byte for byte.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  const bool salvaged = r.actions.front().name == "Salvage";
  if (salvaged) {
    ASSERT_EQ(names.size(), 2u) << describe(r);
    EXPECT_EQ(dir.file(names[1]), r.backup_path);
    EXPECT_EQ(names[1].rfind("m.mv2.damaged-", 0), 0u) << names[1];
    EXPECT_TRUE(slurp(r.backup_path) == image) << "the backup is not the damaged file's bytes";
  } else {
    EXPECT_TRUE(r.backup_path.empty());
    EXPECT_EQ(names, std::vector<std::string>{"m.mv2"});
  }
}

TEST(CorruptionMatrix, HeaderCopyA) {
  run_case("header A", clean(), [](Image& i) { flip(i, format::kHeaderSlotOffset[0] + 20); }, "HeaderChecksum");
}

TEST(CorruptionMatrix, HeaderCopyB) {
  run_case("header B", clean(), [](Image& i) { flip(i, format::kHeaderSlotOffset[1] + 20); }, "HeaderChecksum");
}

TEST(CorruptionMatrix, BothHeaderCopies) {
  run_case("both headers", clean(),
           [](Image& i) {
             std::fill(i.begin(), i.begin() + 1024, '\0');
           },
           "HeaderChecksum");
}

TEST(CorruptionMatrix, OwnerRecord) {
  run_case("owner record", clean(),
           [](Image& i) {
             std::mt19937_64 rng(3);
             for (std::uint64_t k = format::kOwnerRecordOffset; k < format::kOwnerRecordOffset + format::kOwnerRecordSize; ++k)
               i[k] = static_cast<char>(rng());
           },
           "OwnerRecord");
}

TEST(CorruptionMatrix, WalPendingRecord) {
  const Original& o = pending();
  ASSERT_EQ(o.anatomy.wal_pending_transactions, 3u);
  // The second pending put (doc 301) is frame frames-2.
  const FrameId victim = o.frames.size() - 2;
  ASSERT_EQ(o.frames[victim].payload, mt::text_for(301));
  run_case("WAL record", o, [](Image& i) { flip(i, offset_of(i, "payload of frame 301 ") + 2); }, "WalPendingRecords",
           {victim});
}

TEST(CorruptionMatrix, WalPendingRecordsIntactAfterDamagedHeader) {
  // The pending transactions survive a repair of something else.
  run_case("WAL pending, header A", pending(), [](Image& i) { flip(i, format::kHeaderSlotOffset[0] + 20); },
           "HeaderChecksum");
}

TEST(CorruptionMatrix, FramePayload) {
  run_case("frame 9 payload", clean(), [](Image& i) { flip(i, offset_of(i, "payload of frame 9 ") + 3); },
           "FramePayloadChecksums", {9});
}

TEST(CorruptionMatrix, DeletedFramePayload) {
  // Frame 7 is deleted: its record is gone, yet its status must stay Deleted.
  const Original& o = clean();
  ASSERT_EQ(o.frames[7].status, FrameStatus::Deleted);
  mt::TempDir dir;
  const std::string path = dir.file("m.mv2");
  Image image = o.image;
  flip(image, offset_of(image, "payload of frame 7 ") + 3);
  spit(path, image);
  const DoctorReport r = memvid::doctor(path, {});
  ASSERT_TRUE(r.ok) << describe(r);
  Memvid m = Memvid::open_read_only(path, quiet());
  ASSERT_EQ(m.frame_count(), o.frames.size());
  EXPECT_EQ(m.frame_info(7).status, FrameStatus::Deleted);
  for (FrameId id = 0; id < o.frames.size(); ++id)
    if (id != 7) {
      EXPECT_EQ(m.frame(id).payload, o.frames[id].payload) << id;
    }
}

TEST(CorruptionMatrix, LexicalPart) {
  for (double at : {0.0, 0.5, 0.99}) {
    const CatalogEntry& lex = part(clean().anatomy, "lex");
    const std::uint64_t off = lex.offset + static_cast<std::uint64_t>(static_cast<double>(lex.length - 1) * at);
    run_case("lex part at " + std::to_string(at), clean(), [off](Image& i) { flip(i, off); }, "LexIndexDecode");
  }
}

TEST(CorruptionMatrix, VectorPart) {
  const CatalogEntry& vec = part(clean().anatomy, "vec");
  run_case("vec part", clean(), [&](Image& i) { flip(i, vec.offset + vec.length / 3); }, "VecIndexDecode");
}

TEST(CorruptionMatrix, TimePart) {
  const CatalogEntry& t = part(clean().anatomy, "time");
  run_case("time part", clean(), [&](Image& i) { flip(i, t.offset + t.length / 2); }, "TimeIndexRead");
}

TEST(CorruptionMatrix, Toc) {
  const FileAnatomy& a = clean().anatomy;
  run_case("TOC", clean(), [&](Image& i) { flip(i, a.toc_offset + 20); }, "TocDecode");
}

TEST(CorruptionMatrix, TocSegment) {
  const CatalogEntry& seg = part(clean().anatomy, "toc");
  run_case("TOC segment", clean(), [&](Image& i) { flip(i, seg.offset + seg.length / 2); }, "TocDecode");
}

TEST(CorruptionMatrix, Footer) {
  const FileAnatomy& a = clean().anatomy;
  run_case("footer", clean(), [&](Image& i) { flip(i, a.footer_offset + 12); }, "FooterChecksum");
}

TEST(CorruptionMatrix, TruncatedFooter) {
  const FileAnatomy& a = clean().anatomy;
  run_case("footer cut", clean(), [&](Image& i) { i.resize(a.footer_offset + 30); }, "FooterChecksum");
}

TEST(CorruptionMatrix, TruncatedToc) {
  const FileAnatomy& a = clean().anatomy;
  run_case("TOC cut", clean(), [&](Image& i) { i.resize(a.toc_offset + 3); }, "FooterChecksum");
}

TEST(CorruptionMatrix, IndexAndOwnerTogether) {
  const FileAnatomy& a = clean().anatomy;
  const CatalogEntry& lex = part(a, "lex");
  const CatalogEntry& t = part(a, "time");
  run_case("lex + time + owner", clean(),
           [&](Image& i) {
             flip(i, lex.offset + lex.length / 2);
             flip(i, t.offset + t.length / 2);
             for (std::uint64_t k = format::kOwnerRecordOffset; k < format::kOwnerRecordOffset + 64; ++k) i[k] = 'x';
           },
           "LexIndexDecode");
}

}  // namespace
