//! A decoded replay: the header's numbers and the segments, each with its
//! start world and its events (docs/REPLAY_FORMAT.md). The codec turns
//! files into this and back; the player and the recorder work on it.

use quicksand_sim::sand::MAX_WORLD_SIZE;

use super::command::Command;
use super::save_header::SaveHeader;

/// How a segment's world is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentStart {
    /// `qs_world_new(width, height, seed)` then `qs_world_scene(scene)`.
    Fresh { width: u32, height: u32, seed: u32, scene: u32 },
    /// A world of the save's size and seed that loads these `.qsand` bytes.
    Save(Vec<u8>),
    /// The previous segment's world, saved and loaded again.
    Reload,
}

impl SegmentStart {
    /// abi.js's name (`REPLAY.START_FRESH`, ...), for messages and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            SegmentStart::Fresh { .. } => "FRESH",
            SegmentStart::Save(_) => "SAVE",
            SegmentStart::Reload => "RELOAD",
        }
    }

    /// The segment's start step, given where the previous one ended
    /// (`None` for the first); an error says why there is none.
    pub fn start_step(&self, previous_end: Option<u64>) -> Result<u64, String> {
        match self {
            SegmentStart::Fresh { width, height, .. } => {
                check_size(*width, *height)?;
                Ok(0)
            }
            SegmentStart::Save(bytes) => {
                let header = SaveHeader::read(bytes).map_err(|reason| format!("the segment's save: {reason}"))?;
                check_size(header.width, header.height).map_err(|reason| format!("the segment's save: {reason}"))?;
                Ok(header.step)
            }
            SegmentStart::Reload => previous_end.ok_or_else(|| "RELOAD cannot start the first segment".to_owned()),
        }
    }
}

/// Worlds are 1 ..= `MAX_WORLD_SIZE` cells on each side.
pub fn check_size(width: u32, height: u32) -> Result<(), String> {
    let fits = |side: u32| (1..=MAX_WORLD_SIZE).contains(&side);
    if fits(width) && fits(height) {
        Ok(())
    } else {
        Err(format!("a {width}×{height} world is outside 1..={MAX_WORLD_SIZE} cells a side"))
    }
}

/// One command and the step at whose boundary it applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub step: u64,
    pub command: Command,
}

/// One world of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: SegmentStart,
    /// Steps from the start step to the end step.
    pub duration: u64,
    /// In the order the sim applied them; steps never go down.
    pub events: Vec<Event>,
}

/// A whole replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// `qs_rules_id()` of the module that recorded it.
    pub rules_id: u64,
    /// `qs_world_hash` at the end of the last segment.
    pub final_hash: u64,
    /// The step count at the end of the last segment.
    pub final_step: u64,
    pub segments: Vec<Segment>,
}

/// Where one segment's steps run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSpan {
    pub start_step: u64,
    pub end_step: u64,
}

impl Replay {
    /// Each segment's start and end step, or why they do not exist (a
    /// RELOAD first, an unreadable save, an end beyond `u64`).
    pub fn spans(&self) -> Result<Vec<SegmentSpan>, String> {
        let mut spans: Vec<SegmentSpan> = Vec::with_capacity(self.segments.len());
        for (index, segment) in self.segments.iter().enumerate() {
            let previous = spans.last().map(|span| span.end_step);
            let start_step =
                segment.start.start_step(previous).map_err(|reason| format!("segment {index}: {reason}"))?;
            let end_step = start_step.checked_add(segment.duration).ok_or_else(|| {
                format!("segment {index}: start step {start_step} + duration {} overflows 64 bits", segment.duration)
            })?;
            spans.push(SegmentSpan { start_step, end_step });
        }
        Ok(spans)
    }

    /// Events in all segments.
    pub fn event_count(&self) -> usize {
        self.segments.iter().map(|segment| segment.events.len()).sum()
    }
}
