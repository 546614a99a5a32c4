//! The thread runtime: the small set of pieces that let several wasm
//! instances share one memory safely on stable Rust.
//!
//! Nothing here knows about wasm except `futex::HostFutex` (with its clock,
//! `clock.rs`) and `heap::LinearMemory`; those are the hardware seam, so the
//! barrier, the work counter and the allocator are tested natively with
//! `cargo test`.

pub mod barrier;
pub mod clock;
pub mod error;
pub mod futex;
pub mod heap;
pub mod registry;
pub mod spin;
pub mod step_timing;
pub mod thread_slot;
pub mod turn;
pub mod work_counter;
