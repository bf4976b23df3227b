//! How long each stage of an analysis took, for whoever asks.
//!
//! The service reports analysis time by stage (language, entities, quotes) in its metrics and
//! traces; the core measures it without knowing either. A caller that wants the figures runs the
//! analysis inside [`timed`], on the same thread; outside it, [`measure`] only runs the stage,
//! so nobody pays for clocks they do not read.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// A stage of the analysis whose time is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Language,
    Entities,
    Quotes,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Language, Stage::Entities, Stage::Quotes];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Language => "language",
            Stage::Entities => "entities",
            Stage::Quotes => "quotes",
        }
    }
}

/// Time spent in each stage of one analysis; `None` for a stage that did not run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimings {
    pub language: Option<Duration>,
    pub entities: Option<Duration>,
    pub quotes: Option<Duration>,
}

impl StageTimings {
    pub fn get(&self, stage: Stage) -> Option<Duration> {
        match stage {
            Stage::Language => self.language,
            Stage::Entities => self.entities,
            Stage::Quotes => self.quotes,
        }
    }

    fn add(&mut self, stage: Stage, elapsed: Duration) {
        let slot = match stage {
            Stage::Language => &mut self.language,
            Stage::Entities => &mut self.entities,
            Stage::Quotes => &mut self.quotes,
        };
        *slot = Some(slot.unwrap_or_default() + elapsed);
    }
}

thread_local! {
    /// The timings being collected on this thread, when a caller asked for them.
    static COLLECTING: Cell<Option<StageTimings>> = const { Cell::new(None) };
}

/// Runs `work` (an analysis, on this thread) and returns what it returned with the time each
/// stage took.
pub fn timed<R>(work: impl FnOnce() -> R) -> (R, StageTimings) {
    let outer = COLLECTING.replace(Some(StageTimings::default()));
    let result = work();
    let timings = COLLECTING.replace(outer).unwrap_or_default();
    (result, timings)
}

/// Runs one stage, timing it when a caller of [`timed`] is collecting.
pub(crate) fn measure<R>(stage: Stage, work: impl FnOnce() -> R) -> R {
    if COLLECTING.get().is_none() {
        return work();
    }
    let start = Instant::now();
    let result = work();
    let elapsed = start.elapsed();
    COLLECTING.set(COLLECTING.get().map(|mut timings| {
        timings.add(stage, elapsed);
        timings
    }));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_collecting_caller_gets_timings() {
        let untimed = measure(Stage::Language, || 1 + 1);
        assert_eq!(untimed, 2);
        let (value, timings) = timed(|| {
            measure(Stage::Entities, || {
                std::thread::sleep(Duration::from_millis(2))
            });
            measure(Stage::Entities, || ());
            7
        });
        assert_eq!(value, 7);
        assert!(timings.entities.expect("entities ran") >= Duration::from_millis(2));
        assert_eq!((timings.language, timings.quotes), (None, None));
        // Nothing leaks into the next analysis on this thread.
        let ((), after) = timed(|| ());
        assert_eq!(after, StageTimings::default());
    }
}
