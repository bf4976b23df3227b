//! What the tagger sees of a token: its word, its neighbours, shapes, affixes, capitalisation in
//! context, gazetteer hits, and how the same word behaves elsewhere in the document.
//!
//! Training and tagging share this code, so a feature can never mean one thing when the model is
//! made and another when it is used. Every part is hashed once per token ([`prepare`]); the keys
//! of a token are then mixed from those hashes without allocation.

use std::ops::Range;

use super::gazetteer::{GAZETTEER, LISTS, POSITIONS};
use super::hash::{KeyMap, hash_str, key1, key2, mix};
use super::words::{self, WordClasses};
use crate::analysis::text::{Document, is_invisible};

/// Number of tags: O, then B, I, L, U for each of PER, ORG, LOC, MISC.
pub(crate) const TAGS: usize = 17;

pub(crate) const CAP: u16 = 1;
pub(crate) const ALL_CAPS: u16 = 2;
const HAS_DIGIT: u16 = 4;
const HAS_HYPHEN: u16 = 8;
const HAS_PERIOD: u16 = 16;
pub(crate) const SENTENCE_START: u16 = 32;
pub(crate) const CAPS_LINE: u16 = 64;
const LOWER: u16 = 128;
const ALNUM: u16 = 256;

// What the document says about a word (keyed by its normalised form).
const SEEN_LOWER: u8 = 1;
const SEEN_CAP_MID: u8 = 2;
const RUN_FIRST: u8 = 4;
const RUN_INNER: u8 = 8;
const RUN_LAST: u8 = 16;
const SEEN_BEFORE_LOWER_NAME_WORD: u8 = 32;

/// One token's hashed parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenParts {
    pub(crate) word: u64,
    pub(crate) lower: u64,
    pub(crate) shape: u64,
    affixes: [u64; 7],
    pub(crate) flags: u16,
    gazetteer: u64,
    document: u8,
    /// The first pass's tag of this token (second pass only).
    first: u8,
    /// How often the first pass typed this word elsewhere in the document as PER, ORG, LOC,
    /// MISC or nothing (capitalised occurrences only).
    elsewhere: [u8; 5],
    /// Whether the token is in a headline written in title case, whose capitals say nothing:
    /// its tags are no evidence for the same word elsewhere.
    pub(crate) headline: bool,
    /// What large unlabeled text says of the word: its clusters and how common it is.
    classes: WordClasses,
    /// What place the word may take in a name.
    pub(crate) role: Role,
    /// The number of the token's word type in its document: tokens of the same text share it,
    /// and with it every part above that the text alone decides.
    pub(crate) word_type: u32,
}

/// What place a word may take in a name, by its form alone. Names in English news are written
/// in capitals but for a few joining words ("Bank of England", "Ludwig van Beethoven"): of the
/// 23,499 names of CoNLL-2003 train, about 60 end in or hold another lower-case word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Any place.
    Any,
    /// A joining word: inside a name or opening one, never ending it.
    Joining,
    /// Any other word of lower-case letters only ("administration", "said"), and a slash:
    /// outside names.
    Common,
}

/// The lower-case words that join the capitalised words of a name.
const JOINING: &[&str] = &[
    "al", "am", "and", "at", "bin", "da", "dal", "de", "del", "della", "den", "der", "des", "di",
    "do", "du", "e", "el", "et", "for", "ibn", "in", "la", "le", "les", "of", "on", "op", "pour",
    "the", "ter", "und", "van", "von", "y", "zu",
];

fn role(word: &str) -> Role {
    // A slash between two names ("Aun Chhengpor/VOA Khmer", a photo credit) parts them.
    if word == "/" {
        return Role::Common;
    }
    if word.is_empty() || !word.chars().all(char::is_lowercase) {
        Role::Any
    } else if JOINING.contains(&word) {
        Role::Joining
    } else {
        Role::Common
    }
}

