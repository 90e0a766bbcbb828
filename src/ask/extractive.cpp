#include "ask/extractive.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace memvid::ask {
namespace {

// A sentence longer than this is a run-on block (a table, a code listing): cut it.
constexpr std::size_t kMaxSentenceBytes = 600;
// Below this cosine a sentence sharing no term with the question is not an answer.
constexpr double kMinSemanticOnly = 0.6;
// Only sentences scoring at least this share of the best one join the answer.
constexpr double kRelativeFloor = 0.5;

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::size_t word_count(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool w = c != ' ';
    if (w && !in) ++n;
    in = w;
  }
  return n;
}

bool starts_block(std::string_view line) {
  const std::size_t a = line.find_first_not_of(" \t");
  if (a == std::string_view::npos) return true;
  const char c = line[a];
  return c == '#' || c == '-' || c == '*' || c == '>' || c == '|' || (c >= '0' && c <= '9');
}

void add_sentence(std::vector<std::string>& out, std::string_view raw) {
  std::string s = collapse_spaces(raw);
  // Markdown heading marks and list bullets are layout, not words.
  const std::size_t mark = s.find_first_not_of("#*->| ");
  if (mark == std::string::npos) return;
  s.erase(0, mark);
  if (s.size() > kMaxSentenceBytes) {
    std::size_t n = kMaxSentenceBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    s += "\xE2\x80\xA6";
  }
  if (word_count(s) >= 3) out.push_back(std::move(s));
}

// "e.g.", "Dr." and initials ("J. Smith") do not end a sentence: the word before the dot
// is one letter or a known abbreviation.
bool is_abbreviation(std::string_view before_dot) {
  const std::size_t space = before_dot.find_last_of(" \n\t(");
  std::string word(before_dot.substr(space == std::string_view::npos ? 0 : space + 1));
  for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return true;
  static const std::unordered_set<std::string> kAbbreviations = {"e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "vs",
                                                                 "fig", "no", "st", "jr", "sr", "approx", "cf", "a.m", "p.m", "etc.al"};
  return kAbbreviations.count(word) > 0;
}

}  // namespace

std::vector<std::string> split_sentences(std::string_view passage) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < passage.size(); ++i) {
    const char c = passage[i];
    bool end = false;
    std::size_t next = i + 1;
    if ((c == '.' || c == '!' || c == '?') && (i + 1 == passage.size() || std::isspace(static_cast<unsigned char>(passage[i + 1])))) {
      end = c != '.' || !is_abbreviation(passage.substr(0, i));
    } else if (c == '\n') {
      // A line break ends a sentence when a blank line, a heading, a list item or a quote follows.
      const std::size_t eol = passage.find('\n', i + 1);
      const std::string_view following = passage.substr(i + 1, eol == std::string_view::npos ? std::string_view::npos : eol - i - 1);
      const std::string_view current = passage.substr(start, i - start);
      end = starts_block(following) || starts_block(current);
    }
    if (!end) continue;
    add_sentence(out, passage.substr(start, next - start));
    start = next;
  }
  if (start < passage.size()) add_sentence(out, passage.substr(start));
  return out;
}

ExtractiveAnswer extractive_answer(std::string_view question, const std::vector<AskSource>& sources,
                                   const text::Analyzer& analyzer, const SentenceSimilarity& similarity,
                                   std::size_t max_sentences) {
  ExtractiveAnswer answer;
  const std::vector<std::string> qterms_list = analyzer.terms(question);
  const std::unordered_set<std::string> qterms(qterms_list.begin(), qterms_list.end());

  struct Scored {
    Sentence sentence;
    std::unordered_set<std::string> matched;
    double score = 0;
    std::size_t order = 0;
  };
  std::vector<Scored> all;
  std::vector<std::string> texts;
  for (const AskSource& src : sources) {
    for (std::string& s : split_sentences(src.text)) {
      Scored sc;
      for (const std::string& t : analyzer.terms(s))
        if (qterms.count(t) > 0) sc.matched.insert(t);
      sc.sentence = {src.number, s};
      sc.order = all.size();
      texts.push_back(std::move(s));
      all.push_back(std::move(sc));
    }
  }
  if (all.empty()) return answer;

  // Rarer terms say more: a term in every sentence ("the topic") matters less than the one
  // that names the answer.
  std::unordered_map<std::string, double> weight;
  for (const std::string& t : qterms) {
    std::size_t df = 0;
    for (const Scored& s : all) df += s.matched.count(t);
    weight[t] = std::log(1.0 + static_cast<double>(all.size()) / (1.0 + static_cast<double>(df)));
  }
  double total_weight = 0;
  for (const auto& [t, w] : weight) total_weight += w;

  std::vector<double> cosines;
  if (similarity) cosines = similarity(question, texts);
  for (std::size_t i = 0; i < all.size(); ++i) {
    Scored& s = all[i];
    double overlap = 0;
    for (const std::string& t : s.matched) overlap += weight[t];
    overlap = total_weight > 0 ? overlap / total_weight : 0;
    const double cosine = i < cosines.size() ? std::max(0.0, cosines[i]) : 0.0;
    if (s.matched.empty() && cosine < kMinSemanticOnly) continue;
    // Higher-ranked passages are likelier to hold the answer; a short nudge, not a rule.
    const double prior = 1.0 / (1.0 + 0.1 * static_cast<double>(s.sentence.source - 1));
    s.score = cosines.empty() ? 0.85 * overlap + 0.15 * prior : 0.6 * overlap + 0.3 * cosine + 0.1 * prior;
  }
  std::vector<const Scored*> ranked;
  for (const Scored& s : all)
    if (s.score > 0) ranked.push_back(&s);
  std::stable_sort(ranked.begin(), ranked.end(), [](const Scored* a, const Scored* b) { return a->score > b->score; });

  std::unordered_set<std::string> taken;
  // Sentences far weaker than the best are padding, not answer.
  const double floor = ranked.empty() ? 0 : kRelativeFloor * ranked.front()->score;
  for (const Scored* s : ranked) {
    if (answer.sentences.size() >= max_sentences || s->score < floor) break;
    if (!taken.insert(s->sentence.text).second) continue;
    answer.sentences.push_back(s->sentence);
  }
  for (const Sentence& s : answer.sentences) {
    if (!answer.text.empty()) answer.text += ' ';
    answer.text += s.text + " [" + std::to_string(s.source) + "]";
  }
  return answer;
}

}  // namespace memvid::ask
