//! What a crew's steps cost: the wall time of each step and the part of it
//! spent in leader actions (the exclusive begin and end of a step, which run
//! while every other worker waits in the barrier).
//!
//! The page divides the two to show how much of a step no worker count can
//! speed up. Only the barrier leader writes, inside its leader action, and
//! leader actions never overlap, so plain loads and stores suffice; the sums
//! are `f64` milliseconds, which count steps exactly far beyond any session
//! and never wrap.

use core::sync::atomic::{AtomicU64, Ordering};

use super::clock::Clock;

/// Sums over every timed step since the last reset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTimes {
    /// Steps timed (begun and ended).
    pub steps: f64,
    /// Milliseconds from the start of each step's begin to the end of its end.
    pub total_ms: f64,
    /// Milliseconds of those inside the leader's begin and end actions.
    pub serial_ms: f64,
}

/// Accumulates [`StepTimes`]; each `f64` is kept as its bits in an atomic.
#[derive(Debug)]
pub struct StepTiming {
    steps: AtomicU64,
    total_ms: AtomicU64,
    serial_ms: AtomicU64,
    /// When the running step's begin started.
    started_ms: AtomicU64,
    /// Serial milliseconds of the running step so far (its begin).
    open_serial_ms: AtomicU64,
}

fn load(word: &AtomicU64) -> f64 {
    f64::from_bits(word.load(Ordering::Acquire))
}

fn store(word: &AtomicU64, value: f64) {
    word.store(value.to_bits(), Ordering::Release);
}

impl StepTiming {
    pub const fn new() -> Self {
        // 0.0 is all zero bits.
        StepTiming {
            steps: AtomicU64::new(0),
            total_ms: AtomicU64::new(0),
            serial_ms: AtomicU64::new(0),
            started_ms: AtomicU64::new(0),
            open_serial_ms: AtomicU64::new(0),
        }
    }

    /// Forgets every step. Only while no step runs (the crew's reset).
    pub fn reset(&self) {
        for word in [&self.steps, &self.total_ms, &self.serial_ms, &self.started_ms, &self.open_serial_ms] {
            store(word, 0.0);
        }
    }

    /// Leader action: runs a step's `begin` and starts timing the step.
    pub fn begin<C: Clock>(&self, clock: &C, begin: impl FnOnce()) {
        let start = clock.now_ms();
        begin();
        store(&self.started_ms, start);
        store(&self.open_serial_ms, elapsed(start, clock.now_ms()));
    }

    /// Leader action: runs the step's `end` and adds the step to the sums.
    pub fn end<C: Clock>(&self, clock: &C, end: impl FnOnce()) {
        let start = clock.now_ms();
        end();
        let finish = clock.now_ms();
        let serial = load(&self.open_serial_ms) + elapsed(start, finish);
        let total = elapsed(load(&self.started_ms), finish).max(serial);
        store(&self.serial_ms, load(&self.serial_ms) + serial);
        store(&self.total_ms, load(&self.total_ms) + total);
        // Last, so a reader that sees the new count sees the new sums too.
        store(&self.steps, load(&self.steps) + 1.0);
    }

    /// The sums so far. Any thread; never blocks.
    pub fn times(&self) -> StepTimes {
        let steps = load(&self.steps);
        StepTimes { steps, total_ms: load(&self.total_ms), serial_ms: load(&self.serial_ms) }
    }
}

/// `to - from`, but never negative or NaN: a host clock that is not
/// monotonic (or a broken import) must not make a sum go backwards.
fn elapsed(from: f64, to: f64) -> f64 {
    let delta = to - from;
    if delta > 0.0 {
        delta
    } else {
        0.0
    }
}

impl Default for StepTiming {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::clock::tests::TickingClock;

    #[test]
    fn a_step_counts_its_begin_and_end_as_serial_and_everything_between_as_total() {
        let timing = StepTiming::new();
        // Readings: begin 0, 1; (the step's parallel part reads nothing); end 2, 3.
        let clock = TickingClock::new(1.0);
        timing.begin(&clock, || {});
        // The parallel phases take two readings' worth of time.
        clock.now_ms();
        clock.now_ms();
        timing.end(&clock, || {});
        let times = timing.times();
        assert_eq!(times, StepTimes { steps: 1.0, total_ms: 5.0, serial_ms: 2.0 });
        timing.reset();
        assert_eq!(timing.times(), StepTimes { steps: 0.0, total_ms: 0.0, serial_ms: 0.0 });
    }

    /// A clock that runs backwards.
    struct Backwards(AtomicU64);

    impl Clock for Backwards {
        fn now_ms(&self) -> f64 {
            1e6 - self.0.fetch_add(1, Ordering::SeqCst) as f64
        }
    }

    #[test]
    fn a_clock_that_goes_backwards_never_makes_the_sums_shrink() {
        let timing = StepTiming::new();
        let clock = Backwards(AtomicU64::new(0));
        for _ in 0..3 {
            timing.begin(&clock, || {});
            timing.end(&clock, || {});
        }
        assert_eq!(timing.times(), StepTimes { steps: 3.0, total_ms: 0.0, serial_ms: 0.0 });
    }
}
