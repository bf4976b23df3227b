//! The worker's gRPC health (`grpc.health.v1`) on `--listen`, so that Kubernetes probes a
//! worker as it probes a server. SERVING only while the worker is connected to NATS and pulls
//! documents; NOT_SERVING while it waits for NATS and once it drains.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio_stream::wrappers::{TcpListenerStream, UnixListenerStream};
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::server::Listener;

/// Serves health on `listener` until `stop` is cancelled.
pub async fn serve(
    listener: Listener,
    service: tonic_health::pb::health_server::HealthServer<
        impl tonic_health::pb::health_server::Health,
    >,
    stop: CancellationToken,
) -> Result<(), tonic::transport::Error> {
    let router = tonic::transport::Server::builder().add_service(service);
    let stopped = stop.cancelled_owned();
    match listener {
        Listener::Tcp(listener) => {
            router
                .serve_with_incoming_shutdown(TcpListenerStream::new(listener), stopped)
                .await
        }
        Listener::Unix { listener, path } => {
            let result = router
                .serve_with_incoming_shutdown(UnixListenerStream::new(listener), stopped)
                .await;
            let _ = std::fs::remove_file(path);
            result
        }
    }
}

/// Keeps the reported status in step with the worker: SERVING while `pulling` is set, the NATS
/// connection is up and no drain has started.
pub async fn follow(
    reporter: HealthReporter,
    client: async_nats::Client,
    pulling: Arc<AtomicBool>,
    draining: CancellationToken,
) {
    let mut reported = None;
    loop {
        let serving = !draining.is_cancelled()
            && pulling.load(Ordering::Relaxed)
            && client.connection_state() == async_nats::connection::State::Connected;
        let status = if serving {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        if reported != Some(status) {
            reporter.set_service_status("", status).await;
            tracing::info!(?status, "health");
            reported = Some(status);
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(200)) => {}
            () = draining.cancelled(), if !draining.is_cancelled() => {}
        }
    }
}
