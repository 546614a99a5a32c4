//! The lock that makes the exclusive operations (begin/end of a step,
//! painting, scenes, hashing, reading cells) exclusive with each other.
//!
//! It is a spin lock: the driver only ever calls exclusive operations from
//! one thread at a time, so in correct use it is never contended, and a
//! mistaken second caller waits instead of racing. The per-chunk updates do
//! not take it (their contract already excludes exclusive operations).

use core::sync::atomic::{AtomicBool, Ordering};

/// A spin lock with no data of its own.
#[derive(Debug)]
pub(super) struct ExclusiveLock {
    held: AtomicBool,
}

/// Proof of holding the lock; releases it when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub(super) struct ExclusiveGuard<'a> {
    lock: &'a ExclusiveLock,
}

impl ExclusiveLock {
    /// An unlocked lock.
    pub(super) const fn new() -> ExclusiveLock {
        ExclusiveLock { held: AtomicBool::new(false) }
    }

    /// Waits until the lock is free and takes it. Acquire ordering makes
    /// everything the previous holder wrote visible.
    pub(super) fn lock(&self) -> ExclusiveGuard<'_> {
        while self.held.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            core::hint::spin_loop();
        }
        ExclusiveGuard { lock: self }
    }
}

impl Default for ExclusiveLock {
    fn default() -> Self {
        ExclusiveLock::new()
    }
}

impl Drop for ExclusiveGuard<'_> {
    fn drop(&mut self) {
        self.lock.held.store(false, Ordering::Release);
    }
}
