//! `docsift work`: pull documents from the shared durable consumer, analyse each (through the
//! same cache, pool and limits as the gRPC service), publish the analysis, and only once
//! JetStream has confirmed it acknowledge the document.
//!
//! What happens to a document, by what went wrong:
//! - nothing: the analysis is published with its `Nats-Msg-Id`, then the document is acked. A
//!   worker that dies in between leaves the document to be redelivered to another worker, whose
//!   identical result JetStream's duplicate window drops.
//! - the document's own fault (malformed, over a limit) or a panic of its analysis: it goes to
//!   the dead-letter subject with the error in headers and is terminated, never redelivered.
//! - the queue's fault (a publish not confirmed, NATS away): the document is nak'ed with a
//!   delay and comes back; on its last allowed delivery it goes to the dead-letter subject.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::pull::{Batch, BatchError};
use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::{self, AckKind};
use futures::StreamExt;
use futures::future::join_all;
use prost::Message as _;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::config::WorkSettings;
use super::health;
use super::message::decode_request;
use super::queue::{self, QueueError};
use crate::cache::{AnalysisCache, CacheKey};
use crate::request::validate::{self, Limits};
use crate::request::workers::{AnalyzeFn, Workers};
use crate::request::{self, ServiceError};
use crate::server::Listener;
use crate::{analysis, proto};

/// How long one pull request waits for documents when the stream has none: also the longest a
/// drain waits for a pull under way.
const PULL_EXPIRES: std::time::Duration = std::time::Duration::from_secs(1);

/// Why a worker could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error("cannot start the analysis workers: {0}")]
    Workers(std::io::Error),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("health service: {0}")]
    Health(#[from] tonic::transport::Error),
}

/// Why a document was not analysed and published.
enum Failure {
    /// The document's fault or its analysis's: retrying cannot help.
    Document(ServiceError),
    /// The queue's or the moment's: a later delivery may succeed.
    Transient(String),
}

impl From<ServiceError> for Failure {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::InvalidArgument { .. } | ServiceError::Internal(_) => {
                Failure::Document(error)
            }
            ServiceError::Overloaded(_) | ServiceError::Cancelled | ServiceError::Unavailable => {
                Failure::Transient(error.to_string())
            }
        }
    }
}

