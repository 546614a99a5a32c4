//! `.qsreplay` version 1 (docs/REPLAY_FORMAT.md): the codec, the recorder
//! that turns the sim's command log into a replay, and the player that
//! runs one under wasmtime on a crew of OS threads.
//!
//! | file | concept |
//! |---|---|
//! | `error.rs` | why a file was refused |
//! | `format.rs` | header, checksum, raw deflate |
//! | `varint.rs` | the body's field encodings |
//! | `body.rs` | segments and events, delta-coded |
//! | `command.rs` | one event's command and its ring words |
//! | `session.rs` | the decoded replay |
//! | `save_header.rs` | the fields of a `.qsand` a segment needs |
//! | `record.rs` | command-log entries → a replay |
//! | `recording.rs` | recording a session on the module, as the page does |
//! | `json.rs` | the decoded replay as JSON (the page's codec is tested against it) |
//! | `wasm_host.rs` | the module on one shared memory, instances attached to thread slots |
//! | `crew.rs` | OS threads that step a world together |
//! | `sim_world.rs` | one world of the module, by its exports |
//! | `player.rs` | playing a replay |
//! | `frame_png.rs` | the final frame as a PNG |
//! | `cli.rs` | `quicksand-tools replay` |
//!
//! Decoding never panics: every malformed input is a [`ReplayError`].

pub mod body;
pub mod cli;
pub mod command;
pub mod crew;
pub mod error;
pub mod format;
pub mod frame_png;
pub mod json;
pub mod player;
pub mod record;
pub mod recording;
pub mod save_header;
pub mod session;
pub mod sim_world;
pub mod varint;
pub mod wasm_host;

pub use command::{Brush, Command, CommandWords, ShapeKind};
pub use error::ReplayError;
pub use session::{Event, Replay, Segment, SegmentSpan, SegmentStart};

use quicksand_sim::sand::{REPLAY_HEADER_BYTES, REPLAY_MAGIC, REPLAY_VERSION};

/// `REPLAY_MAGIC`, the first bytes of every replay.
pub const MAGIC_TEXT: &str = REPLAY_MAGIC;
/// `REPLAY_HEADER_BYTES` as a length.
pub const HEADER_BYTES: usize = REPLAY_HEADER_BYTES as usize;
/// `REPLAY_VERSION` as the header's 16-bit field.
pub const VERSION: u16 = REPLAY_VERSION as u16;

const _: () = assert!(REPLAY_VERSION <= u16::MAX as u32);

/// Reads a `.qsreplay` file: every check of the format, or the reason it fails.
pub fn decode(file: &[u8]) -> Result<Replay, ReplayError> {
    let (header, body) = format::read_file(file)?;
    let decoded = body::decode_body(&body)?;
    let end = decoded.last().map_or(0, |last| last.start_step.saturating_add(last.segment.duration));
    if end != header.final_step {
        return Err(ReplayError::FinalStep { header: header.final_step, segments: end });
    }
    Ok(Replay {
        rules_id: header.rules_id,
        final_hash: header.final_hash,
        final_step: header.final_step,
        segments: decoded.into_iter().map(|decoded| decoded.segment).collect(),
    })
}

/// Writes `replay` as a `.qsreplay` file; refuses a replay the format
/// cannot hold (no segments, a RELOAD first, events out of order or
/// outside their segment, a final step that is not the last segment's end).
pub fn encode(replay: &Replay) -> Result<Vec<u8>, ReplayError> {
    let spans = replay.spans().map_err(|reason| ReplayError::Unencodable { reason })?;
    let end = spans.last().map_or(0, |span| span.end_step);
    if end != replay.final_step {
        return Err(ReplayError::Unencodable {
            reason: format!("the final step is {}, but the last segment ends at {end}", replay.final_step),
        });
    }
    let starts: Vec<u64> = spans.iter().map(|span| span.start_step).collect();
    let body = body::encode_body(&replay.segments, &starts)?;
    let body_length = u32::try_from(body.len())
        .map_err(|_| ReplayError::Unencodable { reason: format!("a body of {} bytes", body.len()) })?;
    let header = format::Header {
        rules_id: replay.rules_id,
        final_hash: replay.final_hash,
        final_step: replay.final_step,
        body_length,
    };
    format::write_file(&header, &body)
}
