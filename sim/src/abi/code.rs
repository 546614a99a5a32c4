//! The one table of codes an export returns on failure.
//!
//! Each layer keeps its own error enum ([`RuntimeError`], [`SimError`],
//! [`SnapshotError`]), and each converts into [`ErrorCode`] with `From`, so
//! the number a host sees is decided here and nowhere else. The numbers are
//! ABI: they are written into `www/pkg/abi.js` at build time and listed in
//! docs/ABI.md. Never reuse one.

use crate::runtime::error::RuntimeError;
use crate::sand::{SimError, SnapshotError};

/// Why an export refused a call: always negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ErrorCode {
    /// An argument is out of range: a size, a count, a coordinate, or a
    /// handle that is unknown, of another kind or stale.
    InvalidArgument = -1,
    /// A world larger than the maximum side.
    TooLarge = -2,
    /// Memory is at its maximum, or a buffer is too small.
    OutOfMemory = -3,
    /// The paint queue is full; the command may be retried after a step.
    QueueFull = -4,
    /// A number that is not a material id.
    UnknownMaterial = -5,
    /// A fixed table (threads, barriers, counters, worlds, crews) is full.
    TableFull = -6,
    /// A crew has steps pending, or a worker is still inside the crew.
    Busy = -7,
    /// This wait ran past its timeout; the barrier is now broken.
    TimedOut = -10,
    /// Another party timed out, so the barrier can no longer be trusted.
    BarrierBroken = -11,
    /// A worker's stack ran into its canary: the crew stopped stepping,
    /// because the overflow may have written into anything below it.
    StackOverflow = -12,
    /// Not a quicksand save at all, or cut short.
    NotASave = -20,
    /// A save from a format version this build cannot read.
    UnsupportedVersion = -21,
    /// A save of a world of another width or height.
    SizeMismatch = -22,
    /// A save whose checksum does not match its bytes.
    Corrupt = -23,
}

impl ErrorCode {
    /// Every code, in table order (for abi.js, the docs and tests).
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::InvalidArgument,
        ErrorCode::TooLarge,
        ErrorCode::OutOfMemory,
        ErrorCode::QueueFull,
        ErrorCode::UnknownMaterial,
        ErrorCode::TableFull,
        ErrorCode::Busy,
        ErrorCode::TimedOut,
        ErrorCode::BarrierBroken,
        ErrorCode::StackOverflow,
        ErrorCode::NotASave,
        ErrorCode::UnsupportedVersion,
        ErrorCode::SizeMismatch,
        ErrorCode::Corrupt,
    ];

    /// The number an export returns.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The code with this number, if there is one.
    pub fn from_code(code: i32) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }

    /// The name hosts use for it (`ERROR.TABLE_FULL` in abi.js).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::OutOfMemory => "OUT_OF_MEMORY",
            ErrorCode::QueueFull => "QUEUE_FULL",
            ErrorCode::UnknownMaterial => "UNKNOWN_MATERIAL",
            ErrorCode::TableFull => "TABLE_FULL",
            ErrorCode::Busy => "BUSY",
            ErrorCode::TimedOut => "TIMED_OUT",
            ErrorCode::BarrierBroken => "BARRIER_BROKEN",
            ErrorCode::StackOverflow => "STACK_OVERFLOW",
            ErrorCode::NotASave => "NOT_A_SAVE",
            ErrorCode::UnsupportedVersion => "UNSUPPORTED_VERSION",
            ErrorCode::SizeMismatch => "SIZE_MISMATCH",
            ErrorCode::Corrupt => "CORRUPT",
        }
    }

    /// One sentence for a person.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid argument",
            ErrorCode::TooLarge => "world too large",
            ErrorCode::OutOfMemory => "out of memory",
            ErrorCode::QueueFull => "paint queue full",
            ErrorCode::UnknownMaterial => "unknown material",
            ErrorCode::TableFull => "too many of this kind of object",
            ErrorCode::Busy => "busy: the world is being stepped",
            ErrorCode::TimedOut => "a wait timed out",
            ErrorCode::BarrierBroken => "another worker timed out",
            ErrorCode::StackOverflow => "a worker's stack overflowed",
            ErrorCode::NotASave => "not a quicksand save",
            ErrorCode::UnsupportedVersion => "a save from an unsupported version",
            ErrorCode::SizeMismatch => "a save of a world of another size",
            ErrorCode::Corrupt => "a corrupt save (checksum mismatch)",
        }
    }
}

impl From<RuntimeError> for ErrorCode {
    fn from(error: RuntimeError) -> Self {
        match error {
            RuntimeError::InvalidArgument => ErrorCode::InvalidArgument,
            RuntimeError::OutOfMemory => ErrorCode::OutOfMemory,
            RuntimeError::TableFull => ErrorCode::TableFull,
            RuntimeError::Busy => ErrorCode::Busy,
            RuntimeError::TimedOut => ErrorCode::TimedOut,
            RuntimeError::BarrierBroken => ErrorCode::BarrierBroken,
            RuntimeError::StackOverflow => ErrorCode::StackOverflow,
        }
    }
}

impl From<SimError> for ErrorCode {
    fn from(error: SimError) -> Self {
        match error {
            SimError::InvalidArgument => ErrorCode::InvalidArgument,
            SimError::TooLarge => ErrorCode::TooLarge,
            SimError::OutOfMemory => ErrorCode::OutOfMemory,
            SimError::QueueFull => ErrorCode::QueueFull,
            SimError::UnknownMaterial => ErrorCode::UnknownMaterial,
        }
    }
}

impl From<SnapshotError> for ErrorCode {
    fn from(error: SnapshotError) -> Self {
        match error {
            SnapshotError::NotASave => ErrorCode::NotASave,
            SnapshotError::UnsupportedVersion => ErrorCode::UnsupportedVersion,
            SnapshotError::SizeMismatch => ErrorCode::SizeMismatch,
            SnapshotError::Corrupt => ErrorCode::Corrupt,
            SnapshotError::BufferTooSmall => ErrorCode::OutOfMemory,
        }
    }
}

/// What every export returns: a non-negative value, or a code.
pub type Response = Result<i32, ErrorCode>;

/// Turns an export's result into its return value. The one place where a
/// failure becomes a number.
pub fn respond(result: Response) -> i32 {
    match result {
        Ok(value) => value,
        Err(error) => error.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_negative_unique_and_round_trip() {
        for (i, a) in ErrorCode::ALL.iter().enumerate() {
            assert!(a.code() < 0, "{a:?}");
            assert_eq!(ErrorCode::from_code(a.code()), Some(*a));
            for b in &ErrorCode::ALL[i + 1..] {
                assert_ne!(a.code(), b.code());
                assert_ne!(a.name(), b.name());
            }
        }
        assert_eq!(ErrorCode::from_code(0), None);
        assert_eq!(ErrorCode::from_code(-8), None);
    }

    #[test]
    fn layer_errors_keep_their_documented_numbers() {
        assert_eq!(ErrorCode::from(SimError::UnknownMaterial).code(), -5);
        assert_eq!(ErrorCode::from(RuntimeError::Busy).code(), -7);
        assert_eq!(ErrorCode::from(SnapshotError::Corrupt).code(), -23);
        assert_eq!(ErrorCode::from(SnapshotError::BufferTooSmall), ErrorCode::OutOfMemory);
        assert_eq!(respond(Ok(3)), 3);
        assert_eq!(respond(Err(ErrorCode::TableFull)), -6);
    }
}
