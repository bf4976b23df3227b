//! Criterion benchmark of quote extraction alone on the seed articles: the document and its
//! entities are built outside the timed loop, so the throughput is that of `quotes::extract`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use docsift::analysis::text::Document;
use docsift::analysis::{entities, quotes};

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
    let doc = Document::new(&text);
    let entities = entities::extract(&doc);
    let mut group = c.benchmark_group("quotes");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("extract_seeds", |b| {
        b.iter_batched_ref(
            || entities.clone(),
            |entities| quotes::extract(&doc, entities),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
