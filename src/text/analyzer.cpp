#include "text/analyzer.hpp"

#include <libstemmer.h>
#include <utf8proc.h>

#include <array>
#include <limits>
#include <memory>

#include "memvid/error.hpp"

namespace memvid::text {
namespace {

constexpr std::size_t kMaxTermBytes = 64;
// NFKC + case folding shrinks a word by at most 5x (a 4-byte mathematical letter becomes one
// ASCII byte, "1,0" loses its comma), so a longer raw word cannot fit in kMaxTermBytes unless
// it is padded with default-ignorable characters. It is dropped without being normalized,
// which bounds the work per word.
constexpr std::size_t kMaxRawWordBytes = 512;

constexpr utf8proc_option_t kFoldOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);

// What the word scanner needs to know about one character.
enum class Cls : std::uint8_t { Sep, Letter, Digit, Mark, Ideo, Apos, Dot, Comma };

constexpr std::array<Cls, 128> make_ascii_classes() {
  std::array<Cls, 128> t{};
  for (auto& c : t) c = Cls::Sep;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = Cls::Letter;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = Cls::Letter;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = Cls::Digit;
  t['\''] = Cls::Apos;
  t['.'] = Cls::Dot;
  t[','] = Cls::Comma;
  return t;
}
constexpr std::array<Cls, 128> kAscii = make_ascii_classes();

constexpr std::array<char, 128> make_ascii_lower() {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) t[static_cast<std::size_t>(c)] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return t;
}
constexpr std::array<char, 128> kLower = make_ascii_lower();

bool is_cjk(char32_t c) {
  return (c >= 0x3040 && c <= 0x30FF)       // Hiragana, Katakana
         || (c >= 0x31F0 && c <= 0x31FF)    // Katakana phonetic extensions
         || (c >= 0x3400 && c <= 0x4DBF)    // CJK extension A
         || (c >= 0x4E00 && c <= 0x9FFF)    // CJK unified ideographs
         || (c >= 0xF900 && c <= 0xFAFF)    // CJK compatibility ideographs
         || (c >= 0xFF66 && c <= 0xFF9D)    // halfwidth Katakana
         || (c >= 0x1B000 && c <= 0x1B16F)  // Kana supplement / extended
         || (c >= 0x20000 && c <= 0x323AF)  // CJK extensions B-H, compatibility supplement
         || (c >= 0x3005 && c <= 0x3007)    // 々 〆 〇
         || (c >= 0x3021 && c <= 0x3029)    // Hangzhou numerals
         || (c >= 0x3031 && c <= 0x3035)    // Kana repeat marks
         || c == 0x303B || c == 0x303C;
}

// Class of the character at s[i]; len receives its byte length (1 for an invalid byte).
inline Cls class_at(const unsigned char* s, std::size_t n, std::size_t i, std::size_t& len) {
  const unsigned char c = s[i];
  if (c < 0x80) {
    len = 1;
    return kAscii[c];
  }
  char32_t cp = 0;
  len = decode_utf8(std::string_view(reinterpret_cast<const char*>(s), n), i, cp);
  if (len == 0) {
    len = 1;
    return Cls::Sep;
  }
  if (cp == 0x2019) return Cls::Apos;
  switch (classify(cp)) {
    case CharClass::Letter: return Cls::Letter;
    case CharClass::Digit: return Cls::Digit;
    case CharClass::Mark: return Cls::Mark;
    case CharClass::Ideograph: return Cls::Ideo;
    default: return Cls::Sep;
  }
}

