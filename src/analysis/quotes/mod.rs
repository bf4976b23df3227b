//! Direct quotations and who said them.
//!
//! Three steps, one module each: [`marks`] pairs the quotation marks into quoted spans (across
//! paragraphs when a quote continues), this module tells a sentence of someone's words (DIRECT)
//! from a phrase quoted inside reported speech (PARTIAL) and leaves out what is not a quote of
//! anyone (titles, nicknames, scare quotes, markup), and [`attribution`] finds the cue and the
//! speaker and resolves the speaker to the document's entities. Every step is linear in the
//! text.

mod attribution;
pub mod confidence;
mod lexicon;
mod marks;
mod names;

use super::text::Document;
use super::{Cue, Entity, EntityType, Mention, MentionKind, Quote, QuoteKind, Speaker};
use attribution::{Attributor, Source, Who};
use confidence::{Basis, CuePlace, Naming};
use marks::Marked;

/// Finds the quotations of a document and resolves their speakers to `entities`; a pronoun
/// that names a speaker ("he said") is added to its entity as a pronoun mention.
pub fn extract(doc: &Document, entities: &mut [Entity]) -> Vec<Quote> {
    extract_explained(doc, entities)
        .into_iter()
        .map(|(quote, _)| quote)
        .collect()
}

/// [`extract`], with the basis each quote's confidence was looked up by.
pub fn extract_explained(doc: &Document, entities: &mut [Entity]) -> Vec<(Quote, Basis)> {
    let paragraphs = marks::paragraphs(doc);
    let marked: Vec<Marked> = marks::find(doc, &paragraphs)
        .into_iter()
        .filter(|q| {
            !is_markup(doc.slice(q.span))
                && !is_transcript(doc.slice(q.span))
                && !is_link(doc.slice(q.first_span))
        })
        .collect();
    let partial: Vec<bool> = marked.iter().map(|q| is_partial(doc, q)).collect();
    let attributions = Attributor::new(doc, entities).run(&marked, &partial);

    let mut quotes = Vec::with_capacity(marked.len());
    let mut pronouns = Vec::new();
    for ((quote, partial), mut attribution) in marked.iter().zip(partial).zip(attributions) {
        let kind = if partial {
            QuoteKind::Partial
        } else {
            QuoteKind::Direct
        };
        // A partial quote with no speech verb is a scare quote, a title or a nickname; so is a
        // few words in single marks, which news keeps for headlines and words set apart. Not so
        // in a line that opens with its speaker ("Ryan: ‘Anti-Semitic Images’ Have ‘No Place’").
        // A headline, though, quotes in single marks (the news convention), and in a headline
        // written in title case capitals say nothing of a title.
        let labelled = speaker_label(doc.slice(quote.first_span)).is_some();
        let headline = quote.single && is_headline(doc, quote);
        // In a title-case headline every word is capitalised, so a speaker read from the
        // words ("Hillary Clinton Speaks") is trusted only when it is an entity.
        if headline
            && attribution
                .speaker
                .as_ref()
                .is_none_or(|who| who.entity.is_none())
        {
            attribution.speaker = headline_subject(entities, quote).or(attribution.speaker);
        }
        if (partial || quote.single)
            && !labelled
            && !headline
            && attribution.source != Source::Cue
            && inner(doc.slice(quote.span))
                .split_whitespace()
                .nth(7)
                .is_none()
        {
            continue;
        }
        if (partial || quote.single)
            && !labelled
            && !(headline && is_title_case(doc.slice(quote.first_span)))
            && is_title(doc.slice(quote.span))
        {
            continue;
        }
        let basis = Basis {
            kind,
            cue: match (attribution.source, attribution.cue) {
                (Source::Cue, Some(cue)) if cue.begin >= quote.span.end => CuePlace::After,
                (Source::Cue, Some(_)) => CuePlace::Before,
                (Source::Cue, None) => CuePlace::Colon,
                (Source::Continued, _) => CuePlace::Continued,
                (Source::None, _) => CuePlace::None,
            },
            naming: match &attribution.speaker {
                None => Naming::None,
                Some(who) if who.pronoun => Naming::Pronoun,
                Some(who) => match who.span.map(|span| doc.slice(span)) {
                    None => Naming::Inherited,
                    Some(named)
                        if named.starts_with(char::is_lowercase)
                            || named
                                .split_whitespace()
                                .next()
                                .is_some_and(lexicon::is_determiner) =>
                    {
                        Naming::Description
                    }
                    Some(_) => Naming::Name,
                },
            },
            entity: attribution
                .speaker
                .as_ref()
                .and_then(|who| who.entity)
                .map(|e| entities[e].kind),
        };
        if let Some(who) = &attribution.speaker
            && who.pronoun
            && let (Some(entity), Some(span)) = (who.entity, who.span)
        {
            pronouns.push((entity, span));
        }
        quotes.push((
            Quote {
                span: quote.span,
                kind,
                speaker: attribution.speaker.map(|who| Speaker {
                    name: who.name,
                    entity_index: who.entity,
                    span: who.span,
                }),
                cue: attribution.cue.map(|span| Cue { span }),
                confidence: basis.confidence(),
            },
            basis,
        ));
    }
    for (entity, span) in pronouns {
        let mentions = &mut entities[entity].mentions;
        let at = mentions.partition_point(|m| m.span.begin < span.begin);
        mentions.insert(
            at,
            Mention {
                span,
                kind: MentionKind::Pronoun,
            },
        );
    }
    quotes
}

