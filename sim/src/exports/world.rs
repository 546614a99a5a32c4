//! Exports of the simulation: worlds, painting, frames, hashes.
//!
//! Worlds are addressed by handle. Exclusive operations that replace the
//! whole world (`qs_world_scene`, `qs_world_free`) refuse with -7 (busy)
//! while any crew still has steps pending, because chunk updates run
//! without the world's lock.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::runtime::alloc;
use crate::runtime::error::RuntimeError;
use crate::runtime::registry::Table;
use crate::sand::{Material, Scene, SimError, World, REGION_ALIGN};

/// Alignment of snapshot buffers (only bytes are read and written).
const SNAPSHOT_ALIGN: usize = 16;

/// How many worlds can exist at once (freed ones are reused).
pub const MAX_WORLDS: usize = 16;

/// One world's region. `region`/`capacity` stay set after `qs_world_free`
/// so the next `qs_world_new` that fits can reuse the memory.
pub struct WorldSlot {
    world: AtomicUsize,
    region: AtomicUsize,
    capacity: AtomicUsize,
    live: AtomicU32,
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
            live: AtomicU32::new(0),
            snapshot: AtomicUsize::new(0),
            snapshot_capacity: AtomicUsize::new(0),
        }
    }
}

static WORLDS: Table<WorldSlot, MAX_WORLDS> = Table::new([const { WorldSlot::new() }; MAX_WORLDS]);

/// The live world behind `handle`.
pub(crate) fn world(handle: i32) -> Result<&'static World, RuntimeError> {
    let slot = WORLDS.get(handle)?;
    if slot.live.load(Ordering::Acquire) == 0 {
        return Err(RuntimeError::InvalidArgument);
    }
    let address = slot.world.load(Ordering::Acquire);
    // SAFETY: a live slot's address came from `World::create_at` on a region
    // that is never freed (only reused after `qs_world_free` marks it dead).
    unsafe { World::from_ptr(address as *const World) }.ok_or(RuntimeError::InvalidArgument)
}

fn sim_code(error: SimError) -> i32 {
    error.code()
}

fn respond(result: Result<i32, RuntimeError>) -> i32 {
    result.unwrap_or_else(RuntimeError::code)
}

/// Creates a `width` × `height` world (1..=4096 each) seeded with `seed`
/// and returns its handle, or -1 invalid size, -2 too large, -3 out of
/// memory, -6 too many worlds. Reuses the region of a freed world that fits.
#[no_mangle]
pub extern "C" fn qs_world_new(width: i32, height: i32, seed: i32) -> i32 {
    let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
        return RuntimeError::InvalidArgument.code();
    };
    let needed = match World::bytes_needed(width, height) {
        Ok(bytes) => bytes,
        Err(error) => return sim_code(error),
    };
    let reusable = (0..WORLDS.len() as i32).filter_map(|h| WORLDS.get(h).ok().map(|slot| (h, slot))).find(|(_, slot)| {
        slot.capacity.load(Ordering::Acquire) >= needed
            && slot.live.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire).is_ok()
    });
    let (handle, slot) = match reusable {
        Some(found) => found,
        None => {
            let region = match alloc(needed, REGION_ALIGN) {
                Ok(region) => region,
                Err(error) => return error.code(),
            };
            let (handle, slot) = match WORLDS.push() {
                Ok(entry) => entry,
                Err(error) => return error.code(),
            };
            slot.region.store(region, Ordering::Relaxed);
            slot.capacity.store(needed, Ordering::Relaxed);
            slot.live.store(1, Ordering::Release);
            (handle as i32, slot)
        }
    };
    let region = slot.region.load(Ordering::Acquire);
    let capacity = slot.capacity.load(Ordering::Acquire);
    // SAFETY: `region` is `capacity` bytes from our heap owned by this slot
    // alone (its `live` flag was just claimed), and it is never freed.
    match unsafe { World::create_at(region as *mut u8, capacity, width, height, seed as u32 as u64) } {
        Ok(world) => {
            slot.world.store(world.as_ptr() as usize, Ordering::Release);
            handle
        }
        Err(error) => {
            slot.live.store(0, Ordering::Release);
            sim_code(error)
        }
    }
}

/// Frees world `handle` so a later `qs_world_new` can reuse its memory.
/// -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_free(handle: i32) -> i32 {
    respond((|| {
        world(handle)?;
        super::crew::ensure_no_crew_is_stepping()?;
        WORLDS.get(handle)?.live.store(0, Ordering::Release);
        Ok(0)
    })())
}

/// World width in cells.
#[no_mangle]
pub extern "C" fn qs_world_width(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.width() as i32))
}

/// World height in cells.
#[no_mangle]
pub extern "C" fn qs_world_height(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.height() as i32))
}

/// Steps completed (low 32 bits).
#[no_mangle]
pub extern "C" fn qs_world_step_count(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.step_count() as u32 as i32))
}

/// Runs `steps` steps on the calling thread (the single-threaded build and
/// tests). Never blocks. -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_step(handle: i32, steps: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let steps = u32::try_from(steps).map_err(|_| RuntimeError::InvalidArgument)?;
        super::crew::ensure_no_crew_is_stepping()?;
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
pub extern "C" fn qs_world_paint(handle: i32, x0: i32, y0: i32, x1: i32, y1: i32, radius: i32, material: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let radius = u32::try_from(radius).map_err(|_| RuntimeError::InvalidArgument)?;
        let material = u32::try_from(material).map_err(|_| RuntimeError::InvalidArgument)?;
        world.enqueue_paint(x0, y0, x1, y1, radius, material).map(|()| 0).or_else(|error| Ok(sim_code(error)))
    })())
}

