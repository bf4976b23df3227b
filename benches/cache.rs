//! The cost of a cache hit against a miss on the seed articles, in process and, when a
//! `redis-server` can be started, through Redis.
//!
//! A hit includes hashing the text into its key, as the server does per request; "hit +
//! response" adds the conversion into the response (UTF-16 offsets), the rest of a hit's
//! server-side cost. A miss runs the analysis and stores its result.

#[path = "../tests/cache_support/mod.rs"]
mod cache_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{Options, analyze};
use docsift::cache::{AnalysisCache, CacheConfig, CacheKey};
use docsift::proto::analysis_to_proto;

/// Times `iters` runs of `lookup(i)` inside one `block_on`.
fn timed<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, lookup: F) -> Duration
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = ()>,
{
    runtime.block_on(async {
        let start = Instant::now();
        for i in 0..iters {
            lookup(i).await;
        }
        start.elapsed()
    })
}

async fn get(cache: &AnalysisCache, key: CacheKey, skip_cache: bool, text: &Arc<str>) -> bool {
    let text = Arc::clone(text);
    cache
        .get_or_analyze(key, skip_cache, move || async move {
            analyze(&text, &Options::default())
        })
        .await
        .expect("seed articles analyse")
        .cache_hit
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let articles: Vec<Arc<str>> = cache_support::seed_articles()
        .into_iter()
        .map(Arc::from)
        .collect();
    let redis = cache_support::redis_server_binary()
        .is_some()
        .then(cache_support::RedisServer::start)
        .flatten();
    let unique = AtomicU64::new(0);

    let local = runtime.block_on(AnalysisCache::new(CacheConfig::default()));
    let mut group = c.benchmark_group("cache");
    for (n, text) in articles.iter().enumerate() {
        let options = Options::default();
        let key = CacheKey::new(text, &options);
        runtime.block_on(get(&local, key, false, text));

        group.bench_function(format!("article{n}/hit"), |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, |_| async {
                    let key = CacheKey::new(text, &options);
                    assert!(get(&local, key, false, text).await);
                })
            })
        });
        group.bench_function(format!("article{n}/hit+response"), |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, |_| async {
                    let key = CacheKey::new(text, &options);
                    let owned = Arc::clone(text);
                    let lookup = local
                        .get_or_analyze(key, false, move || async move {
                            analyze(&owned, &Options::default())
                        })
                        .await
                        .expect("seed articles analyse");
                    std::hint::black_box(analysis_to_proto(
                        text,
                        &lookup.analysis,
                        OffsetUnit::Utf16,
                    ));
                })
            })
        });
        group.bench_function(format!("article{n}/miss"), |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, |_| async {
                    let key = CacheKey::new(text, &options);
                    assert!(!get(&local, key, true, text).await);
                })
            })
        });

        if let Some(server) = &redis {
            // No in-process level, so that every lookup goes to Redis.
            let shared = runtime.block_on(AnalysisCache::new(CacheConfig {
                max_bytes: 0,
                redis_url: Some(server.url()),
                ..CacheConfig::default()
            }));
            runtime.block_on(async {
                get(&shared, key, false, text).await;
                while !get(&shared, key, false, text).await {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            });
            group.bench_function(format!("article{n}/redis-hit"), |b| {
                b.iter_custom(|iters| {
                    timed(&runtime, iters, |_| async {
                        let key = CacheKey::new(text, &options);
                        assert!(get(&shared, key, false, text).await);
                    })
                })
            });
            group.bench_function(format!("article{n}/redis-miss"), |b| {
                b.iter_custom(|iters| {
                    timed(&runtime, iters, |_| async {
                        let key = CacheKey(u128::from(unique.fetch_add(1, Ordering::Relaxed)));
                        assert!(!get(&shared, key, false, text).await);
                    })
                })
            });
        }
    }
    group.finish();
    println!("in-process figures: {:?}", local.stats());
}

criterion_group!(benches, bench);
criterion_main!(benches);
