//! The shared second level: results kept in Redis for a fleet of replicas.
//!
//! Redis is an optimisation, never a dependency: every call runs under the configured timeout,
//! and a failure, a timeout or an unreadable value is a miss, counted, and never an error for
//! the request. While Redis is down, calls are skipped except for one probe at a time, so an
//! outage costs requests nothing, and the outage is logged once when it starts and once when it
//! ends. The connection is made in the background, so a server starts whether Redis is up or not;
//! redis-rs's `ConnectionManager` reconnects after that.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};

use prost::Message;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Semaphore;
use tracing::{info, warn};

use super::CacheKey;
use super::stats::Counters;
use crate::analysis::Analysis;
use crate::proto::AnalyzeResponse;
use crate::proto::decode::{analysis_from_proto, analysis_to_stored_proto};

/// Marks a stored value as docsift's, format version 1: magic, version, then the key the value
/// was written under, an xxh3-64 checksum of the message, and the encoded message. A value that
/// does not carry all of these is not ours to read.
const MAGIC: &[u8; 3] = b"DSA";
const FORMAT_VERSION: u8 = 1;
const HEADER_LEN: usize = 3 + 1 + 16 + 8;

/// Writes under way at most; more are dropped (and counted), so a slow Redis cannot make
/// pending writes pile up in memory.
const MAX_PENDING_WRITES: usize = 64;

/// While Redis is down, at most one call per this interval goes through, to notice recovery.
const PROBE_INTERVAL: Duration = Duration::from_millis(250);

/// How long to wait between attempts at the first connection, at most.
const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(5);

/// The stored bytes of `analysis` under `key`; `None` when it cannot be stored (offsets past
/// 4 GiB).
pub(super) fn encode(key: CacheKey, analysis: &Analysis) -> Option<Vec<u8>> {
    let message = analysis_to_stored_proto(analysis).ok()?.encode_to_vec();
    let mut bytes = Vec::with_capacity(HEADER_LEN + message.len());
    bytes.extend_from_slice(MAGIC);
    bytes.push(FORMAT_VERSION);
    bytes.extend_from_slice(&key.0.to_le_bytes());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&message).to_le_bytes());
    bytes.extend_from_slice(&message);
    Some(bytes)
}

/// The analysis stored in `bytes` under `key`; `None` for anything else.
pub(super) fn decode(key: CacheKey, bytes: &[u8]) -> Option<Analysis> {
    let (header, message) = bytes.split_at_checked(HEADER_LEN)?;
    let (magic, rest) = header.split_at(3);
    let (version, rest) = rest.split_at(1);
    let (stored_key, checksum) = rest.split_at(16);
    if magic != MAGIC || version[0] != FORMAT_VERSION || stored_key != key.0.to_le_bytes() {
        return None;
    }
    if checksum != xxhash_rust::xxh3::xxh3_64(message).to_le_bytes() {
        return None;
    }
    let response = AnalyzeResponse::decode(message).ok()?;
    analysis_from_proto(&response).ok()
}

/// What a Redis call is for, which decides how a skipped call is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Lookup,
    Write,
}

/// Whether Redis is answering, and when the next probe may go through while it is not.
struct Health {
    down: AtomicBool,
    /// Milliseconds since `epoch` before which calls are skipped.
    next_probe: AtomicU64,
    epoch: Instant,
}

impl Health {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether a call may go to Redis now. While down, one caller per probe interval may.
    fn may_call(&self) -> bool {
        if !self.down.load(Ordering::Relaxed) {
            return true;
        }
        let now = self.now_ms();
        let next = self.next_probe.load(Ordering::Relaxed);
        now >= next
            && self
                .next_probe
                .compare_exchange(
                    next,
                    now + PROBE_INTERVAL.as_millis() as u64,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    fn succeeded(&self, url: &str) {
        if self.down.swap(false, Ordering::Relaxed) {
            info!(redis = url, "Redis cache tier is back");
        }
    }

    fn failed(&self, url: &str, error: &dyn std::fmt::Display) {
        self.next_probe.store(
            self.now_ms() + PROBE_INTERVAL.as_millis() as u64,
            Ordering::Relaxed,
        );
        if !self.down.swap(true, Ordering::Relaxed) {
            warn!(
                redis = url,
                %error,
                "Redis cache tier is unavailable; going on without it until it answers again"
            );
        }
    }
}

/// A handle on the Redis tier. Shared by the cache and its load tasks.
pub(super) struct RedisTier {
    client: redis::Client,
    /// Set once the first connection is made; the manager reconnects by itself after that.
    connection: OnceLock<ConnectionManager>,
    /// The URL without credentials, for logs.
    display_url: String,
    timeout: Duration,
    ttl: Option<Duration>,
    health: Health,
    writes: Arc<Semaphore>,
    counters: Arc<Counters>,
}

impl RedisTier {
    /// Connects to `url` in the background, waiting at most `timeout` for the first connection
    /// so that a reachable Redis serves the very first lookups.
    pub async fn start(
        url: &str,
        timeout: Duration,
        ttl: Option<Duration>,
        counters: Arc<Counters>,
    ) -> Result<Arc<Self>, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let info = client.get_connection_info();
        let display_url = format!("{}/{}", info.addr, info.redis.db);
        let tier = Arc::new(Self {
            client,
            connection: OnceLock::new(),
            display_url,
            timeout,
            ttl,
            health: Health {
                down: AtomicBool::new(false),
                next_probe: AtomicU64::new(0),
                epoch: Instant::now(),
            },
            writes: Arc::new(Semaphore::new(MAX_PENDING_WRITES)),
            counters,
        });
        let connecting = tokio::spawn(Self::connect(Arc::downgrade(&tier)));
        // Either way, the task goes on; this only waits a moment for a quick success.
        let _ = tokio::time::timeout(timeout, connecting).await;
        Ok(tier)
    }

    fn manager_config(&self) -> ConnectionManagerConfig {
        // One attempt per reconnection: the manager's own backoff would hold every call on a
        // pending reconnection for seconds after Redis comes back. The probe interval paces
        // attempts instead.
        ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(self.timeout.max(Duration::from_millis(250)))
            .set_response_timeout(self.timeout)
    }

    /// Makes the first connection, retrying with backoff until it succeeds or the tier is gone.
    async fn connect(tier: Weak<Self>) {
        let mut backoff = Duration::from_millis(100);
        loop {
            let Some(this) = tier.upgrade() else { return };
            let attempt = tokio::time::timeout(
                this.timeout.max(Duration::from_millis(250)),
                ConnectionManager::new_with_config(this.client.clone(), this.manager_config()),
            )
            .await;
            match attempt {
                Ok(Ok(connection)) => {
                    let _ = this.connection.set(connection);
                    this.health.succeeded(&this.display_url);
                    return;
                }
                Ok(Err(error)) => this.health.failed(&this.display_url, &error),
                Err(_) => this
                    .health
                    .failed(&this.display_url, &"connection timed out"),
            }
            drop(this);
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_CONNECT_BACKOFF);
        }
    }

