//! The bounded pool that runs analyses off the async reactor.
//!
//! A fixed set of threads (one per core by default) does the CPU work; a semaphore caps the
//! documents admitted at once (running or queued), and past that cap a document is refused with
//! RESOURCE_EXHAUSTED instead of queueing without bound. A job whose caller has gone (client
//! cancelled, deadline passed) before a thread picks it up is skipped. A panic inside one
//! analysis becomes an INTERNAL error for that document only.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use tokio::sync::{Semaphore, oneshot};

use super::error::ServiceError;
use crate::analysis::{Analysis, AnalysisError, Options};

/// The function that analyses a document: [`crate::analysis::analyze`], or a stand-in in tests.
pub type AnalyzeFn = fn(&str, &Options) -> Result<Analysis, AnalysisError>;

/// Runs analyses on a fixed pool of threads.
#[derive(Clone)]
pub struct Workers {
    pool: Arc<rayon::ThreadPool>,
    analyze: AnalyzeFn,
    admitted: Arc<Semaphore>,
    max_in_flight: usize,
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
        })
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
        self.pool.spawn(move || {
            if done.is_closed() {
                return;
            }
            let outcome = catch_unwind(AssertUnwindSafe(|| analyze(&text, &options)));
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
}
