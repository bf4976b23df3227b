//! Grouping mentions into entities: the mentions of one thing in one document become one
//! [`Entity`] with the fullest mention as its name.
//!
//! News names a person in full once and then by surname ("Phay Siphan" … "Siphan"), an
//! organisation in full with its acronym once and then by the acronym ("Cambodia National
//! Rescue Party (CNRP)" … "CNRP"), and writes the same name in different cases ("US Embassy",
//! "US embassy"). Every lookup goes through a hash map, so grouping is linear in the mentions.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::gazetteer::{
    is_country_or_region, is_first_name, is_org_word, is_place_or_people, is_sentence_opener,
    is_title,
};
use super::repair::{Corrections, compound_tail};
use super::tagger::Tagged;
use crate::analysis::text::{Document, is_invisible};
use crate::analysis::{Entity, EntityType, Mention, MentionKind, Span};

/// Words left out of an acronym: "Ministry of Foreign Affairs" → MFA.
const ACRONYM_SKIP: &[&str] = &[
    "of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "on", "in",
];

/// A word of a person's full name, and where that full name is written (in document order).
struct Part {
    entity: usize,
    /// Whether the word is the name's last (the surname in most news styles).
    surname: bool,
    begins: Vec<usize>,
}

struct Found {
    span: Span,
    tokens: usize,
    kind: EntityType,
    /// Normalised text: lower case, single spaces.
    key: String,
}

