//! The in-process cache: hits, keys, coalescing, the byte bound, expiry, cancellation.

mod cache_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use docsift::analysis::text::OffsetUnit;
use docsift::analysis::{Analysis, AnalysisError, Features, Options, analyze};
use docsift::cache::{AnalysisCache, CacheConfig, CacheKey, Lookup};
use docsift::proto::analysis_to_proto;

const TEXT: &str = "“We remain friends,” said Phay Siphan, a spokesman for the government.";

fn local_only(max_bytes: u64) -> CacheConfig {
    CacheConfig {
        max_bytes,
        ..CacheConfig::default()
    }
}

/// Looks `text` up, analysing it for real and counting the analyses in `calls`.
async fn lookup(
    cache: &AnalysisCache,
    text: &str,
    options: &Options,
    calls: &Arc<AtomicUsize>,
) -> Lookup {
    let key = CacheKey::new(text, options);
    let (text, options, calls) = (text.to_owned(), options.clone(), Arc::clone(calls));
    cache
        .get_or_analyze(key, false, move || async move {
            calls.fetch_add(1, Ordering::SeqCst);
            analyze(&text, &options)
        })
        .await
        .expect("the text analyses")
}

#[tokio::test]
async fn a_repeat_is_a_hit_with_the_same_result() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let first = lookup(&cache, TEXT, &Options::default(), &calls).await;
    let second = lookup(&cache, TEXT, &Options::default(), &calls).await;
    assert!(!first.cache_hit);
    assert!(second.cache_hit);
    assert_eq!(first.analysis, second.analysis);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let stats = cache.stats();
    assert_eq!((stats.hits, stats.misses, stats.coalesced), (1, 1, 0));
}

#[tokio::test]
async fn different_options_miss() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let quotes_only = Options {
        features: Features {
            quotes: true,
            ..Features::default()
        },
        language_hint: None,
    };
    let hinted = Options {
        language_hint: Some("en".into()),
        ..Options::default()
    };
    for options in [&Options::default(), &quotes_only, &hinted] {
        assert!(!lookup(&cache, TEXT, options, &calls).await.cache_hit);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn every_offset_unit_is_served_by_one_entry() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    // The gRPC layer keys by text and options only; the unit is applied to the cached result.
    let utf8 = lookup(&cache, TEXT, &Options::default(), &calls).await;
    let utf16 = lookup(&cache, TEXT, &Options::default(), &calls).await;
    assert!(utf16.cache_hit);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let fresh = analyze(TEXT, &Options::default()).expect("the text analyses");
    for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
        assert_eq!(
            analysis_to_proto(TEXT, &utf16.analysis, unit),
            analysis_to_proto(TEXT, &fresh, unit)
        );
    }
    assert_eq!(utf8.analysis, utf16.analysis);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_identical_requests_run_one_analysis() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let requests: Vec<_> = (0..100)
        .map(|_| {
            let (cache, calls) = (cache.clone(), Arc::clone(&calls));
            tokio::spawn(async move {
                let key = CacheKey::new(TEXT, &Options::default());
                cache
                    .get_or_analyze(key, false, move || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        // Long enough for every request to arrive while it runs.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        analyze(TEXT, &Options::default())
                    })
                    .await
                    .expect("the text analyses")
            })
        })
        .collect();
    let mut hits = 0;
    for request in requests {
        hits += usize::from(request.await.expect("no request panics").cache_hit);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(hits, 99);
    let stats = cache.stats();
    assert_eq!((stats.misses, stats.hits), (1, 99));
    assert!(stats.coalesced >= 1, "{stats:?}");
}

#[tokio::test]
async fn the_byte_bound_holds_after_ten_times_its_worth() {
    let articles = cache_support::seed_articles();
    let results: Vec<Analysis> = articles
        .iter()
        .map(|text| analyze(text, &Options::default()).expect("seed articles analyse"))
        .collect();

    let bound = 256 * 1024;
    let cache = AnalysisCache::new(local_only(bound)).await;
    // Weigh one entry of each article to know what ten times the bound is.
    for (i, result) in results.iter().enumerate() {
        let result = result.clone();
        cache
            .get_or_analyze(CacheKey(i as u128), false, move || async move {
                Ok::<_, AnalysisError>(result)
            })
            .await
            .expect("infallible");
    }
    cache.run_pending_tasks().await;
    let per_entry = cache.stats().weighted_bytes / results.len() as u64;
    assert!(per_entry > 0);

    let inserts = 10 * bound / per_entry;
    for i in 0..inserts {
        let result = results[i as usize % results.len()].clone();
        let key = CacheKey(u128::from(i) + 1000);
        cache
            .get_or_analyze(
                key,
                false,
                move || async move { Ok::<_, AnalysisError>(result) },
            )
            .await
            .expect("infallible");
    }
    cache.run_pending_tasks().await;
    let stats = cache.stats();
    assert!(stats.weighted_bytes <= bound, "{stats:?}");
    assert!(stats.evictions > 0, "{stats:?}");
    assert!(stats.entries < inserts, "{stats:?}");
}

