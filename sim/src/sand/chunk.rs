//! Chunks: 64x64 blocks of cells, the unit of parallel work and of dirty
//! tracking, and the loop that updates the cells of one.

use core::sync::atomic::{AtomicU32, Ordering};

use super::dirty::DirtyRect;
use super::neighborhood::Neighborhood;
use super::world::World;
use crate::runtime::turn::Turn;

/// The dirty rectangles of one chunk (see `dirty.rs`).
#[derive(Debug)]
#[repr(C)]
pub(super) struct ChunkState {
    /// What the current step looks at (set in `begin_step`).
    pub(super) current: DirtyRect,
    /// What changed during the current step, for the next one to look at.
    pub(super) next: DirtyRect,
    /// Bit `b` set: frame buffer `b` does not show this chunk as it is now.
    stale_frames: AtomicU32,
    /// Whether this chunk's update in the current step has finished: the
    /// chunks of later phases next to it wait for it (`step.rs`).
    pub(super) turn: Turn,
}

/// `stale_frames` with every frame buffer stale.
const ALL_FRAMES_STALE: u32 = 0b11;

impl ChunkState {
    /// A chunk with nothing to do, drawn in no frame buffer yet.
    pub(super) const fn new() -> ChunkState {
        ChunkState {
            current: DirtyRect::new(),
            next: DirtyRect::new(),
            stale_frames: AtomicU32::new(ALL_FRAMES_STALE),
            turn: Turn::finished(),
        }
    }

    /// Records that cells of this chunk may have changed, so both frame
    /// buffers must draw it again. (Relaxed: frames are drawn after the
    /// barrier that ends the phases, or in an exclusive operation.)
    #[inline]
    pub(super) fn mark_stale(&self) {
        if self.stale_frames.load(Ordering::Relaxed) != ALL_FRAMES_STALE {
            self.stale_frames.store(ALL_FRAMES_STALE, Ordering::Relaxed);
        }
    }

    /// Whether frame buffer `buffer` does not show this chunk as it is now.
    #[inline]
    pub(super) fn is_stale(&self, buffer: u32) -> bool {
        self.stale_frames.load(Ordering::Relaxed) & (1 << buffer) != 0
    }

    /// Whether frame buffer `buffer` must draw this chunk again; clears that.
    #[inline]
    pub(super) fn take_stale(&self, buffer: u32) -> bool {
        if !self.is_stale(buffer) {
            // A load is cheaper than a read-modify-write, and most chunks
            // of a frame are not stale.
            return false;
        }
        let bit = 1 << buffer;
        self.stale_frames.fetch_and(!bit, Ordering::Relaxed) & bit != 0
    }
}

impl Default for ChunkState {
    fn default() -> Self {
        ChunkState::new()
    }
}

impl World {
    /// Gives every cell in the current dirty rectangle of chunk `index` its
    /// turn: rows bottom to top (so a falling column moves as one), columns
    /// left to right on even steps and right to left on odd ones (so nothing
    /// drifts one way). Then marks what changed for the next step.
    ///
    /// # Safety
    ///
    /// No other thread may access the cells within half a chunk of this
    /// chunk while it runs (see `World::update_phase_item`).
    pub(super) unsafe fn update_chunk(&self, index: usize) {
        let rect = self.chunk(index).current.load();
        if rect.is_empty() {
            return;
        }
        let step = self.step_count();
        // SAFETY: the cells the cursor may reach (within MAX_REACH, less
        // than half a chunk, of this chunk's cells) are ours alone, by the
        // caller's contract.
        let mut cells = unsafe { Neighborhood::new(self, step) };
        // SAFETY: `rect` lies inside the world, and its cells within
        // MAX_REACH are ours alone (the caller's contract).
        if let Some(temperature) = unsafe { self.uniform_temperature(&rect) } {
            // SAFETY: just checked, and only this cursor writes those cells
            // until the chunk is done.
            unsafe { cells.assume_uniform_temperature(temperature) };
        }
        let left_to_right = step.is_multiple_of(2);
        for y in (rect.y0..rect.y1).rev() {
            if left_to_right {
                for x in rect.x0..rect.x1 {
                    // SAFETY: `rect` lies inside this chunk, inside the world.
                    unsafe { cells.visit(x, y) };
                }
            } else {
                for x in (rect.x0..rect.x1).rev() {
                    // SAFETY: as above.
                    unsafe { cells.visit(x, y) };
                }
            }
        }
        self.mark_changed(cells.changes());
    }
}
