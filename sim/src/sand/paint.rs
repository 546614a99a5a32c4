//! Painting: a single-producer / single-consumer ring of commands in the
//! world header, filled by the page (`enqueue_paint` and the history
//! commands, never blocking) and emptied, in order, at the start of each
//! step (`begin_step`) or at once on an idle world (`apply_pending`).
//!
//! Besides strokes the ring carries the other drawing tools, rectangles
//! (filled, or an outline drawn with the brush) and flood fills
//! (`fill.rs`), each with a replace-mode mask (`paint_mask.rs`), and the
//! history commands (`history.rs`):
//! "the strokes from here on belong to stroke N", undo, redo, and a scene
//! that replaces the world. They share the ring so that they apply in the
//! order the page sent them, at a step boundary, without stopping a crew.
//!
//! A stroke is the set of cells within `radius` of the line from (x0, y0)
//! to (x1, y1), clipped to the world. Painted cells get their shade (and
//! liquids their flow direction) from the RNG at (seed, step, x, y), so a
//! replay paints the same pixels. `Empty` erases; `Empty` and `Wall`
//! overwrite anything, other materials only fill empty cells (the
//! `paint_overwrites` column of the material table).

use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use super::brush::Brush;
use super::cell::{clock_for_step, Cell, CLOCK_BIT};
use super::command_log::LogEntry;
use super::dirty::ChangeBounds;
use super::error::SimError;
use super::fill::FillCommand;
use super::layout::{CHUNK_SHIFT, MAX_WORLD_SIZE};
use super::neighborhood::{DIRTY_MARGIN_X, DIRTY_MARGIN_Y};
use super::paint_mask::PaintMask;
use super::rng::{StepRng, Stream};
use super::scene::Scene;
use super::world::World;

/// Commands the ring holds; a power of two.
pub const PAINT_RING_CAPACITY: u32 = 256;
/// The largest brush radius.
pub const MAX_BRUSH_RADIUS: u32 = 64;
/// How far outside the world a stroke's end points may lie (further is an
/// error, not a clip: it bounds the work one command can cause).
pub const PAINT_COORD_MARGIN: i32 = MAX_WORLD_SIZE as i32;

const _: () = assert!(PAINT_RING_CAPACITY.is_power_of_two());

/// One stroke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PaintCommand {
    pub(super) x0: i32,
    pub(super) y0: i32,
    pub(super) x1: i32,
    pub(super) y1: i32,
    pub(super) radius: u32,
    pub(super) brush: Brush,
    pub(super) mask: PaintMask,
}

impl PaintCommand {
    /// A checked command for a `width` x `height` world.
    ///
    /// Errors: `UnknownMaterial` for a byte that is not a material;
    /// `InvalidArgument` for a radius above `MAX_BRUSH_RADIUS` or an end
    /// point more than `PAINT_COORD_MARGIN` outside the world.
    pub(super) fn new(
        (x0, y0, x1, y1): (i32, i32, i32, i32),
        radius: u32,
        material: u32,
        (width, height): (u32, u32),
    ) -> Result<PaintCommand, SimError> {
        let brush = Brush::from_u32(material).ok_or(SimError::UnknownMaterial)?;
        if radius > MAX_BRUSH_RADIUS {
            return Err(SimError::InvalidArgument);
        }
        let near = |value: i32, size: u32| (-PAINT_COORD_MARGIN..size as i32 + PAINT_COORD_MARGIN).contains(&value);
        if !(near(x0, width) && near(x1, width) && near(y0, height) && near(y1, height)) {
            return Err(SimError::InvalidArgument);
        }
        Ok(PaintCommand { x0, y0, x1, y1, radius, brush, mask: PaintMask::Default })
    }
}

impl PaintCommand {
    /// This command with the replace-mode mask `mask` (`PaintMask::from_i32`), or `None` for no mask.
    pub(super) fn with_mask(self, mask: i32) -> Option<PaintCommand> {
        PaintMask::from_i32(mask).map(|mask| PaintCommand { mask, ..self })
    }
}