/// The hashed parts of every token of a document, and the sentences as token ranges.
pub(crate) struct DocumentParts {
    pub(crate) tokens: Vec<TokenParts>,
    pub(crate) sentences: Vec<Range<usize>>,
    /// The number of distinct word types among the tokens.
    pub(crate) word_types: usize,
    /// Each word type's number in the [`Vocabulary`] it was prepared with (`None` when it is
    /// not kept there); empty when there was none.
    pub(crate) known: Vec<Option<u32>>,
    /// Whether the first pass's tags are known: the second pass reads them.
    second_pass: bool,
    /// What the document is about, as a class of its words ([`topic`]).
    topic: u64,
}

impl DocumentParts {
    /// Records the first pass's tags, so that the second pass sees how each word was tagged
    /// everywhere else in the document ("Siphan" after "Phay Siphan").
    pub(crate) fn set_first_pass(&mut self, tags: &[u8]) {
        let mut counts: KeyMap<[u8; 5]> = KeyMap::default();
        for (t, &tag) in self.tokens.iter().zip(tags) {
            if t.flags & (CAP | ALL_CAPS) != 0 && !t.headline {
                let c = &mut counts.entry(t.lower).or_default()[type_of(tag)];
                *c = c.saturating_add(1);
            }
        }
        for (t, &tag) in self.tokens.iter_mut().zip(tags) {
            t.first = tag;
            t.elsewhere = [0; 5];
            if t.flags & (CAP | ALL_CAPS) != 0 {
                let mut c = counts.get(&t.lower).copied().unwrap_or_default();
                if !t.headline {
                    c[type_of(tag)] = c[type_of(tag)].saturating_sub(1);
                }
                t.elsewhere = c;
            }
        }
        self.second_pass = true;
    }
}

/// The type number of a tag: 0..4 for PER, ORG, LOC, MISC, and 4 for none.
pub(crate) fn type_of(tag: u8) -> usize {
    if tag == 0 {
        4
    } else {
        usize::from((tag - 1) / 4)
    }
}

/// Curly quotes and apostrophes as straight ones: the training text (CoNLL) has only straight
/// marks, and news prose mostly curly ones ("People’s Party", “Sokha”). Invisible characters
/// of web text (a soft hyphen, a zero-width joiner) are left out: "Cam\u{AD}bodia" is Cambodia.
fn straighten(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() || !word.contains(['’', '‘', '“', '”']) && !word.contains(is_invisible)
    {
        return std::borrow::Cow::Borrowed(word);
    }
    std::borrow::Cow::Owned(
        word.chars()
            .filter(|&c| !is_invisible(c))
            .map(|c| match c {
                '’' | '‘' => '\'',
                '“' | '”' => '"',
                c => c,
            })
            .collect(),
    )
}

/// Lower case with every digit as 0, so "1996" and "1997" share features.
pub(crate) fn normalise(word: &str) -> String {
    let mut out = String::new();
    normalise_into(word, &mut out);
    out
}

/// [`normalise`] into a buffer, replacing what it held.
fn normalise_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // The same as below, without decoding characters: an ASCII letter's lower case is
        // its ASCII lower case.
        out.extend(word.bytes().map(|b| {
            if b.is_ascii_digit() {
                '0'
            } else {
                char::from(b.to_ascii_lowercase())
            }
        }));
        return;
    }
    out.extend(
        word.chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_ascii_digit() { '0' } else { c }),
    );
}

/// Writes the word's shape into `out`, replacing what it held: X for capitals, x for small
/// letters, d for digits, other characters as they are; runs longer than two are cut to two
/// ("Xxx", "dd-dd").
fn shape_into(word: &str, out: &mut String) {
    out.clear();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars().take(24) {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if class == last {
            run += 1;
            if run > 2 {
                continue;
            }
        } else {
            last = class;
            run = 1;
        }
        out.push(class);
    }
}

