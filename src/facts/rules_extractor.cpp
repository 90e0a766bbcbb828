#include "facts/rules_extractor.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "facts/lexicon.hpp"
#include "facts/text_dates.hpp"
#include "time/calendar_words.hpp"
#include "facts/words.hpp"

namespace memvid::facts {

namespace {

// Verb forms to the lemma the patterns name ("worked" -> "work", "'m" -> "be").
std::string_view lemma(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kForms[] = {
      {"'m", "be"},          {"'re", "be"},         {"'s", "be"},          {"adopted", "adopt"},
      {"adores", "adore"},   {"am", "be"},          {"are", "be"},         {"attended", "attend"},
      {"attends", "attend"}, {"attending", "attend"}, {"became", "become"}, {"becomes", "become"},
      {"been", "be"},        {"came", "come"},      {"codes", "code"},     {"coded", "code"},
      {"coding", "code"},    {"comes", "come"},     {"despises", "despise"}, {"detests", "detest"},
      {"dislikes", "dislike"}, {"disliked", "dislike"}, {"earned", "earn"}, {"enjoyed", "enjoy"},
      {"enjoying", "enjoy"}, {"enjoys", "enjoy"},   {"flew", "fly"},       {"flies", "fly"},
      {"goes", "go"},        {"got", "get"},        {"gets", "get"},       {"graduated", "graduate"},
      {"graduates", "graduate"}, {"grew", "grow"},  {"had", "have"},       {"has", "have"},
      {"hated", "hate"},     {"hates", "hate"},     {"having", "have"},    {"holds", "hold"},
      {"held", "hold"},      {"i'm", "be"},         {"is", "be"},          {"joined", "join"},
      {"joining", "join"},   {"joins", "join"},     {"left", "leave"},     {"leaves", "leave"},
      {"leaving", "leave"},  {"liked", "like"},     {"likes", "like"},     {"lived", "live"},
      {"lives", "live"},     {"living", "live"},    {"loathes", "loathe"}, {"loved", "love"},
      {"loves", "love"},     {"loving", "love"},    {"majored", "major"},  {"majoring", "major"},
      {"married", "marry"},  {"marries", "marry"},  {"moved", "move"},     {"moves", "move"},
      {"moving", "move"},    {"owned", "own"},      {"owns", "own"},       {"preferred", "prefer"},
      {"prefers", "prefer"}, {"programmed", "program"}, {"programs", "program"}, {"quit", "quit"},
      {"quits", "quit"},     {"relocated", "relocate"}, {"relocates", "relocate"}, {"reported", "report"},
      {"reporting", "report"}, {"reports", "report"}, {"resided", "reside"}, {"resides", "reside"},
      {"resigned", "resign"}, {"retired", "retire"}, {"speaking", "speak"}, {"speaks", "speak"},
      {"spoke", "speak"},    {"started", "start"},  {"starts", "start"},   {"studied", "study"},
      {"studies", "study"},  {"studying", "study"}, {"traveled", "travel"}, {"travelled", "travel"},
      {"travels", "travel"}, {"turned", "turn"},    {"turns", "turn"},     {"visited", "visit"},
      {"visiting", "visit"}, {"visits", "visit"},   {"was", "be"},         {"went", "go"},
      {"were", "be"},        {"worked", "work"},    {"working", "work"},   {"works", "work"},
      {"wrote", "write"},    {"writes", "write"},   {"writing", "write"},  {"adoring", "adore"},
      {"hating", "hate"},    {"liking", "like"},    {"belongs", "belong"}, {"hired", "hire"},
      {"employed", "employ"}, {"founded", "found"}, {"founds", "found"},   {"co-founded", "found"},
      {"leads", "lead"},     {"led", "lead"},       {"runs", "run"},       {"ran", "run"},
      {"heads", "head"},     {"headed", "head"},    {"stays", "stay"},     {"stayed", "stay"},
      {"uses", "use"},       {"used", "use"},       {"eats", "eat"},       {"ate", "eat"},
      {"eating", "eat"},       {"teaches", "teach"},  {"taught", "teach"},
  };
  static const std::unordered_map<std::string_view, std::string_view> kMap(std::begin(kForms), std::end(kForms));
  static const FirstLastBytes kFormEnds([] {
    std::vector<std::string_view> forms;
    for (const auto& f : kForms) forms.push_back(f.first);
    return forms;
  }());
  if (!kFormEnds.may_hold(w)) return w;
  auto it = kMap.find(w);
  return it == kMap.end() ? w : it->second;
}

// The words a verb phrase can start with (lemmas, or the word itself): any other word is
// passed over at once.
bool starts_verb_phrase(std::string_view l) {
  static const std::unordered_set<std::string_view> kStarts = {
      "work", "join", "employ", "hire", "start", "teach", "leave", "quit", "resign", "retire", "report", "live",
      "move", "relocate", "reside", "based", "stay", "come", "grow", "born", "married", "marry", "graduate", "study",
      "attend", "major", "have", "hold", "earn", "get", "adopt", "own", "be", "become", "turn", "love", "like",
      "enjoy", "adore", "prefer", "hate", "dislike", "detest", "loathe", "despise", "stand", "eat", "fan", "speak",
      "fluent", "code", "program", "write", "visit", "travel", "fly", "go", "reach", "email", "contact", "call",
      "she's", "he's", "i'm", "i\xE2\x80\x99m", "im"};
  static const FirstLastBytes kStartEnds(kStarts);
  return kStartEnds.may_hold(l) && kStarts.count(l) > 0;
}

bool is_negation(const Word& w) {
  const std::string_view f = w.folded;
  if (f == "not" || f == "never" || f == "no") return true;
  return (f.size() > 3 && f.substr(f.size() - 3) == "n't") || (f.size() > 5 && f.substr(f.size() - 5) == "n\xE2\x80\x99t");
}

// "AT&T", "IBM", "UCLA": capitals that are no sentence-opening word, whatever they spell.
bool is_acronym(const Word& w) {
  if (w.punct || w.text.size() < 2) return false;
  for (char c : w.text)
    if (!(c >= 'A' && c <= 'Z')) return false;
  return true;
}

bool is_article(const Word& w) { return w.is("a") || w.is("an") || w.is("the") || w.is("some"); }

struct Phrase {
  std::size_t first = 0, end = 0;  // words [first, end)
};

struct Entity {
  std::string key, name;
  bool person_named = false;  // a name (not "user", not a pronoun)
};

bool is_degree_word(std::string_view f) {
  static constexpr std::string_view kDegrees[] = {
      "ba", "bachelor's", "bachelors", "bs", "bsc", "doctorate", "jd", "llb", "llm", "ma", "master's", "masters",
      "mba", "md", "mfa", "ms", "msc", "phd", "ph.d", "mphil"};
  return std::find(std::begin(kDegrees), std::end(kDegrees), f) != std::end(kDegrees);
}

// What the sentences of one frame share: the person pronouns mean, and which words the frame
// also writes in lower case (made on first use, from every part of the text).
struct FrameContext {
  const std::vector<TextPart>& parts;
  bool any_at = false;
  Entity last_person;
  // The sentences of a text of one part, which the reader already holds: the lower-case
  // words are read from them instead of splitting the text again (most frames are one part).
  const SplitText* only_part = nullptr;
  std::optional<std::unordered_set<std::string_view>> lower_words;
  std::vector<std::string> lower_word_store;  // the words' bytes when read from several parts