/// One ring command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Paint(PaintCommand),
    /// A rectangle with corners (x0, y0) and (x1, y1) of the command: every
    /// cell between them (`filled`), or its four edges drawn as strokes of
    /// the command's radius.
    Rect {
        shape: PaintCommand,
        filled: bool,
    },
    /// A flood fill (`fill.rs`).
    Fill(FillCommand),
    /// The strokes after this one belong to stroke `id` (0: to none, so
    /// they are not recorded for undo).
    BeginStroke(u32),
    Undo,
    Redo,
    /// Replace every cell with a scene, recorded for undo.
    Scene(Scene),
}

/// The `kind` word of a slot, of a command-log entry and of a replay
/// event (docs/REPLAY_FORMAT.md): hosts get them as `COMMAND` in abi.js.
pub const COMMAND_PAINT: u32 = 0;
pub const COMMAND_BEGIN_STROKE: u32 = 1;
pub const COMMAND_UNDO: u32 = 2;
pub const COMMAND_REDO: u32 = 3;
pub const COMMAND_SCENE: u32 = 4;
pub const COMMAND_RECT_FILLED: u32 = 5;
pub const COMMAND_RECT_OUTLINE: u32 = 6;
pub const COMMAND_FILL: u32 = 7;
const KIND_PAINT: u32 = COMMAND_PAINT;
const KIND_BEGIN_STROKE: u32 = COMMAND_BEGIN_STROKE;
const KIND_UNDO: u32 = COMMAND_UNDO;
const KIND_REDO: u32 = COMMAND_REDO;
const KIND_SCENE: u32 = COMMAND_SCENE;
const KIND_RECT_FILLED: u32 = COMMAND_RECT_FILLED;
const KIND_RECT_OUTLINE: u32 = COMMAND_RECT_OUTLINE;
const KIND_FILL: u32 = COMMAND_FILL;

/// A slot's words as the consumer read them: kind, end points, radius,
/// material, mask. Fills keep their seed in `x0`, `y0`; the history
/// commands keep their argument in `x0`.
type RawSlot = (u32, (i32, i32, i32, i32), u32, u32, i32);

impl Command {
    /// The command a slot holds, checked again (a misused ring, with two
    /// producers, may mix fields); `None` for one that makes no sense.
    fn decode((kind, ends, radius, material, mask): RawSlot, size: (u32, u32)) -> Option<Command> {
        let shape = || PaintCommand::new(ends, radius, material, size).ok().and_then(|c| c.with_mask(mask));
        match kind {
            KIND_PAINT => shape().map(Command::Paint),
            KIND_RECT_FILLED => shape().map(|shape| Command::Rect { shape, filled: true }),
            KIND_RECT_OUTLINE => shape().map(|shape| Command::Rect { shape, filled: false }),
            KIND_FILL => FillCommand::new(ends.0, ends.1, material, size).ok().map(Command::Fill),
            KIND_BEGIN_STROKE => Some(Command::BeginStroke(ends.0 as u32)),
            KIND_UNDO => Some(Command::Undo),
            KIND_REDO => Some(Command::Redo),
            KIND_SCENE => Scene::from_u32(ends.0 as u32).map(Command::Scene),
            _ => None,
        }
    }

    /// The command of eight host words in slot order (kind, x0, y0, x1,
    /// y1, radius, material, mask: a command-log entry's or a replay
    /// event's), checked as the ring checks them; `None` for nonsense.
    pub(crate) fn from_words(words: [i32; 8], size: (u32, u32)) -> Option<Command> {
        let [kind, x0, y0, x1, y1, radius, material, mask] = words;
        Command::decode((kind as u32, (x0, y0, x1, y1), radius as u32, material as u32, mask), size)
    }

    /// This command's eight words in slot order (`from_words`).
    pub(crate) fn to_words(self) -> [i32; 8] {
        let (kind, (x0, y0, x1, y1), radius, material, mask) = self.encode();
        [kind as i32, x0, y0, x1, y1, radius as i32, material as i32, mask]
    }

