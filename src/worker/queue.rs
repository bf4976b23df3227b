//! The queue as JetStream holds it: the connection (retried with backoff for as long as it
//! takes), the stream with its three subjects, the durable consumers, and the identities
//! (`Nats-Msg-Id`) that let JetStream's duplicate window drop a message published twice.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use xxhash_rust::xxh3::Xxh3;

use super::config::QueueArgs;
use crate::analysis::ENGINE_VERSION;
use crate::analysis::text::OffsetUnit;
use crate::cache::CacheKey;

/// Header naming the payload's encoding.
pub const CONTENT_TYPE: &str = "Content-Type";
/// The protobuf encoding of a docsift message (`AnalyzeRequest`, `AnalyzeResponse`).
pub const PROTOBUF: &str = "application/protobuf";
/// The canonical protobuf JSON of a docsift message, as grpcurl writes it.
pub const JSON: &str = "application/json";
/// JetStream's de-duplication header.
pub const MSG_ID: &str = "Nats-Msg-Id";
/// Headers of a dead letter: the error, its gRPC code and field, where the document was.
pub const ERROR: &str = "Docsift-Error";
pub const ERROR_CODE: &str = "Docsift-Error-Code";
pub const ERROR_FIELD: &str = "Docsift-Error-Field";
pub const STREAM_SEQUENCE: &str = "Docsift-Stream-Sequence";
pub const DELIVERIES: &str = "Docsift-Deliveries";

/// Why the queue could not be reached or set up.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("--nats-url {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("stream {stream}: {reason}")]
    Stream { stream: String, reason: String },
    #[error("consumer {consumer}: {reason}")]
    Consumer { consumer: String, reason: String },
}

/// The delay before the `attempt`th retry (from 0): 100 ms doubling up to 5 s.
pub fn backoff(attempt: usize) -> Duration {
    let exponent = attempt.min(6) as u32;
    Duration::from_millis(100 * 2u64.pow(exponent)).min(Duration::from_secs(5))
}

/// The pause before connection attempt `attempt` (async-nats counts from 1, the first attempt
/// of a connection or of a reconnection): none before the first, then [`backoff`] from its
/// start, so that a worker neither waits to make its first connection nor hammers a server
/// that is away.
fn connect_delay(attempt: usize) -> Duration {
    match attempt {
        0 | 1 => Duration::ZERO,
        n => backoff(n - 2),
    }
}

/// Connects to NATS. Reconnections are retried with backoff without limit, and so is the first
/// connection when `wait` is set: a worker started before its NATS server, or outliving a
/// restart of it, waits for it (its health says NOT_SERVING meanwhile) instead of exiting. A
/// command run by hand (`wait` unset) says at once that NATS is unreachable.
pub async fn connect(url: &str, name: &str, wait: bool) -> Result<async_nats::Client, QueueError> {
    let mut options = async_nats::ConnectOptions::new();
    if wait {
        options = options.retry_on_initial_connect();
    }
    options
        .name(name)
        .max_reconnects(None)
        .reconnect_delay_callback(connect_delay)
        .connection_timeout(Duration::from_secs(5))
        .connect(url)
        .await
        .map_err(|error| QueueError::Url {
            url: url.to_owned(),
            reason: error.to_string(),
        })
}

/// The stream, created when missing: file storage, work-queue retention (a document leaves the
/// stream once acknowledged, an analysis once collected), the three subjects. An existing
/// stream must take all three subjects.
pub async fn ensure_stream(
    context: &jetstream::Context,
    queue: &QueueArgs,
) -> Result<stream::Stream, QueueError> {
    let subjects = vec![
        queue.subject.clone(),
        queue.out_subject.clone(),
        queue.dead_letter_subject.clone(),
    ];
    let error = |reason: String| QueueError::Stream {
        stream: queue.stream.clone(),
        reason,
    };
    let mut stream = context
        .get_or_create_stream(stream::Config {
            name: queue.stream.clone(),
            subjects: subjects.clone(),
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            duplicate_window: queue.duplicate_window,
            ..Default::default()
        })
        .await
        .map_err(|e| error(e.to_string()))?;
    let info = stream.info().await.map_err(|e| error(e.to_string()))?;
    let missing: Vec<&String> = subjects
        .iter()
        .filter(|s| !info.config.subjects.contains(s))
        .collect();
    if !missing.is_empty() {
        return Err(error(format!(
            "exists without the subject(s) {missing:?} (its subjects: {:?}); add them or \
             name another stream with --stream",
            info.config.subjects
        )));
    }
    Ok(stream)
}

