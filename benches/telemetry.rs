//! What the Prometheus metrics add to a call when `--metrics-listen` is on: the counters and
//! histograms a unary call moves (a cache hit: the call and its document; a miss also the
//! stage timings, and the clock reads that take them). Compare with a whole call: a cache hit
//! costs tens of microseconds in the server, a miss milliseconds (`scripts/bench-telemetry`).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use docsift::analysis::stages::timed;
use docsift::analysis::{self, Options};
use docsift::telemetry::Metrics;

fn bench(c: &mut Criterion) {
    let metrics = Metrics::new();
    let mut group = c.benchmark_group("telemetry");
    group.bench_function("metrics/hit", |b| {
        b.iter(|| {
            metrics.document(std::hint::black_box(5_873));
            metrics.call(
                "docsift.v1.Analyzer/Analyze",
                "OK",
                Duration::from_micros(std::hint::black_box(80)),
            );
        })
    });
    // With metrics on, each analysis times its three stages: two clock reads a stage.
    group.bench_function("stage-clock-reads", |b| {
        b.iter(|| {
            for _ in 0..3 {
                let start = std::time::Instant::now();
                std::hint::black_box(start.elapsed());
            }
        })
    });
    let (_, timings) = timed(|| analysis::analyze("Paris", &Options::default()));
    group.bench_function("metrics/miss", |b| {
        b.iter(|| {
            metrics.document(std::hint::black_box(5_873));
            metrics.stages(std::hint::black_box(&timings));
            metrics.call(
                "docsift.v1.Analyzer/Analyze",
                "OK",
                Duration::from_millis(std::hint::black_box(4)),
            );
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
