//! A reusable barrier that counts generations and names one leader per round.

use core::sync::atomic::{AtomicU32, Ordering};

use super::error::RuntimeError;
use super::futex::{Futex, WaitOutcome, ALL_WAITERS};
use super::spin::{SpinBudget, CHECKS_PER_RELAX};

/// Which side of a completed round a caller was on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarrierRole {
    /// The last to arrive: it released the others and may do the round's
    /// exclusive work (reset counters, flip buffers) before the next barrier.
    Leader,
    /// Everyone else.
    Follower,
}

/// `parties` threads meet here again and again.
///
/// The generation number, not the arrival count, is what waiters sleep on,
/// so a fast thread that re-enters for the next round can never be mistaken
/// for a late arrival of this one. A wait that times out breaks the barrier
/// for everyone, so one stuck thread turns into errors, never a hang.
#[repr(C)]
pub struct Barrier {
    generation: AtomicU32,
    arrived: AtomicU32,
    parties: AtomicU32,
    broken: AtomicU32,
    /// Waiters parked (or about to park) in the futex. The leader calls the
    /// host's notify only when this is non-zero: a host call per round
    /// delays the leader's next arrival past the others' spin.
    sleepers: AtomicU32,
    /// How long waiters spin before parking, adapted to how often the spin
    /// caught the round (`spin.rs`): a round usually completes within
    /// microseconds, and parking costs a futex wake plus a context switch,
    /// unless the machine is oversubscribed.
    spin: SpinBudget,
}

impl Barrier {
    /// A barrier with no parties yet; `reset` arms it.
    pub const fn new() -> Self {
        Barrier {
            generation: AtomicU32::new(0),
            arrived: AtomicU32::new(0),
            parties: AtomicU32::new(0),
            broken: AtomicU32::new(0),
            sleepers: AtomicU32::new(0),
            spin: SpinBudget::new(),
        }
    }

    /// Arms the barrier for `parties` threads. Only call it while nobody is
    /// waiting (before handing the barrier out).
    pub fn reset(&self, parties: u32) -> Result<(), RuntimeError> {
        if parties == 0 {
            return Err(RuntimeError::InvalidArgument);
        }
        self.arrived.store(0, Ordering::Relaxed);
        self.broken.store(0, Ordering::Relaxed);
        self.parties.store(parties, Ordering::Release);
        Ok(())
    }

    /// The number of threads a round waits for.
    pub fn parties(&self) -> u32 {
        self.parties.load(Ordering::Acquire)
    }

    /// Checks a waiter spins now before it parks (`spin.rs`).
    pub fn spin_checks(&self) -> u32 {
        self.spin.checks()
    }

    /// How many rounds have completed (wraps).
    pub fn generation(&self) -> u32 {
        self.generation.load(Ordering::Acquire)
    }

    /// Blocks until all parties have arrived.
    ///
    /// Returns the caller's role, `TimedOut` if this caller waited longer
    /// than `timeout_ms` (negative: forever) for one wake-up, or
    /// `BarrierBroken` if another party timed out.
    pub fn wait<F: Futex>(&self, futex: &F, timeout_ms: i32) -> Result<BarrierRole, RuntimeError> {
        self.wait_and_lead(futex, timeout_ms, || {})
    }

