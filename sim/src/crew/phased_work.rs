//! What the crew steps: work split into checkerboard phases of independent items.

/// Phases per step: the four (x % 2, y % 2) classes of a chunk grid.
pub const PHASES: u32 = 4;

/// Work that a crew can step in parallel.
///
/// The contract that makes it deterministic for any thread count: the items
/// of one phase touch disjoint memory (a chunk of phase p and every cell it
/// may write are never touched by another item of phase p), and the result
/// of an item does not depend on which thread runs it or when.
pub trait PhasedWork: Sync {
    /// Exclusive: runs on one thread while every other party waits.
    fn begin_step(&self);

    /// How many items phase `phase` has this step. Stable between
    /// `begin_step` and `end_step`.
    fn phase_len(&self, phase: u32) -> u32;

    /// Updates one item.
    ///
    /// # Safety
    /// Between `begin_step` and `end_step`, callers may run concurrently only
    /// for distinct items of the same phase, each item exactly once, and
    /// phases must be separated by a barrier.
    unsafe fn update_phase_item(&self, phase: u32, item: u32);

    /// Exclusive: runs on one thread while every other party waits.
    fn end_step(&self);
}
