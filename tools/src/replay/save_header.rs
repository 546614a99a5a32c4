//! The few fields of a `.qsand` save a replay needs before loading it: the
//! world's size and seed (to make a world it loads into) and its step (the
//! segment's start step). Offsets come from the sim's own table
//! (`SAVE_OFFSET` in abi.js), so they cannot drift from docs/SAVE_FORMAT.md.

use quicksand_sim::abi::constants::{lookup, Value};
use quicksand_sim::sand::SNAPSHOT_HEADER_BYTES;

/// What a save's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveHeader {
    pub width: u32,
    pub height: u32,
    pub seed: u64,
    pub step: u64,
}

fn offset(field: &str) -> Result<usize, String> {
    match lookup("SAVE_OFFSET", field) {
        Some(Value::Number(at)) => usize::try_from(at).map_err(|_| format!("SAVE_OFFSET.{field} is {at}")),
        _ => Err(format!("the sim publishes no SAVE_OFFSET.{field}")),
    }
}

fn magic() -> Result<&'static str, String> {
    match lookup("SAVE", "MAGIC") {
        Some(Value::Text(magic)) => Ok(magic),
        _ => Err("the sim publishes no SAVE.MAGIC".to_owned()),
    }
}

fn field<const N: usize>(bytes: &[u8], name: &str) -> Result<[u8; N], String> {
    let at = offset(name)?;
    bytes
        .get(at..at + N)
        .and_then(|slice| slice.try_into().ok())
        .ok_or_else(|| format!("the save is too short for its {name} field"))
}

impl SaveHeader {
    /// Reads the header of a save; an error says why these bytes are not one.
    pub fn read(bytes: &[u8]) -> Result<SaveHeader, String> {
        if bytes.len() < SNAPSHOT_HEADER_BYTES {
            return Err(format!("{} bytes are shorter than a save's {SNAPSHOT_HEADER_BYTES}-byte header", bytes.len()));
        }
        let magic = magic()?;
        if field::<4>(bytes, "magic")? != magic.as_bytes() {
            return Err(format!("the bytes do not start with {magic:?}"));
        }
        Ok(SaveHeader {
            width: u32::from_le_bytes(field(bytes, "width")?),
            height: u32::from_le_bytes(field(bytes, "height")?),
            seed: u64::from_le_bytes(field(bytes, "seed")?),
            step: u64::from_le_bytes(field(bytes, "step")?),
        })
    }
}
