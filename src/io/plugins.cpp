#include "io/plugins.hpp"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#ifndef MEMVID_PLUGIN_INSTALL_DIR
#define MEMVID_PLUGIN_INSTALL_DIR ""
#endif
#ifndef MEMVID_PLUGIN_BUILD_DIR
#define MEMVID_PLUGIN_BUILD_DIR ""
#endif

namespace memvid::io {
namespace {

// The directory of the binary this function was linked into: the executable for the CLI and
// the tests, the extension module for the bindings.
std::string own_directory() {
  Dl_info info{};
  link_map* map = nullptr;
  if (::dladdr1(reinterpret_cast<void*>(&own_directory), &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) ==
      0) {
    return {};
  }
  std::string path;
  if (map != nullptr && map->l_name != nullptr && map->l_name[0] != '\0') {
    path = map->l_name;
  } else {
    // The main program, for which the loader only knows argv[0] (maybe relative, maybe
    // found through PATH): ask the kernel.
    std::string buffer(4096, '\0');
    const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size());
    if (n <= 0 || static_cast<std::size_t>(n) >= buffer.size()) return {};
    path.assign(buffer.data(), static_cast<std::size_t>(n));
  }
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {};
  return path.substr(0, slash + 1);
}

std::vector<std::string> candidates(const std::string& file) {
  std::vector<std::string> paths;
  if (const std::string own = own_directory(); !own.empty()) {
    for (const char* sub : {"", "lib/memvid/", "../lib/memvid/"}) {
      paths.push_back(std::filesystem::path(own + sub + file).lexically_normal().string());
    }
  }
  for (const std::string dir : {MEMVID_PLUGIN_INSTALL_DIR, MEMVID_PLUGIN_BUILD_DIR}) {
    if (dir.empty()) continue;
    std::string path = std::filesystem::path(dir + "/" + file).lexically_normal().string();
    // The tests' ../lib/memvid is the build directory: each place once.
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(std::move(path));
  }
  return paths;
}

// The plugin at `path`, or why it cannot be used (without a "could not be loaded" prefix).
Plugin open_plugin(const std::string& path, const std::vector<const char*>& symbols) {
  Plugin plugin;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    plugin.error = why ? why : path + ": cannot be loaded";
    return plugin;
  }
  for (const char* name : symbols) {
    void* symbol = ::dlsym(handle, name);
    if (symbol == nullptr) {
      plugin.symbols.clear();
      plugin.error = path + " has no " + name + " (a plugin of another version?)";
      ::dlclose(handle);
      return plugin;
    }
    plugin.symbols.push_back(symbol);
  }
  return plugin;
}

}  // namespace

Plugin load_plugin(const std::string& file, const char* env_var, const std::string& what,
                   const std::vector<const char*>& symbols) {
  if (const char* env = std::getenv(env_var); env != nullptr && env[0] != '\0') {
    Plugin plugin = open_plugin(env, symbols);
    if (plugin.symbols.empty()) plugin.error = what + " could not be loaded from $" + env_var + " (" + plugin.error + ")";
    return plugin;
  }
  std::string looked_in;
  for (const std::string& path : candidates(file)) {
    // A plugin that exists but does not load (a missing library, say) is reported as such,
    // not as "not installed".
    if (::access(path.c_str(), F_OK) != 0) {
      looked_in += (looked_in.empty() ? "" : ", ") + path.substr(0, path.rfind('/'));
      continue;
    }
    Plugin plugin = open_plugin(path, symbols);
    if (plugin.symbols.empty()) plugin.error = what + " could not be loaded (" + plugin.error + ")";
    return plugin;
  }
  Plugin missing;
  missing.error = what + " is not installed (" + file + " not found: looked in " + looked_in + ")";
  return missing;
}

}  // namespace memvid::io
