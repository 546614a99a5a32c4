//! The save format as the save fuzzer reads it (docs/SAVE_FORMAT.md):
//! where the fields lie, the checksum, the code a load must return, and the
//! oracle that judges one load. Kept apart from the mutations so that the
//! negative controls can feed the oracle fabricated loads.

use anyhow::{anyhow, bail, Result};
use quicksand_sim::abi::constants::{lookup, Value};
use quicksand_sim::sand::{Rect, CHUNK_SIZE, SNAPSHOT_HEADER_BYTES};

use super::expect::{code, Codes};
use super::model::snapshot_len;

/// Where the header fields and sections of a save lie (docs/SAVE_FORMAT.md).
#[derive(Debug, Clone, Copy)]
pub struct SaveLayout {
    pub magic: [u8; 4],
    pub version: usize,
    pub flags: usize,
    pub width: usize,
    pub height: usize,
    pub seed: usize,
    pub step: usize,
    /// Sections: materials, states, temperatures (v2), activity rectangles,
    /// checksum.
    pub states: usize,
    pub temperatures: usize,
    pub rects: usize,
    pub checksum: usize,
    pub len: usize,
    pub chunks: usize,
}

/// A header offset from the table abi.js is generated from.
fn offset(field: &str) -> Result<usize> {
    match lookup("SAVE_OFFSET", field) {
        Some(Value::Number(at)) => Ok(at as usize),
        other => bail!("abi constants: SAVE_OFFSET.{field} is {other:?}"),
    }
}

/// The four bytes every save starts with, from the same table.
pub fn magic() -> Result<[u8; 4]> {
    match lookup("SAVE", "MAGIC") {
        Some(Value::Text(text)) => {
            text.as_bytes().try_into().map_err(|_| anyhow!("abi constants: SAVE.MAGIC is {text:?}"))
        }
        other => bail!("abi constants: SAVE.MAGIC is {other:?}"),
    }
}

impl SaveLayout {
    pub fn new(width: u32, height: u32) -> Result<Self> {
        let cells = width as usize * height as usize;
        let chunks = (width.div_ceil(CHUNK_SIZE) * height.div_ceil(CHUNK_SIZE)) as usize;
        let len = snapshot_len(width, height) as usize;
        Ok(SaveLayout {
            magic: magic()?,
            version: offset("version")?,
            flags: offset("flags")?,
            width: offset("width")?,
            height: offset("height")?,
            seed: offset("seed")?,
            step: offset("step")?,
            states: SNAPSHOT_HEADER_BYTES + cells,
            temperatures: SNAPSHOT_HEADER_BYTES + 2 * cells,
            rects: SNAPSHOT_HEADER_BYTES + 4 * cells,
            checksum: len - 8,
            len,
            chunks,
        })
    }

    /// Every offset at which a field or section starts or ends.
    pub fn boundaries(&self) -> Vec<usize> {
        let mut at =
            vec![0, 4, self.version, self.flags, self.width, self.height, self.seed, self.step, SNAPSHOT_HEADER_BYTES];
        at.extend([self.states, self.temperatures, self.rects, self.checksum, self.len]);
        at.extend((0..self.chunks).map(|chunk| self.rects + chunk * std::mem::size_of::<Rect>()));
        at.sort_unstable();
        at.dedup();
        at
    }
}

pub fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

pub fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

pub fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// The save checksum: the sim's own `WordHasher` over every byte before
/// it (docs/SAVE_FORMAT.md "The checksum"; a sim unit test checks that
/// description against this code).
pub fn checksum(body: &[u8]) -> u64 {
    let mut hasher = quicksand_sim::sand::WordHasher::new();
    hasher.write_bytes(body);
    hasher.finish()
}

/// Recomputes the trailing checksum, so that a change reaches the checks
/// behind it.
pub fn reseal(bytes: &mut [u8]) {
    if bytes.len() >= 8 {
        let body = bytes.len() - 8;
        let sum = checksum(&bytes[..body]);
        bytes[body..].copy_from_slice(&sum.to_le_bytes());
    }
}

/// What loading `bytes` into a `width` × `height` world must answer: 0, or
/// the code of the first fault in the order the checks must go (a field is
/// only meaningful once the ones before it are right).
pub fn expected_code(bytes: &[u8], width: u32, height: u32, layout: &SaveLayout) -> i32 {
    use quicksand_sim::sand::{SNAPSHOT_VERSION, SNAPSHOT_VERSION_WITHOUT_TEMPERATURE};
    if bytes.len() < SNAPSHOT_HEADER_BYTES || bytes[..4] != layout.magic {
        return code::NOT_A_SAVE;
    }
    let version = u16_at(bytes, layout.version);
    // A version 1 save has no temperature plane (docs/SAVE_FORMAT.md).
    let len = if version == SNAPSHOT_VERSION_WITHOUT_TEMPERATURE {
        layout.len - (layout.rects - layout.temperatures)
    } else {
        layout.len
    };
    let known = version == SNAPSHOT_VERSION || version == SNAPSHOT_VERSION_WITHOUT_TEMPERATURE;
    if !known || u16_at(bytes, layout.flags) != 0 {
        code::UNSUPPORTED_VERSION
    } else if u32_at(bytes, layout.width) != width || u32_at(bytes, layout.height) != height {
        code::SIZE_MISMATCH
    } else if bytes.len() != len {
        code::NOT_A_SAVE
    } else if bytes[len - 8..] != checksum(&bytes[..len - 8]).to_le_bytes() {
        code::CORRUPT
    } else {
        0
    }
}

/// What one load did, as the oracle sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadObservation {
    pub code: i64,
    /// The world's hash and step count before and after the load.
    pub before: (i64, i64),
    pub after: (i64, i64),
    /// The heap top and memory size before and after.
    pub footprint_before: (i64, u64),
    pub footprint_after: (i64, u64),
}

/// Judges one load: `expected` is the code it must return (0 to accept),
/// or `alternatives` the codes it may return instead of it.
pub fn judge_load(expected: i32, alternatives: Codes, seen: &LoadObservation) -> Result<(), String> {
    let allowed = seen.code == i64::from(expected) || alternatives.contains(seen.code);
    if !allowed {
        return Err(format!(
            "returned {}, expected {expected}{}",
            seen.code,
            if alternatives.is_empty() { String::new() } else { format!(" or one of {alternatives:?}") }
        ));
    }
    if seen.code != 0 && seen.after != seen.before {
        return Err(format!(
            "refused with {}, but the world changed: (hash, step) {:?} → {:?}",
            seen.code, seen.before, seen.after
        ));
    }
    if seen.footprint_after != seen.footprint_before {
        return Err(format!(
            "the load moved (heap top, memory size) {:?} → {:?}",
            seen.footprint_before, seen.footprint_after
        ));
    }
    Ok(())
}
