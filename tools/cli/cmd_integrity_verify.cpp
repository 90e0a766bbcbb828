// memvid verify FILE [--deep]: the read-only integrity checks of memvid::verify, one line per
// check. Takes no lock, so it runs beside a live writer. Any failed check exits with the
// corruption code (5) after the whole report is printed.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "output.hpp"
#include "result_json.hpp"

namespace memvid::cli {

namespace {

const char* status_tag(CheckStatus s) {
  switch (s) {
    case CheckStatus::Passed: return "PASS";
    case CheckStatus::Failed: return "FAIL";
    case CheckStatus::Skipped: return "SKIP";
  }
  return "SKIP";
}

}  // namespace

void add_verify_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto path = std::make_shared<std::string>();
  auto deep = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("verify", "Check the memory's integrity without changing it (safe beside a writer)");
  add_file_argument(*cmd, *path);
  cmd->add_flag("--deep", *deep,
                "Also read every frame record (checksums, content hashes) and check that the indexes cover "
                "every frame");
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [path, deep, &global] {
                        const VerifyReport r = memvid::verify(*path, *deep);
                        std::size_t counts[3] = {0, 0, 0};
                        std::string failed_names;
                        for (const CheckResult& c : r.checks) {
                          ++counts[static_cast<int>(c.status)];
                          if (c.status == CheckStatus::Failed)
                            failed_names += (failed_names.empty() ? "" : ", ") + c.name;
                        }
                        if (global.json) {
                          print_json(to_json(r));
                        } else {
                          std::size_t width = 0;
                          for (const CheckResult& c : r.checks) width = std::max(width, c.name.size());
                          for (const CheckResult& c : r.checks)
                            std::cout << status_tag(c.status) << "  " << std::left << std::setw(static_cast<int>(width))
                                      << c.name << "  " << c.detail << '\n';
                          std::ostringstream ms;
                          ms << std::fixed << std::setprecision(1) << r.elapsed_ms;
                          std::cout << (r.ok ? "OK: " : "FAILED: ") << r.path << ": " << counts[0] << " passed, "
                                    << counts[1] << " failed, " << counts[2] << " skipped" << (r.deep ? " (deep)" : "")
                                    << "; " << r.frames << " frames, " << r.file_bytes << " bytes, " << ms.str()
                                    << " ms\n";
                          if (!r.damaged_frames.empty())
                            std::cout << "damaged frames: " << format_id_ranges(r.damaged_frames) << '\n';
                        }
                        if (!r.ok)
                          throw Error(ErrorCode::Corrupt, r.path + " fails " + std::to_string(counts[1]) +
                                                              " integrity checks: " + failed_names);
                      }});
}

}  // namespace memvid::cli