    /// The slot words of this command.
    fn encode(&self) -> RawSlot {
        let with_argument = |kind: u32, argument: u32| (kind, (argument as i32, 0, 0, 0), 0, 0, 0);
        let shape =
            |kind: u32, c: &PaintCommand| (kind, (c.x0, c.y0, c.x1, c.y1), c.radius, c.brush.to_u32(), c.mask.to_i32());
        match *self {
            Command::Paint(c) => shape(KIND_PAINT, &c),
            Command::Rect { shape: c, filled } => shape(if filled { KIND_RECT_FILLED } else { KIND_RECT_OUTLINE }, &c),
            Command::Fill(f) => (KIND_FILL, (f.x, f.y, 0, 0), 0, f.material.id() as u32, 0),
            Command::BeginStroke(id) => with_argument(KIND_BEGIN_STROKE, id),
            Command::Undo => with_argument(KIND_UNDO, 0),
            Command::Redo => with_argument(KIND_REDO, 0),
            Command::Scene(scene) => with_argument(KIND_SCENE, scene as u32),
        }
    }
}

/// One ring slot. Atomic fields keep even a misused ring (two producers)
/// free of data races; the consumer checks every command again.
#[derive(Debug)]
#[repr(C)]
pub(super) struct PaintSlot {
    kind: AtomicU32,
    x0: AtomicI32,
    y0: AtomicI32,
    x1: AtomicI32,
    y1: AtomicI32,
    radius: AtomicU32,
    material: AtomicU32,
    mask: AtomicI32,
    /// The step count whose boundary the command waits for (low and high
    /// halves); 0 for the next boundary, as every page command.
    due_low: AtomicU32,
    due_high: AtomicU32,
}

impl PaintSlot {
    /// An unused slot.
    pub(super) const fn new() -> PaintSlot {
        PaintSlot {
            kind: AtomicU32::new(KIND_PAINT),
            x0: AtomicI32::new(0),
            y0: AtomicI32::new(0),
            x1: AtomicI32::new(0),
            y1: AtomicI32::new(0),
            radius: AtomicU32::new(0),
            material: AtomicU32::new(0),
            mask: AtomicI32::new(0),
            due_low: AtomicU32::new(0),
            due_high: AtomicU32::new(0),
        }
    }
}

/// The ring: `head` is the next slot to read, `tail` the next to write; both
/// count up forever (wrapping) and are reduced modulo the capacity. The
/// `PAINT_RING_CAPACITY` slots lie in their own part of the region.
#[derive(Debug)]
#[repr(C)]
pub(super) struct PaintQueue {
    head: AtomicU32,
    tail: AtomicU32,
    slots: *const PaintSlot,
}

impl PaintQueue {
    /// An empty ring over the slots at `slots`.
    ///
    /// # Safety
    ///
    /// `slots` points to `PAINT_RING_CAPACITY` initialised slots that live
    /// as long as the queue.
    pub(super) const unsafe fn new(slots: *const PaintSlot) -> PaintQueue {
        PaintQueue { head: AtomicU32::new(0), tail: AtomicU32::new(0), slots }
    }

    fn slot(&self, position: u32) -> &PaintSlot {
        let index = (position % PAINT_RING_CAPACITY) as usize;
        // SAFETY: `index < PAINT_RING_CAPACITY`; the slots are initialised
        // and live as long as the queue (contract of `new`), and are only
        // accessed through atomics.
        unsafe { &*self.slots.add(index) }
    }

    /// Whether the producer may push: `QueueFull` when every slot waits.
    fn ensure_room(&self) -> Result<(), SimError> {
        // Acquire: the consumer has finished reading the slots before `head`.
        let head = self.head.load(Ordering::Acquire);
        if self.tail.load(Ordering::Relaxed).wrapping_sub(head) >= PAINT_RING_CAPACITY {
            return Err(SimError::QueueFull);
        }
        Ok(())
    }

    /// Producer side: appends `command` for the next boundary, or `QueueFull`.
    fn push(&self, command: &Command) -> Result<(), SimError> {
        self.push_due(command, 0)
    }

