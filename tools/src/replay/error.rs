//! Why a replay file was refused, or could not be written: one variant per
//! reason the format names, each with a message that says what is wrong.

use std::fmt;

/// A refused or unwritable replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// Fewer bytes than the fixed header.
    Short { len: usize },
    /// The first eight bytes are not `QSREPLAY`.
    NotAReplay,
    /// A version or flags this build does not read.
    UnsupportedVersion { version: u16, flags: u16 },
    /// The CRC-32 of bytes 16.. is not the stored one.
    Checksum { stored: u32, computed: u32 },
    /// The header's body length is above `REPLAY_MAX_BODY_BYTES`.
    BodyTooLong { length: u64, max: u32 },
    /// The compressed body is not a valid raw deflate stream.
    Inflate { reason: &'static str },
    /// The body inflates to another length than the header says.
    BodyLength { header: u32, inflated: String },
    /// Bytes follow the end of the deflate stream.
    TrailingCompressed { bytes: usize },
    /// The inflated body does not parse: `at` is the body offset.
    Body { at: usize, reason: String },
    /// The header's final step is not where the last segment ends.
    FinalStep { header: u64, segments: u64 },
    /// A replay that cannot be written as the format says (encoder input).
    Unencodable { reason: String },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Short { len } => {
                write!(f, "truncated or not a replay: {len} bytes, shorter than the {}-byte header", super::HEADER_BYTES)
            }
            ReplayError::NotAReplay => write!(f, "not a replay: the file does not start with {:?}", super::MAGIC_TEXT),
            ReplayError::UnsupportedVersion { version, flags } => write!(
                f,
                "unsupported replay version {version} with flags {flags:#06x} (this build reads version {} with flags 0)",
                super::VERSION
            ),
            ReplayError::Checksum { stored, computed } => write!(
                f,
                "corrupt replay: the checksum is {stored:08x} but the bytes after it give {computed:08x}"
            ),
            ReplayError::BodyTooLong { length, max } => {
                write!(f, "corrupt replay: the header's body length {length} is above the limit of {max} bytes")
            }
            ReplayError::Inflate { reason } => write!(f, "corrupt replay: the body does not inflate ({reason})"),
            ReplayError::BodyLength { header, inflated } => {
                write!(f, "corrupt replay: the body inflates to {inflated} bytes, but the header says {header}")
            }
            ReplayError::TrailingCompressed { bytes } => {
                write!(f, "corrupt replay: {bytes} bytes follow the end of the compressed body")
            }
            ReplayError::Body { at, reason } => write!(f, "corrupt replay body at byte {at}: {reason}"),
            ReplayError::FinalStep { header, segments } => write!(
                f,
                "corrupt replay: the header's final step is {header}, but the last segment ends at step {segments}"
            ),
            ReplayError::Unencodable { reason } => write!(f, "cannot write this replay: {reason}"),
        }
    }
}

impl std::error::Error for ReplayError {}
