#pragma once
// Shared objects the library loads with dlopen on first use, so that what they link (poppler
// for PDFs, cpp-httplib and OpenSSL for model endpoints) costs nothing to processes that never
// need it. A plugin file is looked for in this order, first match wins:
//   1. $ENV_VAR (each plugin names its own), the path of the plugin file itself (then nothing
//      else is tried);
//   2. next to the binary that holds this code (the CLI, a test binary, a Python or Node
//      module), and in its lib/memvid/ and ../lib/memvid/ (an install prefix's bin/ or a
//      package's directory);
//   3. the install directory (MEMVID_PLUGIN_INSTALL_DIR, <libdir>/memvid);
//   4. the build tree (MEMVID_PLUGIN_BUILD_DIR), so that binaries run from it find it.
// A plugin found is never unloaded: its libraries may keep global state, and its functions
// may be in use on another thread until the process ends.
#include <string>
#include <vector>

namespace memvid::io {

struct Plugin {
  std::vector<void*> symbols;  // in the order asked for; empty when the plugin is not usable
  std::string error;           // why not, e.g. "PDF support is not installed (...)"
};

// Loads `file` and looks up `symbols` in it. `what` starts the error message ("PDF support").
Plugin load_plugin(const std::string& file, const char* env_var, const std::string& what,
                   const std::vector<const char*>& symbols);

}  // namespace memvid::io