/// Corrects the tagger where the document itself says better, in two ways a sentence-bound
/// tagger cannot see:
/// - a run that holds a person's title ("Ministry of National Defence Secretary of State General
///   Neang Phat") is an organisation, then titles, then a person: it is cut at the titles;
/// - a name ending in a word the document elsewhere uses alone as a person ("H Felter" …
///   "Felter") is that person: a short one is retyped (and takes a given name just before
///   it), a long one gives up its last two words.
pub(crate) fn refine(doc: &Document, tagged: &[Tagged], corrections: Corrections) -> Vec<Tagged> {
    let word = |i: usize| doc.token_text(i);
    let capitalised = |i: usize| word(i).chars().next().is_some_and(char::is_uppercase);
    let mut people: HashSet<&str> = HashSet::new();
    for t in tagged.iter().filter(|t| t.kind == EntityType::Person) {
        if t.tokens.len() == 1 {
            people.insert(word(t.tokens.start));
        }
    }
    let mut lower_words: Option<HashSet<String>> = None;
    let mut out: Vec<Tagged> = Vec::with_capacity(tagged.len());
    for t in tagged {
        let range = t.tokens.clone();
        // "Minister of Defence Tea Banh": after "<title> of", the words before the last two
        // (three with a middle initial) finish the title and the last two are the person.
        let after_title_of =
            range.start >= 2 && word(range.start - 1) == "of" && is_title(word(range.start - 2));
        if after_title_of
            && corrections.has(Corrections::TITLE_OF)
            && range.len() >= 3
            && (range.end - 2..range.end)
                .all(|i| capitalised(i) && !is_title(word(i)) && !is_org_word(word(i)))
        {
            // "… Asia Joseph H Felter": a middle initial takes the given name before it.
            let initial = |i: usize| is_initial(word(i));
            let start = if range.len() >= 4
                && initial(range.end - 2)
                && capitalised(range.end - 3)
                && !is_title(word(range.end - 3))
                && !is_org_word(word(range.end - 3))
            {
                range.end - 3
            } else {
                range.end - 2
            };
            // The title's own words name no one, but a place among them is one ("Secretary of
            // Defence for South and Southeast Asia").
            out.extend(known_places(doc, range.start..start));
            out.push(Tagged {
                tokens: start..range.end,
                kind: EntityType::Person,
            });
            continue;
        }
        // "Phay Siphan said": a sentence's first word before a one-word person is the given
        // name, unless it is a word the sentence would start with anyway or one the document
        // writes in lower case.
        let start = range.start;
        if corrections.has(Corrections::GIVEN_NAME_AT_START)
            && t.kind == EntityType::Person
            && range.len() == 1
            && start > 0
            && doc.starts_sentence(start - 1)
            && out.last().is_none_or(|p| p.tokens.end < start)
            && is_given_name_at_start(word(start - 1))
            && !lower_words
                .get_or_insert_with(|| lower_case_words(doc))
                .contains(&word(start - 1).to_lowercase())
        {
            out.push(Tagged {
                tokens: start - 1..range.end,
                kind: EntityType::Person,
            });
            continue;
        }
        let titles: Vec<usize> = (range.start + 1..range.end.saturating_sub(1))
            .filter(|&i| capitalised(i) && is_title(word(i)))
            .collect();
        if let (Some(&first), Some(&last), true) = (
            titles.first(),
            titles.last(),
            corrections.has(Corrections::TITLES_INSIDE),
        ) {
            let tail = last + 1..range.end;
            if tail.len() <= 3 && tail.clone().all(|i| capitalised(i) && !is_title(word(i))) {
                let kind = if t.kind == EntityType::Person {
                    EntityType::Organization
                } else {
                    t.kind
                };
                out.push(Tagged {
                    tokens: range.start..first,
                    kind,
                });
                out.push(Tagged {
                    tokens: tail,
                    kind: EntityType::Person,
                });
                continue;
            }
        }
        // "… Asia Joseph H Felter" with "Joseph" (or "Joseph H") left out: a known given name
        // in no other name is the person's when it stands right before the person, or before
        // a middle initial that does.
        let given = if start >= 2 && is_initial(word(start - 1)) {
            start - 2
        } else {
            start.saturating_sub(1)
        };
        if corrections.has(Corrections::GIVEN_NAME_BEFORE)
            && t.kind == EntityType::Person
            && start > 0
            && out.last().is_none_or(|p| p.tokens.end <= given)
            && capitalised(given)
            && is_first_name(word(given))
            && !is_title(word(given))
            && !(given + 1..=start).any(|i| doc.starts_sentence(i))
            && !doc.starts_sentence(given)
        {
            out.push(Tagged {
                tokens: given..range.end,
                kind: EntityType::Person,
            });
            continue;
        }
        let ends_with_person = corrections.has(Corrections::ENDS_WITH_PERSON)
            && t.kind != EntityType::Person
            && range.len() >= 2
            && people.contains(word(range.end - 1))
            && range.clone().all(capitalised);
        if ends_with_person && range.len() <= 3 {
            let mut start = range.start;
            let free = out.last().is_none_or(|p| p.tokens.end < start);
            if start > 0 && free && is_first_name(word(start - 1)) && !is_title(word(start - 1)) {
                start -= 1;
            }
            out.push(Tagged {
                tokens: start..range.end,
                kind: EntityType::Person,
            });
        } else if ends_with_person {
            out.push(Tagged {
                tokens: range.start..range.end - 2,
                kind: t.kind,
            });
            out.push(Tagged {
                tokens: range.end - 2..range.end,
                kind: EntityType::Person,
            });
        } else {
            out.push(t.clone());
        }
    }
    out
}

/// Whether a word is an initial: one capital letter, with or without its full stop ("H", "W.").
fn is_initial(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase())
}

/// Abbreviated titles written before a name, without their full stop.
const HONORIFICS: &[&str] = &[
    "Adm", "Amb", "Atty", "Capt", "Cmdr", "Col", "Del", "Dr", "Gen", "Gov", "Hon", "Lt", "Maj",
    "Mr", "Mrs", "Ms", "Mx", "Pres", "Prof", "Rep", "Rev", "Sen", "Sgt",
];

/// Whether a capitalised word is a person's title ("President") or an abbreviated one ("Del.").
fn is_title_or_honorific(word: &str) -> bool {
    word.starts_with(char::is_uppercase)
        && (is_title(word) || HONORIFICS.contains(&word.trim_end_matches('.')))
}

