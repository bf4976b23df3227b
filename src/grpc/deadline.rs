//! Deadlines: a call ends when the client's deadline (`grpc-timeout`) or the server's
//! `--request-timeout` passes, whichever comes first, with DEADLINE_EXCEEDED.
//!
//! tonic's own `Server::timeout` answers CANCELLED ("Timeout expired") instead. On a busy host
//! that answer can reach the client before its own deadline timer fires, so the same expired
//! deadline came back sometimes as DEADLINE_EXCEEDED and sometimes as CANCELLED; and a server
//! limit reported as CANCELLED reads as if the client had given up. This layer takes the place
//! of tonic's, with the status gRPC specifies.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tonic::Status;
use tonic::body::Body;
use tonic::codegen::Service;
use tonic::codegen::http::{HeaderMap, Request, Response};

/// Ends calls at their deadline with DEADLINE_EXCEEDED.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineLayer {
    /// The server's longest call.
    limit: Duration,
}

impl DeadlineLayer {
    pub fn new(limit: Duration) -> Self {
        Self { limit }
    }
}

impl<S> tower_layer::Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Deadline<S> {
        Deadline {
            inner,
            limit: self.limit,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Deadline<S> {
    inner: S,
    limit: Duration,
}

impl<S, B> Service<Request<B>> for Deadline<S>
where
    S: Service<Request<B>, Response = Response<Body>>,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let deadline = grpc_timeout(request.headers()).map_or(self.limit, |t| t.min(self.limit));
        let mut call = Box::pin(self.inner.call(request));
        Box::pin(async move {
            match tokio::time::timeout(deadline, call.as_mut()).await {
                Ok(response) => response,
                Err(_) => Ok(Status::deadline_exceeded(format!(
                    "deadline exceeded: the call took longer than {deadline:?}"
                ))
                .into_http()
                .map(|body| {
                    Body::new(Holding {
                        body,
                        _call: Box::new(call),
                    })
                })),
            }
        })
    }
}

/// The answer to a call whose deadline passed, holding the abandoned call (and with it the
/// request's body) until the answer has gone out. Dropped before, the unread request body makes
/// HTTP/2 reset the stream with CANCEL ahead of the status, and the client reads CANCELLED;
/// dropped after, the reset is NO_ERROR, as HTTP/2 asks of a server that answers early.
struct Holding {
    body: Body,
    _call: Box<dyn Send>,
}

impl http_body::Body for Holding {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The client's deadline from `grpc-timeout` (at most 8 digits and a unit: H, M, S, m, u, n);
/// `None` when absent or malformed, as tonic does.
fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let split = value.len().checked_sub(1)?;
    let (amount, unit) = value.split_at_checked(split)?;
    if amount.is_empty() || amount.len() > 8 {
        return None;
    }
    let amount: u64 = amount.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().expect("ascii"));
        grpc_timeout(&headers)
    }

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse("1m"), Some(Duration::from_millis(1)));
        assert_eq!(parse("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse("3H"), Some(Duration::from_secs(3 * 3600)));
        assert_eq!(parse("99999999n"), Some(Duration::from_nanos(99_999_999)));
        assert_eq!(parse("123456789S"), None, "more than 8 digits");
        assert_eq!(parse("m"), None);
        assert_eq!(parse("5x"), None);
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }
}
