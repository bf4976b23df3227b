//! Gazetteers: lists of names that are facts (countries, cities, given names, titles), built by
//! `scripts/gazetteers.py` from packaged reference data and embedded in the binary.
//!
//! The tagger learns how much to trust a list hit; the lists alone never decide a tag. Phrases
//! are matched on normalised tokens (lower case, digits as 0), so a hit in a headline in capitals
//! counts as well, and the model sees whether the token was capitalised.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::features::normalise;
use super::hash::{KeyMap, hash_str, mix};
use crate::analysis::text::tokenize;

/// The lists, in the order of their bits in a token's hit mask.
pub(crate) const LISTS: &[(&str, &str)] = &[
    (
        "countries",
        include_str!("../../../data/gazetteers/countries.txt"),
    ),
    (
        "capitals",
        include_str!("../../../data/gazetteers/capitals.txt"),
    ),
    (
        "cities",
        include_str!("../../../data/gazetteers/cities.txt"),
    ),
    (
        "regions",
        include_str!("../../../data/gazetteers/regions.txt"),
    ),
    (
        "nationalities",
        include_str!("../../../data/gazetteers/nationalities.txt"),
    ),
    (
        "first_names",
        include_str!("../../../data/gazetteers/first_names.txt"),
    ),
    (
        "last_names",
        include_str!("../../../data/gazetteers/last_names.txt"),
    ),
    (
        "org_suffixes",
        include_str!("../../../data/gazetteers/org_suffixes.txt"),
    ),
    (
        "org_heads",
        include_str!("../../../data/gazetteers/org_heads.txt"),
    ),
    (
        "person_titles",
        include_str!("../../../data/gazetteers/person_titles.txt"),
    ),
];

/// The longest phrase, in tokens, that is looked up.
const MAX_TOKENS: usize = 5;
/// Marks a key that begins a longer phrase, so a lookup can stop early.
const PREFIX: u16 = 1 << 15;

/// Where a token falls in a matched phrase: Begin, Inside, Last, or Unit (a one-token phrase).
pub(crate) const POSITIONS: usize = 4;

pub(crate) struct Gazetteer {
    /// List bits by the mixed hashes of a phrase's normalised tokens: spread already, so the
    /// map takes them as they are (every token of every document is looked up here).
    phrases: KeyMap<u16>,
}

pub(crate) static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::build);

impl Gazetteer {
    fn build() -> Self {
        let mut phrases: KeyMap<u16> = KeyMap::default();
        let mut spans = Vec::new();
        for (list, (_, text)) in LISTS.iter().enumerate() {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                spans.clear();
                tokenize(line, 0, &mut spans);
                if spans.is_empty() || spans.len() > MAX_TOKENS {
                    continue;
                }
                let mut h = 0;
                for (i, span) in spans.iter().enumerate() {
                    h = mix(h, hash_str(&normalise(span.text(line))));
                    let bit = if i + 1 == spans.len() {
                        1 << list
                    } else {
                        PREFIX
                    };
                    *phrases.entry(h).or_default() |= bit;
                }
            }
        }
        Self { phrases }
    }

    /// For each token (given the hashes of its normalised form), a mask of list hits: bit
    /// `list * POSITIONS + position`.
    pub(crate) fn hits(&self, normalised: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; normalised.len()];
        for start in 0..normalised.len() {
            let mut h = 0;
            for len in 1..=MAX_TOKENS.min(normalised.len() - start) {
                h = mix(h, normalised[start + len - 1]);
                let Some(&found) = self.phrases.get(&h) else {
                    break;
                };
                let lists = found & !PREFIX;
                for list in 0..LISTS.len() {
                    if lists & (1 << list) == 0 {
                        continue;
                    }
                    let base = list * POSITIONS;
                    if len == 1 {
                        out[start] |= 1 << (base + 3);
                    } else {
                        out[start] |= 1 << base;
                        for hit in &mut out[start + 1..start + len - 1] {
                            *hit |= 1 << (base + 1);
                        }
                        out[start + len - 1] |= 1 << (base + 2);
                    }
                }
                if found & PREFIX == 0 {
                    break;
                }
            }
        }
        out
    }
}

/// One-word lists looked up by the grouping rules, lower-cased: titles, given names,
/// organisation words (heads and suffixes), places and peoples, and surnames.
static WORDS: LazyLock<[HashSet<String>; 5]> = LazyLock::new(|| {
    let set = |lists: &[usize]| {
        lists
            .iter()
            .flat_map(|&list| LISTS[list].1.lines())
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty() && !l.contains(' '))
            .collect()
    };
    [
        set(&[9]),
        set(&[5]),
        set(&[7, 8]),
        set(&[0, 1, 2, 3, 4]),
        set(&[6]),
    ]
});

