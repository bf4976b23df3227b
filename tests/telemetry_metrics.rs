//! The Prometheus endpoint after real calls: every metric family exists, and each moves as the
//! calls that were made say it should.

mod cache_support;
mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{SEEDS, TestServer, document, fixture, request, settings};
use docsift::analysis::{self, Analysis, AnalysisError, Options};
use docsift::config::Settings;
use docsift::proto::{AnalyzeBatchRequest, GetInfoRequest};
use docsift::server::ServeError;
use tonic::Code;

/// The analysis, slowed down so that calls overlap: queues, coalescing, overload, deadlines.
fn slow_analyze(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
    if text.starts_with("slow") {
        std::thread::sleep(Duration::from_millis(400));
    }
    analysis::analyze(text, options)
}

/// A scrape: the samples, `name{labels}` (as written) to value, and the families declared.
struct Scrape(HashMap<String, f64>, Vec<String>);

impl Scrape {
    async fn of(port: u16) -> Self {
        let url = format!("http://127.0.0.1:{port}/metrics");
        let body = http_get(&url).await;
        let samples = body
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .map(|line| {
                let (series, value) = line.rsplit_once(' ').expect("`series value` lines");
                (series.to_owned(), value.parse().expect("numeric value"))
            })
            .collect();
        let families = body
            .lines()
            .filter_map(|line| line.strip_prefix("# TYPE "))
            .filter_map(|line| line.split(' ').next())
            .map(str::to_owned)
            .collect();
        Scrape(samples, families)
    }

    fn get(&self, series: &str) -> f64 {
        self.0.get(series).copied().unwrap_or(0.0)
    }

    fn has_family(&self, name: &str) -> bool {
        self.1.iter().any(|family| family == name)
    }
}

