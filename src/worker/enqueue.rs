//! `docsift enqueue`: publishes documents from JSON Lines into the stream, each as an
//! `AnalyzeRequest` in protobuf, with a bounded number of publishes awaiting JetStream's
//! confirmation and progress on standard error.

use std::io::BufRead;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use async_nats::jetstream;
use clap::Args;
use futures::StreamExt;
use prost::Message as _;

use super::config::QueueArgs;
use super::queue;
use crate::proto;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Flags of `docsift enqueue`.
#[derive(Debug, Clone, Args)]
pub struct EnqueueArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// JSON Lines files, `{"id": ..., "text": ..., "language_hint": ...}` a line (as `analyze
    /// --jsonl` reads them); `-` or none reads standard input.
    pub files: Vec<PathBuf>,
    /// Unit of the offsets in the analyses: utf8, utf16 or code-point.
    #[arg(long, default_value = "utf8", value_parser = offset_unit)]
    pub offsets: proto::OffsetUnit,
    /// Features to compute, comma-separated (all when none is named).
    #[arg(long, value_delimiter = ',', value_parser = ["entities", "quotes", "language"])]
    pub features: Vec<String>,
    /// Publishes awaiting JetStream's confirmation at once.
    #[arg(long, default_value_t = 256)]
    pub max_pending: usize,
}

fn offset_unit(name: &str) -> Result<proto::OffsetUnit, String> {
    proto::OffsetUnit::from_str_name(&name.to_ascii_uppercase().replace('-', "_"))
        .ok_or_else(|| format!("{name:?} is not utf8, utf16 or code-point"))
}

/// One line of the input, as `analyze --jsonl` reads it.
#[derive(serde::Deserialize)]
struct Line {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    language_hint: Option<String>,
}

/// What an enqueue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Enqueued {
    /// Documents stored in the stream.
    pub published: u64,
    /// Documents the stream already had (an earlier run of the same file, within the stream's
    /// duplicate window).
    pub duplicates: u64,
    /// Lines that are not a document (reported on standard error, then skipped).
    pub skipped: u64,
}

/// Publishes every document of the files; a bad line is reported and skipped.
pub async fn enqueue(args: &EnqueueArgs) -> Result<Enqueued, BoxError> {
    let client = queue::connect(&args.queue.nats_url, "docsift-enqueue", false).await?;
    let context = jetstream::new(client.clone());
    queue::ensure_stream(&context, &args.queue).await?;
    let features = (!args.features.is_empty()).then(|| proto::Features {
        entities: args.features.iter().any(|f| f == "entities"),
        quotes: args.features.iter().any(|f| f == "quotes"),
        language: args.features.iter().any(|f| f == "language"),
    });
    let mut tally = Enqueued::default();
    let skipped = std::cell::Cell::new(0);
    let started = Instant::now();
    let mut reported = Instant::now();
    let requests = lines(&args.files)?.filter_map(|(place, line)| {
        let line = line
            .map_err(|e| e.to_string())
            .and_then(|line| serde_json::from_str::<Line>(&line).map_err(|e| e.to_string()));
        match line {
            Ok(line) => Some(proto::AnalyzeRequest {
                document: Some(proto::Document {
                    id: match line.id {
                        Some(serde_json::Value::String(id)) => id,
                        Some(serde_json::Value::Null) | None => place,
                        Some(other) => other.to_string(),
                    },
                    text: line.text,
                    language_hint: line.language_hint.unwrap_or_default(),
                }),
                features,
                offset_unit: args.offsets as i32,
                skip_cache: false,
            }),
            Err(error) => {
                eprintln!("docsift enqueue: {place}: {error}; skipped");
                skipped.set(skipped.get() + 1);
                None
            }
        }
    });
    let mut results = futures::stream::iter(requests)
        .map(|request| publish(&context, &args.queue.subject, request))
        .buffer_unordered(args.max_pending.max(1));
    while let Some(result) = results.next().await {
        match result? {
            true => tally.duplicates += 1,
            false => tally.published += 1,
        }
        tally.skipped = skipped.get();
        if reported.elapsed() >= Duration::from_secs(1) {
            reported = Instant::now();
            progress(&tally, started);
        }
    }
    tally.skipped = skipped.get();
    client.flush().await?;
    progress(&tally, started);
    Ok(tally)
}

fn progress(tally: &Enqueued, started: Instant) {
    let done = tally.published + tally.duplicates;
    eprintln!(
        "docsift enqueue: {} published, {} already in the stream, {} skipped ({:.0} documents/s)",
        tally.published,
        tally.duplicates,
        tally.skipped,
        done as f64 / started.elapsed().as_secs_f64().max(1e-3)
    );
}

/// Publishes one document and waits for JetStream to store it, retrying with backoff (its
/// `Nats-Msg-Id` makes a retry of a publish that did land a duplicate, which JetStream drops).
/// Returns whether the stream had it already.
async fn publish(
    context: &jetstream::Context,
    subject: &str,
    request: proto::AnalyzeRequest,
) -> Result<bool, BoxError> {
    let payload = bytes::Bytes::from(request.encode_to_vec());
    let mut headers = HeaderMap::new();
    headers.insert(queue::CONTENT_TYPE, queue::PROTOBUF);
    headers.insert(queue::MSG_ID, queue::document_id(&payload));
    let mut attempt = 0;
    loop {
        let confirmed = async {
            let ack = context
                .publish_with_headers(subject.to_owned(), headers.clone(), payload.clone())
                .await?
                .await?;
            Ok::<_, BoxError>(ack)
        };
        match confirmed.await {
            Ok(ack) => return Ok(ack.duplicate),
            Err(error) if attempt < 8 => {
                tracing::warn!(%error, attempt, "publish not confirmed; retrying");
                tokio::time::sleep(queue::backoff(attempt)).await;
                attempt += 1;
            }
            Err(error) => return Err(format!("publish to {subject}: {error}").into()),
        }
    }
}

/// The lines of the files (standard input for none or `-`), each with its place (`file:line`).
fn lines(
    files: &[PathBuf],
) -> Result<impl Iterator<Item = (String, std::io::Result<String>)>, BoxError> {
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    let mut readers: Vec<(String, Box<dyn BufRead>)> = Vec::new();
    for path in files {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(std::io::BufReader::new(std::io::stdin()))
        } else {
            let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Box::new(std::io::BufReader::new(file))
        };
        readers.push((path.display().to_string(), reader));
    }
    Ok(readers.into_iter().flat_map(|(name, reader)| {
        reader
            .lines()
            .enumerate()
            .map(move |(number, line)| (format!("{name}:{}", number + 1), line))
            .filter(|(_, line)| !matches!(line, Ok(l) if l.trim().is_empty()))
    }))
}