  // "Use the zone ..." opens a sentence with a capital, but the frame writes "use" too: a
  // word written in lower case elsewhere is no name when it stands alone at the start.
  bool written_in_lower_case(std::string_view folded) {
    if (!lower_words) {
      lower_words.emplace();
      auto lower = [](const Word& w) { return !w.punct && !w.capital && !w.caseless_letter && !w.digit; };
      if (only_part) {
        for (const Sentence& s : *only_part)
          for (const Word& w : s)
            if (lower(w)) lower_words->insert(w.folded);
      } else {
        std::unordered_set<std::string> owned;
        for (const TextPart& part : parts)
          for (const Sentence& s : split_sentences(part.text, part.base, any_at))
            for (const Word& w : s)
              if (lower(w)) owned.insert(w.folded);
        lower_word_store.reserve(owned.size());
        for (const std::string& w : owned) lower_words->insert(lower_word_store.emplace_back(w));
      }
    }
    return lower_words->count(folded) > 0;
  }
};

class SentenceReader {
 public:
  SentenceReader(std::string_view text, const Sentence& s, std::int64_t frame_ms, FrameContext& frame,
                 std::vector<ExtractedFact>& out)
      : text_(text), s_(s), frame_(frame), last_person_(frame.last_person), out_(out) {
    if (auto d = find_start_date(s, frame_ms)) date_ = d;
  }

  void read() {
    if (shouting() || code_like()) return;
    if (field_line()) return;
    for (std::size_t i = 0; i < s_.size(); ++i) {
      if (s_[i].punct) {
        if (s_[i].text == ",") appositive(i);
        continue;
      }
      possessive_relation(i);
      verb_phrase(i);
      i = mention(i);
    }
  }

 private:
  const Word* at(std::size_t i) const { return i < s_.size() ? &s_[i] : nullptr; }
  bool is(std::size_t i, std::string_view f) const { return i < s_.size() && s_[i].is(f); }
  bool lemma_is(std::size_t i, std::string_view l) const { return i < s_.size() && lemma(s_[i].folded) == l; }
  bool in_date(std::size_t i) const { return date_ && i >= date_->first_word && i < date_->end_word; }

  std::string_view span_text(const Phrase& p) const {
    return text_.substr(s_[p.first].begin, s_[p.end - 1].end - s_[p.first].begin);
  }

  // A name's words, forwards from i: name-like words, particles between them, an honorific
  // dropped in front. Up to four words; none of them a sentence-opening word like "The".
  std::optional<Phrase> name_at(std::size_t i) const {
    if (i < s_.size() && is_honorific(s_[i].folded) && s_[i].name_like()) {
      std::size_t j = i + 1;
      if (is(j, ".")) ++j;
      if (j < s_.size() && s_[j].name_like()) i = j;
    }
    std::size_t j = i, words = 0;
    while (j < s_.size() && words < 4) {
      const Word& w = s_[j];
      if (!w.punct && w.name_like() && !is_not_name_word(w.folded) && !in_date(j)) {
        ++j, ++words;
        continue;
      }
      if (words > 0 && is_name_particle(w.folded) && j + 1 < s_.size() && s_[j + 1].name_like()) {
        ++j;
        continue;
      }
      // An initial: "J. R. Smith".
      if (words > 0 && w.punct && w.text == "." && s_[j - 1].text.size() == 1 && j + 1 < s_.size() &&
          s_[j + 1].name_like()) {
        ++j;
        continue;
      }
      break;
    }
    if (words == 0) return std::nullopt;
    return Phrase{i, j};
  }

  // The name that ends right before `end`, read backwards.
  std::optional<Phrase> name_ending_at(std::size_t end) const {
    std::size_t j = end, words = 0;
    while (j > 0 && words < 4) {
      const Word& w = s_[j - 1];
      if (!w.punct && w.name_like() && !is_not_name_word(w.folded) && !is_honorific(w.folded) && !in_date(j - 1)) {
        --j, ++words;
        continue;
      }
      if (words > 0 && j >= 2 && is_name_particle(w.folded) && s_[j - 2].name_like()) {
        --j;
        continue;
      }
      if (words > 0 && w.punct && w.text == "." && j >= 2 && s_[j - 2].text.size() == 1 && s_[j - 2].capital) {
        --j;
        continue;
      }
      break;
    }
    if (words == 0) return std::nullopt;
    while (j < end && !s_[j].name_like()) ++j;  // a particle cannot start a name
    // A possessive ("Alice's") is no subject.
    const std::string_view last = s_[end - 1].folded;
    if (last.size() > 2 && (last.substr(last.size() - 2) == "'s" || last.ends_with("\xE2\x80\x99s"))) return std::nullopt;
    return Phrase{j, end};
  }

  // Code and style sheets ("position: relative;", "x = f('I love cupcakes')") state no facts
  // about people, though their words can look like it.
  bool code_like() const {
    for (const Word& w : s_)
      if (w.punct && (w.text == "{" || w.text == "}" || w.text == "=")) return true;
    return false;
  }

  // A sentence in capitals (licence boilerplate, headings) has no names to tell apart.
  bool shouting() const {
    std::size_t words = 0, caps = 0;
    for (const Word& w : s_) {
      if (w.punct || w.digit || w.text.size() < 2) continue;
      ++words;
      caps += is_acronym(w);
    }
    return words >= 3 && caps * 2 > words;
  }

  // A job title's words: its head (last word) or a leading title ("Head of ...") must be a
  // job (the list has the acronyms: CEO, CTO, VP, ...).
  bool looks_like_job(const Phrase& p) const {
    if (p.end <= p.first) return false;
    const Word& head = s_[p.end - 1];
    std::string_view h = head.folded;
    if (h.size() > 1 && h.back() == 's' && is_job_noun(h.substr(0, h.size() - 1))) return false;  // "engineers"
    return is_job_noun(h) || is_job_noun(s_[p.first].folded);
  }

  static bool person_slot(std::string_view slot) {
    for (std::string_view p : {"spouse", "manager", "brother", "sister", "mother", "father", "son", "daughter", "friend",
                               "child", "parent", "sibling", "report", "name"})
      if (slot == p) return true;
    return false;
  }

  // A name starting at word i that names a person makes it the one later pronouns mean;
  // returns the last word it covers. Places and organisations (names after "in", "at",
  // "from", ..., or the value of a non-person fact) do not count.
  std::size_t mention(std::size_t i) {
    if (!s_[i].name_like() || is_not_name_word(s_[i].folded)) return i;
    if (i > 0 && !s_[i - 1].punct && s_[i - 1].name_like() && !is_honorific(s_[i - 1].folded)) return i;
    auto p = name_at(i);
    if (!p) return i;
    if (common_word_opening(*p)) return p->end - 1;
    if (i > 0) {
      for (std::string_view prep : {"in", "at", "from", "near", "of", "into", "via", "on", "the", "by"})
        if (s_[i - 1].is(prep)) return p->end - 1;
    }
    for (const ExtractedFact& f : out_)
      if (f.value_begin >= s_[p->first].begin && f.value_begin < s_[p->end - 1].end && !person_slot(f.slot))
        return p->end - 1;
    Phrase name = *p;
    // "Omar Haddad's": the possessor.
    std::string_view last = s_[name.end - 1].folded;
    std::size_t cut = 0;
    if (last.ends_with("'s")) cut = 2;
    if (last.ends_with("\xE2\x80\x99s")) cut = 4;
    Entity e;
    e.name = std::string(text_.substr(s_[name.first].begin, s_[name.end - 1].end - cut - s_[name.first].begin));
    e.key = fold_text(e.name);
    e.person_named = true;
    if (e.key != "user" && !e.name.empty()) last_person_ = e;
    return p->end - 1;
  }

