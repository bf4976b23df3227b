//! Entity predictions for `score_ner.py`: every proper mention as a span labelled with its
//! entity's type.

use serde_json::{Value, json};

use super::{code_point_map, code_points};
use crate::analysis::{self, Features, MentionKind, Options};

/// The prediction line for one gold document (`{"id", "text", ...}`).
pub fn predict(id: &str, text: &str) -> Value {
    let options = Options {
        features: Features {
            entities: true,
            ..Features::default()
        },
        language_hint: Some("en".into()),
    };
    let map = code_point_map(text);
    let entities = match analysis::analyze(text, &options) {
        Ok(analysis) => analysis
            .entities
            .iter()
            .flat_map(|entity| {
                entity
                    .mentions
                    .iter()
                    .filter(|m| m.kind == MentionKind::Proper)
                    .map(|m| {
                        let (start, end) = code_points(&map, m.span);
                        json!({"start": start, "end": end, "label": entity.kind.as_str(),
                               "text": m.span.text(text)})
                    })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    json!({"id": id, "entities": entities})
}
