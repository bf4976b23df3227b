//! The server's configuration: flags and `DOCSIFT_*` environment variables (clap), checked once
//! at start into a [`Settings`] that the rest of the server trusts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::auth::{AuthScope, TokenFileError, TokenSource, read_token_file};
use crate::cache::{CacheConfig, CacheConfigError};
use crate::tls::{ServerTls, TlsError};

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl std::str::FromStr for ListenAddr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err("unix: needs a socket path, e.g. unix:/run/docsift.sock".into());
            }
            return Ok(ListenAddr::Unix(PathBuf::from(path)));
        }
        s.parse()
            .map(ListenAddr::Tcp)
            .map_err(|e| format!("{s:?} is neither HOST:PORT nor unix:/path ({e})"))
    }
}

impl std::fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListenAddr::Tcp(addr) => write!(f, "{addr}"),
            ListenAddr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Flags of `docsift serve`; each has a `DOCSIFT_*` environment variable.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on: HOST:PORT, or unix:/path/to.sock for a Unix domain socket.
    #[arg(long, env = "DOCSIFT_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: ListenAddr,
    /// Largest document text accepted, in bytes.
    #[arg(long, env = "DOCSIFT_MAX_DOCUMENT_BYTES", default_value_t = 1024 * 1024)]
    pub max_document_bytes: usize,
    /// Most documents in one batch request.
    #[arg(long, env = "DOCSIFT_MAX_BATCH_DOCUMENTS", default_value_t = 1000)]
    pub max_batch_documents: usize,
    /// Largest gRPC message accepted or sent, in bytes.
    #[arg(long, env = "DOCSIFT_MAX_MESSAGE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Documents admitted for analysis at once across all calls (running or queued); past it,
    /// RESOURCE_EXHAUSTED.
    #[arg(long, env = "DOCSIFT_MAX_IN_FLIGHT", default_value_t = 1024)]
    pub max_in_flight: usize,
    /// Analysis threads; 0 means one per core.
    #[arg(long, env = "DOCSIFT_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Documents of one stream or batch analysed at once; 0 means twice the workers.
    #[arg(long, env = "DOCSIFT_STREAM_WINDOW", default_value_t = 0)]
    pub stream_window: usize,
    /// Longest a call may take (a client's shorter deadline wins), e.g. "30s".
    #[arg(long, env = "DOCSIFT_REQUEST_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,
    /// On SIGTERM/SIGINT, how long in-flight calls may take to finish before the server stops.
    #[arg(long, env = "DOCSIFT_GRACE_PERIOD", default_value = "10s", value_parser = humantime::parse_duration)]
    pub grace_period: Duration,
    /// Bytes the in-process result cache may hold; 0 turns it off.
    #[arg(long, env = "DOCSIFT_CACHE_MAX_BYTES", default_value_t = 256 * 1024 * 1024)]
    pub cache_max_bytes: u64,
    /// Time to live of a cached result (in process and in Redis), e.g. "1h"; 0 means no expiry.
    #[arg(long, env = "DOCSIFT_CACHE_TTL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub cache_ttl: Duration,
    /// Time to idle: a cached result unused this long is dropped; unset means no limit.
    #[arg(long, env = "DOCSIFT_CACHE_TTI", value_parser = humantime::parse_duration)]
    pub cache_tti: Option<Duration>,
    /// Shared second-level cache, e.g. redis://127.0.0.1:6379/0 or unix:///run/redis.sock (TLS
    /// `rediss://` is not supported); off when unset.
    #[arg(long, env = "DOCSIFT_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Longest a Redis call may take before it counts as a miss.
    #[arg(long, env = "DOCSIFT_REDIS_TIMEOUT", default_value = "50ms", value_parser = humantime::parse_duration)]
    pub redis_timeout: Duration,
    /// Require `authorization: Bearer TOKEN` on every Analyzer call (health and reflection stay
    /// open for probes).
    #[arg(long, env = "DOCSIFT_AUTH_TOKEN", hide_env_values = true)]
    pub auth_token: Option<String>,
    /// Serve Prometheus metrics on http://HOST:PORT/metrics; off when unset.
    #[arg(long, env = "DOCSIFT_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Export traces over OTLP/gRPC to this collector, e.g. http://127.0.0.1:4317; off when
    /// unset. A call's `traceparent` metadata makes its spans part of the caller's trace.
    #[arg(long, env = "DOCSIFT_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,
    /// Origins whose browser pages may call the service over gRPC-Web (CORS), e.g.
    /// https://app.example.com; repeat the flag or separate by commas; `*` allows any. None by
    /// default: only pages served by docsift itself (the demo page) and non-browser clients.
    #[arg(long, env = "DOCSIFT_CORS_ALLOW_ORIGIN", value_delimiter = ',')]
    pub cors_allow_origin: Vec<String>,
    /// Serve the demo page (and gRPC-Web for it) over HTTP on HOST:PORT; off when unset.
    #[arg(long, env = "DOCSIFT_HTTP_LISTEN")]
    pub http_listen: Option<SocketAddr>,
    /// A file of accepted bearer tokens, one a line, re-read when it changes (a rotated
    /// Kubernetes secret); keeps tokens out of the process list.
    #[arg(long, env = "DOCSIFT_AUTH_TOKEN_FILE", conflicts_with = "auth_token")]
    pub auth_token_file: Option<PathBuf>,
    /// What the bearer token guards: `analyzer` (health and reflection stay open) or `all`.
    #[arg(
        long,
        env = "DOCSIFT_AUTH_SCOPE",
        value_enum,
        default_value = "analyzer"
    )]
    pub auth_scope: AuthScope,
    /// Serve TLS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, env = "DOCSIFT_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "DOCSIFT_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Mutual TLS: require client certificates issued by these CA certificates (PEM).
    #[arg(long, env = "DOCSIFT_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,
    /// Permissions of the Unix socket (octal); only its owner may connect by default.
    #[arg(long, env = "DOCSIFT_UNIX_SOCKET_MODE", default_value = "600", value_parser = parse_mode)]
    pub unix_socket_mode: u32,
}

