//! Memory and latency figures of the cache, printed (measurements, not checks).
//!
//! ```text
//! cargo bench --bench cache_memory                  # all three
//! cargo bench --bench cache_memory -- redis_down    # those whose name contains a filter
//! ```
//!
//! - `resident_memory_after_a_gigabyte`: resident memory after ~1 GB of distinct documents
//!   pass through a cache bounded at 64 MiB.
//! - `lookup_latency_with_redis_down`: p50/p99 of lookups that miss in process, with no Redis,
//!   with Redis up, with nothing listening on its port, and with a Redis that never answers.

#[path = "../tests/cache_support/mod.rs"]
mod cache_support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docsift::analysis::{Analysis, AnalysisError, Options, analyze};
use docsift::cache::{AnalysisCache, CacheConfig, CacheKey};

/// The process's resident set size in bytes, from /proc/self/status.
fn resident_bytes() -> u64 {
    status_bytes("VmRSS:")
}

/// A size in /proc/self/status ("VmRSS:", "VmHWM:" for the peak), in bytes.
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

const MIB: u64 = 1024 * 1024;

async fn resident_memory_after_a_gigabyte() {
    let articles = cache_support::seed_articles();
    let bound = 64 * MIB;
    let total: u64 = std::env::var("DOCSIFT_MEASURE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024 * MIB);
    let before = resident_bytes();
    let cache = AnalysisCache::new(CacheConfig {
        max_bytes: bound,
        ..CacheConfig::default()
    })
    .await;
    let started = Instant::now();
    let (mut passed, mut documents) = (0u64, 0u64);
    while passed < total {
        let article = &articles[documents as usize % articles.len()];
        // Distinct documents: a numbered headline changes the text, and so the key and the
        // result's offsets.
        let text: Arc<str> = Arc::from(format!("Report number {documents}.\n\n{article}"));
        passed += text.len() as u64;
        documents += 1;
        let key = CacheKey::new(&text, &Options::default());
        cache
            .get_or_analyze(key, false, move || async move {
                analyze(&text, &Options::default())
            })
            .await
            .expect("the articles analyse");
    }
    cache.run_pending_tasks().await;
    let after = resident_bytes();
    let stats = cache.stats();
    println!(
        "{documents} documents, {} MiB of text in {:.1?}; bound {} MiB; entries {}, weighed {:.1} MiB, evictions {}",
        passed / MIB,
        started.elapsed(),
        bound / MIB,
        stats.entries,
        stats.weighted_bytes as f64 / MIB as f64,
        stats.evictions
    );
    println!(
        "RSS before {:.1} MiB, after {:.1} MiB, peak {:.1} MiB; after - before - bound = {:.1} MiB",
        before as f64 / MIB as f64,
        after as f64 / MIB as f64,
        status_bytes("VmHWM:") as f64 / MIB as f64,
        (after as f64 - before as f64 - bound as f64) / MIB as f64
    );
}

/// A port that accepts connections and never answers: a hung Redis.
fn black_hole() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
    let port = listener.local_addr().expect("a bound address").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 1024];
            let _ = stream.set_nonblocking(true);
            let _ = stream.read(&mut buffer);
            held.push(stream);
        }
    });
    port
}

async fn cache_with(redis_url: Option<String>) -> AnalysisCache {
    AnalysisCache::new(CacheConfig {
        max_bytes: 64 * MIB,
        redis_url,
        redis_timeout: Duration::from_millis(50),
        ..CacheConfig::default()
    })
    .await
}

async fn latencies(label: &str, cache: AnalysisCache, result: &Analysis) {
    let mut samples = Vec::new();
    let started = Instant::now();
    // Distinct keys: every lookup misses in process and asks Redis (when there is one).
    let mut i = 0u128;
    while started.elapsed() < Duration::from_secs(3) {
        let result = result.clone();
        let at = Instant::now();
        let lookup = cache
            .get_or_analyze(CacheKey(i), false, move || async move {
                Ok::<_, AnalysisError>(result)
            })
            .await;
        samples.push(at.elapsed());
        assert!(lookup.is_ok());
        i += 1;
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    let stats = cache.stats();
    println!(
        "{label:<24} n={:>7} p50={:>9.1?} p99={:>9.1?} max={:>9.1?} redis errors={} hits={} misses={}",
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0),
        stats.redis_errors,
        stats.redis_hits,
        stats.redis_misses
    );
}

async fn lookup_latency_with_redis_down() {
    let article = &cache_support::seed_articles()[0];
    let result = analyze(article, &Options::default()).expect("the article analyses");
    latencies("no redis", cache_with(None).await, &result).await;
    let closed = cache_support::free_port();
    let url = format!("redis://127.0.0.1:{closed}/");
    latencies("redis down (closed)", cache_with(Some(url)).await, &result).await;
    let url = format!("redis://127.0.0.1:{}/", black_hole());
    latencies(
        "redis hung (no answer)",
        cache_with(Some(url)).await,
        &result,
    )
    .await;
    if let Some(mut server) = cache_support::RedisServer::start() {
        latencies("redis up", cache_with(Some(server.url())).await, &result).await;
        // Connected first, then the server goes away.
        let cache = cache_with(Some(server.url())).await;
        server.pause();
        latencies("redis paused (SIGSTOP)", cache, &result).await;
        server.resume();
        let cache = cache_with(Some(server.url())).await;
        server.stop();
        latencies("redis stopped", cache, &result).await;
    }
}

async fn resident_bytes_per_entry() {
    // Many entries with small results: what moka and the allocator add per entry, compared
    // with what the weigher counts.
    let small = analyze("Hello there.", &Options::default()).expect("a short text analyses");
    let article = &cache_support::seed_articles()[0];
    let big = analyze(article, &Options::default()).expect("the article analyses");
    // One case per process (DOCSIFT_MEASURE_CASE=small|article): memory freed by one case
    // stays resident and would be reused by the next.
    let case = std::env::var("DOCSIFT_MEASURE_CASE").unwrap_or_else(|_| "article".into());
    for (label, result, count) in [("small", small, 200_000u64), ("article", big, 20_000)] {
        if label != case {
            continue;
        }
        let cache = AnalysisCache::new(CacheConfig {
            max_bytes: 4096 * MIB,
            ..CacheConfig::default()
        })
        .await;
        let before = resident_bytes();
        for i in 0..count {
            let result = result.clone();
            cache
                .get_or_analyze(CacheKey(u128::from(i)), false, move || async move {
                    Ok::<_, AnalysisError>(result)
                })
                .await
                .expect("infallible");
        }
        cache.run_pending_tasks().await;
        let after = resident_bytes();
        let stats = cache.stats();
        println!(
            "{label}: {} entries, weighed {:.0} B/entry, resident {:.0} B/entry",
            stats.entries,
            stats.weighted_bytes as f64 / stats.entries as f64,
            (after - before) as f64 / stats.entries as f64
        );
    }
}

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let wanted = |name: &str| filters.is_empty() || filters.iter().any(|f| name.contains(f));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    // Each runs alone: resident figures are per process, so the order matters little but the
    // first one sees the cleanest heap.
    if wanted("resident_memory_after_a_gigabyte") {
        runtime.block_on(resident_memory_after_a_gigabyte());
    }
    if wanted("lookup_latency_with_redis_down") {
        runtime.block_on(lookup_latency_with_redis_down());
    }
    if wanted("resident_bytes_per_entry") {
        runtime.block_on(resident_bytes_per_entry());
    }
}
