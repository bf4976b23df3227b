//! A load generator for a docsift server: many concurrent clients sending documents, with
//! throughput and latency percentiles printed at the end. Bounded in requests and time, and only
//! ever aimed at the address given (loopback by default).
//!
//! ```sh
//! cargo run --release --bin docsift-load -- --spawn --concurrency 32 --duration 10s
//! cargo run --release --bin docsift-load -- --addr 127.0.0.1:50051 --mode stream --distinct 0
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use docsift::proto::analyzer_client::AnalyzerClient;
use docsift::proto::{AnalyzeRequest, Document};
use futures::StreamExt;
use tokio::sync::Mutex;

#[derive(Parser)]
#[command(about = "Load generator for a docsift server")]
struct Args {
    /// Server address (HOST:PORT). Ignored with --spawn.
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: String,
    /// Start a server in this process on a free loopback port and load it.
    #[arg(long)]
    spawn: bool,
    /// With --spawn: the in-process cache bound in bytes (0 = off).
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    cache_max_bytes: u64,
    /// Concurrent callers (unary) or streams (stream).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// How long to run.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Stop after this many requests in all.
    #[arg(long, default_value_t = 1_000_000)]
    max_requests: usize,
    /// Unary Analyze calls, or documents over AnalyzeStream.
    #[arg(long, value_enum, default_value = "unary")]
    mode: Mode,
    /// Documents to send, cycled (default: the seed articles).
    #[arg(long)]
    files: Vec<PathBuf>,
    /// 1: every request repeats one of the documents (cache hits after the first); 0: every
    /// request's text is distinct (a miss every time); N: every Nth request repeats.
    #[arg(long, default_value_t = 1)]
    distinct: usize,
    #[command(flatten)]
    tls: docsift::tls::ClientTlsArgs,
    /// Unary mode: offer at most this many requests a second in all (an open-loop load, for
    /// soaks at a fraction of capacity); 0 sends as fast as the callers can.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Sample the resident memory of this process (the server's PID; with --spawn, this
    /// process) twice a second and report its start, peak and end.
    #[arg(long)]
    watch_pid: Option<u32>,
    /// Unary mode: send this metadata with every call, as KEY=VALUE (repeatable), e.g. a
    /// `traceparent` to measure what joining a caller's trace costs.
    #[arg(long, value_parser = parse_metadata)]
    metadata: Vec<Metadata>,
}

/// One metadata entry a call carries.
type Metadata = (
    tonic::metadata::AsciiMetadataKey,
    tonic::metadata::AsciiMetadataValue,
);

