#include "embed/wink_json.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "embed/model_format.hpp"
#include "memvid/error.hpp"

namespace memvid::embed {
namespace {

// Beyond this many vector values (4 GiB of floats) the input is not a word-vector package.
constexpr std::uint64_t kMaxValues = std::uint64_t{1} << 30;

class WinkHandler final : public nlohmann::json::json_sax_t {
 public:
  WinkHandler(std::istream& in, std::string what) : in_(in), what_(std::move(what)) {}

  WordTable finish() {
    if (!vectors_done_) fail("no \"vectors\" object");
    for (std::uint32_t i = 0; i < size_; ++i) {
      if (!have_[i]) fail("word '" + table_.words[i] + "' (rank " + std::to_string(i + 1) + ") has no vector");
    }
    return std::move(table_);
  }

  bool null() override { return scalar("null"); }
  bool boolean(bool) override { return scalar("a boolean"); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v), v >= 0 ? static_cast<std::uint64_t>(v) : kNegative); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v), v); }
  bool number_float(number_float_t v, const string_t&) override { return number(v, kNotInteger); }
  bool binary(binary_t&) override { return scalar("binary data"); }

  bool string(string_t& s) override {
    if (skip_depth_ > 0) return true;
    if (state_ == State::Words && depth_ == 2) {
      if (table_.words.size() >= size_) fail("more than \"size\" = " + std::to_string(size_) + " words");
      if (s.empty() || s.size() > mvem::kMaxWordBytes)
        fail("word " + std::to_string(table_.words.size()) + " is " + std::to_string(s.size()) + " bytes (1..255 allowed)");
      table_.words.push_back(std::move(s));
      return true;
    }
    return scalar("a string");
  }

  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (skip_depth_ > 0) return true;
    if (depth_ == 1) {
      key_ = std::move(k);
    } else if (state_ == State::Vectors && depth_ == 2) {
      vector_key_ = std::move(k);
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::json::exception& ex) override {
    throw Error(ErrorCode::Corrupt, what_ + ": invalid JSON at byte " + std::to_string(position) + " near '" +
                                        last_token.substr(0, 40) + "': " + ex.what());
  }

 private:
  enum class State { Top, Words, Vectors, Vector };
  static constexpr std::uint64_t kNegative = ~std::uint64_t{0};
  static constexpr std::uint64_t kNotInteger = ~std::uint64_t{0} - 1;

  [[noreturn]] void fail(const std::string& problem) const {
    const auto at = in_.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    throw Error(ErrorCode::Corrupt, what_ + ": near byte " + std::to_string(static_cast<long long>(at)) + ": " + problem);
  }

  bool scalar(const char* what) {
    if (skip_depth_ > 0 || (depth_ == 1 && state_ == State::Top)) return true;  // unknown top-level keys are ignored
    fail(std::string("unexpected ") + what + (state_ == State::Words ? " in \"words\"" : " in \"vectors\""));
  }

  std::uint32_t count(std::uint64_t integer, std::uint64_t limit) const {
    if (integer >= kNotInteger || integer > limit)
      fail("\"" + key_ + "\" must be an integer in 0.." + std::to_string(limit));
    return static_cast<std::uint32_t>(integer);
  }

  bool number(double value, std::uint64_t integer) {
    if (skip_depth_ > 0) return true;
    if (state_ == State::Vector && depth_ == 3) {
      if (values_.size() > std::size_t{dimension_} + 1)
        fail("the vector of '" + vector_key_ + "' has more than " + std::to_string(dimension_ + 2) + " values");
      values_.push_back(value);
      return true;
    }
    if (state_ == State::Top && depth_ == 1) {
      if (key_ == "size") {
        if (!table_.words.empty() || vectors_started_) fail("\"size\" after \"words\"");
        size_ = count(integer, mvem::kMaxWords);
      } else if (key_ == "dimensions") {
        if (!table_.words.empty() || vectors_started_) fail("\"dimensions\" after \"words\"");
        dimension_ = count(integer, mvem::kMaxDimension);
      } else if (key_ == "l2NormIndex") {
        norm_index_ = count(integer, mvem::kMaxDimension + 1);
      } else if (key_ == "wordIndex") {
        word_index_ = count(integer, mvem::kMaxDimension + 1);
      }
      return true;
    }
    return scalar("a number");
  }

  bool open(bool object) {
    ++depth_;
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return true;
    }
    if (depth_ == 1) {
      if (!object) fail("the top level is not an object");
      return true;
    }
    if (state_ == State::Top && depth_ == 2) {
      if (key_ == "words" && !object) {
        if (size_ == 0 || dimension_ == 0) fail("\"words\" before \"size\" and \"dimensions\" (or one of them is 0)");
        if (!table_.words.empty() || words_done_) fail("a second \"words\" array");
        table_.words.reserve(size_);
        state_ = State::Words;
      } else if (key_ == "vectors" && object) {
        if (!words_done_) fail("\"vectors\" before \"words\"");
        if (vectors_started_) fail("a second \"vectors\" object");
        if (table_.words.size() != size_)
          fail("\"words\" holds " + std::to_string(table_.words.size()) + " words, \"size\" says " + std::to_string(size_));
        if (norm_index_ != dimension_ || word_index_ != dimension_ + 1)
          fail("\"l2NormIndex\"/\"wordIndex\" must be dimensions and dimensions + 1");
        if (std::uint64_t{size_} * dimension_ > kMaxValues) fail("size x dimensions exceeds 2^30 values");
        vectors_started_ = true;
        table_.dimension = dimension_;
        table_.vectors.assign(std::size_t{size_} * dimension_, 0.0f);
        have_.assign(size_, false);
        state_ = State::Vectors;
      } else {
        skip_depth_ = 1;
      }
      return true;
    }
    if (state_ == State::Vectors && depth_ == 3 && !object) {
      state_ = State::Vector;
      values_.clear();
      return true;
    }
    fail(std::string("unexpected ") + (object ? "object" : "array"));
  }

  bool close() {
    --depth_;
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    if (state_ == State::Words && depth_ == 1) {
      words_done_ = true;
      state_ = State::Top;
    } else if (state_ == State::Vectors && depth_ == 1) {
      vectors_done_ = true;
      state_ = State::Top;
    } else if (state_ == State::Vector && depth_ == 2) {
      place_vector();
      state_ = State::Vectors;
    }
    return true;
  }

  void place_vector() {
    if (values_.size() != std::size_t{dimension_} + 2)
      fail("the vector of '" + vector_key_ + "' has " + std::to_string(values_.size()) + " values, expected " +
           std::to_string(dimension_ + 2));
    const double index = values_[word_index_];
    if (!(index >= 0 && index < size_) || index != std::floor(index))
      fail("the vector of '" + vector_key_ + "' names word index " + std::to_string(index));
    const auto id = static_cast<std::uint32_t>(index);
    if (table_.words[id] != vector_key_)
      fail("the vector of '" + vector_key_ + "' names word " + std::to_string(id) + ", which is '" + table_.words[id] + "'");
    if (have_[id]) fail("a second vector for '" + vector_key_ + "'");
    have_[id] = true;
    float* row = table_.vectors.data() + std::size_t{id} * dimension_;
    for (std::uint32_t j = 0; j < dimension_; ++j) {
      const auto v = static_cast<float>(values_[j]);
      if (!std::isfinite(v)) fail("the vector of '" + vector_key_ + "' holds a value that is not a finite float");
      row[j] = v;
    }
  }

  std::istream& in_;
  std::string what_;
  State state_ = State::Top;
  int depth_ = 0;
  int skip_depth_ = 0;
  std::string key_;
  std::string vector_key_;
  std::uint32_t size_ = 0;
  std::uint32_t dimension_ = 0;
  std::uint32_t norm_index_ = 0;
  std::uint32_t word_index_ = 0;
  bool words_done_ = false;
  bool vectors_started_ = false;
  bool vectors_done_ = false;
  std::vector<double> values_;
  std::vector<bool> have_;
  WordTable table_;
};

}  // namespace

WordTable read_wink_json(std::istream& in, const std::string& what) {
  WinkHandler handler(in, what);
  nlohmann::json::sax_parse(in, &handler);
  return handler.finish();
}

WordTable read_wink_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::NotFound, "wink JSON " + path + ": cannot open");
  return read_wink_json(in, "wink JSON " + path);
}

}  // namespace memvid::embed
