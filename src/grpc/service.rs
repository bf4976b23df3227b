//! The `docsift.v1.Analyzer` service. Each handler validates, calls the analysis (through the
//! cache and the worker pool), and converts the result.

use std::pin::Pin;

use futures::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

use super::error::ServiceError;
use super::validate::{self, Checked, Limits, Shared};
use super::workers::Workers;
use crate::analysis::{self, language};
use crate::cache::AnalysisCache;
use crate::proto::{self, analyzer_server::Analyzer};
use crate::telemetry::calls;

type ResponseStream =
    Pin<Box<dyn Stream<Item = Result<proto::AnalyzeStreamResponse, Status>> + Send>>;

/// The service's state, shared by all calls.
#[derive(Clone)]
pub struct AnalyzerService {
    workers: Workers,
    cache: AnalysisCache,
    limits: Limits,
    /// Documents of one stream or batch analysed at once.
    window: usize,
    max_message_bytes: usize,
}

impl AnalyzerService {
    pub fn new(
        workers: Workers,
        cache: AnalysisCache,
        limits: Limits,
        window: usize,
        max_message_bytes: usize,
    ) -> Self {
        Self {
            workers,
            cache,
            limits,
            window: window.max(1),
            max_message_bytes,
        }
    }

    /// Analyses one checked document and builds its response.
    async fn analyze_checked(
        &self,
        checked: Checked,
        shared: Shared,
        field: String,
    ) -> Result<proto::AnalyzeResponse, ServiceError> {
        crate::request::analyze_checked(&self.cache, &self.workers, checked, shared, field).await
    }

    /// Validates and analyses one document of a batch or stream.
    async fn analyze_document(
        &self,
        document: Option<proto::Document>,
        field: String,
        shared: Shared,
    ) -> Result<proto::AnalyzeResponse, ServiceError> {
        let result = match validate::document(document, &field, &shared, &self.limits) {
            Ok(checked) => self.analyze_checked(checked, shared, field).await,
            Err(error) => Err(error),
        };
        if let Err(error) = &result {
            calls::document_failed(error.code());
        }
        result
    }
}

fn outcome(
    result: Result<proto::AnalyzeResponse, ServiceError>,
) -> proto::analyze_stream_response::Outcome {
    match result {
        Ok(analysis) => proto::analyze_stream_response::Outcome::Analysis(analysis),
        Err(error) => proto::analyze_stream_response::Outcome::Error(error.to_proto()),
    }
}

#[tonic::async_trait]
impl Analyzer for AnalyzerService {
    async fn analyze(
        &self,
        request: Request<proto::AnalyzeRequest>,
    ) -> Result<Response<proto::AnalyzeResponse>, Status> {
        let request = request.into_inner();
        let shared = validate::shared(
            request.features.as_ref(),
            request.offset_unit,
            request.skip_cache,
        )?;
        let response = self
            .analyze_document(request.document, "document".into(), shared)
            .await?;
        Ok(Response::new(response))
    }

    async fn analyze_batch(
        &self,
        request: Request<proto::AnalyzeBatchRequest>,
    ) -> Result<Response<proto::AnalyzeBatchResponse>, Status> {
        let request = request.into_inner();
        let shared = validate::shared(
            request.features.as_ref(),
            request.offset_unit,
            request.skip_cache,
        )?;
        validate::batch_size(request.documents.len(), &self.limits)?;
        let results = futures::stream::iter(request.documents.into_iter().enumerate())
            .map(|(index, document)| {
                let id = document.id.clone();
                async move {
                    let result = self
                        .analyze_document(Some(document), format!("documents[{index}]"), shared)
                        .await;
                    proto::BatchResult {
                        index: index as u32,
                        id,
                        outcome: Some(match result {
                            Ok(analysis) => proto::batch_result::Outcome::Analysis(analysis),
                            Err(error) => proto::batch_result::Outcome::Error(error.to_proto()),
                        }),
                    }
                }
            })
            .buffered(self.window)
            .collect::<Vec<_>>()
            .await;
        let response = proto::AnalyzeBatchResponse { results };
        let size = prost::Message::encoded_len(&response);
        if size > self.max_message_bytes {
            return Err(ServiceError::invalid(
                "documents",
                format!(
                    "the results are {size} bytes, over the message limit of {} bytes \
                     (--max-message-bytes); send fewer documents or use AnalyzeBatchStream",
                    self.max_message_bytes
                ),
            )
            .into());
        }
        Ok(Response::new(response))
    }

