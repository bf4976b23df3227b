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
        let document = Document {
            text,
            options,
            field: document_field,
        };
        let mut outcomes = self.analyze_many(vec![document]).await?;
        outcomes.pop().expect("an outcome for the document")
    }

    /// Analyses several documents as one job on the pool: one hand-over to a thread and one
    /// answer for them all, where calling [`Workers::analyze`] for each would hand over each
    /// and wake its caller for each. For a caller that holds a batch at once (the queue worker),
    /// on short documents the hand-overs cost as much as a fifth of the analysis. Each document
    /// is admitted, timed and caught apart; all are refused when the pool cannot admit them
    /// all. Dropping the returned future stops the job before its next document.
    pub async fn analyze_many(
        &self,
        documents: Vec<Document>,
    ) -> Result<Vec<Result<Analysis, ServiceError>>, ServiceError> {
        let count = u32::try_from(documents.len()).unwrap_or(u32::MAX);
        let mut permits = self
            .admitted
            .clone()
            .try_acquire_many_owned(count)
            .map_err(|_| {
                ServiceError::Overloaded(format!(
                    "{} documents are being analysed and {} more cannot be admitted; the limit \
                     is {} (--max-in-flight); retry later",
                    self.in_flight(),
                    documents.len(),
                    self.max_in_flight
                ))
            })?;
        let (done, result) = oneshot::channel();
        let run = self.runner();
        // The span of the request these analyses are for, when traces are on.
        let parent = tracing::Span::current();
        self.pool.spawn(move || {
            let mut outcomes = Vec::with_capacity(documents.len());
            for document in documents {
                if done.is_closed() {
                    return;
                }
                outcomes.push(run.analyze(
                    &document.text,
                    &document.options,
                    &document.field,
                    &parent,
                ));
                // Room for another document as soon as this one is done.
                drop(permits.split(1));
            }
            drop(permits);
            let _ = done.send(outcomes);
        });
        result.await.map_err(|_| ServiceError::Cancelled)
    }

    /// What a pool thread needs to analyse a document.
    fn runner(&self) -> Runner {
        Runner {
            analyze: self.analyze,
            running: Arc::clone(&self.running),
            metrics: self.metrics.clone(),
        }
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

/// One document of [`Workers::analyze_many`]; `field` names it in errors.
pub struct Document {
    pub text: Arc<str>,
    pub options: Options,
    pub field: String,
}

/// Analyses a document on a pool thread: timed by stage, a panic made an error.
struct Runner {
    analyze: AnalyzeFn,
    running: Arc<AtomicUsize>,
    metrics: Option<Metrics>,
}

impl Runner {
    fn analyze(
        &self,
        text: &str,
        options: &Options,
        document_field: &str,
        parent: &tracing::Span,
    ) -> Result<Analysis, ServiceError> {
        let analyze = self.analyze;
        self.running.fetch_add(1, Ordering::Relaxed);
        let span = tracing::info_span!(
            parent: parent,
            "analysis",
            bytes = text.len() as i64,
            language_us = tracing::field::Empty,
            entities_us = tracing::field::Empty,
            quotes_us = tracing::field::Empty,
        );
        let (outcome, timings) = span.in_scope(|| {
            stages::timed(|| catch_unwind(AssertUnwindSafe(|| analyze(text, options))))
        });
        self.running.fetch_sub(1, Ordering::Relaxed);
        for (field, elapsed) in [
            ("language_us", timings.language),
            ("entities_us", timings.entities),
            ("quotes_us", timings.quotes),
        ] {
            if let Some(elapsed) = elapsed {
                span.record(field, elapsed.as_micros() as i64);
            }
        }
        if let Some(metrics) = &self.metrics {
            metrics.stages(&timings);
        }
        match outcome {
            Ok(result) => result.map_err(|e| ServiceError::from_analysis(e, document_field)),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic".to_owned());
                tracing::error!(%message, "analysis panicked");
                Err(ServiceError::Internal(message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn analyze_or_panic(text: &str, options: &Options) -> Result<Analysis, AnalysisError> {
        assert!(!text.contains("panic"), "the analysis fell over");
        analyze(text, options)
    }

    fn documents(texts: &[&str]) -> Vec<Document> {
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| Document {
                text: Arc::from(*text),
                options: Options::default(),
                field: format!("documents[{i}]"),
            })
            .collect()
    }

    #[tokio::test]
    async fn a_batch_is_analysed_in_order_and_one_failure_harms_no_other() {
        let workers = Workers::new(1, 8, analyze_or_panic).unwrap();
        let texts = [
            "“We remain friends,” said Phay Siphan.",
            "panic",
            " ",
            "Angela Merkel met Emmanuel Macron in Paris.",
        ];
        let results = workers.analyze_many(documents(&texts)).await.unwrap();
        assert_eq!(results.len(), 4);
        for i in [0, 3] {
            let expected = analyze(texts[i], &Options::default()).unwrap();
            assert_eq!(results[i].as_ref().unwrap(), &expected);
        }
        assert!(matches!(&results[1], Err(ServiceError::Internal(m)) if m.contains("fell over")));
        match &results[2] {
            Err(error) => assert_eq!(error.to_proto().field, "documents[2].text"),
            Ok(_) => panic!("a blank document has no analysis"),
        }
        // Every document's place in the pool is given back.
        assert_eq!(workers.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_batch_larger_than_the_pool_admits_is_refused_whole() {
        let workers = Workers::new(1, 2, analyze).unwrap();
        let refused = workers
            .analyze_many(documents(&["One.", "Two.", "Three."]))
            .await;
        match refused {
            Err(ServiceError::Overloaded(message)) => assert!(message.contains("--max-in-flight")),
            other => panic!("expected RESOURCE_EXHAUSTED, got {other:?}"),
        }
        assert_eq!(workers.in_flight(), 0);
        assert_eq!(
            workers
                .analyze_many(documents(&["One.", "Two."]))
                .await
                .unwrap()
                .len(),
            2
        );
    }
}
