//! The inputs that once broke an invariant under the fuzzer (`fuzz/regressions/TARGET/`), replayed
//! on stable through the same checks as the fuzz targets, with the seed articles and a few texts
//! built to hit the edges (every offset unit, every feature combination).

mod common;

use std::path::PathBuf;

use common::{SEEDS, fixture};
use docsift::analysis::{Features, Options};
use docsift::invariants::{FUZZ_LIMITS, check_request_bytes, check_text, text_and_options};

fn regressions(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut inputs: Vec<(PathBuf, Vec<u8>)> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("readable regression input");
            (p, bytes)
        })
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn analyze_regressions_hold_every_invariant() {
    for (path, bytes) in regressions("analyze") {
        let (text, options) = text_and_options(&bytes);
        if let Err(violation) = check_text(&text, &options) {
            panic!("{}: {violation}", path.display());
        }
    }
}

#[test]
fn request_regressions_hold_every_invariant() {
    for (path, bytes) in regressions("request") {
        if let Err(violation) = check_request_bytes(&bytes, &FUZZ_LIMITS) {
            panic!("{}: {violation}", path.display());
        }
    }
}

#[test]
fn seeds_and_edge_texts_hold_every_invariant_with_every_feature_set() {
    let mut texts: Vec<String> = SEEDS.iter().map(|s| fixture(s)).collect();
    texts.extend(
        [
            "“We remain friends,” Phay Siphan said. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 “🙂” he said.",
            "\u{feff}«Bonjour», a dit Marie Curie à Paris.\u{00ad}\u{200b}",
            "\"\"\"\"\"\"\"\"\"\"\"",
            "مرحبا “قال” محمد عباس في رام الله.",
            "\"Unclosed quote from Angela Merkel, she said in Berlin.",
        ]
        .map(String::from),
    );
    for text in &texts {
        for bits in 0..8u8 {
            let options = Options {
                features: Features {
                    entities: bits & 1 != 0,
                    quotes: bits & 2 != 0,
                    language: bits & 4 != 0,
                },
                language_hint: None,
            };
            if let Err(violation) = check_text(text, &options) {
                panic!(
                    "{:?}…: {violation}",
                    text.chars().take(40).collect::<String>()
                );
            }
        }
    }
}

/// A capitalised word repeated past 65,535 times, tagged more than one way: the tagger's
/// per-word tag counts once summed to more than a u16 holds (a panic in debug builds, a
/// wrapped count in release).
#[test]
fn a_word_repeated_a_hundred_thousand_times_is_analysed() {
    let word = "Cambodia ";
    let text = word.repeat(1024 * 1024 / word.len());
    if let Err(violation) = check_text(&text, &Options::default()) {
        panic!("{violation}");
    }
}
