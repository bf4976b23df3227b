//! The server's Prometheus metrics.
//!
//! Counters and histograms that move on the request path live in [`Metrics`], a cheap handle
//! (clones share the figures) held by the call layer and the workers. Figures that the server
//! already keeps (the cache's counters, the documents admitted) are read when Prometheus
//! scrapes, by a collector, so they cost the request path nothing more.

use std::fmt;
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::calls::ANALYZER_RPCS;
use crate::analysis::stages::{Stage, StageTimings};
use crate::cache::AnalysisCache;
use crate::grpc::workers::Workers;

/// Latency buckets, in seconds: 0.1 ms (a cache hit) to 10 s (a large document under load).
const LATENCY_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    rpc: &'static str,
    code: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RpcLabels {
    rpc: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    stage: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
    engine_version: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// Why a document or a call was refused rather than answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server was at its limit of documents in flight.
    ResourceExhausted,
    /// The call's deadline (the client's, or the server's request timeout) passed.
    DeadlineExceeded,
    /// The client went away.
    Cancelled,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::ResourceExhausted => "resource_exhausted",
            Refusal::DeadlineExceeded => "deadline_exceeded",
            Refusal::Cancelled => "cancelled",
        }
    }
}

/// The metrics that move on the request path. Cheap to clone; clones share the figures.
#[derive(Clone)]
pub struct Metrics {
    requests: Family<CallLabels, Counter>,
    request_seconds: HistogramFamily<RpcLabels>,
    documents: Counter,
    document_bytes: Counter,
    document_errors: Family<CodeLabels, Counter>,
    stage_seconds: HistogramFamily<StageLabels>,
    refusals: Family<ReasonLabels, Counter>,
    build_info: Family<BuildLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let metrics = Self {
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(latency_histogram),
            documents: Counter::default(),
            document_bytes: Counter::default(),
            document_errors: Family::default(),
            stage_seconds: Family::new_with_constructor(latency_histogram),
            refusals: Family::default(),
            build_info: Family::default(),
        };
        metrics
            .build_info
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
                engine_version: crate::analysis::ENGINE_VERSION,
            })
            .set(1);
        // The series a dashboard or an alert names exist from the start, at zero, so that
        // rate() and absence alerts work before the first such event.
        for rpc in ANALYZER_RPCS {
            drop(
                metrics
                    .requests
                    .get_or_create(&CallLabels { rpc, code: "OK" }),
            );
            drop(metrics.request_seconds.get_or_create(&RpcLabels { rpc }));
        }
        for stage in Stage::ALL {
            let stage = stage.name();
            drop(metrics.stage_seconds.get_or_create(&StageLabels { stage }));
        }
        for refusal in [
            Refusal::ResourceExhausted,
            Refusal::DeadlineExceeded,
            Refusal::Cancelled,
        ] {
            let reason = refusal.label();
            drop(metrics.refusals.get_or_create(&ReasonLabels { reason }));
        }
        for code in ["INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "INTERNAL"] {
            drop(metrics.document_errors.get_or_create(&CodeLabels { code }));
        }
        metrics
    }

    /// A finished call: its RPC, the gRPC status code it ended with, and how long it took.
    pub fn call(&self, rpc: &'static str, code: &'static str, elapsed: Duration) {
        self.requests.get_or_create(&CallLabels { rpc, code }).inc();
        self.request_seconds
            .get_or_create(&RpcLabels { rpc })
            .observe(elapsed.as_secs_f64());
    }

    /// A document answered with an analysis (from the cache or not).
    pub fn document(&self, bytes: usize) {
        self.documents.inc();
        self.document_bytes.inc_by(bytes as u64);
    }

    /// A document answered with an error, by its gRPC status code.
    pub fn document_error(&self, code: &'static str) {
        self.document_errors
            .get_or_create(&CodeLabels { code })
            .inc();
    }

    pub fn refusal(&self, refusal: Refusal) {
        self.refusals
            .get_or_create(&ReasonLabels {
                reason: refusal.label(),
            })
            .inc();
    }

    /// The stage timings of one analysis.
    pub fn stages(&self, timings: &StageTimings) {
        for stage in Stage::ALL {
            if let Some(elapsed) = timings.get(stage) {
                self.stage_seconds
                    .get_or_create(&StageLabels {
                        stage: stage.name(),
                    })
                    .observe(elapsed.as_secs_f64());
            }
        }
    }

    /// A registry of every metric of a server: these, and what the cache and the workers hold.
    pub fn registry(&self, cache: AnalysisCache, workers: Workers) -> Registry {
        let mut registry = Registry::default();
        registry.register(
            "docsift_requests",
            "Calls finished, by RPC and gRPC status code",
            self.requests.clone(),
        );
        registry.register(
            "docsift_request_duration_seconds",
            "Time from a call's arrival to its last message, by RPC",
            self.request_seconds.clone(),
        );
        registry.register(
            "docsift_documents",
            "Documents answered with an analysis (cached or not)",
            self.documents.clone(),
        );
        registry.register(
            "docsift_document_bytes",
            "Bytes of text of the documents answered with an analysis",
            self.document_bytes.clone(),
        );
        registry.register(
            "docsift_document_errors",
            "Documents answered with an error, by gRPC status code",
            self.document_errors.clone(),
        );
        registry.register(
            "docsift_analysis_stage_seconds",
            "Analysis time by stage (language, entities, quotes); cache hits run none",
            self.stage_seconds.clone(),
        );
        registry.register(
            "docsift_refusals",
            "Documents refused for overload (resource_exhausted) and calls ended by their \
             deadline (deadline_exceeded) or by the client (cancelled)",
            self.refusals.clone(),
        );
        registry.register(
            "docsift_build_info",
            "Always 1; the labels say which docsift and which analysis engine run",
            self.build_info.clone(),
        );
        registry.register_collector(Box::new(ServerFigures { cache, workers }));
        registry
    }
}

