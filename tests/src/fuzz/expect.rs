//! What the model says one call must do, and the judge that compares it
//! with what the module did. Kept apart from the model and the driver so
//! that a negative control can feed it fabricated results.

use std::fmt;

use quicksand_sim::abi::ErrorCode;

/// The codes of docs/ABI.md, from the sim's one table.
pub mod code {
    use super::ErrorCode;
    pub const INVALID: i32 = ErrorCode::InvalidArgument.code();
    pub const TOO_LARGE: i32 = ErrorCode::TooLarge.code();
    pub const OUT_OF_MEMORY: i32 = ErrorCode::OutOfMemory.code();
    pub const QUEUE_FULL: i32 = ErrorCode::QueueFull.code();
    pub const UNKNOWN_MATERIAL: i32 = ErrorCode::UnknownMaterial.code();
    pub const TABLE_FULL: i32 = ErrorCode::TableFull.code();
    pub const BUSY: i32 = ErrorCode::Busy.code();
    pub const TIMED_OUT: i32 = ErrorCode::TimedOut.code();
    pub const BARRIER_BROKEN: i32 = ErrorCode::BarrierBroken.code();
    pub const STACK_OVERFLOW: i32 = ErrorCode::StackOverflow.code();
    pub const NOT_A_SAVE: i32 = ErrorCode::NotASave.code();
    pub const UNSUPPORTED_VERSION: i32 = ErrorCode::UnsupportedVersion.code();
    pub const SIZE_MISMATCH: i32 = ErrorCode::SizeMismatch.code();
    pub const CORRUPT: i32 = ErrorCode::Corrupt.code();
}

/// A set of error codes (each is -1..=-63).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Codes(u64);

impl Codes {
    pub const NONE: Codes = Codes(0);

    pub const fn of(codes: &[i32]) -> Codes {
        let mut bits = 0u64;
        let mut i = 0;
        while i < codes.len() {
            bits |= 1 << (-codes[i]) as u32;
            i += 1;
        }
        Codes(bits)
    }

    /// Every refusal of a save (docs/SAVE_FORMAT.md).
    pub const SAVE: Codes =
        Codes::of(&[code::NOT_A_SAVE, code::UNSUPPORTED_VERSION, code::SIZE_MISMATCH, code::CORRUPT]);

    pub const fn with(self, code: i32) -> Codes {
        Codes(self.0 | 1 << (-code) as u32)
    }

    /// `self` plus `code` when `condition` holds.
    pub const fn with_if(self, condition: bool, code: i32) -> Codes {
        if condition {
            self.with(code)
        } else {
            self
        }
    }

    pub const fn union(self, other: Codes) -> Codes {
        Codes(self.0 | other.0)
    }

    pub fn contains(self, value: i64) -> bool {
        (-63..=-1).contains(&value) && self.0 & (1 << (-value) as u32) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Debug for Codes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = (1..64).filter(|bit| self.0 & (1 << bit) != 0).map(|bit| format!("-{bit}")).collect();
        write!(f, "{{{}}}", codes.join(", "))
    }
}

/// What an accepted call's value must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Anything (a hash).
    Any,
    Exactly(i64),
    /// `low..=high`.
    Range(i64, i64),
    /// A handle of `kind` (docs/ABI.md "Handles": bits 30..24 kind, 23..16
    /// generation 1..=255, 15..0 index below `slots`).
    Handle {
        kind: u32,
        slots: u32,
    },
    /// An address with `len` bytes after it inside memory.
    Address {
        len: u64,
    },
}

impl Check {
    fn passes(self, value: i64, memory_bytes: u64) -> bool {
        match self {
            Check::Any => true,
            Check::Exactly(expected) => value == expected,
            Check::Range(low, high) => (low..=high).contains(&value),
            Check::Handle { kind, slots } => {
                let Ok(handle) = u32::try_from(value) else {
                    return false;
                };
                let generation = (handle >> 16) & 0xFF;
                handle >> 24 == kind && generation != 0 && handle & 0xFFFF < slots
            }
            Check::Address { len } => value > 0 && (value as u64).saturating_add(len) <= memory_bytes,
        }
    }
}

/// The model's verdict on a call before it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Must be refused with one of these codes.
    Refused(Codes),
    /// Must succeed with a value `check` accepts, or else be refused with
    /// one of `or` (documented alternatives such as -3 out of memory).
    Accepted { check: Check, or: Codes },
}

impl Expect {
    pub const fn refused(codes: &[i32]) -> Expect {
        Expect::Refused(Codes::of(codes))
    }

    pub const fn ok(check: Check) -> Expect {
        Expect::Accepted { check, or: Codes::NONE }
    }

    pub const fn ok_or(check: Check, or: Codes) -> Expect {
        Expect::Accepted { check, or }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Refused(codes) => write!(f, "a refusal with one of {codes:?}"),
            Expect::Accepted { check, or } if or.is_empty() => write!(f, "success, {check:?}"),
            Expect::Accepted { check, or } => {
                write!(f, "success, {check:?}, or a refusal with one of {or:?}")
            }
        }
    }
}

/// How a call came out, once judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted(i64),
    Refused(i32),
}

/// Compares what the module returned with what the model expected.
/// `memory_bytes` is the memory's size after the call (for addresses).
pub fn judge(expect: &Expect, got: i64, memory_bytes: u64) -> Result<Outcome, String> {
    match *expect {
        Expect::Refused(codes) if codes.contains(got) => Ok(Outcome::Refused(got as i32)),
        Expect::Refused(codes) if got >= 0 => {
            Err(format!("wrong acceptance: returned {got}, but must be refused with one of {codes:?}"))
        }
        Expect::Refused(codes) => Err(format!("wrong code: returned {got}, but must be refused with one of {codes:?}")),
        Expect::Accepted { or, .. } if or.contains(got) => Ok(Outcome::Refused(got as i32)),
        Expect::Accepted { check, .. } if check.passes(got, memory_bytes) => Ok(Outcome::Accepted(got)),
        Expect::Accepted { check, or } => {
            Err(format!("wrong result: returned {got}, expected {check:?} (or a refusal with one of {or:?})"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sets_hold_exactly_their_codes() {
        let codes = Codes::of(&[code::INVALID, code::CORRUPT]);
        assert!(codes.contains(-1) && codes.contains(-23));
        assert!(!codes.contains(-2) && !codes.contains(0) && !codes.contains(1) && !codes.contains(i64::MIN));
        assert_eq!(format!("{codes:?}"), "{-1, -23}");
    }

    #[test]
    fn handles_must_carry_kind_generation_and_index() {
        let world = Check::Handle { kind: 4, slots: 16 };
        assert!(world.passes(0x0401_0003, 0));
        assert!(!world.passes(0x0400_0003, 0), "generation 0");
        assert!(!world.passes(0x0501_0003, 0), "another kind");
        assert!(!world.passes(0x0401_0010, 0), "index past the table");
        assert!(!world.passes(-1, 0));
    }
}
