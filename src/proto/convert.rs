//! From the core's results (byte offsets) to the API's messages (offsets in the client's unit).

use super::generated as pb;
use crate::analysis::text::{OffsetMap, OffsetUnit};
use crate::analysis::{self as core, Analysis};

/// The core's offset unit for an API enum value; `None` for a value this server does not know.
pub fn offset_unit_from_proto(value: i32) -> Option<OffsetUnit> {
    match pb::OffsetUnit::try_from(value).ok()? {
        pb::OffsetUnit::Unspecified | pb::OffsetUnit::Utf8 => Some(OffsetUnit::Utf8),
        pb::OffsetUnit::Utf16 => Some(OffsetUnit::Utf16),
        pb::OffsetUnit::CodePoint => Some(OffsetUnit::CodePoint),
    }
}

fn offset_unit_to_proto(unit: OffsetUnit) -> pb::OffsetUnit {
    match unit {
        OffsetUnit::Utf8 => pb::OffsetUnit::Utf8,
        OffsetUnit::Utf16 => pb::OffsetUnit::Utf16,
        OffsetUnit::CodePoint => pb::OffsetUnit::CodePoint,
    }
}

/// The response for an analysis of `text`, every span converted into `unit`. The id and
/// `cache_hit` are the caller's to set.
pub fn analysis_to_proto(text: &str, analysis: &Analysis, unit: OffsetUnit) -> pb::AnalyzeResponse {
    let map = OffsetMap::new(text, unit);
    let span = |s: core::Span| pb::Span {
        begin: map.convert(s.begin),
        end: map.convert(s.end),
    };
    let language = &analysis.language;
    pb::AnalyzeResponse {
        id: String::new(),
        language: Some(pb::Language {
            code: language.code.clone(),
            bcp47: language.bcp47.clone(),
            name: language.name.clone(),
            script: language.script.clone(),
            confidence: language.confidence,
            reliable: language.reliable,
        }),
        entities: analysis
            .entities
            .iter()
            .map(|entity| pb::Entity {
                name: entity.name.clone(),
                r#type: entity_type_to_proto(entity.kind) as i32,
                salience: entity.salience,
                mentions: entity
                    .mentions
                    .iter()
                    .map(|mention| pb::Mention {
                        text: mention.span.text(text).to_owned(),
                        span: Some(span(mention.span)),
                        kind: match mention.kind {
                            core::MentionKind::Proper => pb::MentionKind::Proper,
                            core::MentionKind::Pronoun => pb::MentionKind::Pronoun,
                        } as i32,
                    })
                    .collect(),
            })
            .collect(),
        quotes: analysis
            .quotes
            .iter()
            .map(|quote| pb::Quote {
                text: quote.span.text(text).to_owned(),
                span: Some(span(quote.span)),
                kind: match quote.kind {
                    core::QuoteKind::Direct => pb::QuoteKind::Direct,
                    core::QuoteKind::Partial => pb::QuoteKind::Partial,
                } as i32,
                speaker: quote.speaker.as_ref().map(|speaker| pb::Speaker {
                    name: speaker.name.clone(),
                    entity_index: speaker
                        .entity_index
                        .and_then(|i| i32::try_from(i).ok())
                        .unwrap_or(-1),
                    span: speaker.span.map(span),
                }),
                cue: quote.cue.map(|cue| pb::Cue {
                    text: cue.span.text(text).to_owned(),
                    span: Some(span(cue.span)),
                }),
                confidence: quote.confidence,
            })
            .collect(),
        stats: Some(pb::Stats {
            characters: analysis.stats.characters,
            words: analysis.stats.words,
            sentences: analysis.stats.sentences,
            paragraphs: analysis.stats.paragraphs,
        }),
        cache_hit: false,
        engine_version: core::ENGINE_VERSION.to_owned(),
        offset_unit: offset_unit_to_proto(unit) as i32,
    }
}

fn entity_type_to_proto(kind: core::EntityType) -> pb::EntityType {
    match kind {
        core::EntityType::Person => pb::EntityType::Person,
        core::EntityType::Organization => pb::EntityType::Organization,
        core::EntityType::Location => pb::EntityType::Location,
        core::EntityType::Misc => pb::EntityType::Misc,
    }
}