/// Runs a worker until `shutdown` completes, then finishes and acks the documents in flight
/// within the grace period.
pub async fn work(
    settings: WorkSettings,
    listener: Listener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkError> {
    crate::server::warm_up_beside();
    work_with(settings, listener, shutdown, analysis::analyze).await
}

/// [`work`] with another analysis function (tests use this to make an analysis panic).
pub async fn work_with(
    settings: WorkSettings,
    listener: Listener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    analyze: AnalyzeFn,
) -> Result<(), WorkError> {
    let serve = &settings.serve;
    let workers =
        Workers::new(serve.workers, serve.max_in_flight, analyze).map_err(WorkError::Workers)?;
    let cache = AnalysisCache::new(serve.cache.clone()).await;

    let draining = CancellationToken::new();
    tokio::spawn({
        let draining = draining.clone();
        async move {
            shutdown.await;
            draining.cancel();
        }
    });
    let (reporter, health_service) = tonic_health::server::health_reporter();
    reporter
        .set_service_status("", tonic_health::ServingStatus::NotServing)
        .await;
    let health_stop = CancellationToken::new();
    let health_server = tokio::spawn(health::serve(listener, health_service, health_stop.clone()));

    let client = queue::connect(&settings.queue.nats_url, "docsift-worker", true).await?;
    let pulling = Arc::new(AtomicBool::new(false));
    let follower = tokio::spawn(health::follow(
        reporter,
        client.clone(),
        Arc::clone(&pulling),
        draining.clone(),
    ));
    let job = Arc::new(Job {
        context: jetstream::new(client.clone()),
        cache,
        workers,
        limits: Limits {
            max_document_bytes: serve.max_document_bytes,
            max_batch_documents: serve.max_batch_documents,
        },
        out_subject: settings.queue.out_subject.clone(),
        dead_letter_subject: settings.queue.dead_letter_subject.clone(),
        max_deliver: settings.max_deliver,
    });

    let mut attempt = 0;
    let slots = Arc::new(Semaphore::new(settings.in_flight));
    let pull_size = settings.batch.min(settings.in_flight);
    let mut in_flight = JoinSet::new();
    while !draining.is_cancelled() {
        let consumer = match prepare(&job.context, &settings).await {
            Ok(consumer) => consumer,
            Err(error) => {
                warn!(%error, retry_in = ?queue::backoff(attempt), "cannot pull from the queue");
                tokio::select! {
                    () = tokio::time::sleep(queue::backoff(attempt)) => {}
                    () = draining.cancelled() => {}
                }
                attempt += 1;
                continue;
            }
        };
        attempt = 0;
        pulling.store(true, Ordering::Relaxed);
        info!(
            stream = %settings.queue.stream,
            durable = %settings.durable,
            subject = %settings.queue.subject,
            in_flight = settings.in_flight,
            "pulling documents"
        );
        // Pulls only as many documents as there are free slots, so that every document this
        // worker has been given is being analysed: a drain has nothing waiting to give back.
        // A pull waits for a whole batch of free slots; with the default window of four
        // batches, one batch is analysed while those before it are published and acked and
        // the next is pulled.
        loop {
            while in_flight.try_join_next().is_some() {}
            let mut permits = tokio::select! {
                permits = Arc::clone(&slots).acquire_many_owned(pull_size as u32) => {
                    permits.expect("the semaphore is never closed")
                }
                () = draining.cancelled() => break,
            };
            let (messages, failed) = pull(&consumer, pull_size).await;
            if !messages.is_empty() {
                let held = permits
                    .split(messages.len())
                    .expect("no more messages than permits");
                // The slots of documents not delivered are free again.
                drop(permits);
                let job = Arc::clone(&job);
                in_flight.spawn(async move {
                    job.handle(messages).await;
                    drop(held);
                });
            }
            if failed && !draining.is_cancelled() {
                // Set the stream and consumer up again (they may be gone), after a pause.
                tokio::time::sleep(queue::backoff(0)).await;
                break;
            }
        }
        pulling.store(false, Ordering::Relaxed);
    }
    info!(
        grace_period = ?serve.grace_period,
        in_flight = in_flight.len(),
        "draining: finishing the documents in flight"
    );
    let drained = tokio::time::timeout(serve.grace_period, async {
        while in_flight.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        warn!("grace period over: the documents still in flight will be redelivered");
    }
    // Acks are published without waiting; send them before the connection goes.
    if tokio::time::timeout(serve.grace_period, client.flush())
        .await
        .is_err()
    {
        warn!("could not flush the last acknowledgements; those documents will be redelivered");
    }
    follower.abort();
    health_stop.cancel();
    info!("stopped");
    health_server
        .await
        .unwrap_or_else(|error| panic!("the health server task failed: {error}"))?;
    Ok(())
}

/// The stream and the shared consumer, created when missing.
async fn prepare(
    context: &jetstream::Context,
    settings: &WorkSettings,
) -> Result<jetstream::consumer::PullConsumer, QueueError> {
    let stream = queue::ensure_stream(context, &settings.queue).await?;
    queue::ensure_consumer(
        &stream,
        &settings.durable,
        &settings.queue.subject,
        settings.ack_wait,
        settings.max_deliver,
    )
    .await
}

/// Pulls up to `count` documents: those the stream holds now, or, when it holds none, the first
/// to arrive within [`PULL_EXPIRES`]. It never waits for a batch to fill, so a document that
/// arrives alone is not held back. Says also whether the pull failed.
async fn pull(
    consumer: &jetstream::consumer::PullConsumer,
    count: usize,
) -> (Vec<jetstream::Message>, bool) {
    let available = consumer
        .fetch()
        .max_messages(count)
        .expires(PULL_EXPIRES)
        .messages()
        .await;
    let (messages, failed) = receive(available).await;
    if !messages.is_empty() || failed {
        return (messages, failed);
    }
    let next = consumer
        .batch()
        .max_messages(1)
        .expires(PULL_EXPIRES)
        .messages()
        .await;
    receive(next).await
}

/// Every document of a pull, and whether the pull failed.
async fn receive(pulled: Result<Batch, BatchError>) -> (Vec<jetstream::Message>, bool) {
    let mut batch = match pulled {
        Ok(batch) => batch,
        Err(error) => {
            warn!(%error, "pulling documents");
            return (Vec::new(), true);
        }
    };
    let (mut messages, mut failed) = (Vec::new(), false);
    while let Some(message) = batch.next().await {
        match message {
            Ok(message) => messages.push(message),
            Err(error) => {
                warn!(%error, "pulling documents");
                failed = true;
            }
        }
    }
    (messages, failed)
}

/// What every document's handling shares.
struct Job {
    context: jetstream::Context,
    cache: AnalysisCache,
    workers: Workers,
    limits: Limits,
    out_subject: String,
    dead_letter_subject: String,
    max_deliver: i64,
}

impl Job {
    /// Analyses a batch of documents on the pool as one job, publishes all their analyses and
    /// only then waits for JetStream's confirmations, all together; each document is acked
    /// once its own analysis is confirmed, or else dead-lettered or put back. Publishing and
    /// acknowledging a batch at once lets the NATS client write it in a few writes, not two
    /// per document; analysing it as one job wakes this task once, not once per document.
    async fn handle(&self, messages: Vec<jetstream::Message>) {
        let mut result_ids = Vec::with_capacity(messages.len());
        let mut pending = Vec::with_capacity(messages.len());
        for message in &messages {
            result_ids.push(match self.check(message) {
                Ok((document, result_id)) => {
                    pending.push(document);
                    Ok(result_id)
                }
                Err(error) => Err(Failure::from(error)),
            });
        }
        let mut analysed = request::analyze_many(&self.cache, &self.workers, pending)
            .await
            .into_iter();
        let mut sent = Vec::with_capacity(messages.len());
        for result_id in result_ids {
            sent.push(match result_id {
                Ok(result_id) => match analysed.next().expect("an analysis per checked document") {
                    Ok(response) => self.send_analysis(response, &result_id).await,
                    Err(error) => Err(error.into()),
                },
                Err(failure) => Err(failure),
            });
        }
        join_all(messages.iter().zip(sent).map(|(message, sent)| async move {
            let published = match sent {
                Ok(confirmation) => confirmed(&self.out_subject, confirmation)
                    .await
                    .map_err(Failure::Transient),
                Err(failure) => Err(failure),
            };
            self.settle(message, published).await;
        }))
        .await;
    }

    /// Acks a document whose analysis is published; terms one that cannot be analysed, once it
    /// is in the dead-letter subject; naks one the queue failed, for a later delivery.
    async fn settle(&self, message: &jetstream::Message, published: Result<(), Failure>) {
        let (sequence, delivered) = message
            .info()
            .map_or((0, 1), |info| (info.stream_sequence, info.delivered));
        let acked = match published {
            Ok(()) => message.ack().await,
            Err(Failure::Transient(reason)) if delivered < self.max_deliver => {
                let delay = queue::backoff(delivered as usize);
                warn!(sequence, delivered, %reason, ?delay, "document put back");
                message.ack_with(AckKind::Nak(Some(delay))).await
            }
            Err(failure) => {
                let error = match failure {
                    Failure::Document(error) => error,
                    Failure::Transient(reason) => ServiceError::Internal(format!(
                        "gave up after {delivered} deliveries: {reason}"
                    )),
                };
                match self.dead_letter(message, &error, sequence, delivered).await {
                    Ok(()) => {
                        warn!(sequence, %error, "document sent to the dead-letter subject");
                        message.ack_with(AckKind::Term).await
                    }
                    Err(reason) => {
                        warn!(sequence, %reason, "cannot publish a dead letter; document put back");
                        let delay = queue::backoff(delivered as usize);
                        message.ack_with(AckKind::Nak(Some(delay))).await
                    }
                }
            }
        };
        if let Err(error) = acked {
            // The document will be redelivered; its result, if published, is a duplicate.
            debug!(sequence, %error, "acknowledgement not sent");
        }
    }

    /// Decodes and validates a document; returns it ready for analysis, and the message id of
    /// its result.
    fn check(
        &self,
        message: &jetstream::Message,
    ) -> Result<(request::Pending, String), ServiceError> {
        let request = decode_request(message.headers.as_ref(), &message.payload)?;
        let shared = validate::shared(
            request.features.as_ref(),
            request.offset_unit,
            request.skip_cache,
        )?;
        let checked = validate::document(request.document, "document", &shared, &self.limits)?;
        let result_id = queue::result_id(
            &checked.id,
            CacheKey::new(&checked.text, &checked.options),
            shared.offset_unit,
        );
        let document = request::Pending {
            checked,
            shared,
            field: "document".into(),
        };
        Ok((document, result_id))
    }

    /// Publishes an analysis; the confirmation that JetStream has stored it (or has it already)
    /// is awaited apart.
    async fn send_analysis(
        &self,
        response: proto::AnalyzeResponse,
        result_id: &str,
    ) -> Result<PublishAckFuture, Failure> {
        let mut headers = HeaderMap::new();
        headers.insert(queue::CONTENT_TYPE, queue::PROTOBUF);
        headers.insert(queue::MSG_ID, result_id);
        let payload = response.encode_to_vec().into();
        self.send(&self.out_subject, headers, payload)
            .await
            .map_err(Failure::Transient)
    }

    /// Publishes the document as it came, with the error in headers, to the dead-letter subject.
    async fn dead_letter(
        &self,
        message: &jetstream::Message,
        error: &ServiceError,
        sequence: u64,
        delivered: i64,
    ) -> Result<(), String> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = message
            .headers
            .as_ref()
            .and_then(|h| h.get(queue::CONTENT_TYPE))
        {
            headers.insert(queue::CONTENT_TYPE, content_type.clone());
        }
        let proto::Error {
            code,
            message: text,
            field,
        } = error.to_proto();
        headers.insert(queue::ERROR, queue::header_text(&text, 2048));
        headers.insert(queue::ERROR_CODE, code.to_string());
        headers.insert(queue::ERROR_FIELD, queue::header_text(&field, 256));
        headers.insert(queue::STREAM_SEQUENCE, sequence.to_string());
        headers.insert(queue::DELIVERIES, delivered.to_string());
        headers.insert(queue::MSG_ID, format!("dead-{sequence}"));
        self.confirm(&self.dead_letter_subject, headers, message.payload.clone())
            .await
    }

    /// Publishes and waits for JetStream's acknowledgement.
    async fn confirm(
        &self,
        subject: &str,
        headers: HeaderMap,
        payload: bytes::Bytes,
    ) -> Result<(), String> {
        let confirmation = self.send(subject, headers, payload).await?;
        confirmed(subject, confirmation).await
    }

    /// Hands a message to the connection to publish; returns the pending acknowledgement.
    async fn send(
        &self,
        subject: &str,
        headers: HeaderMap,
        payload: bytes::Bytes,
    ) -> Result<PublishAckFuture, String> {
        self.context
            .publish_with_headers(subject.to_owned(), headers, payload)
            .await
            .map_err(|e| format!("publish to {subject}: {e}"))
    }
}

/// Waits for JetStream to confirm a publish to `subject`.
async fn confirmed(subject: &str, confirmation: PublishAckFuture) -> Result<(), String> {
    let ack = confirmation
        .await
        .map_err(|e| format!("publish to {subject} not confirmed: {e}"))?;
    if ack.duplicate {
        debug!(subject, sequence = ack.sequence, "already published");
    }
    Ok(())
}
