//! Names as the quote attribution reads a phrase: runs of capitalised words, cleaned of titles
//! ("Deputy Prime Minister ... Tea Banh" → "Tea Banh"), told apart as people or organisations.
//! Which entity a name is, and the full name a surname stands for, come from the entity
//! module's mentions and grouping.

use std::ops::Range;

use super::lexicon;
use crate::analysis::Span;
use crate::analysis::text::Document;

/// Whether a token is a capitalised word ("Murphy", "U.S.", "CNRP").
pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a token is a word rather than punctuation.
pub fn is_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_alphanumeric)
}

pub fn is_possessive(word: &str) -> bool {
    matches!(word, "’s" | "'s" | "’" | "'")
}

/// What a run of capitalised words names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameKind {
    /// A person: the tokens of the name without titles.
    Person(Range<usize>),
    /// An organisation (or a place named like one): the tokens without a leading "The".
    Organisation(Range<usize>),
    /// One capitalised word that is neither: a surname, a place, a people.
    Other(Range<usize>),
}

/// The span of a token range.
pub fn span_of(doc: &Document, tokens: &Range<usize>) -> Span {
    doc.tokens_span(tokens)
}

/// Tells a person's name from an organisation's in the capitalised run `run`.
pub fn classify(doc: &Document, run: Range<usize>) -> NameKind {
    let word = |i: usize| doc.token_text(i);
    // "Patrick Murphy of the State Department": the person before the "of".
    if let Some(cut) = run
        .clone()
        .skip(1)
        .find(|&i| matches!(word(i), "of" | "from" | "at" | "in"))
    {
        let head = run.start..cut;
        if !head.clone().any(|i| lexicon::is_org_word(word(i)))
            && let Some(tail) = person_tail(doc, head.clone())
            && tail.len() >= 2
        {
            return NameKind::Person(tail);
        }
    }
    let mut start = run.start;
    while start + 1 < run.end && matches!(word(start), "The" | "the" | "A" | "An") {
        start += 1;
    }
    // "Secretary of State John Kerry" is a person; "Ministry of Foreign Affairs and
    // International Cooperation" is not: a person's name follows a title, not a connector.
    let person_after_title = person_tail(doc, run.clone()).is_some_and(|t| {
        t.len() >= 2 && t.start > run.start && !lexicon::is_name_connector(word(t.start - 1))
    });
    if run.clone().any(|i| lexicon::is_org_word(word(i))) && !person_after_title {
        return NameKind::Organisation(start..run.end);
    }
    match person_tail(doc, run.clone()) {
        Some(tail) if tail.len() >= 2 || tail.start > start => NameKind::Person(tail),
        Some(tail) => NameKind::Other(tail),
        None => NameKind::Organisation(start..run.end),
    }
}

/// The person's name at the end of a run: capitalised words that are not titles or
/// organisation words, at most three (four with an initial).
fn person_tail(doc: &Document, run: Range<usize>) -> Option<Range<usize>> {
    let mut start = run.end;
    let mut initials = 0;
    while start > run.start {
        let w = doc.token_text(start - 1);
        let initial = w.trim_end_matches('.').chars().count() == 1;
        if !is_capitalised(w)
            || lexicon::is_title(w)
            || lexicon::is_org_word(w)
            || lexicon::is_name_connector(w)
            || lexicon::is_intro_word(w)
            || run.end - start >= 3 + initials
        {
            break;
        }
        initials += usize::from(initial);
        start -= 1;
    }
    (start < run.end).then_some(start..run.end)
}

/// The capitalised run of `tokens[lo..]` that ends at `end` (exclusive): capitalised words and
/// the connectors between them ("Ministry of Foreign Affairs and International Cooperation").
pub fn run_ending_at(doc: &Document, lo: usize, end: usize) -> Option<Range<usize>> {
    let word = |i: usize| doc.token_text(i);
    if end == lo || !is_capitalised(word(end - 1)) {
        return None;
    }
    let mut start = end - 1;
    while start > lo {
        let w = word(start - 1);
        let connects = lexicon::is_name_connector(w)
            && start - 1 > lo
            && is_capitalised(word(start - 2))
            && !matches!(word(start - 2), "The" | "A");
        if (is_capitalised(w) && is_word(w)) || connects {
            start -= 1;
        } else {
            break;
        }
    }
    Some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(text: &str) -> String {
        let doc = Document::new(text);
        let end = doc.tokens.len();
        let run = run_ending_at(&doc, 0, end).expect("a run");
        match classify(&doc, run) {
            NameKind::Person(t) => span_of(&doc, &t).text(text).to_owned(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn titles_are_not_names() {
        assert_eq!(
            person("Deputy Prime Minister and Minister of National Defence Tea Banh"),
            "Tea Banh"
        );
        assert_eq!(person("Secretary of State John Kerry"), "John Kerry");
        assert_eq!(person("Sen. Bob Corker"), "Bob Corker");
        assert_eq!(
            person("Rep. Elijah Cummings of Maryland"),
            "Elijah Cummings"
        );
    }
}
