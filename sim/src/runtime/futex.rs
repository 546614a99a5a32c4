//! The blocking seam: wait and notify on a 32-bit word of shared memory.
//!
//! Stable Rust cannot emit `memory.atomic.wait32`/`memory.atomic.notify`
//! (the intrinsics are unstable), so on wasm the host supplies them as two
//! numeric imports: `Atomics.wait`/`Atomics.notify` in JS and
//! `SharedMemory::atomic_wait32`/`atomic_notify` in wasmtime.

use core::sync::atomic::AtomicU32;

/// Wait forever: pass as `timeout_ms`.
pub const FOREVER: i32 = -1;

/// Wake every waiter: pass as `count`.
pub const ALL_WAITERS: u32 = u32::MAX;

/// How a wait ended. The numbers are those of `memory.atomic.wait32` and
/// `Atomics.wait` ("ok", "not-equal", "timed-out").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Notified, or woken spuriously: the caller re-checks its condition.
    Woken = 0,
    /// The word did not hold `expected` when the wait began.
    NotEqual = 1,
    /// Nobody notified before the timeout.
    TimedOut = 2,
}

impl WaitOutcome {
    /// Converts a host's result code. An unknown code counts as a spurious
    /// wake-up, which every caller already handles by re-checking.
    pub const fn from_host(code: i32) -> Self {
        match code {
            1 => WaitOutcome::NotEqual,
            2 => WaitOutcome::TimedOut,
            _ => WaitOutcome::Woken,
        }
    }
}

/// Blocking wait and notify on one atomic word.
pub trait Futex {
    /// Blocks while `*word == expected`, for at most `timeout_ms`
    /// milliseconds (negative: forever).
    ///
    /// Never call this from an agent that cannot block: the browser's main
    /// thread traps on `Atomics.wait`.
    fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> WaitOutcome;

    /// Wakes up to `count` waiters on `word` (`ALL_WAITERS` for all) and
    /// returns how many were woken.
    fn notify(&self, word: &AtomicU32, count: u32) -> u32;

    /// Called now and then by a spinning waiter: offers the core to another
    /// runnable thread where the host can (natively `sched_yield`), so a
    /// descheduled party can arrive. Never blocks. Wasm has no yield, so
    /// the default, which the wasm hosts use, is only a spin hint; there
    /// the barrier's shrinking spin budget (`spin.rs`) parks early instead.
    fn relax(&self) {
        core::hint::spin_loop();
    }
}

#[cfg(target_arch = "wasm32")]
mod host {
    #[link(wasm_import_module = "env")]
    extern "C" {
        /// `(addr, expected, timeout_ms) -> 0 woken | 1 not-equal | 2 timed-out`
        pub fn qs_wait32(addr: usize, expected: i32, timeout_ms: i32) -> i32;
        /// `(addr, count) -> woken`; a negative count wakes all.
        pub fn qs_notify(addr: usize, count: i32) -> i32;
    }
}

/// The futex the host imports provide on wasm.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone, Copy, Default)]
pub struct HostFutex;

#[cfg(target_arch = "wasm32")]
impl Futex for HostFutex {
    fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> WaitOutcome {
        let addr = word.as_ptr() as usize;
        // SAFETY: the import only reads the 4-byte word at `addr`, which is a
        // live, aligned AtomicU32 borrowed for the whole call.
        let code = unsafe { host::qs_wait32(addr, expected as i32, timeout_ms) };
        WaitOutcome::from_host(code)
    }

    fn notify(&self, word: &AtomicU32, count: u32) -> u32 {
        let addr = word.as_ptr() as usize;
        // Note: u32::MAX becomes -1, which the hosts read as "all".
        // SAFETY: as in `wait`; notify does not touch the word's value.
        let woken = unsafe { host::qs_notify(addr, count as i32) };
        woken.max(0) as u32
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use core::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    /// A host-side stand-in for the wasm imports: it polls the word, which
    /// is a valid (if wasteful) futex because spurious wake-ups are allowed.
    pub(crate) struct SpinFutex;

    impl Futex for SpinFutex {
        fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> WaitOutcome {
            if word.load(Ordering::SeqCst) != expected {
                return WaitOutcome::NotEqual;
            }
            let deadline = (timeout_ms >= 0).then(|| Instant::now() + Duration::from_millis(timeout_ms as u64));
            while word.load(Ordering::SeqCst) == expected {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return WaitOutcome::TimedOut;
                }
                std::thread::yield_now();
            }
            WaitOutcome::Woken
        }

        fn notify(&self, _word: &AtomicU32, _count: u32) -> u32 {
            0
        }

        fn relax(&self) {
            std::thread::yield_now();
        }
    }

    /// Real elapsed time, so crew tests that do not look at timings run
    /// with the same seam the hosts provide.
    impl crate::runtime::clock::Clock for SpinFutex {
        fn now_ms(&self) -> f64 {
            static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
        }
    }

    #[test]
    fn host_codes_map_to_outcomes_and_unknown_codes_are_spurious_wakeups() {
        assert_eq!(WaitOutcome::from_host(0), WaitOutcome::Woken);
        assert_eq!(WaitOutcome::from_host(1), WaitOutcome::NotEqual);
        assert_eq!(WaitOutcome::from_host(2), WaitOutcome::TimedOut);
        assert_eq!(WaitOutcome::from_host(77), WaitOutcome::Woken);
    }
}