    /// Producer side: appends `command` to wait for the boundary where the
    /// step count is `due` (applied at the first boundary at or after it),
    /// or `QueueFull`. Commands behind it wait with it: the ring stays in order.
    fn push_due(&self, command: &Command, due: u64) -> Result<(), SimError> {
        self.ensure_room()?;
        let tail = self.tail.load(Ordering::Relaxed);
        let (kind, (x0, y0, x1, y1), radius, material, mask) = command.encode();
        let slot = self.slot(tail);
        slot.kind.store(kind, Ordering::Relaxed);
        slot.x0.store(x0, Ordering::Relaxed);
        slot.y0.store(y0, Ordering::Relaxed);
        slot.x1.store(x1, Ordering::Relaxed);
        slot.y1.store(y1, Ordering::Relaxed);
        slot.radius.store(radius, Ordering::Relaxed);
        slot.material.store(material, Ordering::Relaxed);
        slot.mask.store(mask, Ordering::Relaxed);
        slot.due_low.store(due as u32, Ordering::Relaxed);
        slot.due_high.store((due >> 32) as u32, Ordering::Relaxed);
        // Release: the slot is written before the consumer can see it.
        self.tail.store(tail.wrapping_add(1), Ordering::Release);
        Ok(())
    }

    /// Consumer side: the raw fields of the slot at `position`.
    fn read(&self, position: u32) -> RawSlot {
        let slot = self.slot(position);
        (
            slot.kind.load(Ordering::Relaxed),
            (
                slot.x0.load(Ordering::Relaxed),
                slot.y0.load(Ordering::Relaxed),
                slot.x1.load(Ordering::Relaxed),
                slot.y1.load(Ordering::Relaxed),
            ),
            slot.radius.load(Ordering::Relaxed),
            slot.material.load(Ordering::Relaxed),
            slot.mask.load(Ordering::Relaxed),
        )
    }

    /// Consumer side: the step count the slot at `position` waits for.
    fn read_due(&self, position: u32) -> u64 {
        let slot = self.slot(position);
        u64::from(slot.due_low.load(Ordering::Relaxed)) | (u64::from(slot.due_high.load(Ordering::Relaxed)) << 32)
    }

    /// Commands waiting.
    fn len(&self) -> u32 {
        self.tail.load(Ordering::Acquire).wrapping_sub(self.head.load(Ordering::Acquire))
    }
}

/// The painted cells of one row while a stroke is rasterised: `min_x..=max_x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(super) struct RowSpan {
    min_x: i32,
    max_x: i32,
}

impl RowSpan {
    /// No cells.
    pub(super) const EMPTY: RowSpan = RowSpan { min_x: i32::MAX, max_x: i32::MIN };

    fn include(&mut self, x0: i32, x1: i32) {
        self.min_x = self.min_x.min(x0);
        self.max_x = self.max_x.max(x1);
    }
}

/// The cells of a line, end points included (Bresenham).
struct LinePoints {
    x: i32,
    y: i32,
    end_x: i32,
    end_y: i32,
    dx: i32,
    dy: i32,
    step_x: i32,
    step_y: i32,
    error: i32,
    done: bool,
}

impl LinePoints {
    fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> LinePoints {
        let dx = (x1 - x0).abs();
        let dy = -(y1 - y0).abs();
        LinePoints {
            x: x0,
            y: y0,
            end_x: x1,
            end_y: y1,
            dx,
            dy,
            step_x: if x0 < x1 { 1 } else { -1 },
            step_y: if y0 < y1 { 1 } else { -1 },
            error: dx + dy,
            done: false,
        }
    }
}

impl Iterator for LinePoints {
    type Item = (i32, i32);

    fn next(&mut self) -> Option<(i32, i32)> {
        if self.done {
            return None;
        }
        let point = (self.x, self.y);
        if self.x == self.end_x && self.y == self.end_y {
            self.done = true;
            return Some(point);
        }
        let doubled = 2 * self.error;
        if doubled >= self.dy {
            self.error += self.dy;
            self.x += self.step_x;
        }
        if doubled <= self.dx {
            self.error += self.dx;
            self.y += self.step_y;
        }
        Some(point)
    }
}