    /// Runs one command under the timeout; `None` on any failure, counted and logged once.
    /// While Redis is down (or not yet connected) the command is skipped, which counts as an
    /// error for a lookup (a miss it could not avoid) and as nothing for a write.
    async fn call<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
        purpose: Purpose,
    ) -> Option<T> {
        let connection = match self.connection.get() {
            Some(connection) if self.health.may_call() => connection,
            _ => {
                if purpose == Purpose::Lookup {
                    Counters::bump(&self.counters.redis_errors);
                }
                return None;
            }
        };
        let mut connection = connection.clone();
        match tokio::time::timeout(self.timeout, command.query_async::<T>(&mut connection)).await {
            Ok(Ok(value)) => {
                self.health.succeeded(&self.display_url);
                Some(value)
            }
            Ok(Err(error)) => {
                Counters::bump(&self.counters.redis_errors);
                self.health.failed(&self.display_url, &error);
                None
            }
            Err(_) => {
                Counters::bump(&self.counters.redis_errors);
                self.health.failed(&self.display_url, &"call timed out");
                None
            }
        }
    }

    /// The stored result of `key`, if Redis has a readable one.
    pub async fn get(&self, key: CacheKey) -> Option<Arc<Analysis>> {
        let bytes: Option<Vec<u8>> = self
            .call(redis::cmd("GET").arg(key.redis_key()), Purpose::Lookup)
            .await?;
        let Some(bytes) = bytes else {
            Counters::bump(&self.counters.redis_misses);
            return None;
        };
        match decode(key, &bytes) {
            Some(analysis) => {
                Counters::bump(&self.counters.redis_hits);
                Some(Arc::new(analysis))
            }
            None => {
                Counters::bump(&self.counters.redis_errors);
                tracing::debug!(%key, "unreadable value in Redis, taken as a miss");
                None
            }
        }
    }

    /// Stores `analysis` under `key` in a task of its own; the caller does not wait. Dropped
    /// when too many writes are under way.
    pub fn put_in_background(self: &Arc<Self>, key: CacheKey, analysis: Arc<Analysis>) {
        let Ok(permit) = Arc::clone(&self.writes).try_acquire_owned() else {
            Counters::bump(&self.counters.redis_writes_dropped);
            return;
        };
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let _permit = permit;
            this.put(key, &analysis).await;
        });
    }

    /// Stores `analysis` under `key`, with the cache's time to live.
    pub async fn put(&self, key: CacheKey, analysis: &Analysis) {
        let Some(bytes) = encode(key, analysis) else {
            return;
        };
        let mut command = redis::cmd("SET");
        command.arg(key.redis_key()).arg(bytes);
        if let Some(ttl) = self.ttl {
            command
                .arg("PX")
                .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1));
        }
        let _: Option<()> = self.call(&command, Purpose::Write).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Options, analyze};

    #[test]
    fn stored_values_round_trip_and_garbage_is_refused() {
        let text = "“We remain friends,” said Phay Siphan, a government spokesman.";
        let analysis = analyze(text, &Options::default()).expect("non-empty text");
        let key = CacheKey::new(text, &Options::default());
        let bytes = encode(key, &analysis).expect("small offsets");
        assert_eq!(decode(key, &bytes), Some(analysis));

        // Another key's value, a flipped byte, a newer format, a short value: all refused.
        assert_eq!(decode(CacheKey(key.0 ^ 1), &bytes), None);
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        assert_eq!(decode(key, &flipped), None);
        let mut newer = bytes.clone();
        newer[3] = FORMAT_VERSION + 1;
        assert_eq!(decode(key, &newer), None);
        assert_eq!(decode(key, b"garbage"), None);
        assert_eq!(decode(key, &[]), None);
    }
}
