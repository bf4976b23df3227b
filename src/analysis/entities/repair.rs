//! Corrections a careful reader makes to the tagger's names, from what the document itself and
//! plain facts say. The tagger reads one sentence at a time with local features; these rules see
//! what it cannot:
//! - a headline in title case capitalises every word, so a name there stands only where the body
//!   names it too ("Obama Sees …" → "Obama");
//! - a possessive ends a name ("The Post’s requests" → "Post");
//! - "Ministry of …", "Council of …" open an organisation's name, and a name ending in "Party",
//!   "Court" or "Embassy" is an organisation's, with the capitalised words before it
//!   ("Cambodia National Rescue Party");
//! - lists of facts settle a type: international organisations, countries and regions of the
//!   world, given names before a surname.
//!
//! Every rule reads each name or token a bounded number of times, so repair is linear.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::gazetteer::{
    is_country_or_region, is_first_name, is_known_organisation, is_place_or_people,
    is_sentence_opener, is_title, is_weekday,
};
use super::tagger::Tagged;
use crate::analysis::EntityType;
use crate::analysis::text::Document;

/// Words that open an organisation's name before "of": "Ministry of Justice".
const HEADS_BEFORE_OF: &[&str] = &[
    "Academy",
    "Agency",
    "Association",
    "Bank",
    "Board",
    "Bureau",
    "Chamber",
    "College",
    "Commission",
    "Committee",
    "Council",
    "Court",
    "Department",
    "Embassy",
    "Federation",
    "Institute",
    "League",
    "Ministry",
    "Office",
    "Organisation",
    "Organization",
    "Secretariat",
    "Society",
    "University",
];

/// Words that end an organisation's name: "… Party", "… Court".
const LAST_WORDS: &[&str] = &[
    "Academy",
    "Agency",
    "Airlines",
    "Airways",
    "Army",
    "Assembly",
    "Association",
    "Authority",
    "Bank",
    "Board",
    "Bureau",
    "Co",
    "College",
    "Commission",
    "Committee",
    "Company",
    "Consulate",
    "Corp",
    "Corporation",
    "Council",
    "Court",
    "Department",
    "Embassy",
    "Federation",
    "Forces",
    "Foundation",
    "Group",
    "Holdings",
    "Inc",
    "Institute",
    "Laboratories",
    "Laboratory",
    "Ltd",
    "Ministry",
    "Movement",
    "Navy",
    "Organisation",
    "Organization",
    "Parliament",
    "Party",
    "Records",
    "Secretariat",
    "Senate",
    "Society",
    "Studios",
    "Tribunal",
    "University",
];

/// Words that end the name of an event, a show, a prize, a treaty or a law: "Nobel Peace
/// Prize", "Davis Cup", "Paris Air Show", "Civil War", "Paris Agreement".
const OTHER_LAST_WORDS: &[&str] = &[
    "Accord",
    "Accords",
    "Act",
    "Agreement",
    "Award",
    "Awards",
    "Championship",
    "Championships",
    "Cup",
    "Declaration",
    "Festival",
    "Olympics",
    "Prize",
    "Protocol",
    "Revolution",
    "Show",
    "Treaty",
    "Trophy",
    "War",
];

/// Words that end a place's name: "Brooklyn Bridge", "Fifth Avenue", "Taipei University
/// Hospital", "Taiwan Strait". Not "Park", "Forest" or "Coast": Sung-Hee Park, Nottingham
/// Forest and the West Coast Eagles are no places.
const PLACE_LAST_WORDS: &[&str] = &[
    "Airport",
    "Avenue",
    "Bay",
    "Boulevard",
    "Bridge",
    "Canal",
    "Canyon",
    "Castle",
    "Cathedral",
    "Church",
    "Desert",
    "Gulf",
    "Highway",
    "Hospital",
    "Island",
    "Islands",
    "Lake",
    "Mountain",
    "Mountains",
    "Ocean",
    "Peninsula",
    "River",
    "Road",
    "Sea",
    "Square",
    "Stadium",
    "Strait",
    "Street",
    "Valley",
];

/// Groups of people whose possessive is part of an organisation's name: "People’s Party".
const GROUPS_IN_NAMES: &[&str] = &[
    "Children",
    "Citizens",
    "Farmers",
    "Journalists",
    "Lawyers",
    "Men",
    "Nurses",
    "People",
    "Peoples",
    "Teachers",
    "Veterans",
    "Women",
    "Workers",
    "Writers",
];

/// A set of the corrections made after the tagger (here and in the grouping's refinement), so
/// that cross-validation can measure each one by leaving it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrections(u32);

impl Corrections {
    pub const ALL: Corrections = Corrections(u32::MAX);
    pub const NONE: Corrections = Corrections(0);
    pub const POSSESSIVE: Corrections = Corrections(1);
    pub const OPENER: Corrections = Corrections(1 << 1);
    pub const HEADLINES: Corrections = Corrections(1 << 2);
    pub const HEAD_OF: Corrections = Corrections(1 << 3);
    pub const LAST_WORD: Corrections = Corrections(1 << 4);
    pub const KNOWN_ORGANISATION: Corrections = Corrections(1 << 5);
    pub const KNOWN_PLACE: Corrections = Corrections(1 << 6);
    pub const SURNAME_ENDING: Corrections = Corrections(1 << 7);
    pub const COMMON_TAIL: Corrections = Corrections(1 << 9);
    pub const TITLE_OF: Corrections = Corrections(1 << 10);
    pub const GIVEN_NAME_AT_START: Corrections = Corrections(1 << 11);
    pub const TITLES_INSIDE: Corrections = Corrections(1 << 12);
    pub const ENDS_WITH_PERSON: Corrections = Corrections(1 << 13);
    pub const COMPOUND: Corrections = Corrections(1 << 14);
    pub const GIVEN_NAME_BEFORE: Corrections = Corrections(1 << 15);
    pub const NUMBER_TAIL: Corrections = Corrections(1 << 16);
    pub const KIND_OF_LAST_WORD: Corrections = Corrections(1 << 17);
    pub const THE_IN_A_NAME: Corrections = Corrections(1 << 18);
    pub const DATE_TAIL: Corrections = Corrections(1 << 19);
    pub const ORGANISATION_FIRST: Corrections = Corrections(1 << 20);
    pub const DATE_HEAD: Corrections = Corrections(1 << 21);
    pub const POSSESSIVE_NAME: Corrections = Corrections(1 << 22);
    pub const AFFILIATION: Corrections = Corrections(1 << 23);
    pub const SPELT_OUT: Corrections = Corrections(1 << 24);

