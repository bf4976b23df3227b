//! Text segmentation: paragraphs, sentences and tokens, all as byte spans into the text.
//!
//! Every later stage (entities, quotes) reads the same [`Document`], so the text is cut once.

mod offsets;
mod segment;
mod tokens;

pub use offsets::{OffsetMap, OffsetUnit};
pub use tokens::{is_invisible, tokenize};

use std::ops::Range;

use super::{Span, Stats};

/// A token: a word, a number, or one punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
}

/// A sentence and the tokens it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub tokens: Range<usize>,
}

/// A paragraph and the sentences it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    pub sentences: Range<usize>,
}

/// A text cut into paragraphs, sentences and tokens.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    pub text: &'t str,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
}

impl<'t> Document<'t> {
    pub fn new(text: &'t str) -> Self {
        segment::segment(text)
    }

    /// The text of a token.
    pub fn token_text(&self, index: usize) -> &'t str {
        self.tokens[index].span.text(self.text)
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &'t str {
        span.text(self.text)
    }

    /// The span from the first to the last of a non-empty token range.
    pub fn tokens_span(&self, tokens: &Range<usize>) -> Span {
        Span::new(
            self.tokens[tokens.start].span.begin,
            self.tokens[tokens.end - 1].span.end,
        )
    }

    /// Whether a token is the first of its sentence.
    pub fn starts_sentence(&self, token: usize) -> bool {
        self.sentences
            .binary_search_by_key(&token, |s| s.tokens.start)
            .is_ok()
    }

    /// The tokens of a sentence.
    pub fn sentence_tokens(&self, sentence: usize) -> &[Token] {
        &self.tokens[self.sentences[sentence].tokens.clone()]
    }

    /// The paragraph holding a byte offset, if any.
    pub fn paragraph_at(&self, offset: usize) -> Option<usize> {
        let index = self.paragraphs.partition_point(|p| p.span.end <= offset);
        (index < self.paragraphs.len() && self.paragraphs[index].span.begin <= offset)
            .then_some(index)
    }

    pub fn stats(&self) -> Stats {
        let words = self
            .tokens
            .iter()
            .filter(|t| self.slice(t.span).chars().any(char::is_alphanumeric))
            .count();
        Stats {
            characters: saturate(self.text.chars().count()),
            words: saturate(words),
            sentences: saturate(self.sentences.len()),
            paragraphs: saturate(self.paragraphs.len()),
        }
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
