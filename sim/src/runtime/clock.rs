//! The clock seam: milliseconds from a monotonic host clock.
//!
//! A wasm module has no clock of its own, so the host supplies one numeric
//! import, `env.qs_now_ms: () -> f64` (`performance.now()` in JS, an
//! `Instant` in wasmtime). Only timing reads it: the crew's per-step
//! statistics. No simulated state ever depends on it, so results stay
//! deterministic whatever the clock says.

/// A monotonic clock in milliseconds.
pub trait Clock {
    /// Milliseconds since an origin the host chooses, never decreasing.
    /// Any thread may call it; it never blocks.
    fn now_ms(&self) -> f64;
}

#[cfg(target_arch = "wasm32")]
mod host {
    #[link(wasm_import_module = "env")]
    extern "C" {
        /// `() -> milliseconds`, monotonic (`performance.now()`).
        pub fn qs_now_ms() -> f64;
    }
}

/// The clock the host import provides on wasm. It is the same type as the
/// futex seam (`HostFutex`): every host supplies both, and the crew takes
/// one value that is both.
#[cfg(target_arch = "wasm32")]
impl Clock for super::futex::HostFutex {
    fn now_ms(&self) -> f64 {
        // SAFETY: the import takes no arguments and touches no memory.
        unsafe { host::qs_now_ms() }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::sync::atomic::{AtomicU64, Ordering};

    /// A fake clock: every reading is `step_ms` later than the one before,
    /// so a test knows exactly what each reading returns.
    pub(crate) struct TickingClock {
        readings: AtomicU64,
        step_ms: f64,
    }

    impl TickingClock {
        pub(crate) const fn new(step_ms: f64) -> Self {
            TickingClock { readings: AtomicU64::new(0), step_ms }
        }

        /// How often the clock was read.
        pub(crate) fn readings(&self) -> u64 {
            self.readings.load(Ordering::SeqCst)
        }
    }

    impl Clock for TickingClock {
        fn now_ms(&self) -> f64 {
            let reading = self.readings.fetch_add(1, Ordering::SeqCst);
            reading as f64 * self.step_ms
        }
    }

    #[test]
    fn the_ticking_clock_advances_by_its_step_per_reading() {
        let clock = TickingClock::new(0.5);
        assert_eq!(clock.now_ms(), 0.0);
        assert_eq!(clock.now_ms(), 0.5);
        assert_eq!(clock.readings(), 2);
    }
}
