//! What an operator sees of a running server: logs, Prometheus metrics, OpenTelemetry traces.
//!
//! - [`calls`]: one span and one log line per gRPC call, and the call metrics;
//! - [`metrics`]: the Prometheus metrics, served by [`listener`] on `--metrics-listen`;
//! - [`traces`]: export of the spans over OTLP when `--otlp-endpoint` is given.
//!
//! None of it reaches into the analysis: the core only reports how long its stages took
//! ([`crate::analysis::stages`]).

pub mod calls;
pub mod listener;
pub mod metrics;
pub mod traces;

pub use metrics::Metrics;

use std::io::IsTerminal;

use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

use crate::config::LogFormat;

/// Installs the process's logging (levels from `RUST_LOG`, info by default, on standard error)
/// and, with an OTLP endpoint, the trace exporter, which must be kept until exit.
pub fn init(
    format: LogFormat,
    otlp_endpoint: Option<&str>,
) -> Result<Option<traces::Exporter>, traces::TracesError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a terminal: a log file or a collector gets plain text.
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let logs: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Text => logs.with_filter(filter).boxed(),
        LogFormat::Json => logs.json().with_filter(filter).boxed(),
    };
    let (exporter, spans) = match otlp_endpoint {
        Some(endpoint) => {
            let (exporter, layer) = traces::Exporter::start(endpoint)?;
            // docsift's own spans, whatever the log level.
            let layer =
                layer.with_filter(Targets::new().with_target("docsift", tracing::Level::INFO));
            (Some(exporter), Some(layer))
        }
        None => (None, None),
    };
    tracing_subscriber::registry().with(logs).with(spans).init();
    Ok(exporter)
}
