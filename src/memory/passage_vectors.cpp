#include "memory/passage_vectors.hpp"

#include <string>

#include "index/vec/vector_index.hpp"
#include "memory/embedder.hpp"
#include "memvid/error.hpp"

namespace memvid {

std::vector<index::Q8Rows> embed_passages(EmbeddingProvider& provider, std::span<const PassageSource> sources) {
  std::vector<EmbeddingText> texts;
  std::vector<std::size_t> first(sources.size() + 1, 0);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const PassageSource& s = sources[i];
    if (s.passages.empty()) {
      texts.push_back({s.title, s.text});
    } else {
      for (const text::ChunkRange& c : s.passages) texts.push_back({s.title, s.text.substr(c.begin, c.end - c.begin)});
    }
    first[i + 1] = texts.size();
  }
  std::vector<index::Q8Rows> out(sources.size());
  if (texts.empty()) return out;
  const auto made = provider.embed_documents(texts);
  if (made.size() != texts.size())
    throw Error(ErrorCode::ProviderFailed, provider.model() + " returned " + std::to_string(made.size()) +
                                               " vectors for " + std::to_string(texts.size()) + " passages");
  const std::size_t dim = made.front().size();
  for (std::size_t i = 0; i < sources.size(); ++i) {
    for (std::size_t j = first[i]; j < first[i + 1]; ++j) {
      if (made[j].size() != dim || dim == 0)
        throw Error(ErrorCode::ModelMismatch, provider.model() + " returned vectors of " + std::to_string(dim) +
                                                  " and " + std::to_string(made[j].size()) + " dimensions in one batch");
      index::append_quantized(out[i], index::normalized(made[j]));
    }
  }
  return out;
}

index::Q8Rows embed_frame_passages(Embedder& embedder, const std::string& model, std::string_view title,
                                   std::string_view text, std::span<const text::ChunkRange> passages) noexcept {
  try {
    EmbeddingProvider* provider = embedder.get(model);
    if (!provider) return {};
    const PassageSource source{title, text, passages};
    return embed_passages(*provider, std::span(&source, 1)).front();
  } catch (...) {
    return {};
  }
}

bool vectors_derivable(std::string_view model, bool vector_compression) {
  return model == kBuiltinModelName && !vector_compression;
}

}  // namespace memvid
