#include "maintenance/backup_name.hpp"

#include <ctime>

#include "memvid/error.hpp"

namespace memvid::maintenance {

std::string free_backup_name(Env& env, const std::string& path, const std::string& why) {
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