    /// Every correction with its name, as `docsift-train ner-cv --without` spells it.
    pub const NAMED: [(&'static str, Corrections); 24] = [
        ("possessive", Self::POSSESSIVE),
        ("opener", Self::OPENER),
        ("headlines", Self::HEADLINES),
        ("head-of", Self::HEAD_OF),
        ("last-word", Self::LAST_WORD),
        ("known-organisation", Self::KNOWN_ORGANISATION),
        ("known-place", Self::KNOWN_PLACE),
        ("surname-ending", Self::SURNAME_ENDING),
        ("common-tail", Self::COMMON_TAIL),
        ("title-of", Self::TITLE_OF),
        ("given-name-at-start", Self::GIVEN_NAME_AT_START),
        ("titles-inside", Self::TITLES_INSIDE),
        ("ends-with-person", Self::ENDS_WITH_PERSON),
        ("compound", Self::COMPOUND),
        ("given-name-before", Self::GIVEN_NAME_BEFORE),
        ("number-tail", Self::NUMBER_TAIL),
        ("kind-of-last-word", Self::KIND_OF_LAST_WORD),
        ("the-in-a-name", Self::THE_IN_A_NAME),
        ("date-tail", Self::DATE_TAIL),
        ("organisation-first", Self::ORGANISATION_FIRST),
        ("date-head", Self::DATE_HEAD),
        ("possessive-name", Self::POSSESSIVE_NAME),
        ("affiliation", Self::AFFILIATION),
        ("spelt-out", Self::SPELT_OUT),
    ];

    /// Whether every correction of `other` is in the set.
    pub fn has(self, other: Corrections) -> bool {
        self.0 & other.0 == other.0
    }

    /// The set without the corrections of `other`.
    pub fn without(self, other: Corrections) -> Corrections {
        Corrections(self.0 & !other.0)
    }

    /// A correction by its name in [`Self::NAMED`].
    pub fn named(name: &str) -> Option<Corrections> {
        Self::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, c)| c)
    }
}

/// Corrects the tagger's names of `doc`; the result is in document order, without overlaps.
pub(crate) fn repair(doc: &Document, tagged: &[Tagged], corrections: Corrections) -> Vec<Tagged> {
    let on = |c| corrections.has(c);
    let names: Vec<Tagged> = tagged
        .iter()
        .map(|t| {
            if on(Corrections::POSSESSIVE_NAME) {
                take_possessive_name(doc, t)
            } else {
                t.clone()
            }
        })
        .filter_map(|t| {
            if on(Corrections::POSSESSIVE) {
                cut_at_possessive(doc, &t, on(Corrections::POSSESSIVE_NAME))
            } else {
                Some(t)
            }
        })
        .filter_map(|t| {
            if on(Corrections::OPENER) {
                drop_opener(doc, t)
            } else {
                Some(t)
            }
        })
        .map(|t| {
            if on(Corrections::NUMBER_TAIL) {
                cut_number_tail(doc, t)
            } else {
                t
            }
        })
        .map(|t| {
            if on(Corrections::DATE_TAIL) {
                cut_date_tail(doc, t)
            } else {
                t
            }
        })
        .map(|t| {
            if on(Corrections::DATE_HEAD) {
                cut_date_head(doc, t)
            } else {
                t
            }
        })
        .flat_map(|t| {
            if on(Corrections::COMPOUND) {
                cut_after_compound(doc, t)
            } else {
                vec![t]
            }
        })
        .collect();
    let names = if on(Corrections::HEADLINES) {
        headlines(doc, names)
    } else {
        names
    };
    let names = if on(Corrections::HEAD_OF) {
        overlay(names, organisations_of(doc))
    } else {
        names
    };
    let names = if on(Corrections::LAST_WORD) {
        extend_organisations(doc, names)
    } else {
        names
    };
    let mut names = if on(Corrections::SPELT_OUT) {
        let spelt = spelt_out(doc, &names);
        overlay(names, spelt)
    } else {
        names
    };
    for name in &mut names {
        name.kind = retype(doc, name, corrections);
    }
    if on(Corrections::AFFILIATION) {
        affiliations(doc, &mut names);
    }
    if on(Corrections::THE_IN_A_NAME) {
        for name in &mut names {
            the_in_a_name(doc, name);
        }
    }
    if on(Corrections::COMMON_TAIL) {
        cut_common_tails(doc, &mut names);
    }
    names
}

/// "Frank de Boer ( Ajax )", "Marco Pascolo (Cagliari)": a name in brackets right after a
/// person's is no other person but what the person belongs to, a club, a party or a country. The
/// tagger, reading a list of people, often calls it one more person: it is the country when the
/// list of countries and regions knows it, else the organisation (a club named by its town,
/// "Marseille", is one).
fn affiliations(doc: &Document, names: &mut [Tagged]) {
    for i in 1..names.len() {
        let (person, name) = (&names[i - 1], &names[i]);
        let bracketed = person.tokens.end + 1 == name.tokens.start
            && doc.token_text(person.tokens.end) == "("
            && name.tokens.end < doc.tokens.len()
            && doc.token_text(name.tokens.end) == ")";
        if person.kind == EntityType::Person && name.kind == EntityType::Person && bracketed {
            let text = doc.slice(doc.tokens_span(&name.tokens));
            names[i].kind = if is_country_or_region(text) {
                EntityType::Location
            } else {
                EntityType::Organization
            };
        }
    }
}

/// "did not respond to The Post’s requests": a capital "The" inside a sentence that the tagger
/// left out of the one-word place or person after it belongs to the name, the title of a
/// publication or an organisation, unless the word is a known place or people, or a given name.
/// ("The Oval", where the tagger takes the "The" in, stays a place.)
fn the_in_a_name(doc: &Document, t: &mut Tagged) {
    let start = t.tokens.start;
    if t.tokens.len() != 1
        || start == 0
        || doc.token_text(start - 1) != "The"
        || doc.starts_sentence(start - 1)
        || !matches!(t.kind, EntityType::Location | EntityType::Person)
    {
        return;
    }
    let word = doc.token_text(start);
    if is_place_or_people(word) || is_first_name(word) || !word.chars().all(char::is_alphabetic) {
        return;
    }
    t.tokens.start = start - 1;
    t.kind = EntityType::Organization;
}

/// "the Pulitzer Prize for Fiction in 1940": a joining word and numbers after it end no name
/// ("Euro 2016", a number right after a capitalised word, may).
fn cut_number_tail(doc: &Document, mut t: Tagged) -> Tagged {
    let word = |i: usize| doc.token_text(i);
    let mut end = t.tokens.end;
    if end > t.tokens.start + 3 && word(end - 1) == "." {
        end -= 1;
    }
    let numbers = end;
    while end > t.tokens.start + 2 && word(end - 1).chars().all(|c| c.is_ascii_digit()) {
        end -= 1;
    }
    if end < numbers && word(end - 1).chars().all(char::is_lowercase) {
        t.tokens.end = end - 1;
    }
    t
}

