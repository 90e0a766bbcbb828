#include "maintenance/backup_name.hpp"

#include <ctime>
#include <filesystem>

#include "memvid/error.hpp"

namespace memvid::maintenance {

std::string free_backup_name(Env& env, const std::string& given, const std::string& why) {
  // Beside the file itself, not beside a symlink to it: that is the file being replaced.
  std::error_code ec;
  std::string path = given;
  if (std::filesystem::is_symlink(given, ec)) {
    const std::filesystem::path real = std::filesystem::canonical(given, ec);
    if (!ec) path = real.string();
  }
  const std::time_t seconds = static_cast<std::time_t>(env.now_ms() / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  const std::string base = path + "." + why + "-" + stamp;
  if (!env.exists(base)) return base;
  for (int n = 2; n < 1000; ++n) {
    const std::string name = base + "-" + std::to_string(n);
    if (!env.exists(name)) return name;
  }
  throw Error(ErrorCode::AlreadyExists, "no free name for a backup of " + path + " (" + base + "-2 ... -999 all exist)");
}

}  // namespace memvid::maintenance
