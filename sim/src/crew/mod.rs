//! The crew: N workers that step a world together, phase by phase.
//!
//! A step is the work's phases, in order (for a world: `sand/phases.rs`).
//! In each phase workers claim items (chunks) through atomic counters, each
//! starting with a home block of its own (`home_blocks.rs`); one barrier
//! round ends the phase. A phase with no items is skipped by every worker
//! alike, with no barrier. The exclusive work between steps (apply input,
//! flip frames, decide what to do next) runs inside the barrier as the
//! leader's action, so a step costs one barrier round per phase with items
//! (at least one) and no messages.

pub mod home_blocks;
pub mod phased_work;
pub mod team;
pub mod world_work;

pub use phased_work::PhasedWork;
pub use team::{Crew, MAX_CREW_WORKERS};
