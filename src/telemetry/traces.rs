//! OpenTelemetry traces over OTLP/gRPC, off unless `--otlp-endpoint` is given.
//!
//! docsift's spans (a call, each document of it, each analysis with its stage timings) are
//! `tracing` spans; when an endpoint is configured, tracing-opentelemetry turns them into
//! OpenTelemetry spans and a batch exporter sends them. A call whose metadata carries a W3C
//! `traceparent` joins the caller's trace. When traces are off, reading `traceparent` is
//! skipped and no span is exported or buffered.

use std::sync::atomic::{AtomicBool, Ordering};

use http::HeaderMap;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::registry::LookupSpan;

/// Whether spans are exported; read on every call, set once at start.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// Why traces could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TracesError {
    #[error("--otlp-endpoint {endpoint:?}: {reason}")]
    Endpoint { endpoint: String, reason: String },
    #[error("cannot start the trace exporter's runtime: {0}")]
    Runtime(std::io::Error),
}

/// The exporter of a process's spans. Dropping it flushes the spans not yet sent.
pub struct Exporter {
    provider: SdkTracerProvider,
    /// The exporter's gRPC client runs here, apart from the server's runtime, so that it can
    /// be set up before the server starts and flushed after it stops.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Exporter {
    /// Starts exporting to `endpoint` (`http://collector:4317`), returning the exporter and the
    /// layer that feeds it.
    pub fn start<S>(
        endpoint: &str,
    ) -> Result<(Self, impl tracing_subscriber::Layer<S> + Send + Sync), TracesError>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span> + Send + Sync,
    {
        let invalid = |reason: String| TracesError::Endpoint {
            endpoint: endpoint.to_owned(),
            reason,
        };
        let uri: http::Uri = endpoint
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(e.to_string()))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(invalid("must be an http:// or https:// URL".into()));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("docsift-otlp")
            .enable_all()
            .build()
            .map_err(TracesError::Runtime)?;
        let exporter = {
            let _in_runtime = runtime.enter();
            opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()
                .map_err(|e| invalid(e.to_string()))?
        };
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name("docsift")
                    .with_attribute(opentelemetry::KeyValue::new(
                        "service.version",
                        env!("CARGO_PKG_VERSION"),
                    ))
                    .build(),
            )
            .build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("docsift"));
        ENABLED.store(true, Ordering::Relaxed);
        Ok((
            Self {
                provider,
                runtime: Some(runtime),
            },
            layer,
        ))
    }

    /// Sends the spans ended so far.
    pub fn flush(&self) {
        if let Err(error) = self.provider.force_flush() {
            tracing::warn!(%error, "could not flush the trace exporter");
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        ENABLED.store(false, Ordering::Relaxed);
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!(%error, "could not flush the trace exporter at exit");
        }
        // Without waiting: the exporter may be dropped on an async thread.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Makes `span` a child of the caller's span named in the W3C `traceparent` (and
/// `tracestate`) metadata, when traces are on.
pub fn join_caller_trace(span: &tracing::Span, headers: &HeaderMap) {
    if !ENABLED.load(Ordering::Relaxed) || !headers.contains_key("traceparent") {
        return;
    }
    let context = TraceContextPropagator::new().extract(&Metadata(headers));
    let _ = span.set_parent(context);
}

/// gRPC metadata as OpenTelemetry's propagators read it.
struct Metadata<'a>(&'a HeaderMap);

impl Extractor for Metadata<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}
