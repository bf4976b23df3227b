//! The queue worker against a real `nats-server -js`: a corpus job shared by two workers
//! completes with every document analysed exactly once, also when a worker is SIGKILLed or the
//! NATS server restarted mid-run; poison messages land in the dead-letter subject; SIGTERM
//! drains; health follows the connection.

mod nats_support;

use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use async_nats::jetstream;
use docsift::analysis::{self, Analysis, AnalysisError, Options};
use docsift::server::Listener;
use docsift::worker::{QueueArgs, WorkArgs, WorkSettings};
use nats_support::{NatsServer, WorkerProcess};
use tokio::sync::oneshot;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

const DOCUMENTS: usize = 2000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_analyse_every_document_exactly_once() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let documents = nats_support::corpus(DOCUMENTS);
    nats_support::enqueue(
        &nats.url(),
        &nats_support::write_jsonl(dir.path(), &documents),
    );
    let mut workers = [
        WorkerProcess::start(&nats.url(), &[]),
        WorkerProcess::start(&nats.url(), &[]),
    ];
    let count = DOCUMENTS.to_string();
    let lines = nats_support::collect(&nats.url(), &["--count", &count]);
    nats_support::assert_exactly_once(&lines, &documents);
    for worker in &mut workers {
        assert!(worker.sigterm(), "a worker exits cleanly on SIGTERM");
    }
    let info = nats_support::consumer_info(&nats.url(), "docsift-workers").await;
    assert_eq!((info.num_pending, info.num_ack_pending), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_run_loses_nothing_and_duplicates_nothing() {
    let nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let documents = nats_support::corpus(DOCUMENTS);
    nats_support::enqueue(
        &nats.url(),
        &nats_support::write_jsonl(dir.path(), &documents),
    );
    let mut doomed = WorkerProcess::start(&nats.url(), &[]);
    let _survivor = WorkerProcess::start(&nats.url(), &[]);
    nats_support::wait_for_deliveries(&nats.url(), 300).await;
    doomed.sigkill();
    let count = DOCUMENTS.to_string();
    let lines = nats_support::collect(&nats.url(), &["--count", &count]);
    nats_support::assert_exactly_once(&lines, &documents);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nats_server_restarted_mid_run_loses_nothing_and_duplicates_nothing() {
    let mut nats = NatsServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let documents = nats_support::corpus(DOCUMENTS);
    nats_support::enqueue(
        &nats.url(),
        &nats_support::write_jsonl(dir.path(), &documents),
    );
    let _workers = [
        WorkerProcess::start(&nats.url(), &[]),
        WorkerProcess::start(&nats.url(), &[]),
    ];
    nats_support::wait_for_deliveries(&nats.url(), 300).await;
    nats.restart();
    let count = DOCUMENTS.to_string();
    let lines = nats_support::collect(&nats.url(), &["--count", &count]);
    nats_support::assert_exactly_once(&lines, &documents);
}

/// Panics on a document that asks for it, as a bug in the analysis would.
fn analyze_or_panic(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
    if text.contains("PANIC") {
        panic!("the analysis fell over");
    }
    if text.contains("SLOW") {
        std::thread::sleep(Duration::from_millis(300));
    }
    analysis::analyze(text, options)
}

/// A worker in this process, on a free port for its health.
struct InProcessWorker {
    health: String,
    stop: Option<oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<Result<(), docsift::worker::WorkError>>,
}

impl InProcessWorker {
    async fn start(nats_url: &str, flags: &[&str]) -> Self {
        let settings = settings(nats_url, flags);
        let listener = Listener::bind(&settings.serve.listen).await.expect("bind");
        let health = format!("http://{}", listener.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(docsift::worker::work_with(
            settings,
            listener,
            async {
                let _ = stopped.await;
            },
            analyze_or_panic,
        ));
        Self {
            health,
            stop: Some(stop),
            handle,
        }
    }

    async fn health(&self) -> Option<ServingStatus> {
        let channel = tonic::transport::Endpoint::from_shared(self.health.clone())
            .ok()?
            .connect()
            .await
            .ok()?;
        let mut client = HealthClient::new(channel);
        let status = client
            .check(HealthCheckRequest::default())
            .await
            .ok()?
            .into_inner()
            .status;
        ServingStatus::try_from(status).ok()
    }

    async fn wait_for_health(&self, wanted: ServingStatus) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.health().await != Some(wanted) {
            assert!(Instant::now() < deadline, "health never became {wanted:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.handle
            .await
            .expect("the worker task does not panic")
            .expect("the worker stops cleanly");
    }
}

fn settings(nats_url: &str, flags: &[&str]) -> WorkSettings {
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: WorkArgs,
    }
    let cli = <Cli as clap::Parser>::parse_from(
        ["docsift", "--nats-url", nats_url, "--listen", "127.0.0.1:0"]
            .iter()
            .chain(flags),
    );
    cli.args.settings().expect("valid settings")
}

async fn publish(nats_url: &str, content_type: Option<&str>, payload: &str) {
    let client = async_nats::connect(nats_url).await.expect("connect");
    let context = jetstream::new(client);
    docsift::worker::queue::ensure_stream(&context, &queue(nats_url))
        .await
        .expect("the stream");
    let mut headers = HeaderMap::new();
    if let Some(content_type) = content_type {
        headers.insert("Content-Type", content_type);
    }
    context
        .publish_with_headers("docsift.documents", headers, payload.to_owned().into())
        .await
        .expect("publish")
        .await
        .expect("stored");
}

fn queue(nats_url: &str) -> QueueArgs {
    settings(nats_url, &[]).queue
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_messages_go_to_the_dead_letter_subject_once() {
    let nats = NatsServer::start();
    let url = nats.url();
    let good = r#"{"document": {"id": "good", "text": "“We remain friends,” Phay Siphan said."}}"#;
    let long = format!(
        r#"{{"document": {{"id": "long", "text": "{}"}}}}"#,
        "word ".repeat(400)
    );
    publish(&url, None, "{this is not json").await;
    publish(
        &url,
        Some("application/json"),
        r#"{"document": {"id": "empty", "text": " "}}"#,
    )
    .await;
    publish(&url, None, &long).await;
    publish(
        &url,
        None,
        r#"{"document": {"id": "boom", "text": "PANIC now."}}"#,
    )
    .await;
    publish(&url, Some("text/csv"), "a,b").await;
    publish(&url, None, good).await;
    let worker = InProcessWorker::start(&url, &["--max-document-bytes", "1000"]).await;

    let analyses = nats_support::collect(&url, &["--count", "1"]);
    assert_eq!(analyses[0]["id"], "good");
    let dead = nats_support::collect(&url, &["--dead-letters", "--count", "5"]);
    let errors: Vec<(&str, i64)> = dead
        .iter()
        .map(|d| {
            (
                d["error"].as_str().expect("an error"),
                d["code"].as_i64().expect("a code"),
            )
        })
        .collect();
    let has = |prefix: &str, code: i64| {
        errors
            .iter()
            .any(|(e, c)| e.starts_with(prefix) && *c == code)
    };
    assert!(
        has("message: is not an AnalyzeRequest in JSON", 3),
        "{errors:?}"
    );
    assert!(has("document.text: is empty", 3), "{errors:?}");
    assert!(
        has("document.text: is 2000 bytes; the limit is 1000 bytes", 3),
        "{errors:?}"
    );
    assert!(
        has(
            "internal error while analysing the document: the analysis fell over",
            13
        ),
        "{errors:?}"
    );
    assert!(has("Content-Type: \"text/csv\"", 3), "{errors:?}");
    assert!(
        dead.iter().all(|d| d["deliveries"] == 1),
        "terminated, not redelivered: {dead:?}"
    );
    assert!(dead.iter().any(|d| d["payload"] == "{this is not json"));

    // Terminated documents are not redelivered: after the ack wait, nothing is pending.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let info = nats_support::consumer_info(&url, "docsift-workers").await;
    assert_eq!(
        (info.num_pending, info.num_ack_pending, info.num_redelivered),
        (0, 0, 0)
    );
    worker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_and_acks_the_documents_in_flight() {
    let nats = NatsServer::start();
    let url = nats.url();
    for i in 0..40 {
        let text = format!("SLOW report {i}: Phay Siphan spoke in Phnom Penh.");
        let json = serde_json::json!({"document": {"id": format!("slow-{i}"), "text": text}});
        publish(&url, None, &json.to_string()).await;
    }
    let worker = InProcessWorker::start(
        &url,
        &["--workers", "2", "--in-flight", "4", "--batch", "4"],
    )
    .await;
    worker.wait_for_health(ServingStatus::Serving).await;
    nats_support::wait_for_deliveries(&url, 6).await;
    worker.stop().await;
    // Everything delivered was finished and acknowledged before the worker stopped: nothing
    // waits for the ack wait to pass.
    let info = nats_support::consumer_info(&url, "docsift-workers").await;
    assert_eq!(info.num_ack_pending, 0, "{info:?}");
    let done = 40 - info.num_pending;
    assert!(
        (6..40).contains(&done),
        "the drain stopped pulling: {done} done"
    );
    let analyses = nats_support::collect(&url, &["--count", &done.to_string()]);
    assert_eq!(analyses.len() as u64, done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_not_serving_until_nats_is_reachable() {
    let port = nats_support::free_port();
    let url = format!("nats://127.0.0.1:{port}");
    let worker = InProcessWorker::start(&url, &[]).await;
    worker.wait_for_health(ServingStatus::NotServing).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(worker.health().await, Some(ServingStatus::NotServing));
    let _nats = NatsServer::start_on(port);
    worker.wait_for_health(ServingStatus::Serving).await;
    publish(
        &url,
        None,
        r#"{"document": {"id": "late", "text": "Phay Siphan said so."}}"#,
    )
    .await;
    let analyses = nats_support::collect(&url, &["--count", "1"]);
    assert_eq!(analyses[0]["id"], "late");
    worker.stop().await;
}
