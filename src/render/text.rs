//! An analysis as a short summary for a terminal: the language, the most salient entities, and
//! each quote with its speaker.

use std::fmt::Write;

use super::html::abridge;
use super::{entity_type, language_line};
use crate::proto::{self as pb, QuoteKind};

/// How many entities the summary lists.
const TOP_ENTITIES: usize = 10;

/// One document's summary, ending with a blank line.
pub fn analysis(response: &pb::AnalyzeResponse) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "== {}",
        if response.id.is_empty() {
            "document"
        } else {
            &response.id
        }
    );
    let _ = writeln!(
        out,
        "Language: {}",
        language_line(response.language.as_ref())
    );
    if let Some(stats) = &response.stats {
        let _ = writeln!(
            out,
            "{} words, {} sentences, {} paragraphs",
            stats.words, stats.sentences, stats.paragraphs
        );
    }
    if !response.entities.is_empty() {
        let _ = writeln!(
            out,
            "Entities ({}; the top {} by salience):",
            response.entities.len(),
            TOP_ENTITIES.min(response.entities.len())
        );
        for entity in response.entities.iter().take(TOP_ENTITIES) {
            let (_, type_name) = entity_type(entity.r#type);
            let _ = writeln!(
                out,
                "  {:.2}  {:<12}  {} ({} mention{})",
                entity.salience,
                type_name,
                entity.name,
                entity.mentions.len(),
                if entity.mentions.len() == 1 { "" } else { "s" }
            );
        }
    }
    if !response.quotes.is_empty() {
        let _ = writeln!(out, "Quotes ({}):", response.quotes.len());
        for (i, quote) in response.quotes.iter().enumerate() {
            let speaker = quote
                .speaker
                .as_ref()
                .map_or("(no speaker found)", |s| s.name.as_str());
            let cue = quote
                .cue
                .as_ref()
                .map(|c| format!(", {}", c.text))
                .unwrap_or_default();
            let partial = if quote.kind == QuoteKind::Partial as i32 {
                " (partial)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:>2}. {speaker}{cue}{partial}: {}",
                i + 1,
                abridge(&quote.text, 160)
            );
        }
    }
    out.push('\n');
    out
}

/// A document that could not be analysed.
pub fn error(source: &str, message: &str) -> String {
    format!("== {source}\nerror: {message}\n\n")
}
