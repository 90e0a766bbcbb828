// The embedding provider for OpenAI-compatible /embeddings endpoints (OpenAI, Ollama,
// llama.cpp server, text-embeddings-inference), over io::JsonHttpClient.
//
// Behaviour a caller can rely on, beside the transport's (io/http_client.hpp: retries,
// timeouts, error messages):
//   - POST {base_url}/embeddings {"model", "input": [...], "encoding_format": "float"
//     [, "dimensions"]}; a document is sent as "title\n\ntext" (either part alone when the
//     other is empty), a query as given, and an empty input as a single space.
//   - At most batch_size inputs per request, one request after another; answers are put
//     back in input order by their "index" and checked whole (count, indexes, numbers,
//     one dimension) before anything from them is used.
//   - The API key is read from the environment once, when the provider is made, and is
//     masked out of any server text quoted in an error.
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <utility>
#include <vector>

#include "io/http_client.hpp"
#include "memvid/embedding.hpp"
#include "memvid/error.hpp"

namespace memvid {
namespace embed {

namespace {

using Json = nlohmann::json;

[[noreturn]] void invalid(const std::string& what) { throw Error(ErrorCode::InvalidArgument, what); }

std::string document_input(const EmbeddingText& d) {
  std::string s(d.title);
  if (!d.text.empty()) {
    if (!s.empty()) s += "\n\n";
    s += d.text;
  }
  return s;
}

// OpenAI refuses an empty input string (and some servers return no vector for it); a
// single space embeds as "nothing" everywhere.
std::string nonempty(std::string s) {
  if (s.empty()) s = " ";
  return s;
}

class HttpEmbeddingProvider final : public EmbeddingProvider {
 public:
  HttpEmbeddingProvider(const HttpEmbeddingOptions& o, io::EndpointUrl url, std::string api_key)
      : http_(std::move(url), {.label = "embedding endpoint",
                               .api_key = std::move(api_key),
                               .timeout_ms = o.timeout_ms,
                               .retries = o.retries,
                               .retry_backoff_ms = o.retry_backoff_ms,
                               // The answer grows with batch_size x dimension, both the caller's.
                               .max_response_bytes = 0}),
        model_(o.model),
        recorded_name_(o.name + ":" + o.model),
        batch_size_(o.batch_size),
        requested_dimensions_(o.dimensions),
        dimension_(o.dimensions) {}

  std::string model() const override { return recorded_name_; }
  std::uint32_t dimension() const override { return dimension_.load(std::memory_order_acquire); }

  std::vector<std::vector<float>> embed_documents(std::span<const EmbeddingText> documents) override {
    std::vector<std::string> inputs;
    inputs.reserve(documents.size());
    for (const auto& d : documents) inputs.push_back(nonempty(document_input(d)));
    return embed_all(inputs);
  }

