//! A work item's turn: whether it has finished in the current step, as a
//! word that the items after it can wait on.
//!
//! The crew orders a step's items by what they touch instead of putting a
//! barrier between phases (`crew/team.rs`): an item waits only until the
//! items of earlier phases next to it have finished. Each item has a
//! `Turn`; the exclusive start of a step sets it `PENDING` (or `FINISHED`
//! for an item with nothing to do), the worker that ran it `finish`es it,
//! and an item after it waits in `wait_finished`.
//!
//! Spinning first, parking after: like the barrier, a waiter spins for the
//! budget its `SpinBudget` allows, then marks the word `WAITED` and sleeps
//! on it; `finish` notifies only when it finds that mark, so a step whose
//! waits are all caught by the spin makes no host call at all.

use core::sync::atomic::{AtomicU32, Ordering};

use super::futex::{Futex, WaitOutcome, ALL_WAITERS};
use super::spin::{SpinBudget, CHECKS_PER_RELAX};

const FINISHED: u32 = 0;
const PENDING: u32 = 1;
/// Pending, and somebody sleeps on the word.
const WAITED: u32 = 2;

/// Whether one item of the current step has finished.
#[derive(Debug)]
#[repr(C)]
pub struct Turn {
    state: AtomicU32,
}

/// A wait gave up: nobody finished the item within the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnTimedOut;

impl Turn {
    /// A turn that is over: nothing waits for an item that never ran.
    pub const fn finished() -> Self {
        Turn { state: AtomicU32::new(FINISHED) }
    }

    /// Exclusive (between steps, no item running): the item runs in the
    /// next step (`pending`) or has nothing to do in it. Skips the store
    /// when the word already says so (a settled world's chunks stay
    /// finished, and a wasm atomic store is a locked exchange).
    pub fn arm(&self, pending: bool) {
        let state = if pending { PENDING } else { FINISHED };
        if self.state.load(Ordering::Relaxed) != state {
            self.state.store(state, Ordering::Relaxed);
        }
    }

    /// Whether the item has finished; what it wrote is then visible.
    #[inline]
    pub fn is_finished(&self) -> bool {
        self.state.load(Ordering::Acquire) == FINISHED
    }

    /// The item has finished: publishes what it wrote and wakes whoever
    /// sleeps on it.
    pub fn finish<F: Futex>(&self, futex: &F) {
        if self.state.swap(FINISHED, Ordering::AcqRel) == WAITED {
            futex.notify(&self.state, ALL_WAITERS);
        }
    }

    /// Returns once the item has finished (everything it wrote is then
    /// visible), or `TurnTimedOut` after one sleep of `timeout_ms`
    /// (negative: forever) without it.
    pub fn wait_finished<F: Futex>(&self, futex: &F, spin: &SpinBudget, timeout_ms: i32) -> Result<(), TurnTimedOut> {
        if self.is_finished() {
            return Ok(());
        }
        for check in 1..=spin.checks() {
            if self.is_finished() {
                spin.record(true);
                return Ok(());
            }
            if check % CHECKS_PER_RELAX == 0 {
                futex.relax();
            } else {
                core::hint::spin_loop();
            }
        }
        spin.record(false);
        loop {
            // Mark the word before sleeping on it, so `finish` knows to
            // notify; a `finish` in between makes the exchange fail.
            match self.state.compare_exchange(PENDING, WAITED, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) | Err(WAITED) => {}
                Err(_) => return Ok(()),
            }
            let outcome = futex.wait(&self.state, WAITED, timeout_ms);
            if self.is_finished() {
                return Ok(());
            }
            if outcome == WaitOutcome::TimedOut {
                return Err(TurnTimedOut);
            }
        }
    }
}

impl Default for Turn {
    fn default() -> Self {
        Self::finished()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::futex::tests::SpinFutex;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    #[test]
    fn a_finished_turn_never_waits_and_a_pending_one_times_out() {
        let turn = Turn::finished();
        let spin = SpinBudget::new();
        assert_eq!(turn.wait_finished(&SpinFutex, &spin, 0), Ok(()));
        turn.arm(true);
        assert!(!turn.is_finished());
        assert_eq!(turn.wait_finished(&SpinFutex, &spin, 5), Err(TurnTimedOut));
        turn.finish(&SpinFutex);
        assert_eq!(turn.wait_finished(&SpinFutex, &spin, 0), Ok(()));
        turn.arm(false);
        assert!(turn.is_finished());
    }

    #[test]
    fn a_waiter_sees_what_the_item_wrote_before_it_finished() {
        for _ in 0..200 {
            let turn = Arc::new(Turn::finished());
            turn.arm(true);
            let written = Arc::new(AtomicU64::new(0));
            let waiter = {
                let (turn, written) = (turn.clone(), written.clone());
                std::thread::spawn(move || {
                    turn.wait_finished(&SpinFutex, &SpinBudget::new(), 5_000).unwrap();
                    written.load(Ordering::Relaxed)
                })
            };
            written.store(42, Ordering::Relaxed);
            turn.finish(&SpinFutex);
            assert_eq!(waiter.join().unwrap(), 42);
        }
    }
}
