//! What users see: words per second, one core, over many distinct news documents of 0.3 to 8 KB,
//! for each stage (segmentation, language, entities, quotes) and for the whole analysis.
//!
//! Short distinct documents cost more per word than one long text: every document pays the
//! detector's fixed cost, its own tables and allocations. So the corpus is cut from real articles
//! at paragraph ends, to sizes drawn between 0.3 and 8 KB (log-uniform, median about 1.5 KB):
//!
//! - `news`: the PolNeAR and Gender Gap Tracker development sets beside the repository
//!   (`../shared/data`, or the directory in `DOCSIFT_DATA`), skipped when they are missing;
//! - `seeds-mix`: paragraphs of the three seed articles drawn at random into documents of the
//!   same sizes, so no two documents are alike.
//!
//! Stages are measured on their own inputs made beforehand: `language` on the text, `entities`
//! (tagging, grouping, ranking) on a segmented document, `quotes` on a segmented document and
//! its entities (their copy included). `analysis` is `analysis::analyze`, everything included.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use docsift::analysis::text::Document;
use docsift::analysis::{self, Options, entities, language, quotes};

const MIN_BYTES: f64 = 300.0;
const MAX_BYTES: f64 = 8_000.0;

/// A small deterministic generator (splitmix64), so every run measures the same documents.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A document size in bytes, log-uniform between the bounds.
    fn size(&mut self) -> usize {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (MIN_BYTES * (MAX_BYTES / MIN_BYTES).powf(unit)) as usize
    }
}

fn paragraphs(article: &str) -> impl Iterator<Item = &str> {
    article
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Real articles cut at paragraph ends into documents of drawn sizes.
fn cut_articles(articles: &[String], draw: &mut Draw) -> Vec<String> {
    let mut documents = Vec::new();
    for article in articles {
        let mut target = draw.size();
        let mut document = String::new();
        for paragraph in paragraphs(article) {
            if !document.is_empty() {
                document.push_str("\n\n");
            }
            document.push_str(paragraph);
            if document.len() >= target {
                documents.push(std::mem::take(&mut document));
                target = draw.size();
            }
        }
        if document.len() as f64 >= MIN_BYTES {
            documents.push(document);
        }
    }
    documents
}

/// Paragraphs of the seed articles drawn at random into `count` documents of drawn sizes.
fn mix_seeds(count: usize, draw: &mut Draw) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let seeds: Vec<String> = [
        "000_29c7824f0ca31858.txt",
        "001_99165fd91ff23eaf.txt",
        "002_8928c3dc22c912ee.txt",
    ]
    .iter()
    .map(|name| std::fs::read_to_string(dir.join(name)).expect("seed fixture is readable"))
    .collect();
    let pool: Vec<&str> = seeds.iter().flat_map(|s| paragraphs(s)).collect();
    (0..count)
        .map(|_| {
            let target = draw.size();
            let mut document = String::new();
            while document.len() < target {
                if !document.is_empty() {
                    document.push_str("\n\n");
                }
                document.push_str(pool[draw.next() as usize % pool.len()]);
            }
            document
        })
        .collect()
}

/// The development news sets' texts, or `None` when they are not beside the repository.
fn dev_news() -> Option<Vec<String>> {
    let dir = std::env::var_os("DOCSIFT_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"),
        PathBuf::from,
    );
    let mut articles = Vec::new();
    for name in ["polnear-dev.jsonl", "quotes-ggt-dev.jsonl"] {
        let content = std::fs::read_to_string(dir.join(name)).ok()?;
        for line in content.lines().filter(|l| !l.trim().is_empty()) {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON Lines");
            articles.push(value["text"].as_str().expect("a text field").to_owned());
        }
    }
    Some(articles)
}

fn bench_corpus(c: &mut Criterion, label: &str, texts: &[String]) {
    let docs: Vec<Document> = texts.iter().map(|t| Document::new(t)).collect();
    let words: u64 = docs.iter().map(|d| u64::from(d.stats().words)).sum();
    let found: Vec<_> = docs.iter().map(entities::extract).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{label}: {} documents, {:.1} KB mean, {words} words",
        texts.len(),
        bytes as f64 / texts.len() as f64 / 1000.0
    );

    let mut group = c.benchmark_group(format!("news/{label}"));
    group.throughput(Throughput::Elements(words));
    group.sample_size(10);
    group.bench_function("segmentation", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| Document::new(t).tokens.len())
                .sum::<usize>()
        })
    });
    group.bench_function("language", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| language::detect(t, None).expect("no hint").confidence)
                .sum::<f32>()
        })
    });
    group.bench_function("entities", |b| {
        b.iter(|| {
            docs.iter()
                .map(|doc| {
                    let mut found = entities::extract(doc);
                    entities::rank(doc, &mut found, &mut []);
                    found.len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("quotes", |b| {
        b.iter(|| {
            docs.iter()
                .zip(&found)
                .map(|(doc, found)| quotes::extract(doc, &mut found.clone()).len())
                .sum::<usize>()
        })
    });
    group.bench_function("analysis", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    analysis::analyze(t, &Options::default())
                        .expect("text is valid")
                        .entities
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let mut draw = Draw(11);
    if let Some(articles) = dev_news() {
        bench_corpus(c, "news", &cut_articles(&articles, &mut draw));
    } else {
        println!("news: the development sets are not beside the repository; skipped");
    }
    bench_corpus(c, "seeds-mix", &mix_seeds(200, &mut draw));
}

criterion_group!(benches, bench);
criterion_main!(benches);
