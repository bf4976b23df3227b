//! The analysis core: text in, [`Analysis`] out.
//!
//! Everything here is pure, synchronous Rust with byte offsets into the text as given. The
//! service layers above (cache, gRPC) depend on this module; it depends on none of them, so
//! anyone improving the analysis never has to read tonic or tokio.

pub mod entities;
pub mod language;
pub mod quotes;
pub mod stages;
pub mod text;
mod types;

pub use types::*;

use stages::{Stage, measure};
use text::Document;

/// Version of the analysis engine: part of every cache key, so a new engine never serves an old
/// engine's answers. Bump it whenever a change alters any result.
pub const ENGINE_VERSION: &str = concat!("docsift-engine/", env!("CARGO_PKG_VERSION"), "+26");

/// Reads what the analysis reads on its first document (the tagger models, the word tables,
/// the gazetteers and lexicons) by analysing a short text, so that the first caller does not
/// wait for it. A server calls this on a thread of its own while it starts, so that health
/// checks are answered meanwhile.
pub fn warm_up() {
    let text =
        "Jane Doe, a spokeswoman for the Red Cross in Geneva, said: \u{201c}We are ready.\u{201d}";
    let _ = analyze(text, &Options::default());
}

/// Analyses one document.
///
/// The text must be non-empty; size limits are the caller's policy and are checked before this
/// is called. Entities are found whenever entities or quotes are wanted, because quote speakers
/// are resolved to entities; they are returned only when asked for.
pub fn analyze(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
    if text.trim().is_empty() {
        return Err(AnalysisError::EmptyText);
    }
    let features = options.features.or_all();
    let doc = Document::new(text);

    let language = if features.language {
        measure(Stage::Language, || {
            language::detect(text, options.language_hint.as_deref())
        })?
    } else {
        Language::undetermined()
    };

    let mut entities = if features.entities || features.quotes {
        measure(Stage::Entities, || entities::extract(&doc))
    } else {
        Vec::new()
    };
    let mut quotes = if features.quotes {
        measure(Stage::Quotes, || quotes::extract(&doc, &mut entities))
    } else {
        Vec::new()
    };
    entities::rank(&doc, &mut entities, &mut quotes);
    if !features.entities {
        entities.clear();
        for quote in &mut quotes {
            if let Some(speaker) = &mut quote.speaker {
                speaker.entity_index = None;
            }
        }
    }

    Ok(Analysis {
        language,
        entities,
        quotes,
        stats: doc.stats(),
    })
}
