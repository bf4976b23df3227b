//! A request to analyse one document, as every front end takes it (the gRPC service, the queue
//! worker): validation against the limits, the pool that runs the analysis off the async
//! reactor, the error that says why a document was not analysed, and the way through the cache
//! to the API's response. Nothing here knows how the request arrived.

pub mod error;
pub mod validate;
pub mod workers;

use std::sync::Arc;

use tracing::Instrument;

pub use error::ServiceError;

use crate::cache::{AnalysisCache, CacheKey};
use crate::proto;
use crate::telemetry::calls;
use validate::{Checked, Shared};
use workers::Workers;

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