/// The runs of capitalised words in `tokens` that the lists know as a country or a region.
fn known_places(doc: &Document, tokens: Range<usize>) -> Vec<Tagged> {
    let capitalised = |i: usize| {
        doc.token_text(i)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    let mut places = Vec::new();
    let mut i = tokens.start;
    while i < tokens.end {
        let mut end = i;
        while end < tokens.end && capitalised(end) {
            end += 1;
        }
        // The longest known place opening the run, then on from its end.
        match (i + 1..=end)
            .rev()
            .find(|&e| is_country_or_region(doc.tokens_span(&(i..e)).text(doc.text)))
        {
            Some(e) => {
                places.push(Tagged {
                    tokens: i..e,
                    kind: EntityType::Location,
                });
                i = e;
            }
            None => i += 1,
        }
    }
    places
}

/// Whether a capitalised word opening a sentence may be a given name: not a title, not a word
/// that opens sentences ("Meanwhile", "The", "He"), not a place or a people.
fn is_given_name_at_start(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.clone().next().is_some()
        && chars.all(char::is_lowercase)
        && !is_title(word)
        && !is_sentence_opener(word)
        && !is_place_or_people(word)
}

/// The lower-cased forms of the words the document writes in lower case.
pub(crate) fn lower_case_words(doc: &Document) -> HashSet<String> {
    (0..doc.tokens.len())
        .map(|i| doc.token_text(i))
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_lowercase)
        .collect()
}

/// Groups the tagged names of `doc` into entities, in order of first mention.
pub(crate) fn group(doc: &Document, tagged: &[Tagged], corrections: Corrections) -> Vec<Entity> {
    let tagged = super::repair::repair(doc, &refine(doc, tagged, corrections), corrections);
    let mut found: Vec<Found> = Vec::with_capacity(tagged.len());
    for t in &tagged {
        // A name never begins or ends with punctuation (quotes, brackets, a possessive mark).
        let mut range = t.tokens.clone();
        let is_word = |i: usize| doc.token_text(i).chars().any(char::is_alphanumeric);
        while range.start < range.end && !is_word(range.start) {
            range.start += 1;
        }
        while range.end > range.start && !is_word(range.end - 1) {
            range.end -= 1;
        }
        // Nor does a person's name begin with a title ("Mr. Hawes", "President Obama",
        // "Del. Stacey Plaskett").
        while t.kind == EntityType::Person
            && range.len() > 1
            && is_title_or_honorific(doc.token_text(range.start))
        {
            range.start += 1;
        }
        if range.is_empty() {
            continue;
        }
        let mut span = doc.tokens_span(&range);
        // "Supreme Court-dissolved": an organisation's name ends before a compound's tail.
        if t.kind == EntityType::Organization {
            span.end -= compound_tail(doc.token_text(range.end - 1)).len();
        }
        found.push(Found {
            span,
            tokens: range.len(),
            kind: t.kind,
            key: normalise(doc.slice(span)),
        });
    }

    // Mention index → entity index; entities are made by full names first, then short forms join.
    let mut owner: Vec<Option<usize>> = vec![None; found.len()];
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_part: HashMap<String, Vec<Part>> = HashMap::new();
    let mut by_acronym: HashMap<String, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();

    for (m, f) in found.iter().enumerate() {
        if f.tokens < 2 {
            continue;
        }
        let e = *by_key.entry(typed_key(f)).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        owner[m] = Some(e);
        members[e].push(m);
        if f.kind == EntityType::Person {
            let last = f.key.rsplit(' ').next();
            for part in f.key.split(' ').filter(|p| p.chars().count() > 1) {
                let list = by_part.entry(part.to_owned()).or_default();
                let surname = Some(part) == last;
                match list.iter_mut().find(|p| p.entity == e) {
                    Some(known) => {
                        known.surname |= surname;
                        if known.begins.last() != Some(&f.span.begin) {
                            known.begins.push(f.span.begin);
                        }
                    }
                    None => list.push(Part {
                        entity: e,
                        surname,
                        begins: vec![f.span.begin],
                    }),
                }
            }
        } else if let Some(acronym) = acronym(doc.slice(f.span)) {
            by_acronym.entry(acronym).or_insert(e);
        }
    }
    // "Expansion (ACR)": the acronym right after a name in brackets is that name's. A person's
    // is only the person's initials ("John F. Kennedy (JFK)"): "Frank de Boer (Ajax)", "Jaap
    // Stam (PSV)" name the club.
    for (m, f) in found.iter().enumerate() {
        if let (Some(e), Some(next)) = (owner[m], found.get(m + 1)) {
            let between = &doc.text[f.span.end..next.span.begin];
            let after = doc.text.get(next.span.end..).unwrap_or("");
            if between.trim() == "("
                && after.trim_start().starts_with(')')
                && next.tokens == 1
                && is_short_form(doc.slice(f.span), doc.slice(next.span), f.kind)
            {
                by_acronym.insert(next.key.clone(), e);
            }
        }
    }
    for (m, f) in found.iter().enumerate() {
        if owner[m].is_some() {
            continue;
        }
        let e = if let Some(&e) = by_key.get(&typed_key(f)) {
            e
        } else if let Some(e) = person_by_part(&by_part, f) {
            e
        } else if let Some(&e) = by_acronym.get(undotted(&f.key).as_ref()).filter(|&&e| {
            members[e].iter().any(|&m| found[m].kind == f.kind)
                || f.kind == EntityType::Organization
        }) {
            e
        } else {
            members.push(Vec::new());
            by_key.insert(typed_key(f), members.len() - 1);
            members.len() - 1
        };
        owner[m] = Some(e);
        members[e].push(m);
    }

    let mut entities: Vec<Entity> = members
        .iter()
        .filter(|list| !list.is_empty())
        .map(|list| {
            let mut list = list.clone();
            list.sort_unstable();
            let canonical = list
                .iter()
                .copied()
                .max_by_key(|&m| (found[m].tokens, found[m].span.len(), std::cmp::Reverse(m)))
                .expect("an entity has a mention");
            Entity {
                name: visible_words(doc.slice(found[canonical].span))
                    .collect::<Vec<_>>()
                    .join(" "),
                kind: vote(&found, &list, found[canonical].kind),
                salience: 0.0,
                mentions: list
                    .iter()
                    .map(|&m| Mention {
                        span: found[m].span,
                        kind: MentionKind::Proper,
                    })
                    .collect(),
            }
        })
        .collect();
    entities.sort_by_key(|e| e.mentions.first().map_or(usize::MAX, |m| m.span.begin));
    entities
}