impl World {
    /// Queues a stroke for the start of the next step. Never blocks; meant
    /// for one producer thread (the page). `material` is a material id
    /// (wider than a byte so that export arguments are never truncated: 256
    /// and up are unknown). See [`PaintCommand::new`] for the argument
    /// errors; `QueueFull` when `PAINT_RING_CAPACITY` commands are already
    /// waiting.
    pub fn enqueue_paint(
        &self,
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        radius: u32,
        material: u32,
    ) -> Result<(), SimError> {
        let command = PaintCommand::new((x0, y0, x1, y1), radius, material, (self.width, self.height))?;
        self.paint_queue.push(&Command::Paint(command))
    }

    /// `enqueue_paint` with a replace-mode mask (`paint_mask.rs`):
    /// `InvalidArgument` for a number that is no mask.
    pub fn enqueue_paint_masked(
        &self,
        (x0, y0, x1, y1): (i32, i32, i32, i32),
        radius: u32,
        material: u32,
        mask: i32,
    ) -> Result<(), SimError> {
        let command = PaintCommand::new((x0, y0, x1, y1), radius, material, (self.width, self.height))?;
        let command = command.with_mask(mask).ok_or(SimError::InvalidArgument)?;
        self.paint_queue.push(&Command::Paint(command))
    }

    /// Queues a rectangle with corners (x0, y0) and (x1, y1): every cell
    /// between them (`filled`), or its outline drawn with a brush of
    /// `radius`; over what `mask` allows. Errors as `enqueue_paint_masked`.
    pub fn enqueue_rect(
        &self,
        corners: (i32, i32, i32, i32),
        radius: u32,
        material: u32,
        mask: i32,
        filled: bool,
    ) -> Result<(), SimError> {
        let shape = PaintCommand::new(corners, radius, material, (self.width, self.height))?;
        let shape = shape.with_mask(mask).ok_or(SimError::InvalidArgument)?;
        self.paint_queue.push(&Command::Rect { shape, filled })
    }

    /// Queues a flood fill from cell (x, y) with `material` (`fill.rs`;
    /// errors as `FillCommand::new`).
    pub fn enqueue_fill(&self, x: i32, y: i32, material: u32) -> Result<(), SimError> {
        let command = FillCommand::new(x, y, material, (self.width, self.height))?;
        self.paint_queue.push(&Command::Fill(command))
    }

