// Memvid::verify: the integrity layer's read-only checks of a memory's file.
#include "integrity/verify.hpp"
#include "memvid/memvid.hpp"

namespace memvid {

VerifyReport Memvid::verify(const std::string& path, bool deep, std::shared_ptr<Env> env) {
  return integrity::verify_file(path, deep, env ? env : default_env());
}

}  // namespace memvid