/// Paint commands waiting for the next step.
#[no_mangle]
pub extern "C" fn qs_world_queued_paint(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.queued_paint_count() as i32))
}

/// Replaces every cell with scene `scene` (0 empty, 1 active, 2 mixed,
/// 3 settled). -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_scene(handle: i32, scene: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let scene = u32::try_from(scene).ok().and_then(Scene::from_u32).ok_or(RuntimeError::InvalidArgument)?;
        super::crew::ensure_no_crew_is_stepping()?;
        world.load_scene(scene);
        Ok(0)
    })())
}

/// The world's 64-bit state hash.
#[no_mangle]
pub extern "C" fn qs_world_hash(handle: i32) -> i64 {
    world(handle).map(|w| w.hash() as i64).unwrap_or_else(|error| i64::from(error.code()))
}

/// How many cells hold material `material`.
#[no_mangle]
pub extern "C" fn qs_world_count(handle: i32, material: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let material = u8::try_from(material).ok().and_then(Material::from_u8).ok_or(RuntimeError::InvalidArgument)?;
        Ok(world.count_material(material).min(i32::MAX as u64) as i32)
    })())
}

/// Asks for a frame: the next `end_step` renders into the back buffer and
/// flips. Call after finishing with the current front buffer. Never blocks.
#[no_mangle]
pub extern "C" fn qs_world_request_frame(handle: i32) -> i32 {
    respond(world(handle).map(|w| {
        w.request_frame();
        0
    }))
}

/// Frames published so far (wrapping); a change means a new front buffer.
#[no_mangle]
pub extern "C" fn qs_world_frame_seq(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.frame_seq() as i32))
}

/// Address of the front frame: `width × height` palette indices, row-major.
#[no_mangle]
pub extern "C" fn qs_world_frame_ptr(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.front_frame_ptr() as i32))
}

/// Address of the palette: `qs_world_palette_len` RGBA u32s.
#[no_mangle]
pub extern "C" fn qs_world_palette_ptr(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.palette_ptr() as i32))
}

/// Entries in the palette.
#[no_mangle]
pub extern "C" fn qs_world_palette_len(handle: i32) -> i32 {
    respond(world(handle).map(|w| w.palette_len() as i32))
}

/// Bytes a `width` × `height` world needs, or a negative error.
#[no_mangle]
pub extern "C" fn qs_world_bytes_needed(width: i32, height: i32) -> i32 {
    match (u32::try_from(width), u32::try_from(height)) {
        (Ok(w), Ok(h)) => World::bytes_needed(w, h).map(|b| b.min(i32::MAX as usize) as i32).unwrap_or_else(sim_code),
        _ => RuntimeError::InvalidArgument.code(),
    }
}

/// The world's snapshot buffer, allocated (or grown) to fit its snapshot.
/// Returns (address, capacity).
fn snapshot_buffer(handle: i32) -> Result<(usize, usize), RuntimeError> {
    let world = world(handle)?;
    let slot = WORLDS.get(handle)?;
    let needed = world.snapshot_len();
    let capacity = slot.snapshot_capacity.load(Ordering::Acquire);
    if capacity >= needed {
        return Ok((slot.snapshot.load(Ordering::Acquire), capacity));
    }
    // A smaller buffer from an earlier, smaller world in this slot is
    // abandoned: the heap never frees, and this only happens on growth.
    let address = alloc(needed, SNAPSHOT_ALIGN)?;
    slot.snapshot.store(address, Ordering::Release);
    slot.snapshot_capacity.store(needed, Ordering::Release);
    Ok((address, needed))
}

/// Address of world `handle`'s snapshot buffer (see docs/SAVE_FORMAT.md).
/// The page copies a save out of it, or a file into it before loading.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_ptr(handle: i32) -> i32 {
    respond(snapshot_buffer(handle).map(|(address, _)| address as i32))
}

/// Bytes the snapshot buffer holds: at least one snapshot of this world.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_capacity(handle: i32) -> i32 {
    respond(snapshot_buffer(handle).map(|(_, capacity)| capacity.min(i32::MAX as usize) as i32))
}

/// Saves world `handle` into its snapshot buffer and returns the length.
/// -7 while a crew has pending steps.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_save(handle: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let (address, capacity) = snapshot_buffer(handle)?;
        super::crew::ensure_no_crew_is_stepping()?;
        // SAFETY: the buffer is `capacity` bytes of our heap that belong to
        // this world slot; the page only touches it between these calls.
        let out = unsafe { core::slice::from_raw_parts_mut(address as *mut u8, capacity) };
        Ok(world.write_snapshot(out).map(|len| len as i32).unwrap_or_else(|error| error.code()))
    })())
}

/// Loads the first `len` bytes of the snapshot buffer into world `handle`.
/// 0, or -20 not a save, -21 unsupported version, -22 other size,
/// -23 corrupt, -7 busy; the world is unchanged on any error.
#[no_mangle]
pub extern "C" fn qs_world_snapshot_load(handle: i32, len: i32) -> i32 {
    respond((|| {
        let world = world(handle)?;
        let (address, capacity) = snapshot_buffer(handle)?;
        let len = usize::try_from(len).map_err(|_| RuntimeError::InvalidArgument)?;
        if len > capacity {
            return Ok(crate::sand::SnapshotError::NotASave.code());
        }
        super::crew::ensure_no_crew_is_stepping()?;
        // SAFETY: as in `qs_world_snapshot_save`; `len` ≤ capacity.
        let bytes = unsafe { core::slice::from_raw_parts(address as *const u8, len) };
        Ok(world.read_snapshot(bytes).map(|()| 0).unwrap_or_else(|error| error.code()))
    })())
}
