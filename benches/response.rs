//! Building a response from a result already at hand (what a cache hit costs after the lookup):
//! each seed article, in each offset unit.
//!
//! Beside it, for UTF-16, the two costs that weigh caching built messages: `utf16-clone`
//! copies a response already built (what a hit served from a kept `AnalyzeResponse` would
//! still pay), and `utf16-encode` encodes one into protobuf (what the transport pays for every
//! response, and what a kept encoded body would save).

use criterion::{Criterion, criterion_group, criterion_main};
use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{self, Options};
use docsift::proto::analysis_to_proto;
use prost::Message;

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
        let built = analysis_to_proto(&text, &analysis, OffsetUnit::Utf16);
        group.bench_function(format!("{}/utf16-clone", &name[..3]), |b| {
            b.iter(|| built.clone())
        });
        group.bench_function(format!("{}/utf16-encode", &name[..3]), |b| {
            b.iter(|| built.encode_to_vec())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
