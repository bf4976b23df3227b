//! Quotation marks read as a reader reads them, and the quoted spans they delimit.
//!
//! A mark opens or closes by what touches it, not only by its glyph: a mark after a space and
//! before a word opens, one after a word and before a space or punctuation closes, so mixed
//! marks (“… generations.") and straight marks pair as a reader pairs them; the glyph decides
//! only when the context does not. Single marks (‘…’) delimit a quote only outside double ones,
//! and only curly ones: ‘ opening before a letter after a space, ’ closing before a space or
//! punctuation. So an apostrophe (don’t, Cambodia’s, states’) opens nothing, and ‘nested’ single
//! quotes stay inside the double quote around them. A quote left open at the end of its paragraph continues
//! into the next paragraph only if that paragraph opens with a mark (the news convention for a
//! quote over several paragraphs); otherwise it ends with its paragraph. One pass over the text,
//! with a nesting stack of bounded depth, so any input takes linear time.

use crate::analysis::Span;
use crate::analysis::text::Document;

/// A quotation found by its marks, before it is classified and attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// From the opening mark to the closing mark, both included; to the paragraph's end when
    /// the quote is never closed.
    pub span: Span,
    /// Whether the quote reached the end of its (last) paragraph without a closing mark.
    pub open_ended: bool,
    /// The paragraph the quote opens in (index and span).
    pub first_paragraph: usize,
    pub first_span: Span,
    /// The paragraph the quote closes in (index and span).
    pub last_paragraph: usize,
    pub last_span: Span,
    /// Whether single marks (‘…’) delimit the quote rather than double ones.
    pub single: bool,
}

/// The paragraphs as quotation reads them: the document's blank-line paragraphs, also cut at a
/// single line break after a finished sentence or before a line that opens with a mark (many
/// pages separate paragraphs by one line break).
pub fn paragraphs(doc: &Document) -> Vec<Span> {
    let mut out = Vec::with_capacity(doc.paragraphs.len());
    for paragraph in &doc.paragraphs {
        let text = doc.slice(paragraph.span);
        let base = paragraph.span.begin;
        let mut begin = 0;
        for (at, _) in text.match_indices('\n') {
            let line = text[begin..at].trim_end();
            let next = text[at + 1..].trim_start();
            let finished = line.ends_with(['.', '!', '?', ':', '"', '”', '»', '…', ')', '“'])
                || next.starts_with(is_double_mark);
            if finished && !line.trim_start().is_empty() {
                push_trimmed(&mut out, text, base, begin, at);
                begin = at + 1;
            }
        }
        push_trimmed(&mut out, text, base, begin, text.len());
    }
    out
}

fn push_trimmed(out: &mut Vec<Span>, text: &str, base: usize, begin: usize, end: usize) {
    let piece = &text[begin..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push(Span::new(
            base + begin + lead,
            base + begin + lead + trimmed.len(),
        ));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
}

/// Deeper nesting than this is not read: the marks are treated as text.
const MAX_DEPTH: usize = 4;

fn is_double_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '「'
            | '」'
            | '『'
            | '』'
            | '〝'
            | '〞'
            | '＂'
    )
}

/// The role a mark has when its context does not decide.
fn glyph_role(c: char, depth: usize) -> Role {
    match c {
        '“' | '„' | '‟' | '«' | '「' | '『' | '〝' => Role::Open,
        '”' | '»' | '」' | '』' | '〞' => Role::Close,
        _ if depth > 0 => Role::Close,
        _ => Role::Open,
    }
}

/// Characters before a mark that let it open: nothing, space, brackets, dashes, other marks.
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| {
        p.is_whitespace()
            || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | '‘' | '\'')
            || is_double_mark(p)
    })
}

/// Characters after a mark that let it close: nothing, space, punctuation, other marks.
fn closes_before(next: Option<char>) -> bool {
    next.is_none_or(|n| {
        n.is_whitespace()
            || matches!(
                n,
                '.' | ','
                    | ';'
                    | ':'
                    | '!'
                    | '?'
                    | ')'
                    | ']'
                    | '}'
                    | '—'
                    | '–'
                    | '-'
                    | '…'
                    | '’'
                    | '\''
            )
            || is_double_mark(n)
    })
}

/// Whether a ’ closes a single-marked quote: after a word or punctuation, before a space,
/// punctuation or the end, so that the apostrophe inside a word (don’t, Cambodia’s) never does.
fn closes_single(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(|p| !p.is_whitespace())
        && next.is_none_or(|n| !n.is_alphanumeric())
        && !matches!(next, Some('’' | '\''))
}

fn role(c: char, prev: Option<char>, next: Option<char>, depth: usize) -> Role {
    let left = opens_after(prev) && next.is_some_and(|n| !n.is_whitespace());
    let right = prev.is_some_and(|p| !p.is_whitespace()) && closes_before(next);
    match (left, right) {
        (true, false) => Role::Open,
        (false, true) => Role::Close,
        _ => glyph_role(c, depth),
    }
}