    /// Like `wait`, but the last thread to arrive runs `leader_action`
    /// before it releases the others: exclusive work (flip buffers, reset
    /// counters, decide what the next round does) that every party then
    /// sees, at the cost of no extra barrier round.
    ///
    /// Everything each party wrote before arriving happens-before the action,
    /// and the action happens-before every party's return.
    pub fn wait_and_lead<F: Futex>(
        &self,
        futex: &F,
        timeout_ms: i32,
        leader_action: impl FnOnce(),
    ) -> Result<BarrierRole, RuntimeError> {
        if self.broken.load(Ordering::Acquire) != 0 {
            return Err(RuntimeError::BarrierBroken);
        }
        let parties = self.parties();
        if parties == 0 {
            return Err(RuntimeError::InvalidArgument);
        }
        // Read the generation before arriving: once we have arrived the
        // leader may complete the round at any moment.
        let generation = self.generation.load(Ordering::Acquire);
        let arrived = self.arrived.fetch_add(1, Ordering::AcqRel) + 1;
        if arrived == parties {
            leader_action();
            // Reset before publishing the new generation; nobody can arrive
            // for the next round until they have seen it.
            self.arrived.store(0, Ordering::Relaxed);
            // SeqCst here and on the sleepers' side (a Dekker pair): either
            // this load sees a sleeper's increment and notifies, or that
            // sleeper's futex wait sees the new generation and returns.
            self.generation.fetch_add(1, Ordering::SeqCst);
            if self.sleepers.load(Ordering::SeqCst) != 0 {
                futex.notify(&self.generation, ALL_WAITERS);
            }
            return Ok(BarrierRole::Leader);
        }
        for check in 1..=self.spin.checks() {
            if self.generation.load(Ordering::Acquire) != generation {
                self.spin.record(true);
                return self.released();
            }
            if check % CHECKS_PER_RELAX == 0 {
                futex.relax();
            } else {
                core::hint::spin_loop();
            }
        }
        self.spin.record(false);
        loop {
            self.sleepers.fetch_add(1, Ordering::SeqCst);
            let outcome = futex.wait(&self.generation, generation, timeout_ms);
            self.sleepers.fetch_sub(1, Ordering::SeqCst);
            if self.generation.load(Ordering::Acquire) != generation {
                return self.released();
            }
            if outcome == WaitOutcome::TimedOut {
                self.break_for_everyone(futex);
                return Err(RuntimeError::TimedOut);
            }
        }
    }

    /// A follower's result once the generation moved on.
    fn released(&self) -> Result<BarrierRole, RuntimeError> {
        if self.broken.load(Ordering::Acquire) != 0 {
            Err(RuntimeError::BarrierBroken)
        } else {
            Ok(BarrierRole::Follower)
        }
    }

    /// Breaks the barrier: every party waiting now or later gets
    /// `BarrierBroken` until `reset`. For a party that gave up waiting
    /// elsewhere, so the others never wait for it here.
    pub fn break_for_everyone<F: Futex>(&self, futex: &F) {
        self.broken.store(1, Ordering::Release);
        self.generation.fetch_add(1, Ordering::SeqCst);
        futex.notify(&self.generation, ALL_WAITERS);
    }
}

impl Default for Barrier {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::futex::tests::SpinFutex;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    #[test]
    fn one_party_is_always_the_leader() {
        let barrier = Barrier::new();
        barrier.reset(1).unwrap();
        for _ in 0..3 {
            assert_eq!(barrier.wait(&SpinFutex, 10), Ok(BarrierRole::Leader));
        }
        assert_eq!(barrier.generation(), 3);
    }

    #[test]
    fn zero_parties_is_refused() {
        let barrier = Barrier::new();
        assert_eq!(barrier.reset(0), Err(RuntimeError::InvalidArgument));
        assert_eq!(barrier.wait(&SpinFutex, 10), Err(RuntimeError::InvalidArgument));
    }

