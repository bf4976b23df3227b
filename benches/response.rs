//! Building a response from a result already at hand (what a cache hit costs after the lookup):
//! each seed article, in each offset unit.

use criterion::{Criterion, criterion_group, criterion_main};
use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{self, Options};
use docsift::proto::analysis_to_proto;

fn bench(c: &mut Criterion) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut group = c.benchmark_group("response");
    for name in [
        "000_29c7824f0ca31858.txt",
        "001_99165fd91ff23eaf.txt",
        "002_8928c3dc22c912ee.txt",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("seed fixture is readable");
        let analysis = analysis::analyze(&text, &Options::default()).expect("seeds analyse");
        for (label, unit) in [
            ("utf8", OffsetUnit::Utf8),
            ("utf16", OffsetUnit::Utf16),
            ("code-point", OffsetUnit::CodePoint),
        ] {
            group.bench_function(format!("{}/{label}", &name[..3]), |b| {
                b.iter(|| analysis_to_proto(&text, &analysis, unit))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
