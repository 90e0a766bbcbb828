#pragma once
// The word lists the rules extractor consults, all in case-folded form. Each answers one
// question about a word or phrase; none is a list of names.
#include <string_view>

namespace memvid::facts {

// A food, dish, drink or cuisine word ("sushi", "ramen", "coffee", "food", "cuisine"): decides
// food_preference over preference. Asked of a phrase's last word and of the whole phrase.
bool is_food(std::string_view folded);
bool is_programming_language(std::string_view folded);
bool is_pet_animal(std::string_view folded);
// "Dr", "Mrs", "Prof", "Sir", ...: dropped in front of a name.
bool is_honorific(std::string_view folded);
// Words that start sentences in capitals but never begin a name: "The", "Today", "Also",
// "Monday", "Hi", "Our", ...
bool is_not_name_word(std::string_view folded);
// Lower-case words inside names: "van", "de", "da", "bin", ...
bool is_name_particle(std::string_view folded);
// "Italian", "French", ...: "I'm Italian" is no name.
bool is_nationality(std::string_view folded);
// Adverbs and auxiliaries that may stand between a subject and its verb ("currently",
// "has", "will", "recently", "also").
bool is_verb_modifier(std::string_view folded);
// Words that end a text value ("at", "in", "since", "because", "today", ...).
bool ends_text_value(std::string_view folded);
// Values that are not things one likes or is ("it", "that", "you", "this", "them").
bool is_pronoun_value(std::string_view folded);
// Nouns after "is a" that are no job ("fan", "friend", "lot", "member", "bit", "person").
bool is_not_job(std::string_view folded);
// The head noun of a job title: "engineer", "nurse", "ceo", "pianist", ...
bool is_job_noun(std::string_view folded);
// Family and social relations that "X is Y's R" and "my R X" name, and the slot each fills.
std::string_view relation_slot(std::string_view folded);

}  // namespace memvid::facts
