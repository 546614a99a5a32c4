//! Exports of the simulation: worlds, painting, frames, hashes.
//!
//! Worlds are addressed by handle. Exclusive operations that replace the
//! whole world (`qs_world_scene`, `qs_world_free`) refuse with -7 (busy)
//! while any crew still has steps pending, because chunk updates run
//! without the world's lock.

use core::sync::atomic::{AtomicUsize, Ordering};

use super::crew::ensure_no_crew_is_stepping;
use super::runtime::{alloc, free, non_negative, unsigned};
use crate::abi::{respond, ErrorCode, HandleKind, Response};
use crate::runtime::registry::{Table, MAX_WORLDS};
use crate::sand::{
    rules_id, Command, Material, Scene, SnapshotError, World, HISTORY_ALIGN, REGION_ALIGN, TEMPERATURE_ERROR_SCALE,
};

/// Alignment of snapshot buffers (only bytes are read and written).
const SNAPSHOT_ALIGN: usize = 16;

/// One world and the heap blocks it owns; all zero while the slot is free.
pub struct WorldSlot {
    world: AtomicUsize,
    region: AtomicUsize,
    capacity: AtomicUsize,
    /// The buffer snapshots are saved into and loaded from (0 until needed).
    snapshot: AtomicUsize,
    snapshot_capacity: AtomicUsize,
    /// The undo history's block (0 until the first history command).
    history: AtomicUsize,
    history_capacity: AtomicUsize,
}

impl WorldSlot {
    const fn new() -> Self {
        WorldSlot {
            world: AtomicUsize::new(0),
            region: AtomicUsize::new(0),
            capacity: AtomicUsize::new(0),
            snapshot: AtomicUsize::new(0),
            snapshot_capacity: AtomicUsize::new(0),
            history: AtomicUsize::new(0),
            history_capacity: AtomicUsize::new(0),
        }
    }

    /// Gives the slot's blocks back to the heap.
    fn release(&self) {
        let blocks = [
            (&self.region, &self.capacity),
            (&self.snapshot, &self.snapshot_capacity),
            (&self.history, &self.history_capacity),
        ];
        for (address, capacity) in blocks {
            let (block, size) = (address.swap(0, Ordering::AcqRel), capacity.swap(0, Ordering::AcqRel));
            if block != 0 {
                free(block, size);
            }
        }
        self.world.store(0, Ordering::Release);
    }
}

static WORLDS: Table<WorldSlot, MAX_WORLDS> = Table::new(HandleKind::World, [const { WorldSlot::new() }; MAX_WORLDS]);

/// The live world behind `handle`.
pub(crate) fn world(handle: i32) -> Result<&'static World, ErrorCode> {
    let address = WORLDS.get(handle)?.world.load(Ordering::Acquire);
    // SAFETY: a live slot's address came from `World::create_at` on a region
    // that stays allocated until `qs_world_free` retires the handle, and
    // `qs_world_free` refuses while a crew may be stepping (the only calls
    // that can overlap it from other threads).
    unsafe { World::from_ptr(address as *const World) }.ok_or(ErrorCode::InvalidArgument)
}

/// A host number that must be a material id: anything else is -5.
fn material(value: i32) -> Result<Material, ErrorCode> {
    u8::try_from(value).ok().and_then(Material::from_u8).ok_or(ErrorCode::UnknownMaterial)
}

/// Creates a `width` × `height` world (1..=4096 each) seeded with `seed`
/// and returns its handle, or -1 invalid size, -2 too large, -3 out of
/// memory, -6 too many worlds. A refused call allocates nothing; memory
/// freed by `qs_world_free` is reused by a world of any size that fits.
#[no_mangle]
pub extern "C" fn qs_world_new(width: i32, height: i32, seed: i32) -> i32 {
    respond((|| {
        let (width, height) = (unsigned(width)?, unsigned(height)?);
        let needed = World::bytes_needed(width, height)?;
        let reservation = WORLDS.reserve()?;
        let region = alloc(needed, REGION_ALIGN)?;
        // SAFETY: `region` is `needed` bytes from our heap, owned by this
        // reserved slot alone until `qs_world_free` gives it back.
        let created = unsafe { World::create_at(region as *mut u8, needed, width, height, seed as u32 as u64) };
        let world = match created {
            Ok(world) => world,
            Err(error) => {
                free(region, needed);
                return Err(error.into());
            }
        };
        let slot = reservation.item();
        slot.region.store(region, Ordering::Release);
        slot.capacity.store(needed, Ordering::Release);
        slot.world.store(world.as_ptr() as usize, Ordering::Release);
        Ok(reservation.commit().0)
    })())
}

