//! Handing out one phase's items: a contiguous home block per worker, then
//! stealing from the others' blocks.
//!
//! The phase lists keep their order from step to step (row-major chunks), so
//! a worker that starts with the same block every step keeps updating the
//! same chunks, and their cells stay in its core's cache. With a single
//! shared counter the chunks wander between cores every step; on the 2-core
//! dev machine that migration, not waiting, was what kept two threads well
//! short of twice one. Stealing keeps the load balanced; which worker runs an
//! item never changes the result.

use super::team::MAX_CREW_WORKERS;
use crate::runtime::work_counter::WorkCounter;

/// One cursor per worker: how far into its home block the items went.
pub struct HomeBlocks {
    cursors: [WorkCounter; MAX_CREW_WORKERS],
}

/// Worker `owner`'s home block of `len` items split `workers` ways.
pub(super) fn block(len: u32, workers: u32, owner: u32) -> (u32, u32) {
    let start = (u64::from(len) * u64::from(owner) / u64::from(workers)) as u32;
    let end = (u64::from(len) * u64::from(owner + 1) / u64::from(workers)) as u32;
    (start, end)
}

impl HomeBlocks {
    /// Every block untouched.
    pub const fn new() -> Self {
        HomeBlocks { cursors: [const { WorkCounter::new() }; MAX_CREW_WORKERS] }
    }

    /// Starts a phase over for `workers` workers. Only between barriers, by
    /// one thread.
    pub fn reset(&self, workers: u32) {
        for cursor in self.cursors.iter().take(workers as usize) {
            cursor.reset();
        }
    }

    /// The next item for `worker` of a phase with `len` items: from its own
    /// block first, then from the blocks after it in turn. `visited` is the
    /// caller's progress through the other blocks; start it at 0 each phase.
    /// Every item is handed out exactly once per phase.
    pub fn claim(&self, len: u32, workers: u32, worker: u32, visited: &mut u32) -> Option<u32> {
        while *visited < workers {
            let owner = (worker + *visited) % workers;
            let (start, end) = block(len, workers, owner);
            if let Some(offset) = self.cursors[owner as usize].claim_below(end - start) {
                return Some(start + offset);
            }
            *visited += 1;
        }
        None
    }
}

impl Default for HomeBlocks {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn blocks_cover_every_item_once_for_any_split() {
        for len in [0, 1, 7, 64, 1000] {
            for workers in [1, 2, 3, 16] {
                let mut covered = Vec::new();
                for owner in 0..workers {
                    let (start, end) = block(len, workers, owner);
                    covered.extend(start..end);
                }
                assert_eq!(covered, (0..len).collect::<Vec<_>>(), "len {len}, {workers} workers");
            }
        }
    }

    #[test]
    fn each_worker_starts_at_home_then_steals() {
        let blocks = HomeBlocks::new();
        blocks.reset(2);
        let (mut visited_0, mut visited_1) = (0, 0);
        // Ten items, blocks 0..5 and 5..10.
        assert_eq!(blocks.claim(10, 2, 1, &mut visited_1), Some(5));
        assert_eq!(blocks.claim(10, 2, 0, &mut visited_0), Some(0));
        for expected in 6..10 {
            assert_eq!(blocks.claim(10, 2, 1, &mut visited_1), Some(expected));
        }
        // Worker 1 is done at home and steals the rest of worker 0's block.
        assert_eq!(blocks.claim(10, 2, 1, &mut visited_1), Some(1));
        assert_eq!(blocks.claim(10, 2, 0, &mut visited_0), Some(2));
    }

    #[test]
    fn every_item_is_claimed_once_by_racing_threads() {
        const LEN: u32 = 5_000;
        const WORKERS: u32 = 4;
        let blocks = Arc::new(HomeBlocks::new());
        blocks.reset(WORKERS);
        let handles: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let blocks = blocks.clone();
                std::thread::spawn(move || {
                    let mut visited = 0;
                    let mut mine = Vec::new();
                    while let Some(item) = blocks.claim(LEN, WORKERS, worker, &mut visited) {
                        mine.push(item);
                    }
                    mine
                })
            })
            .collect();
        let mut all: Vec<u32> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..LEN).collect::<Vec<_>>());
    }

    #[test]
    fn a_lone_worker_takes_everything_in_order() {
        let blocks = HomeBlocks::new();
        blocks.reset(3);
        let mut visited = 0;
        let items: Vec<u32> = std::iter::from_fn(|| blocks.claim(10, 3, 1, &mut visited)).collect();
        assert_eq!(items, vec![3, 4, 5, 6, 7, 8, 9, 0, 1, 2]);
    }
}