/// A GET over a plain TCP connection: enough HTTP for a scrape, with no client crate.
async fn http_get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    // The server binds its metrics listener as it starts, after the test has its address.
    let start = Instant::now();
    let mut stream = loop {
        match tokio::net::TcpStream::connect(host).await {
            Ok(stream) => break stream,
            Err(error) if start.elapsed() > Duration::from_secs(5) => {
                panic!("the metrics listener accepts: {error}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    stream
        .write_all(
            format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .expect("request sent");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("response read");
    let (head, body) = response
        .split_once("\r\n\r\n")
        .expect("headers, then a body");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain"),
        "{head}"
    );
    body.to_owned()
}

const FAMILIES: [&str; 21] = [
    "docsift_requests_total",
    "docsift_request_duration_seconds",
    "docsift_documents_total",
    "docsift_document_bytes_total",
    "docsift_document_errors_total",
    "docsift_analysis_stage_seconds",
    "docsift_refusals_total",
    "docsift_build_info",
    "docsift_documents_in_flight",
    "docsift_documents_queued",
    "docsift_cache_hits_total",
    "docsift_cache_misses_total",
    "docsift_cache_coalesced_total",
    "docsift_cache_evictions_total",
    "docsift_cache_entries",
    "docsift_cache_weighted_bytes",
    "docsift_cache_max_bytes",
    "docsift_redis_hits_total",
    "docsift_redis_misses_total",
    "docsift_redis_errors_total",
    "docsift_redis_writes_dropped_total",
];

const ANALYZE: &str = "rpc=\"docsift.v1.Analyzer/Analyze\"";

/// Waits until `done` holds for a fresh scrape (maintenance and background work settle).
async fn scrape_until(port: u16, what: &str, done: impl Fn(&Scrape) -> bool) -> Scrape {
    let start = Instant::now();
    loop {
        let scrape = Scrape::of(port).await;
        if done(&scrape) {
            return scrape;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what}: not within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts a server (with the slowed analysis) and its metrics on a free port. A port free when
/// chosen can be taken before the server binds it (by another test's listener or any outgoing
/// connection); the server then stops with a bind error, and another port is tried.
async fn start_with_metrics(mut config: Settings) -> (TestServer, u16) {
    for _ in 0..5 {
        let port = cache_support::free_port();
        config.metrics_listen = Some(format!("127.0.0.1:{port}").parse().expect("addr"));
        match TestServer::start_with(config.clone(), slow_analyze)
            .await
            .ready()
            .await
        {
            Ok(server) => return (server, port),
            Err(ServeError::Bind { addr, source }) => eprintln!("{addr}: {source}; another port"),
            Err(error) => panic!("the server starts: {error}"),
        }
    }
    panic!("no free port for the metrics listener in five tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_family_moves_with_the_calls_made() {
    let redis = cache_support::RedisServer::start();
    let mut config = settings();
    config.workers = 1;
    config.max_in_flight = 3;
    config.stream_window = 3;
    config.cache.max_bytes = 64 * 1024 * 1024;
    config.cache.redis_url = redis.as_ref().map(|r| r.url());
    let (server, metrics_port) = start_with_metrics(config.clone()).await;
    let mut client = server.client().await;

    let before = Scrape::of(metrics_port).await;
    for family in FAMILIES {
        assert!(
            before.has_family(family),
            "{family} is exported from the start"
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    let build = format!(
        "docsift_build_info{{version=\"{version}\",engine_version=\"{}\"}}",
        analysis::ENGINE_VERSION
    );
    assert_eq!(before.get(&build), 1.0);

    // A miss, then a hit, of one seed article.
    let seed = fixture(SEEDS[0]);
    for _ in 0..2 {
        client
            .analyze(request("seed", &seed))
            .await
            .expect("analyses");
    }
    let after = Scrape::of(metrics_port).await;
    let ok = format!("docsift_requests_total{{{ANALYZE},code=\"OK\"}}");
    assert_eq!(after.get(&ok) - before.get(&ok), 2.0);
    let count = format!("docsift_request_duration_seconds_count{{{ANALYZE}}}");
    assert_eq!(after.get(&count) - before.get(&count), 2.0);
    let fastest = format!("docsift_request_duration_seconds_bucket{{{ANALYZE},le=\"10\"}}");
    assert_eq!(after.get(&fastest) - before.get(&fastest), 2.0);
    assert_eq!(after.get("docsift_documents_total"), 2.0);
    assert_eq!(
        after.get("docsift_document_bytes_total"),
        2.0 * seed.len() as f64
    );
    assert_eq!(after.get("docsift_cache_misses_total"), 1.0);
    assert_eq!(after.get("docsift_cache_hits_total"), 1.0);
    for stage in ["language", "entities", "quotes"] {
        let series = format!("docsift_analysis_stage_seconds_count{{stage=\"{stage}\"}}");
        assert_eq!(after.get(&series), 1.0, "{series}: one analysis ran");
    }
    let settled = scrape_until(metrics_port, "the cache's figures settle", |s| {
        s.get("docsift_cache_entries") == 1.0
    })
    .await;
    assert!(settled.get("docsift_cache_weighted_bytes") > seed.len() as f64);
    assert_eq!(
        settled.get("docsift_cache_max_bytes"),
        (64 * 1024 * 1024) as f64
    );

    // Three identical slow requests: one analysis, two coalesced waits; while it runs, one
    // document is in flight and none queued (one worker).
    let slow = "slow: Angela Merkel visited Paris on Monday.";
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let mut client = client.clone();
            tokio::spawn(async move { client.analyze(request("same", slow)).await })
        })
        .collect();
    // A duplicate is counted as queued for the moment between its arrival and its joining the
    // running analysis: wait for the state where it has joined (it never comes if duplicates
    // queued for a worker of their own instead).
    scrape_until(metrics_port, "one document in flight, none queued", |s| {
        s.get("docsift_documents_in_flight") == 1.0 && s.get("docsift_documents_queued") == 0.0
    })
    .await;
    for call in calls {
        call.await.expect("joins").expect("analyses");
    }
    let after = Scrape::of(metrics_port).await;
    assert_eq!(after.get("docsift_cache_coalesced_total"), 2.0);
    assert_eq!(after.get("docsift_documents_in_flight"), 0.0);

    // Distinct slow documents: one runs, two queue, and past --max-in-flight (3) one is refused.
    let calls: Vec<_> = (0..4)
        .map(|i| {
            let mut client = client.clone();
            tokio::spawn(async move {
                client
                    .analyze(request(
                        "busy",
                        &format!("slow {i}: Olaf Scholz went to Rome."),
                    ))
                    .await
            })
        })
        .collect();
    scrape_until(metrics_port, "two documents queued", |s| {
        s.get("docsift_documents_queued") == 2.0 && s.get("docsift_documents_in_flight") == 3.0
    })
    .await;
    let mut refused = 0;
    for call in calls {
        if let Err(status) = call.await.expect("joins") {
            assert_eq!(status.code(), Code::ResourceExhausted);
            refused += 1;
        }
    }
    assert_eq!(refused, 1);
    let after = Scrape::of(metrics_port).await;
    assert_eq!(
        after.get("docsift_refusals_total{reason=\"resource_exhausted\"}"),
        1.0
    );
    assert_eq!(
        after.get(&format!(
            "docsift_requests_total{{{ANALYZE},code=\"RESOURCE_EXHAUSTED\"}}"
        )),
        1.0
    );

    // A batch with a bad document: its error is counted by code.
    client
        .analyze_batch(AnalyzeBatchRequest {
            documents: vec![document("good", "Hello Paris."), document("bad", "")],
            ..AnalyzeBatchRequest::default()
        })
        .await
        .expect("the batch succeeds");
    let after = Scrape::of(metrics_port).await;
    assert_eq!(
        after.get("docsift_document_errors_total{code=\"INVALID_ARGUMENT\"}"),
        1.0
    );
    assert_eq!(
        after.get("docsift_requests_total{rpc=\"docsift.v1.Analyzer/AnalyzeBatch\",code=\"OK\"}"),
        1.0
    );

    // A call whose deadline passes during its analysis, and one the client abandons.
    let mut late = request("late", "slow late: Emmanuel Macron spoke in Lyon.");
    late.skip_cache = true;
    let mut late = tonic::Request::new(late);
    late.set_timeout(Duration::from_millis(100));
    let status = client.analyze(late).await.expect_err("the deadline passes");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );
    let abandoned = {
        let mut client = client.clone();
        tokio::spawn(async move {
            client
                .analyze(request("gone", "slow gone: Rishi Sunak flew to Oslo."))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    abandoned.abort();
    // The refusal and the call's code are counted at two places (the service and the layer
    // around it), so wait for both rather than for the first.
    let cancelled_calls = format!("docsift_requests_total{{{ANALYZE},code=\"CANCELLED\"}}");
    let after = scrape_until(metrics_port, "the abandoned call ends", |s| {
        s.get("docsift_refusals_total{reason=\"cancelled\"}") >= 1.0
            && s.get(&cancelled_calls) >= 1.0
    })
    .await;
    assert_eq!(
        after.get("docsift_refusals_total{reason=\"deadline_exceeded\"}"),
        1.0
    );
    for code in ["DEADLINE_EXCEEDED", "CANCELLED"] {
        let series = format!("docsift_requests_total{{{ANALYZE},code=\"{code}\"}}");
        assert_eq!(after.get(&series), 1.0, "{series}");
    }

    // GetInfo is an RPC like the others.
    client.get_info(GetInfoRequest {}).await.expect("answers");
    let after = Scrape::of(metrics_port).await;
    assert_eq!(
        after.get("docsift_requests_total{rpc=\"docsift.v1.Analyzer/GetInfo\",code=\"OK\"}"),
        1.0
    );

    // Redis: the first server missed in Redis and wrote there; a second one, whose local cache
    // is too small to keep anything (every entry is evicted), finds the result in Redis.
    let Some(redis) = redis else {
        return;
    };
    assert!(after.get("docsift_redis_misses_total") >= 1.0);
    let mut second_config = config.clone();
    second_config.cache.max_bytes = 1024;
    let (second, second_port) = start_with_metrics(second_config).await;
    let mut second_client = second.client().await;
    let response = second_client
        .analyze(request("seed", &seed))
        .await
        .expect("analyses")
        .into_inner();
    assert!(response.cache_hit, "found in Redis");
    let figures = scrape_until(second_port, "the oversized entry is evicted", |s| {
        s.get("docsift_cache_evictions_total") >= 1.0
    })
    .await;
    assert_eq!(figures.get("docsift_redis_hits_total"), 1.0);
    // Redis hung: a lookup is a counted error within the Redis timeout.
    redis.pause();
    second_client
        .analyze(request(
            "new",
            "Giorgia Meloni met Pedro Sánchez in Madrid.",
        ))
        .await
        .expect("analyses without Redis");
    redis.resume();
    let figures = Scrape::of(second_port).await;
    assert!(figures.get("docsift_redis_errors_total") >= 1.0);
    second.stop().await.expect("clean stop");
    server.stop().await.expect("clean stop");
}
