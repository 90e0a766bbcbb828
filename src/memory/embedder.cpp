#include "memory/embedder.hpp"

#include <cstdlib>

#include "memvid/error.hpp"

namespace memvid {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// "openai:<model>" and "ollama:<model>" name endpoints well enough to reach them without
// configuration; $MEMVID_EMBEDDING_URL (and $MEMVID_EMBEDDING_KEY_ENV) point elsewhere.
std::shared_ptr<EmbeddingProvider> endpoint_for(const std::string& model) {
  const auto colon = model.find(':');
  const std::string provider = model.substr(0, colon), name = model.substr(colon + 1);
  HttpEmbeddingOptions o;
  o.name = provider;
  o.model = name;
  if (provider == "openai") {
    o.base_url = env_or("MEMVID_EMBEDDING_URL", "https://api.openai.com/v1");
    o.api_key_env = env_or("MEMVID_EMBEDDING_KEY_ENV", "OPENAI_API_KEY");
  } else if (provider == "ollama") {
    o.base_url = env_or("MEMVID_EMBEDDING_URL", "http://127.0.0.1:11434/v1");
    o.api_key_env = env_or("MEMVID_EMBEDDING_KEY_ENV", "");
  } else {
    return nullptr;
  }
  return http_embedding_provider(o);
}

}  // namespace

std::string resolve_model_name(const std::string& requested, const EmbeddingProvider* given) {
  if (requested.empty()) return given ? given->model() : std::string(kBuiltinModelName);
  if (requested == "builtin") return std::string(kBuiltinModelName);
  if (requested == "none") return {};
  const auto colon = requested.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == requested.size())
    throw Error(ErrorCode::InvalidArgument, "embedding model '" + requested.substr(0, 80) +
                                                "' must be builtin, none, or provider:model (e.g. openai:text-embedding-3-small)");
  return requested;
}

EmbeddingProvider* Embedder::get(const std::string& model) {
  if (model.empty()) {
    reason_ = "this memory has no embedding model (it was created with embedding model 'none')";
    return nullptr;
  }
  if (given_) {
    if (given_->model() != model)
      throw Error(ErrorCode::ModelMismatch, "the memory holds vectors of " + model + ", but the embedder given is " +
                                                given_->model());
    return given_.get();
  }
  if (tried_ && made_for_ == model) return made_.get();
  tried_ = true;
  made_for_ = model;
  made_.reset();
  reason_.clear();
  try {
    if (model == kBuiltinModelName) {
      made_ = builtin_embedding_provider();
    } else {
      made_ = endpoint_for(model);
      if (!made_)
        reason_ = "vectors of " + model +
                  " come from the caller: pass them with each document and query (or open the memory with an embedder)";
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::ModelUnavailable) throw;
    reason_ = e.what();
  }
  return made_.get();
}

std::string Embedder::probe(const std::string& model) {
  if (!given_ && !(tried_ && made_for_ == model) && model == kBuiltinModelName) {
    if (!find_builtin_model().empty()) return {};
    // Not installed: get() reports it with the command that installs it.
  }
  return get(model) ? std::string() : reason_;
}

}  // namespace memvid
