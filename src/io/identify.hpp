#pragma once
// format/identity.hpp applied to an open file.
#include <string>
#include <vector>

#include "format/identity.hpp"
#include "memvid/env.hpp"

namespace memvid::io {

struct Identified {
  format::FileKind kind = format::FileKind::Foreign;
  std::uint64_t size = 0;
  std::vector<std::uint8_t> head;  // the first min(size, kIdentifyBytes) bytes
};

Identified identify_file(File& file);

// Throws format::not_a_memory(...) unless the file carries a memory's header magic.
void require_memory(File& file, const std::string& path);

}  // namespace memvid::io
