#include "facts/lexicon.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace memvid::facts {

namespace {

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& sorted, std::string_view w) {
  return std::binary_search(sorted.begin(), sorted.end(), w);
}

template <std::size_t N>
constexpr bool sorted(const std::array<std::string_view, N>& a) {
  for (std::size_t i = 1; i < N; ++i)
    if (!(a[i - 1] < a[i])) return false;
  return true;
}

constexpr std::array<std::string_view, 147> kFood = {
    "apples", "avocado", "avocados", "bacon", "bagels", "baklava", "bananas", "barbecue", "bbq", "beef",
    "beer", "biryani", "bread", "breakfast", "brisket", "broccoli", "brownies", "brunch", "burgers",
    "burritos", "butter", "cake", "cakes", "candy", "carbonara", "carrots", "cauliflower", "ceviche",
    "cheese", "cheesecake", "cherries", "chicken", "chili", "chips", "chocolate", "chocolates", "cilantro",
    "coconut", "coffee", "cookies", "corn", "croissants", "cuisine", "cupcakes", "curry", "dairy", "desserts",
    "dim", "dishes", "donuts", "doughnuts", "dumplings", "eggplant", "eggs", "espresso", "falafel", "fish",
    "food", "foods", "fries", "fruit", "garlic", "gelato", "gluten", "grapes", "gumbo", "hamburgers", "honey",
    "hummus", "ice", "icecream", "jam", "kale", "kimchi", "lamb", "lasagna", "latte", "lattes", "lemonade",
    "lentils", "lobster", "mangoes", "mangos", "matcha", "meat", "milk", "mochi", "mushrooms", "mussels",
    "noodles", "nuts", "oatmeal", "octopus", "olives", "onions", "oysters", "paella", "pancakes", "pasta",
    "pastries", "pastry", "peanuts", "peppers", "pho", "pie", "pineapple", "pizza", "popcorn", "pork",
    "potatoes", "pretzels", "pudding", "ramen", "rice", "risotto", "salad", "salads", "salmon", "sandwiches",
    "sashimi", "sausage", "seafood", "shellfish", "shrimp", "soda", "soup", "spaghetti", "spinach", "steak",
    "stew", "strawberries", "sushi", "sweets", "tacos", "tapas", "tea", "tempura", "tofu", "tomatoes", "tuna",
    "vegetables", "veggies", "waffles", "whiskey", "wine", "yogurt", "zucchini"};
static_assert(sorted(kFood));

constexpr std::array<std::string_view, 44> kProgramming = {
    "ada", "assembly", "bash", "c", "c#", "c++", "clojure", "cobol", "dart", "elixir", "elm", "erlang", "f#",
    "fortran", "go", "golang", "groovy", "haskell", "java", "javascript", "julia", "kotlin", "lisp", "lua",
    "matlab", "nim", "ocaml", "pascal", "perl", "php", "prolog", "python", "r", "racket", "ruby", "rust",
    "scala", "scheme", "smalltalk", "sql", "swift", "typescript", "zig", "zsh"};

constexpr std::array<std::string_view, 32> kPets = {
    "bird", "budgie", "bunny", "canary", "cat", "chinchilla", "cockatiel", "dog", "ferret", "fish", "gecko",
    "gerbil", "goldfish", "guinea", "hamster", "hedgehog", "horse", "iguana", "kitten", "kitty", "lizard",
    "mouse", "parakeet", "parrot", "pig", "pony", "puppy", "rabbit", "rat", "snake", "tortoise", "turtle"};
static_assert(sorted(kPets));

constexpr std::array<std::string_view, 22> kHonorifics = {
    "capt", "captain", "dame", "dr", "father", "judge", "lady", "lord", "madam", "miss", "mr", "mrs", "ms",
    "mx", "pastor", "prof", "professor", "rabbi", "rev", "reverend", "sir", "sister"};
static_assert(sorted(kHonorifics));

constexpr std::array<std::string_view, 214> kNotName = {
    "a", "about", "actually", "after", "afterwards", "again", "all", "also", "although", "an", "and",
    "another", "any", "anyway", "apparently", "april", "are", "as", "ask", "asked", "at", "august",
    "basically", "because", "before", "besides", "both", "btw", "but", "by", "call", "called", "can",
    "candidate", "certainly", "clearly", "congrats", "congratulations", "contact", "could", "currently",
    "customer", "dear", "december", "did", "dinner", "do", "does", "during", "each", "earlier", "either",
    "email", "even", "eventually", "every", "everyone", "everything", "february", "finally", "first",
    "fortunately", "friday", "from", "fyi", "good", "great", "had", "has", "have", "he", "hello", "her",
    "here", "hers", "hey", "hi", "his", "honestly", "however", "i", "if", "in", "indeed", "it", "its",
    "january", "july", "june", "just", "last", "lately", "later", "let", "many", "march", "may", "maybe",
    "meanwhile", "meet", "met", "might", "mine", "monday", "more", "moreover", "most", "much", "must", "my",
    "neither", "never", "new", "next", "no", "nobody", "none", "nor", "not", "note", "notes", "november",
    "now", "october", "of", "oh", "ok", "okay", "on", "onboarding", "once", "one", "only", "or", "other",
    "our", "ours", "overall", "perhaps", "ping", "please", "plus", "previously", "probably", "quick", "re",
    "recently", "reminder", "said", "saturday", "says", "september", "she", "should", "since", "so", "some",
    "someone", "something", "soon", "spoke", "standup", "still", "sunday", "sure", "talked", "team", "thank",
    "thanks", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "though", "thursday", "thus", "to", "today", "tomorrow", "tonight", "tuesday", "unfortunately", "update",
    "us", "vendor", "was", "we", "wednesday", "welcome", "well", "were", "what", "when", "where", "whether",
    "which", "while", "who", "why", "will", "with", "would", "yes", "yesterday", "yet", "you", "your"};
