//! A real `nats-server -js` per test (a free loopback port, a temporary store directory),
//! docsift worker processes, and a corpus of distinct documents made from the seed articles.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream;

/// A nats-server with JetStream, stopped when dropped.
pub struct NatsServer {
    pub port: u16,
    store: tempfile::TempDir,
    child: Option<Child>,
}

impl NatsServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts a server on `port` (which may have had no server yet).
    pub fn start_on(port: u16) -> Self {
        let mut server = Self {
            port,
            store: tempfile::tempdir().expect("a temporary store directory"),
            child: None,
        };
        server.launch();
        server
    }

    fn launch(&mut self) {
        let child = Command::new("nats-server")
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(self.store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (scripts/test installs the Debian package nats-server)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Stops the server abruptly (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same store.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// A `docsift work` process, killed when dropped.
pub struct WorkerProcess {
    child: Child,
}

impl WorkerProcess {
    pub fn start(nats_url: &str, extra: &[&str]) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_docsift"))
            .args(["work", "--nats-url", nats_url, "--listen", "127.0.0.1:0"])
            .args(["--workers", "1", "--ack-wait", "2s"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("docsift work starts");
        Self { child }
    }

    pub fn sigkill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited cleanly.
    pub fn sigterm(&mut self) -> bool {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        self.child.wait().expect("the worker exits").success()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count` distinct documents, `{"id", "text"}` a line: paragraphs of the seed articles,
/// chosen and ordered differently for each, behind a line that names the document.
pub fn corpus(count: usize) -> Vec<(String, String)> {
    let paragraphs: Vec<String> = common_seeds()
        .iter()
        .flat_map(|seed| {
            seed.split("\n\n")
                .map(str::trim)
                .filter(|p| p.len() > 80)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    (0..count)
        .map(|i| {
            let picked: Vec<&str> = (0..3)
                .map(|k| paragraphs[(i * 7 + k * 13) % paragraphs.len()].as_str())
                .collect();
            (
                format!("doc-{i}"),
                format!("Report number {i}.\n\n{}", picked.join("\n\n")),
            )
        })
        .collect()
}

fn common_seeds() -> Vec<String> {
    [
        "000_29c7824f0ca31858.txt",
        "001_99165fd91ff23eaf.txt",
        "002_8928c3dc22c912ee.txt",
    ]
    .iter()
    .map(|name| {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture is readable")
    })
    .collect()
}

/// Writes documents as JSON Lines into `dir`; returns the file.
pub fn write_jsonl(dir: &Path, documents: &[(String, String)]) -> PathBuf {
    let path = dir.join("documents.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    for (id, text) in documents {
        writeln!(file, "{}", serde_json::json!({"id": id, "text": text})).expect("write");
    }
    file.flush().expect("flush");
    path
}

/// Runs `docsift enqueue` on a file.
pub fn enqueue(nats_url: &str, file: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["enqueue", "--nats-url", nats_url])
        .arg(file)
        .output()
        .expect("docsift enqueue runs");
    assert!(
        output.status.success(),
        "enqueue failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `docsift collect` and returns its lines as JSON values.
pub fn collect(nats_url: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["collect", "--nats-url", nats_url, "--idle", "60s"])
        .args(extra)
        .output()
        .expect("docsift collect runs");
    assert!(
        output.status.success(),
        "collect failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// How many times each id occurs among the analyses.
pub fn id_counts(lines: &[serde_json::Value]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for line in lines {
        let id = line["id"].as_str().expect("an id").to_owned();
        *counts.entry(id).or_default() += 1;
    }
    counts
}

/// Asserts that every document has exactly one analysis, with entities found.
pub fn assert_exactly_once(lines: &[serde_json::Value], documents: &[(String, String)]) {
    let counts = id_counts(lines);
    let missing: Vec<&String> = documents
        .iter()
        .map(|(id, _)| id)
        .filter(|id| !counts.contains_key(*id))
        .collect();
    let repeated: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(missing.is_empty(), "missing analyses: {missing:?}");
    assert!(repeated.is_empty(), "analysed more than once: {repeated:?}");
    assert_eq!(lines.len(), documents.len());
    for line in lines {
        assert!(
            line["entities"].as_array().is_some_and(|e| !e.is_empty()),
            "an analysis without entities: {line}"
        );
    }
}

/// The shared consumer's figures: documents delivered at least once, and not yet acknowledged.
pub async fn consumer_info(nats_url: &str, durable: &str) -> jetstream::consumer::Info {
    let client = async_nats::connect(nats_url).await.expect("connect");
    let context = jetstream::new(client);
    let mut consumer: jetstream::consumer::PullConsumer = context
        .get_consumer_from_stream(durable, "DOCSIFT")
        .await
        .expect("the consumer exists");
    consumer.info().await.expect("consumer info").clone()
}

/// Waits until the shared consumer has delivered at least `count` documents.
pub async fn wait_for_deliveries(nats_url: &str, count: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let client = async_nats::connect(nats_url).await.expect("connect");
        let context = jetstream::new(client);
        if let Ok(mut consumer) = context
            .get_consumer_from_stream::<jetstream::consumer::pull::Config, _, _>(
                "docsift-workers",
                "DOCSIFT",
            )
            .await
            && consumer
                .info()
                .await
                .is_ok_and(|info| info.delivered.consumer_sequence >= count)
        {
            return;
        }
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
