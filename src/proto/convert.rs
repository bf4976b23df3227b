//! From the core's results (byte offsets) to the API's messages (offsets in the client's unit).

use std::convert::Infallible;

use super::generated as pb;
use super::units::ConvertedOffsets;
use crate::analysis::text::OffsetUnit;
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
    let offsets = ConvertedOffsets::new(text, unit);
    let built = build(
        analysis,
        offset_unit_to_proto(unit),
        |s| {
            Ok::<_, Infallible>(pb::Span {
                begin: offsets.get(s.begin),
                end: offsets.get(s.end),
            })
        },
        |s| s.text(text).to_owned(),
    );
    match built {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The response for `analysis`, with spans made by `span` (which may refuse one) and the text
/// fields (mention, quote, cue texts) by `text`. `id` empty, `cache_hit` false.
pub(super) fn build<E>(
    analysis: &Analysis,
    unit: pb::OffsetUnit,
    span: impl Fn(core::Span) -> Result<pb::Span, E>,
    text: impl Fn(core::Span) -> String,
) -> Result<pb::AnalyzeResponse, E> {
    let mut entities = Vec::with_capacity(analysis.entities.len());
    for entity in &analysis.entities {
        let mut mentions = Vec::with_capacity(entity.mentions.len());
        for mention in &entity.mentions {
            mentions.push(pb::Mention {
                text: text(mention.span),
                span: Some(span(mention.span)?),
                kind: match mention.kind {
                    core::MentionKind::Proper => pb::MentionKind::Proper,
                    core::MentionKind::Pronoun => pb::MentionKind::Pronoun,
                } as i32,
            });
        }
        entities.push(pb::Entity {
            name: entity.name.clone(),
            r#type: entity_type_to_proto(entity.kind) as i32,
            salience: entity.salience,
            mentions,
        });
    }
    let mut quotes = Vec::with_capacity(analysis.quotes.len());
    for quote in &analysis.quotes {
        let speaker = match &quote.speaker {
            Some(speaker) => Some(pb::Speaker {
                name: speaker.name.clone(),
                entity_index: speaker
                    .entity_index
                    .and_then(|i| i32::try_from(i).ok())
                    .unwrap_or(-1),
                span: speaker.span.map(&span).transpose()?,
            }),
            None => None,
        };
        let cue = match quote.cue {
            Some(cue) => Some(pb::Cue {
                text: text(cue.span),
                span: Some(span(cue.span)?),
            }),
            None => None,
        };
        quotes.push(pb::Quote {
            text: text(quote.span),
            span: Some(span(quote.span)?),
            kind: match quote.kind {
                core::QuoteKind::Direct => pb::QuoteKind::Direct,
                core::QuoteKind::Partial => pb::QuoteKind::Partial,
            } as i32,
            speaker,
            cue,
            confidence: quote.confidence,
        });
    }
    let language = &analysis.language;
    Ok(pb::AnalyzeResponse {
        id: String::new(),
        language: Some(pb::Language {
            code: language.code.clone(),
            bcp47: language.bcp47.clone(),
            name: language.name.clone(),
            script: language.script.clone(),
            confidence: language.confidence,
            reliable: language.reliable,
        }),
        entities,
        quotes,
        stats: Some(pb::Stats {
            characters: analysis.stats.characters,
            words: analysis.stats.words,
            sentences: analysis.stats.sentences,
            paragraphs: analysis.stats.paragraphs,
        }),
        cache_hit: false,
        engine_version: core::ENGINE_VERSION.to_owned(),
        offset_unit: unit as i32,
    })
}

fn entity_type_to_proto(kind: core::EntityType) -> pb::EntityType {
    match kind {
        core::EntityType::Person => pb::EntityType::Person,
        core::EntityType::Organization => pb::EntityType::Organization,
        core::EntityType::Location => pb::EntityType::Location,
        core::EntityType::Misc => pb::EntityType::Misc,
    }
}