fn flags(word: &str) -> u16 {
    let mut f = 0;
    let mut letters = 0;
    let mut upper = 0;
    let mut lower = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            } else if c.is_lowercase() {
                lower += 1;
            }
        }
        if c.is_numeric() {
            f |= HAS_DIGIT;
        }
        if c.is_alphanumeric() {
            f |= ALNUM;
        }
        if c == '-' {
            f |= HAS_HYPHEN;
        }
        if c == '.' {
            f |= HAS_PERIOD;
        }
    }
    if word.chars().next().is_some_and(char::is_uppercase) {
        f |= CAP;
    }
    if letters > 0 && upper == letters {
        f |= ALL_CAPS;
    }
    if letters > 0 && lower == letters {
        f |= LOWER;
    }
    f
}

/// The parts of a token that its text alone decides, for word type number `word_type`; `word`
/// is the text's [`hash_str`]. `scratch` is a buffer for the normalised form and the shape.
fn word_parts(text: &str, word: u64, word_type: u32, scratch: &mut String) -> TokenParts {
    let mut affixes = [0u64; 7];
    let count = text.chars().count();
    for (k, (end, _)) in text.char_indices().skip(1).take(3).enumerate() {
        affixes[k] = hash_str(&text[..end]);
    }
    for (k, (at, _)) in text.char_indices().rev().take(4).enumerate() {
        if k + 1 < count {
            affixes[3 + k] = hash_str(&text[at..]);
        }
    }
    normalise_into(text, scratch);
    let lower = hash_str(scratch);
    shape_into(text, scratch);
    let shape = hash_str(scratch);
    TokenParts {
        word,
        lower,
        shape,
        affixes,
        flags: flags(text),
        gazetteer: 0,
        document: 0,
        first: 0,
        elsewhere: [0; 5],
        headline: false,
        classes: words::classes(lower, word),
        role: role(text),
        word_type,
    }
}

/// How many word types a [`Vocabulary`] keeps: about 5 MiB of them. On distinct ~1 KB news
/// documents, nine of ten word types of a document are among the first 16,384 met.
const VOCABULARY_WORDS: usize = 16_384;

/// Word types met in earlier documents, with the parts their text alone decides, so that a
/// word's parts are worked out once per process (per thread) rather than once per document,
/// and with room for what a tagger derives from them alone. The first [`VOCABULARY_WORDS`]
/// types are kept and no others: in running text, the words met first are the common ones.
#[derive(Default)]
pub(crate) struct Vocabulary {
    /// Each kept word's number, by the hash of its text.
    numbers: KeyMap<u32>,
    words: Vec<KnownWord>,
}

/// A kept word type.
struct KnownWord {
    text: Box<str>,
    parts: TokenParts,
    /// The sums of the weights of its word-only keys in the two passes of the embedded tagger,
    /// once the tagger has taken them.
    sums: Option<[[i32; TAGS]; 2]>,
}

impl Vocabulary {
    /// The parts of `text` (of hash `word`) as word type number `number` of a document, and
    /// the type's number in the vocabulary when it is kept.
    fn parts_of(
        &mut self,
        text: &str,
        word: u64,
        number: u32,
        scratch: &mut String,
    ) -> (TokenParts, Option<u32>) {
        let known = self.numbers.get(&word).copied();
        if let Some(k) = known {
            let entry = &self.words[k as usize];
            if *entry.text == *text {
                return (
                    TokenParts {
                        word_type: number,
                        ..entry.parts
                    },
                    Some(k),
                );
            }
        }
        let parts = word_parts(text, word, number, scratch);
        // A text whose hash another holds is not kept (never seen yet).
        if known.is_some() || self.words.len() >= VOCABULARY_WORDS {
            return (parts, None);
        }
        let k = u32::try_from(self.words.len()).expect("a bounded vocabulary");
        self.numbers.insert(word, k);
        self.words.push(KnownWord {
            text: text.into(),
            parts,
            sums: None,
        });
        (parts, Some(k))
    }

    /// The tagger's sums of kept word number `known`, `None` until it has taken them.
    pub(crate) fn sums(&mut self, known: u32) -> &mut Option<[[i32; TAGS]; 2]> {
        &mut self.words[known as usize].sums
    }
}

/// Hashes every token of `doc` and gathers the document-level facts about each word.
///
/// A word's own parts are worked out once per word type (a ~1 KB news document has about two
/// tokens for each type), then copied to each of its tokens.
pub(crate) fn prepare(doc: &Document) -> DocumentParts {
    prepare_with(doc, None)
}

