//! An atomic work counter: threads claim item indices until they run out.

use core::sync::atomic::{AtomicU32, Ordering};

/// Hands out 0, 1, 2, … to whoever asks first.
///
/// Relaxed ordering is enough: the barrier before and after a phase orders
/// the work itself; the counter only decides who does which item.
#[repr(C)]
pub struct WorkCounter {
    next: AtomicU32,
}

impl WorkCounter {
    /// A counter at zero.
    pub const fn new() -> Self {
        WorkCounter { next: AtomicU32::new(0) }
    }

    /// Claims the next index, or `None` once `end` items have been handed out.
    pub fn claim_below(&self, end: u32) -> Option<u32> {
        if self.next.load(Ordering::Relaxed) >= end {
            // Don't keep incrementing an exhausted counter: it could wrap.
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        (index < end).then_some(index)
    }

    /// Claims the next index with no end (the caller checks it).
    pub fn claim(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// How many indices have been claimed (may exceed `end`).
    pub fn claimed(&self) -> u32 {
        self.next.load(Ordering::Relaxed)
    }

    /// Starts over at zero. Only between barriers, by one thread.
    pub fn reset(&self) {
        self.next.store(0, Ordering::Relaxed);
    }
}

impl Default for WorkCounter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn every_index_is_claimed_exactly_once_across_threads() {
        const ITEMS: u32 = 10_000;
        let counter = Arc::new(WorkCounter::new());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    while let Some(index) = counter.claim_below(ITEMS) {
                        mine.push(index);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<u32> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..ITEMS).collect::<Vec<_>>());
        counter.reset();
        assert_eq!(counter.claim_below(1), Some(0));
        assert_eq!(counter.claim_below(1), None);
    }
}
