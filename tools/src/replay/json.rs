//! A decoded replay as JSON: what `tests/fixtures/replay-v1-small.json`
//! holds, so the page's codec (`www/replay-format.js`) can be checked
//! against the same file. 64-bit hashes are 16 hex digits (a JS number
//! cannot hold them); steps are numbers; a save is its length and CRC-32;
//! an event is its step, its kind's abi.js name, the eight ring words of
//! `qs_world_command` and the log's result word.

use serde_json::{json, Value};

use super::session::{Replay, SegmentStart};

/// `value` as 16 lower-case hex digits.
pub fn hex64(value: u64) -> String {
    format!("{value:016x}")
}

/// The JSON form of `replay`; `None` when a segment's steps do not exist
/// (only a replay that would not encode).
pub fn to_json(replay: &Replay) -> Option<Value> {
    let spans = replay.spans().ok()?;
    let segments: Vec<Value> = replay
        .segments
        .iter()
        .zip(&spans)
        .map(|(segment, span)| {
            let mut start = json!({ "kind": segment.start.name() });
            match &segment.start {
                SegmentStart::Fresh { width, height, seed, scene } => {
                    start["width"] = json!(width);
                    start["height"] = json!(height);
                    start["seed"] = json!(seed);
                    start["scene"] = json!(scene);
                }
                SegmentStart::Save(bytes) => {
                    start["bytes"] = json!(bytes.len());
                    start["crc32"] = json!(format!("{:08x}", crc32fast::hash(bytes)));
                }
                SegmentStart::Reload => {}
            }
            let events: Vec<Value> = segment
                .events
                .iter()
                .map(|event| {
                    json!({
                        "step": event.step,
                        "kind": event.command.kind_name(),
                        "words": event.command.words(),
                        "result": event.command.result(),
                    })
                })
                .collect();
            json!({
                "start": start,
                "start_step": span.start_step,
                "duration": segment.duration,
                "end_step": span.end_step,
                "events": events,
            })
        })
        .collect();
    Some(json!({
        "rules_id": hex64(replay.rules_id),
        "final_hash": hex64(replay.final_hash),
        "final_step": replay.final_step,
        "segments": segments,
    }))
}
