//! The server end to end: a real server on 127.0.0.1:0 and a tonic client, for every RPC, the
//! errors, offsets, batch order, streaming flow control, cancellation and shutdown.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{SEEDS, TestServer, document, fixture, request, settings};
use docsift::analysis::{self, Analysis, AnalysisError, Options};
use docsift::proto::{
    self, AnalyzeBatchRequest, AnalyzeRequest, EntityType, Features, GetInfoRequest, OffsetUnit,
    analyze_stream_response, batch_result,
};
use futures::StreamExt;
use tonic::Code;
use tonic_types::StatusExt;

#[tokio::test]
async fn analyze_returns_language_entities_quotes_and_stats_for_each_seed() {
    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    for seed in SEEDS {
        let text = fixture(seed);
        let response = client
            .analyze(request(seed, &text))
            .await
            .expect("seed analyses")
            .into_inner();
        assert_eq!(response.id, seed);
        let language = response.language.expect("language is computed by default");
        assert_eq!(
            (language.code.as_str(), language.bcp47.as_str()),
            ("eng", "en")
        );
        assert!(language.reliable);
        assert!(!response.entities.is_empty(), "{seed}: entities found");
        assert!(!response.quotes.is_empty(), "{seed}: quotes found");
        let stats = response.stats.expect("stats are always there");
        assert_eq!(stats.characters as usize, text.chars().count());
        assert!(stats.paragraphs > 5 && stats.sentences >= stats.paragraphs);
        assert_eq!(response.engine_version, analysis::ENGINE_VERSION);
        assert!(!response.cache_hit, "the cache is off");
        for entity in &response.entities {
            for mention in &entity.mentions {
                let span = mention.span.expect("every mention has a span");
                assert_eq!(&text[span.begin as usize..span.end as usize], mention.text);
            }
        }
        for quote in &response.quotes {
            let span = quote.span.expect("every quote has a span");
            assert_eq!(&text[span.begin as usize..span.end as usize], quote.text);
        }
    }
    server.stop().await.expect("clean stop");
}

#[tokio::test]
async fn features_limit_the_work() {
    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    let mut req = request("a", &fixture(SEEDS[0]));
    req.features = Some(Features {
        language: true,
        ..Features::default()
    });
    let response = client.analyze(req).await.expect("analyses").into_inner();
    assert_eq!(response.language.expect("asked for").code, "eng");
    assert!(response.entities.is_empty() && response.quotes.is_empty());
}

/// The text a span covers, counting offsets in `unit`.
fn slice(text: &str, begin: u32, end: u32, unit: OffsetUnit) -> String {
    let (begin, end) = (begin as usize, end as usize);
    match unit {
        OffsetUnit::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16(&units[begin..end]).expect("span on code point boundaries")
        }
        OffsetUnit::CodePoint => text.chars().skip(begin).take(end - begin).collect(),
        _ => text[begin..end].to_owned(),
    }
}

#[tokio::test]
async fn offsets_in_every_unit_slice_the_same_text() {
    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    let text = "😀 Über 北京 café.\r\n\r\n“We remain friends 👍🏽,” Phay Siphan said in Phnom Penh. \
                Siphan told Reuters the Royal Cambodian Armed Forces would stay.";
    for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
        let mut req = request("u", text);
        req.offset_unit = unit as i32;
        let response = client.analyze(req).await.expect("analyses").into_inner();
        assert_eq!(response.offset_unit, unit as i32);
        assert!(!response.entities.is_empty() && !response.quotes.is_empty());
        for mention in response.entities.iter().flat_map(|e| &e.mentions) {
            let span = mention.span.expect("span");
            assert_eq!(
                slice(text, span.begin, span.end, unit),
                mention.text,
                "{unit:?}"
            );
        }
        for quote in &response.quotes {
            let span = quote.span.expect("span");
            assert_eq!(
                slice(text, span.begin, span.end, unit),
                quote.text,
                "{unit:?}"
            );
        }
    }
}

fn violation_field(status: &tonic::Status) -> String {
    status
        .get_details_bad_request()
        .expect("INVALID_ARGUMENT carries BadRequest details")
        .field_violations[0]
        .field
        .clone()
}