/// Frees world `handle` and gives its memory back: from now on the handle
/// is refused. -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_free(handle: i32) -> i32 {
    respond((|| {
        world(handle)?;
        ensure_no_crew_is_stepping()?;
        let retiring = WORLDS.retire(handle)?;
        retiring.item().release();
        drop(retiring);
        Ok(0)
    })())
}

/// World width in cells.
#[no_mangle]
pub extern "C" fn qs_world_width(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.width() as i32))())
}

/// World height in cells.
#[no_mangle]
pub extern "C" fn qs_world_height(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.height() as i32))())
}

/// Steps completed (low 31 bits, so never negative).
#[no_mangle]
pub extern "C" fn qs_world_step_count(handle: i32) -> i32 {
    respond((|| Ok((world(handle)?.step_count() & i32::MAX as u64) as i32))())
}

/// Runs `steps` steps on the calling thread (the single-threaded build and
/// tests). Never blocks. -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_step(handle: i32, steps: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let steps = unsigned(steps)?;
        ensure_no_crew_is_stepping()?;
        for _ in 0..steps {
            world.step();
        }
        Ok(0)
    })())
}

/// Queues a paint stroke from (x0, y0) to (x1, y1) with brush `radius` and
/// material id `material` (0 = erase) for the next step, or heat with the
/// Heat and Cool brushes (`PAINT_TOOL` in abi.js). Never blocks.
/// -1 bad radius/coordinates, -4 queue full, -5 unknown material or tool.
#[no_mangle]
pub extern "C" fn qs_world_paint(
    handle: i32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material_id: i32,
) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let radius = unsigned(radius)?;
        // A negative id is no material (and must not wrap into one); the
        // sim decides which other numbers are materials or tools.
        let brush = u32::try_from(material_id).map_err(|_| ErrorCode::UnknownMaterial)?;
        world.enqueue_paint(x0, y0, x1, y1, radius, brush)?;
        Ok(0)
    })())
}

/// `qs_world_paint` in replace mode: only over what `mask` allows
/// (`PAINT_MASK.DEFAULT`: the table's rule as `qs_world_paint`;
/// `PAINT_MASK.NON_EMPTY`: every cell that is not empty; a material id:
/// only cells of that material). -1 also for a number that is no mask.
#[no_mangle]
pub extern "C" fn qs_world_paint_masked(
    handle: i32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material_id: i32,
    mask: i32,
) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let radius = unsigned(radius)?;
        let brush = u32::try_from(material_id).map_err(|_| ErrorCode::UnknownMaterial)?;
        world.enqueue_paint_masked((x0, y0, x1, y1), radius, brush, mask)?;
        Ok(0)
    })())
}

/// Queues a rectangle with corners (x0, y0) and (x1, y1): with `filled` 1
/// every cell between them, with 0 its outline drawn with a brush of
/// `radius`; over what `mask` allows (as `qs_world_paint_masked`). The
/// errors of `qs_world_paint_masked`, and -1 for `filled` other than 0 or 1.
#[no_mangle]
pub extern "C" fn qs_world_paint_rect(
    handle: i32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material_id: i32,
    mask: i32,
    filled: i32,
) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let radius = unsigned(radius)?;
        let brush = u32::try_from(material_id).map_err(|_| ErrorCode::UnknownMaterial)?;
        let filled = match filled {
            0 => false,
            1 => true,
            _ => return Err(ErrorCode::InvalidArgument),
        };
        world.enqueue_rect((x0, y0, x1, y1), radius, brush, mask, filled)?;
        Ok(0)
    })())
}

