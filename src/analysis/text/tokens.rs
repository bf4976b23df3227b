//! A tokenizer that cuts news prose the way CoNLL-2003 was cut, so that the entity tagger sees
//! the same kind of tokens it was trained on: punctuation apart, possessives apart ("Sokha" "’s"),
//! negations apart ("do" "n't"), hyphenated words, initials and abbreviations ("U.S.", "H.") whole.

use crate::analysis::Span;

/// Abbreviations that keep their full stop. Single capital letters ("H.") and dotted acronyms
/// ("U.S.") are recognised by shape and need not be listed.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Lt", "Col", "Maj", "Capt",
    "Sgt", "Adm", "Cmdr", "Gov", "Sen", "Rep", "Del", "Amb", "Atty", "Rev", "Hon", "Pres", "Inc",
    "Corp", "Co", "Ltd", "Bros", "No", "Nos", "vs", "etc", "Jan", "Feb", "Mar", "Apr", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "Ave", "Blvd", "Dept", "Univ", "approx", "est", "Fig",
    "al",
];

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '„' | '«' | '‹' | '(' | '[' | '{' | '「' | '『' | '¿' | '¡'
    )
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | '›'
            | ')'
            | ']'
            | '}'
            | '」'
            | '』'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
    )
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Whether a character separates words: white space (no-break spaces included), and the
/// invisible zero-width space and byte-order mark that web text carries between words.
fn separates(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Invisible format characters that web text leaves inside words (a soft hyphen, a zero-width
/// joiner or non-joiner, a word joiner) or between them: a word is read without them, while its
/// span still covers them as sent.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Cuts `text[range]` into tokens, appending them to `out` with offsets into `text`.
pub fn tokenize(text: &str, base: usize, out: &mut Vec<Span>) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        if separates(c) {
            if let Some(s) = start.take() {
                split_chunk(text, s, i, base, out);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        split_chunk(text, s, text.len(), base, out);
    }
}

/// Splits one whitespace-free chunk `text[begin..end]`: dashes inside it ("word—word"), a comma
/// not between digits and a slash before a capital separate tokens (a loop, not recursion, so a
/// long run of dashes cannot exhaust the stack).
fn split_chunk(text: &str, begin: usize, end: usize, base: usize, out: &mut Vec<Span>) {
    let mut part = begin;
    let chunk = &text[begin..end];
    // A slash between a word and a capitalised one separates them too ("Chhengpor/VOA"), as
    // it stands apart in CoNLL's text; "and/or", "1/2" and dates stay whole.
    let joins_names = |at: usize| {
        chunk[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
            && chunk[at + 1..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    };
    // A comma separates words even with no space after it ("Belkacemi,60"), but not digits
    // ("1,000").
    let parts_words = |at: usize| {
        !(chunk[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
            && chunk[at + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit()))
    };
    // A colon or semicolon right before a quotation mark ends the word before it
    // ("Clinton:\"We"), as a comma does.
    let opens_quote = |at: usize| {
        chunk[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '"' | '“' | '”' | '‘' | '’' | '\''))
    };
    for (at, c) in chunk.char_indices().filter(|&(at, c)| {
        is_dash(c)
            || c == '/' && joins_names(at)
            || c == ',' && parts_words(at)
            || matches!(c, ':' | ';') && opens_quote(at)
    }) {
        let dash = begin + at;
        if dash > part {
            split_part(text, part, dash, base, out);
        }
        out.push(Span::new(base + dash, base + dash + c.len_utf8()));
        part = dash + c.len_utf8();
    }
    if part < end {
        split_part(text, part, end, base, out);
    }
}

/// Splits a dash-free chunk `text[begin..end]`.
fn split_part(text: &str, mut begin: usize, end: usize, base: usize, out: &mut Vec<Span>) {
    // A possessive standing alone (as in CoNLL's text: "Sokha 's") is one token.
    if matches!(&text[begin..end], "'s" | "’s" | "'S" | "’S") {
        out.push(Span::new(base + begin, base + end));
        return;
    }
    // Leading punctuation, one mark a token; a closing mark too, when no space follows it
    // ("…,”Clinton said").
    while begin < end {
        let c = first_char(&text[begin..end]);
        if is_opening(c)
            || is_closing(c)
            || (c.is_ascii_punctuation() && !matches!(c, '$' | '#' | '@' | '&'))
        {
            if c == '.' && text[begin..end].starts_with("...") {
                out.push(Span::new(base + begin, base + begin + 3));
                begin += 3;
                continue;
            }
            // A leading apostrophe of an elided year or word ('90s, ’em) stays on the word.
            if is_apostrophe(c)
                && text[begin + c.len_utf8()..end].starts_with(|d: char| d.is_alphanumeric())
                && !text[begin + c.len_utf8()..end].contains(['\'', '’'])
                && looks_elided(&text[begin + c.len_utf8()..end])
            {
                break;
            }
            out.push(Span::new(base + begin, base + begin + c.len_utf8()));
            begin += c.len_utf8();
        } else {
            break;
        }
    }
    if begin >= end {
        return;
    }
    // Trailing punctuation, collected from the end.
    let mut trailing = Vec::new();
    let mut stop = end;
    while stop > begin {
        let word = &text[begin..stop];
        let c = last_char(word);
        if c == '.' && keeps_full_stop(&word[..word.len() - 1]) {
            break;
        }
        if word.ends_with("...") && word.len() > 3 {
            trailing.push(Span::new(base + stop - 3, base + stop));
            stop -= 3;
            continue;
        }
        if is_closing(c) {
            // A closing apostrophe after s is a plural possessive ("states’"): its own token.
            trailing.push(Span::new(base + stop - c.len_utf8(), base + stop));
            stop -= c.len_utf8();
        } else {
            break;
        }
    }
    if stop > begin {
        split_word(text, begin, stop, base, out);
    }
    out.extend(trailing.into_iter().rev());
}

/// Splits possessives and negations off a word without edge punctuation.
fn split_word(text: &str, begin: usize, end: usize, base: usize, out: &mut Vec<Span>) {
    let word = &text[begin..end];
    for suffix in ["'s", "’s", "'S", "’S"] {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            let cut = end - suffix.len();
            out.push(Span::new(base + begin, base + cut));
            out.push(Span::new(base + cut, base + end));
            return;
        }
    }
    for suffix in ["n't", "n’t", "N'T", "N’T"] {
        if word.len() > suffix.len() + 1 && word.ends_with(suffix) {
            let cut = end - suffix.len();
            out.push(Span::new(base + begin, base + cut));
            out.push(Span::new(base + cut, base + end));
            return;
        }
    }
    out.push(Span::new(base + begin, base + end));
}

/// Whether a word before a full stop keeps it: "U.S", "H", "Mr", "Inc".
fn keeps_full_stop(word: &str) -> bool {
    // Long words are never abbreviations; the bound also keeps a long run of dots linear.
    if word.is_empty() || word.len() > 24 {
        return false;
    }
    let mut chars = word.chars();
    let first = chars.next().expect("word is not empty");
    if chars.next().is_none() {
        return first.is_uppercase();
    }
    if word.contains('.')
        && word
            .split('.')
            .all(|part| part.chars().count() <= 2 && part.chars().all(char::is_alphabetic))
    {
        return true;
    }
    ABBREVIATIONS.contains(&word)
}

fn looks_elided(rest: &str) -> bool {
    let rest = rest.trim_end_matches(|c: char| !c.is_alphanumeric());
    (rest.len() >= 2 && rest.chars().take(2).all(|c| c.is_ascii_digit()))
        || matches!(rest, "em" | "til" | "n")
}

fn first_char(s: &str) -> char {
    s.chars().next().expect("caller passes a non-empty string")
}

fn last_char(s: &str) -> char {
    s.chars()
        .next_back()
        .expect("caller passes a non-empty string")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenize(text, 0, &mut out);
        out.iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn a_colon_before_a_quotation_mark_ends_the_word() {
        assert_eq!(
            tokens("Clinton:\"We know.\" Time: 10:30;“so”"),
            [
                "Clinton", ":", "\"", "We", "know", ".", "\"", "Time", ":", "10:30", ";", "“",
                "so", "”"
            ]
        );
    }

    #[test]
    fn possessives_and_punctuation_apart() {
        assert_eq!(
            tokens("Sokha’s party, Banh's ally."),
            ["Sokha", "’s", "party", ",", "Banh", "'s", "ally", "."]
        );
    }

    #[test]
    fn quotes_and_brackets_apart() {
        assert_eq!(
            tokens("“We [US] stay,” he said:"),
            [
                "“", "We", "[", "US", "]", "stay", ",", "”", "he", "said", ":"
            ]
        );
        assert_eq!(
            tokens("“We stay,”Clinton said"),
            ["“", "We", "stay", ",", "”", "Clinton", "said"]
        );
    }

    #[test]
    fn initials_abbreviations_and_hyphens_whole() {
        assert_eq!(
            tokens("Joseph H. Felter of the U.S. Indo-Pacific Command, Mr. Smith."),
            [
                "Joseph",
                "H.",
                "Felter",
                "of",
                "the",
                "U.S.",
                "Indo-Pacific",
                "Command",
                ",",
                "Mr.",
                "Smith",
                "."
            ]
        );
    }

    #[test]
    fn negations_dashes_and_elisions() {
        assert_eq!(
            tokens("We don’t—in the ’90s—agree..."),
            [
                "We", "do", "n’t", "—", "in", "the", "’90s", "—", "agree", "..."
            ]
        );
    }

    #[test]
    fn a_slash_before_a_capital_separates_words() {
        assert_eq!(
            tokens("Aun Chhengpor/VOA Khmer, and/or 1/2 on 08/26/96"),
            [
                "Aun",
                "Chhengpor",
                "/",
                "VOA",
                "Khmer",
                ",",
                "and/or",
                "1/2",
                "on",
                "08/26/96"
            ]
        );
    }

    #[test]
    fn a_comma_without_a_space_separates_words_but_not_digits() {
        assert_eq!(
            tokens("Khaled Belkacemi,60, paid 1,000 dollars,a lot"),
            [
                "Khaled",
                "Belkacemi",
                ",",
                "60",
                ",",
                "paid",
                "1,000",
                "dollars",
                ",",
                "a",
                "lot"
            ]
        );
    }

    #[test]
    fn conll_style_possessives_stay_whole() {
        assert_eq!(tokens("Sokha 's party"), ["Sokha", "'s", "party"]);
        assert_eq!(tokens("Sokha ’s"), ["Sokha", "’s"]);
    }

    #[test]
    fn curly_apostrophes_and_bracketed_initials() {
        assert_eq!(
            tokens("Banh’s aide (Joseph H Felter) said"),
            [
                "Banh", "’s", "aide", "(", "Joseph", "H", "Felter", ")", "said"
            ]
        );
    }

    #[test]
    fn long_runs_of_dashes_and_dots_are_linear_and_safe() {
        let dashes = "a—".repeat(200_000);
        assert_eq!(tokens(&dashes).len(), 400_000);
        let dots = format!("a{}", ".".repeat(100_000));
        assert!(tokens(&dots).len() > 1);
    }

    #[test]
    fn zero_width_spaces_and_boms_separate_words_and_no_break_spaces_too() {
        assert_eq!(
            tokens("\u{FEFF}Phay\u{00A0}Siphan\u{200B}said"),
            ["Phay", "Siphan", "said"]
        );
    }

    #[test]
    fn invisible_characters_inside_a_word_stay_in_it() {
        assert_eq!(
            tokens("Cam\u{00AD}bodia’s Sip\u{200D}han"),
            ["Cam\u{00AD}bodia", "’s", "Sip\u{200D}han"]
        );
    }

    #[test]
    fn offsets_are_into_the_text() {
        let text = "  é’s  ";
        let mut out = Vec::new();
        tokenize(text, 10, &mut out);
        assert_eq!(out, [Span::new(12, 14), Span::new(14, 18)]);
    }
}