/// The person whose first name or surname a one-word mention is. A mention tagged as something
/// else joins only a person's surname, and only when no other entity has that name.
fn person_by_part(by_part: &HashMap<String, Vec<Part>>, f: &Found) -> Option<usize> {
    if f.tokens != 1 {
        return None;
    }
    let candidates = by_part.get(&f.key)?;
    // The person most recently named in full before this mention, else the first one named.
    let before = |p: &Part| {
        let n = p.begins.partition_point(|&b| b < f.span.begin);
        n.checked_sub(1).map(|i| p.begins[i])
    };
    let part = candidates
        .iter()
        .filter(|p| before(p).is_some())
        .max_by_key(|p| before(p))
        .or_else(|| candidates.first())?;
    (f.kind == EntityType::Person || part.surname).then_some(part.entity)
}

/// The majority type of an entity's mentions, counting each by its words; ties go to the
/// canonical mention's type.
fn vote(found: &[Found], list: &[usize], canonical: EntityType) -> EntityType {
    let mut votes = [0usize; 4];
    let index = |k: EntityType| k as usize;
    for &m in list {
        votes[index(found[m].kind)] += found[m].tokens;
    }
    let best = *votes.iter().max().expect("four types");
    if votes[index(canonical)] == best {
        return canonical;
    }
    let types = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Misc,
    ];
    types[votes
        .iter()
        .position(|&v| v == best)
        .expect("the maximum is one of them")]
}

