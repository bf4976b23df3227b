//! The bounded pool that runs analyses off the async reactor.
//!
//! A fixed set of threads (one per core by default) does the CPU work; a semaphore caps the
//! documents admitted at once (running or queued), and past that cap a document is refused with
//! RESOURCE_EXHAUSTED instead of queueing without bound. A job whose caller has gone (client
//! cancelled, deadline passed) before a thread picks it up is skipped. A panic inside one
//! analysis becomes an INTERNAL error for that document only.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, oneshot};

use super::error::ServiceError;
use crate::analysis::{Analysis, AnalysisError, Options, stages};
use crate::telemetry::Metrics;

/// The function that analyses a document: [`crate::analysis::analyze`], or a stand-in in tests.
pub type AnalyzeFn = fn(&str, &Options) -> Result<Analysis, AnalysisError>;

/// Runs analyses on a fixed pool of threads.
#[derive(Clone)]
pub struct Workers {
    pool: Arc<rayon::ThreadPool>,
    analyze: AnalyzeFn,
    admitted: Arc<Semaphore>,
    max_in_flight: usize,
    /// Documents a thread is analysing now; the others admitted are queued.
    running: Arc<AtomicUsize>,
    metrics: Option<Metrics>,
}

impl Workers {
    pub fn new(threads: usize, max_in_flight: usize, analyze: AnalyzeFn) -> std::io::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("docsift-worker-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        Ok(Self {
            pool: Arc::new(pool),
            analyze,
            admitted: Arc::new(Semaphore::new(max_in_flight.max(1))),
            max_in_flight: max_in_flight.max(1),
            running: Arc::new(AtomicUsize::new(0)),
            metrics: None,
        })
    }

    /// Records analysis time by stage in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Analyses `text` on the pool. Dropping the returned future cancels a job not yet started.
    pub async fn analyze(
        &self,
        text: Arc<str>,
        options: Options,
        document_field: String,
    ) -> Result<Analysis, ServiceError> {
        let permit = self.admitted.clone().try_acquire_owned().map_err(|_| {
            ServiceError::Overloaded(format!(
                "{} documents are being analysed, the limit (--max-in-flight); retry later",
                self.max_in_flight
            ))
        })?;
        let (done, result) = oneshot::channel();
        let analyze = self.analyze;
        let (running, metrics) = (Arc::clone(&self.running), self.metrics.clone());
        // The span of the document this analysis is for, when traces are on.
        let parent = tracing::Span::current();
        self.pool.spawn(move || {
            if done.is_closed() {
                return;
            }
            running.fetch_add(1, Ordering::Relaxed);
            let span = tracing::info_span!(
                parent: &parent,
                "analysis",
                bytes = text.len() as i64,
                language_us = tracing::field::Empty,
                entities_us = tracing::field::Empty,
                quotes_us = tracing::field::Empty,
            );
            let (outcome, timings) = span.in_scope(|| {
                stages::timed(|| catch_unwind(AssertUnwindSafe(|| analyze(&text, &options))))
            });
            running.fetch_sub(1, Ordering::Relaxed);
            for (field, elapsed) in [
                ("language_us", timings.language),
                ("entities_us", timings.entities),
                ("quotes_us", timings.quotes),
            ] {
                if let Some(elapsed) = elapsed {
                    span.record(field, elapsed.as_micros() as i64);
                }
            }
            if let Some(metrics) = &metrics {
                metrics.stages(&timings);
            }
            let outcome = match outcome {
                Ok(result) => result.map_err(|e| ServiceError::from_analysis(e, &document_field)),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic".to_owned());
                    tracing::error!(%message, "analysis panicked");
                    Err(ServiceError::Internal(message))
                }
            };
            // Room for the next document before this one's answer goes out.
            drop(permit);
            let _ = done.send(outcome);
        });
        result.await.map_err(|_| ServiceError::Cancelled)?
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// Documents admitted now: running or queued.
    pub fn in_flight(&self) -> usize {
        self.max_in_flight - self.admitted.available_permits().min(self.max_in_flight)
    }

    /// Documents admitted and waiting for a thread.
    pub fn queued(&self) -> usize {
        self.in_flight()
            .saturating_sub(self.running.load(Ordering::Relaxed))
    }
}