  // "title: data engineer", "manager: Li Na", "languages: Italian, English": a field of the
  // person the note is about (the last one named).
  bool field_line() {
    if (s_.size() < 3 || !(s_[1].punct && s_[1].text == ":") || last_person_.key.empty()) return false;
    // "position: relative;" in a style sheet: a declaration, not a note's field.
    std::size_t after = s_.back().end;
    while (after < text_.size() && (text_[after] == ' ' || text_[after] == '\t')) ++after;
    if (s_.back().text == ";" || (after < text_.size() && text_[after] == ';')) return false;
    static constexpr std::pair<std::string_view, std::string_view> kFields[] = {
        {"title", "job_title"},   {"role", "job_title"},       {"position", "job_title"}, {"job", "job_title"},
        {"manager", "manager"},   {"boss", "manager"},         {"location", "location"},  {"city", "location"},
        {"based", "location"},    {"email", "email"},          {"e-mail", "email"},       {"languages", "speaks"},
        {"language", "speaks"},   {"company", "employer"},     {"employer", "employer"},  {"age", "age"},
        {"birthday", "birthday"}, {"allergies", "allergy"},    {"allergy", "allergy"},    {"hobbies", "hobby"},
        {"spouse", "spouse"},     {"partner", "spouse"},       {"school", "education"},   {"education", "education"},
        {"hometown", "hometown"}, {"pets", "pet"},
    };
    std::string_view slot;
    for (const auto& [field, name] : kFields)
      if (s_[0].is(field)) slot = name;
    if (slot.empty()) return false;
    const Entity& e = last_person_;
    pronoun_ = true;
    if (slot == "email") {
      if (s_[2].email) emit(e, "email", Phrase{2, 3}, false, false);
      return true;
    }
    const bool list = slot == "speaks" || slot == "allergy" || slot == "hobby" || slot == "pet";
    if (list) {
      for (const Phrase& p : list_after(2)) emit(e, std::string(slot), p, false);
      return true;
    }
    std::size_t end = 2;
    while (end < s_.size() && !s_[end].punct) ++end;
    if (end > 2) emit(e, std::string(slot), Phrase{2, end}, false, slot != "age" && slot != "birthday");
    return true;
  }

  Entity named(const Phrase& p) {
    Entity e;
    e.name = std::string(span_text(p));
    e.key = fold_text(e.name);
    e.person_named = true;
    return e;
  }

  static Entity user() { return Entity{"user", "user", false}; }

  // The subject of a verb phrase starting at word v, read backwards past adverbs,
  // auxiliaries and negations. Sets negated when one of those negates.
  std::optional<Entity> subject_before(std::size_t v, bool& negated, std::size_t* subject_first = nullptr) {
    std::size_t j = v;
    negated = false;
    // "(which, like MD4, ...)", "Mail-Header: like thing": a preposition, not the verb.
    if (s_[v].is("like") && v > 0 && s_[v - 1].punct) return std::nullopt;
    // "would like to thank", "I'd love to hear", "should prefer": a wish or advice, no fact.
    const std::string_view verb = lemma(s_[v].folded);
    const bool liking = verb == "like" || verb == "love" || verb == "prefer" || verb == "enjoy" || verb == "hate";
    for (std::size_t k = v; liking && k > 0 && v - k < 4; --k) {
      const std::string_view f = s_[k - 1].folded;
      if (f == "would" || f == "should" || f == "could" || f == "might" || f == "'d" || f.ends_with("'d") ||
          f.ends_with("\xE2\x80\x99" "d"))
        return std::nullopt;
      if (s_[k - 1].punct) break;
    }
    while (j > 0) {
      const Word& w = s_[j - 1];
      if (is_negation(w)) {
        negated = true;
        --j;
        continue;
      }
      if (w.is("longer") && j >= 2 && s_[j - 2].is("no")) {
        negated = true;
        j -= 2;
        continue;
      }
      if (w.is("to") && j >= 2 && s_[j - 2].is("used")) {  // "used to work at": no more
        negated = true;
        j -= 2;
        continue;
      }
      if (is_verb_modifier(w.folded) || w.is("is") || w.is("are") || w.is("am") || w.is("was") || w.is("were") ||
          w.is("'m") || w.is("be") || w.is("being") || w.is("ago") || in_date(j - 1)) {
        --j;
        continue;
      }
      break;
    }
    if (j == 0) {
      // "Based in Austin." in a note: the person the note is about.
      if (v == 0 && s_[0].capital && !last_person_.key.empty() && lemma(s_[0].folded) != s_[0].folded) {
        pronoun_ = true;
        return last_person_;
      }
      return std::nullopt;
    }
    // "... and joined AT&T": a second verb of the sentence's last subject.
    if (s_[j - 1].is("and") || s_[j - 1].is("but") || s_[j - 1].is("then")) {
      if (sentence_subject_) {
        pronoun_ = sentence_subject_pronoun_;
        return sentence_subject_;
      }
      if (auto opening = opening_subject()) return opening;
      return std::nullopt;
    }
    // "Theo: hates mushrooms"
    if (s_[j - 1].punct && s_[j - 1].text == ":" && j >= 2) {
      if (auto p = name_ending_at(j - 1)) {
        if (subject_first) *subject_first = p->first;
        return named(*p);
      }
      return std::nullopt;
    }
    // "Ana Lima, CTO of Globex, lives in ...": the name before an apposition.
    if (s_[j - 1].text == "," && s_[j - 1].punct) {
      for (std::size_t c = j - 1; c > 0 && j - 1 - c < 10; --c) {
        if (!(s_[c - 1].punct && s_[c - 1].text == ",")) continue;
        // "My mom, Linda, lives in Ohio": the name between the commas.
        if (auto inner = name_at(c); inner && inner->end == j - 1) {
          if (subject_first) *subject_first = inner->first;
          return named(*inner);
        }
        if (auto p = name_ending_at(c - 1)) {
          if (subject_first) *subject_first = p->first;
          return named(*p);
        }
        break;
      }
      return std::nullopt;
    }
    const Word& w = s_[j - 1];
    const std::string_view f = w.folded;
    if (subject_first) *subject_first = j - 1;
    if (f == "i" || f == "i'm" || f == "i\xE2\x80\x99m" || f == "im" || f == "i've" || f == "i'd" || f == "i'll")
      return user();
    if (f == "she" || f == "he" || f == "they" || f == "she's" || f == "he's" || f == "they're" ||
        f == "she\xE2\x80\x99s" || f == "he\xE2\x80\x99s") {
      if (last_person_.key.empty()) return std::nullopt;
      pronoun_ = true;
      return last_person_;
    }
    if (f.size() > 2 && (f.ends_with("'s") || f.ends_with("\xE2\x80\x99s")) && !w.punct && w.name_like()) {
      // "Alice's moved to ..." is too rare to tell from a possessive; neither is a subject.
      return std::nullopt;
    }
    auto p = name_ending_at(j);
    if (!p || common_word_opening(*p)) return std::nullopt;
    // "the Windows preferred separator": a name after a determiner modifies a noun.
    if (p->first > 0 && (is_article(s_[p->first - 1]) || s_[p->first - 1].is("this") || s_[p->first - 1].is("that") ||
                         s_[p->first - 1].is("these") || s_[p->first - 1].is("those")))
      return std::nullopt;
    if (subject_first) *subject_first = p->first;
    // "Tools like Wireshark": a base verb form after one name is a preposition or a plural
    // noun phrase, unless an auxiliary ("will", "does", "to") or a second name ("Bob and
    // Carol live") explains it.
    if (base_form_verb(v)) {
      bool explained = p->first > 0 && s_[p->first - 1].is("and");
      for (std::size_t k = p->end; k < v && !explained; ++k)
        for (std::string_view aux : {"will", "would", "can", "could", "should", "might", "must", "did", "does", "do",
                                     "to", "doesn't", "didn't", "don't", "won't", "can't", "cannot", "may"})
          explained = explained || s_[k].is(aux);
      if (!explained) return std::nullopt;
    }
    return named(*p);
  }

