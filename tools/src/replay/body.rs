//! The inflated body (docs/REPLAY_FORMAT.md, "Body"): the segment count,
//! then each segment's start, duration and events, the events delta-coded
//! against the pen, the brush and the stroke id the segment carries along.
//!
//! Decoding checks everything the format says and allocates only what the
//! remaining bytes can hold: every segment takes at least 3 bytes and every
//! event at least 2, so a count larger than that is refused before any
//! vector is sized by it.

use quicksand_sim::sand::{
    Scene, REPLAY_FLAG_BRUSH, REPLAY_FLAG_EFFECTIVE, REPLAY_FLAG_START, REPLAY_KIND_MASK, REPLAY_MAX_SEGMENTS,
    REPLAY_START_FRESH, REPLAY_START_RELOAD, REPLAY_START_SAVE,
};

use super::command::{kind_name, Brush, Command, ShapeKind};
use super::error::ReplayError;
use super::session::{check_size, Event, Segment, SegmentStart};
use super::varint::{BodyReader, BodyWriter};
use quicksand_sim::sand::{
    COMMAND_BEGIN_STROKE, COMMAND_FILL, COMMAND_PAINT, COMMAND_RECT_FILLED, COMMAND_RECT_OUTLINE, COMMAND_REDO,
    COMMAND_SCENE, COMMAND_UNDO,
};

/// The smallest segment: a start byte, a duration and an event count.
const MIN_SEGMENT_BYTES: usize = 3;
/// The smallest event: a step delta and a head.
const MIN_EVENT_BYTES: usize = 2;

/// What a segment carries from event to event, reset at its start.
#[derive(Debug, Clone, Copy)]
struct Carried {
    pen: (i32, i32),
    brush: Brush,
    stroke: u32,
}

impl Carried {
    const INITIAL: Carried = Carried { pen: (0, 0), brush: Brush::INITIAL, stroke: 0 };
}

/// The flags a kind may carry.
fn allowed_flags(kind: u32) -> u32 {
    match kind {
        COMMAND_PAINT | COMMAND_RECT_FILLED | COMMAND_RECT_OUTLINE => REPLAY_FLAG_START | REPLAY_FLAG_BRUSH,
        COMMAND_UNDO | COMMAND_REDO => REPLAY_FLAG_EFFECTIVE,
        _ => 0,
    }
}

fn unencodable(reason: String) -> ReplayError {
    ReplayError::Unencodable { reason }
}

/// Writes the body of `segments` whose start steps are `start_steps`.
pub fn encode_body(segments: &[Segment], start_steps: &[u64]) -> Result<Vec<u8>, ReplayError> {
    let count = segments.len();
    if count == 0 || count > REPLAY_MAX_SEGMENTS as usize {
        return Err(unencodable(format!("{count} segments, not 1..={REPLAY_MAX_SEGMENTS}")));
    }
    let mut out = BodyWriter::new();
    out.varint(count as u64);
    for (index, (segment, &start_step)) in segments.iter().zip(start_steps).enumerate() {
        encode_segment(&mut out, segment, start_step)
            .map_err(|reason| unencodable(format!("segment {index}: {reason}")))?;
    }
    Ok(out.finish())
}

fn encode_segment(out: &mut BodyWriter, segment: &Segment, start_step: u64) -> Result<(), String> {
    match &segment.start {
        SegmentStart::Fresh { width, height, seed, scene } => {
            out.u8(REPLAY_START_FRESH as u8);
            out.varint(u64::from(*width));
            out.varint(u64::from(*height));
            out.varint(u64::from(*seed));
            out.varint(u64::from(*scene));
        }
        SegmentStart::Save(bytes) => {
            out.u8(REPLAY_START_SAVE as u8);
            out.varint(bytes.len() as u64);
            out.bytes(bytes);
        }
        SegmentStart::Reload => out.u8(REPLAY_START_RELOAD as u8),
    }
    out.varint(segment.duration);
    out.varint(segment.events.len() as u64);
    let end_step = start_step.saturating_add(segment.duration);
    let mut carried = Carried::INITIAL;
    let mut previous_step = start_step;
    for (index, event) in segment.events.iter().enumerate() {
        if event.step < previous_step || event.step > end_step {
            return Err(format!(
                "event {index} is at step {}, outside {previous_step}..={end_step} (events are in order, within the segment)",
                event.step
            ));
        }
        out.varint(event.step - previous_step);
        previous_step = event.step;
        encode_command(out, &event.command, &mut carried);
    }
    Ok(())
}

