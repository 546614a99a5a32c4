//! Error codes that cross the export boundary.
//!
//! Exports return a non-negative value on success and one of these negative
//! codes on failure. The numbers are part of the ABI (docs/ABI.md) and are
//! shared with the simulation's `SimError` (-1..-5), so one export never
//! gives one number two meanings.

/// A runtime failure, as the negative `i32` an export returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum RuntimeError {
    /// An argument was out of range: a size, a count, an unknown handle.
    InvalidArgument = -1,
    /// `memory.grow` failed: the memory is at its maximum.
    OutOfMemory = -3,
    /// A fixed table (threads, barriers, counters, worlds, crews) is full.
    TableFull = -6,
    /// The world is being stepped; try again when the crew has no pending steps.
    Busy = -7,
    /// A wait ran past its timeout; the barrier is now broken.
    TimedOut = -10,
    /// Another party timed out, so this barrier can no longer be trusted.
    BarrierBroken = -11,
}

impl RuntimeError {
    /// The code an export returns.
    pub const fn code(self) -> i32 {
        self as i32
    }
}
