//! Criterion benchmarks of the entity stage, in words per second: the tagger alone (two passes
//! over a segmented document), the whole entity stage (tagging, grouping, ranking), and the
//! whole analysis, on the three seed articles and on the seeds repeated to about a megabyte.
//! Also the time to read the embedded model, which happens once per process.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use docsift::analysis::entities::{self, tagger};
use docsift::analysis::text::Document;
use docsift::analysis::{self, Options};

fn seeds() -> String {
    [
        "000_29c7824f0ca31858.txt",
        "001_99165fd91ff23eaf.txt",
        "002_8928c3dc22c912ee.txt",
    ]
    .iter()
    .map(|name| {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("seed fixture is readable")
    })
    .collect::<Vec<_>>()
    .join("\n\n")
}

fn bench_text(c: &mut Criterion, label: &str, text: &str) {
    let doc = Document::new(text);
    let words = u64::from(doc.stats().words);
    let _ = &*tagger::MODEL;
    let mut group = c.benchmark_group(format!("entities/{label}"));
    group.throughput(Throughput::Elements(words));
    if text.len() > 100_000 {
        group.sample_size(10);
    }
    group.bench_function("tagger", |b| b.iter(|| tagger::tag_document(&doc)));
    group.bench_function("entities", |b| {
        b.iter(|| {
            let mut found = entities::extract(&doc);
            entities::rank(&doc, &mut found, &mut []);
            found
        })
    });
    group.bench_function("analysis", |b| {
        b.iter(|| analysis::analyze(text, &Options::default()).expect("text is valid"))
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let seeds = seeds();
    bench_text(c, "seeds", &seeds);
    let mut large = String::new();
    while large.len() < 1 << 20 {
        large.push_str(&seeds);
        large.push_str("\n\n");
    }
    bench_text(c, "seeds-1MB", &large);
    c.bench_function("entities/model-load", |b| {
        b.iter_batched(
            || tagger::MODEL_BYTES,
            |bytes| tagger::Models::from_bytes(bytes).expect("embedded model reads"),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
