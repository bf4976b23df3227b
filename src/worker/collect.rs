//! `docsift collect`: reads the analyses (or the dead letters) from the stream into JSON Lines
//! on standard output, through a durable consumer, acknowledging each once it is written.
//!
//! JetStream's duplicate window keeps a republished analysis out of the stream; collect also
//! skips an analysis whose `Nats-Msg-Id` it has written already in this run, which covers a
//! result republished after a restart of the NATS server lost the window's memory.

use std::collections::HashSet;
use std::io::Write;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use clap::Args;
use futures::StreamExt;
use prost::Message as _;

use super::config::QueueArgs;
use super::queue;
use crate::proto;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Flags of `docsift collect`.
#[derive(Debug, Clone, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// Stop after this many analyses (exit status 1 if fewer came before --idle).
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop when nothing has arrived for this long.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub idle: Duration,
    /// Read the dead letters (documents that could not be analysed, with their errors) instead
    /// of the analyses.
    #[arg(long)]
    pub dead_letters: bool,
    /// The durable consumer to read through; default `docsift-collect`, or
    /// `docsift-dead-letters` with --dead-letters.
    #[arg(long)]
    pub durable: Option<String>,
}

/// Writes the analyses (or dead letters) as JSON Lines to `out`; returns how many.
pub async fn collect(args: &CollectArgs, out: &mut impl Write) -> Result<u64, BoxError> {
    let client = queue::connect(&args.queue.nats_url, "docsift-collect", false).await?;
    let context = jetstream::new(client.clone());
    let stream = queue::ensure_stream(&context, &args.queue).await?;
    let (subject, durable) = if args.dead_letters {
        (&args.queue.dead_letter_subject, "docsift-dead-letters")
    } else {
        (&args.queue.out_subject, "docsift-collect")
    };
    let durable = args.durable.as_deref().unwrap_or(durable);
    let consumer =
        queue::ensure_consumer(&stream, durable, subject, Duration::from_secs(30), -1).await?;

    let mut seen = HashSet::new();
    let mut written = 0u64;
    let mut last_arrival = Instant::now();
    let mut reported = Instant::now();
    let wanted = args.count.unwrap_or(u64::MAX);
    while written < wanted && last_arrival.elapsed() < args.idle {
        let batch = (wanted - written).min(256) as usize;
        let mut messages = match consumer
            .batch()
            .max_messages(batch)
            .expires(Duration::from_secs(1))
            .messages()
            .await
        {
            Ok(messages) => messages,
            Err(error) => {
                tracing::warn!(%error, "fetching from the stream");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let mut taken = Vec::new();
        while let Some(message) = messages.next().await {
            match message {
                Ok(message) => taken.push(message),
                Err(error) => tracing::warn!(%error, "fetching from the stream"),
            }
        }
        if taken.is_empty() {
            continue;
        }
        last_arrival = Instant::now();
        for message in &taken {
            let id = message
                .headers
                .as_ref()
                .and_then(|h| h.get(queue::MSG_ID))
                .map(|v| v.as_str().to_owned());
            if id.is_some_and(|id| !seen.insert(id)) {
                continue;
            }
            let line = if args.dead_letters {
                dead_letter_line(message)
            } else {
                analysis_line(message)?
            };
            writeln!(out, "{line}")?;
            written += 1;
        }
        // Written before acknowledged: a collect that dies here loses nothing.
        out.flush()?;
        for message in &taken {
            if let Err(error) = message.ack().await {
                tracing::warn!(%error, "acknowledgement not sent");
            }
        }
        if reported.elapsed() >= Duration::from_secs(1) {
            reported = Instant::now();
            eprintln!("docsift collect: {written} written");
        }
    }
    client.flush().await?;
    eprintln!("docsift collect: {written} written");
    if let Some(count) = args.count
        && written < count
    {
        return Err(format!(
            "{written} of {count} collected; nothing arrived for {}",
            humantime::format_duration(args.idle)
        )
        .into());
    }
    Ok(written)
}

/// An analysis as canonical protobuf JSON (what `docsift analyze` prints).
fn analysis_line(message: &jetstream::Message) -> Result<String, BoxError> {
    let response = proto::AnalyzeResponse::decode(message.payload.as_ref()).map_err(|e| {
        format!(
            "a message on {} is not an AnalyzeResponse: {e}",
            message.subject
        )
    })?;
    Ok(serde_json::to_string(&response)?)
}

/// A dead letter: the error from its headers and the document as it was sent.
fn dead_letter_line(message: &jetstream::Message) -> String {
    let header = |name: &str| {
        message
            .headers
            .as_ref()
            .and_then(|h| h.get(name))
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default()
    };
    let number = |name: &str| header(name).parse::<i64>().unwrap_or_default();
    serde_json::json!({
        "sequence": number(queue::STREAM_SEQUENCE),
        "deliveries": number(queue::DELIVERIES),
        "code": number(queue::ERROR_CODE),
        "field": header(queue::ERROR_FIELD),
        "error": header(queue::ERROR),
        "contentType": header(queue::CONTENT_TYPE),
        "payload": String::from_utf8_lossy(&message.payload),
    })
    .to_string()
}