/// Whole names looked up by the correction rules, lower-cased: places (countries, capitals,
/// regions of the world) and international organisations.
static PHRASES: LazyLock<[HashSet<String>; 2]> = LazyLock::new(|| {
    let set = |texts: &[&str]| {
        texts
            .iter()
            .flat_map(|text| text.lines())
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect()
    };
    [
        set(&[
            LISTS[0].1,
            LISTS[1].1,
            include_str!("../../../data/gazetteers/world_regions.txt"),
        ]),
        set(&[include_str!("../../../data/gazetteers/organisations.txt")]),
    ]
});

/// The sex a given name is borne by, where the census says so at least ten to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

static GIVEN_NAMES: LazyLock<HashMap<String, Gender>> = LazyLock::new(|| {
    let lists = [
        (
            include_str!("../../../data/gazetteers/male_names.txt"),
            Gender::Male,
        ),
        (
            include_str!("../../../data/gazetteers/female_names.txt"),
            Gender::Female,
        ),
    ];
    lists
        .iter()
        .flat_map(|&(text, gender)| text.lines().map(move |l| (l.trim().to_lowercase(), gender)))
        .filter(|(name, _)| !name.is_empty())
        .collect()
});

/// The sex a given name ("Melanie", "Donald") is mostly borne by, if the census tells.
pub fn gender_of(given_name: &str) -> Option<Gender> {
    GIVEN_NAMES.get(&given_name.to_lowercase()).copied()
}

/// Whether a name is a country, a capital or a region of the world ("Southeast Asia").
pub(crate) fn is_country_or_region(name: &str) -> bool {
    PHRASES[0].contains(&name.to_lowercase())
}

/// Whether a name is an international organisation's ("Asean", "World Bank").
pub(crate) fn is_known_organisation(name: &str) -> bool {
    PHRASES[1].contains(&name.to_lowercase())
}

/// Words that open English sentences without being names: pronouns, determiners,
/// conjunctions, prepositions and sentence adverbs.
const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "about",
    "according",
    "after",
    "again",
    "all",
    "also",
    "although",
    "an",
    "and",
    "another",
    "any",
    "as",
    "asked",
    "at",
    "before",
    "both",
    "but",
    "by",
    "despite",
    "during",
    "each",
    "earlier",
    "even",
    "every",
    "few",
    "finally",
    "for",
    "from",
    "he",
    "her",
    "here",
    "his",
    "however",
    "i",
    "if",
    "in",
    "instead",
    "it",
    "its",
    "last",
    "later",
    "many",
    "meanwhile",
    "more",
    "most",
    "much",
    "my",
    "neither",
    "nevertheless",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "over",
    "she",
    "since",
    "so",
    "some",
    "still",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "to",
    "today",
    "under",
    "until",
    "we",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "with",
    "yesterday",
    "yet",
    "you",
    "your",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Whether a word is a person's title or role ("Minister", "spokesman").
pub(crate) fn is_title(word: &str) -> bool {
    WORDS[0].contains(&word.to_lowercase())
}

/// Whether a word is a common given name ("Joseph").
pub(crate) fn is_first_name(word: &str) -> bool {
    WORDS[1].contains(&word.to_lowercase())
}

/// Whether a word is an organisation's head or suffix ("Ministry", "Party", "Inc").
pub(crate) fn is_org_word(word: &str) -> bool {
    WORDS[2].contains(&word.to_lowercase())
}

/// Whether a word is the one-word name of a place or a people ("Cambodia", "Cambodian").
pub(crate) fn is_place_or_people(word: &str) -> bool {
    WORDS[3].contains(&word.to_lowercase())
}

/// Whether a word names a day of the week: "Chin Malin on Thursday said" reads as "Chin Malin
/// said", and "Bob Dole Wednesday accused" names Bob Dole.
pub fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
    )
}

/// Whether a word is one that opens sentences without being a name ("However", "The").
pub(crate) fn is_sentence_opener(word: &str) -> bool {
    SENTENCE_OPENERS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(words: &[&str]) -> Vec<u64> {
        let hashes: Vec<u64> = words.iter().map(|w| hash_str(&normalise(w))).collect();
        GAZETTEER.hits(&hashes)
    }

    #[test]
    fn multi_token_country_is_matched_with_positions() {
        let countries = 0;
        let h = hits(&["in", "South", "Africa", "today"]);
        assert_eq!(h[0] & (0b1111 << countries), 0);
        assert_ne!(h[1] & (1 << (countries * POSITIONS)), 0, "South begins");
        assert_ne!(h[2] & (1 << (countries * POSITIONS + 2)), 0, "Africa ends");
    }

    #[test]
    fn titles_and_nationalities_are_single_tokens() {
        let h = hits(&["Cambodian", "spokesman"]);
        assert_ne!(h[0] & (1 << (4 * POSITIONS + 3)), 0);
        assert_ne!(h[1] & (1 << (9 * POSITIONS + 3)), 0);
        assert!(is_title("Spokesman"));
        assert!(is_first_name("Joseph"));
        assert!(!is_first_name("Cambodia"));
    }
}
