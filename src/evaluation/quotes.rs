//! Quote predictions for `score_quotes.py`: span, speaker (the canonical name), cue and kind,
//! with the confidence and the basis it was looked up by (for `scripts/quote-breakdown.py` and
//! `scripts/fit-quote-confidence.py`; the scorer ignores them).

use serde_json::{Value, json};

use super::{code_point_map, code_points};
use crate::analysis::text::Document;
use crate::analysis::{self, Options, QuoteKind, Span, entities, quotes};

/// The prediction line for one gold document (`{"id", "text", ...}`).
pub fn predict(id: &str, text: &str) -> Value {
    let map = code_point_map(text);
    let bases = bases(text);
    let quotes = match analysis::analyze(text, &Options::default()) {
        Ok(analysis) => analysis
            .quotes
            .iter()
            .map(|quote| {
                let (start, end) = code_points(&map, quote.span);
                json!({
                    "start": start,
                    "end": end,
                    "text": quote.span.text(text),
                    "speaker": quote.speaker.as_ref().map(|s| s.name.as_str()),
                    "cue": quote.cue.map(|c| c.span.text(text)),
                    "kind": match quote.kind {
                        QuoteKind::Direct => "direct",
                        QuoteKind::Partial => "partial",
                    },
                    "confidence": quote.confidence,
                    "basis": bases
                        .iter()
                        .find(|(span, _)| *span == quote.span)
                        .map(|(_, key)| key.as_str()),
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    json!({"id": id, "quotes": quotes})
}

/// Each quote's span and the finest key of its confidence basis.
fn bases(text: &str) -> Vec<(Span, String)> {
    let doc = Document::new(text);
    let mut entities = entities::extract(&doc);
    quotes::extract_explained(&doc, &mut entities)
        .into_iter()
        .map(|(quote, basis)| {
            let [finest, ..] = basis.keys();
            (quote.span, finest)
        })
        .collect()
}