/// "presidential candidate Bob Dole Wednesday accused", "Emnid Aug 23": a date ends a name.
/// A day of the week goes when a lower-case word follows it, with an "on" before it; a month
/// when a number follows it. Other names (the kind of "Black Friday") keep theirs, and so does a
/// football club in a table ("Sheffield Wednesday 3 3 0"), though not in prose ("Sheffield
/// Wednesday beat").
fn cut_date_tail(doc: &Document, mut t: Tagged) -> Tagged {
    let (start, end) = (t.tokens.start, t.tokens.end);
    if end < start + 2 || t.kind == EntityType::Misc || end >= doc.tokens.len() {
        return t;
    }
    let last = doc.token_text(end - 1);
    let next = doc.token_text(end);
    let date = if is_weekday(last) {
        next.starts_with(|c: char| c.is_lowercase())
    } else {
        is_month(last) && next.starts_with(|c: char| c.is_ascii_digit())
    };
    if date {
        let mut cut = end - 1;
        if cut > start + 1 && doc.token_text(cut - 1) == "on" {
            cut -= 1;
        }
        t.tokens.end = cut;
    }
    t
}

/// "WED Imphold YR EPS 172.7", "THU M&R YR DIV": a day of the week abbreviated in capitals
/// dates a row of a table and is no part of the name after it. "SAT" and "SUN", which are also
/// names ("SUN MICROSYSTEMS"), are left as they are.
fn cut_date_head(doc: &Document, mut t: Tagged) -> Tagged {
    let start = t.tokens.start;
    if t.tokens.len() >= 2
        && matches!(
            doc.token_text(start),
            "MON" | "TUE" | "TUES" | "WED" | "THU" | "THUR" | "THURS" | "FRI"
        )
    {
        t.tokens.start = start + 1;
    }
    t
}

/// A month's name or its abbreviation, but "May", which is also a surname.
fn is_month(word: &str) -> bool {
    matches!(
        word,
        "January"
            | "February"
            | "March"
            | "April"
            | "June"
            | "July"
            | "August"
            | "September"
            | "October"
            | "November"
            | "December"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
    )
}

/// "Supreme Court-dissolved Cambodia National Rescue Party": a word with a lower-case compound
/// tail ends a name; the capitalised words after it are another name of the same type.
fn cut_after_compound(doc: &Document, t: Tagged) -> Vec<Tagged> {
    let mut out = Vec::new();
    let mut start = t.tokens.start;
    for i in t.tokens.clone() {
        if i + 1 < t.tokens.end && has_compound_tail(doc.token_text(i)) {
            out.push(Tagged {
                tokens: start..i + 1,
                kind: t.kind,
            });
            start = i + 1;
        }
    }
    out.push(Tagged {
        tokens: start..t.tokens.end,
        kind: t.kind,
    });
    out
}

/// "President Obama Speech at …": a person's name whose last word the document also writes in
/// lower case ("speech"), and whose other words it uses alone as a person's name elsewhere
/// ("Obama"), ends before that word.
fn cut_common_tails(doc: &Document, names: &mut [Tagged]) {
    let alone: HashSet<String> = names
        .iter()
        .filter(|t| t.kind == EntityType::Person && t.tokens.len() == 1)
        .map(|t| doc.token_text(t.tokens.start).to_lowercase())
        .collect();
    let mut lower: Option<HashSet<String>> = None;
    for t in names.iter_mut() {
        if t.kind != EntityType::Person || t.tokens.len() != 2 {
            continue;
        }
        let (first, last) = (
            doc.token_text(t.tokens.start),
            doc.token_text(t.tokens.end - 1),
        );
        if alone.contains(&first.to_lowercase())
            && !is_first_name(first)
            && lower
                .get_or_insert_with(|| super::group::lower_case_words(doc))
                .contains(&last.to_lowercase())
        {
            t.tokens.end -= 1;
        }
    }
}

/// The lower-case tail of a compound word ("-dissolved" of "Court-dissolved"), or "".
pub(crate) fn compound_tail(word: &str) -> &str {
    match word.rfind('-') {
        Some(at) if at > 0 && word[at + 1..].starts_with(char::is_lowercase) => &word[at..],
        _ => "",
    }
}

/// The word without its compound tail: "Court-dissolved" → "Court".
fn stem(word: &str) -> &str {
    &word[..word.len() - compound_tail(word).len()]
}

fn has_compound_tail(word: &str) -> bool {
    !compound_tail(word).is_empty()
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "’s" | "'s" | "’" | "'")
}

/// Companies named in the possessive, by the word before it ("Lloyd's", "Moody's"): one word
/// that, alone before its "'s", is the company rather than a person or place whose something
/// follows.
const POSSESSIVE_NAMES: &[&str] = &[
    "lloyd",
    "moody",
    "mcdonald",
    "sainsbury",
    "sotheby",
    "kellogg",
    "hershey",
    "dillard",
    "domino",
    "harrah",
    "macy",
];

fn is_possessive_name(word: &str) -> bool {
    POSSESSIVE_NAMES
        .iter()
        .any(|name| name.eq_ignore_ascii_case(word))
}

/// "Lloyd 's of London", "MOODY 'S": a one-word name of [`POSSESSIVE_NAMES`] right before its
/// possessive is the company, possessive and all.
fn take_possessive_name(doc: &Document, t: &Tagged) -> Tagged {
    let mut t = t.clone();
    let end = t.tokens.end;
    if t.tokens.len() == 1
        && end < doc.tokens.len()
        && is_possessive_name(doc.token_text(t.tokens.start))
        && matches!(doc.token_text(end), "’s" | "'s" | "'S" | "’S")
    {
        t.tokens.end = end + 1;
        t.kind = EntityType::Organization;
    }
    t
}

/// "Post ’s requests" → "Post": a possessive followed by lower-case words ends the name
/// ("Cambodian People’s Party" keeps its possessive, and so does "Lloyd's" when `named`).
fn cut_at_possessive(doc: &Document, t: &Tagged, named: bool) -> Option<Tagged> {
    let range = t.tokens.clone();
    let cut = (range.start + 1..range.end).find(|&i| {
        is_possessive(doc.token_text(i))
            && (i + 1 == range.end || !capitalised(doc.token_text(i + 1)))
            && !(named && i == range.start + 1 && is_possessive_name(doc.token_text(range.start)))
    });
    let end = cut.unwrap_or(range.end);
    (end > range.start).then_some(Tagged {
        tokens: range.start..end,
        kind: t.kind,
    })
}

