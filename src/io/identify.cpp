#include "io/identify.hpp"

#include <algorithm>

#include "io/read_exact.hpp"

namespace memvid::io {

Identified identify_file(File& file) {
  Identified id;
  id.size = file.size();
  id.head = read_bytes(file, 0, std::min<std::uint64_t>(id.size, format::kIdentifyBytes), "first bytes");
  id.kind = format::identify(id.head, id.size);
  return id;
}

void require_memory(File& file, const std::string& path) {
  Identified id = identify_file(file);
  if (id.kind != format::FileKind::Memory) throw format::not_a_memory(path, id.kind, id.head, id.size);
}

}  // namespace memvid::io