/// [`prepare`], taking the parts of word types met before from `vocabulary` and keeping the
/// new ones there.
pub(crate) fn prepare_with(
    doc: &Document,
    mut vocabulary: Option<&mut Vocabulary>,
) -> DocumentParts {
    let n = doc.tokens.len();
    let mut tokens = Vec::with_capacity(n);
    // Each type's number in `vocabulary`.
    let mut kept = Vec::new();
    // One buffer for every type's normalised form and shape: no allocation per token.
    let mut scratch = String::new();
    // Each word type's text and parts, and its number by the hash of its text.
    let mut types: Vec<(std::borrow::Cow<'_, str>, TokenParts)> = Vec::new();
    let mut numbers: KeyMap<u32> = KeyMap::with_capacity_and_hasher(n, Default::default());
    for index in 0..n {
        let text = straighten(doc.token_text(index));
        let word = hash_str(&text);
        let known = numbers
            .get(&word)
            .map(|&k| &types[k as usize])
            .filter(|(known, _)| *known == text);
        let parts = match known {
            Some(&(_, parts)) => parts,
            None => {
                // A new type (or, never seen yet, another text of the same hash: it gets a
                // number of its own, and the first keeps the map's entry).
                let number = u32::try_from(types.len()).expect("fewer types than tokens");
                let parts = match vocabulary.as_deref_mut() {
                    Some(vocabulary) => {
                        let (parts, number) =
                            vocabulary.parts_of(&text, word, number, &mut scratch);
                        kept.push(number);
                        parts
                    }
                    None => word_parts(&text, word, number, &mut scratch),
                };
                numbers.entry(word).or_insert(number);
                types.push((text, parts));
                parts
            }
        };
        tokens.push(parts);
    }
    let word_types = types.len();
    let sentences: Vec<Range<usize>> = doc.sentences.iter().map(|s| s.tokens.clone()).collect();

    // Sentence starts and lines in capitals (headlines, datelines, sports tables).
    for sentence in &sentences {
        if let Some(first) = tokens.get_mut(sentence.start) {
            first.flags |= SENTENCE_START;
        }
        let slice = &tokens[sentence.clone()];
        let caps = slice
            .iter()
            .any(|t| t.flags & ALL_CAPS != 0 && t.flags & CAP != 0)
            && slice
                .iter()
                .all(|t| t.flags & LOWER == 0 || t.flags & ALNUM == 0);
        let long_word = || {
            sentence.clone().any(|i| {
                doc.token_text(i)
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .count()
                    >= 2
            })
        };
        if caps && long_word() {
            for t in &mut tokens[sentence.clone()] {
                t.flags |= CAPS_LINE;
            }
        }
    }

    let lowers: Vec<u64> = tokens.iter().map(|t| t.lower).collect();
    for (t, hits) in tokens.iter_mut().zip(GAZETTEER.hits(&lowers)) {
        t.gazetteer = hits;
    }

    // What the document says about each word.
    let mut facts: KeyMap<u8> = KeyMap::with_capacity_and_hasher(word_types, Default::default());
    for sentence in &sentences {
        let mut i = sentence.start;
        while i < sentence.end {
            let t = tokens[i];
            if t.flags & LOWER != 0 {
                *facts.entry(t.lower).or_default() |= SEEN_LOWER;
                i += 1;
                continue;
            }
            if t.flags & CAP == 0 || t.flags & CAPS_LINE != 0 {
                i += 1;
                continue;
            }
            if t.flags & SENTENCE_START == 0 {
                *facts.entry(t.lower).or_default() |= SEEN_CAP_MID;
            }
            let mut end = i + 1;
            while end < sentence.end && tokens[end].flags & CAP != 0 {
                end += 1;
            }
            if end - i >= 2 {
                *facts.entry(tokens[i].lower).or_default() |= RUN_FIRST;
                for t in &tokens[i + 1..end - 1] {
                    *facts.entry(t.lower).or_default() |= RUN_INNER;
                }
                *facts.entry(tokens[end - 1].lower).or_default() |= RUN_LAST;
                for t in &tokens[i + 1..end] {
                    *facts.entry(t.lower).or_default() |= SEEN_CAP_MID;
                }
            }
            if end < sentence.end && tokens[end].flags & LOWER != 0 {
                *facts.entry(tokens[end - 1].lower).or_default() |= SEEN_BEFORE_LOWER_NAME_WORD;
            }
            i = end;
        }
    }
    for t in &mut tokens {
        t.document = facts.get(&t.lower).copied().unwrap_or(0);
    }
    let topic = topic(&tokens);
    DocumentParts {
        topic,
        tokens,
        sentences,
        word_types,
        known: kept,
        second_pass: false,
    }
}

const BOUNDARY: u64 = 0x0b0b_0b0b;

/// The topic of a document without one: too few uncommon words to tell.
const NO_TOPIC: u64 = 9_999;

/// What a document is about: the commonest of the 256 GloVe classes among its uncommon
/// lower-case words (−ln p of 9 or more: "goals", "tonnes", "shares", not "the" or "said"), if
/// it holds two of them or more. Chosen by cross-validation over CoNLL-2003 train (models/README).
fn topic(tokens: &[TokenParts]) -> u64 {
    let mut counts = [0u32; 256];
    for t in tokens {
        let class = usize::from(t.classes.glove[0]);
        if t.flags & LOWER != 0 && t.classes.rarity >= 9 && class < counts.len() {
            counts[class] += 1;
        }
    }
    let best = (0..counts.len())
        .max_by_key(|&c| (counts[c], std::cmp::Reverse(c)))
        .expect("256 classes");
    if counts[best] >= 2 {
        best as u64
    } else {
        NO_TOPIC
    }
}

/// The keys of token `i` of `sentence` that do not depend on the tags being chosen: those of
/// its text and, on the second pass, those of the first pass's tags.
pub(crate) fn static_keys(
    parts: &DocumentParts,
    sentence: &Range<usize>,
    i: usize,
    out: &mut Vec<u64>,
) {
    out.clear();
    text_keys(parts, sentence, i, out);
    if parts.second_pass {
        first_pass_keys(parts, sentence, i, out);
    }
}

/// Token `i + offset` when it is in `sentence`.
fn neighbour<'p>(
    parts: &'p DocumentParts,
    sentence: &Range<usize>,
    i: usize,
    offset: isize,
) -> Option<&'p TokenParts> {
    let j = i as isize + offset;
    (j >= sentence.start as isize && j < sentence.end as isize).then(|| &parts.tokens[j as usize])
}

