//! A request to analyse one document, as every front end takes it (the gRPC service, the queue
//! worker): validation against the limits, the pool that runs the analysis off the async
//! reactor, the error that says why a document was not analysed, and the way through the cache
//! to the API's response. Nothing here knows how the request arrived.

pub mod error;
pub mod validate;
pub mod workers;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use tracing::Instrument;

pub use error::ServiceError;

use crate::cache::{AnalysisCache, CacheKey};
use crate::proto;
use crate::telemetry::calls;
use validate::{Checked, Shared};
use workers::{Document, Workers};

/// Analyses one checked document through the cache and the pool, and builds its response
/// (offsets in the unit asked for, the document's id, whether the cache served it). `field`
/// names the document in errors ("document", "documents[3]").
pub async fn analyze_checked(
    cache: &AnalysisCache,
    workers: &Workers,
    checked: Checked,
    shared: Shared,
    field: String,
) -> Result<proto::AnalyzeResponse, ServiceError> {
    let Checked { id, text, options } = checked;
    // Sizes and the cache's answer, never the text.
    let span = tracing::info_span!(
        "document",
        id = %id,
        bytes = text.len() as i64,
        cache_hit = tracing::field::Empty
    );
    let key = CacheKey::new(&text, &options);
    let text: Arc<str> = Arc::from(text);
    let job = || {
        let (workers, job_text) = (workers.clone(), Arc::clone(&text));
        let (options, field) = (options.clone(), field.clone());
        move || async move { workers.analyze(job_text, options, field).await }
    };
    let mut lookup = cache
        .get_or_analyze(key, shared.skip_cache, job())
        .instrument(span.clone())
        .await?;
    if lookup.cache_hit && !lookup.analysis.fits(&text) {
        // Only a value planted in Redis by another writer can get here: never slice the
        // text with it; analyse afresh, which also replaces it.
        cache.count_unreadable();
        tracing::warn!(%key, "a cached result does not fit its document; analysing afresh");
        lookup = cache
            .get_or_analyze(key, true, job())
            .instrument(span.clone())
            .await?;
    }
    span.record("cache_hit", lookup.cache_hit);
    calls::document_answered(text.len(), lookup.cache_hit);
    let mut response = proto::analysis_to_proto(&text, &lookup.analysis, shared.offset_unit);
    tracing::debug!(
        id,
        bytes = text.len() as i64,
        cache_hit = lookup.cache_hit,
        "analysed"
    );
    response.id = id;
    response.cache_hit = lookup.cache_hit;
    Ok(response)
}

/// One checked document of [`analyze_many`]: its request's shared options and the field that
/// names it in errors.
pub struct Pending {
    pub checked: Checked,
    pub shared: Shared,
    pub field: String,
}

/// Analyses checked documents together and builds their responses, in order: the cache is
/// asked for them all, and the ones it does not hold go to the pool as one job
/// ([`AnalysisCache::get_or_analyze_many`], [`Workers::analyze_many`]). Each document has its
/// own result: one that fails, or whose response cannot be built, harms none of the others.
pub async fn analyze_many(
    cache: &AnalysisCache,
    workers: &Workers,
    documents: Vec<Pending>,
) -> Vec<Result<proto::AnalyzeResponse, ServiceError>> {
    let span = tracing::info_span!("documents", count = documents.len() as i64);
    let keys: Vec<(CacheKey, bool)> = documents
        .iter()
        .map(|d| {
            let key = CacheKey::new(&d.checked.text, &d.checked.options);
            (key, d.shared.skip_cache)
        })
        .collect();
    let texts: Vec<Arc<str>> = documents
        .iter()
        .map(|d| Arc::from(d.checked.text.as_str()))
        .collect();
    let lookups = cache
        .get_or_analyze_many(&keys, |positions| {
            let jobs: Vec<Document> = positions
                .iter()
                .map(|&i| Document {
                    text: Arc::clone(&texts[i]),
                    options: documents[i].checked.options.clone(),
                    field: documents[i].field.clone(),
                })
                .collect();
            let count = jobs.len();
            async move {
                workers
                    .analyze_many(jobs)
                    .await
                    .unwrap_or_else(|refused| vec![Err(refused); count])
            }
        })
        .instrument(span)
        .await;

    let mut responses = Vec::with_capacity(documents.len());
    for (((document, text), (key, _)), lookup) in
        documents.into_iter().zip(texts).zip(keys).zip(lookups)
    {
        let Pending {
            checked,
            shared,
            field,
        } = document;
        let mut lookup = match lookup {
            Ok(lookup) => lookup,
            Err(error) => {
                responses.push(Err(error));
                continue;
            }
        };
        if lookup.cache_hit && !lookup.analysis.fits(&text) {
            // As in `analyze_checked`: a value planted in Redis; analyse afresh.
            cache.count_unreadable();
            tracing::warn!(%key, "a cached result does not fit its document; analysing afresh");
            let (workers, job_text, options) =
                (workers.clone(), Arc::clone(&text), checked.options);
            let job = move || async move { workers.analyze(job_text, options, field).await };
            lookup = match cache.get_or_analyze(key, true, job).await {
                Ok(lookup) => lookup,
                Err(error) => {
                    responses.push(Err(error));
                    continue;
                }
            };
        }
        calls::document_answered(text.len(), lookup.cache_hit);
        let built = catch_unwind(AssertUnwindSafe(|| {
            proto::analysis_to_proto(&text, &lookup.analysis, shared.offset_unit)
        }));
        responses.push(match built {
            Ok(mut response) => {
                response.id = checked.id;
                response.cache_hit = lookup.cache_hit;
                Ok(response)
            }
            Err(_) => Err(ServiceError::Internal(
                "panic while building the response".into(),
            )),
        });
    }
    responses
}
