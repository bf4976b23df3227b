//! Quote predictions for `score_quotes.py`: span, speaker (the canonical name), cue and kind.

use serde_json::{Value, json};

use super::{code_point_map, code_points};
use crate::analysis::{self, Options, QuoteKind};

/// The prediction line for one gold document (`{"id", "text", ...}`).
pub fn predict(id: &str, text: &str) -> Value {
    let map = code_point_map(text);
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
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    json!({"id": id, "quotes": quotes})
}
