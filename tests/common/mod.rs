//! An in-process server on 127.0.0.1:0 and a client for it, as the integration tests use them.

#![allow(dead_code)]

use std::time::Duration;

use docsift::analysis::{Analysis, AnalysisError, Options};
use docsift::config::{ServeArgs, Settings};
use docsift::proto::analyzer_client::AnalyzerClient;
use docsift::proto::{AnalyzeRequest, Document};
use docsift::server::{self, Listener};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

pub const SEEDS: [&str; 3] = [
    "000_29c7824f0ca31858.txt",
    "001_99165fd91ff23eaf.txt",
    "002_8928c3dc22c912ee.txt",
];

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture is readable")
}

/// The default settings, with the cache off unless a test turns it on.
pub fn settings() -> Settings {
    let mut settings = ServeArgs::default().settings().expect("defaults are valid");
    settings.cache.max_bytes = 0;
    settings.grace_period = Duration::from_secs(5);
    settings
}

/// A running server; dropping it does not stop it, [`TestServer::stop`] does.
pub struct TestServer {
    pub addr: String,
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), server::ServeError>>,
}

impl TestServer {
    pub async fn start(settings: Settings) -> Self {
        Self::start_with(settings, docsift::analysis::analyze).await
    }

    pub async fn start_with(
        settings: Settings,
        analyze: fn(&str, &Options) -> Result<Analysis, AnalysisError>,
    ) -> Self {
        let mut settings = settings;
        settings.listen = "127.0.0.1:0".parse().expect("loopback address");
        let listener = Listener::bind(&settings.listen)
            .await
            .expect("bind loopback");
        let addr = listener.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server::serve_with(
            settings,
            listener,
            async {
                let _ = stopped.await;
            },
            analyze,
        ));
        Self {
            addr,
            stop: Some(stop),
            handle,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn client(&self) -> AnalyzerClient<Channel> {
        AnalyzerClient::connect(self.url())
            .await
            .expect("connect to the test server")
    }

    /// Waits until the server answers a health check, or returns the error it stopped with
    /// instead (an address in its settings that could not be bound).
    pub async fn ready(mut self) -> Result<Self, server::ServeError> {
        loop {
            if self.handle.is_finished() {
                (&mut self.handle)
                    .await
                    .expect("server task does not panic")?;
                panic!("the server stopped before serving");
            }
            let channel = Channel::from_shared(self.url()).expect("valid URL");
            if let Ok(channel) = channel.connect().await {
                let mut health = HealthClient::new(channel);
                if health.check(HealthCheckRequest::default()).await.is_ok() {
                    return Ok(self);
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends the shutdown signal without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Stops the server and waits for it to drain.
    pub async fn stop(mut self) -> Result<(), server::ServeError> {
        self.signal_stop();
        self.handle.await.expect("server task does not panic")
    }
}

pub fn request(id: &str, text: &str) -> AnalyzeRequest {
    AnalyzeRequest {
        document: Some(document(id, text)),
        ..AnalyzeRequest::default()
    }
}

pub fn document(id: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        language_hint: String::new(),
    }
}
