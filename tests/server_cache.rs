//! The result cache seen through the service: every RPC uses it per document, `cache_hit` says
//! when no analysis ran, a hit answers exactly what the miss answered, and two servers share
//! results through Redis.

mod cache_support;
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use cache_support::RedisServer;
use common::{SEEDS, TestServer, document, fixture, request, settings};
use docsift::analysis::{self, Analysis, AnalysisError, Options};
use docsift::config::Settings;
use docsift::proto::{
    AnalyzeBatchRequest, AnalyzeRequest, AnalyzeResponse, Features, GetInfoRequest, OffsetUnit,
    analyze_stream_response, batch_result,
};
use futures::StreamExt;

fn cached() -> Settings {
    let mut settings = settings();
    settings.cache.max_bytes = 64 * 1024 * 1024;
    settings
}

/// The response without its `cache_hit` flag, to compare a hit with its miss.
fn without_flag(mut response: AnalyzeResponse) -> AnalyzeResponse {
    response.cache_hit = false;
    response
}

#[tokio::test]
async fn a_repeat_is_a_hit_with_the_same_answer_in_any_offset_unit() {
    let server = TestServer::start(cached()).await;
    let mut client = server.client().await;
    let text = fixture(SEEDS[1]);
    let first = client.analyze(request("a", &text)).await.expect("miss");
    let first = first.into_inner();
    assert!(!first.cache_hit, "the first request runs the analysis");
    let second = client.analyze(request("a", &text)).await.expect("hit");
    let second = second.into_inner();
    assert!(second.cache_hit, "the repeat is answered from the cache");
    assert_eq!(without_flag(second), without_flag(first.clone()));

    // Offsets are converted after the cache: another unit shares the entry.
    let utf16 = AnalyzeRequest {
        offset_unit: OffsetUnit::Utf16 as i32,
        ..request("a", &text)
    };
    let converted = client.analyze(utf16).await.expect("hit").into_inner();
    assert!(converted.cache_hit);
    let units: Vec<u16> = text.encode_utf16().collect();
    for quote in &converted.quotes {
        let span = quote.span.expect("span");
        let sliced = String::from_utf16(&units[span.begin as usize..span.end as usize])
            .expect("spans fall on character boundaries");
        assert_eq!(sliced, quote.text);
    }
    assert_eq!(converted.quotes.len(), first.quotes.len());

    // Options that change the result miss; so does a request that asks to skip the cache.
    let entities_only = AnalyzeRequest {
        features: Some(Features {
            entities: true,
            ..Features::default()
        }),
        ..request("a", &text)
    };
    let other = client.analyze(entities_only).await.expect("miss");
    assert!(!other.into_inner().cache_hit, "other features, other entry");
    let mut hinted = request("a", &text);
    hinted.document.as_mut().expect("document").language_hint = "en".into();
    assert!(
        !client
            .analyze(hinted)
            .await
            .expect("miss")
            .into_inner()
            .cache_hit
    );
    let mut hinted = request("a", &text);
    hinted.document.as_mut().expect("document").language_hint = "ENG".into();
    assert!(
        client
            .analyze(hinted)
            .await
            .expect("hit")
            .into_inner()
            .cache_hit,
        "a hint spelled another way is the same hint"
    );
    let skip = AnalyzeRequest {
        skip_cache: true,
        ..request("a", &text)
    };
    assert!(
        !client
            .analyze(skip)
            .await
            .expect("fresh")
            .into_inner()
            .cache_hit
    );

    let info = client
        .get_info(GetInfoRequest::default())
        .await
        .expect("info");
    let stats = info.into_inner().cache.expect("cache stats");
    assert!(stats.enabled);
    assert_eq!((stats.hits, stats.misses), (3, 4));
    server.stop().await.expect("clean stop");
}

static COUNTED: AtomicUsize = AtomicUsize::new(0);