  bool base_form_verb(std::size_t v) const {
    static constexpr std::string_view kVerbs[] = {
        "adore", "attend", "code", "dislike", "eat", "enjoy", "fly", "go", "graduate", "hate", "join", "like",
        "live", "love", "marry", "move", "prefer", "program", "relocate", "report", "reside", "speak", "study",
        "teach", "travel", "visit", "work", "write"};
    const std::string_view f = s_[v].folded;
    return std::find(std::begin(kVerbs), std::end(kVerbs), f) != std::end(kVerbs);
  }

  // The subject a sentence opens with ("She runs the team and works at Hooli").
  std::optional<Entity> opening_subject() {
    if (s_.empty()) return std::nullopt;
    const std::string_view f = s_[0].folded;
    if (f == "i" || f == "i'm" || f == "i've") return user();
    if ((f == "she" || f == "he" || f == "they") && !last_person_.key.empty()) {
      pronoun_ = true;
      return last_person_;
    }
    if (auto p = name_at(0); p && p->end < s_.size() && !s_[p->end].punct && !common_word_opening(*p))
      return named(*p);
    return std::nullopt;
  }

  // An organisation, place or person after word i: a run of name-like words and digits,
  // with "&", "of", particles and abbreviation dots inside ("Bank of America", "AT&T",
  // "St. Mary's", "37signals").
  std::optional<Phrase> entity_after(std::size_t i) const {
    if (is(i, "the") && i + 1 < s_.size() && s_[i + 1].name_like()) ++i;
    std::size_t j = i, words = 0;
    while (j < s_.size() && words < 6) {
      const Word& w = s_[j];
      const bool ordinary = is_not_name_word(w.folded) && !is_acronym(w);
      const bool word = !w.punct && (w.name_like() || w.digit) && !in_date(j) && !ordinary;
      if (word) {
        ++j, ++words;
        continue;
      }
      if (words > 0 && j + 1 < s_.size() && (s_[j + 1].name_like() || s_[j + 1].digit)) {
        const bool joiner = w.text == "&" || w.is("of") || w.is("for") || is_name_particle(w.folded) ||
                            (w.text == "." && s_[j - 1].end == w.begin);
        if (joiner) {
          ++j;
          continue;
        }
      }
      if (words > 0 && w.text == "&" && j + 1 < s_.size() && !s_[j + 1].punct) {
        ++j;
        continue;
      }
      break;
    }
    if (words == 0) return std::nullopt;
    while (j > i && (s_[j - 1].punct || is(j - 1, "of") || is(j - 1, "for"))) --j;
    if (j == i) return std::nullopt;
    return Phrase{i, j};
  }

  // A short noun phrase after word i (a job, a food, a hobby): up to max_words words, an
  // article dropped, ending at punctuation, a conjunction, a preposition or a date.
  std::optional<Phrase> text_after(std::size_t i, std::size_t max_words = 4) const {
    while (i < s_.size() && (is_article(s_[i]) || s_[i].is("my") || s_[i].is("his") || s_[i].is("her") ||
                             s_[i].is("their") || s_[i].is("really") || s_[i].is("very")))
      ++i;
    std::size_t j = i;
    while (j < s_.size() && j - i < max_words) {
      const Word& w = s_[j];
      if (w.punct) {
        if ((w.text == "-" || w.text == "'" || w.text == "/") && j > i && j + 1 < s_.size() && !s_[j + 1].punct) {
          ++j;
          continue;
        }
        break;
      }
      if (ends_text_value(w.folded) || in_date(j) || is_negation(w)) break;
      ++j;
    }
    if (j == i) return std::nullopt;
    if (j - i == 1 && is_pronoun_value(s_[i].folded)) return std::nullopt;
    return Phrase{i, j};
  }

  // "sushi, ramen and pho": the phrases of a list after word i.
  std::vector<Phrase> list_after(std::size_t i, std::size_t max_words = 4) const {
    std::vector<Phrase> items;
    while (auto p = text_after(i, max_words)) {
      items.push_back(*p);
      std::size_t j = p->end;
      if (is(j, ",")) ++j;
      if (is(j, "and") || is(j, "or") || is(j, "&")) ++j;
      if (j == p->end || j >= s_.size() || s_[j].punct) break;
      // A clause after "and" ("... and I work at X") is no list item.
      if (s_[j].is("i") || s_[j].is("she") || s_[j].is("he") || s_[j].is("they") || s_[j].is("we") ||
          lemma(s_[j].folded) != s_[j].folded)
        break;
      i = j;
    }
    return items;
  }

  void emit(const Entity& e, std::string slot, const Phrase& value, bool negative, bool dated = true) {
    if (!plausible_name(e)) return;
    ExtractedFact f;
    f.entity = e.key;
    f.entity_name = e.name;
    f.slot = std::move(slot);
    std::string_view v = span_text(value);
    while (!v.empty() && (v.back() == '.' || v.back() == ',')) v.remove_suffix(1);
    f.value = std::string(v);
    f.value_begin = s_[value.first].begin;
    f.value_length = static_cast<std::uint32_t>(v.size());
    f.negative = negative;
    if (dated && date_) f.valid_from_ms = date_->start_ms;
    f.confidence = pronoun_ ? 0.6f : 0.8f;
    if (f.value.empty()) return;
    for (const ExtractedFact& o : out_)
      if (o.entity == f.entity && o.slot == f.slot && o.value_begin == f.value_begin) return;
    out_.push_back(std::move(f));
  }

