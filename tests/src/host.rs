//! The host imports: wait and notify backed by wasmtime's shared-memory
//! futex, and the clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Result;
use wasmtime::{Linker, SharedMemory, WaitResult};

/// `env.qs_now_ms` calls so far, in this process: tests check that the
/// module really reads the host's clock.
static NOW_MS_CALLS: AtomicU64 = AtomicU64::new(0);

/// How often any instance in this process called `env.qs_now_ms`.
pub fn now_ms_calls() -> u64 {
    NOW_MS_CALLS.load(Ordering::SeqCst)
}

/// `env.qs_now_ms`: milliseconds since this process first asked, from the
/// monotonic `Instant` (what `performance.now()` is in a browser).
pub fn now_ms() -> f64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    NOW_MS_CALLS.fetch_add(1, Ordering::Relaxed);
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// A linker with `env.qs_wait32`, `env.qs_notify` and `env.qs_now_ms`
/// defined; the caller adds `env.memory` with its store.
pub fn linker(engine: &wasmtime::Engine, memory: &SharedMemory) -> Result<Linker<()>> {
    let mut linker = Linker::new(engine);
    let waiter = memory.clone();
    linker.func_wrap(
        "env",
        "qs_wait32",
        move |addr: i32, expected: i32, timeout_ms: i32| -> wasmtime::Result<i32> {
            let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
            let outcome = waiter.atomic_wait32(addr as u32 as u64, expected as u32, timeout)?;
            Ok(match outcome {
                WaitResult::Ok => 0,
                WaitResult::Mismatch => 1,
                WaitResult::TimedOut => 2,
            })
        },
    )?;
    let notifier = memory.clone();
    linker.func_wrap("env", "qs_notify", move |addr: i32, count: i32| -> wasmtime::Result<i32> {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let woken = notifier.atomic_notify(addr as u32 as u64, count)?;
        Ok(i32::try_from(woken).unwrap_or(i32::MAX))
    })?;
    linker.func_wrap("env", "qs_now_ms", now_ms)?;
    Ok(linker)
}