/// Which of a token's text keys to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextKeys {
    /// All of them.
    All,
    /// Those of the word alone (its text, shape, affixes, classes, rarity): the same for every
    /// token of a word type, so a tagger may sum their weights once per type.
    Word,
    /// The others: those that read a neighbour, the token's place or the document.
    Context,
}

/// Adds the keys that depend only on the text around token `i` of `sentence` to `out`.
pub(crate) fn text_keys(
    parts: &DocumentParts,
    sentence: &Range<usize>,
    i: usize,
    out: &mut Vec<u64>,
) {
    text_keys_of(parts, sentence, i, TextKeys::All, out);
}

/// Adds `which` of the keys of [`text_keys`] to `out`, in the same order.
pub(crate) fn text_keys_of(
    parts: &DocumentParts,
    sentence: &Range<usize>,
    i: usize,
    which: TextKeys,
    out: &mut Vec<u64>,
) {
    let word_only = which != TextKeys::Context;
    let context_too = which != TextKeys::Word;
    let t = &parts.tokens;
    let at = |offset: isize| neighbour(parts, sentence, i, offset);
    let lower = |offset| at(offset).map_or(BOUNDARY.wrapping_add(offset as u64), |p| p.lower);
    let word = |offset| at(offset).map_or(BOUNDARY.wrapping_add(offset as u64), |p| p.word);
    let shape = |offset| at(offset).map_or(BOUNDARY.wrapping_add(offset as u64), |p| p.shape);
    let me = &t[i];
    let context = u64::from(me.flags & (SENTENCE_START | CAPS_LINE));

    if word_only {
        out.push(key1(1, 0));
        out.push(key1(2, me.word));
        out.push(key1(3, me.lower));
        out.push(key1(4, me.shape));
    }
    if context_too {
        out.push(key1(5, lower(-1)));
        out.push(key1(6, lower(1)));
        out.push(key1(7, lower(-2)));
        out.push(key1(8, lower(2)));
        out.push(key1(9, word(-1)));
        out.push(key1(10, word(1)));
        out.push(key2(11, shape(-1), me.shape));
        out.push(key2(12, me.shape, shape(1)));
        out.push(key2(13, mix(shape(-1), me.shape), shape(1)));
    }
    if word_only {
        for (k, &affix) in me.affixes.iter().enumerate() {
            if affix != 0 {
                out.push(key1(14 + k as u64, affix));
            }
        }
    }
    if context_too {
        out.push(key2(21, lower(-1), me.lower));
        out.push(key2(22, me.lower, lower(1)));
        out.push(key2(23, context, me.lower));
        out.push(key2(24, context, me.shape));
        out.push(key2(30, lower(-1), me.shape));
        out.push(key2(31, me.shape, lower(1)));
        out.push(key2(32, context, mix(me.shape, shape(1))));
        out.push(key2(34, lower(-1), lower(1)));
        out.push(key2(35, shape(-2), shape(-1)));
        out.push(key2(36, shape(1), shape(2)));
        out.push(key2(37, word(-1), me.word));
        out.push(key2(38, me.word, word(1)));
        // Where the token sits in its run of capitalised words, and how long the run is.
        if me.flags & CAP != 0 {
            let capitalised = |offset| at(offset).is_some_and(|p| p.flags & CAP != 0);
            let mut before = 0u64;
            while before < 4 && capitalised(-(before as isize) - 1) {
                before += 1;
            }
            let mut after = 0u64;
            while after < 4 && capitalised(after as isize + 1) {
                after += 1;
            }
            out.push(key2(39, before, after));
            out.push(key2(47, mix(before, after), me.lower));
            // The run's last word often says what the whole name is ("… Party", "… Cup").
            let last = lower(after as isize);
            let first = lower(-(before as isize));
            out.push(key2(48, last, u64::from(after == 0)));
            out.push(key2(49, first, u64::from(before == 0)));
            out.push(key2(57, mix(first, last), mix(before, after)));
        }
    }
    let cap = u64::from(me.flags & CAP != 0);
    // Word clusters from unlabeled text, for the word and its neighbours, and how common the
    // word is in lower case, read with its capitalisation in context.
    let glove = |offset: isize, g: usize| {
        at(offset).map_or(BOUNDARY.wrapping_add(offset as u64), |p| {
            u64::from(p.classes.glove[g])
        })
    };
    if word_only {
        for g in 0..3 {
            out.push(key2(60, g as u64, glove(0, g)));
        }
    }
    if context_too {
        for g in 0..2 {
            out.push(key2(61, g as u64, glove(-1, g)));
            out.push(key2(62, g as u64, glove(1, g)));
        }
        out.push(key2(63, glove(0, 1), context | cap << 8));
    }
    if word_only {
        for bits in [4, 6, 10, 20] {
            out.push(key2(
                64,
                bits,
                u64::from(me.classes.brown_prefix(bits as u32)),
            ));
        }
    }
    let rarity = u64::from(me.classes.rarity);
    if context_too {
        let brown = |offset: isize| {
            at(offset).map_or(BOUNDARY.wrapping_add(offset as u64), |p| {
                u64::from(p.classes.brown_prefix(10))
            })
        };
        out.push(key1(65, brown(-1)));
        out.push(key1(66, brown(1)));
        out.push(key2(67, rarity, context | cap << 8));
    }
    if word_only {
        out.push(key2(68, rarity, me.shape));
    }

    if context_too {
        let mut hits = me.gazetteer;
        while hits != 0 {
            let bit = u64::from(hits.trailing_zeros());
            hits &= hits - 1;
            out.push(key2(25, bit, cap));
        }
        for (offset, template) in [(-1, 26), (1, 27)] {
            if let Some(p) = at(offset) {
                let mask = p.gazetteer;
                for list in 0..LISTS.len() {
                    if mask & (0b1111 << (list * POSITIONS)) != 0 {
                        out.push(key2(template, list as u64, cap));
                    }
                }
            }
        }

        if me.flags & (CAP | ALL_CAPS) != 0 {
            let mut facts = me.document;
            while facts != 0 {
                let bit = u64::from(facts.trailing_zeros());
                facts &= facts - 1;
                out.push(key2(28, bit, context));
                out.push(key2(29, bit, me.shape));
            }
            out.push(key2(33, u64::from(me.document), context));
        }
        // What the document is about says what its names are: a town in a sports report is
        // mostly a team, in a weather report a place.
        if me.flags & (CAP | ALL_CAPS) != 0 {
            out.push(key2(72, parts.topic, context | me.shape));
        }
    }
}

