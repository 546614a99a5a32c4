//! The one error type of the simulation. The number an export returns for
//! each is decided in `abi::code` (`From<SimError> for ErrorCode`).

use core::fmt;

/// Why a world could not be created or a command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimError {
    /// An argument is out of its documented range (zero-sized world, null
    /// region, brush radius above the maximum, coordinates far outside).
    InvalidArgument,
    /// The requested world is larger than `MAX_WORLD_SIZE` in a dimension, or
    /// its layout would not fit in the address space.
    TooLarge,
    /// The region handed in is smaller than `World::bytes_needed`.
    OutOfMemory,
    /// The paint ring is full; the command was dropped and may be retried.
    QueueFull,
    /// A byte that is not a known material id.
    UnknownMaterial,
}

impl SimError {
    /// A short human-readable description.
    pub(super) const fn message(self) -> &'static str {
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
        f.write_str(self.message())
    }
}
