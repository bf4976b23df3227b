//! The core's result as a stored message, and back: how the shared cache tier keeps results.
//!
//! A stored result is an [`AnalyzeResponse`](pb::AnalyzeResponse) with UTF-8 byte offsets and
//! without the text fields (mention, quote and cue texts): they are slices of the document,
//! which the reader has, so leaving them out keeps the stored value small and lets it be
//! written without the text. Decoding checks what the core's types promise (ordered spans,
//! known enum values, speaker indexes that point at an entity), so a damaged value is refused
//! instead of reaching the offset conversion.

use super::generated as pb;
use crate::analysis::{self as core, Analysis};

/// Why a stored message is not a valid analysis.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("field {0} is missing")]
    Missing(&'static str),
    #[error("field {field} has the unknown value {value}")]
    UnknownEnum { field: &'static str, value: i32 },
    #[error("a span begins at {begin}, after its end {end}")]
    ReversedSpan { begin: u32, end: u32 },
    #[error("speaker entity index {index} is out of range ({entities} entities)")]
    EntityIndex { index: i32, entities: usize },
}

/// Why an analysis cannot be stored as a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("offset {0} does not fit the message's 32-bit spans")]
pub struct OffsetTooLarge(pub usize);

/// The message that stores `analysis`: byte offsets, no text fields, `cache_hit` false.
pub fn analysis_to_stored_proto(
    analysis: &Analysis,
) -> Result<pb::AnalyzeResponse, OffsetTooLarge> {
    let offset = |at: usize| u32::try_from(at).map_err(|_| OffsetTooLarge(at));
    super::convert::build(
        analysis,
        pb::OffsetUnit::Utf8,
        |s| {
            Ok(pb::Span {
                begin: offset(s.begin)?,
                end: offset(s.end)?,
            })
        },
        |_| String::new(),
    )
}

/// The core's result from a response with UTF-8 offsets (a stored one, or one built by
/// [`analysis_to_proto`](super::analysis_to_proto) with [`OffsetUnit::Utf8`](crate::analysis::text::OffsetUnit)).
/// Text fields are ignored: spans are bytes, and the text is the caller's.
pub fn analysis_from_proto(response: &pb::AnalyzeResponse) -> Result<Analysis, DecodeError> {
    match pb::OffsetUnit::try_from(response.offset_unit) {
        Ok(pb::OffsetUnit::Utf8 | pb::OffsetUnit::Unspecified) => {}
        _ => {
            return Err(DecodeError::UnknownEnum {
                field: "offset_unit",
                value: response.offset_unit,
            });
        }
    }
    let span = |field: &'static str, s: Option<&pb::Span>| -> Result<core::Span, DecodeError> {
        let s = s.ok_or(DecodeError::Missing(field))?;
        if s.begin > s.end {
            return Err(DecodeError::ReversedSpan {
                begin: s.begin,
                end: s.end,
            });
        }
        Ok(core::Span::new(s.begin as usize, s.end as usize))
    };

    let language = response
        .language
        .as_ref()
        .ok_or(DecodeError::Missing("language"))?;
    let language = core::Language {
        code: language.code.clone(),
        bcp47: language.bcp47.clone(),
        name: language.name.clone(),
        script: language.script.clone(),
        confidence: language.confidence,
        reliable: language.reliable,
    };

    let mut entities = Vec::with_capacity(response.entities.len());
    for entity in &response.entities {
        let kind = match pb::EntityType::try_from(entity.r#type) {
            Ok(pb::EntityType::Person) => core::EntityType::Person,
            Ok(pb::EntityType::Organization) => core::EntityType::Organization,
            Ok(pb::EntityType::Location) => core::EntityType::Location,
            Ok(pb::EntityType::Misc) => core::EntityType::Misc,
            _ => {
                return Err(DecodeError::UnknownEnum {
                    field: "entities.type",
                    value: entity.r#type,
                });
            }
        };
        let mut mentions = Vec::with_capacity(entity.mentions.len());
        for mention in &entity.mentions {
            let kind = match pb::MentionKind::try_from(mention.kind) {
                Ok(pb::MentionKind::Proper) => core::MentionKind::Proper,
                Ok(pb::MentionKind::Pronoun) => core::MentionKind::Pronoun,
                _ => {
                    return Err(DecodeError::UnknownEnum {
                        field: "entities.mentions.kind",
                        value: mention.kind,
                    });
                }
            };
            mentions.push(core::Mention {
                span: span("entities.mentions.span", mention.span.as_ref())?,
                kind,
            });
        }
        entities.push(core::Entity {
            name: entity.name.clone(),
            kind,
            salience: entity.salience,
            mentions,
        });
    }

    let mut quotes = Vec::with_capacity(response.quotes.len());
    for quote in &response.quotes {
        let kind = match pb::QuoteKind::try_from(quote.kind) {
            Ok(pb::QuoteKind::Direct) => core::QuoteKind::Direct,
            Ok(pb::QuoteKind::Partial) => core::QuoteKind::Partial,
            _ => {
                return Err(DecodeError::UnknownEnum {
                    field: "quotes.kind",
                    value: quote.kind,
                });
            }
        };
        let speaker = match &quote.speaker {
            Some(speaker) => Some(core::Speaker {
                name: speaker.name.clone(),
                entity_index: match speaker.entity_index {
                    -1 => None,
                    index => match usize::try_from(index) {
                        Ok(i) if i < entities.len() => Some(i),
                        _ => {
                            return Err(DecodeError::EntityIndex {
                                index,
                                entities: entities.len(),
                            });
                        }
                    },
                },
                span: match &speaker.span {
                    Some(s) => Some(span("quotes.speaker.span", Some(s))?),
                    None => None,
                },
            }),
            None => None,
        };
        let cue = match &quote.cue {
            Some(cue) => Some(core::Cue {
                span: span("quotes.cue.span", cue.span.as_ref())?,
            }),
            None => None,
        };
        quotes.push(core::Quote {
            span: span("quotes.span", quote.span.as_ref())?,
            kind,
            speaker,
            cue,
            confidence: quote.confidence,
        });
    }

    let stats = response.stats.ok_or(DecodeError::Missing("stats"))?;
    Ok(Analysis {
        language,
        entities,
        quotes,
        stats: core::Stats {
            characters: stats.characters,
            words: stats.words,
            sentences: stats.sentences,
            paragraphs: stats.paragraphs,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::text::OffsetUnit;
    use crate::analysis::{Options, analyze};

    const TEXT: &str = "“We remain friends,” said Phay Siphan, a spokesman for the Cambodian \
        government.\n\nThe Cambodia National Rescue Party (CNRP) called the vote “deeply flawed”.";

    #[test]
    fn stored_message_round_trips() {
        let analysis = analyze(TEXT, &Options::default()).expect("a non-empty text analyses");
        let stored = analysis_to_stored_proto(&analysis).expect("offsets fit");
        assert_eq!(analysis_from_proto(&stored), Ok(analysis));
    }

    #[test]
    fn utf8_response_round_trips() {
        let analysis = analyze(TEXT, &Options::default()).expect("a non-empty text analyses");
        let response = crate::proto::analysis_to_proto(TEXT, &analysis, OffsetUnit::Utf8);
        assert_eq!(analysis_from_proto(&response), Ok(analysis));
    }

    #[test]
    fn other_units_and_bad_values_are_refused() {
        let analysis = analyze(TEXT, &Options::default()).expect("a non-empty text analyses");
        let response = crate::proto::analysis_to_proto(TEXT, &analysis, OffsetUnit::Utf16);
        assert!(analysis_from_proto(&response).is_err());

        let mut stored = analysis_to_stored_proto(&analysis).expect("offsets fit");
        stored.stats = None;
        assert_eq!(
            analysis_from_proto(&stored),
            Err(DecodeError::Missing("stats"))
        );
        assert!(analysis_from_proto(&pb::AnalyzeResponse::default()).is_err());
    }
}
