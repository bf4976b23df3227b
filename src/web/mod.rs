//! The service for browsers: gRPC-Web (on the gRPC port, with CORS for the origins configured)
//! and the demo page, on an opt-in HTTP listener of its own, which calls `Analyze` over gRPC-Web
//! from the same origin and draws the answer as `docsift analyze --format html` does.
//!
//! The page's HTML, script and style are embedded in the binary; nothing is built outside
//! `cargo build`. The script (`assets/demo.js`) speaks the gRPC-Web wire format over `fetch`
//! and reads the protobuf messages it needs by hand: a few dozen lines instead of a bundle.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic_web::{GrpcWebLayer, GrpcWebService};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::render::STYLE_SHEET;

const INDEX_HTML: &str = include_str!("assets/index.html");
const DEMO_JS: &str = include_str!("assets/demo.js");

/// The CORS policy of the gRPC port: browser pages from `origins` (`*`: any) may call it over
/// gRPC-Web; with none, no cross-origin call is allowed.
pub fn cors_layer(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    let name = HeaderName::from_static;
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            name("x-grpc-web"),
            name("x-user-agent"),
            name("grpc-timeout"),
            name("grpc-accept-encoding"),
        ])
        .expose_headers([
            name("grpc-status"),
            name("grpc-message"),
            name("grpc-status-details-bin"),
        ])
        .max_age(Duration::from_secs(24 * 60 * 60))
}

/// The demo page's routes, and `analyzer` over gRPC-Web at its usual path.
pub fn demo_router<S>(analyzer: S) -> Router
where
    GrpcWebService<S>: tower::Service<
            axum::http::Request<tonic::body::Body>,
            Response = axum::http::Response<tonic::body::Body>,
            Error = Infallible,
            Future: Send + 'static,
        > + NamedService
        + Clone
        + Send
        + Sync
        + 'static,
{
    let grpc_web = tonic::service::Routes::new(tower::Layer::layer(&GrpcWebLayer::new(), analyzer))
        .into_axum_router();
    Router::new()
        .route(
            "/",
            get(|| async { page("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/demo.js",
            get(|| async { page("text/javascript; charset=utf-8", DEMO_JS) }),
        )
        .route(
            "/docsift.css",
            get(|| async { page("text/css; charset=utf-8", STYLE_SHEET) }),
        )
        .merge(grpc_web)
}

fn page(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}

/// Binds `addr` and serves `router` on it until `stop` is cancelled; returns the bound address.
pub async fn spawn_demo(
    addr: SocketAddr,
    router: Router,
    stop: CancellationToken,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tracing::info!(http_listen = %bound, "demo page at http://{bound}/");
    tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the demo page's listener failed");
        }
    });
    Ok(bound)
}
