//! The crew: N workers that step a world together, phase by phase.
//!
//! A step is `PHASES` checkerboard phases. In each phase workers claim items
//! (chunks) through atomic counters, each starting with a home block of its
//! own (`home_blocks.rs`); one barrier round ends the phase. The
//! exclusive work between steps (apply input, flip frames, decide what to do
//! next) runs inside the barrier as the leader's action, so a step costs
//! exactly `PHASES` barrier rounds and no messages.

pub mod home_blocks;
pub mod phased_work;
pub mod team;
pub mod world_work;

pub use phased_work::{PhasedWork, PHASES};
pub use team::{Crew, MAX_CREW_WORKERS};
