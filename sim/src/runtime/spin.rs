//! How long a barrier waiter spins before it parks, adapted to how often
//! spinning pays off.
//!
//! On a quiet machine a round completes within microseconds of the first
//! arrival, so a spin catches it and saves a futex wake-up and a context
//! switch. On an oversubscribed one (another busy process, more threads
//! than cores) the party everyone waits for is often descheduled: a spin
//! then burns the very core that party needs, for nothing. So each barrier
//! keeps a spin budget: a wait that the spin caught doubles it (up to
//! [`MAX_SPIN_CHECKS`]), a wait that had to park halves it (down to
//! [`MIN_SPIN_CHECKS`]). Only timing changes; every round still completes
//! in the same order with the same leader rules, so results stay
//! deterministic.

use core::sync::atomic::{AtomicU32, Ordering};

/// Checks of the generation per microsecond of spinning. A wasm check is a
/// bare load (`spin_loop` is a no-op there), about a nanosecond; a native
/// one waits in `pause`, about 28 ns on the development VM. The budget is
/// meant in time, so each target counts its own checks.
#[cfg(target_arch = "wasm32")]
pub const CHECKS_PER_MICROSECOND: u32 = 1 << 10;
/// See the wasm value above.
#[cfg(not(target_arch = "wasm32"))]
pub const CHECKS_PER_MICROSECOND: u32 = 1 << 5;

/// The longest spin, about as long as parking and being woken costs
/// (a futex wake and a context switch, tens of µs on the development VM):
/// spinning that long at most doubles the cost of a wait that parks after
/// all, which is the classic competitive bound. In wasm this is the fixed
/// 32 Ki checks the barrier spun before it adapted.
pub const MAX_SPIN_CHECKS: u32 = 32 * CHECKS_PER_MICROSECOND;

/// The shortest: about the length of a round whose parties are all on a
/// core with little to do (a settled world, where a round is the leader's
/// begin or end). Even when spinning rarely pays off such a round is still
/// caught, so the budget can grow back once the cores are free again.
pub const MIN_SPIN_CHECKS: u32 = 4 * CHECKS_PER_MICROSECOND;

/// A spinning waiter offers its core to another thread (`Futex::relax`)
/// once per this many checks (natively about 8 µs, against 0.6 µs for a
/// `sched_yield`): on an oversubscribed core the thread it waits for may be
/// the one waiting for that core.
pub const CHECKS_PER_RELAX: u32 = 1 << 8;

/// A spin budget shared by the waiters of one barrier. Re-arming the
/// barrier keeps it: how busy the machine is does not change with the crew.
#[derive(Debug)]
pub struct SpinBudget {
    checks: AtomicU32,
}

impl SpinBudget {
    /// Starts at the most, which is right on a quiet machine.
    pub const fn new() -> Self {
        SpinBudget { checks: AtomicU32::new(MAX_SPIN_CHECKS) }
    }

    /// Checks a waiter may spin before it parks.
    pub fn checks(&self) -> u32 {
        self.checks.load(Ordering::Relaxed).clamp(MIN_SPIN_CHECKS, MAX_SPIN_CHECKS)
    }

    /// Records how a wait ended: `caught` when the spin saw the round
    /// complete, else it parked. Relaxed and racy on purpose: two waiters
    /// that update at once lose one update, which only delays the
    /// adaptation by one wait.
    pub fn record(&self, caught: bool) {
        let checks = self.checks();
        let next = if caught { checks.saturating_mul(2) } else { checks / 2 };
        self.checks.store(next.clamp(MIN_SPIN_CHECKS, MAX_SPIN_CHECKS), Ordering::Relaxed);
    }
}

impl Default for SpinBudget {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parking_shrinks_the_budget_to_its_floor_and_catching_grows_it_back() {
        let budget = SpinBudget::new();
        assert_eq!(budget.checks(), MAX_SPIN_CHECKS);
        for _ in 0..32 {
            budget.record(false);
        }
        assert_eq!(budget.checks(), MIN_SPIN_CHECKS, "never below the floor");
        budget.record(true);
        assert_eq!(budget.checks(), 2 * MIN_SPIN_CHECKS);
        for _ in 0..32 {
            budget.record(true);
        }
        assert_eq!(budget.checks(), MAX_SPIN_CHECKS, "never above the ceiling");
    }
}
