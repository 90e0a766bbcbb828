#pragma once
// Which embedding provider serves a memory: the one the caller gave, or one made from the
// model name the memory records. Made on first need and kept for the handle's life.
#include <memory>
#include <string>

#include "memvid/embedding.hpp"

namespace memvid {

// The name a new memory records for CreateOptions::embedding_model ("" for none).
std::string resolve_model_name(const std::string& requested, const EmbeddingProvider* given);

class Embedder {
 public:
  explicit Embedder(std::shared_ptr<EmbeddingProvider> given) : given_(std::move(given)) {}

  // The provider for a memory holding vectors of `model`, or null (see unavailable_reason())
  // when none can be made here: no model recorded, the built-in model not installed, or a
  // model whose vectors only the caller computes. Throws ModelMismatch when the given
  // provider embeds with another model.
  EmbeddingProvider* get(const std::string& model);
  // Why get(model) would return null, or "" when it would not; cheap: the built-in model is
  // only looked for, not loaded (so stats stays fast).
  std::string probe(const std::string& model);
  const std::string& unavailable_reason() const { return reason_; }

 private:
  std::shared_ptr<EmbeddingProvider> given_;
  std::shared_ptr<EmbeddingProvider> made_;
  std::string made_for_;
  std::string reason_;
  bool tried_ = false;
};

}  // namespace memvid
