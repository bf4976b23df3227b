//! Hostile inputs for the entity stage: a megabyte of capitalised words, of one name repeated,
//! and of random Unicode. Each must finish (a quadratic step would not, in practice), never
//! panic, and give spans that are valid for the text. Timings belong in the benchmarks.

use docsift::analysis::text::Document;
use docsift::analysis::{self, Entity, EntityType, Options, entities};

const MEGABYTE: usize = 1 << 20;

fn check_spans(text: &str, found: &[Entity]) {
    for entity in found {
        assert!(!entity.name.is_empty());
        assert!((0.0..=1.0).contains(&entity.salience));
        let mut last = 0;
        for mention in &entity.mentions {
            let span = mention.span;
            assert!(span.begin < span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.begin) && text.is_char_boundary(span.end));
            assert!(span.begin >= last, "mentions are in document order");
            last = span.begin;
        }
    }
}

fn extract(text: &str) -> Vec<Entity> {
    let doc = Document::new(text);
    let mut found = entities::extract(&doc);
    entities::rank(&doc, &mut found, &mut []);
    check_spans(text, &found);
    found
}

#[test]
fn a_megabyte_of_capitalised_words() {
    let words = [
        "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf",
    ];
    let mut text = String::with_capacity(MEGABYTE + 16);
    let mut i = 0usize;
    while text.len() < MEGABYTE {
        text.push_str(words[(i * 5 + i / 7) % words.len()]);
        text.push(' ');
        i += 1;
    }
    let found = extract(&text);
    let analysis = analysis::analyze(&text, &Options::default()).expect("text is not empty");
    assert_eq!(analysis.entities.len(), found.len());
}

#[test]
fn a_megabyte_of_one_repeated_name() {
    let sentence = "Government spokesman Phay Siphan said the talks would go on. Siphan left. ";
    let text = sentence.repeat(MEGABYTE / sentence.len());
    let found = extract(&text);
    let siphan: Vec<&Entity> = found.iter().filter(|e| e.name == "Phay Siphan").collect();
    let summary: Vec<(&str, EntityType, usize)> = found
        .iter()
        .take(5)
        .map(|e| (e.name.as_str(), e.kind, e.mentions.len()))
        .collect();
    assert_eq!(siphan.len(), 1, "one name is one entity: {summary:?}");
    assert_eq!(siphan[0].kind, EntityType::Person);
    assert_eq!(siphan[0].mentions.len(), 2 * (MEGABYTE / sentence.len()));
    assert_eq!(
        found[0].name, "Phay Siphan",
        "the only entity is the most salient"
    );
}

#[test]
fn a_megabyte_of_random_unicode() {
    // A fixed-seed xorshift over letters, marks, punctuation, brackets, quotes, dashes, spaces,
    // newlines and characters from several scripts, so every branch of the tokenizer is hit.
    let alphabet: Vec<char> = "aBcDeFgHiJ XyZ ’'\"“”‘()[]{}.,;:!?…—–-‐ \n\n\t Ωλπ Жд 中文 ع ह 🙂 é ß İ ǅ 0123 $#@& \u{300}\u{200b}"
        .chars()
        .collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::with_capacity(MEGABYTE + 8);
    while text.len() < MEGABYTE {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
    }
    extract(&text);
    analysis::analyze(&text, &Options::default()).expect("text is not empty");
}