/// Mentions with the same words join only when tagged alike: news names a country and its
/// national team, or a city and its club, with the same word.
fn typed_key(f: &Found) -> String {
    format!("{}\u{1f}{}", f.key, f.kind as u8)
}

fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in visible_words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The words of a name as a reader sees them: split at white space (and at a zero-width space
/// or byte-order mark between words), without the invisible characters of web text.
fn visible_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}'))
        .map(|w| w.chars().filter(|&c| !is_invisible(c)).collect::<String>())
        .filter(|w| !w.is_empty())
}

/// An acronym without its full stops: "u.s." → "us".
fn undotted(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains('.') && !key.contains(' ') {
        key.replace('.', "").into()
    } else {
        key.into()
    }
}

/// Whether `short` may be the short form of `name`, a name of type `kind`: made of its initials
/// ("Nato" for the North Atlantic Treaty Organisation, "JFK" for John F. Kennedy) or, but for a
/// person's, written in capitals ("ADB", "U.N.", "UNICEF"); a club or a country in brackets is
/// neither ("Nyva Vinnytsya (Ukraine)", "Jaap Stam (PSV)").
fn is_short_form(name: &str, short: &str, kind: EntityType) -> bool {
    let capitals = short.chars().filter(|c| c.is_uppercase()).count();
    acronym(name).is_some_and(|initials| initials == short.to_lowercase())
        || kind != EntityType::Person && capitals >= 2 && !short.chars().any(char::is_lowercase)
}

/// The acronym of a multi-word name, lower-cased: "Royal Cambodian Armed Forces" → "rcaf".
fn acronym(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 2 {
        return None;
    }
    let mut out = String::new();
    for word in words {
        if ACRONYM_SKIP.contains(&word.to_lowercase().as_str()) {
            continue;
        }
        let first = word.chars().next()?;
        if !first.is_uppercase() {
            continue;
        }
        out.extend(first.to_lowercase());
    }
    (out.chars().count() >= 2).then_some(out)
}