/// Queues a flood fill from cell (x, y): the 4-connected region of its
/// material becomes `material_id`, at most `LIMITS.FILL_MAX_CELLS` cells
/// (docs/ABI.md, "Tools"). -1 for a cell outside the world or the Heat and
/// Cool tools (a fill changes materials), -4 queue full, -5 no material.
#[no_mangle]
pub extern "C" fn qs_world_fill(handle: i32, x: i32, y: i32, material_id: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let material = u32::try_from(material_id).map_err(|_| ErrorCode::UnknownMaterial)?;
        world.enqueue_fill(x, y, material)?;
        Ok(0)
    })())
}

/// Paint commands waiting for the next step.
#[no_mangle]
pub extern "C" fn qs_world_queued_paint(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.queued_paint_count() as i32))())
}

/// Queues a history command behind the strokes queued so far; with
/// `needs_history` the world's history block is allocated first (once).
/// Refuses with -4 before allocating anything.
fn queue_history(handle: i32, command: Command, needs_history: bool) -> Response {
    let world = world(handle)?;
    world.ensure_queue_room()?;
    if needs_history {
        attach_history(handle, world)?;
    }
    world.enqueue(command)?;
    Ok(0)
}

/// Allocates and attaches world `handle`'s history block unless it has one.
fn attach_history(handle: i32, world: &World) -> Result<(), ErrorCode> {
    if world.has_history() {
        return Ok(());
    }
    let slot = WORLDS.get(handle)?;
    let len = world.history_bytes_needed();
    let block = alloc(len, HISTORY_ALIGN)?;
    // SAFETY: `block` is `len` bytes of our heap, owned by this world slot
    // until `qs_world_free` gives it back (after the world is gone).
    if let Err(error) = unsafe { world.attach_history(block as *mut u8, len) } {
        free(block, len);
        return Err(error.into());
    }
    slot.history.store(block, Ordering::Release);
    slot.history_capacity.store(len, Ordering::Release);
    Ok(())
}

/// Queues "the strokes from here on are stroke `stroke`" (docs/ABI.md,
/// "Undo and redo"): the first change a stroke of a new id makes opens an
/// undo entry. 0 ends the stroke (later strokes are not recorded). Never
/// blocks. The first call allocates the world's history (-3 if it does
/// not fit); -1 negative id, -4 queue full.
#[no_mangle]
pub extern "C" fn qs_world_begin_stroke(handle: i32, stroke: i32) -> i32 {
    respond((|| {
        let stroke = unsigned(stroke)?;
        queue_history(handle, Command::BeginStroke(stroke), stroke != 0)
    })())
}

/// Queues an undo of the newest entry not undone. Never blocks; -4 full.
#[no_mangle]
pub extern "C" fn qs_world_undo(handle: i32) -> i32 {
    respond(queue_history(handle, Command::Undo, false))
}

/// Queues a redo of the oldest entry undone. Never blocks; -4 full.
#[no_mangle]
pub extern "C" fn qs_world_redo(handle: i32) -> i32 {
    respond(queue_history(handle, Command::Redo, false))
}

/// Queues a scene (0 empty = clear, 1 active, 2 mixed, 3 settled) that
/// replaces every cell at the next step boundary, recorded for undo.
/// Never blocks. -1 unknown scene, -3 no memory for the history, -4 full.
#[no_mangle]
pub extern "C" fn qs_world_queue_scene(handle: i32, scene: i32) -> i32 {
    respond((|| {
        let scene = unsigned(scene).ok().and_then(Scene::from_u32).ok_or(ErrorCode::InvalidArgument)?;
        queue_history(handle, Command::Scene(scene), true)
    })())
}

/// Applies every queued command (strokes, history commands, scenes) now,
/// as the next step would, without stepping: for an idle or paused world.
/// -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_apply_pending(handle: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        ensure_no_crew_is_stepping()?;
        world.apply_pending();
        Ok(0)
    })())
}

/// Queues one command given as the eight words of a command-log entry
/// (kind, x0, y0, x1, y1, radius, material, mask: docs/REPLAY_FORMAT.md),
/// which is how a replay is played. Checked like the named exports: -1 for
/// words that make no command, -3 when a stroke id or scene finds no memory
/// for the history, -4 queue full.
#[no_mangle]
pub extern "C" fn qs_world_command(
    handle: i32,
    kind: i32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material_id: i32,
    mask: i32,
) -> i32 {
    respond(queue_words(handle, 0, [kind, x0, y0, x1, y1, radius, material_id, mask]))
}