/// "And Trump didn’t apologize", "Besides Clinton …", "Of Carson, Levine said": a conjunction,
/// preposition or sentence adverb opening a sentence is no part of the name after it.
fn drop_opener(doc: &Document, t: Tagged) -> Option<Tagged> {
    let first = doc.token_text(t.tokens.start);
    let opens_sentence = doc.starts_sentence(t.tokens.start);
    let opener = matches!(
        first.to_lowercase().as_str(),
        "and"
            | "but"
            | "or"
            | "so"
            | "yet"
            | "nor"
            | "however"
            | "meanwhile"
            | "instead"
            | "still"
            | "also"
            | "then"
            | "before"
            | "after"
            | "when"
            | "while"
            | "since"
            | "although"
            | "though"
            | "if"
            | "as"
            | "even"
            | "now"
            | "today"
            | "yesterday"
            | "tomorrow"
            | "tonight"
            | "besides"
            | "absent"
            | "despite"
            | "unlike"
            | "without"
            | "because"
            | "unless"
            | "until"
            | "during"
            | "against"
            | "amid"
            | "perhaps"
            | "indeed"
            | "moreover"
            | "nevertheless"
            | "nonetheless"
            | "otherwise"
            | "thus"
            | "finally"
            | "later"
            | "earlier"
            | "why"
            | "how"
            | "where"
    );
    // A plain preposition may open the title of a work ("Of Mice and Men").
    let preposition = t.kind != EntityType::Misc
        && matches!(
            first.to_lowercase().as_str(),
            "of" | "for" | "to" | "with" | "from" | "about" | "like" | "by" | "at" | "in" | "on"
        );
    if t.tokens.len() >= 2 && opens_sentence && (opener || preposition) {
        return Some(Tagged {
            tokens: t.tokens.start + 1..t.tokens.end,
            kind: t.kind,
        });
    }
    Some(t)
}

/// Short words a title-case headline leaves in lower case.
fn is_minor_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "a" | "an"
            | "the"
            | "and"
            | "or"
            | "but"
            | "nor"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "from"
            | "by"
            | "with"
            | "as"
            | "if"
            | "vs"
            | "via"
            | "into"
            | "over"
            | "after"
            | "amid"
            | "is"
            | "are"
            | "be"
    )
}

/// The token ranges of the headlines written in title case: in the lines that open the document
/// (before its first line of prose), a line of a few words, each capitalised bar short function
/// words, with no digits or commas (a score line, a list of names) and some lower case (a line in
/// capitals is read by the tagger's headline features instead).
pub(crate) fn title_case_lines(doc: &Document) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    for paragraph in &doc.paragraphs {
        let first = doc.sentences.get(paragraph.sentences.start);
        let last = doc.sentences.get(paragraph.sentences.end.wrapping_sub(1));
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        let tokens = first.tokens.start..last.tokens.end;
        let words: Vec<&str> = tokens
            .clone()
            .map(|i| doc.token_text(i))
            .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
            .filter(|w| !is_minor_word(w) && !w.contains(['\'', '’']))
            .collect();
        let title_case = words.iter().all(|w| capitalised(w));
        if !title_case && words.len() >= 8 {
            break;
        }
        let text = doc.slice(paragraph.span);
        if title_case
            && words.len() >= 4
            && tokens.len() <= 30
            && text.contains(char::is_lowercase)
            && !text.contains(|c: char| c.is_ascii_digit() || c == ',')
        {
            lines.push(tokens);
        }
    }
    lines
}

