// The layer order of docs/ARCHITECTURE.md, enforced: every `#include "folder/..."` in src/
// must name the file's own folder or one its layer may include, as the table between
// "<!-- layers:begin -->" and "<!-- layers:end -->" lists them; only the handle's layer
// (memory), the CLI and the bindings include the handle's header memvid/memvid.hpp; the CLI
// and the bindings include nothing from src/. The table is read from the document, so the
// picture and the check cannot drift apart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = MEMVID_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// layer -> the layers it may include, from the document's table rows "| layer | a, b, c |".
std::map<std::string, std::set<std::string>> allowed_from_doc() {
  const std::string doc = slurp(kRoot / "docs" / "ARCHITECTURE.md");
  const auto begin = doc.find("<!-- layers:begin -->"), end = doc.find("<!-- layers:end -->");
  std::map<std::string, std::set<std::string>> table;
  if (begin == std::string::npos || end == std::string::npos) return table;
  std::istringstream in(doc.substr(begin, end - begin));
  const std::regex row(R"(^\|\s*`?([a-z_/]+)`?\s*\|\s*([^|]*)\|)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row) || m[1] == "layer") continue;
    std::set<std::string>& deps = table[m[1]];
    std::istringstream cells(m[2].str());
    for (std::string dep; std::getline(cells, dep, ',');) {
      dep.erase(0, dep.find_first_not_of(" `"));
      dep.erase(dep.find_last_not_of(" `") + 1);
      if (!dep.empty() && dep != "-") deps.insert(dep);
    }
  }
  return table;
}

std::vector<std::pair<int, std::string>> includes_of(const fs::path& file) {
  std::vector<std::pair<int, std::string>> out;
  std::istringstream in(slurp(file));
  const std::regex inc(R"re(^\s*#\s*include\s+"([^"]+)")re");
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    std::smatch m;
    if (std::regex_search(line, m, inc)) out.emplace_back(n, m[1]);
  }
  return out;
}

bool is_source(const fs::path& p) {
  const std::string e = p.extension().string();
  return e == ".cpp" || e == ".hpp" || e == ".h" || e == ".cc";
}

TEST(Layering, EveryIncludeFollowsTheDocumentedLayerOrder) {
  const auto allowed = allowed_from_doc();
  ASSERT_FALSE(allowed.empty()) << "no layer table in docs/ARCHITECTURE.md";
  std::string violations;
  std::set<std::string> layers_seen;
  for (const auto& entry : fs::recursive_directory_iterator(kRoot / "src")) {
    if (!entry.is_regular_file() || !is_source(entry.path())) continue;
    const std::string layer = entry.path().lexically_relative(kRoot / "src").begin()->string();
    layers_seen.insert(layer);
    const auto rule = allowed.find(layer);
    if (rule == allowed.end()) {
      violations += "\n  src/" + layer + " is not in the table";
      continue;
    }
    for (const auto& [line, target] : includes_of(entry.path())) {
      const auto slash = target.find('/');
      if (slash == std::string::npos) continue;
      const std::string folder = target.substr(0, slash);
      const std::string where = entry.path().lexically_relative(kRoot).string() + ":" + std::to_string(line);
      if (folder == "memvid") {
        // The handle's header, and the views' headers that include it.
        const bool handle = target == "memvid/memvid.hpp" || target == "memvid/view.hpp" ||
                            target == "memvid/maintenance.hpp" || target == "memvid/facts.hpp" ||
                            target == "memvid/fields.hpp";
        if (handle && layer != "memory")
          violations += "\n  " + where + " includes the handle's header " + target;
        continue;
      }
      if (folder == layer || !fs::is_directory(kRoot / "src" / folder)) continue;
      if (!rule->second.count(folder)) violations += "\n  " + where + ": " + layer + " includes " + target;
    }
  }
  for (const auto& [layer, deps] : allowed)
    if (layer.find('/') == std::string::npos && !layers_seen.count(layer))
      violations += "\n  the table lists " + layer + ", which is not a folder of src/";
  EXPECT_TRUE(violations.empty()) << "includes against docs/ARCHITECTURE.md's layer table:" << violations;
}

// The table itself only points down: no layer may include one that includes it back.
TEST(Layering, TheDocumentedOrderHasNoCycle) {
  const auto allowed = allowed_from_doc();
  std::map<std::string, int> state;  // 1: on the path, 2: done
  std::string cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& l) {
    if (state[l] == 1) {
      cycle = l;
      return false;
    }
    if (state[l] == 2) return true;
    state[l] = 1;
    if (auto it = allowed.find(l); it != allowed.end())
      for (const std::string& d : it->second)
        if (!visit(d)) return false;
    state[l] = 2;
    return true;
  };
  for (const auto& [layer, deps] : allowed) EXPECT_TRUE(visit(layer)) << "a cycle through " << cycle;
}

// The CLI and the bindings use the public API only (include/memvid), nothing from src/.
TEST(Layering, TheCliAndTheBindingsUseThePublicApiOnly) {
  std::string violations;
  for (const char* dir : {"tools/cli", "bindings/python/src", "bindings/node/src"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / dir)) {
      if (!entry.is_regular_file() || !is_source(entry.path())) continue;
      for (const auto& [line, target] : includes_of(entry.path())) {
        const auto slash = target.find('/');
        if (slash != std::string::npos && fs::is_directory(kRoot / "src" / target.substr(0, slash)))
          violations += "\n  " + entry.path().lexically_relative(kRoot).string() + ":" + std::to_string(line) + " includes " + target;
      }
    }
  }
  EXPECT_TRUE(violations.empty()) << violations;
}

}  // namespace
