//! Loads under way, one per key, each running as its own task.
//!
//! moka coalesces the callers of `try_get_with` on one key, but when the caller whose future
//! does the work is cancelled, moka hands the work to a waiting caller, which would start it
//! over. Running each load as a spawned task registered here lets that caller join the load
//! already under way instead: a cancelled caller neither stalls nor duplicates the work.
//!
//! Work nobody waits for is not done: every caller that wants a key holds its [`Interest`]
//! from before it enters moka until it has its answer, and when the last one leaves (a
//! deadline passed, a client went away) the load under way for them is aborted, so a queued
//! analysis never starts.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::task::AbortHandle;
use tracing::Instrument;

use super::CacheKey;
use crate::analysis::Analysis;

/// Where a loaded result came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The shared Redis tier had it.
    Redis,
    /// An analysis ran.
    Analysis,
}

/// The end of a load, shared by every caller that joined it.
#[derive(Clone)]
pub(super) enum Outcome {
    Loaded(Arc<Analysis>, Source),
    /// The analysis failed; the caller's error type, erased so loads of any type share a map.
    Failed(Arc<dyn Any + Send + Sync>),
    /// The load task panicked or was cancelled by the runtime's shutdown.
    Aborted(Arc<str>),
}

pub(super) type Load = Shared<BoxFuture<'static, Outcome>>;

/// What [`InFlight::join_or_start`] did.
pub(super) enum Joined<S> {
    /// Started a new load from the starter.
    Started(Load),
    /// Joined a load under way; the starter is handed back unused.
    Joined(Load, S),
}

/// The callers that want one key's result now. Dropped with the last of them, it aborts the
/// load started for them.
pub(super) struct Interest {
    key: CacheKey,
    registry: Weak<InFlight>,
    load: Mutex<Option<AbortHandle>>,
}

impl Drop for Interest {
    fn drop(&mut self) {
        let load = self.load.get_mut().map(Option::take).unwrap_or_default();
        if let Some(load) = load {
            load.abort();
        }
        if let Some(registry) = self.registry.upgrade() {
            registry.forget_interest(self.key);
        }
    }
}

/// A load under way, and the interest it serves: a load whose interest is gone is being
/// aborted, and nobody may join it.
struct Running {
    generation: u64,
    load: Load,
    interest: Weak<Interest>,
}

/// The registry of loads under way and of the callers' interests.
#[derive(Default)]
pub(super) struct InFlight {
    loads: Mutex<HashMap<CacheKey, Running>>,
    interests: Mutex<HashMap<CacheKey, Weak<Interest>>>,
    generation: AtomicU64,
}

impl InFlight {
    /// Registers a caller that wants `key`: hold the interest until the answer is in.
    pub fn interest(self: &Arc<Self>, key: CacheKey) -> Arc<Interest> {
        let mut interests = self
            .interests
            .lock()
            .expect("no code panics while holding this lock");
        if let Some(interest) = interests.get(&key).and_then(Weak::upgrade) {
            return interest;
        }
        let interest = Arc::new(Interest {
            key,
            registry: Arc::downgrade(self),
            load: Mutex::new(None),
        });
        interests.insert(key, Arc::downgrade(&interest));
        interest
    }

    /// Forgets the interest in `key` once no caller holds it (unless a new one replaced it).
    fn forget_interest(&self, key: CacheKey) {
        let mut interests = self
            .interests
            .lock()
            .expect("no code panics while holding this lock");
        if interests.get(&key).is_some_and(|w| w.strong_count() == 0) {
            interests.remove(&key);
        }
    }

    /// Joins the live load of `key` under way, or spawns `start()` as a new one for `interest`.
    pub fn join_or_start<S, Fut>(
        self: &Arc<Self>,
        key: CacheKey,
        interest: &Arc<Interest>,
        start: S,
    ) -> Joined<S>
    where
        S: FnOnce() -> Fut,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let mut loads = self
            .loads
            .lock()
            .expect("no code panics while holding this lock");
        if let Some(running) = loads.get(&key)
            && running.interest.strong_count() > 0
        {
            return Joined::Joined(running.load.clone(), start);
        }
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        let finished = Finished {
            registry: Arc::downgrade(self),
            key,
            generation,
        };
        let work = start();
        // The load belongs to the span of the caller that started it (its document).
        let task = tokio::spawn(
            async move {
                // Leaves the registry when the work ends or is aborted.
                let _finished = finished;
                work.await
            }
            .in_current_span(),
        );
        *interest
            .load
            .lock()
            .expect("no code panics while holding this lock") = Some(task.abort_handle());
        let load = async move {
            match task.await {
                Ok(outcome) => outcome,
                Err(error) => Outcome::Aborted(Arc::from(error.to_string())),
            }
        }
        .boxed()
        .shared();
        loads.insert(
            key,
            Running {
                generation,
                load: load.clone(),
                interest: Arc::downgrade(interest),
            },
        );
        Joined::Started(load)
    }

    /// The live load of `key` under way, if any.
    pub fn current(&self, key: CacheKey) -> Option<Load> {
        self.loads
            .lock()
            .expect("no code panics while holding this lock")
            .get(&key)
            .filter(|running| running.interest.strong_count() > 0)
            .map(|running| running.load.clone())
    }

    /// Forgets a finished or aborted load, unless a newer one has taken its place.
    fn finish(&self, key: CacheKey, generation: u64) {
        let mut loads = self
            .loads
            .lock()
            .expect("no code panics while holding this lock");
        if loads.get(&key).is_some_and(|r| r.generation == generation) {
            loads.remove(&key);
        }
    }
}

/// Removes a load from the registry when its task ends, however it ends.
struct Finished {
    registry: Weak<InFlight>,
    key: CacheKey,
    generation: u64,
}

impl Drop for Finished {
    fn drop(&mut self) {
        if let Some(registry) = self.registry.upgrade() {
            registry.finish(self.key, self.generation);
        }
    }
}