  std::vector<float> embed_query(std::string_view query) override {
    const std::vector<std::string> inputs{nonempty(std::string(query))};
    return std::move(embed_all(inputs).front());
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { http_.fail(what); }

  std::vector<std::vector<float>> embed_all(const std::vector<std::string>& inputs) {
    std::vector<std::vector<float>> out(inputs.size());
    for (std::size_t start = 0; start < inputs.size(); start += batch_size_) {
      const std::size_t count = std::min(batch_size_, inputs.size() - start);
      const std::string answer = http_.post_json(request_body(std::span(inputs).subspan(start, count)));
      read_answer(answer, std::span(out).subspan(start, count));
    }
    return out;
  }

  std::string request_body(std::span<const std::string> inputs) const {
    Json input = Json::array();
    for (const std::string& s : inputs) input.push_back(s);
    Json body = {{"model", model_}, {"input", std::move(input)}, {"encoding_format", "float"}};
    if (requested_dimensions_ != 0) body["dimensions"] = requested_dimensions_;
    // Text that is not valid UTF-8 cannot go into JSON as it is; U+FFFD keeps the rest.
    return body.dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  // Checks a whole answer before anything from it is kept or fixes dimension().
  void read_answer(const std::string& body, std::span<std::vector<float>> out) {
    const Json doc = Json::parse(body, nullptr, false);
    if (doc.is_discarded()) fail("the answer is not JSON: " + http_.quote(body));
    const auto data = doc.is_object() ? doc.find("data") : doc.end();
    if (!doc.is_object() || data == doc.end() || !data->is_array())
      fail("the answer has no \"data\" array: " + http_.quote(body));
    const std::size_t count = out.size();
    if (data->size() != count)
      fail("the answer holds " + std::to_string(data->size()) + " embeddings for " + std::to_string(count) + " inputs");

    std::vector<std::vector<float>> vectors(count);
    std::vector<bool> seen(count, false);
    for (std::size_t pos = 0; pos < count; ++pos) {
      const Json& item = (*data)[pos];
      if (!item.is_object()) fail("data[" + std::to_string(pos) + "] is not an object");
      // Servers that leave "index" out answer in input order.
      std::size_t index = pos;
      if (const auto it = item.find("index"); it != item.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
            static_cast<std::uint64_t>(it->get<std::int64_t>()) >= count)
          fail("data[" + std::to_string(pos) + "] has index " + http_.quote(it->dump()) + ", outside 0.." +
               std::to_string(count - 1));
        index = static_cast<std::size_t>(it->get<std::int64_t>());
      }
      if (seen[index]) fail("the answer holds index " + std::to_string(index) + " twice");
      seen[index] = true;
      const auto embedding = item.find("embedding");
      if (embedding == item.end() || !embedding->is_array())
        fail("embedding " + std::to_string(index) + " is not an array of numbers" +
             (embedding != item.end() && embedding->is_string() ? " (base64? the endpoint ignored encoding_format)" : ""));
      std::vector<float>& v = vectors[index];
      v.reserve(embedding->size());
      for (const Json& x : *embedding) {
        if (!x.is_number()) fail("embedding " + std::to_string(index) + " holds " + http_.quote(x.dump()) + ", not a number");
        const double d = x.get<double>();
        // Checked as a double: converting one beyond float's range is undefined behaviour.
        if (!std::isfinite(d) || std::fabs(d) > FLT_MAX)
          fail("embedding " + std::to_string(index) + " holds a non-finite value (" + http_.quote(x.dump()) + ")");
        v.push_back(static_cast<float>(d));
      }
      if (v.empty()) fail("embedding " + std::to_string(index) + " is empty");
    }
    for (std::size_t i = 1; i < count; ++i)
      if (vectors[i].size() != vectors[0].size())
        fail("the answer mixes dimensions: embedding 0 has " + std::to_string(vectors[0].size()) + " values, embedding " +
             std::to_string(i) + " has " + std::to_string(vectors[i].size()));
    check_dimension(vectors[0].size());
    std::move(vectors.begin(), vectors.end(), out.begin());
  }

  void check_dimension(std::size_t got) {
    if (got > UINT32_MAX) fail("the answer holds " + std::to_string(got) + "-dimensional vectors");
    std::uint32_t expected = 0;
    // The first answer fixes the dimension, also when two threads race to give it.
    if (dimension_.compare_exchange_strong(expected, static_cast<std::uint32_t>(got), std::memory_order_acq_rel)) return;
    if (expected == got) return;
    if (requested_dimensions_ != 0)
      fail("the answer holds " + std::to_string(got) + "-dimensional vectors, but dimensions=" +
           std::to_string(expected) + " was asked for (can this model shorten its vectors?)");
    fail("the answer holds " + std::to_string(got) + "-dimensional vectors, but earlier answers were " +
         std::to_string(expected) + "-dimensional");
  }

  io::JsonHttpClient http_;
  const std::string model_;
  const std::string recorded_name_;
  const std::size_t batch_size_;
  const std::uint32_t requested_dimensions_;
  std::atomic<std::uint32_t> dimension_;
};

}  // namespace

}  // namespace embed

std::shared_ptr<EmbeddingProvider> http_embedding_provider(const HttpEmbeddingOptions& options) {
  if (options.model.find_first_not_of(" \t\r\n") == std::string::npos)
    embed::invalid("the embedding model name is empty (e.g. text-embedding-3-small)");
  if (options.name.empty()) embed::invalid("the embedding provider name is empty (e.g. openai)");
  if (options.batch_size == 0) embed::invalid("batch_size must be at least 1");
  io::EndpointUrl url = io::parse_endpoint_url(options.base_url, "/embeddings");
  // Read once, here: embed_* may run on any thread.
  std::string key = io::api_key_from_env(options.api_key_env);
  return std::make_shared<embed::HttpEmbeddingProvider>(options, std::move(url), std::move(key));
}

}  // namespace memvid
