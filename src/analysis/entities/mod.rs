//! Named entities: finding the names in a text, grouping the mentions of one entity, and ranking
//! entities by salience.
//!
//! Three steps, each in its own module: a learned tagger finds the names ([`tagger`], trained by
//! [`train`] on features from [`features`] and [`gazetteer`]); [`group`] joins the mentions of one
//! entity (a surname with the full name, an acronym with its expansion, case variants); and
//! [`rank`] orders the entities by salience. The quote extractor finds the entity of a speaker
//! with [`entity_at`] and [`resolve_name`].

mod features;
mod gazetteer;
mod group;
mod hash;
mod repair;
mod salience;
pub mod tagger;
pub mod train;
mod words;

use super::text::Document;
use super::{Entity, Span};

pub use gazetteer::{Gender, gender_of, is_weekday};
pub use group::resolve_name;
pub use repair::Corrections;
pub use salience::rank;

/// Finds the entities a document names, each with its proper mentions in document order.
pub fn extract(doc: &Document) -> Vec<Entity> {
    extract_with(doc, &tagger::MODEL, Corrections::ALL)
}

/// [`extract`] with a given model and set of corrections: cross-validation measures a model
/// trained without the held-out documents, and each correction by leaving it out.
pub fn extract_with(
    doc: &Document,
    models: &tagger::Models,
    corrections: Corrections,
) -> Vec<Entity> {
    let tagged = tagger::tag_document_with(doc, models);
    group_with(doc, &tagged, corrections)
}

/// Corrects and groups names already tagged, with the given corrections.
pub fn group_with(
    doc: &Document,
    tagged: &[tagger::Tagged],
    corrections: Corrections,
) -> Vec<Entity> {
    group::group(doc, tagged, corrections)
}

/// The entity one of whose mentions covers (or overlaps) `span`, preferring a mention that
/// contains it.
pub fn entity_at(entities: &[Entity], span: Span) -> Option<usize> {
    let mut overlapping = None;
    for (index, entity) in entities.iter().enumerate() {
        for mention in &entity.mentions {
            if mention.span.contains(span) {
                return Some(index);
            }
            if overlapping.is_none()
                && mention.span.begin < span.end
                && span.begin < mention.span.end
            {
                overlapping = Some(index);
            }
        }
    }
    overlapping
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{EntityType, Mention, MentionKind};

    fn entity(name: &str, kind: EntityType, spans: &[(usize, usize)]) -> Entity {
        Entity {
            name: name.into(),
            kind,
            salience: 0.0,
            mentions: spans
                .iter()
                .map(|&(b, e)| Mention {
                    span: Span::new(b, e),
                    kind: MentionKind::Proper,
                })
                .collect(),
        }
    }

    #[test]
    fn entity_at_finds_the_mention_covering_a_span() {
        let entities = [
            entity("Phay Siphan", EntityType::Person, &[(0, 11), (30, 36)]),
            entity("Cambodia", EntityType::Location, &[(15, 23)]),
        ];
        assert_eq!(entity_at(&entities, Span::new(5, 11)), Some(0));
        assert_eq!(entity_at(&entities, Span::new(30, 36)), Some(0));
        assert_eq!(entity_at(&entities, Span::new(15, 23)), Some(1));
        assert_eq!(entity_at(&entities, Span::new(24, 29)), None);
    }

    #[test]
    fn extract_groups_a_surname_with_the_full_name() {
        let text = "Government spokesman Phay Siphan said on Monday that the rules stand. \
                    Siphan added that Cambodia would not change them.";
        let doc = Document::new(text);
        let entities = extract(&doc);
        let person = entities
            .iter()
            .find(|e| e.name == "Phay Siphan")
            .expect("the spokesman is found");
        assert_eq!(person.kind, EntityType::Person);
        assert_eq!(person.mentions.len(), 2);
        assert!(
            entities
                .iter()
                .any(|e| e.name == "Cambodia" && e.kind == EntityType::Location)
        );
    }
}
