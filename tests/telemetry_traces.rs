//! Traces end to end: a call carrying a W3C `traceparent` is exported over OTLP to an in-process
//! collector as part of the caller's trace, with a span per document and per analysis (ids,
//! sizes, the cache's answer, stage timings; never the text).
//!
//! One test in this file: the trace exporter is installed for the whole process.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestServer, request, settings};
use docsift::config::LogFormat;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use tokio_stream::wrappers::TcpListenerStream;

/// An OTLP/gRPC trace receiver that keeps every span it is sent.
#[derive(Clone, Default)]
struct Collector {
    spans: Arc<Mutex<Vec<Span>>>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.spans.lock().expect("not poisoned");
        for resource in request.into_inner().resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_with_a_traceparent_joins_the_callers_trace() {
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let exporter = docsift::telemetry::init(LogFormat::Text, Some(&endpoint))
        .expect("the exporter starts")
        .expect("an endpoint was given");

    let server = TestServer::start(settings()).await;
    let mut client = server.client().await;
    let text = "“We remain friends,” Phay Siphan said in Phnom Penh on Thursday.";
    let mut call = tonic::Request::new(request("doc-7", text));
    call.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-{CALLER_SPAN}-01")
            .parse()
            .expect("ascii"),
    );
    call.metadata_mut()
        .insert("x-request-id", "req-42".parse().expect("ascii"));
    let response = client.analyze(call).await.expect("analyses");
    assert_eq!(
        response
            .metadata()
            .get("x-request-id")
            .map(|v| v.to_str().expect("ascii")),
        Some("req-42"),
        "the request id is echoed"
    );
    // A call without a traceparent starts a trace of its own.
    client
        .analyze(request("doc-8", "Angela Merkel visited Paris."))
        .await
        .expect("analyses");

    let start = Instant::now();
    let spans = loop {
        exporter.flush();
        let spans = collector.spans.lock().expect("not poisoned").clone();
        if spans.iter().any(|s| s.name == "analysis") && spans.len() >= 6 {
            break spans;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "spans exported within 20 s; got {:?}",
            spans.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    let ours: Vec<&Span> = spans
        .iter()
        .filter(|s| hex(&s.trace_id) == TRACE_ID)
        .collect();
    let call = ours
        .iter()
        .find(|s| s.name == "docsift.v1.Analyzer/Analyze")
        .expect("the call's span is in the caller's trace");
    assert_eq!(
        hex(&call.parent_span_id),
        CALLER_SPAN,
        "child of the caller's span"
    );
    assert!(matches!(
        attribute(call, "rpc.grpc.status_code"),
        Some(Value::IntValue(0))
    ));
    assert!(matches!(
        attribute(call, "request_id"),
        Some(Value::StringValue(id)) if id == "req-42"
    ));
    let document = ours
        .iter()
        .find(|s| s.name == "document")
        .expect("a span for the document");
    assert_eq!(document.parent_span_id, call.span_id);
    assert!(matches!(attribute(document, "id"), Some(Value::StringValue(id)) if id == "doc-7"));
    assert!(matches!(
        attribute(document, "bytes"),
        Some(Value::IntValue(n)) if *n == text.len() as i64
    ));
    assert!(matches!(
        attribute(document, "cache_hit"),
        Some(Value::BoolValue(false))
    ));
    let analysis = ours
        .iter()
        .find(|s| s.name == "analysis")
        .expect("a span for the analysis");
    assert_eq!(analysis.parent_span_id, document.span_id);
    for stage in ["language_us", "entities_us", "quotes_us"] {
        assert!(
            matches!(attribute(analysis, stage), Some(Value::IntValue(_))),
            "{stage} recorded"
        );
    }
    // Never the text.
    for span in &spans {
        for kv in &span.attributes {
            if let Some(Value::StringValue(value)) =
                kv.value.as_ref().and_then(|v| v.value.as_ref())
            {
                assert!(!value.contains("friends"), "{}: {value}", kv.key);
            }
        }
    }
    // The other call is a trace of its own, not the caller's.
    let other = spans
        .iter()
        .filter(|s| s.name == "docsift.v1.Analyzer/Analyze")
        .find(|s| hex(&s.trace_id) != TRACE_ID)
        .expect("the second call's span");
    assert!(other.parent_span_id.is_empty(), "a root span");

    server.stop().await.expect("clean stop");
    drop(exporter);
}
