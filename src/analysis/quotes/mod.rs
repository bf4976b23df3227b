//! Direct quotations and who said them.
//!
//! This first version pairs quotation marks within a paragraph and attributes a quote to the
//! entity named nearest after it; the full extractor replaces it.

use super::text::Document;
use super::{Cue, Entity, Quote, QuoteKind, Span, Speaker};

const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "stressed", "added", "warned", "asked",
];

/// Finds the quotations of a document and resolves their speakers to `entities`.
pub fn extract(doc: &Document, entities: &mut [Entity]) -> Vec<Quote> {
    let mut quotes = Vec::new();
    for paragraph in &doc.paragraphs {
        let text = doc.slice(paragraph.span);
        let mut open: Option<usize> = None;
        for (at, c) in text.char_indices() {
            let at = paragraph.span.begin + at;
            match (c, open) {
                ('“', _) | ('"', None) => open = Some(at),
                ('”', Some(begin)) | ('"', Some(begin)) => {
                    let span = Span::new(begin, at + c.len_utf8());
                    quotes.push(attribute(doc, entities, span, paragraph.span));
                    open = None;
                }
                _ => {}
            }
        }
    }
    quotes
}

fn attribute(doc: &Document, entities: &[Entity], span: Span, paragraph: Span) -> Quote {
    let inner = doc.slice(span);
    let kind = if inner.split_whitespace().count() > 4 {
        QuoteKind::Direct
    } else {
        QuoteKind::Partial
    };
    let after = Span::new(span.end, paragraph.end);
    let cue = doc
        .tokens
        .iter()
        .find(|t| after.contains(t.span) && SPEECH_VERBS.contains(&doc.slice(t.span)))
        .map(|t| Cue { span: t.span });
    let speaker = entities.iter().enumerate().find_map(|(index, entity)| {
        entity
            .mentions
            .iter()
            .find(|m| after.contains(m.span))
            .map(|m| Speaker {
                name: entity.name.clone(),
                entity_index: Some(index),
                span: Some(m.span),
            })
    });
    Quote {
        span,
        kind,
        confidence: if speaker.is_some() { 0.6 } else { 0.3 },
        speaker,
        cue,
    }
}