/// The entity a name refers to: its canonical name (any case), a person's first name or
/// surname, an acronym of its name, or any word of a multi-word name. For the quote extractor,
/// which meets speakers by surname ("Murphy said").
pub fn resolve_name(entities: &[Entity], name: &str) -> Option<usize> {
    let name = name
        .trim()
        .trim_end_matches(['’', '\''])
        .trim_end_matches("’s")
        .trim_end_matches("'s")
        .trim_matches(|c: char| !c.is_alphanumeric());
    if name.is_empty() {
        return None;
    }
    let key = normalise(name);
    if let Some(i) = entities.iter().position(|e| normalise(&e.name) == key) {
        return Some(i);
    }
    let person_part = |e: &Entity| {
        e.kind == EntityType::Person && normalise(&e.name).split(' ').any(|part| part == key)
    };
    if let Some(i) = entities.iter().position(|e| {
        e.kind == EntityType::Person && normalise(&e.name).rsplit(' ').next() == Some(key.as_str())
    }) {
        return Some(i);
    }
    if let Some(i) = entities.iter().position(person_part) {
        return Some(i);
    }
    if let Some(i) = entities
        .iter()
        .position(|e| acronym(&e.name).is_some_and(|a| a == key))
    {
        return Some(i);
    }
    if key.contains(' ') {
        // "the US Embassy" or "Prime Minister Hun Sen": a known name inside a longer phrase.
        return entities
            .iter()
            .position(|e| e.name.contains(' ') && key.contains(&normalise(&e.name)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(doc: &Document, names: &[(&str, EntityType)]) -> Vec<Tagged> {
        // Finds each listed name's tokens (every occurrence) in the document.
        let mut out = Vec::new();
        for &(name, kind) in names {
            let words: Vec<&str> = name.split(' ').collect();
            for start in 0..doc.tokens.len() {
                if start + words.len() <= doc.tokens.len()
                    && (0..words.len()).all(|k| doc.token_text(start + k) == words[k])
                {
                    out.push(Tagged {
                        tokens: start..start + words.len(),
                        kind,
                    });
                }
            }
        }
        out.sort_by_key(|t| t.tokens.start);
        out
    }

    fn names(entities: &[Entity], doc: &Document) -> Vec<(String, usize, Vec<String>)> {
        entities
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    e.mentions.len(),
                    e.mentions
                        .iter()
                        .map(|m| doc.slice(m.span).to_owned())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_surname_joins_the_full_name() {
        let doc = Document::new("Phay Siphan spoke. Later Siphan left.");
        let t = tagged(
            &doc,
            &[
                ("Phay Siphan", EntityType::Person),
                ("Siphan", EntityType::Person),
            ],
        );
        let t: Vec<Tagged> = t.into_iter().filter(|x| !(x.tokens == (1..2))).collect();
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1, "{:?}", names(&entities, &doc));
        assert_eq!(entities[0].name, "Phay Siphan");
        assert_eq!(entities[0].mentions.len(), 2);
    }

    #[test]
    fn a_surname_tagged_as_an_organisation_still_joins_the_person() {
        let doc = Document::new("Kem Sokha was held. Sokha denied it.");
        let t = vec![
            Tagged {
                tokens: 0..2,
                kind: EntityType::Person,
            },
            Tagged {
                tokens: 5..6,
                kind: EntityType::Organization,
            },
        ];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].kind, EntityType::Person);
    }

    #[test]
    fn an_acronym_joins_its_expansion() {
        let text = "The Cambodia National Rescue Party ( CNRP ) was dissolved. The CNRP appealed.";
        let doc = Document::new(text);
        let t = vec![
            Tagged {
                tokens: 1..5,
                kind: EntityType::Organization,
            },
            Tagged {
                tokens: 6..7,
                kind: EntityType::Organization,
            },
            Tagged {
                tokens: 12..13,
                kind: EntityType::Organization,
            },
        ];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1, "{:?}", names(&entities, &doc));
        assert_eq!(entities[0].name, "Cambodia National Rescue Party");
        assert_eq!(entities[0].mentions.len(), 3);
    }

    #[test]
    fn a_club_in_brackets_after_a_person_is_not_the_persons() {
        let doc = Document::new("Frank de Boer ( Ajax ) , John Veldman ( Ajax ) . Ajax won.");
        let t = tagged(
            &doc,
            &[
                ("Frank de Boer", EntityType::Person),
                ("John Veldman", EntityType::Person),
                ("Ajax", EntityType::Organization),
            ],
        );
        let entities = group(&doc, &t, Corrections::ALL);
        let found: Vec<(String, EntityType, usize)> = entities
            .iter()
            .map(|e| (e.name.clone(), e.kind, e.mentions.len()))
            .collect();
        assert_eq!(
            found,
            [
                ("Frank de Boer".to_owned(), EntityType::Person, 1),
                ("Ajax".to_owned(), EntityType::Organization, 3),
                ("John Veldman".to_owned(), EntityType::Person, 1),
            ]
        );
    }

    #[test]
    fn a_persons_initials_in_brackets_are_the_persons() {
        let doc = Document::new("John F. Kennedy ( JFK ) spoke. JFK left.");
        let t = tagged(
            &doc,
            &[
                ("John F. Kennedy", EntityType::Person),
                ("JFK", EntityType::Person),
            ],
        );
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1, "{:?}", names(&entities, &doc));
    }

    #[test]
    fn a_short_form_in_brackets_is_in_capitals_or_made_of_initials() {
        for (text, expansion, short) in [
            (
                "The Asian Development Bank ( ADB ) lent more. ADB said so.",
                "Asian Development Bank",
                "ADB",
            ),
            (
                "The North Atlantic Treaty Organisation ( Nato ) met. Nato said so.",
                "North Atlantic Treaty Organisation",
                "Nato",
            ),
        ] {
            let doc = Document::new(text);
            let t = tagged(
                &doc,
                &[
                    (expansion, EntityType::Organization),
                    (short, EntityType::Organization),
                ],
            );
            let entities = group(&doc, &t, Corrections::ALL);
            assert_eq!(entities.len(), 1, "{:?}", names(&entities, &doc));
        }
        // A country in brackets after a club is the club's country, not its short form.
        let doc = Document::new("Nyva Vinnytsya ( Ukraine ) 1 Tallinna Sadam ( Estonia ) 0");
        let t = tagged(
            &doc,
            &[
                ("Nyva Vinnytsya", EntityType::Location),
                ("Ukraine", EntityType::Location),
                ("Tallinna Sadam", EntityType::Location),
                ("Estonia", EntityType::Location),
            ],
        );
        assert_eq!(group(&doc, &t, Corrections::ALL).len(), 4);
    }

    #[test]
    fn a_dotted_acronym_joins_its_expansion() {
        let doc = Document::new("The United States said so. The U.S. envoy left.");
        let t = tagged(
            &doc,
            &[
                ("United States", EntityType::Location),
                ("U.S.", EntityType::Location),
            ],
        );
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1, "{:?}", names(&entities, &doc));
        assert_eq!(entities[0].name, "United States");
    }

    #[test]
    fn an_acronym_made_of_initials_joins_without_brackets() {
        let doc = Document::new("Royal Cambodian Armed Forces troops came. RCAF left.");
        let t = vec![
            Tagged {
                tokens: 0..4,
                kind: EntityType::Organization,
            },
            Tagged {
                tokens: 7..8,
                kind: EntityType::Organization,
            },
        ];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1);
    }

    #[test]
    fn case_variants_join() {
        let doc = Document::new("The US Embassy said so. The US embassy said more.");
        let t = vec![
            Tagged {
                tokens: 1..3,
                kind: EntityType::Organization,
            },
            Tagged {
                tokens: 7..9,
                kind: EntityType::Organization,
            },
        ];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].mentions.len(), 2);
    }

    #[test]
    fn invisible_characters_neither_split_nor_hide_a_name() {
        let text = "Phay Sip\u{00AD}han spoke. Phay\u{00A0}Siphan left.";
        let doc = Document::new(text);
        let t = vec![
            Tagged {
                tokens: 0..2,
                kind: EntityType::Person,
            },
            Tagged {
                tokens: 4..6,
                kind: EntityType::Person,
            },
        ];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(entities.len(), 1, "{entities:?}");
        assert_eq!(entities[0].name, "Phay Siphan");
        let spans: Vec<&str> = entities[0]
            .mentions
            .iter()
            .map(|m| m.span.text(text))
            .collect();
        assert_eq!(spans, ["Phay Sip\u{00AD}han", "Phay\u{00A0}Siphan"]);
    }

    #[test]
    fn punctuation_is_trimmed_from_mentions() {
        let doc = Document::new("“Sokha” left.");
        let t = vec![Tagged {
            tokens: 0..3,
            kind: EntityType::Person,
        }];
        let entities = group(&doc, &t, Corrections::ALL);
        assert_eq!(doc.slice(entities[0].mentions[0].span), "Sokha");
    }

    #[test]
    fn resolve_name_by_surname_first_name_and_acronym() {
        let entity = |name: &str, kind| Entity {
            name: name.into(),
            kind,
            salience: 0.0,
            mentions: Vec::new(),
        };
        let entities = [
            entity("Phay Siphan", EntityType::Person),
            entity("Cambodia National Rescue Party", EntityType::Organization),
            entity("US Embassy", EntityType::Organization),
        ];
        assert_eq!(resolve_name(&entities, "Siphan"), Some(0));
        assert_eq!(resolve_name(&entities, "Phay"), Some(0));
        assert_eq!(resolve_name(&entities, "Siphan’s"), Some(0));
        assert_eq!(resolve_name(&entities, "CNRP"), Some(1));
        assert_eq!(resolve_name(&entities, "US embassy"), Some(2));
        assert_eq!(resolve_name(&entities, "the US Embassy"), Some(2));
        assert_eq!(resolve_name(&entities, "Murphy"), None);
    }
}
