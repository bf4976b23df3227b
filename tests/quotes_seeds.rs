//! Acceptance test: on the three seed articles, every DIRECT quote of the reader's annotation is
//! found with the right speaker, and at least six of the seven PARTIAL quotes are found.

use docsift::analysis::text::Document;
use docsift::analysis::{QuoteKind, Span, entities, quotes};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// Byte offset of code point `n` of `text`.
fn byte_offset(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(b, _)| b)
}

/// The span without its marks, whitespace and edge punctuation, as the scorer trims.
fn trimmed(text: &str, span: Span) -> (usize, usize) {
    let edge = |c: char| c.is_whitespace() || "\"'“”‘’«»„,.;:!?…—–-".contains(c);
    let inner = span.text(text);
    let lead = inner.len() - inner.trim_start_matches(edge).len();
    let body = inner.trim_matches(edge);
    (span.begin + lead, span.begin + lead + body.len())
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    let shared = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let longer = (a.1 - a.0).max(b.1 - b.0).max(1);
    shared * 2 >= longer
}

/// Speakers match as the scorer matches them: case-insensitive, ignoring a leading "the", or
/// one name holding the other, or the same surname.
fn same_speaker(predicted: &str, gold: &str) -> bool {
    let norm = |s: &str| {
        let s = s.to_lowercase();
        s.strip_prefix("the ").map(str::to_owned).unwrap_or(s)
    };
    let (p, g) = (norm(predicted), norm(gold));
    p == g
        || p.contains(&g)
        || g.contains(&p)
        || p.split(' ').next_back() == g.split(' ').next_back()
}

#[test]
fn seeds_direct_quotes_with_speakers() {
    let gold = std::fs::read_to_string(format!("{FIXTURES}/seeds-gold.jsonl"))
        .expect("the seeds' gold is in the fixtures");
    let (mut direct, mut direct_ok, mut partial, mut partial_found) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("gold line is JSON");
        let id = record["id"].as_str().expect("gold has an id");
        let text = std::fs::read_to_string(format!("{FIXTURES}/{id}")).expect("seed text");
        let doc = Document::new(&text);
        let mut entities = entities::extract(&doc);
        let found = quotes::extract(&doc, &mut entities);
        for q in record["quotes"].as_array().expect("gold has quotes") {
            let begin = byte_offset(&text, q["start"].as_u64().expect("start") as usize);
            let end = byte_offset(&text, q["end"].as_u64().expect("end") as usize);
            let span = trimmed(&text, Span::new(begin, end));
            let hit = found
                .iter()
                .find(|p| overlaps(trimmed(&text, p.span), span));
            if q["kind"] == "direct" {
                direct += 1;
                let speaker = hit
                    .and_then(|p| p.speaker.as_ref())
                    .map(|s| s.name.as_str());
                let gold_speaker = q["speaker"].as_str().expect("direct quotes have speakers");
                if speaker.is_some_and(|s| same_speaker(s, gold_speaker))
                    && hit.is_some_and(|p| p.kind == QuoteKind::Direct)
                {
                    direct_ok += 1;
                } else {
                    failures.push(format!(
                        "{id}: {:?} → {speaker:?}, want {gold_speaker}",
                        q["text"]
                    ));
                }
            } else {
                partial += 1;
                partial_found += usize::from(hit.is_some_and(|p| p.kind == QuoteKind::Partial));
            }
        }
    }
    assert_eq!(direct, 20, "the seeds hold 20 direct quotes");
    assert_eq!(
        direct_ok, direct,
        "direct quotes missed or misattributed: {failures:#?}"
    );
    assert_eq!(partial, 7, "the seeds hold 7 partial quotes");
    assert_eq!(
        partial_found, partial,
        "found {partial_found} of {partial} partial quotes as partial"
    );
}
