//! The one error type of the simulation, with numeric codes that are stable
//! because the wasm exports return them as-is.

use core::fmt;

/// Why a world could not be created or a command was refused.
///
/// The discriminants are the export return codes: negative, stable, never
/// reused. Success is reported as `0` (or a non-negative value) by the exports.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimError {
    /// An argument is out of its documented range (zero-sized world, null
    /// region, brush radius above the maximum, coordinates far outside).
    InvalidArgument = -1,
    /// The requested world is larger than `MAX_WORLD_SIZE` in a dimension, or
    /// its layout would not fit in the address space.
    TooLarge = -2,
    /// The region handed in is smaller than `World::bytes_needed`.
    OutOfMemory = -3,
    /// The paint ring is full; the command was dropped and may be retried.
    QueueFull = -4,
    /// A byte that is not a known material id.
    UnknownMaterial = -5,
}

impl SimError {
    /// Every error, for tests and for tools that print the code table.
    pub const ALL: [SimError; 5] = [
        SimError::InvalidArgument,
        SimError::TooLarge,
        SimError::OutOfMemory,
        SimError::QueueFull,
        SimError::UnknownMaterial,
    ];

    /// The stable numeric code (always negative).
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The error with this code, if there is one.
    pub const fn from_code(code: i32) -> Option<SimError> {
        match code {
            -1 => Some(SimError::InvalidArgument),
            -2 => Some(SimError::TooLarge),
            -3 => Some(SimError::OutOfMemory),
            -4 => Some(SimError::QueueFull),
            -5 => Some(SimError::UnknownMaterial),
            _ => None,
        }
    }

    /// A short human-readable description.
    pub const fn message(self) -> &'static str {
        match self {
            SimError::InvalidArgument => "invalid argument",
            SimError::TooLarge => "world too large",
            SimError::OutOfMemory => "region too small for the world",
            SimError::QueueFull => "paint queue full",
            SimError::UnknownMaterial => "unknown material id",
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(), self.code())
    }
}