/// Quotation marks, double and single, of every language the extractor reads.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '「'
            | '」'
            | '『'
            | '』'
            | '〝'
            | '〞'
            | '＂'
            | '‘'
            | '‚'
    )
}

/// The words inside a quote's marks.
fn inner(text: &str) -> &str {
    text.trim_matches(|c: char| is_mark(c) || c.is_whitespace())
}

/// Marks around something that is not prose: numbers, URLs, handles, markup.
fn is_markup(quoted: &str) -> bool {
    let inner = inner(quoted);
    if !inner.chars().any(char::is_alphabetic) {
        return true;
    }
    let one_word = !inner.contains(char::is_whitespace);
    one_word
        && (inner.contains(['/', '\\', '<', '>', '=', '{', '}', '@', '#', '_'])
            || inner.starts_with("http")
            || inner.starts_with("www."))
}

/// A line that links to other content ("READ MORE: ‘It becomes a nightmare’: …", "WATCH |
/// …"): the quotes in it are another article's headline, not this one's words.
fn is_link(paragraph: &str) -> bool {
    const LABELS: &[&str] = &[
        "READ MORE",
        "WATCH",
        "RELATED",
        "LISTEN",
        "MORE",
        "SEE ALSO",
        "ALSO READ",
        "VIDEO",
        "PHOTOS",
    ];
    LABELS.iter().any(|label| {
        paragraph.strip_prefix(label).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with([':', '|']) || rest.starts_with("—")
        })
    })
}

/// The speaker a line opens with, before a colon ("Graham: Trump’s ‘Incredibly Hateful
/// Rhetoric’ …", "OK Gov Fallin: …"): one to five capitalised words, the headline convention
/// and the interview's.
pub(crate) fn speaker_label(paragraph: &str) -> Option<&str> {
    let (label, rest) = paragraph.split_once(": ")?;
    let words = label.split_whitespace().count();
    // "The Latest: …" is a column's name, not a speaker.
    let first = label.split_whitespace().next()?;
    ((1..=5).contains(&words)
        && !lexicon::is_determiner(first)
        && !rest.trim_start().starts_with(is_mark)
        && label
            .split_whitespace()
            .all(|w| w.starts_with(|c: char| c.is_uppercase())))
    .then_some(label)
}

/// A transcript in marks ("WALLACE: … PENCE: …") is a dialogue, not one speaker's words.
fn is_transcript(quoted: &str) -> bool {
    let inner = inner(quoted);
    let label: &str = inner.split(':').next().unwrap_or_default();
    inner.len() > label.len()
        && label.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && label.len() <= 30
        && label
            .chars()
            .all(|c| c.is_uppercase() || c == ' ' || c == '.')
}

/// A phrase quoted inside a sentence ("was not “the business of the US”") rather than a
/// sentence or more of someone's words.
fn is_partial(doc: &Document, quote: &Marked) -> bool {
    let paragraph = quote.first_span;
    let before = doc.text[paragraph.begin..quote.span.begin].trim_end();
    let after_mark = before.is_empty()
        || before.ends_with([':', ',', '.', '!', '?', '—', '–', ';', '(', '…', '>'])
        || before.ends_with(is_mark)
        || before
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.starts_with(char::is_lowercase) && lexicon::is_speech_verb(w));
    let inner = inner(doc.slice(quote.span));
    let starts_upper = inner
        .trim_start_matches(['[', '(', '…', '.', ' ', '-', '—'])
        .chars()
        .next()
        .is_some_and(|c| !c.is_lowercase());
    let words = inner.split_whitespace().count();
    let body = inner.trim_end_matches(['.', ',', '!', '?', '…', ' ', '’', '\'']);
    // "Cruz said that “every word I said there is true. No one has disputed it.”": a quote
    // that opens in lower case after the writer's words goes on the writer's sentence.
    let opens_mid_clause = !starts_upper && before.ends_with(char::is_alphabetic);
    let sentence_inside = (body.contains(". ") || body.contains("! ") || body.contains("? "))
        && words > 6
        && !opens_mid_clause;
    if quote.first_paragraph != quote.last_paragraph {
        return false;
    }
    !((after_mark && starts_upper) || sentence_inside) || sentence_goes_on(doc, quote, inner)
}