/// Queues the command of eight log-entry words, due at step `due` (0: the
/// next boundary), allocating the history as the named exports do.
fn queue_words(handle: i32, due: u64, words: [i32; 8]) -> Response {
    let world = world(handle)?;
    let command = Command::from_words(words, (world.width(), world.height())).ok_or(ErrorCode::InvalidArgument)?;
    world.ensure_queue_room()?;
    let needs_history = matches!(command, Command::BeginStroke(id) if id != 0) || matches!(command, Command::Scene(_));
    if needs_history {
        attach_history(handle, world)?;
    }
    world.enqueue_due(command, due)?;
    Ok(0)
}

/// `qs_world_command`, due at the boundary where the step count is
/// `step_low | step_high << 32` (a command-log entry's words 0 and 1): it,
/// and every command queued behind it, waits in the ring until then, so a
/// replay queues commands ahead while the crew runs. A step already past
/// applies at the next boundary. Errors as `qs_world_command`.
#[no_mangle]
pub extern "C" fn qs_world_command_at(
    handle: i32,
    step_low: i32,
    step_high: i32,
    kind: i32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material_id: i32,
    mask: i32,
) -> i32 {
    let due = u64::from(step_low as u32) | (u64::from(step_high as u32) << 32);
    respond(queue_words(handle, due, [kind, x0, y0, x1, y1, radius, material_id, mask]))
}

/// Turns world `handle`'s command log on (`on` = 1, emptied) or off (0):
/// while on, every command the sim applies is logged with its step, and
/// while the log is full no further command is applied (docs/ABI.md,
/// "Command log"). -1 for another `on`.
#[no_mangle]
pub extern "C" fn qs_world_log_enable(handle: i32, on: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let on = match on {
            0 => false,
            1 => true,
            _ => return Err(ErrorCode::InvalidArgument),
        };
        world.set_command_log(on);
        Ok(0)
    })())
}

/// Moves the waiting log entries (at most `COMMAND_LOG.CAPACITY`) into the
/// buffer at `qs_world_log_ptr` and returns how many. One caller at a time.
#[no_mangle]
pub extern "C" fn qs_world_log_take(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.take_command_log() as i32))())
}

/// Where `qs_world_log_take` put its entries: `COMMAND_LOG.ENTRY_WORDS`
/// i32 words each.
#[no_mangle]
pub extern "C" fn qs_world_log_ptr(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.command_log_taken_ptr() as i32))())
}

/// Entries undo can take back, as of the last applied command.
#[no_mangle]
pub extern "C" fn qs_world_undo_depth(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.undo_depth().min(i32::MAX as u32) as i32))())
}

/// Entries redo can bring back, as of the last applied command.
#[no_mangle]
pub extern "C" fn qs_world_redo_depth(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.redo_depth().min(i32::MAX as u32) as i32))())
}

/// Bytes of saved chunks the history holds (its budget: `LIMITS.HISTORY_BUDGET_MIB`).
#[no_mangle]
pub extern "C" fn qs_world_history_bytes(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.history_bytes().min(i32::MAX as u32) as i32))())
}

/// Replaces every cell with scene `scene` (0 empty, 1 active, 2 mixed,
/// 3 settled), now; recorded for undo once the world has a history (a
/// fresh world's first scene is not). -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_scene(handle: i32, scene: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let scene = unsigned(scene).ok().and_then(Scene::from_u32).ok_or(ErrorCode::InvalidArgument)?;
        ensure_no_crew_is_stepping()?;
        world.replace_with_scene(scene);
        Ok(0)
    })())
}

/// The identity of the rules this module simulates by (`sand/replay.rs`):
/// a replay recorded under another id is refused, not played.
#[no_mangle]
pub extern "C" fn qs_rules_id() -> i64 {
    rules_id() as i64
}

/// The world's 64-bit state hash.
#[no_mangle]
pub extern "C" fn qs_world_hash(handle: i32) -> i64 {
    match world(handle) {
        Ok(world) => world.hash() as i64,
        Err(error) => i64::from(error.code()),
    }
}

