//! One record per gRPC call: a span (joined to the caller's trace when traces are on), a log
//! line when it ends, and the call metrics.
//!
//! A call ends when its last message and status have gone out, which for the streaming RPCs is
//! long after the handler returned, so the layer follows the response body to its trailers. A
//! call dropped before that (the client went away, or the deadline passed and tonic dropped it)
//! ends as CANCELLED, or DEADLINE_EXCEEDED when its deadline had passed. The client's clock
//! starts before the server's, so a client that gives up at its deadline drops the call a little
//! before the server's deadline: a drop within [`DEADLINE_SLACK`] of it counts as the deadline.
//!
//! The handlers report each document they answer with [`document_answered`] and
//! [`document_failed`]; the layer finds the call they belong to through a task-local, so the
//! handlers need not pass it around.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, Request, Response};
use http_body::{Body, Frame, SizeHint};
use tonic::Code;
use tower::{Layer, Service};

use super::metrics::{Metrics, Refusal};
use super::traces;

tokio::task_local! {
    static CALL: Arc<Call>;
}

/// The Analyzer's RPCs, as the `rpc` label names them.
pub(super) const ANALYZER_RPCS: [&str; 5] = [
    "docsift.v1.Analyzer/Analyze",
    "docsift.v1.Analyzer/AnalyzeBatch",
    "docsift.v1.Analyzer/AnalyzeBatchStream",
    "docsift.v1.Analyzer/AnalyzeStream",
    "docsift.v1.Analyzer/GetInfo",
];

/// The metadata key whose value a call's log line and response carry.
const REQUEST_ID: &str = "x-request-id";

/// A request id longer than this is cut in logs (the response echoes it whole).
const MAX_LOGGED_REQUEST_ID: usize = 128;

/// Adds [`CallService`] around the server's routes.
#[derive(Clone)]
pub struct CallLayer {
    metrics: Option<Metrics>,
    request_timeout: Duration,
}

impl CallLayer {
    /// `request_timeout` is the server's longest call, to tell a deadline from a cancellation.
    pub fn new(metrics: Option<Metrics>, request_timeout: Duration) -> Self {
        Self {
            metrics,
            request_timeout,
        }
    }
}

impl<S> Layer<S> for CallLayer {
    type Service = CallService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CallService {
            inner,
            layer: self.clone(),
        }
    }
}

/// Times, logs, traces and counts each call to `inner`.
#[derive(Clone)]
pub struct CallService<S> {
    inner: S,
    layer: CallLayer,
}

/// How long before its deadline a dropped call still counts as DEADLINE_EXCEEDED: the request's
/// time in transit and the client's own timer, which fires when the client's time is up.
const DEADLINE_SLACK: Duration = Duration::from_millis(20);

/// What is known of a call while it runs.
struct Call {
    rpc: &'static str,
    /// Whether the call is to the Analyzer (logged at info) or to health or reflection (debug).
    analyzer: bool,
    start: Instant,
    deadline: Duration,
    request_id: Option<HeaderValue>,
    span: tracing::Span,
    metrics: Option<Metrics>,
    documents: AtomicU64,
    bytes: AtomicU64,
    cache_hits: AtomicU64,
    errors: AtomicU64,
}

impl Call {
    fn finish(&self, code: Option<Code>) {
        let elapsed = self.start.elapsed();
        let code = code.unwrap_or(if elapsed + DEADLINE_SLACK >= self.deadline {
            Code::DeadlineExceeded
        } else {
            Code::Cancelled
        });
        let code_name = code_name(code);
        if let Some(metrics) = &self.metrics {
            metrics.call(self.rpc, code_name, elapsed);
            match code {
                Code::DeadlineExceeded => metrics.refusal(Refusal::DeadlineExceeded),
                Code::Cancelled => metrics.refusal(Refusal::Cancelled),
                _ => {}
            }
        }
        self.span.record("rpc.grpc.status_code", code as i32);
        if code != Code::Ok {
            self.span.record("otel.status_code", "ERROR");
        }
        let request_id = self
            .request_id
            .as_ref()
            .and_then(|id| id.to_str().ok())
            .map(|id| &id[..id.floor_char_boundary(MAX_LOGGED_REQUEST_ID)]);
        let (documents, bytes, cache_hits, errors) = (
            self.documents.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
            self.cache_hits.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
        );
        let duration_ms = elapsed.as_secs_f64() * 1e3;
        let _in_call = self.span.enter();
        if self.analyzer {
            tracing::info!(
                target: "docsift::call",
                rpc = self.rpc,
                code = code_name,
                duration_ms,
                documents,
                bytes,
                cache_hits,
                errors,
                request_id,
                "call"
            );
        } else {
            tracing::debug!(
                target: "docsift::call",
                rpc = self.rpc,
                code = code_name,
                duration_ms,
                request_id,
                "call"
            );
        }
    }
}

/// Ends its call when dropped: with the status seen, or as cut short when none was.
struct Finish {
    call: Arc<Call>,
    code: Option<Code>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        self.call.finish(self.code);
    }
}