// NFKC + case fold of valid UTF-8 into out, without the allocations utf8proc_map makes.
void nfkc_casefold(std::string_view in, std::string& out, std::vector<utf8proc_int32_t>& cps) {
  if (cps.size() < in.size() + 8) cps.resize(in.size() + 8);
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  const auto in_len = static_cast<utf8proc_ssize_t>(in.size());
  utf8proc_ssize_t r = utf8proc_decompose(bytes, in_len, cps.data(), static_cast<utf8proc_ssize_t>(cps.size()), kFoldOptions);
  if (r > static_cast<utf8proc_ssize_t>(cps.size())) {
    cps.resize(static_cast<std::size_t>(r));
    r = utf8proc_decompose(bytes, in_len, cps.data(), r, kFoldOptions);
  }
  if (r >= 0) r = utf8proc_normalize_utf32(cps.data(), r, kFoldOptions);
  out.clear();
  if (r < 0) {  // only on invalid UTF-8, which callers never pass
    out.assign(in);
    return;
  }
  for (utf8proc_ssize_t k = 0; k < r; ++k) {
    utf8proc_uint8_t enc[4];
    const auto m = utf8proc_encode_char(cps[static_cast<std::size_t>(k)], enc);
    out.append(reinterpret_cast<const char*>(enc), static_cast<std::size_t>(m));
  }
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

// One thread's Snowball stemmer for one language, with a direct-mapped cache of recent stems
// (frequent words are stemmed once). The cache only memoizes, so results stay deterministic.
class ThreadStemmer {
 public:
  explicit ThreadStemmer(const char* algorithm) : stemmer_(sb_stemmer_new(algorithm, "UTF_8")), cache_(kSlots) {
    if (stemmer_ == nullptr) {
      throw Error(ErrorCode::InvalidArgument, std::string("libstemmer cannot create the '") + algorithm + "' stemmer");
    }
  }
  ~ThreadStemmer() { sb_stemmer_delete(stemmer_); }
  ThreadStemmer(const ThreadStemmer&) = delete;
  ThreadStemmer& operator=(const ThreadStemmer&) = delete;

  // The stem of word; valid until the next call.
  std::string_view stem(std::string_view word) {
    const std::uint64_t h = fnv1a(word);
    Slot& slot = cache_[h & (kSlots - 1)];
    if (slot.used && slot.hash == h && slot.key == word) return slot.value;
    const sb_symbol* r = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
    if (r == nullptr) throw std::bad_alloc();
    slot.used = true;
    slot.hash = h;
    slot.key.assign(word);
    slot.value.assign(reinterpret_cast<const char*>(r), static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
    return slot.value;
  }

 private:
  struct Slot {
    bool used = false;
    std::uint64_t hash = 0;
    std::string key;
    std::string value;
  };
  static constexpr std::size_t kSlots = 4096;
  sb_stemmer* stemmer_;
  std::vector<Slot> cache_;
};

struct ThreadState {
  std::vector<std::unique_ptr<ThreadStemmer>> stemmers;  // by index into sb_stemmer_list()
  std::vector<utf8proc_int32_t> cps;
  std::string raw;
  std::string folded;
  std::array<char, kMaxRawWordBytes> ascii{};

  ThreadStemmer& stemmer(int index) {
    const auto k = static_cast<std::size_t>(index);
    if (stemmers.size() <= k) stemmers.resize(k + 1);
    if (!stemmers[k]) stemmers[k] = std::make_unique<ThreadStemmer>(sb_stemmer_list()[k]);
    return *stemmers[k];
  }
};

ThreadState& thread_state() {
  thread_local ThreadState state;
  return state;
}

struct Word {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool non_ascii = false;  // holds a non-ASCII letter, digit or mark (U+2019 does not count)
  bool has_digit = false;
  bool has_apos = false;
  bool has_comma = false;
};

// Drops the possessive "'s" and the remaining apostrophes of a folded word in place.
std::size_t strip_apostrophes(char* data, std::size_t len) {
  if (len >= 2 && data[len - 2] == '\'' && data[len - 1] == 's') len -= 2;
  std::size_t k = 0;
  for (std::size_t i = 0; i < len; ++i) {
    if (data[i] != '\'') data[k++] = data[i];
  }
  return k;
}

}  // namespace

std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned c = s[i];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if (c < 0xC2) return 0;  // continuation byte or overlong 2-byte lead
  if (c < 0xE0) {
    if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80) return 0;
    cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    return 2;
  }
  if (c < 0xF0) {
    if (i + 2 >= n) return 0;
    const unsigned c1 = s[i + 1], c2 = s[i + 2];
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogate
    cp = ((c & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
    return 3;
  }
  if (c < 0xF5) {
    if (i + 3 >= n) return 0;
    const unsigned c1 = s[i + 1], c2 = s[i + 2], c3 = s[i + 3];
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80 || (c3 & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // beyond U+10FFFF
    cp = ((c & 0x07u) << 18) | ((c1 & 0x3Fu) << 12) | ((c2 & 0x3Fu) << 6) | (c3 & 0x3Fu);
    return 4;
  }
  return 0;
}

CharClass classify(char32_t cp) noexcept {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return CharClass::Letter;
    if (cp >= '0' && cp <= '9') return CharClass::Digit;
    if (cp <= 0x20 || cp == 0x7F) return CharClass::Space;
    return CharClass::Other;
  }
  if (cp > 0x10FFFF) return CharClass::Other;
  switch (cp) {
    case 0x00AD:  // soft hyphen
    case 0x200C:  // zero width non-joiner
    case 0x200D:  // zero width joiner
    case 0x2060:  // word joiner
    case 0xFF9E:  // halfwidth Katakana voiced sound mark
    case 0xFF9F:  // halfwidth Katakana semi-voiced sound mark
      return CharClass::Mark;
    default:
      break;
  }
  const auto cp32 = static_cast<utf8proc_int32_t>(cp);
  switch (utf8proc_category(cp32)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return is_cjk(cp) ? CharClass::Ideograph : CharClass::Letter;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return is_cjk(cp) ? CharClass::Ideograph : CharClass::Digit;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return CharClass::Mark;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
      return CharClass::Space;
    default:
      return CharClass::Other;
  }
}

bool is_english_stop_word(std::string_view w) {
  // Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, bucketed by first letter.
  if (w.empty() || w.size() > 5) return false;
  auto any = [w](std::initializer_list<std::string_view> words) {
    for (auto s : words) {
      if (s == w) return true;
    }
    return false;
  };
  switch (w[0]) {
    case 'a': return any({"a", "an", "and", "are", "as", "at"});
    case 'b': return any({"be", "but", "by"});
    case 'f': return any({"for"});
    case 'i': return any({"if", "in", "into", "is", "it"});
    case 'n': return any({"no", "not"});
    case 'o': return any({"of", "on", "or"});
    case 's': return any({"such"});
    case 't': return any({"that", "the", "their", "then", "there", "these", "they", "this", "to"});
    case 'w': return any({"was", "will", "with"});
    default: return false;
  }
}

Analyzer::Analyzer(std::string language) : language_(std::move(language)) {
  for (char& c : language_) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  if (language_ == "none") return;
  const char** list = sb_stemmer_list();
  for (int k = 0; list[k] != nullptr; ++k) {
    if (language_ == list[k]) {
      stemmer_index_ = k;
      stop_words_ = language_ == "english" || language_ == "porter";
      thread_state().stemmer(k);  // fails here, not in the first analyze(), if libstemmer cannot
      return;
    }
  }
  std::string known;
  for (const auto& name : languages()) known += (known.empty() ? "" : ", ") + name;
  throw Error(ErrorCode::InvalidArgument, "unknown language '" + language_ + "' (known: " + known + ")");
}

std::vector<std::string> Analyzer::languages() {
  std::vector<std::string> out{"none"};
  for (const char** p = sb_stemmer_list(); *p != nullptr; ++p) out.emplace_back(*p);
  return out;
}

std::uint32_t Analyzer::analyze(std::string_view text, std::vector<Token>& out, std::uint32_t first_position) const {
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ErrorCode::InvalidArgument, "text to analyze is " + std::to_string(text.size()) +
                                                " bytes; the limit is 4 GiB - 1");
  }
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  ThreadState& ts = thread_state();
  ThreadStemmer* stemmer = stemmer_index_ >= 0 ? &ts.stemmer(stemmer_index_) : nullptr;

  std::uint32_t pos = first_position;
  auto emit = [&](std::string_view term, const Word& w, bool stem) {
    if (term.empty() || term.size() > kMaxTermBytes) return;
    if (stop_words_ && is_english_stop_word(term)) return;
    if (stem && stemmer != nullptr) term = stemmer->stem(term);
    Token& t = out.emplace_back();
    t.term.assign(term);
    t.position = pos;
    t.begin = static_cast<std::uint32_t>(w.begin);
    t.end = static_cast<std::uint32_t>(w.end);
  };

  std::size_t i = 0;
  while (i < n) {
    std::size_t len = 0;
    const Cls cls = class_at(s, n, i, len);
    if (cls == Cls::Ideo) {  // one token per character, with its combining marks
      Word w;
      w.begin = i;
      std::size_t j = i + len;
      while (j < n) {
        std::size_t l2 = 0;
        if (class_at(s, n, j, l2) != Cls::Mark) break;
        j += l2;
      }
      w.end = j;
      nfkc_casefold(text.substr(i, j - i), ts.folded, ts.cps);
      emit(ts.folded, w, false);
      ++pos;
      i = j;
      continue;
    }
    if (cls != Cls::Letter && cls != Cls::Digit) {
      i += len;
      continue;
    }

    Word w;
    w.begin = i;
    w.non_ascii = s[i] >= 0x80;
    w.has_digit = cls == Cls::Digit;
    Cls last = cls;  // class of the last letter or digit (marks do not change it)
    i += len;
    while (i < n) {
      const Cls c = class_at(s, n, i, len);
      if (c == Cls::Letter || c == Cls::Digit) {
        w.non_ascii |= s[i] >= 0x80;
        w.has_digit |= c == Cls::Digit;
        last = c;
        i += len;
      } else if (c == Cls::Mark) {
        w.non_ascii = true;
        i += len;
      } else if (c == Cls::Apos && last == Cls::Letter && i + len < n) {
        std::size_t l2 = 0;
        if (class_at(s, n, i + len, l2) != Cls::Letter) break;
        w.has_apos = true;
        i += len;
      } else if ((c == Cls::Dot || c == Cls::Comma) && last == Cls::Digit && i + 1 < n) {
        std::size_t l2 = 0;
        if (class_at(s, n, i + 1, l2) != Cls::Digit) break;
        w.has_comma |= c == Cls::Comma;
        i += 1;
      } else {
        break;
      }
    }
    w.end = i;

    if (w.end - w.begin <= kMaxRawWordBytes) {
      char* data = nullptr;
      std::size_t size = 0;
      if (!w.non_ascii) {  // fast path: ASCII letters/digits, maybe ',' and ' or U+2019
        data = ts.ascii.data();
        for (std::size_t p = w.begin; p < w.end; ++p) {
          const unsigned char c = s[p];
          if (c >= 0x80) {  // U+2019 (E2 80 99)
            data[size++] = '\'';
            p += 2;
          } else if (c != ',') {
            data[size++] = kLower[c];
          }
        }
      } else {
        std::string& raw = ts.raw;
        raw.clear();
        for (std::size_t p = w.begin; p < w.end; ++p) {
          const unsigned char c = s[p];
          if (c == 0xE2 && p + 2 < w.end && s[p + 1] == 0x80 && s[p + 2] == 0x99) {
            raw.push_back('\'');
            p += 2;
          } else if (c != ',') {
            raw.push_back(static_cast<char>(c));
          }
        }
        nfkc_casefold(raw, ts.folded, ts.cps);
        data = ts.folded.data();
        size = ts.folded.size();
      }
      if (w.has_apos) size = strip_apostrophes(data, size);
      emit(std::string_view(data, size), w, !w.has_digit);
    }
    ++pos;
  }
  return pos;
}