#[tokio::test]
async fn bad_requests_are_invalid_argument_naming_field_and_limit() {
    let mut limited = settings();
    limited.max_document_bytes = 1000;
    limited.max_batch_documents = 3;
    let server = TestServer::start(limited).await;
    let mut client = server.client().await;

    let status = client
        .analyze(request("e", "   "))
        .await
        .expect_err("empty text");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violation_field(&status), "document.text");

    let status = client
        .analyze(request("big", &"a".repeat(1001)))
        .await
        .expect_err("too big");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("1001 bytes") && status.message().contains("limit is 1000"));
    assert_eq!(violation_field(&status), "document.text");

    let status = client
        .analyze(AnalyzeRequest::default())
        .await
        .expect_err("no document");
    assert_eq!(violation_field(&status), "document");

    let mut req = request("u", "Hello there.");
    req.offset_unit = 42;
    let status = client.analyze(req).await.expect_err("unknown unit");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(violation_field(&status), "offset_unit");

    let mut req = request("h", "Hello there.");
    req.document.as_mut().expect("set").language_hint = "klingon".into();
    let status = client.analyze(req).await.expect_err("unknown hint");
    assert_eq!(violation_field(&status), "document.language_hint");

    let batch = AnalyzeBatchRequest {
        documents: (0..4).map(|i| document(&i.to_string(), "Text.")).collect(),
        ..AnalyzeBatchRequest::default()
    };
    let status = client.analyze_batch(batch).await.expect_err("too many");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("has 4 documents; the limit is 3"));
    assert_eq!(violation_field(&status), "documents");
}