/// How many cells hold material `material_id`; -5 for a number that is
/// not a material id.
#[no_mangle]
pub extern "C" fn qs_world_count(handle: i32, material_id: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let material = material(material_id)?;
        Ok(world.count_material(material).min(i32::MAX as u64) as i32)
    })())
}

/// Asks for a frame: the next `end_step` renders into the back buffer and
/// flips. Call after finishing with the current front buffer. Never blocks.
#[no_mangle]
pub extern "C" fn qs_world_request_frame(handle: i32) -> i32 {
    respond((|| {
        world(handle)?.request_frame();
        Ok(0)
    })())
}

/// Frames published so far (wrapping at 2³¹); a change means a new front buffer.
#[no_mangle]
pub extern "C" fn qs_world_frame_seq(handle: i32) -> i32 {
    respond((|| Ok((world(handle)?.frame_seq() & i32::MAX as u32) as i32))())
}

/// Address of the front frame: `width × height` palette indices, row-major.
#[no_mangle]
pub extern "C" fn qs_world_frame_ptr(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.front_frame_ptr() as i32))())
}

/// Where the front frame differs from the frame published before it: one
/// corner of the half-open rectangle `x0 <= x < x1`, `y0 <= y < y1` (world
/// cells, rows top to bottom) per export; all four are 0 when nothing
/// differs. A page whose texture holds the previous frame uploads only this.
fn frame_dirty(handle: i32, corner: usize) -> i32 {
    respond((|| Ok(world(handle)?.front_frame_changes()[corner]))())
}

/// Left edge of the front frame's changed rectangle (see `frame_dirty`).
#[no_mangle]
pub extern "C" fn qs_world_frame_dirty_x0(handle: i32) -> i32 {
    frame_dirty(handle, 0)
}

/// Top edge of the front frame's changed rectangle.
#[no_mangle]
pub extern "C" fn qs_world_frame_dirty_y0(handle: i32) -> i32 {
    frame_dirty(handle, 1)
}

/// One past the right edge of the front frame's changed rectangle.
#[no_mangle]
pub extern "C" fn qs_world_frame_dirty_x1(handle: i32) -> i32 {
    frame_dirty(handle, 2)
}

/// One past the bottom edge of the front frame's changed rectangle.
#[no_mangle]
pub extern "C" fn qs_world_frame_dirty_y1(handle: i32) -> i32 {
    frame_dirty(handle, 3)
}

/// Applies the queued strokes (as the next step would) and publishes a
/// frame of the world now, on the calling thread, whether or not one was
/// requested: an idle world's edits show without a step. Never blocks.
/// -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_render_now(handle: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        ensure_no_crew_is_stepping()?;
        world.render_now();
        Ok(0)
    })())
}

/// Address of the palette: `qs_world_palette_len` RGBA u32s.
#[no_mangle]
pub extern "C" fn qs_world_palette_ptr(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.palette_ptr() as i32))())
}

/// Entries in the palette.
#[no_mangle]
pub extern "C" fn qs_world_palette_len(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.palette_len() as i32))())
}

/// Bytes a `width` × `height` world needs, or a negative error.
#[no_mangle]
pub extern "C" fn qs_world_bytes_needed(width: i32, height: i32) -> i32 {
    respond((|| {
        let bytes = World::bytes_needed(unsigned(width)?, unsigned(height)?)?;
        Ok(bytes.min(i32::MAX as usize) as i32)
    })())
}

/// The world's snapshot buffer, allocated (or replaced by a larger one) to
/// fit its snapshot. Returns (address, capacity).
fn snapshot_buffer(handle: i32) -> Result<(usize, usize), ErrorCode> {
    let world = world(handle)?;
    let slot = WORLDS.get(handle)?;
    let needed = world.snapshot_len();
    let capacity = slot.snapshot_capacity.load(Ordering::Acquire);
    if capacity >= needed {
        return Ok((slot.snapshot.load(Ordering::Acquire), capacity));
    }
    // Allocate the new buffer first: if that fails, the old one stays.
    let address = alloc(needed, SNAPSHOT_ALIGN)?;
    let old = slot.snapshot.swap(address, Ordering::AcqRel);
    slot.snapshot_capacity.store(needed, Ordering::Release);
    if old != 0 {
        free(old, capacity);
    }
    Ok((address, needed))
}