/// Words quoted at a sentence's start whose sentence goes on in the writer's words, no
/// punctuation between: "“We’re extremely happy” about the decision, said …", "“I held and
/// hugged” grieving family members …". Not an attribution ("“Go” he said").
fn sentence_goes_on(doc: &Document, quote: &Marked, inner: &str) -> bool {
    if !inner.ends_with(char::is_alphanumeric) {
        return false;
    }
    let rest = &doc.text[quote.span.end..quote.last_span.end];
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let word: &str = rest
        .split(|c: char| !c.is_alphabetic() && c != '’' && c != '\'')
        .next()
        .unwrap_or_default();
    word.starts_with(|c: char| c.is_ascii_lowercase())
        && lexicon::pronoun(word).is_none()
        && !lexicon::is_speech_verb(word)
        && !matches!(word, "and" | "or")
}

/// Whether a quote is in the document's headline: its first paragraph, one line of at most
/// [`HEADLINE_WORDS`] words.
fn is_headline(doc: &Document, quote: &Marked) -> bool {
    let line = doc.slice(quote.first_span);
    quote.first_paragraph == 0
        && !line.contains('\n')
        && line.split_whitespace().nth(HEADLINE_WORDS).is_none()
}

/// Who a headline's quote with no cue is from: the first person or organisation the headline
/// names before the quote, else after it ("DNC issues ‘deep and sincere apology’ to Bernie
/// Sanders.", "Guns Are ‘The Ultimate Public Health Crisis,’ Howard Dean Tells Convention.").
fn headline_subject(entities: &[Entity], quote: &Marked) -> Option<Who> {
    let line = quote.first_span;
    let (span, index) = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.kind, EntityType::Person | EntityType::Organization))
        .flat_map(|(index, e)| e.mentions.iter().map(move |m| (m.span, index)))
        .filter(|(span, _)| {
            span.begin >= line.begin
                && span.end <= line.end
                && (span.end <= quote.span.begin || span.begin >= quote.span.end)
        })
        .min_by_key(|(span, _)| (span.begin > quote.span.begin, span.begin))?;
    Some(Who {
        name: entities[index].name.clone(),
        span: Some(span),
        entity: Some(index),
        person: entities[index].kind == EntityType::Person,
        group: entities[index].kind == EntityType::Organization,
        pronoun: false,
    })
}

/// The longest headline, in words.
const HEADLINE_WORDS: usize = 30;

/// Whether a line is written in title case: all but at most one of its words of four letters
/// or more open with a capital ("Ted Cruz Is A ‘Natural Born Citizen,’ Board Of Election
/// Finds"), and there are at least three such words.
fn is_title_case(line: &str) -> bool {
    let (long, lower) = long_words(line);
    long >= 3 && lower <= 1
}

/// Whether a line is a headline in title case beyond doubt: every word of four letters or more
/// opens with a capital, and there are at least four ("Chin Malin arrived." is prose).
pub(super) fn is_strict_title_case(line: &str) -> bool {
    let (long, lower) = long_words(line);
    long >= 4 && lower == 0
}

/// How many words of four letters or more a line has, and how many of them are lower case.
fn long_words(line: &str) -> (usize, usize) {
    let long: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_start_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().take_while(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let lower = long
        .iter()
        .filter(|w| w.starts_with(char::is_lowercase))
        .count();
    (long.len(), lower)
}

/// A title, a name or a nickname in marks: a few words, all capitalised ("Face the Nation").
fn is_title(quoted: &str) -> bool {
    let inner = inner(quoted).trim_end_matches([',', '.']);
    let words: Vec<&str> = inner.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && !inner.ends_with(['!', '?'])
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                || matches!(
                    *w,
                    "of" | "the" | "and" | "a" | "an" | "in" | "on" | "with" | "to" | "for" | "at"
                )
        })
}

#[cfg(test)]
mod tests;
