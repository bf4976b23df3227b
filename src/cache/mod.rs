//! The result cache: identical documents with identical options are analysed once.
//!
//! Sidecars and pipelines send the same article many times (retries, fan-out, re-crawls), so
//! the second request should cost almost nothing and a burst of identical requests should cost
//! one analysis. Two levels serve that:
//!
//! - an in-process moka cache, bounded in bytes by a weigher that counts what each result
//!   holds, with a time to live and a time to idle. Concurrent lookups of one key wait for one
//!   load, which runs as a task of its own so that a cancelled caller stalls nobody;
//! - an optional Redis tier shared by a fleet of replicas, looked up after a local miss and
//!   written after an analysis. Redis can only make requests cheaper: when it is slow, down or
//!   returns garbage, lookups are misses within its timeout, counted and logged once.
//!
//! Keys hash the engine version, the options that change the result and the text; the offset
//! unit is not part of the key, because offsets are converted after the cache. Values are the
//! core's results (byte offsets) behind an `Arc`. Errors are never cached.

mod inflight;
mod key;
mod redis_tier;
mod stats;
mod weigh;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::join_all;
use moka::future::Cache;
use tracing::error;

use crate::analysis::Analysis;
use inflight::{InFlight, Interest, Joined, Outcome, Source};
use redis_tier::RedisTier;
use stats::Counters;

pub use key::CacheKey;
pub use stats::CacheStats;

/// How often pending maintenance (evictions, expiry, statistics) runs, so that the byte bound
/// holds even when no lookups come to drive it.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(1);

/// How the cache is sized and where its shared tier lives.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// Bound on the bytes held in process; 0 turns the in-process cache off.
    pub max_bytes: u64,
    /// Time to live of an entry, from its insertion, in process and in Redis. `None` or zero:
    /// entries live until evicted.
    pub ttl: Option<Duration>,
    /// Time to idle: an entry unused this long is dropped (in process only). `None` or zero:
    /// no idle limit.
    pub tti: Option<Duration>,
    /// The shared second level, e.g. `redis://127.0.0.1:6379/0`; none by default.
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

/// Why a cache configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheConfigError {
    #[error("redis_url {url:?} is not a Redis URL: {reason}")]
    RedisUrl { url: String, reason: String },
    #[error("redis_timeout must be more than zero")]
    ZeroRedisTimeout,
    #[error("{field} must be at most 1000 years")]
    TooLong { field: &'static str },
}

impl CacheConfig {
    /// Checks what [`AnalysisCache::new`] would otherwise only log: call it when the server's
    /// configuration is validated at start.
    pub fn validate(&self) -> Result<(), CacheConfigError> {
        if let Some(url) = &self.redis_url {
            redis::Client::open(url.as_str()).map_err(|error| CacheConfigError::RedisUrl {
                url: url.clone(),
                reason: error.to_string(),
            })?;
            if self.redis_timeout.is_zero() {
                return Err(CacheConfigError::ZeroRedisTimeout);
            }
        }
        // moka refuses longer durations (it panics).
        let limit = Duration::from_secs(1000 * 365 * 24 * 3600);
        for (field, value) in [("ttl", self.ttl), ("tti", self.tti)] {
            if value.is_some_and(|d| d > limit) {
                return Err(CacheConfigError::TooLong { field });
            }
        }
        Ok(())
    }
}

/// A result and whether it came from the cache.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub analysis: Arc<Analysis>,
    /// True when no analysis ran for this request: an in-process hit, a wait for an identical
    /// request's analysis, or a Redis hit.
    pub cache_hit: bool,
}

/// How a lookup that missed in process got its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetched {
    /// Its own load ran the analysis.
    Analysed,
    /// Its own load found the result in Redis.
    Redis,
    /// It joined the load of an identical lookup.
    Joined,
}

/// The two-level result cache. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct AnalysisCache {
    inner: Arc<Inner>,
}

struct Inner {
    max_bytes: u64,
    /// The in-process level; `None` when `max_bytes` is 0.
    local: Option<Cache<CacheKey, Arc<Analysis>>>,
    /// The shared level; `None` when not configured.
    redis: Option<Arc<RedisTier>>,
    loads: Arc<InFlight>,
    counters: Arc<Counters>,
}

