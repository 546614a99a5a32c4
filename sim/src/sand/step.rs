//! The stepping protocol: how one or many threads advance the world by one
//! step, with the same result whatever the thread count.
//!
//! A step is `begin_step` (exclusive), then `phase_count` phases, then,
//! when a frame is wanted, the frame pass (`frame.rs`), then `end_step`
//! (exclusive). Each phase updates the dirty chunks of one class
//! (`phases.rs`: the chunk below always runs first, so falling blocks fall
//! as blocks); no two of them are neighbours, and a cell reads and writes
//! at most `MAX_REACH` (< half a chunk) cells from its own, so the items of
//! one phase touch disjoint cells and can run in any order, or at once,
//! with the same result. Randomness is a hash of (seed, step, x, y).
//!
//! A parallel driver does:
//!
//! ```text
//! one thread:  world.begin_step()                     ; barrier
//! for phase in 0..world.phase_count():
//!     if world.phase_len(phase) == 0: next phase (no barrier: nothing ran)
//!     all threads: claim items 0..world.phase_len(phase) (e.g. an atomic
//!                  counter) and call world.update_phase_item(phase, item)
//!                                                     ; barrier
//! one thread:  frame_items = world.begin_frame()      (in the last
//!              barrier; 0 almost always: no frame wanted)
//! if frame_items > 0:
//!     all threads: claim items 0..frame_items and call
//!                  world.render_frame_item(item)      ; barrier
//! one thread:  world.end_step()                       ; barrier
//! ```
//!
//! A crew may also drop the barriers between phases (`crew/team.rs`): a
//! chunk then waits only for its neighbours of earlier phases
//! (`for_each_earlier_turn`) and finishes its own turn when done. The
//! result is the same, because only neighbours ever touch the same memory.
//!
//! Drawing a frame reads the cells and writes only the back frame buffer,
//! so it never changes the world: the result is the same with or without
//! frames, for any thread count.

use core::sync::atomic::{AtomicU32, Ordering};

use super::phases::{phase_of, rows_of_phase};
use super::world::World;
use crate::runtime::turn::Turn;

/// The eight chunks around one, the lower ones (which run first) first.
const NEIGHBOURS: [(i32, i32); 8] = [(0, 1), (-1, 1), (1, 1), (-1, 0), (1, 0), (-1, -1), (0, -1), (1, -1)];

/// Relaxed is enough: the phase starts are written in the exclusive parts
/// of a step and read after the driver's barrier, which orders them.
const ORDER: Ordering = Ordering::Relaxed;

impl World {
    /// Starts a step. Exclusive: call from one thread while no phase item
    /// runs. Applies the queued paint commands (in order), makes last step's
    /// marks this step's dirty rectangles, and lists per phase the chunks
    /// that have something to do.
    pub(crate) fn begin_step(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held.
        unsafe { self.begin_step_exclusive() };
    }

    /// `begin_step` without taking the lock.
    ///
    /// # Safety
    ///
    /// The caller holds the exclusive lock and no phase item runs.
    unsafe fn begin_step_exclusive(&self) {
        // SAFETY: the caller has exclusive access.
        unsafe { self.apply_paint_queue() };
        let mut listed = 0u32;
        for phase in 0..self.phase_count {
            self.set_phase_start(phase, listed);
            for (cy, parity) in rows_of_phase(phase, self.chunks_y) {
                for cx in (parity..self.chunks_x).step_by(2) {
                    let index = cy * self.chunks_x + cx;
                    let chunk = self.chunk(index as usize);
                    let rect = chunk.next.take();
                    chunk.current.store(&rect);
                    chunk.turn.arm(!rect.is_empty());
                    if !rect.is_empty() {
                        assert!((listed as usize) < self.chunk_count);
                        // SAFETY: each chunk is listed at most once, so
                        // `listed < chunk_count`, the list's length; the
                        // caller has exclusive access.
                        unsafe { self.phase_items.add(listed as usize).write(index) };
                        listed += 1;
                    }
                }
            }
        }
        self.set_phase_start(self.phase_count, listed);
    }

    /// The phase start entry `index` (`0..=phase_count`).
    fn phase_start(&self, index: u32) -> &AtomicU32 {
        assert!(index <= self.phase_count);
        // SAFETY: the list has `phase_count + 1` entries (layout.rs),
        // initialised at creation, and lives as long as the world.
        unsafe { &*self.phase_starts.add(index as usize) }
    }

    /// Sets a phase start, skipping the store when it holds that value
    /// already (a settled world lists the same nothing every step, and a
    /// wasm atomic store is a locked exchange).
    fn set_phase_start(&self, index: u32, value: u32) {
        let start = self.phase_start(index);
        if start.load(ORDER) != value {
            start.store(value, ORDER);
        }
    }

    /// Phases per step (the same for every step of this world).
    pub(crate) fn phase_count(&self) -> u32 {
        self.phase_count
    }

    /// Number of work items (dirty chunks) in `phase` of the current step;
    /// 0 for a phase number out of range.
    pub(crate) fn phase_len(&self, phase: u32) -> u32 {
        if phase >= self.phase_count {
            return 0;
        }
        // The starts only grow with the phase, except while `begin_step`
        // rewrites them (which the contract keeps apart from any reader
        // that acts on the answer): saturate rather than wrap.
        self.phase_start(phase + 1).load(ORDER).saturating_sub(self.phase_start(phase).load(ORDER))
    }

