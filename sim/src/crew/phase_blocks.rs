//! Handing out the items of every phase of a step at once, for work that
//! runs its phases without barriers between them (`PhasedWork::orders_items`).
//!
//! Like `HomeBlocks`, each worker has a home block of each phase (the same
//! chunks every step, so their cells stay in its core's cache) and steals
//! from the others' blocks when its own is done. Without a barrier to reset
//! a phase's counters, one cursor per worker holds both the phase its block
//! is in and how far into that phase's block the items went: a claim for a
//! later phase than the cursor's moves the cursor on to that phase, and a
//! claim for an earlier one finds nothing (the cursor only moves on once
//! that phase had nothing left to claim). So a step needs one reset, and
//! the cursors take no more room than the home blocks' do.

use core::sync::atomic::{AtomicU32, Ordering};

use super::home_blocks::block;
use super::team::MAX_CREW_WORKERS;

/// Bits of a cursor that count items; the bits above them hold the phase.
const OFFSET_BITS: u32 = 24;
const OFFSET_MASK: u32 = (1 << OFFSET_BITS) - 1;

/// Most phases (and, below, items per phase) the cursors can tell apart.
pub const MAX_PHASES: u32 = 1 << (32 - OFFSET_BITS);
pub const MAX_ITEMS_PER_PHASE: u32 = 1 << OFFSET_BITS;

/// One cursor per worker: (phase, items of its block handed out).
pub struct PhaseBlocks {
    cursors: [AtomicU32; MAX_CREW_WORKERS],
}

impl PhaseBlocks {
    /// Every cursor at the start of phase 0.
    pub const fn new() -> Self {
        PhaseBlocks { cursors: [const { AtomicU32::new(0) }; MAX_CREW_WORKERS] }
    }

    /// Starts a step over for `workers` workers. Only between barriers, by
    /// one thread.
    pub fn reset(&self, workers: u32) {
        for cursor in self.cursors.iter().take(workers as usize) {
            // A wasm atomic store is a locked exchange; a settled world's
            // steps claim nothing, so the cursors are still at 0.
            if cursor.load(Ordering::Relaxed) != 0 {
                cursor.store(0, Ordering::Relaxed);
            }
        }
    }

    /// The next item for `worker` of phase `phase` (of `len` items): from
    /// its own block first, then from the blocks after it in turn.
    /// `visited` is the caller's progress through the other blocks; start
    /// it at 0 each phase, and take the phases in order. Every item of a
    /// phase is handed out exactly once, provided every caller takes the
    /// phases in increasing order and `phase < MAX_PHASES`,
    /// `len <= MAX_ITEMS_PER_PHASE`.
    pub fn claim(&self, phase: u32, len: u32, workers: u32, worker: u32, visited: &mut u32) -> Option<u32> {
        while *visited < workers {
            let owner = (worker + *visited) % workers;
            let (start, end) = block(len, workers, owner);
            if let Some(offset) = self.claim_in(owner, phase, end - start) {
                return Some(start + offset);
            }
            *visited += 1;
        }
        None
    }

    /// The next of `block_len` items of `owner`'s block of `phase`.
    /// Relaxed: the cursors only decide who runs which item; the items'
    /// turns order what they write.
    fn claim_in(&self, owner: u32, phase: u32, block_len: u32) -> Option<u32> {
        let cursor = &self.cursors[owner as usize];
        let mut current = cursor.load(Ordering::Relaxed);
        loop {
            let (at, offset) = (current >> OFFSET_BITS, current & OFFSET_MASK);
            let taken = match at.cmp(&phase) {
                core::cmp::Ordering::Less => 0,
                core::cmp::Ordering::Equal => offset,
                core::cmp::Ordering::Greater => return None,
            };
            if taken >= block_len {
                return None;
            }
            let next = (phase << OFFSET_BITS) | (taken + 1);
            match cursor.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return Some(taken),
                Err(now) => current = now,
            }
        }
    }
}

impl Default for PhaseBlocks {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn racing_workers_claim_every_item_of_every_phase_once() {
        const WORKERS: u32 = 4;
        let lens = [5u32, 0, 1, 300, 7, 64];
        for _ in 0..50 {
            let blocks = Arc::new(PhaseBlocks::new());
            blocks.reset(WORKERS);
            let handles: Vec<_> = (0..WORKERS)
                .map(|worker| {
                    let blocks = blocks.clone();
                    std::thread::spawn(move || {
                        let mut mine = Vec::new();
                        for (phase, &len) in lens.iter().enumerate() {
                            let mut visited = 0;
                            while let Some(item) = blocks.claim(phase as u32, len, WORKERS, worker, &mut visited) {
                                mine.push((phase as u32, item));
                            }
                        }
                        mine
                    })
                })
                .collect();
            let mut all: Vec<(u32, u32)> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
            all.sort_unstable();
            let want: Vec<(u32, u32)> =
                lens.iter().enumerate().flat_map(|(p, &len)| (0..len).map(move |i| (p as u32, i))).collect();
            assert_eq!(all, want);
        }
    }

    #[test]
    fn a_worker_starts_at_home_and_a_thief_moves_a_late_cursor_on() {
        let blocks = PhaseBlocks::new();
        blocks.reset(2);
        // Phase 0: ten items, blocks 0..5 and 5..10. Worker 0 takes its own.
        let mut visited = 0;
        let zero: Vec<u32> = std::iter::from_fn(|| blocks.claim(0, 10, 2, 0, &mut visited)).collect();
        assert_eq!(zero, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "its block, then all of worker 1's");
        // Phase 1: worker 1 never claimed in phase 0; its cursor moves on.
        let mut visited = 0;
        assert_eq!(blocks.claim(1, 4, 2, 1, &mut visited), Some(2));
        let mut visited = 0;
        assert_eq!(blocks.claim(1, 4, 2, 0, &mut visited), Some(0));
        // A claim for a phase behind the cursor finds nothing.
        let mut visited = 0;
        assert_eq!(blocks.claim(0, 10, 2, 1, &mut visited), None);
        blocks.reset(2);
        let mut visited = 0;
        assert_eq!(blocks.claim(0, 10, 2, 1, &mut visited), Some(5), "a reset starts the step over");
    }
}