fn parse_mode(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim_start_matches("0o"), 8)
        .ok()
        .filter(|mode| *mode <= 0o777)
        .ok_or_else(|| format!("{s:?} is not an octal file mode such as 600 or 660"))
}

/// Why a configuration was refused at start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--{flag} must be {requirement} (got {value})")]
    Invalid {
        flag: &'static str,
        requirement: String,
        value: String,
    },
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("--auth-token-file: {0}")]
    TokenFile(#[from] TokenFileError),
}

/// The checked configuration of a server.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: ListenAddr,
    pub max_document_bytes: usize,
    pub max_batch_documents: usize,
    pub max_message_bytes: usize,
    pub max_in_flight: usize,
    pub workers: usize,
    pub stream_window: usize,
    pub request_timeout: Duration,
    pub grace_period: Duration,
    pub cache: CacheConfig,
    pub auth_token: Option<String>,
    /// Where Prometheus metrics are served; `None` turns metrics off.
    pub metrics_listen: Option<SocketAddr>,
    /// Browser origins allowed to call over gRPC-Web; `*` is any.
    pub cors_allow_origin: Vec<String>,
    pub http_listen: Option<SocketAddr>,
    pub auth_token_file: Option<PathBuf>,
    pub auth_scope: AuthScope,
    pub tls: Option<ServerTls>,
    pub unix_socket_mode: u32,
}

impl Settings {
    /// Where the accepted bearer tokens come from.
    pub fn token_source(&self) -> TokenSource {
        match (&self.auth_token, &self.auth_token_file) {
            (_, Some(path)) => TokenSource::File(path.clone()),
            (Some(token), None) => TokenSource::Fixed(token.clone()),
            (None, None) => TokenSource::None,
        }
    }
}