impl AnalysisCache {
    /// Builds the cache. With Redis configured, waits at most `redis_timeout` for a first
    /// connection and goes on connecting in the background: an unreachable Redis never keeps a
    /// server from starting. An invalid Redis URL is logged and the tier left off (check it
    /// first with [`CacheConfig::validate`]). Must be called inside a tokio runtime.
    pub async fn new(config: CacheConfig) -> Self {
        let counters = Arc::new(Counters::default());
        let ttl = config.ttl.filter(|d| !d.is_zero());
        let tti = config.tti.filter(|d| !d.is_zero());
        let local = (config.max_bytes > 0).then(|| {
            let evictions = Arc::clone(&counters);
            let mut builder = Cache::builder()
                .max_capacity(config.max_bytes)
                .weigher(|key, value: &Arc<Analysis>| weigh::entry_weight(key, value))
                .eviction_listener(move |_key, _value, cause| {
                    if cause.was_evicted() {
                        Counters::bump(&evictions.evictions);
                    }
                });
            if let Some(ttl) = ttl {
                builder = builder.time_to_live(ttl);
            }
            if let Some(tti) = tti {
                builder = builder.time_to_idle(tti);
            }
            builder.build()
        });
        let redis = match &config.redis_url {
            Some(url) => {
                match RedisTier::start(url, config.redis_timeout, ttl, Arc::clone(&counters)).await
                {
                    Ok(tier) => Some(tier),
                    Err(error) => {
                        error!(%error, "invalid Redis URL; the Redis cache tier is off");
                        None
                    }
                }
            }
            None => None,
        };
        let inner = Arc::new(Inner {
            max_bytes: config.max_bytes,
            local,
            redis,
            loads: Arc::new(InFlight::default()),
            counters,
        });
        if inner.local.is_some() {
            tokio::spawn(maintain(Arc::downgrade(&inner)));
        }
        Self { inner }
    }

    /// The cached result for `key`, or the result of `analyze`, which runs at most once for
    /// concurrent lookups of one key. With `skip_cache` the analysis runs regardless (and
    /// refreshes both levels). Errors are never cached; callers waiting on a load that fails
    /// get its error.
    ///
    /// `analyze` runs in a task of its own, so it goes on when the caller is dropped and other
    /// callers waiting on the key get its result. It should catch panics of the analysis and
    /// return them as errors: a panic in that task is resumed in every waiting caller.
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
        if skip_cache {
            return self.refresh(key, analyze).await;
        }
        // An interest is held until this caller has its answer: when every caller of a key
        // has gone, the work for them stops.
        let Some(local) = &self.inner.local else {
            let interest = self.inner.loads.interest(key);
            let (analysis, fetched) = self.fetch(key, &interest, analyze).await?;
            return Ok(self.account(analysis, fetched));
        };
        if let Some(analysis) = local.get(&key).await {
            Counters::bump(&self.inner.counters.hits);
            return Ok(Lookup {
                analysis,
                cache_hit: true,
            });
        }

