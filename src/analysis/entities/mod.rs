//! Named entities: finding the names in a text, grouping the mentions of one entity, and ranking
//! entities by salience.
//!
//! This first version finds runs of capitalised words; the learned tagger replaces it.

use super::text::Document;
use super::{Entity, EntityType, Mention, MentionKind, Quote, Span};

/// Finds the entities a document names, each with its proper mentions in document order.
pub fn extract(doc: &Document) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    for sentence in &doc.sentences {
        let mut run: Option<Span> = None;
        for index in sentence.tokens.clone() {
            let word = doc.token_text(index);
            let capitalised = word.chars().next().is_some_and(char::is_uppercase)
                && index != sentence.tokens.start;
            if capitalised {
                let span = doc.tokens[index].span;
                run = Some(run.map_or(span, |r| Span::new(r.begin, span.end)));
            } else if let Some(span) = run.take() {
                add_mention(doc, &mut entities, span);
            }
        }
        if let Some(span) = run {
            add_mention(doc, &mut entities, span);
        }
    }
    entities
}

fn add_mention(doc: &Document, entities: &mut Vec<Entity>, span: Span) {
    let name = doc.slice(span);
    let mention = Mention {
        span,
        kind: MentionKind::Proper,
    };
    let existing = entities
        .iter_mut()
        .find(|e| e.name == name || e.name.split(' ').next_back() == name.split(' ').next_back());
    match existing {
        Some(entity) => {
            if name.len() > entity.name.len() {
                entity.name = name.to_owned();
            }
            entity.mentions.push(mention);
        }
        None => entities.push(Entity {
            name: name.to_owned(),
            kind: EntityType::Misc,
            salience: 0.0,
            mentions: vec![mention],
        }),
    }
}

/// Scores every entity's salience in 0..1 and orders the entities by it, highest first,
/// keeping the quotes' speaker indices pointing at the same entities.
pub fn rank(doc: &Document, entities: &mut Vec<Entity>, quotes: &mut [Quote]) {
    let length = doc.text.len().max(1) as f32;
    let mut spoke = vec![0usize; entities.len()];
    for quote in quotes.iter() {
        if let Some(index) = quote.speaker.as_ref().and_then(|s| s.entity_index) {
            spoke[index] += 1;
        }
    }
    let raw: Vec<f32> = entities
        .iter()
        .zip(&spoke)
        .map(|(entity, &spoke)| {
            let first = entity
                .mentions
                .first()
                .map_or(length, |m| m.span.begin as f32);
            entity.mentions.len() as f32 + 2.0 * spoke as f32 + 2.0 * (1.0 - first / length)
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
        entity.salience = raw[old] / total;
        entities.push(entity);
    }
    for quote in quotes {
        if let Some(speaker) = &mut quote.speaker {
            speaker.entity_index = speaker.entity_index.map(|i| new_index[i]);
        }
    }
}
