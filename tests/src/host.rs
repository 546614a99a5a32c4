//! The two host imports, backed by wasmtime's shared-memory futex.

use std::time::Duration;

use anyhow::Result;
use wasmtime::{Linker, SharedMemory, WaitResult};

/// A linker with `env.qs_wait32` and `env.qs_notify` defined; the caller
/// adds `env.memory` with its store.
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
    Ok(linker)
}