  // People's names have no digits ("CVE-2022-23521 goes to ...") and are no single acronym
  // ("ERROR", "NL", "ERCIM"): such subjects are identifiers and organisations.
  static bool plausible_name(const Entity& e) {
    if (e.key == "user") return true;
    bool lower = false, space = false;
    for (char c : e.name) {
      if (c >= '0' && c <= '9') return false;
      lower = lower || (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
      space = space || c == ' ';
    }
    return lower || space;
  }

  void remember(const Entity& e) {
    if (e.person_named) last_person_ = e;
    sentence_subject_ = e;
    sentence_subject_pronoun_ = pronoun_;
  }

  void remember_person(const Phrase& p) { remember(named(p)); }

  // A preference object: which slot it fills is decided by what it is.
  void preference(const Entity& e, const Phrase& p, bool negative) {
    std::string f = fold_text(span_text(p));
    const std::string_view whole = f;
    const std::string_view head = whole.substr(whole.rfind(' ') == std::string_view::npos ? 0 : whole.rfind(' ') + 1);
    if (is_food(head) || is_food(whole))
      emit(e, "food_preference", p, negative);
    else if (is_programming_language(whole))
      emit(e, "programming_language", p, negative);
    else if (head.size() > 4 && head.ends_with("ing") && !negative && p.end - p.first <= 2)
      emit(e, "hobby", p, false);
    else
      emit(e, "preference", p, negative);
  }

  // "my sister Emma", "Alice's husband is Bob", "my dog's name is Rex", "her favorite color
  // is green", "my name is Dana", "my email is ...".
  void possessive_relation(std::size_t i) {
    const Word& w = s_[i];
    {
      const std::string_view f = w.folded;
      if (f != "my" && f != "her" && f != "his" && f != "their" && !f.ends_with("s")) return;
    }
    std::optional<Entity> owner;
    std::size_t r = i + 1;
    const std::string_view f = w.folded;
    if (f == "my") {
      owner = user();
      // "Keisha Brown is my manager"
      if (i >= 2 && lemma_is(i - 1, "be") && r < s_.size()) {
        const std::string_view rel = relation_slot(s_[r].folded);
        if (!rel.empty() && (r + 1 >= s_.size() || s_[r + 1].punct || s_[r + 1].is("and"))) {
          if (auto p = name_ending_at(i - 1)) {
            emit(user(), std::string(rel), *p, false);
            remember_person(*p);
          }
          return;
        }
      }
      // "My brothers are Luca and Matteo"
      if (r + 1 < s_.size() && s_[r].folded.size() > 3 && s_[r].folded.back() == 's' && s_[r + 1].is("are")) {
        std::string singular = s_[r].folded.substr(0, s_[r].folded.size() - 1);
        if (singular == "children") singular = "child";
        const std::string_view rel = relation_slot(singular);
        if (!rel.empty()) {
          for (const Phrase& p : list_after(r + 2, 3))
            if (s_[p.first].name_like()) emit(user(), std::string(rel), p, false);
          return;
        }
      }
    } else if (f == "her" || f == "his" || f == "their") {
      if (last_person_.key.empty()) return;
      owner = last_person_;
      pronoun_ = true;
    } else if (!w.punct && w.name_like() && (f.ends_with("'s") || f.ends_with("\xE2\x80\x99s")) && f.size() > 2) {
      // "Alice's" or the last word of "Ben Koenig's".
      const std::size_t cut = f.ends_with("'s") ? 2 : 4;
      std::size_t first = i;
      while (first > 0 && s_[first - 1].name_like() && !s_[first - 1].punct && !is_not_name_word(s_[first - 1].folded) &&
             i - first < 3)
        --first;
      if (is_not_name_word(fold_text(w.text.substr(0, w.text.size() - cut)))) return;
      Entity e;
      e.name = std::string(text_.substr(s_[first].begin, w.end - cut - s_[first].begin));
      e.key = fold_text(e.name);
      e.person_named = true;
      owner = e;
      // "Bob is Alice's brother": the relation is Alice's and its value the subject.
      std::size_t subject_end = first;
      if (subject_end >= 1 && (lemma_is(subject_end - 1, "be"))) {
        const std::string_view rel = r < s_.size() ? relation_slot(s_[r].folded) : std::string_view{};
        if (!rel.empty()) {
          bool negated = false;
          std::size_t sf = 0;
          if (auto subj = subject_before(subject_end - 1, negated, &sf); subj && subj->person_named) {
            Phrase value{sf, sf};
            for (std::size_t k = sf; k < subject_end - 1 && !s_[k].punct; ++k) value.end = k + 1;
            if (auto np = name_ending_at(subject_end - 1)) value = *np;
            emit(*owner, std::string(rel), value, negated);
            remember(*owner);
            return;
          }
        }
      }
    } else {
      return;
    }
    if (r >= s_.size()) return;
    const std::string_view noun = s_[r].folded;
    // favorite / favourite THING is VALUE
    if (noun == "favorite" || noun == "favourite") {
      std::size_t k = r + 1;
      std::string thing;
      while (k < s_.size() && !s_[k].punct && !lemma_is(k, "be") && k - r <= 3) {
        if (!thing.empty()) thing += '_';
        thing += s_[k].folded;
        ++k;
      }
      if (thing.empty() || !lemma_is(k, "be")) return;
      if (auto v = text_after(k + 1)) {
        if (is_food(thing)) thing = "food";
        emit(*owner, "favorite_" + thing, *v, false, false);
        remember(*owner);
      }
      return;
    }
    if (noun == "name" || noun == "name's") {
      std::size_t k = r + 1;
      if (noun == "name" && lemma_is(k, "be")) ++k;
      if (auto p = name_at(k)) emit(*owner, "name", *p, false, false);
      return;
    }
    if (noun == "email" || noun == "e-mail") {
      for (std::size_t k = r + 1; k < s_.size() && k < r + 5; ++k)
        if (s_[k].email) {
          emit(*owner, "email", Phrase{k, k + 1}, false, false);
          return;
        }
      return;
    }
    if (noun == "birthday") {
      std::size_t k = r + 1;
      if (lemma_is(k, "be")) ++k;
      if (is(k, "on")) ++k;
      std::size_t e = k;
      while (e < s_.size() && !s_[e].punct && e - k < 3) ++e;
      if (is(e, ",") && e + 1 < s_.size() && s_[e + 1].digit) e += 2;
      if (e > k && (calendar::month_number(s_[k].folded) || s_[k].digit)) emit(*owner, "birthday", Phrase{k, e}, false, false);
      return;
    }
    if (noun == "hobby" || noun == "hobbies") {
      std::size_t k = r + 1;
      if (lemma_is(k, "be") || is(k, "include")) ++k;
      for (const Phrase& p : list_after(k)) emit(*owner, "hobby", p, false);
      return;
    }
    // my dog Rex / my dog's name is Rex / my cat is named Tom / my dog, Rex,
    std::string_view animal = noun;
    bool animal_possessive = false;
    if (animal.ends_with("'s")) animal.remove_suffix(2), animal_possessive = true;
    if (is_pet_animal(animal)) {
      std::size_t k = r + 1;
      if (animal_possessive && is(k, "name")) ++k;
      if (lemma_is(k, "be")) ++k;
      if (is(k, "named") || is(k, "called")) ++k;
      if (is(k, ",")) ++k;
      if (auto p = name_at(k)) {
        emit(*owner, "pet", Phrase{r, r + 1}, false);
        out_.back().value = std::string(animal);  // without a possessive "'s"
        out_.back().value_length = static_cast<std::uint32_t>(animal.size());
        emit(*owner, "pet_name", *p, false);
      }
      return;
    }
    // Family and social relations.
    std::string_view rel_word = noun;
    bool rel_possessive = false;
    if (rel_word.ends_with("'s")) rel_word.remove_suffix(2), rel_possessive = true;
    std::string_view rel = relation_slot(rel_word);
    std::size_t k = r + 1;
    // "my older sister", "my best friend": one adjective may stand before the relation.
    if (rel.empty() && r + 1 < s_.size()) {
      const std::string_view next = s_[r + 1].folded;
      std::string_view next_word = next;
      if (next_word.ends_with("'s")) next_word.remove_suffix(2), rel_possessive = true;
      if (!s_[r].name_like() && (rel = relation_slot(next_word), !rel.empty())) k = r + 2;
    }
    if (rel.empty()) return;
    if (rel_possessive && is(k, "name")) ++k;
    if (lemma_is(k, "be")) ++k;
    if (is(k, "named") || is(k, "called")) ++k;
    if (is(k, ",")) ++k;
    if (auto p = name_at(k)) {
      // "my brother Tom works at ...": Tom is the subject of what follows, too.
      emit(*owner, std::string(rel), *p, false);
      remember_person(*p);
    }
  }

  // "Alice Chen, a nurse at St. Mary's," / "Ana Lima, CTO of Globex,".
  void appositive(std::size_t comma) {
    auto person = name_ending_at(comma);
    if (!person) return;
    std::size_t k = comma + 1;
    if (k < s_.size() && is_article(s_[k])) ++k;
    std::size_t e = k;
    while (e < s_.size() && !s_[e].punct && !s_[e].is("at") && !s_[e].is("of") && !s_[e].is("for") && e - k < 4) ++e;
    if (e == k || e >= s_.size() || !(s_[e].is("at") || s_[e].is("of") || s_[e].is("for"))) return;
    auto org = entity_after(e + 1);
    if (!org) return;
    Entity p = named(*person);
    if (p.key == "user" || !looks_like_job(Phrase{k, e})) return;
    emit(p, "job_title", Phrase{k, e}, false);
    emit(p, "employer", *org, false);
    remember(p);
  }

  // Subject + verb phrase at word v.
  void verb_phrase(std::size_t v) {
    const std::string_view l = lemma(s_[v].folded);
    if (!starts_verb_phrase(l)) return;
    bool negated = false;
    auto subject = [&]() { return subject_before(v, negated); };
    pronoun_ = false;

    // employer
    if ((l == "work" && (is(v + 1, "at") || is(v + 1, "for"))) || l == "join" ||
        (l == "employ" && (is(v + 1, "at") || is(v + 1, "by"))) ||
        (l == "hire" && (is(v + 1, "at") || is(v + 1, "by"))) || (l == "start" && is(v + 1, "at")) ||
        (l == "teach" && is(v + 1, "at"))) {
      const std::size_t o = l == "join" ? v + 1 : v + 2;
      auto org = entity_after(o);
      if (!org) return;
      auto e = subject();
      if (!e) return;
      emit(*e, "employer", *org, negated);
      remember(*e);
      as_job_title(*e, org->end, negated);
      return;
    }
    if (l == "leave" || l == "quit" || ((l == "resign" || l == "retire") && is(v + 1, "from"))) {
      auto org = entity_after(l == "resign" || l == "retire" ? v + 2 : v + 1);
      if (!org) return;
      auto e = subject();
      if (!e) return;
      emit(*e, "employer", *org, !negated);
      remember(*e);
      return;
    }
    if (l == "work" && is(v + 1, "as")) {
      auto e = subject();
      if (!e) return;
      std::size_t k = v + 2;
      if (auto job = text_after(k); job && looks_like_job(*job)) {
        emit(*e, "job_title", *job, negated);
        remember(*e);
        if (is(job->end, "at") || is(job->end, "for"))
          if (auto org = entity_after(job->end + 1)) emit(*e, "employer", *org, negated);
      }
      return;
    }
    // manager
    if (l == "report" && is(v + 1, "to")) {
      auto p = name_at(v + 2);
      if (!p) return;
      auto e = subject();
      if (!e) return;
      emit(*e, "manager", *p, negated);
      remember(*e);
      remember_person(*p);
      return;
    }
    // location, hometown, birthplace
    if ((l == "live" && is(v + 1, "in")) || (l == "move" && is(v + 1, "to")) ||
        (l == "relocate" && is(v + 1, "to")) || (l == "reside" && is(v + 1, "in")) ||
        (s_[v].is("based") && is(v + 1, "in")) || (l == "stay" && is(v + 1, "in"))) {
      if (l == "stay") return;
      place_fact(v + 2, "location", subject, negated);
      return;
    }
    if ((l == "come" && is(v + 1, "from")) || (l == "grow" && is(v + 1, "up") && is(v + 2, "in"))) {
      place_fact(l == "come" ? v + 2 : v + 3, "hometown", subject, negated);
      return;
    }
    if (s_[v].is("born")) {
      if (is(v + 1, "in") && !(at(v + 2) && at(v + 2)->digit)) {
        place_fact(v + 2, "birthplace", subject, negated);
      } else if (is(v + 1, "on") || (at(v + 1) && calendar::month_number(at(v + 1)->folded))) {
        std::size_t k = is(v + 1, "on") ? v + 2 : v + 1;
        std::size_t e = k;
        while (e < s_.size() && !s_[e].punct && e - k < 3 && !s_[e].is("in")) ++e;
        if (is(e, ",") && e + 1 < s_.size() && s_[e + 1].digit && s_[e + 1].text.size() == 4) e += 2;
        auto who = subject();
        if (who && e > k) {
          emit(*who, "birthday", Phrase{k, e}, false, false);
          remember(*who);
        }
      }
      return;
    }
    // spouse
    if ((s_[v].is("married") && is(v + 1, "to")) || (l == "marry" && at(v + 1) && at(v + 1)->name_like())) {
      const std::size_t k = is(v + 1, "to") ? v + 2 : v + 1;
      auto p = name_at(k);
      if (!p) return;
      if (s_[v].is("married") && v > 0 && (s_[v - 1].is("are") || s_[v - 1].is("got"))) return;
      auto e = subject();
      if (!e) return;
      emit(*e, "spouse", *p, negated);
      remember(*e);
      remember_person(*p);
      return;
    }
    // "Bob and Carol are married" / "got married"
    if (s_[v].is("married") && v >= 3 && (s_[v - 1].is("are") || s_[v - 1].is("got") || s_[v - 1].is("were"))) {
      auto second = name_ending_at(v - 1);
      if (!second || second->first < 2 || !s_[second->first - 1].is("and")) return;
      auto first = name_ending_at(second->first - 1);
      if (!first) return;
      Entity a = named(*first);
      emit(a, "spouse", *second, false);
      remember_person(*second);
      return;
    }
    // education and studies
    if ((l == "graduate" && is(v + 1, "from")) || (l == "study" && is(v + 1, "at")) || l == "attend" ||
        (s_[v].is("graduate") && is(v + 1, "of") && v > 0 && is_article(s_[v - 1]))) {
      auto school = entity_after(l == "attend" ? v + 1 : v + 2);
      if (!school) return;
      std::size_t subject_at = v;
      if (s_[v].is("graduate") && v > 0 && is_article(s_[v - 1])) subject_at = v - 1;
      auto e = subject_before(subject_at, negated);
      if (!e) return;
      emit(*e, "education", *school, negated);
      remember(*e);
      if (is(school->end, "with") || is(school->end, "in")) degree_and_field(*e, school->end + 1);
      return;
    }
    if ((l == "study" && !is(v + 1, "at") && at(v + 1) && !at(v + 1)->punct) || (l == "major" && is(v + 1, "in"))) {
      auto field = text_after(l == "major" ? v + 2 : v + 1, 3);
      if (!field) return;
      auto e = subject();
      if (!e) return;
      emit(*e, "field_of_study", *field, negated);
      remember(*e);
      if (is(field->end, "at"))
        if (auto school = entity_after(field->end + 1)) emit(*e, "education", *school, negated);
      return;
    }
    if ((l == "have" || l == "hold" || l == "earn" || l == "get") && at(v + 1)) {
      std::size_t k = v + 1;
      if (is_article(s_[k])) ++k;
      if (is(k, "degree") && is(k + 1, "in")) {
        auto e = subject();
        if (!e) return;
        if (auto field = text_after(k + 2, 3)) emit(*e, "field_of_study", *field, negated);
        remember(*e);
        return;
      }
      if (at(k) && is_degree_word(s_[k].folded)) {
        auto e = subject();
        if (!e) return;
        degree_and_field(*e, k);
        remember(*e);
        return;
      }
      // pets: "I have a dog named Rex", "She has two cats"
      std::size_t a = v + 1;
      if (at(a) && (is_article(s_[a]) || small_number(s_[a].folded) > 0)) ++a;
      if (at(a) && (is_pet_animal(s_[a].folded) ||
                    (s_[a].folded.size() > 1 && s_[a].folded.back() == 's' &&
                     is_pet_animal(std::string_view(s_[a].folded).substr(0, s_[a].folded.size() - 1))))) {
        auto e = subject();
        if (!e || negated) return;
        std::string_view animal = s_[a].folded;
        if (!is_pet_animal(animal)) animal.remove_suffix(1);
        emit(*e, "pet", Phrase{a, a + 1}, false);
        out_.back().value = std::string(animal);
        out_.back().value_length = static_cast<std::uint32_t>(animal.size());
        if ((is(a + 1, "named") || is(a + 1, "called")))
          if (auto n = name_at(a + 2)) emit(*e, "pet_name", *n, false);
        remember(*e);
      }
      return;
    }
    if (l == "adopt" || l == "own") {
      std::size_t a = v + 1;
      if (at(a) && is_article(s_[a])) ++a;
      if (at(a) && is_pet_animal(s_[a].folded)) {
        auto e = subject();
        if (!e || negated) return;
        emit(*e, "pet", Phrase{a, a + 1}, false);
        if ((is(a + 1, "named") || is(a + 1, "called")))
          if (auto n = name_at(a + 2)) emit(*e, "pet_name", *n, false);
        remember(*e);
      }
      return;
    }
    // "be" + a job, an age, allergies, a nationality or a name
    if (l == "be" || l == "become" || l == "turn") {
      be_phrase(v, l);
      return;
    }
    // preferences
    const bool likes = l == "love" || l == "like" || l == "enjoy" || l == "adore" || l == "prefer";
    const bool dislikes = l == "hate" || l == "dislike" || l == "detest" || l == "loathe" || l == "despise" ||
                          (s_[v].is("stand") && v > 0 && (s_[v - 1].is("can't") || s_[v - 1].is("cannot")));
    if (likes || dislikes) {
      std::size_t k = v + 1;
      if (is(k, "to")) {  // "I like to hike": an activity
        auto e = subject();
        if (!e || dislikes) return;
        if (auto act = text_after(k + 1, 3)) {
          emit(*e, "hobby", *act, negated);
          remember(*e);
        }
        return;
      }
      if (s_[v].is("stand")) negated = false;
      if (is(k, "it") || is(k, "when") || is(k, "that") || is(k, "how") || is(k, "what")) return;
      // "I love coding in Rust", "I like programming in Go"
      if (at(k + 1) && is(k + 1, "in") && at(k)->folded.ends_with("ing") && at(k + 2) &&
          is_programming_language(at(k + 2)->folded)) {
        auto e = subject();
        if (!e) return;
        emit(*e, "programming_language", Phrase{k + 2, k + 3}, dislikes != negated);
        remember(*e);
        return;
      }
      auto e = subject();
      if (!e) return;
      const bool negative = dislikes != negated;
      const auto items = list_after(k);
      for (const Phrase& p : items) preference(*e, p, negative);
      if (!items.empty()) remember(*e);
      return;
    }
    // "doesn't eat pork", "eats a lot of fish"
    if (l == "eat" && at(v + 1) && !at(v + 1)->punct) {
      auto e = subject();
      if (!e) return;
      for (const Phrase& p : list_after(v + 1)) {
        const std::string folded = fold_text(span_text(p));
        const std::string_view head = std::string_view(folded).substr(folded.rfind(' ') == std::string::npos ? 0 : folded.rfind(' ') + 1);
        if (is_food(head) || is_food(folded)) emit(*e, "food_preference", p, negated);
      }
      remember(*e);
      return;
    }
    if (s_[v].is("fan") && is(v + 1, "of") && v >= 2 && is_article(s_[v - 1])) {
      auto e = subject_before(v - 1, negated);
      if (!e) return;
      for (const Phrase& p : list_after(v + 2)) preference(*e, p, negated);
      return;
    }
    // languages spoken, programming languages
    if (l == "speak" || (s_[v].is("fluent") && is(v + 1, "in"))) {
      auto e = subject();
      if (!e) return;
      for (const Phrase& p : list_after(l == "speak" ? v + 1 : v + 2, 2))
        if (s_[p.first].name_like()) emit(*e, "speaks", p, negated);
      remember(*e);
      return;
    }
    if ((l == "code" || l == "program" || l == "write") && is(v + 1, "in")) {
      auto e = subject();
      if (!e) return;
      for (const Phrase& p : list_after(v + 2, 2))
        if (is_programming_language(fold_text(span_text(p)))) emit(*e, "programming_language", p, negated);
      remember(*e);
      return;
    }
    // travel
    if (l == "visit" || ((l == "travel" || l == "fly" || l == "go") && is(v + 1, "to"))) {
      const std::size_t k = l == "visit" ? v + 1 : v + 2;
      auto place = entity_after(k);
      if (!place) return;
      auto e = subject();
      if (!e || negated) return;
      emit(*e, "travel", *place, false);
      remember(*e);
      return;
    }
    // e-mail: "reach me at x@y", "email me at x@y"
    if ((s_[v].is("reach") || s_[v].is("email") || s_[v].is("contact")) && is(v + 1, "me") && is(v + 2, "at") &&
        at(v + 3) && at(v + 3)->email) {
      emit(user(), "email", Phrase{v + 3, v + 4}, false, false);
      return;
    }
    // "call me Dana"
    if (s_[v].is("call") && is(v + 1, "me") && v == 0) {
      if (auto p = name_at(v + 2)) emit(user(), "name", *p, false, false);
      return;
    }
  }

  // "... at Google as a designer"
  void as_job_title(const Entity& e, std::size_t k, bool negated) {
    if (!is(k, "as")) return;
    if (auto job = text_after(k + 1); job && looks_like_job(*job)) emit(e, "job_title", *job, negated);
  }

  template <class SubjectFn>
  void place_fact(std::size_t k, const char* slot, SubjectFn& subject, bool& negated) {
    auto place = entity_after(k);
    if (!place) return;
    // "Portland, Oregon": a region after a comma belongs to the place.
    if (is(place->end, ",") && place->end + 1 < s_.size())
      if (auto region = entity_after(place->end + 1);
          region && region->end - region->first <= 2 && (region->end >= s_.size() || s_[region->end].punct ||
                                                          ends_text_value(s_[region->end].folded)))
        place->end = region->end;
    auto e = subject();
    if (!e) return;
    emit(*e, slot, *place, negated);
    remember(*e);
  }

  void degree_and_field(const Entity& e, std::size_t k) {
    if (is_article(s_[k])) ++k;
    if (at(k) && is_degree_word(s_[k].folded)) {
      std::size_t end = k + 1;
      if (is(end, "degree")) ++end;
      emit(e, "degree", Phrase{k, end}, false);
      k = end;
    }
    if (is(k, "in"))
      if (auto field = text_after(k + 1, 3)) {
        emit(e, "field_of_study", *field, false);
        k = field->end;
      }
    if (is(k, "from") || is(k, "at"))
      if (auto school = entity_after(k + 1)) emit(e, "education", *school, false);
  }

  void be_phrase(std::size_t v, std::string_view l) {
    bool negated = false;
    std::size_t subject_first = 0;
    auto e = subject_before(v, negated, &subject_first);
    const std::string_view f = s_[v].folded;
    // The verb itself may carry the subject: "I'm", "she's".
    if (!e && (f == "i'm" || f == "i\xE2\x80\x99m" || f == "im")) e = user();
    if (!e && (f == "she's" || f == "he's") && !last_person_.key.empty()) e = last_person_;
    if (!e) return;
    std::size_t k = v + 1;
    while (k < s_.size() && (s_[k].is("now") || s_[k].is("currently") || s_[k].is("also") || s_[k].is("still")))
      ++k;
    if (is_negation(s_[std::min(k, s_.size() - 1)]) && k < s_.size()) negated = true, ++k;
    if (k >= s_.size()) return;
    const Word& w = s_[k];
    // age: "is 42", "is 42 years old", "turned 30"
    if (w.digit) {
      int n = 0;
      auto [p, ec] = std::from_chars(w.text.data(), w.text.data() + w.text.size(), n);
      if (ec != std::errc() || p != w.text.data() + w.text.size() || n < 1 || n > 120) return;
      if (is(k + 1, "%") || is(k + 1, "percent")) return;  // "100% sure"
      const bool years = is(k + 1, "years") || is(k + 1, "year") || is(k + 1, "yrs");
      const bool alone = k + 1 >= s_.size() || s_[k + 1].punct || s_[k + 1].is("and");
      // "Default is 1.": a bare number is an age only of a person known to be one.
      const bool person = e->key == "user" || pronoun_;
      if (years || ((alone || l == "turn") && person)) emit(*e, "age", Phrase{k, k + 1}, false, false);
      remember(*e);
      return;
    }
    if (l == "turn") return;
    // allergies
    if (w.is("allergic") && is(k + 1, "to")) {
      for (const Phrase& p : list_after(k + 2)) emit(*e, "allergy", p, negated);
      remember(*e);
      return;
    }
    // "is married to" is read at "married"; "is from X"
    if (w.is("from")) {
      place_fact_from(k + 1, *e, negated);
      return;
    }
    if (w.is("based") || w.is("born") || w.is("married") || w.is("fluent") || w.is("living") || w.is("working") ||
        w.is("employed"))
      return;
    // "a huge Broncos fan"
    if (is_article(w)) {
      std::size_t t = k + 1;
      while (t < s_.size() && (s_[t].is("huge") || s_[t].is("big") || s_[t].is("massive") || s_[t].is("die-hard")))
        ++t;
      std::size_t n = t;
      while (n < s_.size() && s_[n].name_like() && !s_[n].punct) ++n;
      if (n > t && is(n, "fan")) {
        emit(*e, "preference", Phrase{t, n}, negated);
        remember(*e);
        return;
      }
    }
    // jobs: "is a nurse (at X)", "is the CEO of Globex", "became a manager"
    if (is_article(w)) {
      const bool definite = w.is("the");
      std::size_t t = k + 1;
      std::size_t end = t;
      while (end < s_.size() && !s_[end].punct && end - t < 4 && !ends_text_value(s_[end].folded) &&
             !is_negation(s_[end]) && !in_date(end))
        ++end;
      if (end == t) return;
      for (std::size_t x = t; x < end; ++x)
        if (is_not_job(s_[x].folded) || is_food(s_[x].folded)) return;
      // "Bob is the brother of Alice": Alice.brother = Bob.
      if (definite && end == t + 1 && is(end, "of")) {
        const std::string_view rel = relation_slot(s_[t].folded);
        if (!rel.empty()) {
          if (auto other = name_at(end + 1); other && e->person_named) {
            Entity owner = named(*other);
            Phrase value{subject_first, v};
            if (auto np = name_ending_at(v)) value = *np;
            emit(owner, std::string(rel), value, negated);
            return;
          }
          return;
        }
      }
      const bool at_org = is(end, "at") || is(end, "of") || is(end, "for") || is(end, "with");
      std::optional<Phrase> org;
      if (at_org) org = entity_after(end + 1);
      // "the X" without an organisation is a description ("the best"), not a job.
      if (definite && !org) return;
      if (!looks_like_job(Phrase{t, end})) return;
      emit(*e, "job_title", Phrase{t, end}, negated);
      // "the author of the Distribute fork", "a host of the W3C": of a work or a body, not
      // an employer.
      static constexpr std::string_view kOfWork[] = {"author", "coauthor", "co-author", "owner", "co-owner", "host",
                                                     "creator", "maintainer", "inventor", "writer", "designer"};
      const bool of_work = is(end, "of") && std::find(std::begin(kOfWork), std::end(kOfWork),
                                                       s_[end - 1].folded) != std::end(kOfWork);
      if (org && !of_work) emit(*e, "employer", *org, negated);
      remember(*e);
      return;
    }
    // "I'm Dana" (a name, said by the writer)
    if (e->key == "user" && w.name_like() && !is_nationality(w.folded) && !is_not_name_word(w.folded)) {
      auto p = name_at(k);
      if (!p) return;
      const bool ends = p->end >= s_.size() || s_[p->end].punct || s_[p->end].is("and") || s_[p->end].is("from") ||
                        s_[p->end].is("here");
      if (ends) emit(*e, "name", *p, false, false);
    }
  }

  void place_fact_from(std::size_t k, const Entity& e, bool negated) {
    auto place = entity_after(k);
    if (!place) return;
    emit(e, "hometown", *place, negated);
    remember(e);
  }

  // A one-word name opening the sentence that the frame also writes in lower case.
  bool common_word_opening(const Phrase& p) const {
    return p.first == 0 && p.end == 1 && frame_.written_in_lower_case(s_[0].folded);
  }

  std::string_view text_;
  const Sentence& s_;
  FrameContext& frame_;
  Entity& last_person_;
  std::vector<ExtractedFact>& out_;
  std::optional<TextDate> date_;
  bool pronoun_ = false;
  std::optional<Entity> sentence_subject_;  // the last subject a fact was read for
  bool sentence_subject_pronoun_ = false;
};

}  // namespace

std::vector<ExtractedFact> extract_facts_by_rules(std::string_view text, std::int64_t frame_ms) {
  std::vector<ExtractedFact> out;
  // A long text is read a part at a time (parts end at blank lines, where no sentence runs
  // on), so its words are held for one part, not for the whole text: the same facts, in
  // bounded memory.
  const std::vector<TextPart> parts = paragraph_parts(text, kTextPartBytes);
  FrameContext frame{parts, text.find('@') != std::string_view::npos, {}, nullptr, std::nullopt, {}};
  for (const TextPart& part : parts) {
    const SplitText sentences = split_sentences(part.text, part.base, frame.any_at);
    if (parts.size() == 1) frame.only_part = &sentences;
    for (const Sentence& s : sentences) {
      SentenceReader reader(text, s, frame_ms, frame, out);
      reader.read();
    }
  }
  return out;
}

}  // namespace memvid::facts

#include "facts/fact_model.hpp"

namespace memvid::facts {

FactRow fact_row(ExtractedFact f, std::uint64_t frame) {
  FactRow r;
  r.frame = frame;
  r.entity = std::move(f.entity);
  r.entity_name = std::move(f.entity_name);
  r.slot = std::move(f.slot);
  r.value = std::move(f.value);
  r.negative = f.negative;
  r.valid_from_ms = f.valid_from_ms;
  r.value_begin = f.value_begin;
  r.value_length = f.value_length;
  r.confidence = static_cast<std::uint8_t>(std::clamp(f.confidence, 0.0f, 1.0f) * 100.0f + 0.5f);
  return r;
}

std::vector<FactRow> rules_fact_rows(std::string_view text, std::uint64_t frame, std::int64_t frame_ms,
                                     bool correction) {
  std::vector<FactRow> rows;
  const std::string engine = std::string(kRulesEngine) + "/" + std::string(kRulesEngineVersion);
  for (ExtractedFact& f : extract_facts_by_rules(text, frame_ms)) {
    if (rows.size() >= kMaxFactsPerFrame) break;
    FactRow r = fact_row(std::move(f), frame);
    r.ordinal = static_cast<std::uint32_t>(rows.size());
    r.engine = engine;
    r.correction = correction;
    if (correction) r.confidence = 100;  // asserted by the user
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace memvid::facts