fn key(doc: &Document, tokens: Range<usize>) -> String {
    tokens
        .map(|i| doc.token_text(i).to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Names inside a title-case headline are kept where the body names them (in full, or a part of
/// them: "Obama Sees" → "Obama"), and where a fact list vouches for them; the rest are the
/// headline's capitals.
fn headlines(doc: &Document, names: Vec<Tagged>) -> Vec<Tagged> {
    let lines = title_case_lines(doc);
    if lines.is_empty() {
        return names;
    }
    let in_line = |t: &Tagged| {
        let at = lines.partition_point(|l| l.end <= t.tokens.start);
        lines.get(at).is_some_and(|l| l.start <= t.tokens.start)
    };
    // The body's names and the words of its people's names, with their types.
    let mut body: HashMap<String, EntityType> = HashMap::new();
    for t in names.iter().filter(|t| !in_line(t)) {
        body.entry(key(doc, t.tokens.clone())).or_insert(t.kind);
        if t.kind == EntityType::Person {
            for i in t.tokens.clone() {
                body.entry(doc.token_text(i).to_lowercase())
                    .or_insert(EntityType::Person);
            }
        }
    }
    let mut out = Vec::with_capacity(names.len());
    for t in names {
        if !in_line(&t) || vouched(doc, &t) {
            out.push(t);
            continue;
        }
        let range = t.tokens.clone();
        // The longest part of the name that the body names, with the body's type.
        let part = (1..=range.len()).rev().find_map(|len| {
            (range.start..=range.end - len)
                .map(|s| s..s + len)
                .find_map(|r| body.get(&key(doc, r.clone())).map(|&kind| (r, kind)))
        });
        if let Some((tokens, kind)) = part {
            out.push(Tagged { tokens, kind });
        }
    }
    out
}

/// Whether a fact list vouches for a name: a known place or organisation, or a person whose
/// first word is a given name.
fn vouched(doc: &Document, t: &Tagged) -> bool {
    let text = doc.slice(doc.tokens_span(&t.tokens));
    is_country_or_region(text)
        || is_place_or_people(text)
        || is_known_organisation(text)
        || (t.kind == EntityType::Person
            && t.tokens.len() >= 2
            && is_first_name(doc.token_text(t.tokens.start)))
}

/// "Council of Ministers", "Ministry of Foreign Affairs and International Cooperation": a head
/// word, "of", and the capitalised words (and connectors between them) that follow.
fn organisations_of(doc: &Document) -> Vec<Tagged> {
    let word = |i: usize| doc.token_text(i);
    let n = doc.tokens.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < n {
        if !(HEADS_BEFORE_OF.contains(&word(i)) && word(i + 1) == "of") {
            i += 1;
            continue;
        }
        let mut end = i + 2;
        if word(end) == "the" && end + 1 < n {
            end += 1;
        }
        let mut last = None;
        while end < n {
            let w = word(end);
            if capitalised(w) && w.chars().any(char::is_alphabetic) && !is_title(w) {
                end += 1;
                last = Some(end);
                if has_compound_tail(w) {
                    break;
                }
            } else if matches!(w, "of" | "and" | "for" | "&")
                && last == Some(end)
                && end + 1 < n
                && capitalised(word(end + 1))
                && !is_title(word(end + 1))
            {
                end += 1;
            } else {
                break;
            }
        }
        match last {
            Some(end) => {
                out.push(Tagged {
                    tokens: i..end,
                    kind: EntityType::Organization,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Words between the capitalised words of a name spelt out in a list, left out of its acronym.
const LIST_JOINS: &[&str] = &[",", "and", "&", "of", "the", "for"];

/// "Immigration, Refugees and Citizenship Canada … IRCC": a run of capitalised words joined by
/// commas and "and" whose initials spell an organisation's acronym in the same document is that
/// organisation's name, which the tagger, reading the commas as a list, cut into several. The
/// run must hold a comma, "and" or "&" (without one the tagger reads the name whole), and the
/// acronym must be named on its own as an organisation: "Europe, Middle East and Africa" is no
/// organisation for "Summit EMEA", nor the "Growth and Opportunity Project" for the "GOP" party.
fn spelt_out(doc: &Document, names: &[Tagged]) -> Vec<Tagged> {
    let word = |i: usize| doc.token_text(i);
    let acronyms: HashSet<&str> = names
        .iter()
        .filter(|t| t.tokens.len() == 1 && t.kind == EntityType::Organization)
        .map(|t| word(t.tokens.start))
        .filter(|w| (3..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_uppercase()))
        .collect();
    let Some(longest) = acronyms.iter().map(|a| a.len()).max() else {
        return Vec::new();
    };
    let named: HashSet<Range<usize>> = names.iter().map(|t| t.tokens.clone()).collect();
    let mut out = Vec::new();
    for sentence in &doc.sentences {
        let range = sentence.tokens.clone();
        let mut i = range.start;
        while i < range.end {
            let mut initials = String::new();
            let mut listed = false;
            let mut found = None;
            let mut j = i;
            while j < range.end && initials.len() < longest {
                let w = word(j);
                if capitalised(w) && w.chars().any(char::is_lowercase) {
                    initials.extend(w.chars().next());
                    if listed && acronyms.contains(initials.as_str()) {
                        found = Some(j);
                    }
                } else if j > i && LIST_JOINS.contains(&w.to_lowercase().as_str()) {
                    listed |= matches!(w, "," | "and" | "&");
                } else {
                    break;
                }
                j += 1;
            }
            match found.filter(|&last| !named.contains(&(i..last + 1))) {
                Some(last) => {
                    out.push(Tagged {
                        tokens: i..last + 1,
                        kind: EntityType::Organization,
                    });
                    i = last + 1;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// Lays `over` on `names`: a name that overlaps one of `over` gives way to it, except that an
/// organisation reaching further left keeps its start ("US Department" + "Department of State"
/// → "US Department of State"). Both lists are in document order; the result is too.
fn overlay(names: Vec<Tagged>, over: Vec<Tagged>) -> Vec<Tagged> {
    if over.is_empty() {
        return names;
    }
    let mut out: Vec<Tagged> = Vec::with_capacity(names.len() + over.len());
    let mut names = names.into_iter().peekable();
    for mut o in over {
        while let Some(t) = names.next_if(|t| t.tokens.start < o.tokens.end) {
            if t.tokens.end <= o.tokens.start {
                out.push(t);
            } else if t.tokens.start < o.tokens.start && t.kind == EntityType::Organization {
                o.tokens.start = t.tokens.start;
            }
        }
        while out.last().is_some_and(|p| p.tokens.end > o.tokens.start) {
            out.pop();
        }
        out.push(o);
    }
    out.extend(names);
    out
}

/// A name ending in an organisation's last word takes the capitalised words just before it,
/// and a name right before them: "Cambodia" + "National Rescue Party" → one name.
fn extend_organisations(doc: &Document, names: Vec<Tagged>) -> Vec<Tagged> {
    let word = |i: usize| doc.token_text(i);
    let mut out: Vec<Tagged> = Vec::with_capacity(names.len());
    for mut t in names {
        let last = word(t.tokens.end - 1);
        if LAST_WORDS.contains(&stem(last)) {
            let mut start = t.tokens.start;
            loop {
                let previous = out.last().filter(|p| {
                    p.tokens.end == start && !has_compound_tail(word(p.tokens.end - 1))
                });
                if let Some(p) = previous {
                    start = p.tokens.start;
                    out.pop();
                    continue;
                }
                if start == 0 {
                    break;
                }
                let w = word(start - 1);
                // "Cambodian People’s Party", "Workers’ Party": the possessive of a group of
                // people belongs to the name ("Britain’s Labour Party" does not join).
                if is_possessive(w)
                    && start >= 2
                    && GROUPS_IN_NAMES.contains(&word(start - 2))
                    && out.last().is_none_or(|p| p.tokens.end < start)
                {
                    start -= 1;
                    continue;
                }
                let opener = doc.starts_sentence(start - 1) && is_sentence_opener(w);
                if capitalised(w)
                    && w.chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                    && !has_compound_tail(w)
                    && !is_title(w)
                    && !opener
                    && out.last().is_none_or(|p| p.tokens.end < start)
                {
                    start -= 1;
                } else {
                    break;
                }
            }
            t.tokens.start = start;
            t.kind = EntityType::Organization;
        }
        out.push(t);
    }
    out
}

/// Endings of surnames that place names rarely have: "Milosevic", "Kuchma" does not, but
/// "Yanukovych", "Timoshenko", "Ceausescu", "Kwasniewski", "Papandreou" do.
fn has_surname_ending(word: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "vic", "vić", "vich", "vych", "enko", "escu", "ski", "sky", "wicz", "poulos", "idis",
        "akis", "ou", "shvili", "dze", "yan",
    ];
    word.chars().count() > 4 && ENDINGS.iter().any(|e| word.ends_with(e))
}

/// The type that facts give a name, else the tagger's.
fn retype(doc: &Document, t: &Tagged, corrections: Corrections) -> EntityType {
    let text = doc.slice(doc.tokens_span(&t.tokens));
    if corrections.has(Corrections::KNOWN_ORGANISATION) && is_known_organisation(text) {
        return EntityType::Organization;
    }
    // "VOA Khmer", "BBC Persian": a known organisation's initials open the name of one of its
    // parts, which a place or person name is not. (Other names keep theirs: "UEFA Cup".)
    if corrections.has(Corrections::ORGANISATION_FIRST)
        && matches!(t.kind, EntityType::Location | EntityType::Person)
        && t.tokens.len() >= 2
    {
        let first = doc.token_text(t.tokens.start);
        if first.chars().all(|c| c.is_ascii_uppercase()) && is_known_organisation(first) {
            return EntityType::Organization;
        }
    }
    if corrections.has(Corrections::KNOWN_PLACE)
        && t.kind != EntityType::Location
        && is_country_or_region(text)
        && t.tokens.len() >= 2
    {
        return EntityType::Location;
    }
    // "Nobel Peace Prize", "Brooklyn Bridge": the last word of a longer name says its kind.
    if corrections.has(Corrections::KIND_OF_LAST_WORD) && t.tokens.len() >= 2 {
        let last = doc.token_text(t.tokens.end - 1);
        if OTHER_LAST_WORDS.contains(&last) {
            return EntityType::Misc;
        }
        if PLACE_LAST_WORDS.contains(&last) {
            return EntityType::Location;
        }
    }
    // "Slobodan Milosevic": a place no list knows whose last word ends like a surname of the
    // Slavic, Baltic, Romanian or Greek kind is a person.
    if corrections.has(Corrections::SURNAME_ENDING)
        && t.kind == EntityType::Location
        && t.tokens.len() == 2
        && !is_country_or_region(text)
        && t.tokens.clone().all(|i| {
            let w = doc.token_text(i);
            capitalised(w) && w.chars().all(char::is_alphabetic) && !is_place_or_people(w)
        })
        && has_surname_ending(doc.token_text(t.tokens.end - 1))
    {
        return EntityType::Person;
    }
    t.kind
}

#[cfg(test)]
mod tests {
    use super::{
        Corrections, Tagged, affiliations, cut_at_possessive, cut_date_head, cut_date_tail,
        cut_number_tail, drop_opener, extend_organisations, retype, spelt_out,
        take_possessive_name, the_in_a_name,
    };
    use crate::analysis::entities::extract;
    use crate::analysis::text::Document;
    use crate::analysis::{Entity, EntityType};

    /// The first token of `doc` that is `word`.
    fn token_of(doc: &Document, word: &str) -> usize {
        (0..doc.tokens.len())
            .find(|&i| doc.token_text(i) == word)
            .expect("the word is in the text")
    }

    fn entities(text: &str) -> Vec<(String, EntityType, Vec<String>)> {
        let doc = Document::new(text);
        extract(&doc)
            .into_iter()
            .map(
                |Entity {
                     name,
                     kind,
                     mentions,
                     ..
                 }| {
                    let texts = mentions
                        .iter()
                        .map(|m| m.span.text(text).to_owned())
                        .collect();
                    (name, kind, texts)
                },
            )
            .collect()
    }

    fn typed(text: &str, name: &str) -> Option<EntityType> {
        entities(text)
            .into_iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, kind, _)| kind)
    }

    #[test]
    fn a_headline_keeps_only_the_names_the_body_gives() {
        let text = "Obama Sees Personal Insult if Voters Stay Home\n\n\
                    President Obama said on Saturday that he would take it personally.";
        let found = entities(text);
        assert!(found.iter().all(|(n, _, _)| n != "Obama Sees"), "{found:?}");
        let obama = found.iter().find(|(n, _, _)| n == "Obama").expect("Obama");
        assert_eq!(obama.1, EntityType::Person);
        assert_eq!(obama.2.len(), 2, "the headline's mention joins the body's");
    }

    #[test]
    fn a_preposition_or_adverb_opening_a_sentence_is_no_part_of_a_name() {
        let found = entities("Besides Clinton aimed her speech at him. Absent Sanders, it split.");
        let names: Vec<&str> = found.iter().map(|(n, _, _)| n.as_str()).collect();
        assert!(
            names.contains(&"Clinton") && names.contains(&"Sanders"),
            "{names:?}"
        );
    }

    #[test]
    fn a_groups_possessive_stays_in_a_partys_name_and_a_countrys_does_not() {
        let doc = Document::new("The ruling Cambodian People’s Party met Britain’s Labour Party.");
        let at = |w: &str| token_of(&doc, w);
        let party = |i: usize| Tagged {
            tokens: i..i + 1,
            kind: EntityType::Organization,
        };
        let first_party = at("Party");
        let labour = at("Labour");
        let names = extend_organisations(&doc, vec![party(first_party), party(labour + 1)]);
        let texts: Vec<&str> = names
            .iter()
            .map(|t| doc.slice(doc.tokens_span(&t.tokens)))
            .collect();
        assert_eq!(texts, ["Cambodian People’s Party", "Labour Party"]);
    }

    #[test]
    fn a_possessive_ends_a_name() {
        let text = "The embassy did not respond to The Post’s requests for comment.";
        let found = entities(text);
        assert!(
            found.iter().all(|(n, _, _)| !n.contains("requests")),
            "{found:?}"
        );
    }

    #[test]
    fn a_head_and_of_open_an_organisation() {
        let text = "Speaking at the Council of Ministers on Thursday, he said the Ministry of \
                    Foreign Affairs and International Cooperation would reply.";
        assert_eq!(
            typed(text, "Council of Ministers"),
            Some(EntityType::Organization)
        );
        assert_eq!(
            typed(
                text,
                "Ministry of Foreign Affairs and International Cooperation"
            ),
            Some(EntityType::Organization)
        );
    }

    #[test]
    fn a_party_takes_the_capitalised_words_before_it_but_not_a_compound() {
        let text = "Kem Sokha led the Supreme Court-dissolved Cambodia National Rescue Party \
                    until November.";
        let found = entities(text);
        assert_eq!(
            typed(text, "Cambodia National Rescue Party"),
            Some(EntityType::Organization),
            "{found:?}"
        );
        assert_eq!(typed(text, "Supreme Court"), Some(EntityType::Organization));
    }

    #[test]
    fn a_laboratory_is_an_organisation() {
        let text = "Its Lincoln Laboratory is among the best known research centres.";
        assert_eq!(
            typed(text, "Lincoln Laboratory"),
            Some(EntityType::Organization),
            "{:?}",
            entities(text)
        );
    }

    #[test]
    fn the_last_word_of_a_prize_or_a_bridge_says_its_kind() {
        let text = "Records bring the Kessler Memorial Trophy back to life. She wrote about the \
                    Moravian Succession War. The Quarry Road Bridge opens. He won the Halvorsen \
                    Prize. The Harwick Accord was signed.";
        let found = entities(text);
        for misc in [
            "Kessler Memorial Trophy",
            "Moravian Succession War",
            "Halvorsen Prize",
            "Harwick Accord",
        ] {
            assert_eq!(typed(text, misc), Some(EntityType::Misc), "{found:?}");
        }
        assert_eq!(
            typed(text, "Quarry Road Bridge"),
            Some(EntityType::Location),
            "{found:?}"
        );
    }

    #[test]
    fn a_strait_a_sea_or_a_gulf_is_a_place_and_a_park_may_be_a_person() {
        let doc = Document::new("Ships crossed the Palk Strait, the Red Sea and the Persian Gulf.");
        for (first, last) in [("Palk", "Strait"), ("Red", "Sea"), ("Persian", "Gulf")] {
            let t = Tagged {
                tokens: token_of(&doc, first)..token_of(&doc, last) + 1,
                kind: EntityType::Organization,
            };
            assert_eq!(
                retype(&doc, &t, Corrections::ALL),
                EntityType::Location,
                "{first} {last}"
            );
        }
        let doc = Document::new("Ji Park won the race.");
        let t = Tagged {
            tokens: 0..2,
            kind: EntityType::Person,
        };
        assert_eq!(retype(&doc, &t, Corrections::ALL), EntityType::Person);
    }

    #[test]
    fn a_name_spelt_out_with_commas_is_its_acronyms_organisation() {
        let doc = Document::new(
            "A letter came from Health, Welfare and Sports Canada on Monday. HWSC would not \
             comment. Paris, Berlin and Rome sent no letter, nor did the PBR.",
        );
        let at = |w: &str| token_of(&doc, w);
        let one = |w: &str, kind| Tagged {
            tokens: at(w)..at(w) + 1,
            kind,
        };
        let mut names = vec![
            one("Health", EntityType::Location),
            Tagged {
                tokens: at("Welfare")..at("Canada") + 1,
                kind: EntityType::Organization,
            },
            one("HWSC", EntityType::Organization),
            one("Paris", EntityType::Location),
            one("Berlin", EntityType::Location),
            one("Rome", EntityType::Location),
        ];
        assert_eq!(
            spelt_out(&doc, &names),
            vec![Tagged {
                tokens: at("Health")..at("Canada") + 1,
                kind: EntityType::Organization,
            }]
        );
        // An acronym the tagger names as no organisation spells out nothing.
        names.push(one("PBR", EntityType::Misc));
        names.retain(|t| doc.token_text(t.tokens.start) != "HWSC");
        assert!(spelt_out(&doc, &names).is_empty());
    }

    #[test]
    fn a_show_named_after_its_host_is_no_person() {
        let doc = Document::new("She told \"The Kim Harlow Show\" on Thursday that she would run.");
        let t = Tagged {
            tokens: token_of(&doc, "Kim")..token_of(&doc, "Show") + 1,
            kind: EntityType::Person,
        };
        assert_eq!(retype(&doc, &t, Corrections::ALL), EntityType::Misc);
        let host = Tagged {
            tokens: token_of(&doc, "Kim")..token_of(&doc, "Harlow") + 1,
            kind: EntityType::Person,
        };
        assert_eq!(retype(&doc, &host, Corrections::ALL), EntityType::Person);
    }

    #[test]
    fn a_capital_the_inside_a_sentence_is_part_of_the_name_after_it() {
        let doc = Document::new(
            "The embassy did not respond to The Post’s requests. The Oval is full. He met \
             The Donald.",
        );
        let at = |w: &str| token_of(&doc, w);
        let named = |from: usize, to: usize, kind| {
            let mut t = Tagged {
                tokens: from..to,
                kind,
            };
            the_in_a_name(&doc, &mut t);
            (doc.slice(doc.tokens_span(&t.tokens)).to_owned(), t.kind)
        };
        let post = at("Post");
        assert_eq!(
            named(post, post + 1, EntityType::Location),
            ("The Post".to_owned(), EntityType::Organization)
        );
        // Taken in by the tagger, or at a sentence's start: left as it is.
        let oval = at("Oval");
        assert_eq!(
            named(oval - 1, oval + 1, EntityType::Location),
            ("The Oval".to_owned(), EntityType::Location)
        );
        assert_eq!(
            named(oval, oval + 1, EntityType::Location),
            ("Oval".to_owned(), EntityType::Location)
        );
        // A given name stays a person's.
        let donald = at("Donald");
        assert_eq!(
            named(donald, donald + 1, EntityType::Person),
            ("Donald".to_owned(), EntityType::Person)
        );
    }

    #[test]
    fn a_date_ends_a_name() {
        let text = "Candidate Bob Dole Wednesday accused the Securities and Exchange Commission \
                    on Wednesday approved rules. Emnid Aug 23 found 31 pct. Black Friday sales \
                    rose. Sheffield Wednesday 3 3 0. Theresa May 23 said.";
        let doc = Document::new(text);
        let at = |w: &str| token_of(&doc, w);
        let cut = |from: &str, words: usize, kind| {
            let from = at(from);
            let t = cut_date_tail(
                &doc,
                Tagged {
                    tokens: from..from + words,
                    kind,
                },
            );
            doc.slice(doc.tokens_span(&t.tokens)).to_owned()
        };
        assert_eq!(cut("Bob", 3, EntityType::Person), "Bob Dole");
        assert_eq!(
            cut("Securities", 6, EntityType::Organization),
            "Securities and Exchange Commission"
        );
        assert_eq!(cut("Emnid", 2, EntityType::Organization), "Emnid");
        assert_eq!(cut("Black", 2, EntityType::Misc), "Black Friday");
        assert_eq!(
            cut("Sheffield", 2, EntityType::Organization),
            "Sheffield Wednesday"
        );
        assert_eq!(cut("Theresa", 2, EntityType::Person), "Theresa May");
    }

    #[test]
    fn a_weekday_in_capitals_dates_a_table_row_and_opens_no_name() {
        let text = "WED Imphold YR EPS 172.7\nTHU M&R YR DIV 31.7\nSUN MICROSYSTEMS SAID";
        let doc = Document::new(text);
        let cut = |from: &str, words: usize| {
            let from = token_of(&doc, from);
            let t = cut_date_head(
                &doc,
                Tagged {
                    tokens: from..from + words,
                    kind: EntityType::Organization,
                },
            );
            doc.slice(doc.tokens_span(&t.tokens)).to_owned()
        };
        assert_eq!(cut("WED", 2), "Imphold");
        assert_eq!(cut("THU", 2), "M&R");
        assert_eq!(cut("SUN", 2), "SUN MICROSYSTEMS");
    }

    #[test]
    fn a_company_named_in_the_possessive_keeps_its_possessive() {
        let text = "Lloyd 's of London said. MOODY 'S RATES. Clive Lloyd 's century. Post 's view.";
        let doc = Document::new(text);
        let name = |from: &str, words: usize, kind| {
            let from = token_of(&doc, from);
            let t = take_possessive_name(
                &doc,
                &Tagged {
                    tokens: from..from + words,
                    kind,
                },
            );
            let t = cut_at_possessive(&doc, &t, true).unwrap();
            (doc.slice(doc.tokens_span(&t.tokens)).to_owned(), t.kind)
        };
        let org = EntityType::Organization;
        assert_eq!(
            name("Lloyd", 1, EntityType::Person),
            ("Lloyd 's".to_owned(), org)
        );
        assert_eq!(name("Lloyd", 2, org), ("Lloyd 's".to_owned(), org));
        assert_eq!(name("MOODY", 1, org), ("MOODY 'S".to_owned(), org));
        // A person's possessive, and any other name's, is no part of the name.
        assert_eq!(
            name("Clive", 2, EntityType::Person),
            ("Clive Lloyd".to_owned(), EntityType::Person)
        );
        assert_eq!(name("Post", 2, org), ("Post".to_owned(), org));
    }

    #[test]
    fn a_preposition_opening_a_sentence_opens_no_name_but_a_title() {
        let text = "Of Carson, Levine said he was scary. Of Mice and Men is a novel.";
        let doc = Document::new(text);
        let at = |w: &str| token_of(&doc, w);
        let of = at("Of");
        let t = drop_opener(
            &doc,
            Tagged {
                tokens: of..of + 2,
                kind: EntityType::Person,
            },
        );
        assert_eq!(t.map(|t| t.tokens), Some(of + 1..of + 2));
        let mice = at("Mice");
        let t = drop_opener(
            &doc,
            Tagged {
                tokens: mice - 1..mice + 3,
                kind: EntityType::Misc,
            },
        );
        assert_eq!(t.map(|t| t.tokens), Some(mice - 1..mice + 3));
    }

    #[test]
    fn a_known_organisations_initials_open_an_organisations_name() {
        let text = "Reporters of BBC Persian and the UEFA Cup final met Rob Lee.";
        let doc = Document::new(text);
        let at = |w: &str| token_of(&doc, w);
        let kind = |from: &str, kind| {
            let from = at(from);
            let t = Tagged {
                tokens: from..from + 2,
                kind,
            };
            retype(&doc, &t, Corrections::ALL)
        };
        assert_eq!(kind("BBC", EntityType::Location), EntityType::Organization);
        assert_eq!(kind("UEFA", EntityType::Misc), EntityType::Misc);
        assert_eq!(kind("Rob", EntityType::Person), EntityType::Person);
    }

    #[test]
    fn a_year_after_a_joining_word_ends_no_name() {
        let text = "The novel by John Steinbeck won the Pulitzer Prize for Fiction in 1940.";
        let doc = Document::new(text);
        let at = |w: &str| token_of(&doc, w);
        let cut = |from: &str, to: &str| {
            let t = cut_number_tail(
                &doc,
                Tagged {
                    tokens: at(from)..at(to) + 1,
                    kind: EntityType::Misc,
                },
            );
            doc.slice(doc.tokens_span(&t.tokens)).to_owned()
        };
        assert_eq!(cut("Pulitzer", "1940"), "Pulitzer Prize for Fiction");
        assert_eq!(cut("Pulitzer", "Fiction"), "Pulitzer Prize for Fiction");
        // A number right after a capitalised word may be the name's: "Euro 2016".
        let doc = Document::new("He played at Euro 2016 in France.");
        let euro = token_of(&doc, "Euro");
        let t = cut_number_tail(
            &doc,
            Tagged {
                tokens: euro..euro + 2,
                kind: EntityType::Misc,
            },
        );
        assert_eq!(t.tokens, euro..euro + 2);
    }

    #[test]
    fn facts_settle_the_type() {
        let text = "Officials of Asean met the deputy secretary for South and Southeast Asia \
                    in Jakarta.";
        assert_eq!(typed(text, "Asean"), Some(EntityType::Organization));
        // A known region read as another kind of name is a place.
        let doc = Document::new(text);
        let southeast = token_of(&doc, "Southeast");
        let region = Tagged {
            tokens: southeast..southeast + 2,
            kind: EntityType::Organization,
        };
        assert_eq!(
            retype(&doc, &region, Corrections::ALL),
            EntityType::Location
        );
        assert_eq!(
            retype(&doc, &region, Corrections::NONE),
            EntityType::Organization
        );
    }

    #[test]
    fn a_name_before_an_administration_is_a_name_of_its_own() {
        let text = "Since then, the Trump administration has withdrawn its support.";
        assert_eq!(typed(text, "Trump"), Some(EntityType::Person));
        assert_eq!(typed(text, "Trump administration"), None);
    }

    #[test]
    fn after_a_title_of_a_middle_initial_keeps_the_given_name_and_a_region_stays_a_place() {
        // What a tagger may read here: one name from "Defence" to "Felter".
        let text = "US Deputy Assistant Secretary of Defence for South and Southeast Asia \
                    Joseph H Felter met General Neang Phat on Tuesday.";
        let doc = Document::new(text);
        let at = |w: &str| token_of(&doc, w);
        let tagged = [Tagged {
            tokens: at("Defence")..at("Felter") + 1,
            kind: EntityType::Organization,
        }];
        let refined = crate::analysis::entities::group::refine(&doc, &tagged, Corrections::ALL);
        let names: Vec<(&str, EntityType)> = refined
            .iter()
            .map(|t| (doc.slice(doc.tokens_span(&t.tokens)), t.kind))
            .collect();
        assert!(
            names.contains(&("Joseph H Felter", EntityType::Person)),
            "{names:?}"
        );
        assert!(
            names.contains(&("Southeast Asia", EntityType::Location)),
            "{names:?}"
        );
    }

    #[test]
    fn a_surname_ending_makes_an_unknown_place_a_person() {
        let text = "Serbians rose in opposition to Slobodan Milosevic in 2000.";
        assert_eq!(typed(text, "Slobodan Milosevic"), Some(EntityType::Person));
        let text = "The delegates flew to Phnom Penh on Monday.";
        assert_eq!(typed(text, "Phnom Penh"), Some(EntityType::Location));
    }

    #[test]
    fn a_name_in_brackets_after_a_persons_is_what_the_person_belongs_to() {
        let doc = Document::new("Marco Pascolo ( Cagliari ) , Stephane Henchoz ( Switzerland ) .");
        let at = |word| token_of(&doc, word);
        let mut names: Vec<Tagged> = [
            (at("Marco")..at("Pascolo") + 1, EntityType::Person),
            (at("Cagliari")..at("Cagliari") + 1, EntityType::Person),
            (at("Stephane")..at("Henchoz") + 1, EntityType::Person),
            (at("Switzerland")..at("Switzerland") + 1, EntityType::Person),
        ]
        .into_iter()
        .map(|(tokens, kind)| Tagged { tokens, kind })
        .collect();
        affiliations(&doc, &mut names);
        let kinds: Vec<EntityType> = names.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                EntityType::Person,
                EntityType::Organization,
                EntityType::Person,
                EntityType::Location
            ]
        );
        // Not in brackets: two people side by side stay people.
        let doc = Document::new("Marco Pascolo , Cagliari .");
        let mut names = vec![
            Tagged {
                tokens: 0..2,
                kind: EntityType::Person,
            },
            Tagged {
                tokens: 3..4,
                kind: EntityType::Person,
            },
        ];
        affiliations(&doc, &mut names);
        assert_eq!(names[1].kind, EntityType::Person);
    }
}
