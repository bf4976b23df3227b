//! Assembling and running the server: the Analyzer service with health, reflection (v1 and
//! v1alpha, since grpcurl 1.8 speaks only v1alpha), compression, limits, and a graceful drain.

use std::future::Future;
use std::path::PathBuf;

use futures::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio_stream::wrappers::{TcpListenerStream, UnixListenerStream};
use tonic::codec::CompressionEncoding;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::server::Connected;
use tonic_health::ServingStatus;

use crate::auth::Authenticator;
use crate::config::{ListenAddr, Settings};
use crate::grpc::AnalyzerService;
use crate::grpc::deadline::DeadlineLayer;
use crate::grpc::validate::Limits;
use crate::grpc::workers::{AnalyzeFn, Workers};
use crate::proto::{self, analyzer_server::AnalyzerServer};
use crate::telemetry::{self, Metrics, calls::CallLayer};
use crate::{analysis, cache::AnalysisCache};

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot start the analysis workers: {0}")]
    Workers(std::io::Error),
    #[error("cannot build the reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("--auth-token-file: {0}")]
    TokenFile(#[from] crate::auth::TokenFileError),
    #[error("cannot start TLS: {0}")]
    Tls(tonic::transport::Error),
}

/// A bound listening socket.
pub enum Listener {
    Tcp(TcpListener),
    Unix {
        listener: UnixListener,
        path: PathBuf,
    },
}

impl Listener {
    /// Binds `addr`; a Unix socket gets the default mode, 0600.
    pub async fn bind(addr: &ListenAddr) -> Result<Self, ServeError> {
        Self::bind_with_mode(addr, 0o600).await
    }

    /// Binds `addr`; a Unix socket gets the permissions `unix_mode`.
    pub async fn bind_with_mode(addr: &ListenAddr, unix_mode: u32) -> Result<Self, ServeError> {
        let error = |source| ServeError::Bind {
            addr: addr.to_string(),
            source,
        };
        match addr {
            ListenAddr::Tcp(socket) => TcpListener::bind(socket)
                .await
                .map(Listener::Tcp)
                .map_err(error),
            ListenAddr::Unix(path) => {
                // A socket file left by an earlier run would make bind fail.
                if std::fs::symlink_metadata(path)
                    .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
                {
                    let _ = std::fs::remove_file(path);
                }
                crate::unix_socket::bind(path, unix_mode)
                    .map(|listener| Listener::Unix {
                        listener,
                        path: path.clone(),
                    })
                    .map_err(error)
            }
        }
    }

    /// The address actually bound (the port chosen for `:0`).
    pub fn local_addr(&self) -> String {
        match self {
            Listener::Tcp(listener) => listener
                .local_addr()
                .map_or_else(|e| e.to_string(), |a| a.to_string()),
            Listener::Unix { path, .. } => format!("unix:{}", path.display()),
        }
    }
}

/// Serves until `shutdown` completes, then drains in-flight calls for at most the grace period.
pub async fn serve(
    settings: Settings,
    listener: Listener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    warm_up_beside();
    serve_with(settings, listener, shutdown, analysis::analyze).await
}

/// Reads the analysis tables on a thread of its own, so that they load beside start-up and not
/// in the first caller's time.
pub(crate) fn warm_up_beside() {
    let _ = std::thread::Builder::new()
        .name("docsift-warm-up".into())
        .spawn(analysis::warm_up);
}

/// [`serve`] with another analysis function (tests use this to simulate slow or failing work).
pub async fn serve_with(
    settings: Settings,
    listener: Listener,
    shutdown: impl Future<Output = ()> + Send,
    analyze: AnalyzeFn,
) -> Result<(), ServeError> {
    match listener {
        Listener::Tcp(listener) => {
            let incoming = TcpListenerStream::new(listener).map(|stream| {
                let stream = stream?;
                stream.set_nodelay(true)?;
                Ok::<_, std::io::Error>(stream)
            });
            run(settings, incoming, shutdown, analyze).await
        }
        Listener::Unix { listener, path } => {
            let result = run(
                settings,
                UnixListenerStream::new(listener),
                shutdown,
                analyze,
            )
            .await;
            let _ = std::fs::remove_file(path);
            result
        }
    }
}