/// Adds the keys of the first pass's tags around token `i` of `sentence` to `out`.
pub(crate) fn first_pass_keys(
    parts: &DocumentParts,
    sentence: &Range<usize>,
    i: usize,
    out: &mut Vec<u64>,
) {
    let me = &parts.tokens[i];
    let context = u64::from(me.flags & (SENTENCE_START | CAPS_LINE));
    let cap = u64::from(me.flags & CAP != 0);
    let first = |offset| neighbour(parts, sentence, i, offset).map_or(99, |p| u64::from(p.first));
    out.push(key1(50, u64::from(me.first)));
    out.push(key2(51, first(-1), u64::from(me.first)));
    out.push(key2(52, u64::from(me.first), first(1)));
    out.push(key2(53, u64::from(me.first), me.shape));
    let total: u32 = me.elsewhere.iter().map(|&c| u32::from(c)).sum();
    if total > 0 {
        let best = (0..5)
            .max_by_key(|&k| (me.elsewhere[k], std::cmp::Reverse(k)))
            .expect("five types");
        out.push(key2(54, best as u64, context));
        out.push(key2(55, best as u64, u64::from(me.first)));
        for (kind, &count) in me.elsewhere.iter().enumerate() {
            if count > 0 {
                out.push(key2(56, kind as u64, cap));
            }
        }
    }
}