fn counting(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
    COUNTED.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(50));
    analysis::analyze(text, options)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_identical_requests_run_one_analysis() {
    let server = TestServer::start_with(cached(), counting).await;
    let client = server.client().await;
    let text = fixture(SEEDS[0]);
    let calls = (0..100).map(|i| {
        let mut client = client.clone();
        let request = request(&format!("r{i}"), &text);
        tokio::spawn(async move { client.analyze(request).await })
    });
    let responses = futures::future::join_all(calls).await;
    let mut hits = 0;
    for (i, response) in responses.into_iter().enumerate() {
        let response = response.expect("task").expect("every request succeeds");
        let response = response.into_inner();
        assert_eq!(response.id, format!("r{i}"), "each keeps its own id");
        hits += usize::from(response.cache_hit);
    }
    assert_eq!(COUNTED.load(Ordering::SeqCst), 1, "one analysis for all");
    assert_eq!(hits, 99, "every request but one is a hit");
    server.stop().await.expect("clean stop");
}

#[tokio::test]
async fn batches_and_streams_use_the_cache_per_document() {
    let server = TestServer::start(cached()).await;
    let mut client = server.client().await;
    let seeds: Vec<String> = SEEDS.iter().map(|s| fixture(s)).collect();
    let warm = AnalyzeBatchRequest {
        documents: vec![document("s0", &seeds[0])],
        ..AnalyzeBatchRequest::default()
    };
    client.analyze_batch(warm).await.expect("batch");

    let batch = AnalyzeBatchRequest {
        documents: vec![document("s0", &seeds[0]), document("s1", &seeds[1])],
        ..AnalyzeBatchRequest::default()
    };
    let results = client
        .analyze_batch(batch)
        .await
        .expect("batch")
        .into_inner();
    let hits: Vec<bool> = results
        .results
        .into_iter()
        .map(|result| match result.outcome.expect("outcome") {
            batch_result::Outcome::Analysis(response) => response.cache_hit,
            batch_result::Outcome::Error(error) => panic!("{error:?}"),
        })
        .collect();
    assert_eq!(
        hits,
        [true, false],
        "the warmed document hits, the new one misses"
    );

    // A stream that repeats a document: once the first answer is back, the repeat is a hit.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut responses = client
        .analyze_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("stream opens")
        .into_inner();
    let mut outcomes = Vec::new();
    for id in ["x", "y"] {
        tx.send(request(id, &seeds[2])).await.expect("send");
        let response = responses.next().await.expect("an answer").expect("ok");
        assert_eq!(response.id, id);
        match response.outcome.expect("outcome") {
            analyze_stream_response::Outcome::Analysis(analysis) => {
                outcomes.push(analysis.cache_hit)
            }
            analyze_stream_response::Outcome::Error(error) => panic!("{error:?}"),
        }
    }
    drop(tx);
    assert!(
        responses.next().await.is_none(),
        "the stream ends with its input"
    );
    assert_eq!(outcomes, [false, true]);
    server.stop().await.expect("clean stop");
}

#[tokio::test]
async fn two_servers_share_results_through_redis() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let mut shared = cached();
    shared.cache.redis_url = Some(redis.url());
    shared.cache.redis_timeout = std::time::Duration::from_millis(500);
    let first = TestServer::start(shared.clone()).await;
    let second = TestServer::start(shared).await;
    let text = fixture(SEEDS[2]);

    let miss = first.client().await.analyze(request("p", &text)).await;
    let miss = miss.expect("analysed").into_inner();
    assert!(!miss.cache_hit);
    // The write to Redis follows the answer: wait until it has landed.
    cache_support::written(&redis, &text).await;
    let mut client = second.client().await;
    let hit = client.analyze(request("p", &text)).await.expect("ok");
    let hit = hit.into_inner();
    assert!(
        hit.cache_hit,
        "the second server's first request is a hit from Redis"
    );
    assert_eq!(without_flag(hit), without_flag(miss));
    let info = client
        .get_info(GetInfoRequest::default())
        .await
        .expect("info");
    let stats = info.into_inner().cache.expect("stats");
    assert!(stats.redis_enabled);
    assert_eq!(stats.redis_hits, 1);
    first.stop().await.expect("clean stop");
    second.stop().await.expect("clean stop");
}
