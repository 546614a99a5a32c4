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
use crate::sand::{Material, Scene, SnapshotError, World, REGION_ALIGN};

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
}

impl WorldSlot {
    const fn new() -> Self {
        WorldSlot {
            world: AtomicUsize::new(0),
            region: AtomicUsize::new(0),
            capacity: AtomicUsize::new(0),
            snapshot: AtomicUsize::new(0),
            snapshot_capacity: AtomicUsize::new(0),
        }
    }

    /// Gives the slot's blocks back to the heap.
    fn release(&self) {
        for (address, capacity) in [(&self.region, &self.capacity), (&self.snapshot, &self.snapshot_capacity)] {
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
/// material id `material` (0 = erase) for the next step. Never blocks.
/// -1 bad radius/coordinates, -4 queue full, -5 unknown material.
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
        let material = material(material_id)?;
        world.enqueue_paint(x0, y0, x1, y1, radius, material as u32)?;
        Ok(0)
    })())
}

/// Paint commands waiting for the next step.
#[no_mangle]
pub extern "C" fn qs_world_queued_paint(handle: i32) -> i32 {
    respond((|| Ok(world(handle)?.queued_paint_count() as i32))())
}

/// Replaces every cell with scene `scene` (0 empty, 1 active, 2 mixed,
/// 3 settled). -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_scene(handle: i32, scene: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let scene = unsigned(scene).ok().and_then(Scene::from_u32).ok_or(ErrorCode::InvalidArgument)?;
        ensure_no_crew_is_stepping()?;
        world.load_scene(scene);
        Ok(0)
    })())
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
    Ok(0)
}