fn parse_metadata(pair: &str) -> Result<Metadata, String> {
    let (key, value) = pair
        .split_once('=')
        .ok_or_else(|| format!("--metadata {pair:?}: expected KEY=VALUE"))?;
    let key = key
        .parse()
        .map_err(|e| format!("--metadata key {key:?}: {e}"))?;
    let value = value
        .parse()
        .map_err(|e| format!("--metadata value {value:?}: {e}"))?;
    Ok((key, value))
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Mode {
    Unary,
    Stream,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    /// By status code: how long each refusal or failure took.
    errors: std::collections::BTreeMap<String, Vec<Duration>>,
    bytes: u64,
    cache_hits: u64,
}

impl Tally {
    fn error(&mut self, code: impl std::fmt::Debug, latency: Duration) {
        self.errors
            .entry(format!("{code:?}"))
            .or_default()
            .push(latency);
    }
}

/// Resident memory of a process in KiB, from /proc.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Samples resident memory until the load ends, printing it once a minute (a soak shows
/// whether it stays flat): (first, peak, last) in KiB.
async fn watch_memory(pid: u32, done: Arc<std::sync::atomic::AtomicBool>) -> (u64, u64, u64) {
    let (mut first, mut peak, mut last) = (None, 0, 0);
    let started = Instant::now();
    let mut next_report = Duration::from_secs(60);
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        if let Some(kib) = resident_kib(pid) {
            first.get_or_insert(kib);
            peak = peak.max(kib);
            last = kib;
        }
        if started.elapsed() >= next_report {
            println!(
                "resident at {:>4}s: {:.1} MiB",
                next_report.as_secs(),
                last as f64 / 1024.0
            );
            next_report += Duration::from_secs(60);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    (first.unwrap_or_default(), peak, last)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args = Args::parse();
    let texts = Arc::new(load_texts(&args.files)?);
    let (addr, _server) = if args.spawn {
        let mut settings = docsift::config::ServeArgs::default().settings()?;
        settings.listen = "127.0.0.1:0".parse()?;
        settings.cache.max_bytes = args.cache_max_bytes;
        let listener = docsift::server::Listener::bind(&settings.listen).await?;
        let addr = listener.local_addr();
        let handle = tokio::spawn(docsift::server::serve(
            settings,
            listener,
            std::future::pending(),
        ));
        (addr, Some(handle))
    } else {
        (args.addr.clone(), None)
    };
    let channel = args.tls.endpoint(&addr)?.connect().await?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let deadline = Instant::now() + args.duration;
    let started = Instant::now();
    let watched = args
        .watch_pid
        .or(args.spawn.then(std::process::id))
        .map(|pid| {
            let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
            (tokio::spawn(watch_memory(pid, done.clone())), done)
        });
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let client = AnalyzerClient::new(channel.clone()).max_decoding_message_size(usize::MAX);
        let (texts, tally, counter) = (texts.clone(), tally.clone(), counter.clone());
        let (mode, distinct, max) = (args.mode, args.distinct, args.max_requests);
        let rate = args.rate;
        let metadata = args.metadata.clone();
        tasks.push(tokio::spawn(async move {
            let next = move || {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (n < max && Instant::now() < deadline).then(|| request(&texts, n, distinct))
            };
            let pace = (rate > 0.0).then_some((started, rate));
            match mode {
                Mode::Unary => unary(client, next, tally, pace, &metadata).await,
                Mode::Stream => stream(client, next, tally).await,
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    report(&*tally.lock().await, elapsed);
    if let Some((watcher, done)) = watched {
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let (first, peak, last) = watcher.await?;
        println!(
            "resident:    start {:.1} MiB  peak {:.1} MiB  end {:.1} MiB",
            first as f64 / 1024.0,
            peak as f64 / 1024.0,
            last as f64 / 1024.0
        );
    }
    Ok(())
}

fn load_texts(files: &[PathBuf]) -> Result<Vec<String>, BoxError> {
    let files: Vec<PathBuf> = if files.is_empty() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        seeds.sort();
        seeds
    } else {
        files.to_vec()
    };
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()).into()))
        .collect()
}

fn request(texts: &[String], n: usize, distinct: usize) -> AnalyzeRequest {
    let base = &texts[n % texts.len()];
    let repeat = distinct == 1 || (distinct > 1 && n.is_multiple_of(distinct));
    let text = if repeat {
        base.clone()
    } else {
        format!("{base}\n\nRequest {n}.")
    };
    AnalyzeRequest {
        document: Some(Document {
            id: n.to_string(),
            text,
            language_hint: String::new(),
        }),
        ..AnalyzeRequest::default()
    }
}

async fn unary(
    mut client: AnalyzerClient<tonic::transport::Channel>,
    mut next: impl FnMut() -> Option<AnalyzeRequest>,
    tally: Arc<Mutex<Tally>>,
    pace: Option<(Instant, f64)>,
    metadata: &[Metadata],
) {
    while let Some(request) = next() {
        if let Some((started, rate)) = pace {
            // Request n is due n/rate seconds after the start, whoever sends it.
            let n: f64 = request
                .document
                .as_ref()
                .map_or(0.0, |d| d.id.parse().unwrap_or_default());
            tokio::time::sleep_until((started + Duration::from_secs_f64(n / rate)).into()).await;
        }
        let bytes = request.document.as_ref().map_or(0, |d| d.text.len()) as u64;
        let mut request = tonic::Request::new(request);
        for (key, value) in metadata {
            request.metadata_mut().insert(key.clone(), value.clone());
        }
        let start = Instant::now();
        let result = client.analyze(request).await;
        let latency = start.elapsed();
        let mut tally = tally.lock().await;
        match result {
            Ok(response) => {
                tally.latencies.push(latency);
                tally.bytes += bytes;
                tally.cache_hits += u64::from(response.into_inner().cache_hit);
            }
            Err(status) => tally.error(status.code(), latency),
        }
    }
}

async fn stream(
    mut client: AnalyzerClient<tonic::transport::Channel>,
    mut next: impl FnMut() -> Option<AnalyzeRequest> + Send + 'static,
    tally: Arc<Mutex<Tally>>,
) {
    let sent: Arc<std::sync::Mutex<Vec<(Instant, u64)>>> = Arc::default();
    let sent_log = sent.clone();
    let requests = futures::stream::poll_fn(move |_| {
        std::task::Poll::Ready(next().inspect(|request| {
            let bytes = request.document.as_ref().map_or(0, |d| d.text.len()) as u64;
            sent_log
                .lock()
                .expect("not poisoned")
                .push((Instant::now(), bytes));
        }))
    });
    let mut responses = match client.analyze_stream(requests).await {
        Ok(response) => response.into_inner(),
        Err(status) => {
            tally.lock().await.error(status.code(), Duration::ZERO);
            return;
        }
    };
    while let Some(item) = responses.next().await {
        let mut tally = tally.lock().await;
        match item {
            Ok(item) => {
                let (start, bytes) = sent.lock().expect("not poisoned")[item.sequence as usize];
                match item.outcome {
                    Some(docsift::proto::analyze_stream_response::Outcome::Analysis(a)) => {
                        tally.latencies.push(start.elapsed());
                        tally.bytes += bytes;
                        tally.cache_hits += u64::from(a.cache_hit);
                    }
                    _ => tally.error("document error", start.elapsed()),
                }
            }
            Err(status) => {
                tally.error(status.code(), Duration::ZERO);
                break;
            }
        }
    }
}

/// The `p` quantile of sorted latencies.
fn quantile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1))
        .copied()
        .unwrap_or_default()
}

fn report(tally: &Tally, elapsed: Duration) {
    let mut latencies = tally.latencies.clone();
    latencies.sort();
    let percentile = |p: f64| quantile(&latencies, p);
    let seconds = elapsed.as_secs_f64();
    println!("requests ok: {} in {:.2}s", latencies.len(), seconds);
    println!(
        "throughput:  {:.0} docs/s, {:.2} MB/s of text",
        latencies.len() as f64 / seconds,
        tally.bytes as f64 / seconds / 1e6
    );
    println!(
        "latency:     p50 {:?}  p90 {:?}  p99 {:?}  max {:?}",
        percentile(0.50),
        percentile(0.90),
        percentile(0.99),
        latencies.last().copied().unwrap_or_default()
    );
    println!("cache hits:  {}", tally.cache_hits);
    for (code, latencies) in &tally.errors {
        let mut latencies = latencies.clone();
        latencies.sort();
        println!(
            "errors:      {code}: {}  (answered in p50 {:?}  p99 {:?}  max {:?})",
            latencies.len(),
            quantile(&latencies, 0.50),
            quantile(&latencies, 0.99),
            latencies.last().copied().unwrap_or_default()
        );
    }
}
