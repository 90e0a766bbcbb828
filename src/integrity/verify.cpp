// verify_file (memvid::verify): read-only integrity checks. It opens the file without a lock,
// never writes, and reads the committed state the way an open would
// (integrity/committed_state.hpp), so it can run beside a live writer. Three kinds of checks,
// in this order:
//   - the committed structure (integrity/verify_structure.hpp);
//   - each registered index part's checks of its bytes (index/index_part.hpp), in the order
//     the registry lists the parts;
//   - deep only: every frame record (integrity/verify_records.hpp), then each part's checks
//     that every frame is covered as its record says.
// A decoder's Corrupt / InvalidToc inside a check becomes that check's failure.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <new>

#include "index/part_checks.hpp"
#include "index/part_registry.hpp"
#include "integrity/committed_state.hpp"
#include "integrity/memory_evidence.hpp"
#include "integrity/verify.hpp"
#include "integrity/verify_records.hpp"
#include "integrity/verify_structure.hpp"
#include "io/read_exact.hpp"
#include "memvid/types.hpp"

namespace memvid::integrity {

namespace {

using namespace index::checks;

class Verifier {
 public:
  Verifier(File& file, Env& env, const std::string& path, bool deep, VerifyReport& report)
      : file_(file), env_(env), path_(path), deep_(deep), report_(report) {}

  void run() {
    try {
      st_ = read_committed_state(file_, path_, env_);
    } catch (const std::exception& e) {
      // An I/O error under the header page or the WAL (or no memory for the TOC's entry
      // table): nothing can be judged.
      st_ = CommittedState{};
      read_error_ = std::string("cannot read the committed state: ") + e.what();
    }
    report_.file_bytes = st_.file_size;
    report_.frames = st_.view.size();
    const CommitView* u = st_.used_commit();
    const index::IndexManifest& manifest = u && u->index_ok ? u->index : no_index_;
    StructureChecks structure(st_, read_error_, file_, env_);
    const std::string index_skip = structure.index_skip_reason();

    index::PartCheckContext context{manifest,
                                    deep_,
                                    st_.view.size(),
                                    [this](std::uint64_t offset, std::uint64_t length, const char* what) {
                                      return io::read_bytes(file_, offset, length, what);
                                    },
                                    [this](std::uint64_t f) { return st_.view[f].timestamp_ms; },
                                    [this](std::uint64_t f) {
                                      return st_.view[f].status == static_cast<std::uint8_t>(memvid::FrameStatus::Active);
                                    },
                                    [&manifest](std::size_t i) {
                                      const index::IndexSegmentRef& r = manifest.segments[i];
                                      return "index segment " + num(i) + " (frames " + range(r.first_frame, r.end_frame) + ")";
                                    },
                                    nullptr,
                                    nullptr};
    std::vector<std::unique_ptr<index::PartVerifier>> parts;
    for (const index::PartKind* kind : index::part_kinds()) parts.push_back(kind->verifier(context));

    check("HeaderChecksum", [&] { return structure.header_checksum(); });
    check("FooterChecksum", [&] { return structure.footer_checksum(); });
    check("TocDecode", [&] { return structure.toc_decode(); });
    check("SegmentBounds", [&] { return structure.segment_bounds(); });
    check("FrameCountConsistency", [&] { return structure.frame_count_consistency(); });
    for (auto& part : parts)
      for (const index::PartCheck& c : part->structure_checks())
        check(c.name, [&] { return index_skip.empty() ? c.run() : skipped(index_skip); });
    check("WalPendingRecords", [&] { return structure.wal_pending_records(); });
    check("OwnerRecord", [&] { return structure.owner_record(); });

    RecordPass records(file_, st_, manifest.settings, [&](std::uint64_t id, const format::FrameRecord& rec) {
      if (index_skip.empty())
        for (auto& part : parts) part->see_record(id, rec);
    });
    check("FramePayloadChecksums", [&] {
      if (!deep_) return skipped("not deep");
      if (!u) return skipped(structure.toc_skip_reason());
      return records.run(report_);
    });
    const bool records_read = records.done();
    context.records = &records.facts();
    context.records_read = &records_read;
    for (auto& part : parts)
      for (const index::PartCheck& c : part->coverage_checks())
        check(c.name, [&] {
          if (!deep_) return skipped("not deep");
          return index_skip.empty() ? c.run() : skipped(index_skip);
        });
    report_.ok = std::none_of(report_.checks.begin(), report_.checks.end(),
                              [](const CheckResult& c) { return c.status == CheckStatus::Failed; });
  }

 private:
  void check(const std::string& name, const std::function<CheckResult()>& fn) {
    CheckResult o;
    try {
      o = fn();
    } catch (const Error& e) {
      o = failed(e.what());
    } catch (const std::bad_alloc&) {
      o = failed("out of memory while checking");
    } catch (const std::exception& e) {
      o = failed(std::string("unexpected error: ") + e.what());
    }
    o.name = name;
    report_.checks.push_back(std::move(o));
  }

  File& file_;
  Env& env_;
  const std::string& path_;
  const bool deep_;
  VerifyReport& report_;
  CommittedState st_;
  std::string read_error_;
  const index::IndexManifest no_index_{};
};

}  // namespace

VerifyReport verify_file(const std::string& path, bool deep, const std::shared_ptr<Env>& env) {
  const auto start = std::chrono::steady_clock::now();
  if (!env->exists(path)) throw Error(ErrorCode::NotFound, "no memory at " + path);
  auto file = env->open(path, OpenMode::ReadOnly);
  require_memory_evidence(*file, path);
  VerifyReport report;
  report.path = path;
  report.deep = deep;
  Verifier(*file, *env, path, deep, report).run();
  report.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace memvid::integrity
