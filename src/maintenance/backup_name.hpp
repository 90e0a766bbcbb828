#pragma once
// Names for the files a repair or a forced restore keeps beside the memory it replaced:
// "<path>.<why>-<UTC time>" (notes.mv2.damaged-20261206T091500Z), with "-2", "-3", ... when
// that is taken. Not ending in .mv2, so that globs for memories do not pick them up. For a
// symlink, the name is the file's it points to, beside that file.
#include <string>

#include "memvid/env.hpp"

namespace memvid::maintenance {

std::string free_backup_name(Env& env, const std::string& path, const std::string& why);

}  // namespace memvid::maintenance