        let interest = self.inner.loads.interest(key);
        let mut fetched = None;
        let fetched_by_us = &mut fetched;
        let entry = local
            .entry(key)
            .or_try_insert_with(async move {
                let (analysis, how) = self.fetch(key, &interest, analyze).await?;
                *fetched_by_us = Some(how);
                Ok::<_, E>(analysis)
            })
            .await
            .map_err(|error| E::clone(&error))?;
        match fetched {
            Some(how) if entry.is_fresh() => Ok(self.account(entry.into_value(), how)),
            // Another caller's load filled the entry while this one waited.
            _ => Ok(self.account(entry.into_value(), Fetched::Joined)),
        }
    }

    /// The results of several keys at once, each key with whether to skip the cache for it:
    /// each is looked up in process, then in Redis, and those found in neither are analysed by
    /// one call of `analyze`, which gets their positions in `keys` and answers in that order (a
    /// key asked for twice is analysed once, its second asker counted as coalesced). Results
    /// are stored in both levels as [`Self::get_or_analyze`] stores them.
    ///
    /// Unlike [`Self::get_or_analyze`], this does not join loads of the same keys under way for
    /// other callers: it is for a caller whose batches rarely repeat each other's documents
    /// (the queue worker), for which the worst case is a document analysed twice, and which
    /// saves a task and a hand-over to the pool per document.
    pub async fn get_or_analyze_many<E, F, Fut>(
        &self,
        keys: &[(CacheKey, bool)],
        analyze: F,
    ) -> Vec<Result<Lookup, E>>
    where
        F: FnOnce(Vec<usize>) -> Fut,
        Fut: Future<Output = Vec<Result<Analysis, E>>>,
        E: Clone,
    {
        let counters = &self.inner.counters;
        let mut found: Vec<Option<Arc<Analysis>>> = vec![None; keys.len()];
        if let Some(local) = &self.inner.local {
            for (slot, &(key, skip_cache)) in found.iter_mut().zip(keys) {
                if !skip_cache && let Some(analysis) = local.get(&key).await {
                    Counters::bump(&counters.hits);
                    *slot = Some(analysis);
                }
            }
        }
        if let Some(redis) = &self.inner.redis {
            let asked: Vec<usize> = (0..keys.len())
                .filter(|&i| found[i].is_none() && !keys[i].1)
                .collect();
            let answers = join_all(asked.iter().map(|&i| redis.get(keys[i].0))).await;
            for (i, answer) in asked.into_iter().zip(answers) {
                if let Some(analysis) = answer {
                    if let Some(local) = &self.inner.local {
                        local.insert(keys[i].0, Arc::clone(&analysis)).await;
                    }
                    found[i] = Some(analysis);
                }
            }
        }

        // Each key missing everywhere is analysed once, for the first position that asks.
        let mut first_asker = HashMap::new();
        let mut repeats = Vec::new();
        let mut missing = Vec::new();
        for (i, &(key, _)) in keys.iter().enumerate() {
            if found[i].is_some() {
                continue;
            }
            match first_asker.entry(key) {
                Entry::Occupied(first) => repeats.push((i, *first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(i);
                    missing.push(i);
                }
            }
        }
        let mut results: Vec<Option<Result<Lookup, E>>> = found
            .into_iter()
            .map(|analysis| {
                analysis.map(|analysis| {
                    Ok(Lookup {
                        analysis,
                        cache_hit: true,
                    })
                })
            })
            .collect();
        if !missing.is_empty() {
            let analysed = analyze(missing.clone()).await;
            assert_eq!(analysed.len(), missing.len(), "one result per key analysed");
            for (i, outcome) in missing.into_iter().zip(analysed) {
                results[i] = Some(match outcome {
                    Ok(analysis) => {
                        let analysis = Arc::new(analysis);
                        let key = keys[i].0;
                        Counters::bump(&counters.misses);
                        if let Some(redis) = &self.inner.redis {
                            redis.put_in_background(key, Arc::clone(&analysis));
                        }
                        if let Some(local) = &self.inner.local {
                            local.insert(key, Arc::clone(&analysis)).await;
                        }
                        Ok(Lookup {
                            analysis,
                            cache_hit: false,
                        })
                    }
                    Err(error) => Err(error),
                });
            }
        }
        for (i, first) in repeats {
            let repeated = match &results[first] {
                Some(Ok(lookup)) => {
                    Counters::bump(&counters.hits);
                    Counters::bump(&counters.coalesced);
                    Ok(Lookup {
                        analysis: Arc::clone(&lookup.analysis),
                        cache_hit: true,
                    })
                }
                Some(Err(error)) => Err(error.clone()),
                None => unreachable!("every first asker has its result"),
            };
            results[i] = Some(repeated);
        }
        results
            .into_iter()
            .map(|result| result.expect("every key has its result"))
            .collect()
    }

    /// Counts a lookup that missed in process and says whether it was a hit after all.
    fn account(&self, analysis: Arc<Analysis>, fetched: Fetched) -> Lookup {
        let counters = &self.inner.counters;
        match fetched {
            Fetched::Analysed => Counters::bump(&counters.misses),
            // Counted as a Redis hit by the tier.
            Fetched::Redis => {}
            Fetched::Joined => {
                Counters::bump(&counters.hits);
                Counters::bump(&counters.coalesced);
            }
        }
        Lookup {
            analysis,
            cache_hit: fetched != Fetched::Analysed,
        }
    }

    /// Gets the result of `key` from Redis or an analysis, joining an identical load under way.
    async fn fetch<E, F, Fut>(
        &self,
        key: CacheKey,
        interest: &Arc<Interest>,
        analyze: F,
    ) -> Result<(Arc<Analysis>, Fetched), E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Analysis, E>> + Send + 'static,
        E: Clone + Send + Sync + 'static,
    {
        // A load stores its result before it leaves the registry, so a caller that finds no
        // load under way and then looks in the cache cannot miss a load that just finished.
        // (This happens to the caller that takes over from a cancelled one in moka.)
        let under_way = self.inner.loads.current(key);
        if under_way.is_none()
            && let Some(local) = &self.inner.local
            && let Some(analysis) = local.get(&key).await
        {
            return Ok((analysis, Fetched::Joined));
        }
        let (local, redis) = (self.inner.local.clone(), self.inner.redis.clone());
        let start = move || load(local, redis, key, analyze);
        let joined = match under_way {
            Some(load) => Joined::Joined(load, start),
            None => self.inner.loads.join_or_start(key, interest, start),
        };
        match joined {
            Joined::Started(load) => resolve(load.await, false).unwrap_or_else(|| {
                unreachable!("a load started here fails with this caller's error type")
            }),
            Joined::Joined(load, start) => match resolve(load.await, true) {
                Some(result) => result,
                // The load failed with another caller's error type: run ours to get one.
                None => resolve(start().await, false)
                    .expect("a load run here fails with this caller's error type"),
            },
        }
    }

    /// Analyses afresh (`skip_cache`) and refreshes both levels with the result.
    async fn refresh<E, F, Fut>(&self, key: CacheKey, analyze: F) -> Result<Lookup, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Analysis, E>>,
    {
        let analysis = Arc::new(analyze().await?);
        Counters::bump(&self.inner.counters.misses);
        if let Some(local) = &self.inner.local {
            local.insert(key, Arc::clone(&analysis)).await;
        }
        if let Some(redis) = &self.inner.redis {
            redis.put_in_background(key, Arc::clone(&analysis));
        }
        Ok(Lookup {
            analysis,
            cache_hit: false,
        })
    }

    /// Runs pending maintenance now (evictions, expiry, figures). A background task does this
    /// every second; tests and benchmarks call it to see settled figures.
    pub async fn run_pending_tasks(&self) {
        if let Some(local) = &self.inner.local {
            local.run_pending_tasks().await;
        }
    }

    /// Counts a cached result that proved unreadable after it was decoded (spans that do not
    /// fit its document: a value planted in Redis) with the unreadable Redis values.
    pub fn count_unreadable(&self) {
        Counters::bump(&self.inner.counters.redis_errors);
    }

    /// Figures since start.
    pub fn stats(&self) -> CacheStats {
        let inner = &self.inner;
        let counters = &inner.counters;
        CacheStats {
            enabled: inner.local.is_some(),
            hits: Counters::read(&counters.hits),
            misses: Counters::read(&counters.misses),
            coalesced: Counters::read(&counters.coalesced),
            evictions: Counters::read(&counters.evictions),
            entries: inner.local.as_ref().map_or(0, |c| c.entry_count()),
            weighted_bytes: inner.local.as_ref().map_or(0, |c| c.weighted_size()),
            max_bytes: inner.max_bytes,
            redis_enabled: inner.redis.is_some(),
            redis_hits: Counters::read(&counters.redis_hits),
            redis_misses: Counters::read(&counters.redis_misses),
            redis_errors: Counters::read(&counters.redis_errors),
            redis_writes_dropped: Counters::read(&counters.redis_writes_dropped),
        }
    }
}