    #[test]
    fn reused_twice_in_a_row_with_one_leader_per_round() {
        const THREADS: usize = 4;
        const ROUNDS: u64 = 2;
        let barrier = Arc::new(Barrier::new());
        barrier.reset(THREADS as u32).unwrap();
        let leaders = Arc::new(AtomicU64::new(0));
        let arrivals = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (barrier, leaders, arrivals) = (barrier.clone(), leaders.clone(), arrivals.clone());
                std::thread::spawn(move || {
                    for round in 0..ROUNDS {
                        arrivals.fetch_add(1, Ordering::SeqCst);
                        let role = barrier.wait(&SpinFutex, 5_000).unwrap();
                        // Everyone of this round arrived before anyone left.
                        assert!(arrivals.load(Ordering::SeqCst) >= (round + 1) * THREADS as u64);
                        if role == BarrierRole::Leader {
                            leaders.fetch_add(1, Ordering::SeqCst);
                        }
                        barrier.wait(&SpinFutex, 5_000).unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(leaders.load(Ordering::SeqCst), ROUNDS);
        assert_eq!(barrier.generation(), 2 * ROUNDS as u32);
    }

    #[test]
    fn the_leader_action_runs_once_per_round_before_anyone_leaves() {
        const THREADS: usize = 4;
        const ROUNDS: u64 = 200;
        let barrier = Arc::new(Barrier::new());
        barrier.reset(THREADS as u32).unwrap();
        let actions = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (barrier, actions) = (barrier.clone(), actions.clone());
                std::thread::spawn(move || {
                    for round in 0..ROUNDS {
                        barrier
                            .wait_and_lead(&SpinFutex, 5_000, || {
                                actions.fetch_add(1, Ordering::Relaxed);
                            })
                            .unwrap();
                        // Relaxed is enough: the barrier orders the action.
                        assert_eq!(actions.load(Ordering::Relaxed), round + 1);
                        barrier.wait(&SpinFutex, 5_000).unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        assert_eq!(actions.load(Ordering::Relaxed), ROUNDS);
    }

    /// SpinFutex, counting how often a waiter parked and relaxed.
    #[derive(Default)]
    struct CountingFutex {
        waits: AtomicU64,
        relaxes: AtomicU64,
    }

    impl Futex for CountingFutex {
        fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> WaitOutcome {
            self.waits.fetch_add(1, Ordering::SeqCst);
            SpinFutex.wait(word, expected, timeout_ms)
        }
        fn notify(&self, word: &AtomicU32, count: u32) -> u32 {
            SpinFutex.notify(word, count)
        }
        fn relax(&self) {
            self.relaxes.fetch_add(1, Ordering::SeqCst);
            std::thread::yield_now();
        }
    }

    #[test]
    fn the_spin_shrinks_while_it_never_catches_the_round_and_grows_back_when_it_does() {
        use crate::runtime::spin::{MAX_SPIN_CHECKS, MIN_SPIN_CHECKS};
        const LATE_ROUNDS: u64 = 20;
        let barrier = Arc::new(Barrier::new());
        barrier.reset(2).unwrap();
        let futex = Arc::new(CountingFutex::default());
        let stop = Arc::new(AtomicU32::new(0));
        // The partner arrives only after this thread has arrived and, for
        // the first LATE_ROUNDS rounds, parked: no spin can catch those.
        let partner = {
            let (barrier, futex, stop) = (barrier.clone(), futex.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut round = 0;
                loop {
                    let late = round < LATE_ROUNDS;
                    loop {
                        if stop.load(Ordering::SeqCst) != 0 {
                            return;
                        }
                        let waiter_in = barrier.arrived.load(Ordering::SeqCst) == 1;
                        if waiter_in && (!late || barrier.sleepers.load(Ordering::SeqCst) != 0) {
                            break;
                        }
                        std::thread::yield_now();
                    }
                    assert_eq!(barrier.wait(&*futex, 5_000), Ok(BarrierRole::Leader));
                    round += 1;
                }
            })
        };
        for _ in 0..LATE_ROUNDS {
            assert_eq!(barrier.wait(&*futex, 5_000), Ok(BarrierRole::Follower));
        }
        assert_eq!(barrier.spin_checks(), MIN_SPIN_CHECKS, "halved on every park down to the floor");
        assert_eq!(futex.waits.load(Ordering::SeqCst), LATE_ROUNDS, "every late round parked");
        assert!(futex.relaxes.load(Ordering::SeqCst) > 0, "a long spin offers the core now and then");
        // Now the partner comes at once: spins catch rounds and the budget
        // grows back (a round the spin misses on a busy test machine only
        // halves it again, so this waits for the ceiling with a deadline).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while barrier.spin_checks() < MAX_SPIN_CHECKS {
            assert!(std::time::Instant::now() < deadline, "the spin budget never grew back");
            assert_eq!(barrier.wait(&*futex, 5_000), Ok(BarrierRole::Follower));
        }
        stop.store(1, Ordering::SeqCst);
        partner.join().unwrap();
    }

    #[test]
    fn a_missing_party_times_out_and_breaks_the_barrier() {
        let barrier = Barrier::new();
        barrier.reset(2).unwrap();
        assert_eq!(barrier.wait(&SpinFutex, 20), Err(RuntimeError::TimedOut));
        assert_eq!(barrier.wait(&SpinFutex, 20), Err(RuntimeError::BarrierBroken));
    }
}
