//! Salience: how central an entity is to the document, in 0..1.
//!
//! A reader judges it from how often a thing is named, how early it first appears (the
//! headline and lead name the subject), and whether it speaks: a person quoted three times is
//! what the story is about. People and organisations weigh a little more than places and other
//! names, which news uses as setting. The saliences of a document add up to 1.

use crate::analysis::text::Document;
use crate::analysis::{Entity, EntityType, MentionKind, Quote};

/// Scores every entity's salience in 0..1 and orders the entities by it, highest first,
/// keeping the quotes' speaker indices pointing at the same entities.
pub fn rank(doc: &Document, entities: &mut Vec<Entity>, quotes: &mut [Quote]) {
    let length = doc.text.len().max(1) as f32;
    let lead_end = doc
        .paragraphs
        .get(1)
        .map_or(doc.text.len(), |p| p.span.begin);
    let mut spoke = vec![0usize; entities.len()];
    for quote in quotes.iter() {
        if let Some(count) = quote
            .speaker
            .as_ref()
            .and_then(|s| s.entity_index)
            .and_then(|index| spoke.get_mut(index))
        {
            *count += 1;
        }
    }
    let raw: Vec<f32> = entities
        .iter()
        .zip(&spoke)
        .map(|(entity, &spoke)| {
            let proper = entity
                .mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Proper)
                .count();
            let pronouns = entity.mentions.len() - proper;
            let first = entity
                .mentions
                .first()
                .map_or(length, |m| m.span.begin as f32);
            let in_lead = entity
                .mentions
                .first()
                .is_some_and(|m| m.span.begin < lead_end);
            let weight = match entity.kind {
                EntityType::Person => 1.0,
                EntityType::Organization => 0.9,
                EntityType::Location => 0.7,
                EntityType::Misc => 0.6,
            };
            weight
                * ((1.0 + proper as f32 + 0.5 * pronouns as f32).ln()
                    + 0.8 * (1.0 + spoke as f32).ln()
                    + 0.6 * (1.0 - first / length)
                    + if in_lead { 0.4 } else { 0.0 })
        })
        .collect();
    let total: f32 = raw.iter().sum::<f32>().max(f32::MIN_POSITIVE);
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by(|&a, &b| raw[b].total_cmp(&raw[a]).then(a.cmp(&b)));
    let mut new_index = vec![0; entities.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut taken: Vec<Option<Entity>> = std::mem::take(entities).into_iter().map(Some).collect();
    for &old in &order {
        let mut entity = taken[old]
            .take()
            .expect("each index appears once in the order");
        entity.salience = (raw[old] / total).clamp(0.0, 1.0);
        entities.push(entity);
    }
    for quote in quotes {
        if let Some(speaker) = &mut quote.speaker {
            speaker.entity_index = speaker.entity_index.and_then(|i| new_index.get(i).copied());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Mention, QuoteKind, Span, Speaker};

    fn entity(name: &str, kind: EntityType, begins: &[usize]) -> Entity {
        Entity {
            name: name.into(),
            kind,
            salience: 0.0,
            mentions: begins
                .iter()
                .map(|&b| Mention {
                    span: Span::new(b, b + 1),
                    kind: MentionKind::Proper,
                })
                .collect(),
        }
    }

    #[test]
    fn a_frequent_speaker_outranks_a_place_named_once_and_indices_follow() {
        let text = "x".repeat(1000);
        let doc = Document::new(&text);
        let mut entities = vec![
            entity("Phnom Penh", EntityType::Location, &[10]),
            entity("Phay Siphan", EntityType::Person, &[100, 300, 500]),
        ];
        let mut quotes = vec![Quote {
            span: Span::new(600, 650),
            kind: QuoteKind::Direct,
            speaker: Some(Speaker {
                name: "Phay Siphan".into(),
                entity_index: Some(1),
                span: None,
            }),
            cue: None,
            confidence: 1.0,
        }];
        rank(&doc, &mut entities, &mut quotes);
        assert_eq!(entities[0].name, "Phay Siphan");
        assert_eq!(
            quotes[0].speaker.as_ref().and_then(|s| s.entity_index),
            Some(0)
        );
        let total: f32 = entities.iter().map(|e| e.salience).sum();
        assert!((total - 1.0).abs() < 1e-4);
        assert!(entities[0].salience > entities[1].salience);
    }
}
