//! What the crew steps: work split into phases of independent items.

use crate::runtime::turn::Turn;

/// Work that a crew can step in parallel.
///
/// The contract that makes it deterministic for any thread count: the items
/// of one phase touch disjoint memory (a chunk of phase p and every cell it
/// may write are never touched by another item of phase p), and the result
/// of an item does not depend on which thread runs it or when.
pub trait PhasedWork: Sync {
    /// Exclusive: runs on one thread while every other party waits.
    fn begin_step(&self);

    /// How many phases this step has, in order. Stable between
    /// `begin_step` and `end_step`.
    fn phase_count(&self) -> u32;

    /// How many items phase `phase` has this step. Stable between
    /// `begin_step` and `end_step`. A phase with none costs no barrier.
    fn phase_len(&self, phase: u32) -> u32;

    /// Updates one item.
    ///
    /// # Safety
    /// Between `begin_step` and `end_step`, callers may run concurrently only
    /// for distinct items of the same phase, each item exactly once, and
    /// phases must be separated by a barrier. With `item_turn` (below) the
    /// barrier between phases may go: then an item may start once every
    /// turn that `for_each_earlier_turn` names for it is finished, and
    /// items of different phases whose turns do not name each other may
    /// run at once.
    unsafe fn update_phase_item(&self, phase: u32, item: u32);

    /// Whether the work orders its items by what they touch (`item_turn`,
    /// `for_each_earlier_turn`) instead of by barriers between phases.
    /// Stable for the work's lifetime. The default keeps the barriers.
    fn orders_items(&self) -> bool {
        false
    }

    /// The turn of item `item` of phase `phase`, where `orders_items`.
    /// `begin_step` arms every item's turn (pending for the items that run
    /// this step); the crew finishes it after `update_phase_item`.
    ///
    /// The contract that keeps this as deterministic as the barriers: two
    /// items of different phases that might touch the same memory (or
    /// whose results depend on each other's) are always named by
    /// `for_each_earlier_turn` of the later one, so they run in phase order;
    /// any other two touch disjoint memory.
    fn item_turn(&self, _phase: u32, _item: u32) -> Option<&Turn> {
        None
    }

    /// Calls `visit` with the turn of every item of an earlier phase that
    /// item `item` of phase `phase` must run after (see `item_turn`), until
    /// `visit` returns false. Only asked where `orders_items`.
    fn for_each_earlier_turn(&self, _phase: u32, _item: u32, _visit: &mut dyn FnMut(&Turn) -> bool) {}

    /// Exclusive, after the last phase: starts this step's frame pass and
    /// returns its item count, 0 for no pass (no frame wanted, or nothing to
    /// draw in parallel). The default has no frames.
    fn begin_frame(&self) -> u32 {
        0
    }

    /// Draws one item of the frame pass that `begin_frame` started.
    ///
    /// # Safety
    /// Between `begin_frame` and `end_step`, after the last phase finished
    /// (a barrier in between); callers may run concurrently only for
    /// distinct items, each item at most once. It must not change what the
    /// phases compute: a frame pass only reads the work's state.
    unsafe fn render_frame_item(&self, _item: u32) {}

    /// Exclusive: runs on one thread while every other party waits.
    fn end_step(&self);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crew::Crew;
    use crate::runtime::futex::tests::SpinFutex;
    use core::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};
    use std::vec::Vec;

    /// Work whose even steps draw a frame of `FRAME_ITEMS` items.
    struct Frames {
        step: AtomicU32,
        /// Set while an exclusive part runs: frame items must never see it.
        exclusive: AtomicU32,
        drawn: Mutex<Vec<(u32, u32)>>,
        /// Frame items counted by `end_step`, per step.
        seen_at_end: Mutex<Vec<usize>>,
    }

    const FRAME_ITEMS: u32 = 9;

    impl PhasedWork for Frames {
        fn begin_step(&self) {}
        fn phase_count(&self) -> u32 {
            4
        }
        fn phase_len(&self, phase: u32) -> u32 {
            phase + 1
        }
        unsafe fn update_phase_item(&self, _phase: u32, _item: u32) {}
        fn begin_frame(&self) -> u32 {
            if self.step.load(Ordering::SeqCst).is_multiple_of(2) {
                FRAME_ITEMS
            } else {
                0
            }
        }
        unsafe fn render_frame_item(&self, item: u32) {
            assert_eq!(self.exclusive.load(Ordering::SeqCst), 0, "a frame item ran inside an exclusive part");
            self.drawn.lock().unwrap().push((self.step.load(Ordering::SeqCst), item));
        }
        fn end_step(&self) {
            self.exclusive.store(1, Ordering::SeqCst);
            let step = self.step.load(Ordering::SeqCst);
            let drawn = self.drawn.lock().unwrap().iter().filter(|(s, _)| *s == step).count();
            self.seen_at_end.lock().unwrap().push(drawn);
            self.step.fetch_add(1, Ordering::SeqCst);
            self.exclusive.store(0, Ordering::SeqCst);
        }
    }

    #[test]
    fn frame_items_run_once_each_on_the_workers_before_the_step_ends() {
        const STEPS: u32 = 6;
        for workers in [1u32, 2, 3, 5] {
            let crew = Arc::new(Crew::new());
            crew.reset(workers).unwrap();
            let work = Arc::new(Frames {
                step: AtomicU32::new(0),
                exclusive: AtomicU32::new(0),
                drawn: Mutex::new(Vec::new()),
                seen_at_end: Mutex::new(Vec::new()),
            });
            let handles: Vec<_> = (0..workers)
                .map(|worker| {
                    let (crew, work) = (crew.clone(), work.clone());
                    std::thread::spawn(move || crew.run_steps(&*work, &SpinFutex, worker, STEPS, 5_000))
                })
                .collect();
            for handle in handles {
                handle.join().unwrap().unwrap();
            }
            let mut drawn = work.drawn.lock().unwrap().clone();
            drawn.sort_unstable();
            let expected: Vec<_> =
                (0..STEPS).filter(|s| s % 2 == 0).flat_map(|s| (0..FRAME_ITEMS).map(move |i| (s, i))).collect();
            assert_eq!(drawn, expected, "{workers} workers: each frame item once, only in frame steps");
            let at_end = work.seen_at_end.lock().unwrap().clone();
            let want: Vec<usize> = (0..STEPS).map(|s| if s % 2 == 0 { FRAME_ITEMS as usize } else { 0 }).collect();
            assert_eq!(at_end, want, "{workers} workers: every frame item finished before end_step");
        }
    }
}
