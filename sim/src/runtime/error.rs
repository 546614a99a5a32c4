//! How the thread runtime fails.
//!
//! The number an export returns for each of these is decided in one place,
//! `abi::code` (`From<RuntimeError> for ErrorCode`).

/// A runtime failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeError {
    /// An argument was out of range: a size, a count, an unknown handle.
    InvalidArgument,
    /// `memory.grow` failed: the memory is at its maximum.
    OutOfMemory,
    /// A fixed table (threads, barriers, counters, worlds, crews) is full.
    TableFull,
    /// The world is being stepped; try again when the crew has no pending steps.
    Busy,
    /// A wait ran past its timeout; the barrier is now broken.
    TimedOut,
    /// Another party timed out, so this barrier can no longer be trusted.
    BarrierBroken,
    /// A worker's stack canary was found damaged; the crew stopped.
    StackOverflow,
}
