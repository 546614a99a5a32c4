//! What replays need from the sim besides the command log: the numbers of
//! the `.qsreplay` format that both of its codecs share (the page's and
//! `quicksand-tools`'), and the identity of the rules this build simulates
//! by. The format itself is docs/REPLAY_FORMAT.md; the sim neither reads
//! nor writes replay files.

use super::hash::WordHasher;
use super::material::MATERIAL_COUNT;
use super::properties::MATERIALS;

/// Goes up by one whenever the outcome of the simulation changes (a rule,
/// a material's number, the update order). `tests/stepping.rs` keeps a
/// reference hash per version, so a change of the rules that forgets it
/// fails. 2: chunk rows run from the bottom (falling blocks stay blocks).
pub const RULES_VERSION: u32 = 2;

/// The first eight bytes of every replay file.
pub const REPLAY_MAGIC: &str = "QSREPLAY";
/// The format version this build writes and reads.
pub const REPLAY_VERSION: u32 = 1;
/// Bytes of the fixed header before the deflated body.
pub const REPLAY_HEADER_BYTES: u32 = 44;
/// Header field offsets (docs/REPLAY_FORMAT.md, "File").
pub const REPLAY_VERSION_OFFSET: u32 = 8;
pub const REPLAY_FLAGS_OFFSET: u32 = 10;
pub const REPLAY_CHECKSUM_OFFSET: u32 = 12;
/// The checksum covers every byte from here to the end.
pub const REPLAY_CHECKED_FROM: u32 = 16;
pub const REPLAY_RULES_ID_OFFSET: u32 = 16;
pub const REPLAY_FINAL_HASH_OFFSET: u32 = 24;
pub const REPLAY_FINAL_STEP_OFFSET: u32 = 32;
pub const REPLAY_BODY_LENGTH_OFFSET: u32 = 40;
/// The largest inflated body a reader accepts (a few saves of the largest
/// world, and hours of painting).
pub const REPLAY_MAX_BODY_BYTES: u32 = 256 << 20;
/// The most segments (worlds) one replay holds.
pub const REPLAY_MAX_SEGMENTS: u32 = 4096;
/// How a segment starts (docs/REPLAY_FORMAT.md, "Segments").
pub const REPLAY_START_FRESH: u32 = 0;
pub const REPLAY_START_SAVE: u32 = 1;
pub const REPLAY_START_RELOAD: u32 = 2;
/// An event head's low bits: the command kind (`COMMAND_*`).
pub const REPLAY_KIND_MASK: u32 = 0x0f;
/// Shape events: x0, y0 follow (else the pen).
pub const REPLAY_FLAG_START: u32 = 0x10;
/// Shape events: radius, material, mask follow (else the last brush).
pub const REPLAY_FLAG_BRUSH: u32 = 0x20;
/// Undo and redo events: it undid or redid an entry.
pub const REPLAY_FLAG_EFFECTIVE: u32 = 0x10;

const _: () = assert!(REPLAY_MAGIC.len() == REPLAY_VERSION_OFFSET as usize);
const _: () = assert!(REPLAY_BODY_LENGTH_OFFSET + 4 == REPLAY_HEADER_BYTES);

/// The identity of the rules: `RULES_VERSION` and the material table's
/// numbers, hashed. A replay carries the id of the module that recorded
/// it, and players refuse one whose id is not theirs.
pub fn rules_id() -> u64 {
    let mut hasher = WordHasher::new();
    hasher.write_u64(u64::from(RULES_VERSION));
    hasher.write_u64(MATERIAL_COUNT as u64);
    for props in &MATERIALS {
        let numbers = [
            i64::from(props.material.id()),
            i64::from(props.density),
            i64::from(props.spread),
            i64::from(props.heat_capacity),
            i64::from(props.conductivity),
            i64::from(props.initial_temperature),
            i64::from(props.high.at),
            i64::from(props.high.into.id()),
            i64::from(props.low.at),
            i64::from(props.low.into.id()),
            i64::from(props.reaction_heat),
            i64::from(props.source.target),
            i64::from(props.source.rate),
            i64::from(props.cooling_shift),
            i64::from(props.flame_contact),
            i64::from(props.burn_time),
            i64::from(props.blast_radius),
        ];
        for number in numbers {
            hasher.write_u64(number as u64);
        }
    }
    hasher.finish()
}