/// Address of world `handle`'s snapshot buffer (see docs/SAVE_FORMAT.md).
/// The page copies a save out of it, or a file into it before loading.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_ptr(handle: i32) -> i32 {
    respond((|| Ok(snapshot_buffer(handle)?.0 as i32))())
}

/// Bytes the snapshot buffer holds: at least one snapshot of this world.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_capacity(handle: i32) -> i32 {
    respond((|| Ok(snapshot_buffer(handle)?.1.min(i32::MAX as usize) as i32))())
}

/// Saves world `handle` into its snapshot buffer and returns the length.
/// -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_save(handle: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        // Refuse before allocating: a refused call allocates nothing.
        ensure_no_crew_is_stepping()?;
        let (address, capacity) = snapshot_buffer(handle)?;
        // SAFETY: the buffer is `capacity` bytes of our heap that belong to
        // this world slot; the page only touches it between these calls.
        let out = unsafe { core::slice::from_raw_parts_mut(address as *mut u8, capacity) };
        Ok(world.write_snapshot(out)? as i32)
    })())
}

/// Loads the first `len` bytes of the snapshot buffer into world `handle`.
/// 0, or -20 not a save, -21 unsupported version, -22 other size,
/// -23 corrupt, -7 busy; the world is unchanged on any error.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_load(handle: i32, len: i32) -> i32 {
    respond(snapshot_load(handle, len))
}

fn snapshot_load(handle: i32, len: i32) -> Response {
    let world = world(handle)?;
    let len = non_negative(len)?;
    ensure_no_crew_is_stepping()?;
    // Only a buffer the page could have written a save into can hold one:
    // a missing or outgrown buffer is refused without allocating.
    let slot = WORLDS.get(handle)?;
    let (address, capacity) = (slot.snapshot.load(Ordering::Acquire), slot.snapshot_capacity.load(Ordering::Acquire));
    if address == 0 || capacity < world.snapshot_len() || len > capacity {
        return Err(SnapshotError::NotASave.into());
    }
    // SAFETY: as in `qs_world_snapshot_save`; `len` ≤ capacity.
    let bytes = unsafe { core::slice::from_raw_parts(address as *const u8, len) };
    world.read_snapshot(bytes)?;
    // The undo entries describe the world the save replaced.
    world.clear_history();
    Ok(0)
}

/// Address of the temperature plane, border included: one little-endian
/// `i16` per cell in eighths of a degree Celsius (`TEMPERATURE` in abi.js),
/// `qs_world_plane_stride` cells per row, world cell (0, 0) at index
/// `qs_world_plane_origin`. Between steps it holds the current temperatures.
#[no_mangle]
pub extern "C" fn qs_world_temperature_ptr(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.temperature_plane_ptr() as i32))())
}

/// Cells from one plane row to the next (every plane: material, state,
/// temperature).
#[no_mangle]
pub extern "C" fn qs_world_plane_stride(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.plane_stride() as i32))())
}

/// Index of world cell (0, 0) inside each plane (the planes have a border
/// of wall cells).
#[no_mangle]
pub extern "C" fn qs_world_plane_origin(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.plane_origin() as i32))())
}

/// The material id of cell (x, y), or -1 for a cell outside the world.
/// Exact when no steps are pending.
#[no_mangle]
pub extern "C" fn qs_world_cell_material(handle: i32, x: i32, y: i32) -> i32 {
    respond((|| Ok(i32::from(world(handle)?.cell_at(x, y)?.0)))())
}

/// The temperature of cell (x, y) in plane units (eighths of a degree).
/// Temperatures can be negative, so an error (a bad handle, a cell outside
/// the world) is the error code times `TEMPERATURE_ERROR_SCALE` (65536):
/// every result below -32768 is one. Exact when no steps are pending.
#[no_mangle]
pub extern "C" fn qs_world_cell_temperature(handle: i32, x: i32, y: i32) -> i32 {
    match world(handle).and_then(|world| Ok(world.cell_at(x, y)?.1)) {
        Ok(temperature) => i32::from(temperature),
        Err(error) => error.code() * TEMPERATURE_ERROR_SCALE,
    }
}
