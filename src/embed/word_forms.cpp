#include "embed/word_forms.hpp"

#include <libstemmer.h>

#include <new>

#include "memvid/error.hpp"
#include "text/analyzer.hpp"

namespace memvid::embed {
namespace {

class PorterStemmer {
 public:
  PorterStemmer() : stemmer_(sb_stemmer_new("porter", "UTF_8")) {
    if (stemmer_ == nullptr) throw Error(ErrorCode::InvalidArgument, "libstemmer cannot create the 'porter' stemmer");
  }
  ~PorterStemmer() { sb_stemmer_delete(stemmer_); }
  PorterStemmer(const PorterStemmer&) = delete;
  PorterStemmer& operator=(const PorterStemmer&) = delete;

  std::string stem(std::string_view word) {
    const sb_symbol* r = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
    if (r == nullptr) throw std::bad_alloc();
    return std::string(reinterpret_cast<const char*>(r), static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
  }

 private:
  sb_stemmer* stemmer_;
};

}  // namespace

std::string porter_stem(std::string_view word) {
  thread_local PorterStemmer stemmer;
  return stemmer.stem(word);
}

bool is_alphabetic_word(std::string_view word, std::size_t& letters) {
  letters = 0;
  if (word.empty()) return false;
  for (std::size_t i = 0; i < word.size();) {
    const auto c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
      ++i;
    } else {
      char32_t cp = 0;
      const std::size_t len = text::decode_utf8(word, i, cp);
      if (len == 0) return false;
      const auto cls = text::classify(cp);
      if (cls != text::CharClass::Letter && cls != text::CharClass::Ideograph) return false;
      i += len;
    }
    ++letters;
  }
  return true;
}

}  // namespace memvid::embed