/// Encodes a registry in the Prometheus text format.
pub fn encode(registry: &Registry) -> String {
    let mut text = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut text, registry)
        .expect("writing to a String cannot fail");
    text
}

/// The figures read at scrape time: the cache's counters and the documents in flight.
struct ServerFigures {
    cache: AnalysisCache,
    workers: Workers,
}

impl fmt::Debug for ServerFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerFigures").finish_non_exhaustive()
    }
}

fn counter(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> fmt::Result {
    let metric = ConstCounter::new(value);
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn gauge(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> fmt::Result {
    let metric = ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX));
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

impl Collector for ServerFigures {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let e = &mut encoder;
        let (in_flight, queued) = (self.workers.in_flight(), self.workers.queued());
        gauge(
            e,
            "docsift_documents_in_flight",
            "Documents admitted for analysis: running or queued",
            in_flight as u64,
        )?;
        gauge(
            e,
            "docsift_documents_queued",
            "Documents admitted and waiting for an analysis thread",
            queued as u64,
        )?;
        let stats = self.cache.stats();
        counter(
            e,
            "docsift_cache_hits",
            "Lookups answered in process without analysis, coalesced waits included",
            stats.hits,
        )?;
        counter(
            e,
            "docsift_cache_misses",
            "Lookups that ran an analysis",
            stats.misses,
        )?;
        counter(
            e,
            "docsift_cache_coalesced",
            "Lookups that waited for an identical request's analysis",
            stats.coalesced,
        )?;
        counter(
            e,
            "docsift_cache_evictions",
            "Entries evicted for size or expiry",
            stats.evictions,
        )?;
        gauge(
            e,
            "docsift_cache_entries",
            "Entries held in process",
            stats.entries,
        )?;
        gauge(
            e,
            "docsift_cache_weighted_bytes",
            "Bytes held in process, as weighed",
            stats.weighted_bytes,
        )?;
        gauge(
            e,
            "docsift_cache_max_bytes",
            "The in-process cache's bound (--cache-max-bytes)",
            stats.max_bytes,
        )?;
        counter(
            e,
            "docsift_redis_hits",
            "Results found in Redis after a local miss",
            stats.redis_hits,
        )?;
        counter(
            e,
            "docsift_redis_misses",
            "Redis lookups that found nothing",
            stats.redis_misses,
        )?;
        counter(
            e,
            "docsift_redis_errors",
            "Redis calls that failed, timed out, were skipped in an outage or read garbage",
            stats.redis_errors,
        )?;
        counter(
            e,
            "docsift_redis_writes_dropped",
            "Redis writes dropped because too many were under way",
            stats.redis_writes_dropped,
        )
    }
}
