//! Loads under way, one per key, each running as its own task.
//!
//! moka coalesces the callers of `try_get_with` on one key, but when the caller whose future
//! does the work is cancelled, moka hands the work to a waiting caller, which would start it
//! over. Running each load as a spawned task registered here lets that caller join the load
//! already under way instead: a cancelled caller neither stalls nor duplicates the work.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

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

/// The registry of loads under way.
#[derive(Default)]
pub(super) struct InFlight {
    loads: Mutex<HashMap<CacheKey, (u64, Load)>>,
    generation: AtomicU64,
}

impl InFlight {
    /// Joins the load of `key` under way, or spawns `start()` as a new one.
    pub fn join_or_start<S, Fut>(self: &Arc<Self>, key: CacheKey, start: S) -> Joined<S>
    where
        S: FnOnce() -> Fut,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let mut loads = self
            .loads
            .lock()
            .expect("no code panics while holding this lock");
        if let Some((_, load)) = loads.get(&key) {
            return Joined::Joined(load.clone(), start);
        }
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        let registry: Weak<Self> = Arc::downgrade(self);
        let work = start();
        let task = tokio::spawn(async move {
            let outcome = work.await;
            if let Some(registry) = registry.upgrade() {
                registry.finish(key, generation);
            }
            outcome
        });
        let load = async move {
            match task.await {
                Ok(outcome) => outcome,
                Err(error) => Outcome::Aborted(Arc::from(error.to_string())),
            }
        }
        .boxed()
        .shared();
        loads.insert(key, (generation, load.clone()));
        Joined::Started(load)
    }

    /// The load of `key` under way, if any.
    pub fn current(&self, key: CacheKey) -> Option<Load> {
        self.loads
            .lock()
            .expect("no code panics while holding this lock")
            .get(&key)
            .map(|(_, load)| load.clone())
    }

    /// Forgets a finished load, unless a newer one has taken its place.
    fn finish(&self, key: CacheKey, generation: u64) {
        let mut loads = self
            .loads
            .lock()
            .expect("no code panics while holding this lock");
        if loads.get(&key).is_some_and(|(g, _)| *g == generation) {
            loads.remove(&key);
        }
    }
}
