//! The Redis tier, against a real `redis-server` started by the test: sharing between
//! instances, outages, restarts and garbage.

mod cache_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cache_support::RedisServer;
use docsift::analysis::{Options, analyze};
use docsift::cache::{AnalysisCache, CacheConfig, CacheKey, Lookup};

/// Log output captured for the test, to count outage messages.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn count(&self, needle: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned"))
            .matches(needle)
            .count()
    }
}

const TEXT: &str = "“We remain friends,” said Phay Siphan, a spokesman for the government.";

fn with_redis(url: String, max_bytes: u64) -> CacheConfig {
    CacheConfig {
        max_bytes,
        ttl: Some(Duration::from_secs(60)),
        redis_url: Some(url),
        redis_timeout: Duration::from_millis(200),
        ..CacheConfig::default()
    }
}

async fn lookup(cache: &AnalysisCache, text: &str, calls: &Arc<AtomicUsize>) -> Lookup {
    let key = CacheKey::new(text, &Options::default());
    let (text, calls) = (text.to_owned(), Arc::clone(calls));
    cache
        .get_or_analyze(key, false, move || async move {
            calls.fetch_add(1, Ordering::SeqCst);
            analyze(&text, &Options::default())
        })
        .await
        .expect("the text analyses")
}

#[tokio::test]
async fn a_second_instance_finds_the_first_ones_result() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let calls = Arc::new(AtomicUsize::new(0));

    let first = AnalysisCache::new(with_redis(server.url(), 1 << 20)).await;
    assert!(!lookup(&first, TEXT, &calls).await.cache_hit);
    cache_support::written(&server, TEXT).await;

    let second = AnalysisCache::new(with_redis(server.url(), 1 << 20)).await;
    let shared = lookup(&second, TEXT, &calls).await;
    assert!(shared.cache_hit, "{:?}", second.stats());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the second instance ran no analysis"
    );
    assert_eq!(
        *shared.analysis,
        analyze(TEXT, &Options::default()).expect("analyses")
    );
    let stats = second.stats();
    assert_eq!(
        (stats.redis_hits, stats.redis_errors, stats.misses),
        (1, 0, 0)
    );
    // Now in process too.
    assert!(lookup(&second, TEXT, &calls).await.cache_hit);
    assert_eq!(second.stats().hits, 1);

    // The entry lives in Redis as long as in process.
    let mut connection = cache_support::raw_connection(&server).await;
    let ttl_ms: i64 = redis::cmd("PTTL")
        .arg(CacheKey::new(TEXT, &Options::default()).redis_key())
        .query_async(&mut connection)
        .await
        .expect("PTTL works");
    assert!((1..=60_000).contains(&ttl_ms), "{ttl_ms}");
}

#[tokio::test]
async fn garbage_in_redis_is_a_counted_miss() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut connection = cache_support::raw_connection(&server).await;
    let key = CacheKey::new(TEXT, &Options::default()).redis_key();
    let cache = AnalysisCache::new(with_redis(server.url(), 0)).await;
    let calls = Arc::new(AtomicUsize::new(0));

    let wrong_version = b"DSA\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\
        \x00\x00\x00\x00\x00\x00\x00\x00rest"
        .to_vec();
    for value in [b"garbage".to_vec(), wrong_version, Vec::new()] {
        let () = redis::cmd("SET")
            .arg(&key)
            .arg(value)
            .query_async(&mut connection)
            .await
            .expect("SET works");
        let before = cache.stats().redis_errors;
        assert!(!lookup(&cache, TEXT, &calls).await.cache_hit);
        assert_eq!(cache.stats().redis_errors, before + 1);
        // The analysis's write replaces the garbage; wait for it before the next round.
        cache_support::written(&server, TEXT).await;
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // The value written over the garbage reads back.
    assert!(lookup(&cache, TEXT, &calls).await.cache_hit);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn requests_succeed_through_a_redis_restart_and_hits_resume() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    // The runtime of this test is single-threaded: every task logs to this subscriber.
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    // No in-process level: every lookup goes to Redis.
    let cache = AnalysisCache::new(with_redis(server.url(), 0)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    lookup(&cache, TEXT, &calls).await;
    cache_support::written(&server, TEXT).await;
    assert!(lookup(&cache, TEXT, &calls).await.cache_hit);

    server.stop();
    for i in 0..20 {
        let text = format!("{TEXT} Round {i}.");
        let lookup = tokio::time::timeout(Duration::from_secs(2), lookup(&cache, &text, &calls))
            .await
            .expect("a lookup with Redis down finishes");
        assert!(!lookup.cache_hit);
    }
    assert!(cache.stats().redis_errors > 0);
    assert_eq!(
        logs.count("Redis cache tier is unavailable"),
        1,
        "one warning per outage"
    );

    server.restart();
    // Redis lost its data in the restart; a result written after it must be found again.
    let text = format!("{TEXT} After the restart.");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if lookup(&cache, &text, &calls).await.cache_hit {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Redis hits never resumed: {:?}",
            cache.stats()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(logs.count("Redis cache tier is back"), 1);
    assert_eq!(logs.count("Redis cache tier is unavailable"), 1);
}

#[tokio::test]
async fn an_unreachable_redis_neither_blocks_start_nor_fails_lookups() {
    // Nobody listens on this port.
    let port = cache_support::free_port();
    let started = Instant::now();
    let cache = AnalysisCache::new(with_redis(format!("redis://127.0.0.1:{port}/"), 1 << 20)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    let calls = Arc::new(AtomicUsize::new(0));
    assert!(!lookup(&cache, TEXT, &calls).await.cache_hit);
    assert!(lookup(&cache, TEXT, &calls).await.cache_hit);
    let stats = cache.stats();
    assert!(stats.redis_enabled);
    assert_eq!((stats.misses, stats.hits, stats.redis_hits), (1, 1, 0));
    assert!(stats.redis_errors >= 1, "{stats:?}");
}

#[tokio::test]
async fn a_hung_redis_is_a_miss_within_its_timeout() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let cache = AnalysisCache::new(with_redis(server.url(), 0)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    lookup(&cache, TEXT, &calls).await;
    cache_support::written(&server, TEXT).await;

    // Connections stay open and nothing answers: every call must give up at the timeout.
    server.pause();
    for _ in 0..5 {
        let lookup = tokio::time::timeout(Duration::from_secs(2), lookup(&cache, TEXT, &calls))
            .await
            .expect("a lookup with Redis hung finishes");
        assert!(!lookup.cache_hit);
    }
    assert!(cache.stats().redis_errors >= 5, "{:?}", cache.stats());
    server.resume();
}