impl ServeArgs {
    /// Checks the flags and resolves the automatic ones.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        fn invalid(flag: &'static str, requirement: &str, value: impl ToString) -> ConfigError {
            ConfigError::Invalid {
                flag,
                requirement: requirement.into(),
                value: value.to_string(),
            }
        }
        if self.max_document_bytes == 0 {
            return Err(invalid("max-document-bytes", "at least 1", 0));
        }
        if self.max_message_bytes < 1024 {
            return Err(invalid(
                "max-message-bytes",
                "at least 1024",
                self.max_message_bytes,
            ));
        }
        if self.max_document_bytes > self.max_message_bytes {
            return Err(invalid(
                "max-document-bytes",
                &format!("at most --max-message-bytes ({})", self.max_message_bytes),
                self.max_document_bytes,
            ));
        }
        if self.max_document_bytes > u32::MAX as usize {
            return Err(invalid(
                "max-document-bytes",
                "below 4 GiB (offsets are 32-bit)",
                self.max_document_bytes,
            ));
        }
        if self.max_batch_documents == 0 {
            return Err(invalid("max-batch-documents", "at least 1", 0));
        }
        if self.max_in_flight == 0 {
            return Err(invalid("max-in-flight", "at least 1", 0));
        }
        if self.request_timeout.is_zero() {
            return Err(invalid("request-timeout", "longer than 0", "0s"));
        }
        let cache = CacheConfig {
            max_bytes: self.cache_max_bytes,
            ttl: Some(self.cache_ttl).filter(|ttl| !ttl.is_zero()),
            tti: self.cache_tti.filter(|tti| !tti.is_zero()),
            redis_url: self.redis_url.clone(),
            redis_timeout: self.redis_timeout,
        };
        cache.validate().map_err(|error| match error {
            CacheConfigError::RedisUrl { url, reason } => invalid(
                "redis-url",
                &format!("a redis:// or unix:// URL ({reason})"),
                url,
            ),
            CacheConfigError::ZeroRedisTimeout => invalid("redis-timeout", "longer than 0", "0s"),
            CacheConfigError::TooLong { field } => {
                let (flag, value) = if field == "ttl" {
                    ("cache-ttl", Some(self.cache_ttl))
                } else {
                    ("cache-tti", self.cache_tti)
                };
                let value = humantime::format_duration(value.unwrap_or_default());
                invalid(flag, "at most 1000 years", value)
            }
        })?;
        if self.auth_token.as_deref().is_some_and(str::is_empty) {
            return Err(invalid("auth-token", "non-empty when set", "\"\""));
        }
        if let Some(path) = &self.auth_token_file {
            // Read now so that a wrong path stops the server at start, with the flag named.
            read_token_file(path)?;
        }
        let tls = ServerTls::load(
            self.tls_cert.as_deref(),
            self.tls_key.as_deref(),
            self.tls_client_ca.as_deref(),
        )?;
        if let Some(origin) = self
            .cors_allow_origin
            .iter()
            .find(|origin| !is_origin(origin))
        {
            return Err(invalid(
                "cors-allow-origin",
                "`*` or an origin like https://app.example.com (scheme, host, optional port)",
                origin,
            ));
        }
        let workers = if self.workers == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.workers
        };
        let stream_window = if self.stream_window == 0 {
            workers * 2
        } else {
            self.stream_window
        };
        Ok(Settings {
            listen: self.listen.clone(),
            max_document_bytes: self.max_document_bytes,
            max_batch_documents: self.max_batch_documents,
            max_message_bytes: self.max_message_bytes,
            max_in_flight: self.max_in_flight,
            workers,
            stream_window: stream_window.min(self.max_in_flight),
            request_timeout: self.request_timeout,
            grace_period: self.grace_period,
            cache,
            auth_token: self.auth_token.clone(),
            auth_token_file: self.auth_token_file.clone(),
            auth_scope: self.auth_scope,
            tls,
            unix_socket_mode: self.unix_socket_mode,
            cors_allow_origin: self.cors_allow_origin.clone(),
            http_listen: self.http_listen,
            metrics_listen: self.metrics_listen,
        })
    }
}

