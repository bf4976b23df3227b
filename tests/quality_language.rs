//! A floor under the language detector's quality, measured on the development set beside the
//! repository (not redistributed). The figures themselves come from `scripts/eval-lang`.

use std::collections::BTreeMap;

use docsift::analysis::language;

fn dev_set() -> Option<Vec<serde_json::Value>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/lang-dev.jsonl");
    match std::fs::read_to_string(path) {
        Ok(text) => Some(
            text.lines()
                .map(|l| serde_json::from_str(l).expect("each line is JSON"))
                .collect(),
        ),
        Err(_) if std::env::var_os("CI").is_some() => panic!("{path} is missing in CI"),
        Err(_) => {
            eprintln!("{path} is missing; skipping");
            None
        }
    }
}

#[test]
fn sentences_macro_accuracy_and_reliable_precision_hold_their_floors() {
    let Some(items) = dev_set() else { return };
    let mut per_language: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut reliable, mut reliable_right) = (0, 0);
    for item in &items {
        let gold = item["lang"].as_str().expect("lang");
        let text = item["text"].as_str().expect("text");
        let detected = language::detect(text, None).expect("no hint, no error");
        if detected.reliable {
            reliable += 1;
            reliable_right += usize::from(detected.code == gold);
        }
        if item["kind"] == "sentence" {
            let entry = per_language.entry(gold.to_owned()).or_default();
            entry.0 += usize::from(detected.code == gold);
            entry.1 += 1;
        }
    }
    let macro_accuracy = per_language
        .values()
        .map(|&(right, all)| right as f64 / all as f64)
        .sum::<f64>()
        / per_language.len() as f64;
    let precision = reliable_right as f64 / reliable as f64;
    assert!(
        macro_accuracy >= 0.95,
        "sentence macro accuracy {macro_accuracy:.4}"
    );
    assert!(
        precision >= 0.99,
        "reliable answers right {precision:.4} of the time"
    );
}