#[tokio::test]
async fn batch_keeps_order_and_isolates_bad_documents() {
    let mut limited = settings();
    limited.max_document_bytes = 100_000;
    let server = TestServer::start(limited).await;
    let mut client = server.client().await;
    let texts = [
        fixture(SEEDS[0]),
        String::new(),
        fixture(SEEDS[1]),
        "x".repeat(100_001),
        fixture(SEEDS[2]),
    ];
    let batch = AnalyzeBatchRequest {
        documents: texts
            .iter()
            .enumerate()
            .map(|(i, t)| document(&format!("d{i}"), t))
            .collect(),
        offset_unit: OffsetUnit::CodePoint as i32,
        ..AnalyzeBatchRequest::default()
    };
    let response = client
        .analyze_batch(batch)
        .await
        .expect("batch runs")
        .into_inner();
    assert_eq!(response.results.len(), 5);
    for (i, result) in response.results.iter().enumerate() {
        assert_eq!(result.index as usize, i);
        assert_eq!(result.id, format!("d{i}"));
        match (&result.outcome, i) {
            (Some(batch_result::Outcome::Analysis(analysis)), 0 | 2 | 4) => {
                assert_eq!(analysis.id, format!("d{i}"));
                assert_eq!(analysis.language.as_ref().expect("language").code, "eng");
            }
            (Some(batch_result::Outcome::Error(error)), 1 | 3) => {
                assert_eq!(error.code, Code::InvalidArgument as i32);
                assert_eq!(error.field, format!("documents[{i}].text"));
            }
            (other, _) => panic!("document {i}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn batch_stream_sends_every_result_with_its_index() {
    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    let mut documents: Vec<_> = (0..12)
        .map(|i| document(&format!("d{i}"), &fixture(SEEDS[i % 3])))
        .collect();
    documents[5].text.clear();
    let batch = AnalyzeBatchRequest {
        documents,
        ..AnalyzeBatchRequest::default()
    };
    let mut stream = client
        .analyze_batch_stream(batch)
        .await
        .expect("starts")
        .into_inner();
    let mut seen = [false; 12];
    while let Some(item) = stream.next().await {
        let item = item.expect("stream item");
        let i = item.sequence as usize;
        assert_eq!(item.id, format!("d{i}"));
        assert!(!seen[i], "each document answered once");
        seen[i] = true;
        match item.outcome.expect("an outcome") {
            analyze_stream_response::Outcome::Analysis(_) => assert_ne!(i, 5),
            analyze_stream_response::Outcome::Error(error) => {
                assert_eq!((i, error.code), (5, Code::InvalidArgument as i32));
            }
        }
    }
    assert!(seen.iter().all(|&s| s));
}

#[tokio::test]
async fn bidirectional_stream_answers_each_request_with_id_and_sequence() {
    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    let requests: Vec<AnalyzeRequest> = (0..20)
        .map(|i| {
            let text = if i == 7 {
                String::new()
            } else {
                fixture(SEEDS[i % 3])
            };
            request(&format!("r{i}"), &text)
        })
        .collect();
    let mut responses = client
        .analyze_stream(futures::stream::iter(requests))
        .await
        .expect("stream opens")
        .into_inner();
    let mut count = 0;
    while let Some(item) = responses.next().await {
        let item = item.expect("stream item");
        assert_eq!(item.id, format!("r{}", item.sequence));
        let is_error = matches!(
            item.outcome,
            Some(analyze_stream_response::Outcome::Error(_))
        );
        assert_eq!(is_error, item.sequence == 7);
        count += 1;
    }
    assert_eq!(count, 20);
}

static FLOW_ANALYSES: AtomicUsize = AtomicUsize::new(0);

/// Returns a quote as long as the text, so that each answer is as large as its document.
fn echo_quote(text: &str, _: &Options) -> Result<Analysis, AnalysisError> {
    FLOW_ANALYSES.fetch_add(1, Ordering::SeqCst);
    let mut analysis = analysis::analyze("Word.", &Options::default())?;
    analysis.quotes = vec![analysis::Quote {
        span: analysis::Span::new(0, text.len()),
        kind: analysis::QuoteKind::Direct,
        speaker: None,
        cue: None,
        confidence: 1.0,
    }];
    analysis.entities.clear();
    Ok(analysis)
}

#[tokio::test]
async fn a_client_that_stops_reading_stops_the_server_reading() {
    let server = TestServer::start_with(settings(), echo_quote).await;
    let mut client = server.client().await;
    const TOTAL: usize = 400;
    let text = "a".repeat(64 * 1024);
    let pulled = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let requests = futures::stream::iter(0..TOTAL).map(move |i| {
        counter.fetch_add(1, Ordering::SeqCst);
        request(&i.to_string(), &text)
    });
    let mut responses = client
        .analyze_stream(requests)
        .await
        .expect("opens")
        .into_inner();

    // Not reading: the server fills the transport's windows and then stops pulling requests.
    let mut analysed = FLOW_ANALYSES.load(Ordering::SeqCst);
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = FLOW_ANALYSES.load(Ordering::SeqCst);
        if now == analysed && now > 0 {
            break;
        }
        analysed = now;
    }
    assert_eq!(
        FLOW_ANALYSES.load(Ordering::SeqCst),
        analysed,
        "the server stalled"
    );
    assert!(
        analysed < TOTAL / 2,
        "analysed {analysed} of {TOTAL} unread"
    );
    let pulled_early = pulled.load(Ordering::SeqCst);
    assert!(
        pulled_early < TOTAL / 2,
        "the client sent {pulled_early} of {TOTAL}"
    );
    eprintln!("stalled after {analysed} analyses, {pulled_early} requests sent");

    // Reading again drains everything.
    let mut count = 0;
    while let Some(item) = responses.next().await {
        item.expect("stream item");
        count += 1;
    }
    assert_eq!(count, TOTAL);
}

static SLOW_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Sleeps for texts starting with "slow", panics for texts starting with "panic", counts the
/// analyses of texts starting with "count".
fn scripted(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
    if text.starts_with("slow") {
        std::thread::sleep(Duration::from_millis(800));
    }
    if text.starts_with("panic") {
        panic!("scripted failure");
    }
    if text.starts_with("count") {
        SLOW_CALLS.fetch_add(1, Ordering::SeqCst);
    }
    analysis::analyze(text, options)
}

#[tokio::test]
async fn a_panic_fails_only_its_own_document() {
    let server = TestServer::start_with(settings(), scripted).await;
    let mut client = server.client().await;
    let batch = AnalyzeBatchRequest {
        documents: vec![
            document("a", "Fine text here."),
            document("b", "panic now"),
            document("c", "Fine text too."),
        ],
        ..AnalyzeBatchRequest::default()
    };
    let response = client
        .analyze_batch(batch)
        .await
        .expect("batch runs")
        .into_inner();
    let codes: Vec<i32> = response
        .results
        .iter()
        .map(|r| match &r.outcome {
            Some(batch_result::Outcome::Error(e)) => e.code,
            _ => 0,
        })
        .collect();
    assert_eq!(codes, [0, Code::Internal as i32, 0]);
    let status = client
        .analyze(request("p", "panic again"))
        .await
        .expect_err("panics");
    assert_eq!(status.code(), Code::Internal);
    client
        .analyze(request("ok", "Still serving."))
        .await
        .expect("the server carries on");
}

#[tokio::test]
async fn deadlines_are_honoured_and_cancelled_work_never_runs() {
    let mut one_worker = settings();
    one_worker.workers = 1;
    let server = TestServer::start_with(one_worker, scripted).await;
    let mut slow_client = server.client().await;
    let mut client = server.client().await;
    let slow = tokio::spawn(async move { slow_client.analyze(request("s", "slow text")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut queued = tonic::Request::new(request("c", "count me"));
    queued.set_timeout(Duration::from_millis(200));
    let status = client
        .analyze(queued)
        .await
        .expect_err("deadline passes in the queue");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{status:?}"
    );

    slow.await.expect("task").expect("the slow call completes");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        SLOW_CALLS.load(Ordering::SeqCst),
        0,
        "the cancelled job was skipped"
    );
}

#[tokio::test]
async fn overload_is_resource_exhausted() {
    let mut tiny = settings();
    tiny.workers = 1;
    tiny.max_in_flight = 1;
    tiny.stream_window = 1;
    let server = TestServer::start_with(tiny, scripted).await;
    let mut slow_client = server.client().await;
    let mut client = server.client().await;
    let slow = tokio::spawn(async move { slow_client.analyze(request("s", "slow text")).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let status = client
        .analyze(request("x", "Another text."))
        .await
        .expect_err("full");
    assert_eq!(status.code(), Code::ResourceExhausted);
    slow.await.expect("task").expect("the slow call completes");
    client
        .analyze(request("y", "Room again."))
        .await
        .expect("capacity is back");
}

#[tokio::test]
async fn shutdown_drains_in_flight_calls_and_reports_not_serving() {
    let mut settings = settings();
    settings.grace_period = Duration::from_secs(3);
    let mut server = TestServer::start_with(settings, scripted).await;
    let channel = tonic::transport::Channel::from_shared(server.url())
        .expect("url")
        .connect()
        .await
        .expect("connects");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let mut watch = health
        .watch(tonic_health::pb::HealthCheckRequest {
            service: "docsift.v1.Analyzer".into(),
        })
        .await
        .expect("watch opens")
        .into_inner();
    let first = watch.next().await.expect("an update").expect("ok");
    assert_eq!(
        first.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    let mut client = proto::analyzer_client::AnalyzerClient::new(channel);
    let in_flight = tokio::spawn(async move { client.analyze(request("s", "slow drain")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.signal_stop();

    let next = watch.next().await.expect("an update").expect("ok");
    assert_eq!(
        next.status,
        tonic_health::pb::health_check_response::ServingStatus::NotServing as i32
    );
    let response = in_flight
        .await
        .expect("task")
        .expect("the in-flight call completes");
    assert_eq!(response.into_inner().id, "s");
    server.stop().await.expect("stops within the grace period");
}

#[tokio::test]
async fn get_info_describes_versions_languages_and_limits() {
    let mut limited = settings();
    limited.max_batch_documents = 7;
    let server = TestServer::start(limited).await;
    let mut client = server.client().await;
    let info = client
        .get_info(GetInfoRequest {})
        .await
        .expect("info")
        .into_inner();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.engine_version, analysis::ENGINE_VERSION);
    assert!(
        info.languages
            .iter()
            .any(|l| l.code == "eng" && l.bcp47 == "en")
    );
    assert!(info.languages.len() >= 60);
    assert_eq!(info.limits.expect("limits").max_batch_documents, 7);
    assert!(info.cache.is_some());
}

#[tokio::test]
async fn compressed_calls_work_both_ways() {
    let server = TestServer::start(settings()).await;
    for encoding in [
        tonic::codec::CompressionEncoding::Gzip,
        tonic::codec::CompressionEncoding::Zstd,
    ] {
        let mut client = server
            .client()
            .await
            .send_compressed(encoding)
            .accept_compressed(encoding);
        let response = client
            .analyze(request("z", &fixture(SEEDS[1])))
            .await
            .expect("analyses");
        assert_eq!(response.into_inner().id, "z");
    }
}

#[tokio::test]
async fn a_bearer_token_guards_the_analyzer_but_not_health() {
    let mut guarded = settings();
    guarded.auth_token = Some("s3cret".into());
    let server = TestServer::start(guarded).await;
    let mut client = server.client().await;
    let status = client
        .analyze(request("a", "Hello."))
        .await
        .expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut with_token = tonic::Request::new(request("a", "Hello."));
    with_token
        .metadata_mut()
        .insert("authorization", "Bearer s3cret".parse().expect("ascii"));
    client
        .analyze(with_token)
        .await
        .expect("the token is accepted");
    let channel = tonic::transport::Channel::from_shared(server.url())
        .expect("url")
        .connect()
        .await
        .expect("connects");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("probes need no token");
}

#[tokio::test]
async fn serves_on_a_unix_domain_socket() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("docsift.sock");
    let mut settings = settings();
    settings.listen = docsift::config::ListenAddr::Unix(path.clone());
    let listener = docsift::server::Listener::bind(&settings.listen)
        .await
        .expect("binds");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(docsift::server::serve(settings, listener, async {
        let _ = stopped.await;
    }));
    let socket = path.clone();
    let channel = tonic::transport::Endpoint::try_from("http://[::]:50051")
        .expect("endpoint")
        .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
            let socket = socket.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(socket).await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
            }
        }))
        .await
        .expect("connects over the socket");
    let mut client = proto::analyzer_client::AnalyzerClient::new(channel);
    let response = client
        .analyze(request("uds", &fixture(SEEDS[2])))
        .await
        .expect("analyses");
    let entities = response.into_inner().entities;
    assert!(
        entities
            .iter()
            .any(|e| e.r#type != EntityType::Unspecified as i32)
    );
    let _ = stop.send(());
    server.await.expect("task").expect("clean stop");
    assert!(!path.exists(), "the socket file is removed on stop");
}