std::vector<std::string> Analyzer::terms(std::string_view text) const {
  std::vector<Token> tokens;
  analyze(text, tokens);
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (auto& t : tokens) out.push_back(std::move(t.term));
  return out;
}

std::string Analyzer::fold(std::string_view value) {
  // Replace invalid bytes by U+FFFD so utf8proc only ever sees valid UTF-8.
  std::string clean;
  clean.reserve(value.size());
  bool ascii = true;
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x80) {
      clean.push_back(kLower[c]);
      ++i;
      continue;
    }
    ascii = false;
    char32_t cp = 0;
    const std::size_t len = decode_utf8(value, i, cp);
    if (len == 0) {
      clean.append("\xEF\xBF\xBD");
      ++i;
    } else {
      clean.append(value.substr(i, len));
      i += len;
    }
  }
  std::string out;
  if (ascii) {
    out = std::move(clean);
  } else {
    std::vector<utf8proc_int32_t> cps;
    nfkc_casefold(clean, out, cps);
  }
  // Trim white space and control characters at both ends.
  std::size_t b = 0;
  std::size_t e = out.size();
  while (b < e) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(out, b, cp);
    if (len == 0 || classify(cp) != CharClass::Space) break;
    b += len;
  }
  while (e > b) {
    std::size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(out[start]) & 0xC0) == 0x80) --start;
    char32_t cp = 0;
    const std::size_t len = decode_utf8(out, start, cp);
    if (len == 0 || start + len != e || classify(cp) != CharClass::Space) break;
    e = start;
  }
  return out.substr(b, e - b);
}

}  // namespace memvid::text