/// Reports a document answered with an analysis in the current call.
pub fn document_answered(bytes: usize, cache_hit: bool) {
    let _ = CALL.try_with(|call| {
        call.documents.fetch_add(1, Ordering::Relaxed);
        call.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        if cache_hit {
            call.cache_hits.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(metrics) = &call.metrics {
            metrics.document(bytes);
        }
    });
}

/// Reports a document of the current call answered with an error.
pub fn document_failed(code: Code) {
    let _ = CALL.try_with(|call| {
        call.errors.fetch_add(1, Ordering::Relaxed);
        if let Some(metrics) = &call.metrics {
            metrics.document_error(code_name(code));
            if code == Code::ResourceExhausted {
                metrics.refusal(Refusal::ResourceExhausted);
            }
        }
    });
}

impl<S, B, ResBody> Service<Request<B>> for CallService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    ResBody: Body,
{
    type Response = Response<CallBody<ResBody>>;
    type Error = S::Error;
    type Future = CallFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let path = request.uri().path();
        let (rpc, analyzer) = rpc_name(path);
        let headers = request.headers();
        let request_id = headers.get(REQUEST_ID).cloned();
        let deadline = grpc_timeout(headers).map_or(self.layer.request_timeout, |t| {
            t.min(self.layer.request_timeout)
        });
        let span = tracing::info_span!(
            "grpc",
            otel.name = rpc,
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            rpc.system = "grpc",
            rpc.method = rpc,
            rpc.grpc.status_code = tracing::field::Empty,
            request_id = request_id.as_ref().and_then(|id| id.to_str().ok()),
        );
        traces::join_caller_trace(&span, headers);
        let call = Arc::new(Call {
            rpc,
            analyzer,
            start: Instant::now(),
            deadline,
            request_id,
            span,
            metrics: self.layer.metrics.clone(),
            documents: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        });
        let inner = {
            let _in_call = call.span.enter();
            CALL.sync_scope(Arc::clone(&call), || self.inner.call(request))
        };
        CallFuture {
            inner,
            finish: Some(Finish { call, code: None }),
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of a call.
    pub struct CallFuture<F> {
        #[pin]
        inner: F,
        finish: Option<Finish>,
    }
}

impl<F, ResBody, E> Future for CallFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    ResBody: Body,
{
    type Output = Result<Response<CallBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(finish) = this.finish.as_mut() else {
            panic!("CallFuture polled after it completed");
        };
        let call = Arc::clone(&finish.call);
        let result = {
            let _in_call = call.span.enter();
            std::task::ready!(CALL.sync_scope(call.clone(), || this.inner.poll(cx)))
        };
        let mut finish = this.finish.take().expect("checked above");
        Poll::Ready(match result {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                if let Some(request_id) = &call.request_id {
                    parts.headers.insert(REQUEST_ID, request_id.clone());
                }
                // A status in the headers is a trailers-only response: the call is over.
                let finish = match grpc_status(&parts.headers) {
                    Some(code) => {
                        finish.code = Some(code);
                        drop(finish);
                        None
                    }
                    None => Some(finish),
                };
                Ok(Response::from_parts(
                    parts,
                    CallBody {
                        inner: body,
                        finish,
                    },
                ))
            }
            Err(error) => {
                finish.code = Some(Code::Unknown);
                Err(error)
            }
        })
    }
}

pin_project_lite::pin_project! {
    /// A call's response body: ends the call when its trailers go out or it is dropped.
    pub struct CallBody<B> {
        #[pin]
        inner: B,
        finish: Option<Finish>,
    }
}

impl<B: Body> Body for CallBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let Some(finish) = this.finish.as_mut() else {
            return this.inner.poll_frame(cx);
        };
        let call = Arc::clone(&finish.call);
        let frame = {
            let _in_call = call.span.enter();
            std::task::ready!(CALL.sync_scope(call.clone(), || this.inner.poll_frame(cx)))
        };
        match &frame {
            Some(Ok(frame)) => {
                if let Some(code) = frame.trailers_ref().and_then(grpc_status) {
                    finish.code = Some(code);
                    *this.finish = None;
                }
            }
            Some(Err(_)) => {
                finish.code = Some(Code::Unknown);
                *this.finish = None;
            }
            // The end without trailers: nothing says how it went.
            None => {
                finish.code = Some(Code::Unknown);
                *this.finish = None;
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn grpc_status(headers: &HeaderMap) -> Option<Code> {
    let value = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from_i32(value.parse().ok()?))
}

/// The deadline a client set with `grpc-timeout` ("100m", "5S"; gRPC over HTTP/2).
fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at_checked(value.len().checked_sub(1)?)?;
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// The RPC's name for labels and logs, from a fixed set so that the metrics' label values stay
/// few whatever paths clients send; and whether it is one of the Analyzer's.
fn rpc_name(path: &str) -> (&'static str, bool) {
    const OTHERS: [&str; 4] = [
        "grpc.health.v1.Health/Check",
        "grpc.health.v1.Health/Watch",
        "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ];
    let name = path.strip_prefix('/').unwrap_or(path);
    if let Some(known) = ANALYZER_RPCS.iter().find(|known| **known == name) {
        return (known, true);
    }
    match OTHERS.iter().find(|known| **known == name) {
        Some(known) => (known, false),
        None => ("other", name.starts_with("docsift.")),
    }
}

/// The status code's name as gRPC writes it (`RESOURCE_EXHAUSTED`).
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_are_read_in_their_units() {
        let mut headers = HeaderMap::new();
        for (value, expected) in [
            ("250m", Some(Duration::from_millis(250))),
            ("5S", Some(Duration::from_secs(5))),
            ("2M", Some(Duration::from_secs(120))),
            ("7x", None),
            ("m", None),
            ("", None),
        ] {
            headers.insert("grpc-timeout", HeaderValue::from_static(value));
            assert_eq!(grpc_timeout(&headers), expected, "{value:?}");
        }
    }

    #[test]
    fn rpc_names_come_from_a_fixed_set() {
        assert_eq!(
            rpc_name("/docsift.v1.Analyzer/Analyze"),
            ("docsift.v1.Analyzer/Analyze", true)
        );
        assert_eq!(
            rpc_name("/grpc.health.v1.Health/Check"),
            ("grpc.health.v1.Health/Check", false)
        );
        assert_eq!(rpc_name("/x.Y/Z"), ("other", false));
        assert_eq!(rpc_name("/docsift.v1.Analyzer/Nope"), ("other", true));
    }
}
