//! Renderings of an analysis for people: a self-contained HTML page ([`html`]) that shows the
//! text with its entities and quotes marked, and a terminal summary ([`text`]).
//!
//! Both read the API's [`AnalyzeResponse`](crate::proto::AnalyzeResponse) with UTF-8 offsets
//! beside the text it was made from, so they show exactly what a client receives. The demo page
//! draws the same HTML in the browser from a gRPC-Web answer, with the same style sheet
//! ([`STYLE_SHEET`]) and the same classes and ids.

pub mod html;
pub mod text;

use crate::proto::{self as pb, EntityType};

/// The style sheet of an analysis, inlined in every HTML page and served with the demo page.
pub const STYLE_SHEET: &str = include_str!("assets/docsift.css");

/// A span of the response as a byte range of `text`, when it is one: spans that are empty, out of
/// range or not on character boundaries are `None` (they are drawn as plain text).
fn byte_range(text: &str, span: Option<&pb::Span>) -> Option<std::ops::Range<usize>> {
    let span = span?;
    let range = span.begin as usize..span.end as usize;
    (range.start < range.end && text.get(range.clone()).is_some()).then_some(range)
}

/// The CSS class and the reader's name of an entity type.
fn entity_type(value: i32) -> (&'static str, &'static str) {
    match EntityType::try_from(value).unwrap_or(EntityType::Unspecified) {
        EntityType::Person => ("person", "Person"),
        EntityType::Organization => ("organization", "Organisation"),
        EntityType::Location => ("location", "Place"),
        EntityType::Misc => ("misc", "Other name"),
        EntityType::Unspecified => ("misc", "Unknown"),
    }
}

/// The language line: "English (eng, en), Latin script, confidence 0.98, reliable".
fn language_line(language: Option<&pb::Language>) -> String {
    match language {
        Some(l) if !l.code.is_empty() && l.code != "und" => format!(
            "{} ({}, {}), {} script, confidence {:.2}, {}",
            l.name,
            l.code,
            l.bcp47,
            l.script,
            l.confidence,
            if l.reliable {
                "reliable"
            } else {
                "not reliable"
            }
        ),
        _ => "undetermined".to_owned(),
    }
}