/// A durable pull consumer of `subject`, created when missing with explicit acknowledgement.
pub async fn ensure_consumer(
    stream: &stream::Stream,
    durable: &str,
    subject: &str,
    ack_wait: Duration,
    max_deliver: i64,
) -> Result<consumer::PullConsumer, QueueError> {
    stream
        .get_or_create_consumer(
            durable,
            consumer::pull::Config {
                durable_name: Some(durable.to_owned()),
                filter_subject: subject.to_owned(),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait,
                max_deliver,
                // Every worker bounds its own documents in flight; the fleet is not bounded.
                max_ack_pending: -1,
                ..Default::default()
            },
        )
        .await
        .map_err(|error| QueueError::Consumer {
            consumer: durable.to_owned(),
            reason: error.to_string(),
        })
}

/// The `Nats-Msg-Id` of an analysis: a hash of the engine version and the request's
/// result-changing options and text (the cache key), the document id and the offset unit. The
/// same document analysed twice by the same engine gets the same id, so JetStream keeps one.
pub fn result_id(document_id: &str, key: CacheKey, offset_unit: OffsetUnit) -> String {
    let mut hasher = Xxh3::new();
    hasher.update(ENGINE_VERSION.as_bytes());
    hasher.update(&(document_id.len() as u64).to_le_bytes());
    hasher.update(document_id.as_bytes());
    hasher.update(&key.0.to_le_bytes());
    hasher.update(&[offset_unit as u8]);
    format!("result-{:032x}", hasher.digest128())
}

/// The `Nats-Msg-Id` of an enqueued document: a hash of its encoded request, so that enqueueing
/// a file again after an interruption adds nothing already in the stream.
pub fn document_id(payload: &[u8]) -> String {
    format!("document-{:032x}", xxhash_rust::xxh3::xxh3_128(payload))
}

/// A header value from free text: one line, at most `limit` bytes (NATS headers are lines).
pub fn header_text(text: &str, limit: usize) -> String {
    let mut line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if line.len() > limit {
        let mut end = limit;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line.truncate(end);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;

    #[test]
    fn backoff_grows_to_a_ceiling() {
        assert_eq!(backoff(0), Duration::from_millis(100));
        assert_eq!(backoff(3), Duration::from_millis(800));
        assert_eq!(backoff(50), Duration::from_secs(5));
    }

    #[test]
    fn the_first_connection_attempt_is_not_delayed() {
        assert_eq!(connect_delay(1), Duration::ZERO);
        assert_eq!(connect_delay(2), backoff(0));
        assert_eq!(connect_delay(5), backoff(3));
    }

    #[test]
    fn result_ids_tell_documents_apart() {
        let key = CacheKey::new("Hello.", &Options::default());
        let other = CacheKey::new("Hello!", &Options::default());
        let utf8 = OffsetUnit::Utf8;
        assert_eq!(result_id("a", key, utf8), result_id("a", key, utf8));
        assert_ne!(result_id("a", key, utf8), result_id("b", key, utf8));
        assert_ne!(result_id("a", key, utf8), result_id("a", other, utf8));
        assert_ne!(
            result_id("a", key, utf8),
            result_id("a", key, OffsetUnit::Utf16)
        );
    }

    #[test]
    fn header_text_is_one_bounded_line() {
        assert_eq!(header_text("a\r\nb", 10), "a  b");
        assert_eq!(header_text("ééé", 3), "é");
    }
}
