// Memvid::ask: retrieval, a context within a token budget, then a language model's answer
// or the offline extractive one (memvid.hpp, AskOptions).
#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "ask/context.hpp"
#include "ask/extractive.hpp"
#include "ask/prompt.hpp"
#include "index/search_index.hpp"
#include "index/vec/vec_format.hpp"
#include "index/vec/vector_index.hpp"
#include "memory/memvid_impl.hpp"
#include "text/text_units.hpp"

namespace memvid {
namespace {

constexpr std::size_t kMaxQuestionBytes = 16 * 1024;
constexpr std::size_t kMaxPassages = 100;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

AskResult Memvid::ask(std::string_view question, const AskOptions& options) const {
  if (question.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw Error(ErrorCode::InvalidQuery, "the question is empty");
  if (question.size() > kMaxQuestionBytes)
    throw Error(ErrorCode::InvalidQuery, "the question is longer than " + std::to_string(kMaxQuestionBytes) + " bytes");
  if (options.k == 0 || options.k > kMaxPassages)
    throw Error(ErrorCode::InvalidArgument, "k must be between 1 and " + std::to_string(kMaxPassages));
  AskResult r;
  r.question = std::string(question);
  // An open session records the ask once (its sources), not the find it runs inside.
  const std::int64_t asked_ms = impl_->env->now_ms();
  const auto recorded = [&](AskResult& result) -> AskResult& {
    std::lock_guard lock(impl_->mu);
    if (records_reads(*impl_)) {
      SessionAction a;
      a.action = "ask";
      a.query = r.question;
      for (const AskSource& src : result.sources) a.hits.push_back(src.id);
      record_read(*impl_, std::move(a), session::ask_options_json(options, asked_ms));
    }
    return result;
  };

  // A misconfigured model fails before any work.
  std::shared_ptr<LanguageModel> model = options.language_model;
  if (!model && !options.model.empty() && !options.context_only)
    model = language_model_from_name(options.model, options.base_url, options.api_key_env, options.timeout_ms);

  const auto retrieval_started = std::chrono::steady_clock::now();
  const std::string query = ask::question_to_query(question);
  std::vector<AskSource> candidates;
  std::string retrieval_note;
  std::unordered_map<FrameId, std::string> texts;
  if (query.find_first_not_of(' ') != std::string::npos) {
    FindOptions f;
    f.k = std::min(options.k * 2, kMaxPassages);  // room for the repeats the context drops
    f.mode = options.mode;
    f.collapse_chunks = false;  // several passages of one long document may all matter
    f.snippet_chars = 200;
    f.scope = options.scope;
    f.as_of_ms = options.as_of_ms;
    f.semantic_floor = options.semantic_floor;
    f.where = options.where;
    f.time_zone = options.time_zone;
    f.time_anchor_ms = options.time_anchor_ms;
    f.as_of_frame = options.as_of_frame;
    f.since_ms = options.since_ms;
    const session::InnerRead inner;  // not a find of the session's: part of this ask
    const FindResult found = find(query, f);
    r.mode_used = found.mode_used;
    retrieval_note = found.note;
    for (const Hit& h : found.hits) {
      // find keeps no hit found by meaning alone below the relevance floor. A passage that
      // shares a word with the question but points away from it in meaning is no answer
      // either; holding lexical hits to the whole floor lost a judged abstract on 22% of the
      // SciFact claims (bench/README.md), so they are held to the least cosine only.
      if (found.semantic_floor && h.semantic_score && *h.semantic_score < kMinSemanticCosine) continue;
      auto it = texts.find(h.id);
      if (it == texts.end()) it = texts.emplace(h.id, frame(h.id).payload).first;
      const std::string& text = it->second;
      AskSource s;
      s.id = h.id;
      s.title = h.title;
      s.uri = h.uri;
      s.timestamp_ms = h.timestamp_ms;
      s.page = h.page;
      s.chunk_begin = std::min<std::uint64_t>(h.chunk_begin, text.size());
      s.chunk_end = std::clamp<std::uint64_t>(h.chunk_end, s.chunk_begin, text.size());
      s.score = h.score;
      s.snippet = h.snippet;
      s.text = text.substr(s.chunk_begin, s.chunk_end - s.chunk_begin);
      candidates.push_back(std::move(s));
    }
  }
  r.sources = ask::assemble_context(std::move(candidates), options.context_tokens);
  if (r.sources.size() > options.k) r.sources.resize(options.k);
  if (options.offset_unit != TextUnit::Utf8Bytes) {
    for (AskSource& s : r.sources) {
      const std::string_view text = texts.at(s.id);
      const std::uint64_t begin = text::units_in(text.substr(0, s.chunk_begin), options.offset_unit);
      s.chunk_end = begin + text::units_in(text.substr(s.chunk_begin, s.chunk_end - s.chunk_begin), options.offset_unit);
      s.chunk_begin = begin;
    }
  }
  r.context = ask::format_context(r.sources);
  r.found = !r.sources.empty();
  r.retrieval_ms = elapsed_ms(retrieval_started);
  if (options.context_only) {
    r.note = retrieval_note;
    return recorded(r);
  }
  if (!r.found) {
    r.answer = "This memory holds nothing relevant to the question.";
    r.note = "No passage matched the question, so there is nothing to answer from.";
    if (!retrieval_note.empty()) r.note += " Retrieval: " + retrieval_note;
    return recorded(r);
  }

  const auto generation_started = std::chrono::steady_clock::now();
  if (model) {
    const ChatReply reply = model->chat(ask::answer_prompt(question, r.context));
    r.answer = reply.content;
    r.used_model = true;
    r.model = model->name();
    r.prompt_tokens = reply.prompt_tokens;
    r.completion_tokens = reply.completion_tokens;
    r.citations = ask::cited_numbers(r.answer, r.sources.size());
    if (r.citations.empty()) r.note = "The model cited no source; the sources listed are the passages it was given.";
  } else {
    ask::SentenceSimilarity similarity;
    const std::string model_name = impl_->index->settings().embedding_model;
    EmbeddingProvider* provider = nullptr;
    // Lexical mode stays lexical: no model load (~17 ms a process) just to score sentences.
    if (!model_name.empty() && options.mode != SearchMode::Lex) {
      std::lock_guard lock(impl_->mu);
      try {
        provider = impl_->embedder.get(model_name);
      } catch (const Error&) {
        provider = nullptr;  // a mismatched or unreachable model: answer by terms alone
      }
    }
    if (provider) {
      similarity = [provider, impl = impl_.get()](std::string_view q, const std::vector<std::string>& sentences) {
        std::vector<double> out;
        std::lock_guard lock(impl->mu);  // the provider is the handle's, shared with find
        try {
          // Cosine as the vector index computes it: normalized vectors, dot product.
          const std::vector<float> qv = index::normalized(provider->embed_query(q));
          std::vector<EmbeddingText> inputs;
          inputs.reserve(sentences.size());
          for (const std::string& s : sentences) inputs.push_back({{}, s});
          const auto vs = provider->embed_documents(inputs);
          for (const auto& v : vs)
            out.push_back(v.size() == qv.size() ? index::vec::dot(qv.data(), index::normalized(v).data(), qv.size()) : 0.0);
        } catch (const Error&) {
          out.clear();  // same as no model
        }
        return out;
      };
    }
    const ask::ExtractiveAnswer ex =
        ask::extractive_answer(question, r.sources, impl_->index->analyzer(), similarity, options.max_sentences);
    for (const ask::Sentence& s : ex.sentences)
      if (std::find(r.citations.begin(), r.citations.end(), s.source) == r.citations.end()) r.citations.push_back(s.source);
    r.answer = ex.text.empty() ? "The passages found do not state an answer in so many words; see the sources below."
                               : ex.text;
    r.note = "No language model was used: the answer is the sentences of the sources that best match the question. "
             "Give a model (e.g. --model openai:gpt-4o or ollama:llama3) for a written answer.";
  }
  r.generation_ms = elapsed_ms(generation_started);
  if (!retrieval_note.empty()) r.note += (r.note.empty() ? "" : " ") + ("Retrieval: " + retrieval_note);
  return recorded(r);
}

}  // namespace memvid