/// Previous tags and what the document's earlier tags say about this word.
pub(crate) fn dynamic_keys(
    token: &TokenParts,
    previous: u8,
    before_previous: u8,
    history: Option<&[u16; 5]>,
    out: &mut Vec<u64>,
) {
    out.clear();
    tag_keys(token, previous, before_previous, out);
    history_keys(token, history, out);
}

/// The keys of [`dynamic_keys`] that read the previous tags.
pub(crate) fn tag_keys(token: &TokenParts, previous: u8, before_previous: u8, out: &mut Vec<u64>) {
    let previous = u64::from(previous);
    out.push(key1(40, previous));
    out.push(key2(41, u64::from(before_previous), previous));
    out.push(key2(42, previous, token.lower));
    out.push(key2(43, previous, token.shape));
}

/// The keys of [`dynamic_keys`] that read how the document tagged the word before: the same
/// for every sequence a beam holds at the token.
pub(crate) fn history_keys(token: &TokenParts, history: Option<&[u16; 5]>, out: &mut Vec<u64>) {
    if let Some(history) = history {
        // Any count at all: a sum of five saturated u16 counts would overflow.
        if history.iter().any(|&count| count > 0) {
            let (best, _) = history
                .iter()
                .enumerate()
                .max_by_key(|&(k, &count)| (count, std::cmp::Reverse(k)))
                .expect("history has five counts");
            out.push(key1(44, best as u64));
            out.push(key2(
                45,
                best as u64,
                u64::from(token.flags & (CAP | SENTENCE_START | CAPS_LINE)),
            ));
            for (kind, &count) in history.iter().enumerate() {
                if count > 0 {
                    out.push(key1(46, kind as u64));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(word: &str) -> String {
        let mut out = String::new();
        shape_into(word, &mut out);
        out
    }

    #[test]
    fn shapes_collapse_long_runs() {
        assert_eq!(shape("Siphan"), "Xxx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1996-08-22"), "dd-dd-dd");
        assert_eq!(shape("RCAF"), "XX");
    }

    #[test]
    fn curly_marks_read_as_straight_ones() {
        assert_eq!(straighten("’s"), "'s");
        assert_eq!(straighten("“"), "\"");
        let curly = prepare(&Document::new("People’s Party"));
        let straight = prepare(&Document::new("People 's Party"));
        assert_eq!(curly.tokens[1].word, straight.tokens[1].word);
    }

    #[test]
    fn invisible_characters_do_not_change_a_word() {
        let plain = prepare(&Document::new("Cambodia"));
        let soft = prepare(&Document::new("Cam\u{00AD}bo\u{200D}dia"));
        assert_eq!(plain.tokens[0].word, soft.tokens[0].word);
        assert_eq!(plain.tokens[0].flags, soft.tokens[0].flags);
    }

    #[test]
    fn a_vocabulary_gives_the_parts_a_document_alone_gives() {
        let mut vocabulary = Vocabulary::default();
        let earlier = Document::new("Hun Sen met officials in Phnom Penh on Monday.");
        let before = prepare_with(&earlier, Some(&mut vocabulary)).word_types;
        let doc = Document::new("On Monday, Sen said officials in Penh met him. Sen left.");
        let alone = prepare(&doc);
        let kept = prepare_with(&doc, Some(&mut vocabulary));
        assert_eq!(format!("{:?}", alone.tokens), format!("{:?}", kept.tokens));
        assert_eq!(alone.word_types, kept.word_types);
        assert!(alone.known.is_empty());
        assert_eq!(kept.known.len(), kept.word_types);
        assert!(kept.known.iter().all(Option::is_some));
        // Monday, Sen, officials, in, Penh, met and the full stop were kept from before.
        assert_eq!(vocabulary.words.len(), before + kept.word_types - 7);
    }

    #[test]
    fn normalised_forms_share_digits() {
        assert_eq!(normalise("Siphan"), "siphan");
        assert_eq!(normalise("1996"), "0000");
    }

    #[test]
    fn a_surname_inherits_the_full_names_capitalised_run() {
        let doc = Document::new("Phay Siphan spoke. Later Siphan left.");
        let parts = prepare(&doc);
        let siphan = parts.tokens[1];
        assert_ne!(siphan.document & RUN_LAST, 0);
        assert_eq!(parts.tokens[5].document, siphan.document);
    }

    #[test]
    fn headlines_in_capitals_are_marked() {
        let doc = Document::new("SOCCER - JAPAN GET LUCKY WIN .\nJapan won .");
        let parts = prepare(&doc);
        assert_ne!(parts.tokens[2].flags & CAPS_LINE, 0);
        assert_eq!(parts.tokens[7].flags & CAPS_LINE, 0);
    }

    #[test]
    fn a_documents_topic_is_what_its_uncommon_words_are_about() {
        let topic_of = |text: &str| prepare(&Document::new(text)).topic;
        let football = topic_of(
            "Leeds beat Everton 2-1 with a late goal from their striker. The midfielder \
             scored twice in the first half and the goalkeeper saved a penalty.",
        );
        let more_football = topic_of(
            "Porto drew with Benfica after their striker missed a penalty. The goalkeeper \
             and a defender were booked before halftime.",
        );
        let markets = topic_of(
            "Shares of Acme fell as investors sold bonds. Dividends and earnings were lower, \
             analysts said, and the stock ended the session down.",
        );
        assert_ne!(football, NO_TOPIC);
        assert_eq!(football, more_football);
        assert_ne!(football, markets);
        assert_eq!(topic_of("He said that it was there."), NO_TOPIC);
    }
}
