//! How likely a quote and its speaker are right, from how the speaker was found.
//!
//! A quote's basis (its kind, where its cue stands, how the text names the speaker, and what
//! kind of entity the speaker resolved to) is looked up in a table of the share of quotes with
//! that basis whose span and speaker were right on PolNeAR train (`models/quote-confidence.tsv`,
//! made by `scripts/fit-quote-confidence.py`; recipe and cross-validated calibration in
//! `models/README.md`). A basis seen too rarely backs off to a coarser one, down to the kind.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::analysis::{EntityType, QuoteKind};

/// Where the attribution of a quote came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CuePlace {
    /// "X said: “…”"
    Before,
    /// "“…,” X said."
    After,
    /// "X: “…”", no speech verb.
    Colon,
    /// No attribution: an earlier speaker continues.
    Continued,
    None,
}

/// How the text names the speaker at the quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Name,
    Pronoun,
    Description,
    /// Not named at the quote: taken from an earlier quote.
    Inherited,
    None,
}

/// What a quote's confidence is looked up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    pub kind: QuoteKind,
    pub cue: CuePlace,
    pub naming: Naming,
    pub entity: Option<EntityType>,
}

impl Basis {
    /// The table keys, the finest first: "direct|after|name|person", …, "direct".
    pub fn keys(&self) -> [String; 4] {
        let kind = match self.kind {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
        };
        let cue = match self.cue {
            CuePlace::Before => "before",
            CuePlace::After => "after",
            CuePlace::Colon => "colon",
            CuePlace::Continued => "continued",
            CuePlace::None => "none",
        };
        let naming = match self.naming {
            Naming::Name => "name",
            Naming::Pronoun => "pronoun",
            Naming::Description => "description",
            Naming::Inherited => "inherited",
            Naming::None => "none",
        };
        let entity = self.entity.map_or("none", EntityType::as_str);
        [
            format!("{kind}|{cue}|{naming}|{}", entity.to_lowercase()),
            format!("{kind}|{cue}|{naming}"),
            format!("{kind}|{cue}"),
            kind.to_owned(),
        ]
    }

    /// The probability that a quote with this basis and its speaker are right.
    pub fn confidence(&self) -> f32 {
        self.keys()
            .iter()
            .find_map(|key| TABLE.get(key.as_str()).copied())
            .unwrap_or(0.5)
    }
}

/// Basis key → share right, from the committed table (`key<TAB>probability<TAB>count`).
static TABLE: LazyLock<HashMap<&'static str, f32>> = LazyLock::new(|| {
    include_str!("../../../models/quote-confidence.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let key = fields.next()?;
            let probability = fields.next()?.parse().ok()?;
            Some((key, probability))
        })
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_speaker_after_the_quote_is_surer_than_none() {
        let named = Basis {
            kind: QuoteKind::Direct,
            cue: CuePlace::After,
            naming: Naming::Name,
            entity: Some(EntityType::Person),
        };
        let unknown = Basis {
            kind: QuoteKind::Direct,
            cue: CuePlace::None,
            naming: Naming::None,
            entity: None,
        };
        assert!(named.confidence() > unknown.confidence());
        assert!((0.0..=1.0).contains(&named.confidence()));
    }
}
