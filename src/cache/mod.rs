//! The result cache: identical documents with identical options are analysed once.
//!
//! Keyed by a 128-bit hash of the engine version, the options that change the result, and the
//! text; the offset unit is not part of the key, because offsets are converted after the cache.
//! (Pass-through for now: every lookup is a miss.)

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::analysis::{Analysis, Options};

/// How the cache is sized and where its shared tier lives.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// Bound on the bytes held in process; 0 turns the in-process cache off.
    pub max_bytes: u64,
    /// Time to live of an entry, from its insertion.
    pub ttl: Option<Duration>,
    /// Time to idle: an entry unused this long is dropped.
    pub tti: Option<Duration>,
    /// The shared second level, e.g. `redis://127.0.0.1:6379`; none by default.
    pub redis_url: Option<String>,
    /// The longest any Redis call may take before it counts as a miss.
    pub redis_timeout: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            max_bytes: 256 * 1024 * 1024,
            ttl: Some(Duration::from_secs(3600)),
            tti: None,
            redis_url: None,
            redis_timeout: Duration::from_millis(50),
        }
    }
}

/// The identity of a result: engine version, options and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey(pub u128);

impl CacheKey {
    pub fn new(text: &str, options: &Options) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 64);
        bytes.extend_from_slice(crate::analysis::ENGINE_VERSION.as_bytes());
        bytes.push(0);
        let f = options.features.or_all();
        bytes.extend_from_slice(&[f.entities as u8, f.quotes as u8, f.language as u8]);
        bytes.extend_from_slice(options.language_hint.as_deref().unwrap_or("").as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(text.as_bytes());
        Self(xxhash_rust::xxh3::xxh3_128(&bytes))
    }
}

/// A result and whether it came from the cache.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub analysis: Arc<Analysis>,
    /// True when no analysis ran for this request.
    pub cache_hit: bool,
}

/// Figures since start, for GetInfo and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub enabled: bool,
    pub hits: u64,
    pub misses: u64,
    pub coalesced: u64,
    pub evictions: u64,
    pub entries: u64,
    pub weighted_bytes: u64,
    pub max_bytes: u64,
    pub redis_enabled: bool,
    pub redis_hits: u64,
    pub redis_misses: u64,
    pub redis_errors: u64,
}

/// The two-level result cache. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct AnalysisCache {
    config: Arc<CacheConfig>,
}

impl AnalysisCache {
    pub async fn new(config: CacheConfig) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The cached result for `key`, or the result of `analyze`, which runs at most once for
    /// concurrent lookups of one key. With `skip_cache` the analysis runs regardless (and
    /// refreshes the cache). Errors are never cached.
    pub async fn get_or_analyze<E, F, Fut>(
        &self,
        key: CacheKey,
        skip_cache: bool,
        analyze: F,
    ) -> Result<Lookup, E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Analysis, E>> + Send + 'static,
        E: Clone + Send + Sync + 'static,
    {
        let _ = (key, skip_cache);
        let analysis = analyze().await?;
        Ok(Lookup {
            analysis: Arc::new(analysis),
            cache_hit: false,
        })
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            max_bytes: self.config.max_bytes,
            redis_enabled: self.config.redis_url.is_some(),
            ..CacheStats::default()
        }
    }
}
