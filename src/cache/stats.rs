//! The cache's figures: counters bumped on the request path, read for GetInfo and metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// Figures since start, for GetInfo and metrics.
///
/// Every lookup is exactly one of: a hit (`hits`, of which `coalesced` waited for an identical
/// request's work), a Redis hit (`redis_hits`), or a miss (`misses`: an analysis ran).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Whether the in-process cache is on.
    pub enabled: bool,
    /// Lookups answered in process, without analysis, coalesced waits included.
    pub hits: u64,
    /// Lookups that ran an analysis (including `skip_cache` ones).
    pub misses: u64,
    /// Lookups that waited for an identical lookup's work instead of doing their own.
    pub coalesced: u64,
    /// Entries evicted for size or expiry.
    pub evictions: u64,
    /// Entries now held (approximate between maintenance runs).
    pub entries: u64,
    /// Bytes now held, as weighed (approximate between maintenance runs).
    pub weighted_bytes: u64,
    /// The byte bound.
    pub max_bytes: u64,
    /// Whether the shared Redis tier is configured.
    pub redis_enabled: bool,
    /// Results found in Redis after a local miss.
    pub redis_hits: u64,
    /// Redis lookups that found nothing.
    pub redis_misses: u64,
    /// Redis calls that failed, timed out, were skipped during an outage, or returned a value
    /// that does not decode. A failed lookup is a miss too, but counted only here.
    pub redis_errors: u64,
    /// Redis writes dropped because too many were already under way.
    pub redis_writes_dropped: u64,
}

/// The atomic counters behind [`CacheStats`], shared by the cache and its background tasks.
#[derive(Debug, Default)]
pub(super) struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub coalesced: AtomicU64,
    pub evictions: AtomicU64,
    pub redis_hits: AtomicU64,
    pub redis_misses: AtomicU64,
    pub redis_errors: AtomicU64,
    pub redis_writes_dropped: AtomicU64,
}

impl Counters {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn read(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