static_assert(sorted(kNotName));

constexpr std::array<std::string_view, 18> kParticles = {
    "al", "bin", "bint", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du", "ibn", "la",
    "le", "van", "von"};
static_assert(sorted(kParticles));

constexpr std::array<std::string_view, 60> kNationalities = {
    "african", "american", "arab", "argentinian", "asian", "australian", "austrian", "belgian", "brazilian",
    "british", "canadian", "catholic", "chilean", "chinese", "christian", "colombian", "croatian", "cuban",
    "czech", "danish", "dutch", "egyptian", "english", "european", "filipino", "finnish", "french", "german",
    "greek", "hindu", "hungarian", "indian", "indonesian", "irish", "israeli", "italian", "japanese",
    "jewish", "kenyan", "korean", "latino", "mexican", "muslim", "nigerian", "norwegian", "pakistani",
    "peruvian", "polish", "portuguese", "russian", "scottish", "spanish", "swedish", "swiss", "thai",
    "turkish", "ukrainian", "vegan", "vegetarian", "vietnamese"};
static_assert(sorted(kNationalities));

constexpr std::array<std::string_view, 44> kModifiers = {
    "'d", "'ll", "'s", "'ve", "actually", "already", "also", "always", "apparently", "been", "currently",
    "did", "do", "does", "eventually", "finally", "formally", "had", "happily", "has", "have", "just",
    "later", "now", "officially", "once", "originally", "previously", "proudly", "quietly", "really",
    "recently", "reluctantly", "reportedly", "still", "subsequently", "suddenly", "then", "therefore",
    "truly", "ultimately", "was", "will", "would"};

constexpr std::array<std::string_view, 62> kEndsText = {
    "after", "again", "already", "also", "and", "as", "at", "because", "before", "but", "by", "daily",
    "during", "every", "for", "from", "here", "if", "in", "instead", "into", "last", "lately", "later",
    "like", "lol", "more", "much", "near", "next", "now", "nowadays", "of", "on", "or", "over", "recently",
    "since", "so", "than", "that", "these", "this", "though", "through", "to", "today", "together",
    "tomorrow", "tonight", "too", "until", "very", "what", "when", "where", "which", "while", "who", "with",
    "yesterday", "yet"};

constexpr std::array<std::string_view, 16> kPronounValues = {
    "anything", "everything", "her", "him", "it", "me", "nothing", "one", "something", "that", "them",
    "these", "this", "those", "us", "you"};
static_assert(sorted(kPronounValues));

constexpr std::array<std::string_view, 36> kNotJob = {
    "big", "bit", "child", "citizen", "couple", "day", "dream", "fan", "father", "fellow", "friend", "genius",
    "good", "great", "huge", "kid", "little", "lot", "man", "member", "mess", "mom", "mother", "native",
    "newcomer", "nice", "part", "person", "real", "resident", "sure", "team", "total", "true", "woman",
    "year"};
static_assert(sorted(kNotJob));