/// One load: Redis first, then the analysis, whose result is written to Redis without waiting.
///
/// The load stores its result in process itself, before it leaves the registry of loads under
/// way: when the caller that started it was cancelled, the caller that takes its place in moka
/// then either joins the load or finds the result, and never runs the analysis again. (moka
/// inserts the same value again for the caller whose future ran the load; that costs a
/// replacement, not an analysis.)
async fn load<E, F, Fut>(
    local: Option<Cache<CacheKey, Arc<Analysis>>>,
    redis: Option<Arc<RedisTier>>,
    key: CacheKey,
    analyze: F,
) -> Outcome
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Analysis, E>>,
    E: Send + Sync + 'static,
{
    let (analysis, source) = match &redis {
        Some(redis) => match redis.get(key).await {
            Some(analysis) => (analysis, Source::Redis),
            None => match analyze().await {
                Ok(analysis) => (Arc::new(analysis), Source::Analysis),
                Err(error) => return Outcome::Failed(Arc::new(error)),
            },
        },
        None => match analyze().await {
            Ok(analysis) => (Arc::new(analysis), Source::Analysis),
            Err(error) => return Outcome::Failed(Arc::new(error)),
        },
    };
    if let Some(redis) = &redis
        && source == Source::Analysis
    {
        redis.put_in_background(key, Arc::clone(&analysis));
    }
    if let Some(local) = &local {
        local.insert(key, Arc::clone(&analysis)).await;
    }
    Outcome::Loaded(analysis, source)
}

/// The caller's result from a load's outcome; `None` when it failed with another error type.
fn resolve<E: Clone + 'static>(
    outcome: Outcome,
    joined: bool,
) -> Option<Result<(Arc<Analysis>, Fetched), E>> {
    match outcome {
        Outcome::Loaded(analysis, source) => {
            let fetched = match (joined, source) {
                (true, _) => Fetched::Joined,
                (false, Source::Redis) => Fetched::Redis,
                (false, Source::Analysis) => Fetched::Analysed,
            };
            Some(Ok((analysis, fetched)))
        }
        Outcome::Failed(error) => error.downcast_ref::<E>().cloned().map(Err),
        Outcome::Aborted(reason) => panic!("the analysis task failed: {reason}"),
    }
}

/// Runs the cache's pending maintenance every [`MAINTENANCE_INTERVAL`] until the cache is
/// dropped (the task holds only a weak reference).
async fn maintain(inner: Weak<Inner>) {
    let mut ticks = tokio::time::interval(MAINTENANCE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        if let Some(local) = &inner.local {
            local.run_pending_tasks().await;
        }
    }
}
