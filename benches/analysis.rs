//! Criterion benchmark of a whole analysis (language, entities, quotes) of the seed articles.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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

fn bench(c: &mut Criterion) {
    let text = seeds();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("analyze_seeds", |b| {
        b.iter(|| analysis::analyze(&text, &Options::default()).expect("seeds are valid"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