constexpr std::array<std::string_view, 248> kJobs = {
    "accountant", "actor", "actress", "administrator", "adviser", "advisor", "agent", "analyst",
    "anesthesiologist", "animator", "announcer", "archaeologist", "architect", "archivist", "artist",
    "assistant", "associate", "astronaut", "astronomer", "athlete", "attorney", "auditor", "author", "baker",
    "banker", "barber", "barista", "bartender", "biologist", "blogger", "bookkeeper", "botanist", "builder",
    "butcher", "buyer", "captain", "cardiologist", "caregiver", "carpenter", "cashier", "ceo", "cfo",
    "chairman", "chairperson", "chairwoman", "chef", "chemist", "chiropractor", "cio", "cleaner", "clerk",
    "cmo", "coach", "columnist", "comedian", "commissioner", "composer", "concierge", "conductor",
    "consultant", "contractor", "controller", "coo", "cook", "coordinator", "copywriter", "counsel",
    "counsellor", "counselor", "courier", "cpo", "cso", "cto", "curator", "dancer", "dean", "dentist",
    "deputy", "dermatologist", "designer", "detective", "developer", "dietitian", "diplomat", "director",
    "dispatcher", "doctor", "driver", "drummer", "economist", "editor", "educator", "electrician", "em",
    "employee", "engineer", "entrepreneur", "epidemiologist", "estimator", "evp", "executive", "farmer",
    "filmmaker", "firefighter", "fisherman", "founder", "freelancer", "gardener", "geologist", "graduate",
    "guard", "guide", "guitarist", "hairdresser", "handyman", "head", "historian", "host", "housekeeper",
    "hygienist", "illustrator", "inspector", "instructor", "intern", "interpreter", "investigator",
    "investor", "janitor", "jeweler", "journalist", "judge", "lawyer", "lead", "lecturer", "librarian",
    "lifeguard", "linguist", "locksmith", "machinist", "manager", "marketer", "mathematician", "md",
    "mechanic", "mediator", "midwife", "minister", "musician", "nanny", "navigator", "negotiator",
    "neurologist", "neuroscientist", "nurse", "nutritionist", "officer", "oncologist", "operator", "optician",
    "optometrist", "organizer", "owner", "painter", "paralegal", "paramedic", "partner", "pastor",
    "pathologist", "pediatrician", "performer", "pharmacist", "photographer", "physician", "physicist",
    "physiotherapist", "pianist", "pilot", "planner", "plumber", "pm", "poet", "policeman", "politician",
    "president", "priest", "principal", "producer", "professor", "programmer", "psychiatrist", "psychologist",
    "publisher", "rabbi", "radiologist", "realtor", "receptionist", "recruiter", "rep", "reporter",
    "representative", "researcher", "resident", "scientist", "screenwriter", "secretary", "senator",
    "sergeant", "sheriff", "singer", "sociologist", "soldier", "solicitor", "sommelier", "specialist", "sre",
    "statistician", "steward", "stewardess", "strategist", "student", "superintendent", "supervisor",
    "surgeon", "surveyor", "svp", "swe", "tailor", "teacher", "technician", "technologist", "therapist",
    "trader", "trainer", "translator", "treasurer", "tutor", "typist", "underwriter", "urologist", "vet",
    "veterinarian", "vicar", "volunteer", "vp", "waiter", "waitress", "welder", "writer"};
static_assert(sorted(kJobs));

}  // namespace

bool is_food(std::string_view w) { return contains(kFood, w); }
bool is_programming_language(std::string_view w) {
  return std::find(kProgramming.begin(), kProgramming.end(), w) != kProgramming.end();
}
bool is_pet_animal(std::string_view w) { return contains(kPets, w); }
bool is_honorific(std::string_view w) { return contains(kHonorifics, w); }
bool is_not_name_word(std::string_view w) { return contains(kNotName, w); }
bool is_name_particle(std::string_view w) { return contains(kParticles, w); }
bool is_nationality(std::string_view w) { return contains(kNationalities, w); }
bool is_verb_modifier(std::string_view w) {
  return std::find(kModifiers.begin(), kModifiers.end(), w) != kModifiers.end();
}
bool ends_text_value(std::string_view w) { return std::find(kEndsText.begin(), kEndsText.end(), w) != kEndsText.end(); }
bool is_pronoun_value(std::string_view w) { return contains(kPronounValues, w); }
bool is_not_job(std::string_view w) { return contains(kNotJob, w); }
bool is_job_noun(std::string_view w) {
  if (contains(kJobs, w)) return true;
  // Occupations by their endings: pianist, technician, engineer, cardiologist.
  for (std::string_view suffix : {"ist", "ian", "eer", "ologist", "smith", "wright"})
    if (w.size() > suffix.size() + 2 && w.substr(w.size() - suffix.size()) == suffix) return true;
  // Plural-free "engineers" is no title; "-ers" and "-ors" of the list above are caught by it.
  return false;
}

std::string_view relation_slot(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kRelations[] = {
      {"boss", "manager"},     {"brother", "brother"},   {"child", "child"},       {"dad", "father"},
      {"daughter", "daughter"}, {"father", "father"},    {"fiance", "spouse"},     {"fiancee", "spouse"},
      {"friend", "friend"},    {"husband", "spouse"},    {"kid", "child"},         {"manager", "manager"},
      {"mom", "mother"},       {"mother", "mother"},     {"mum", "mother"},        {"partner", "spouse"},
      {"sibling", "sibling"},  {"sister", "sister"},     {"son", "son"},           {"spouse", "spouse"},
      {"supervisor", "manager"}, {"wife", "spouse"},     {"bestie", "friend"},     {"buddy", "friend"},
      {"stepbrother", "brother"}, {"stepsister", "sister"}, {"stepmother", "mother"}, {"stepfather", "father"},
      {"parent", "parent"},    {"parents", "parent"},
  };
  for (const auto& [word, slot] : kRelations)
    if (word == w) return slot;
  return {};
}

}  // namespace memvid::facts
