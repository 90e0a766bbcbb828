// memvid::verify: the integrity layer's read-only checks of a memory's file.
#include "integrity/verify.hpp"
#include "memvid/memvid.hpp"

namespace memvid {

VerifyReport verify(const std::string& path, const VerifyOptions& options) {
  return integrity::verify_file(path, options.deep, options.env ? options.env : default_env());
}

}  // namespace memvid