/// Whether `value` is `*` or a browser origin: `http(s)://host[:port]`, nothing after.
fn is_origin(value: &str) -> bool {
    if value == "*" {
        return true;
    }
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl Default for ServeArgs {
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            args: ServeArgs,
        }
        <Defaults as clap::Parser>::parse_from(["docsift"]).args
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ServeArgs,
    }

    fn parse(args: &[&str]) -> Result<Settings, String> {
        let cli = Cli::try_parse_from(std::iter::once("docsift").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        cli.args.settings().map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_are_valid() {
        let settings = parse(&[]).expect("defaults are valid");
        assert_eq!(
            settings.listen,
            ListenAddr::Tcp("127.0.0.1:50051".parse().expect("addr"))
        );
        assert!(settings.workers >= 1);
        assert_eq!(settings.stream_window, settings.workers * 2);
    }

    #[test]
    fn unix_socket_address() {
        let settings = parse(&["--listen", "unix:/tmp/d.sock"]).expect("valid");
        assert_eq!(settings.listen, ListenAddr::Unix("/tmp/d.sock".into()));
    }

    #[test]
    fn refuses_inconsistent_limits_with_a_clear_message() {
        let error = parse(&[
            "--max-document-bytes",
            "2000",
            "--max-message-bytes",
            "1500",
        ])
        .expect_err("document larger than a message");
        assert_eq!(
            error,
            "--max-document-bytes must be at most --max-message-bytes (1500) (got 2000)"
        );
        assert!(
            parse(&["--listen", "nowhere"])
                .expect_err("bad address")
                .contains("neither HOST:PORT")
        );
        assert!(parse(&["--cache-ttl", "soon"]).is_err());
        assert!(
            parse(&["--redis-url", "http://x"])
                .expect_err("bad url")
                .contains("redis-url")
        );
    }

    #[test]
    fn cache_settings_are_checked_with_the_flag_named() {
        let settings = parse(&["--cache-ttl", "0s"]).expect("0 is no expiry");
        assert_eq!(settings.cache.ttl, None);
        let error = parse(&["--redis-url", "rediss://cache:6380"]).expect_err("no TLS");
        assert!(error.contains("--redis-url"), "{error}");
        let error = parse(&["--redis-url", "redis://h:1", "--redis-timeout", "0s"])
            .expect_err("zero timeout");
        assert!(
            error.contains("--redis-timeout must be longer than 0"),
            "{error}"
        );
        let error = parse(&["--cache-tti", "2000years"]).expect_err("too long");
        assert!(
            error.contains("--cache-tti must be at most 1000 years"),
            "{error}"
        );
    }

    #[test]
    fn cors_origins_are_checked_with_the_flag_named() {
        let settings = parse(&[
            "--cors-allow-origin",
            "https://app.example.com,http://localhost:8080",
        ])
        .expect("two origins");
        assert_eq!(settings.cors_allow_origin.len(), 2);
        assert!(parse(&[]).expect("valid").cors_allow_origin.is_empty());
        for bad in [
            "app.example.com",
            "https://app.example.com/path",
            "https://",
        ] {
            let error = parse(&["--cors-allow-origin", bad]).expect_err("not an origin");
            assert!(error.contains("--cors-allow-origin must be"), "{error}");
        }
    }

    #[test]
    fn durations_are_human() {
        let settings =
            parse(&["--request-timeout", "2m", "--redis-timeout", "20ms"]).expect("valid");
        assert_eq!(settings.request_timeout, Duration::from_secs(120));
        assert_eq!(settings.cache.redis_timeout, Duration::from_millis(20));
    }
}