/// Finds the outermost quotations of a document, in document order.
pub fn find(doc: &Document, paragraphs: &[Span]) -> Vec<Marked> {
    let mut quotes = Vec::new();
    // The outermost open quote carried over from earlier paragraphs: (begin, first paragraph).
    let mut carried: Option<(usize, usize)> = None;
    for (index, &paragraph) in paragraphs.iter().enumerate() {
        let text = doc.slice(paragraph);
        let base = paragraph.begin;
        let mut depth = 0usize;
        let mut outer: Option<(usize, usize)> = None;
        let mut skip_first = false;
        if let Some(open) = carried.take() {
            let first = text.chars().next();
            if first.is_some_and(|c| is_double_mark(c) && glyph_role(c, 0) == Role::Open) {
                outer = Some(open);
                depth = 1;
                skip_first = true;
            } else {
                // Only an earlier paragraph can have carried a quote over.
                let last = paragraphs[index - 1];
                quotes.push(Marked {
                    span: Span::new(open.0, last.end),
                    open_ended: true,
                    first_paragraph: open.1,
                    first_span: paragraphs[open.1],
                    last_paragraph: index - 1,
                    last_span: last,
                    single: false,
                });
            }
        }
        // A single-marked quote open at the top level: its opening mark's offset.
        let mut single: Option<usize> = None;
        let mut in_tag = false;
        let mut in_attribute = false;
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            let before = prev;
            prev = Some(c);
            if skip_first {
                skip_first = false;
                continue;
            }
            // Marks inside HTML tags (attribute values included) are markup, not quotation.
            if in_tag {
                if c == '"' {
                    in_attribute = !in_attribute;
                } else if c == '>' && !in_attribute {
                    in_tag = false;
                }
                continue;
            }
            if c == '<' && next.is_some_and(|n| n.is_ascii_alphabetic() || n == '/') {
                in_tag = true;
                in_attribute = false;
                continue;
            }
            if depth == 0 && (c == '‘' || c == '’') {
                match (single, c) {
                    (None, '‘') if opens_after(before) && next.is_some_and(char::is_alphabetic) =>
                    {
                        single = Some(base + at);
                    }
                    (Some(begin), '’') if closes_single(before, next) => {
                        single = None;
                        quotes.push(Marked {
                            span: Span::new(begin, base + at + c.len_utf8()),
                            open_ended: false,
                            first_paragraph: index,
                            first_span: paragraph,
                            last_paragraph: index,
                            last_span: paragraph,
                            single: true,
                        });
                    }
                    _ => {}
                }
                continue;
            }
            if !is_double_mark(c) {
                continue;
            }
            // Double marks inside single ones: the single mark was an apostrophe after all.
            single = None;
            // An attribute value outside a tag: `href="…"`.
            if before == Some('=') {
                continue;
            }
            let at = base + at;
            match role(c, before, next, depth) {
                Role::Open => {
                    if depth == 0 {
                        outer = Some((at, index));
                    }
                    if depth < MAX_DEPTH {
                        depth += 1;
                    }
                }
                Role::Close => {
                    if depth == 0 {
                        continue;
                    }
                    depth -= 1;
                    if depth == 0 {
                        let (begin, first) = outer.take().expect("an open quote has a begin");
                        quotes.push(Marked {
                            span: Span::new(begin, at + c.len_utf8()),
                            open_ended: false,
                            first_paragraph: first,
                            first_span: paragraphs[first],
                            last_paragraph: index,
                            last_span: paragraph,
                            single: false,
                        });
                    }
                }
            }
        }
        carried = outer;
    }
    if let (Some(open), Some(&last)) = (carried, paragraphs.last()) {
        quotes.push(Marked {
            span: Span::new(open.0, last.end),
            open_ended: true,
            first_paragraph: open.1,
            first_span: paragraphs[open.1],
            last_paragraph: paragraphs.len() - 1,
            last_span: last,
            single: false,
        });
    }
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        find(&doc, &paragraphs(&doc))
            .iter()
            .map(|q| q.span.text(text))
            .collect()
    }

    #[test]
    fn curly_and_straight_marks() {
        assert_eq!(
            quoted("“We remain friends,” he said. \"Go,\" she said."),
            ["“We remain friends,”", "\"Go,\""]
        );
    }

    #[test]
    fn mixed_marks_pair_by_context() {
        assert_eq!(
            quoted("It said: “For future generations.\"\n\n“He will then discuss.”"),
            ["“For future generations.\"", "“He will then discuss.”"]
        );
    }

    #[test]
    fn apostrophes_are_never_marks() {
        assert_eq!(
            quoted("“Don’t touch Cambodia’s ’90s states’ rights,” he said."),
            ["“Don’t touch Cambodia’s ’90s states’ rights,”"]
        );
    }

    #[test]
    fn nested_single_marks_stay_inside() {
        assert_eq!(
            quoted("“They said ‘never’ and \"no\" to us,” he said."),
            ["“They said ‘never’ and \"no\" to us,”"]
        );
    }

    #[test]
    fn single_marks_quote_outside_double_ones() {
        assert_eq!(
            quoted("DNC issues ‘deep and sincere apology’ to the states’ voters. Don’t."),
            ["‘deep and sincere apology’"]
        );
        assert_eq!(
            quoted("She said ‘yes “no” maybe’ later."),
            ["“no”"],
            "a double mark inside single ones makes the single mark an apostrophe"
        );
        assert_eq!(quoted("the ‘90s and ‘open"), Vec::<&str>::new());
    }

    #[test]
    fn other_languages_marks() {
        assert_eq!(quoted("Er sagte: „Wir bleiben.“"), ["„Wir bleiben.“"]);
        assert_eq!(
            quoted("Il a dit : « Nous restons. »"),
            ["« Nous restons. »"]
        );
        assert_eq!(quoted("彼は「行く」と言った。"), ["「行く」"]);
    }

    #[test]
    fn open_quote_continues_into_a_paragraph_that_opens_with_a_mark() {
        let text = "“First part.\n\n“Second part,” he said.";
        assert_eq!(quoted(text), ["“First part.\n\n“Second part,”"]);
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        assert_eq!(
            quoted("He said “never again.\n\nThe rest is prose. “Yes,” she said."),
            ["“never again.", "“Yes,”"]
        );
    }

    #[test]
    fn marks_in_html_are_markup() {
        assert_eq!(
            quoted("<a href=\"http://x.org/a\">link</a> “Real,” he said."),
            ["“Real,”"]
        );
    }
}