#[tokio::test]
async fn entries_expire_after_their_time_to_live() {
    let cache = AnalysisCache::new(CacheConfig {
        ttl: Some(Duration::from_millis(200)),
        ..local_only(1 << 20)
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    lookup(&cache, TEXT, &Options::default(), &calls).await;
    assert!(
        lookup(&cache, TEXT, &Options::default(), &calls)
            .await
            .cache_hit
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !lookup(&cache, TEXT, &Options::default(), &calls)
            .await
            .cache_hit
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn idle_entries_expire_after_their_time_to_idle() {
    let cache = AnalysisCache::new(CacheConfig {
        tti: Some(Duration::from_millis(200)),
        ..local_only(1 << 20)
    })
    .await;
    let calls = Arc::new(AtomicUsize::new(0));
    lookup(&cache, TEXT, &Options::default(), &calls).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !lookup(&cache, TEXT, &Options::default(), &calls)
            .await
            .cache_hit
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_caller_does_not_stall_another_waiter() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let key = CacheKey::new(TEXT, &Options::default());
    let calls = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let started = Arc::new(tokio::sync::Notify::new());

    let first = {
        let (cache, calls, gate, started) = (
            cache.clone(),
            Arc::clone(&calls),
            Arc::clone(&gate),
            Arc::clone(&started),
        );
        tokio::spawn(async move {
            cache
                .get_or_analyze(key, false, move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    started.notify_one();
                    let _open = gate.acquire().await.expect("the gate is never closed");
                    analyze(TEXT, &Options::default())
                })
                .await
        })
    };
    started.notified().await;
    let second = {
        let (cache, calls) = (cache.clone(), Arc::clone(&calls));
        tokio::spawn(async move {
            cache
                .get_or_analyze(key, false, move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    analyze(TEXT, &Options::default())
                })
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    first.abort();
    assert!(first.await.is_err_and(|e| e.is_cancelled()));
    gate.add_permits(1);

    let second = tokio::time::timeout(Duration::from_secs(5), second)
        .await
        .expect("the second caller is not stalled")
        .expect("no panic")
        .expect("the text analyses");
    assert!(
        second.cache_hit,
        "the second caller got the first one's analysis"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn skip_cache_analyses_and_refreshes() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let key = CacheKey::new(TEXT, &Options::default());
    let calls = Arc::new(AtomicUsize::new(0));
    for skip_cache in [false, true, false] {
        let counted = Arc::clone(&calls);
        let lookup = cache
            .get_or_analyze(key, skip_cache, move || async move {
                counted.fetch_add(1, Ordering::SeqCst);
                analyze(TEXT, &Options::default())
            })
            .await
            .expect("the text analyses");
        assert_eq!(
            lookup.cache_hit,
            calls.load(Ordering::SeqCst) == 2 && !skip_cache
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn errors_are_not_cached() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    for _ in 0..2 {
        let calls = Arc::clone(&calls);
        let result = cache
            .get_or_analyze(
                CacheKey::new(" ", &Options::default()),
                false,
                move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    analyze(" ", &Options::default())
                },
            )
            .await;
        assert_eq!(result.err(), Some(AnalysisError::EmptyText));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Looks texts up together, analysing the ones missing for real; returns the lookups and the
/// positions each call of the analysis was given.
async fn lookup_many(
    cache: &AnalysisCache,
    texts: &[&str],
    skip_cache: bool,
) -> (Vec<Result<Lookup, AnalysisError>>, Vec<usize>) {
    let options = Options::default();
    let keys: Vec<(CacheKey, bool)> = texts
        .iter()
        .map(|text| (CacheKey::new(text, &options), skip_cache))
        .collect();
    let mut asked = Vec::new();
    let lookups = cache
        .get_or_analyze_many(&keys, |positions| {
            asked.clone_from(&positions);
            let analyses = positions
                .iter()
                .map(|&i| analyze(texts[i], &options))
                .collect();
            async move { analyses }
        })
        .await;
    (lookups, asked)
}

#[tokio::test]
async fn a_batch_analyses_only_what_is_missing_and_each_text_once() {
    let cache = AnalysisCache::new(local_only(1 << 20)).await;
    let other = "“Not today,” she said.";
    lookup(
        &cache,
        TEXT,
        &Options::default(),
        &Arc::new(AtomicUsize::new(0)),
    )
    .await;

    let (lookups, asked) = lookup_many(&cache, &[other, TEXT, " ", other], false).await;
    // The cached text is not analysed again, the repeated one once, the blank one fails alone.
    assert_eq!(asked, [0, 2]);
    let hits: Vec<Option<bool>> = lookups
        .iter()
        .map(|lookup| lookup.as_ref().ok().map(|l| l.cache_hit))
        .collect();
    assert_eq!(hits, [Some(false), Some(true), None, Some(true)]);
    assert_eq!(lookups[2].as_ref().err(), Some(&AnalysisError::EmptyText));
    let (first, repeat) = (lookups[0].as_ref().unwrap(), lookups[3].as_ref().unwrap());
    assert_eq!(first.analysis, repeat.analysis);
    assert_eq!(
        *first.analysis,
        analyze(other, &Options::default()).unwrap()
    );
    let stats = cache.stats();
    // The first lookup's miss and the batch's; the batch's hit and its repeat.
    assert_eq!((stats.hits, stats.misses, stats.coalesced), (2, 2, 1));

    // Both are now cached; with skip_cache both are analysed again.
    let (lookups, asked) = lookup_many(&cache, &[other, TEXT], false).await;
    assert!(asked.is_empty());
    assert!(lookups.iter().all(|l| l.as_ref().unwrap().cache_hit));
    let (lookups, asked) = lookup_many(&cache, &[other, TEXT], true).await;
    assert_eq!(asked, [0, 1]);
    assert!(lookups.iter().all(|l| !l.as_ref().unwrap().cache_hit));
}

#[tokio::test]
async fn zero_bytes_turns_the_in_process_cache_off() {
    let cache = AnalysisCache::new(local_only(0)).await;
    let calls = Arc::new(AtomicUsize::new(0));
    assert!(
        !lookup(&cache, TEXT, &Options::default(), &calls)
            .await
            .cache_hit
    );
    assert!(
        !lookup(&cache, TEXT, &Options::default(), &calls)
            .await
            .cache_hit
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(!cache.stats().enabled);
}

#[test]
fn lookups_can_run_on_any_worker_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let cache = runtime.block_on(AnalysisCache::new(CacheConfig::default()));
    let lookup = cache.get_or_analyze(CacheKey(1), false, || async {
        analyze(TEXT, &Options::default())
    });
    // tonic's handlers are spawned on a multi-threaded runtime: their futures must be Send.
    assert_send(&lookup);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_nobody_waits_for_is_abandoned() {
    for config in [local_only(1 << 20), local_only(0)] {
        let cache = AnalysisCache::new(config).await;
        let key = CacheKey::new(TEXT, &Options::default());
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let started = Arc::new(tokio::sync::Notify::new());
        let finished = Arc::new(AtomicUsize::new(0));
        let only = {
            let (cache, gate, started, finished) = (
                cache.clone(),
                Arc::clone(&gate),
                Arc::clone(&started),
                Arc::clone(&finished),
            );
            tokio::spawn(async move {
                cache
                    .get_or_analyze(key, false, move || async move {
                        // The load says it has started only from within a poll that leaves it
                        // waiting at the gate: the abort below then always finds it suspended
                        // there, never still running on another thread on its way to the gate
                        // (where the permit added after the abort would let it through).
                        let mut acquire = std::pin::pin!(gate.acquire());
                        let _open = std::future::poll_fn(|cx| {
                            let poll = acquire.as_mut().poll(cx);
                            if poll.is_pending() {
                                started.notify_one();
                            }
                            poll
                        })
                        .await
                        .expect("the gate is never closed");
                        finished.fetch_add(1, Ordering::SeqCst);
                        analyze(TEXT, &Options::default())
                    })
                    .await
            })
        };
        started.notified().await;
        only.abort();
        assert!(only.await.is_err_and(|e| e.is_cancelled()));
        gate.add_permits(1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(finished.load(Ordering::SeqCst), 0, "the load was aborted");

        // The next caller starts afresh and gets its answer.
        let calls = Arc::new(AtomicUsize::new(0));
        let next = lookup(&cache, TEXT, &Options::default(), &calls).await;
        assert!(!next.cache_hit);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
