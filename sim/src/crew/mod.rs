//! The crew: N workers that step a world together, phase by phase.
//!
//! A step is the work's phases, in order (for a world: `sand/phases.rs`).
//! Workers claim items (chunks) through atomic counters, each starting with
//! a home block of its own. Work that says which items of earlier phases
//! each item touches (`PhasedWork::orders_items`; a world does) runs its
//! phases with no barrier between them: an item waits only for those
//! items' turns (`runtime/turn.rs`), a worker sets an item that must still
//! wait aside and claims on (`deferred_items.rs`), and the cursors of
//! `phase_blocks.rs` hand out every phase at once. Other work gets one
//! barrier round per phase (`home_blocks.rs`). A phase with no items is skipped by every
//! worker alike. The exclusive work between steps (apply input, flip
//! frames, decide what to do next) runs inside a barrier as the leader's
//! action, so a world's step costs one barrier round (two with a frame)
//! and no messages.

pub mod deferred_items;
pub mod home_blocks;
pub mod phase_blocks;
pub mod phased_work;
pub mod team;
pub mod world_work;

pub use phased_work::PhasedWork;
pub use team::{Crew, MAX_CREW_WORKERS};