    /// Number of chunks the current step updates (all phases).
    #[cfg(test)]
    pub(super) fn active_chunk_count(&self) -> u32 {
        (0..self.phase_count).map(|phase| self.phase_len(phase)).sum()
    }

    /// Updates work item `item` of `phase` (one chunk). Out-of-range
    /// arguments do nothing.
    ///
    /// # Safety
    ///
    /// * It runs between `begin_step` and `end_step` of one step, after every
    ///   item of the earlier phases of that step has finished (and their
    ///   writes are visible, e.g. through a barrier), or at least every one
    ///   whose turn `for_each_earlier_turn` names (finished with Release,
    ///   seen with Acquire).
    /// * Calls that overlap in time are for different items, of the same
    ///   phase or of phases whose turns do not name each other; each item
    ///   runs at most once per step.
    /// * No exclusive operation (`begin_step`, `end_step`, `step`, painting
    ///   application, scenes, `hash`, cell accessors) runs at the same time.
    ///
    /// (Running every item of every phase exactly once is what makes the
    /// step complete and deterministic; the order within a phase does not
    /// matter.)
    pub(crate) unsafe fn update_phase_item(&self, phase: u32, item: u32) {
        let Some(index) = self.chunk_of_item(phase, item) else {
            return;
        };
        // SAFETY: items that run at once are chunks that are not
        // neighbours (of one phase, or of phases whose turns do not name
        // each other), so the cells each may reach (its own and up to half
        // a chunk around) do not overlap; the caller keeps everything else
        // away.
        unsafe { self.update_chunk(index) };
    }

    /// The chunk that item `item` of `phase` updates this step; None out
    /// of range.
    fn chunk_of_item(&self, phase: u32, item: u32) -> Option<usize> {
        if item >= self.phase_len(phase) {
            return None;
        }
        let slot = (self.phase_start(phase).load(ORDER) + item) as usize;
        assert!(slot < self.chunk_count);
        // SAFETY: `slot` is inside the list (checked); it was written by
        // `begin_step`, and nothing writes it until the next one.
        Some(unsafe { self.phase_items.add(slot).read() } as usize)
    }

    /// The turn of the chunk that item `item` of `phase` updates: its
    /// update finished this step. None out of range.
    pub(crate) fn item_turn(&self, phase: u32, item: u32) -> Option<&Turn> {
        self.chunk_of_item(phase, item).map(|index| &self.chunk(index).turn)
    }

    /// Calls `visit` with the turns of the neighbours (also diagonal) of
    /// item `item`'s chunk that run in an earlier phase, until it returns
    /// false.
    ///
    /// This is what lets a crew drop the barriers between phases: a chunk
    /// and every cell it may touch lie within half a chunk of it, so only
    /// neighbouring chunks ever touch the same cells (or the same dirty
    /// rectangle), and of two neighbours the one in the earlier phase
    /// must run first. Chunks further apart touch disjoint memory and may
    /// run at once whatever their phases, as the chunks of one phase do.
    /// A neighbour with nothing to do this step is finished from the start.
    pub(crate) fn for_each_earlier_turn(&self, phase: u32, item: u32, visit: &mut dyn FnMut(&Turn) -> bool) {
        let Some(index) = self.chunk_of_item(phase, item) else {
            return;
        };
        let (cx, cy) = ((index as u32 % self.chunks_x) as i32, (index as u32 / self.chunks_x) as i32);
        for (dx, dy) in NEIGHBOURS {
            let (nx, ny) = (cx + dx, cy + dy);
            if nx < 0 || ny < 0 || nx >= self.chunks_x as i32 || ny >= self.chunks_y as i32 {
                continue;
            }
            if phase_of(nx as u32, ny as u32, self.chunks_y) >= phase {
                continue;
            }
            if !visit(&self.chunk((ny as u32 * self.chunks_x + nx as u32) as usize).turn) {
                return;
            }
        }
    }

    /// Ends a step. Exclusive: call from one thread after every phase item
    /// (and frame item) finished. Counts the step and publishes the frame
    /// that `begin_frame` started, if any.
    pub(crate) fn end_step(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held.
        unsafe { self.end_step_exclusive() };
    }

    /// `end_step` without taking the lock.
    ///
    /// # Safety
    ///
    /// The caller holds the exclusive lock and no phase item runs.
    unsafe fn end_step_exclusive(&self) {
        self.step.fetch_add(1, ORDER);
        self.finish_frame();
    }

    /// One whole step on the calling thread: `begin_step`, every item of
    /// every phase, the frame pass if a frame is wanted, `end_step`.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn step(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held for the whole step, and this thread runs
        // the phases one after another, so every item is alone.
        unsafe {
            self.begin_step_exclusive();
            for phase in 0..self.phase_count {
                for item in 0..self.phase_len(phase) {
                    self.update_phase_item(phase, item);
                }
            }
            for item in 0..self.begin_frame_exclusive(false) {
                self.render_frame_item(item);
            }
            self.end_step_exclusive();
        }
    }
}