    /// Queues a history command (`history.rs`) behind the strokes queued so
    /// far. Never blocks; `QueueFull` when the ring is full.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn enqueue(&self, command: Command) -> Result<(), SimError> {
        self.paint_queue.push(&command)
    }

    /// `enqueue`, but the command (and every command queued behind it)
    /// waits for the boundary where the step count is `due`: how a replay
    /// queues its commands ahead while the crew runs (docs/ABI.md,
    /// "Command log and replays"). A `due` already past applies at the next boundary.
    pub(crate) fn enqueue_due(&self, command: Command, due: u64) -> Result<(), SimError> {
        self.paint_queue.push_due(&command, due)
    }

    /// `QueueFull` if a command pushed now would be refused (so that an
    /// export can refuse before it allocates anything).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn ensure_queue_room(&self) -> Result<(), SimError> {
        self.paint_queue.ensure_room()
    }

    /// Applies every queued command now, on an idle world (no step runs):
    /// what the next `begin_step` would have applied, with the same result.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn apply_pending(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held, and the caller keeps steps away.
        unsafe { self.apply_paint_queue() };
    }

    /// Commands waiting for the next step.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn queued_paint_count(&self) -> u32 {
        self.paint_queue.len()
    }

    /// Applies every command queued so far, in order (the consumer side).
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn apply_paint_queue(&self) {
        let queue = &self.paint_queue;
        let head = queue.head.load(Ordering::Relaxed);
        // Acquire: the slots before `tail` are fully written.
        let tail = queue.tail.load(Ordering::Acquire);
        let step = self.step_count();
        let mut position = head;
        // A full command log, or a command due at a later boundary, stops
        // here: the rest waits.
        while position != tail && self.command_log.has_room() && queue.read_due(position) <= step {
            if let Some(command) = Command::decode(queue.read(position), (self.width, self.height)) {
                // SAFETY: the caller has exclusive access.
                let result = unsafe { self.apply_command(command) };
                self.command_log.append(LogEntry { step, words: command.to_words(), result: u32::from(result) });
            }
            position = position.wrapping_add(1);
        }
        // Release: we are done reading those slots.
        queue.head.store(position, Ordering::Release);
    }

    /// Applies one command now. Returns whether an undo or redo undid or
    /// redid an entry (false for every other command), the result word of
    /// its command-log entry.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    unsafe fn apply_command(&self, command: Command) -> bool {
        // SAFETY: the caller has exclusive access, which every arm needs.
        unsafe {
            match command {
                Command::Paint(stroke) => self.paint_stroke(&stroke),
                Command::Rect { shape, filled } => self.paint_rect(&shape, filled),
                Command::Fill(fill) => {
                    self.fill_region(&fill);
                }
                Command::BeginStroke(id) => self.history_begin_stroke(id),
                Command::Undo => return self.history_undo(),
                Command::Redo => return self.history_redo(),
                Command::Scene(scene) => self.load_scene_recorded(scene),
            }
        }
        false
    }

    /// Paints one stroke now.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn paint_stroke(&self, command: &PaintCommand) {
        let radius = command.radius as i32;
        let (width, height) = (self.width as i32, self.height as i32);
        let top = (command.y0.min(command.y1) - radius).max(0);
        let bottom = (command.y0.max(command.y1) + radius).min(height - 1);
        if top > bottom {
            return;
        }
        // Half the width of the brush disc at each vertical distance.
        let mut half_widths = [0i32; MAX_BRUSH_RADIUS as usize + 1];
        for (distance, half_width) in half_widths.iter_mut().enumerate().take(radius as usize + 1) {
            let distance = distance as i32;
            *half_width = (radius * radius - distance * distance).isqrt();
        }
        // SAFETY: rows `top..=bottom` are world rows, and the span scratch
        // has one entry per world row; the caller has exclusive access.
        let spans =
            unsafe { core::slice::from_raw_parts_mut(self.row_spans.add(top as usize), (bottom - top + 1) as usize) };
        spans.fill(RowSpan::EMPTY);
        // The union of the brush discs along the line is, row by row, one
        // span: record each disc's extent per row.
        for (px, py) in LinePoints::new(command.x0, command.y0, command.x1, command.y1) {
            if px + radius < 0 || px - radius >= width || py + radius < top || py - radius > bottom {
                continue;
            }
            for y in (py - radius).max(top)..=(py + radius).min(bottom) {
                let half_width = half_widths[(y - py).unsigned_abs() as usize];
                spans[(y - top) as usize].include(px - half_width, px + half_width);
            }
        }
        // SAFETY: the caller has exclusive access; the spans are world rows from `top`.
        unsafe { self.paint_spans(spans, top, command.brush, command.mask) };
    }

    /// Paints a rectangle command now: every cell between the corners
    /// (`filled`), or the four edges as strokes of the command's radius.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn paint_rect(&self, shape: &PaintCommand, filled: bool) {
        let (left, right) = (shape.x0.min(shape.x1), shape.x0.max(shape.x1));
        let (top, bottom) = (shape.y0.min(shape.y1), shape.y0.max(shape.y1));
        if !filled {
            let edge = |x0, y0, x1, y1| PaintCommand { x0, y0, x1, y1, ..*shape };
            for side in [
                edge(left, top, right, top),
                edge(left, bottom, right, bottom),
                edge(left, top, left, bottom),
                edge(right, top, right, bottom),
            ] {
                // SAFETY: the caller has exclusive access.
                unsafe { self.paint_stroke(&side) };
            }
            return;
        }
        let (first, last) = (top.max(0), bottom.min(self.height as i32 - 1));
        if first > last {
            return;
        }
        // SAFETY: rows `first..=last` are world rows, and the span scratch
        // has one entry per world row; the caller has exclusive access.
        let spans =
            unsafe { core::slice::from_raw_parts_mut(self.row_spans.add(first as usize), (last - first + 1) as usize) };
        for span in spans.iter_mut() {
            *span = RowSpan::EMPTY;
            span.include(left, right);
        }
        // SAFETY: the caller has exclusive access; the spans are world rows from `first`.
        unsafe { self.paint_spans(spans, first, shape.brush, shape.mask) };
    }

    /// Puts `brush` down on the cells of `spans` (row `top` onwards, clipped
    /// to the world) that `mask` allows, after letting the history save them.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells; `spans` are rows
    /// `top..top + spans.len()` of the world.
    unsafe fn paint_spans(&self, spans: &[RowSpan], top: i32, brush: Brush, mask: PaintMask) {
        let width = self.width as i32;
        // SAFETY: the caller has exclusive access.
        unsafe { self.record_stroke_area(spans, top) };
        let step = self.step_count();
        let rng = StepRng::new(self.seed(), step, Stream::Paint);
        // Painted cells take their turn in the step that is starting.
        let clock = clock_for_step(step) ^ CLOCK_BIT;
        let mut changes = ChangeBounds::NONE;
        let mut band = top >> CHUNK_SHIFT;
        for (row, span) in spans.iter().enumerate() {
            let y = top + row as i32;
            if y >> CHUNK_SHIFT != band {
                self.mark_changed(&changes);
                changes = ChangeBounds::NONE;
                band = y >> CHUNK_SHIFT;
            }
            let (x0, x1) = (span.min_x.max(0), span.max_x.min(width - 1));
            if x0 > x1 {
                continue;
            }
            for x in x0..=x1 {
                // SAFETY: (x, y) is in the world; exclusive access (caller).
                let (existing, _) = unsafe { self.read_raw(x, y) };
                if !mask.allows(brush, existing) {
                    continue;
                }
                match brush {
                    Brush::Material(material) => {
                        let cell = Cell::fresh(material, rng.at(x as u32, y as u32)).with_clock(clock);
                        // SAFETY: as above.
                        unsafe { self.write_fresh(x, y, cell) };
                    }
                    // Heat and Cool change temperatures only.
                    Brush::Heat | Brush::Cool => {
                        // SAFETY: as above.
                        let before = unsafe { self.read_temperature(x, y) };
                        if let Some(heated) = brush.heated(before) {
                            // SAFETY: as above.
                            unsafe { self.write_temperature(x, y, heated) };
                        }
                    }
                }
            }
            changes.include_span(x0, x1, y);
        }
        self.mark_changed(&changes);
    }

    /// Before a stroke changes anything: lets the history save every chunk
    /// whose cells or activity the stroke will change. Band by band (rows
    /// of one chunk row), exactly the rectangles the write loop marks, so a
    /// diagonal stroke saves the chunks along it, not its bounding box.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    unsafe fn record_stroke_area(&self, spans: &[RowSpan], top: i32) {
        let width = self.width as i32;
        let mut changes = ChangeBounds::NONE;
        let mut band = top >> CHUNK_SHIFT;
        for (row, span) in spans.iter().enumerate() {
            let y = top + row as i32;
            if y >> CHUNK_SHIFT != band {
                // SAFETY: the caller has exclusive access.
                unsafe { self.history_before_change(&changes.grown(DIRTY_MARGIN_X, DIRTY_MARGIN_Y)) };
                changes = ChangeBounds::NONE;
                band = y >> CHUNK_SHIFT;
            }
            let (x0, x1) = (span.min_x.max(0), span.max_x.min(width - 1));
            if x0 <= x1 {
                changes.include_span(x0, x1, y);
            }
        }
        // SAFETY: the caller has exclusive access.
        unsafe { self.history_before_change(&changes.grown(DIRTY_MARGIN_X, DIRTY_MARGIN_Y)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_include_both_ends_and_are_connected() {
        for (x1, y1) in [(7, 3), (-4, 9), (0, 0), (5, -5), (-6, -1)] {
            let points: std::vec::Vec<_> = LinePoints::new(0, 0, x1, y1).collect();
            assert_eq!(points.first(), Some(&(0, 0)));
            assert_eq!(points.last(), Some(&(x1, y1)));
            for pair in points.windows(2) {
                assert!((pair[0].0 - pair[1].0).abs() <= 1 && (pair[0].1 - pair[1].1).abs() <= 1);
            }
        }
    }
}