    type AnalyzeBatchStreamStream = ResponseStream;

    async fn analyze_batch_stream(
        &self,
        request: Request<proto::AnalyzeBatchRequest>,
    ) -> Result<Response<Self::AnalyzeBatchStreamStream>, Status> {
        let request = request.into_inner();
        let shared = validate::shared(
            request.features.as_ref(),
            request.offset_unit,
            request.skip_cache,
        )?;
        validate::batch_size(request.documents.len(), &self.limits)?;
        let service = self.clone();
        let window = self.window;
        let stream = futures::stream::iter(request.documents.into_iter().enumerate())
            .map(move |(index, document)| {
                let service = service.clone();
                async move {
                    let id = document.id.clone();
                    let result = service
                        .analyze_document(Some(document), format!("documents[{index}]"), shared)
                        .await;
                    Ok(proto::AnalyzeStreamResponse {
                        sequence: index as u64,
                        id,
                        outcome: Some(outcome(result)),
                    })
                }
            })
            .buffer_unordered(window);
        Ok(Response::new(Box::pin(stream)))
    }

    type AnalyzeStreamStream = ResponseStream;

    async fn analyze_stream(
        &self,
        request: Request<Streaming<proto::AnalyzeRequest>>,
    ) -> Result<Response<Self::AnalyzeStreamStream>, Status> {
        let service = self.clone();
        let window = self.window;
        // Requests are pulled only while fewer than `window` are in progress and the client
        // reads the answers, so a client that stops reading stops the server from reading.
        let stream = request
            .into_inner()
            .enumerate()
            .map(move |(sequence, request)| {
                let service = service.clone();
                async move {
                    let request = request?;
                    let id = request
                        .document
                        .as_ref()
                        .map(|d| d.id.clone())
                        .unwrap_or_default();
                    let result = match validate::shared(
                        request.features.as_ref(),
                        request.offset_unit,
                        request.skip_cache,
                    ) {
                        Ok(shared) => {
                            service
                                .analyze_document(request.document, "document".into(), shared)
                                .await
                        }
                        Err(error) => Err(error),
                    };
                    Ok(proto::AnalyzeStreamResponse {
                        sequence: sequence as u64,
                        id,
                        outcome: Some(outcome(result)),
                    })
                }
            })
            .buffer_unordered(window);
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_info(
        &self,
        _request: Request<proto::GetInfoRequest>,
    ) -> Result<Response<proto::GetInfoResponse>, Status> {
        let stats = self.cache.stats();
        Ok(Response::new(proto::GetInfoResponse {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            engine_version: analysis::ENGINE_VERSION.to_owned(),
            languages: language::supported()
                .map(|(code, bcp47, name)| proto::SupportedLanguage {
                    code: code.to_owned(),
                    bcp47: bcp47.to_owned(),
                    name: name.to_owned(),
                })
                .collect(),
            limits: Some(proto::Limits {
                max_document_bytes: saturate(self.limits.max_document_bytes),
                max_batch_documents: saturate(self.limits.max_batch_documents),
                max_message_bytes: saturate(self.max_message_bytes),
                max_in_flight: saturate(self.workers.max_in_flight()),
                stream_window: saturate(self.window),
            }),
            cache: Some(proto::CacheStats {
                enabled: stats.enabled,
                hits: stats.hits,
                misses: stats.misses,
                coalesced: stats.coalesced,
                evictions: stats.evictions,
                entries: stats.entries,
                weighted_bytes: stats.weighted_bytes,
                max_bytes: stats.max_bytes,
                redis_enabled: stats.redis_enabled,
                redis_hits: stats.redis_hits,
                redis_misses: stats.redis_misses,
                redis_errors: stats.redis_errors,
                redis_writes_dropped: stats.redis_writes_dropped,
            }),
        }))
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