async fn run<IO, E>(
    settings: Settings,
    incoming: impl Stream<Item = Result<IO, E>> + Send + 'static,
    shutdown: impl Future<Output = ()> + Send,
    analyze: AnalyzeFn,
) -> Result<(), ServeError>
where
    IO: AsyncRead + AsyncWrite + Connected + Unpin + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut workers = Workers::new(settings.workers, settings.max_in_flight, analyze)
        .map_err(ServeError::Workers)?;
    let cache = AnalysisCache::new(settings.cache.clone()).await;
    let metrics_listener = match settings.metrics_listen {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: format!("{addr} (--metrics-listen)"),
                    source,
                })?,
        ),
        None => None,
    };
    let metrics = metrics_listener.as_ref().map(|_| Metrics::new());
    if let Some(metrics) = &metrics {
        workers = workers.with_metrics(metrics.clone());
    }
    let metrics_stop = tokio_util::sync::CancellationToken::new();
    if let (Some(listener), Some(metrics)) = (metrics_listener, &metrics) {
        let addr = listener.local_addr().map_err(|source| ServeError::Bind {
            addr: "--metrics-listen".into(),
            source,
        })?;
        tracing::info!(%addr, "metrics on http://{addr}/metrics");
        let registry = metrics.registry(cache.clone(), workers.clone());
        let stop = metrics_stop.clone().cancelled_owned();
        tokio::spawn(async move {
            if let Err(error) = telemetry::listener::serve_metrics(listener, registry, stop).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    let _stop_metrics = metrics_stop.drop_guard();
    let limits = Limits {
        max_document_bytes: settings.max_document_bytes,
        max_batch_documents: settings.max_batch_documents,
    };
    let service = AnalyzerService::new(
        workers,
        cache,
        limits,
        settings.stream_window,
        settings.max_message_bytes,
    );
    let analyzer = AnalyzerServer::new(service)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .send_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(settings.max_message_bytes)
        .max_encoding_message_size(settings.max_message_bytes);
    let auth = Authenticator::start(&settings.token_source(), settings.auth_scope)?;
    let analyzer = InterceptedService::new(analyzer, auth.interceptor(true));

    // The demo page, with gRPC-Web for it, on its own opt-in HTTP listener.
    let demo_stop = tokio_util::sync::CancellationToken::new();
    if let Some(addr) = settings.http_listen {
        crate::web::spawn_demo(
            addr,
            crate::web::demo_router(analyzer.clone()),
            demo_stop.clone(),
        )
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    }

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_serving::<AnalyzerServer<AnalyzerService>>()
        .await;
    health.set_service_status("", ServingStatus::Serving).await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;
    let health_service = InterceptedService::new(health_service, auth.interceptor(false));
    let reflection_v1 = InterceptedService::new(reflection_v1, auth.interceptor(false));
    let reflection_v1alpha = InterceptedService::new(reflection_v1alpha, auth.interceptor(false));

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut builder = tonic::transport::Server::builder();
    if let Some(tls) = &settings.tls {
        builder = builder.tls_config(tls.config()).map_err(ServeError::Tls)?;
    }
    let server = builder
        .layer(CallLayer::new(metrics, settings.request_timeout))
        // In place of tonic's timeout, which answers CANCELLED (src/grpc/deadline.rs).
        .layer(DeadlineLayer::new(settings.request_timeout))
        // gRPC-Web for browsers (HTTP/1.1 too), cross-origin only from --cors-allow-origin.
        .accept_http1(true)
        .layer(crate::web::cors_layer(&settings.cors_allow_origin))
        .layer(tonic_web::GrpcWebLayer::new())
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(analyzer)
        .serve_with_incoming_shutdown(incoming, async {
            let _ = stopped.await;
        });
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(ServeError::from),
        () = shutdown => {}
    }

    tracing::info!(grace_period = ?settings.grace_period, "shutting down: draining in-flight calls");
    health
        .set_not_serving::<AnalyzerServer<AnalyzerService>>()
        .await;
    health
        .set_service_status("", ServingStatus::NotServing)
        .await;
    let _ = stop.send(());
    demo_stop.cancel();
    // tonic waits for open streams without limit; the grace period bounds the drain.
    match tokio::time::timeout(settings.grace_period, server).await {
        Ok(result) => {
            tracing::info!("drained; stopped");
            result.map_err(ServeError::from)
        }
        Err(_) => {
            tracing::warn!("grace period over: closing the calls still open");
            Ok(())
        }
    }
}
