//! Cutting a text into paragraphs and sentences.
//!
//! Paragraphs are separated by blank lines; a text with no blank line (one sentence a line, as
//! in wire copy and CoNLL data) has one paragraph a line. Sentences end at a line break, or at a
//! full stop, question or exclamation mark (with any closing quotes and brackets after it) that
//! is followed by something that can begin a sentence.

use super::{Document, Paragraph, Sentence, Token, tokenize};
use crate::analysis::Span;

pub(super) fn segment(text: &str) -> Document<'_> {
    let blank_lines = text.contains("\n\n") || text.contains("\n\r\n");
    let mut paragraphs = Vec::new();
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    let mut spans = Vec::new();

    for (begin, end) in lines(text, blank_lines) {
        let first_sentence = sentences.len();
        // Every line of a paragraph is cut into sentences of its own.
        for (line_begin, line_end) in lines(&text[begin..end], false) {
            let (line_begin, line_end) = (begin + line_begin, begin + line_end);
            spans.clear();
            tokenize(&text[line_begin..line_end], line_begin, &mut spans);
            split_sentences(text, &spans, &mut tokens, &mut sentences);
        }
        if sentences.len() > first_sentence {
            paragraphs.push(Paragraph {
                span: Span::new(begin, end),
                sentences: first_sentence..sentences.len(),
            });
        }
    }
    Document {
        text,
        paragraphs,
        sentences,
        tokens,
    }
}

/// The non-blank lines (or blank-line separated blocks) of a text, trimmed of whitespace.
fn lines(text: &str, by_blank_lines: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut block: Option<(usize, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.extend(block.take());
        } else {
            let lead = line.len() - line.trim_start().len();
            let begin = at + lead;
            let end = begin + trimmed.len();
            block = match block {
                Some((b, _)) if by_blank_lines => Some((b, end)),
                Some(done) => {
                    out.push(done);
                    Some((begin, end))
                }
                None => Some((begin, end)),
            };
        }
        at += line.len();
    }
    out.extend(block);
    out
}

fn split_sentences(
    text: &str,
    spans: &[Span],
    tokens: &mut Vec<Token>,
    sentences: &mut Vec<Sentence>,
) {
    let mut first = tokens.len();
    // Whether the current token is a terminal mark or closers after one (`."`, `?”)`), carried
    // along so that a long run of closers is read once, not once per closer.
    let mut terminal = false;
    for (i, span) in spans.iter().enumerate() {
        tokens.push(Token { span: *span });
        let word = span.text(text);
        terminal = is_terminal(word) || (terminal && is_closer(word));
        let next = spans.get(i + 1).map(|s| s.text(text));
        let ends = match next {
            None => true,
            Some(next) => terminal && !is_closer(next) && can_start_sentence(next),
        };
        if ends {
            let last = tokens.len();
            sentences.push(Sentence {
                span: Span::new(tokens[first].span.begin, tokens[last - 1].span.end),
                tokens: first..last,
            });
            first = last;
        }
    }
}

fn is_closer(word: &str) -> bool {
    matches!(word, "”" | "’" | "\"" | "'" | ")" | "]" | "»" | "」")
}

fn is_terminal(word: &str) -> bool {
    matches!(word, "." | "!" | "?" | "..." | "…")
}

fn can_start_sentence(word: &str) -> bool {
    word.chars().next().is_some_and(|c| {
        c.is_uppercase()
            || c.is_numeric()
            || "“\"‘'([«„".contains(c)
            || !c.is_alphabetic() && !c.is_ascii_punctuation()
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::text::Document;

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        doc.sentences.iter().map(|s| s.span.text(text)).collect()
    }

    #[test]
    fn sentences_end_at_terminal_marks() {
        assert_eq!(
            sentences("Mr. Hun Sen spoke. “We stay.” He left? Yes"),
            ["Mr. Hun Sen spoke.", "“We stay.”", "He left?", "Yes"]
        );
    }

    #[test]
    fn no_break_before_lowercase() {
        assert_eq!(
            sentences("It cost 3.5 million. and more"),
            ["It cost 3.5 million. and more"]
        );
    }

    #[test]
    fn paragraphs_by_blank_lines_or_lines() {
        let doc = Document::new("One.\nTwo.\n\nThree.");
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(doc.sentences.len(), 3);
        let doc = Document::new("One .\nTwo .\nThree .");
        assert_eq!(doc.paragraphs.len(), 3);
    }

    #[test]
    fn paragraph_at_finds_offsets() {
        let text = "One.\n\nTwo.";
        let doc = Document::new(text);
        assert_eq!(doc.paragraph_at(0), Some(0));
        assert_eq!(doc.paragraph_at(7), Some(1));
        assert_eq!(doc.paragraph_at(4), None);
    }
}