fn encode_command(out: &mut BodyWriter, command: &Command, carried: &mut Carried) {
    let kind = command.kind() as u8;
    let delta = |to: i32, from: i32| i64::from(to) - i64::from(from);
    match *command {
        Command::Shape { from, to, brush, .. } => {
            let start = from != carried.pen;
            let new_brush = brush != carried.brush;
            let mut head = u32::from(kind);
            if start {
                head |= REPLAY_FLAG_START;
            }
            if new_brush {
                head |= REPLAY_FLAG_BRUSH;
            }
            out.u8(head as u8);
            if start {
                out.zigzag(delta(from.0, carried.pen.0));
                out.zigzag(delta(from.1, carried.pen.1));
            }
            out.zigzag(delta(to.0, from.0));
            out.zigzag(delta(to.1, from.1));
            if new_brush {
                out.varint(u64::from(brush.radius));
                out.varint(u64::from(brush.material));
                out.zigzag(i64::from(brush.mask));
            }
            carried.pen = to;
            carried.brush = brush;
        }
        Command::Fill { at, material } => {
            out.u8(kind);
            out.zigzag(delta(at.0, carried.pen.0));
            out.zigzag(delta(at.1, carried.pen.1));
            out.varint(u64::from(material));
            carried.pen = at;
        }
        Command::BeginStroke { id } => {
            out.u8(kind);
            out.zigzag(i64::from(id) - i64::from(carried.stroke));
            carried.stroke = id;
        }
        Command::Undo { effective } | Command::Redo { effective } => {
            out.u8(kind | if effective { REPLAY_FLAG_EFFECTIVE as u8 } else { 0 });
        }
        Command::Scene { scene } => {
            out.u8(kind);
            out.varint(u64::from(scene));
        }
    }
}

/// A decoded segment and where its steps start.
pub struct DecodedSegment {
    pub segment: Segment,
    pub start_step: u64,
}

/// Parses a whole body: it must end exactly after the last segment.
pub fn decode_body(body: &[u8]) -> Result<Vec<DecodedSegment>, ReplayError> {
    let mut reader = BodyReader::new(body);
    let count_at = reader.offset();
    let count = reader.varint("the segment count")?;
    if count == 0 || count > u64::from(REPLAY_MAX_SEGMENTS) {
        return Err(ReplayError::Body {
            at: count_at,
            reason: format!("the segment count is {count}, not 1..={REPLAY_MAX_SEGMENTS}"),
        });
    }
    if count > (reader.remaining() / MIN_SEGMENT_BYTES) as u64 {
        return Err(ReplayError::Body {
            at: count_at,
            reason: format!("{count} segments cannot fit the {} bytes left", reader.remaining()),
        });
    }
    let mut segments: Vec<DecodedSegment> = Vec::with_capacity(count as usize);
    for index in 0..count {
        let previous_end = segments.last().map(|s| s.start_step.saturating_add(s.segment.duration));
        let decoded = decode_segment(&mut reader, previous_end).map_err(|error| match error {
            ReplayError::Body { at, reason } => ReplayError::Body { at, reason: format!("segment {index}: {reason}") },
            other => other,
        })?;
        segments.push(decoded);
    }
    if reader.remaining() != 0 {
        return Err(reader.error(format!("{} bytes follow the last segment", reader.remaining())));
    }
    Ok(segments)
}

fn decode_start(reader: &mut BodyReader<'_>) -> Result<SegmentStart, ReplayError> {
    let at = reader.offset();
    let kind = u32::from(reader.u8("the segment start")?);
    Ok(match kind {
        REPLAY_START_FRESH => {
            let size_at = reader.offset();
            let width = reader.varint_u32("the width")?;
            let height = reader.varint_u32("the height")?;
            check_size(width, height).map_err(|reason| ReplayError::Body { at: size_at, reason })?;
            let seed = reader.varint_u32("the seed")?;
            let scene_at = reader.offset();
            let scene = reader.varint_u32("the scene")?;
            if Scene::from_u32(scene).is_none() {
                return Err(ReplayError::Body { at: scene_at, reason: format!("{scene} is not a scene id") });
            }
            SegmentStart::Fresh { width, height, seed, scene }
        }
        REPLAY_START_SAVE => {
            let len = reader.varint("the save's length")?;
            SegmentStart::Save(reader.bytes(len, "the save")?.to_vec())
        }
        REPLAY_START_RELOAD => SegmentStart::Reload,
        other => return Err(ReplayError::Body { at, reason: format!("{other} is not a segment start (0, 1 or 2)") }),
    })
}

fn decode_segment(reader: &mut BodyReader<'_>, previous_end: Option<u64>) -> Result<DecodedSegment, ReplayError> {
    let start_at = reader.offset();
    let start = decode_start(reader)?;
    let start_step = start.start_step(previous_end).map_err(|reason| ReplayError::Body { at: start_at, reason })?;
    let duration_at = reader.offset();
    let duration = reader.varint("the duration")?;
    let end_step = start_step.checked_add(duration).ok_or_else(|| ReplayError::Body {
        at: duration_at,
        reason: format!("start step {start_step} + duration {duration} overflows 64 bits"),
    })?;
    let count_at = reader.offset();
    let count = reader.varint("the event count")?;
    if count > (reader.remaining() / MIN_EVENT_BYTES) as u64 {
        return Err(ReplayError::Body {
            at: count_at,
            reason: format!("{count} events cannot fit the {} bytes left", reader.remaining()),
        });
    }
    let mut events = Vec::with_capacity(count as usize);
    let mut carried = Carried::INITIAL;
    let mut step = start_step;
    for index in 0..count {
        let event_at = reader.offset();
        let in_event = |error: ReplayError| match error {
            ReplayError::Body { at, reason } => ReplayError::Body { at, reason: format!("event {index}: {reason}") },
            other => other,
        };
        let delta = reader.varint("the step delta").map_err(in_event)?;
        step = step.checked_add(delta).filter(|&step| step <= end_step).ok_or_else(|| ReplayError::Body {
            at: event_at,
            reason: format!("event {index}: its step is after the segment's end step {end_step}"),
        })?;
        let command = decode_command(reader, &mut carried).map_err(in_event)?;
        events.push(Event { step, command });
    }
    Ok(DecodedSegment { segment: Segment { start, duration, events }, start_step })
}

/// `base + delta` as a 32-bit coordinate, or an error naming it.
fn offset_coordinate(reader: &mut BodyReader<'_>, base: i32, what: &str) -> Result<i32, ReplayError> {
    let at = reader.offset();
    let delta = reader.zigzag(what)?;
    let value = i64::from(base).checked_add(delta);
    value.and_then(|value| i32::try_from(value).ok()).ok_or_else(|| ReplayError::Body {
        at,
        reason: format!("{what} is {base} + {delta}, which does not fit 32 bits"),
    })
}

fn decode_command(reader: &mut BodyReader<'_>, carried: &mut Carried) -> Result<Command, ReplayError> {
    let head_at = reader.offset();
    let head = u32::from(reader.u8("the event head")?);
    let kind = head & REPLAY_KIND_MASK;
    let flags = head & !REPLAY_KIND_MASK;
    let name = kind_name(kind)
        .ok_or_else(|| ReplayError::Body { at: head_at, reason: format!("{kind} is not a command kind") })?;
    if flags & !allowed_flags(kind) != 0 {
        return Err(ReplayError::Body {
            at: head_at,
            reason: format!("the head {head:#04x} has flags {flags:#04x} that {name} does not have"),
        });
    }
    let shape = match kind {
        COMMAND_PAINT => Some(ShapeKind::Stroke),
        COMMAND_RECT_FILLED => Some(ShapeKind::RectFilled),
        COMMAND_RECT_OUTLINE => Some(ShapeKind::RectOutline),
        _ => None,
    };
    if let Some(shape) = shape {
        let from = if flags & REPLAY_FLAG_START != 0 {
            (offset_coordinate(reader, carried.pen.0, "x0")?, offset_coordinate(reader, carried.pen.1, "y0")?)
        } else {
            carried.pen
        };
        let to = (offset_coordinate(reader, from.0, "x1")?, offset_coordinate(reader, from.1, "y1")?);
        if flags & REPLAY_FLAG_BRUSH != 0 {
            carried.brush = Brush {
                radius: reader.varint_u32("the radius")?,
                material: reader.varint_u32("the material")?,
                mask: reader.zigzag_i32("the mask")?,
            };
        }
        carried.pen = to;
        return Ok(Command::Shape { shape, from, to, brush: carried.brush });
    }
    Ok(match kind {
        COMMAND_FILL => {
            let at = (offset_coordinate(reader, carried.pen.0, "x")?, offset_coordinate(reader, carried.pen.1, "y")?);
            carried.pen = at;
            Command::Fill { at, material: reader.varint_u32("the material")? }
        }
        COMMAND_BEGIN_STROKE => {
            let at = reader.offset();
            let delta = reader.zigzag("the stroke id")?;
            let id = i64::from(carried.stroke).checked_add(delta).and_then(|id| u32::try_from(id).ok()).ok_or_else(
                || ReplayError::Body {
                    at,
                    reason: format!("the stroke id is {} + {delta}, which does not fit 32 bits", carried.stroke),
                },
            )?;
            carried.stroke = id;
            Command::BeginStroke { id }
        }
        COMMAND_UNDO => Command::Undo { effective: flags & REPLAY_FLAG_EFFECTIVE != 0 },
        COMMAND_REDO => Command::Redo { effective: flags & REPLAY_FLAG_EFFECTIVE != 0 },
        COMMAND_SCENE => {
            let at = reader.offset();
            let scene = reader.varint_u32("the scene")?;
            if Scene::from_u32(scene).is_none() {
                return Err(ReplayError::Body { at, reason: format!("{scene} is not a scene id") });
            }
            Command::Scene { scene }
        }
        // Every kind `kind_name` knows is handled above.
        _ => return Err(ReplayError::Body { at: head_at, reason: format!("{kind} is not a command kind") }),
    })
}
