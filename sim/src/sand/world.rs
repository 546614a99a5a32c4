//! The world: a header at the start of a caller-provided region, holding the
//! size, the seed, the step counter, raw pointers to every other part of the
//! region (see `layout.rs`) and the atomics the threads share.
//!
//! The world never allocates. Pointers to the planes are derived from the
//! region pointer when the world is created (so they carry the region's
//! provenance); cells are only ever written through them, never through a
//! reference derived from `&self`.

use core::ptr;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

#[cfg(test)]
use super::cell::CellState;
use super::cell::{clock_for_step, Cell, CLOCK_BIT};
use super::chunk::ChunkState;
use super::command_log::{CommandLog, COMMAND_LOG_BUFFER_WORDS};
use super::dirty::{ChangeBounds, Rect};
use super::error::SimError;
use super::exclusive::ExclusiveLock;
use super::frame::FrameSync;
use super::history::HistoryArena;
use super::layout::{Layout, BORDER, CHUNK_SHIFT, CHUNK_SIZE, REGION_ALIGN};
use super::material::Material;
use super::neighborhood::{DIRTY_MARGIN_X, DIRTY_MARGIN_Y};
use super::paint::{PaintQueue, PaintSlot, RowSpan, PAINT_RING_CAPACITY};
use super::rng::{StepRng, Stream};
use super::temperature::{Temperature, AMBIENT};

/// A falling-sand world living in a region of memory it was given.
///
/// Obtained from [`World::create_at`] as a shared reference; all methods
/// take `&self` so several threads can hold it. See `step.rs` for the
/// stepping protocol and docs/CELLS.md for the layout.
#[repr(C, align(64))]
pub struct World {
    /// `World::MAGIC`, to recognise a world behind a bare address.
    magic: u64,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) chunks_x: u32,
    pub(super) chunks_y: u32,
    /// Bytes from one plane row to the next.
    pub(super) stride: isize,
    /// Atomic only so that loading a snapshot can replace it; it changes
    /// nowhere else.
    pub(super) seed: AtomicU64,
    /// World cell (0, 0) of the material plane; the border lies at negative
    /// offsets and past the last row and column.
    pub(super) material: *mut u8,
    /// World cell (0, 0) of the state plane.
    pub(super) state: *mut u8,
    /// World cell (0, 0) of the temperature plane (`temperature.rs`).
    pub(super) temperature: *mut Temperature,
    /// Index of world cell (0, 0) inside each plane.
    pub(super) origin: usize,
    pub(super) chunks: *const ChunkState,
    pub(super) chunk_count: usize,
    /// Chunk indices of the work items of all phases, phase after phase.
    pub(super) phase_items: *mut u32,
    /// Phases per step (`phases.rs`).
    pub(super) phase_count: u32,
    /// `phase_count + 1` entries: where phase `p`'s items start in
    /// `phase_items`, and where the last one ends. Written by `begin_step`.
    pub(super) phase_starts: *const AtomicU32,
    /// Scratch for rasterising paint strokes: one span per world row.
    pub(super) row_spans: *mut RowSpan,
    /// The flood-fill queue (`fill.rs`): `fill_queue_len` entries.
    pub(super) fill_queue: *mut u32,
    pub(super) fill_queue_len: usize,
    pub(super) frames: [*mut u8; 2],
    /// Steps completed so far.
    pub(super) step: AtomicU64,
    pub(super) exclusive: ExclusiveLock,
    pub(super) frame_sync: FrameSync,
    pub(super) paint_queue: PaintQueue,
    /// What the paint ring's commands did, for replays (`command_log.rs`).
    pub(super) command_log: CommandLog,
    /// Undo and redo (`history.rs`): a heap block the exports attach.
    pub(super) history: HistoryArena,
}

// SAFETY: the raw pointers point into the world's own region, which outlives
// every `&World` (the contract of `create_at`). What threads reach through
// `&World` is either atomic, never written after creation, or cells and lists
// written (a) by exclusive operations, which the `exclusive` lock serialises,
// or (b) by `update_phase_item`, whose unsafe contract keeps concurrent calls
// on disjoint cells and apart from exclusive operations.
unsafe impl Sync for World {}

impl World {
    /// Marks a region as holding a world ("qsworld1").
    pub(super) const MAGIC: u64 = u64::from_le_bytes(*b"qsworld1");

    /// Bytes of region a `width` x `height` world needs, whatever the
    /// alignment of the region's start.
    ///
    /// Errors: `InvalidArgument` for a zero dimension, `TooLarge` above
    /// `MAX_WORLD_SIZE`.
    pub fn bytes_needed(width: u32, height: u32) -> Result<usize, SimError> {
        Layout::new(width, height)?.bytes_needed()
    }

    /// Lays a new, empty world out in `region` (which it borrows for as long
    /// as the world is used).
    #[cfg(test)]
    pub(crate) fn create_in(region: &mut [u8], width: u32, height: u32, seed: u64) -> Result<&World, SimError> {
        // SAFETY: the slice is valid for reads and writes of its length, and
        // the exclusive borrow, which the returned reference extends, keeps
        // everything else away from it while the world is in use.
        unsafe { World::create_at(region.as_mut_ptr(), region.len(), width, height, seed) }
    }

    /// Lays a new, empty world out in the `len` bytes at `region`.
    ///
    /// Errors: `InvalidArgument` (null region or zero dimension), `TooLarge`
    /// (a dimension above `MAX_WORLD_SIZE`), `OutOfMemory` (`len` below
    /// [`World::bytes_needed`]).
    ///
    /// # Safety
    ///
    /// `region` must be valid for reads and writes of `len` bytes for all of
    /// `'a`, and during `'a` those bytes must be accessed only through the
    /// returned world (and the frame and palette pointers it hands out, as
    /// documented on them).
    pub unsafe fn create_at<'a>(
        region: *mut u8,
        len: usize,
        width: u32,
        height: u32,
        seed: u64,
    ) -> Result<&'a World, SimError> {
        if region.is_null() {
            return Err(SimError::InvalidArgument);
        }
        let layout = Layout::new(width, height)?;
        if len < layout.bytes_needed()? {
            return Err(SimError::OutOfMemory);
        }
        let padding = region.align_offset(REGION_ALIGN);
        if padding >= REGION_ALIGN {
            return Err(SimError::InvalidArgument);
        }
        // SAFETY: `padding < REGION_ALIGN` and `len >= layout.total +
        // REGION_ALIGN - 1`, so `base .. base + layout.total` lies inside the
        // region, and so does every part below (each ends by `layout.total`).
        let base = unsafe { region.add(padding) };
        // SAFETY: as above: each offset is below `layout.total`.
        let part = |offset: usize| unsafe { base.add(offset) };
        let origin = layout.origin;
        // SAFETY: `origin` lies inside each plane.
        let material = unsafe { part(layout.material_offset).add(origin) };
        // SAFETY: as above.
        let state = unsafe { part(layout.state_offset).add(origin) };
        let temperature_plane = part(layout.temperature_offset).cast::<Temperature>();
        // SAFETY: as above; the temperature plane is aligned (layout.rs).
        let temperature = unsafe { temperature_plane.add(origin) };
        let paint_slots = part(layout.paint_slots_offset).cast::<PaintSlot>();
        // SAFETY: the part holds `PAINT_RING_CAPACITY` slots, aligned (see
        // layout.rs), not yet shared.
        unsafe {
            for index in 0..PAINT_RING_CAPACITY as usize {
                paint_slots.add(index).write(PaintSlot::new());
            }
        }
        let header = World {
            magic: World::MAGIC,
            width,
            height,
            chunks_x: layout.chunks_x,
            chunks_y: layout.chunks_y,
            stride: layout.stride as isize,
            seed: AtomicU64::new(seed),
            material,
            state,
            temperature,
            origin,
            chunks: part(layout.chunks_offset).cast::<ChunkState>(),
            chunk_count: layout.chunk_count,
            phase_items: part(layout.phase_items_offset).cast::<u32>(),
            phase_count: layout.phase_count,
            phase_starts: part(layout.phase_starts_offset).cast::<AtomicU32>(),
            row_spans: part(layout.row_spans_offset).cast::<RowSpan>(),
            fill_queue: part(layout.fill_queue_offset).cast::<u32>(),
            fill_queue_len: layout.fill_queue_len,
            frames: [part(layout.frame_offsets[0]), part(layout.frame_offsets[1])],
            step: AtomicU64::new(0),
            exclusive: ExclusiveLock::new(),
            frame_sync: FrameSync::new(),
            // SAFETY: the slots were just initialised, inside the region.
            paint_queue: unsafe { PaintQueue::new(paint_slots) },
            // SAFETY: both buffers lie inside the region, aligned, and are
            // zeroed below before the world is shared.
            command_log: unsafe {
                CommandLog::new(
                    part(layout.command_log_offsets[0]).cast::<AtomicU32>(),
                    part(layout.command_log_offsets[1]).cast::<AtomicU32>(),
                )
            },
            history: HistoryArena::new(),
        };
        // SAFETY: every part written below lies inside the region (see
        // `base`), is aligned for its type (`REGION_ALIGN` is a multiple of
        // every alignment, checked in layout.rs) and is not yet shared.
        unsafe {
            base.cast::<World>().write(header);
            let chunks = part(layout.chunks_offset).cast::<ChunkState>();
            for index in 0..layout.chunk_count {
                chunks.add(index).write(ChunkState::new());
            }
            ptr::write_bytes(part(layout.phase_items_offset), 0, layout.chunk_count * 4);
            for offset in layout.command_log_offsets {
                ptr::write_bytes(part(offset).cast::<u32>(), 0, COMMAND_LOG_BUFFER_WORDS);
            }
            let phase_starts = part(layout.phase_starts_offset).cast::<AtomicU32>();
            for index in 0..=layout.phase_count as usize {
                phase_starts.add(index).write(AtomicU32::new(0));
            }
            let spans = part(layout.row_spans_offset).cast::<RowSpan>();
            for row in 0..height as usize {
                spans.add(row).write(RowSpan::EMPTY);
            }
            ptr::write_bytes(part(layout.material_offset), Material::Wall.id(), layout.plane_len);
            ptr::write_bytes(part(layout.state_offset), 0, layout.plane_len);
            for index in 0..layout.plane_len {
                temperature_plane.add(index).write(AMBIENT);
            }
            for row in 0..height as usize {
                ptr::write_bytes(material.add(row * layout.stride), Material::Empty.id(), width as usize);
            }
            for offset in layout.frame_offsets {
                ptr::write_bytes(part(offset), 0, layout.frame_len);
            }
        }
        // SAFETY: the header was just written, aligned, and lives for 'a.
        let world = unsafe { &*base.cast::<World>() };
        world.mark_everything_dirty();
        world.render_initial_frame();
        Ok(world)
    }

    /// The world behind `ptr`, if it carries the world magic.
    ///
    /// # Safety
    ///
    /// `ptr` must be null or point to memory valid for reading a `World`
    /// for `'a`; if it is a world, that world must stay alive for `'a`.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) unsafe fn from_ptr<'a>(ptr: *const World) -> Option<&'a World> {
        if ptr.is_null() || !ptr.is_aligned() {
            return None;
        }
        // SAFETY: the caller vouches that `ptr` is readable for a `World`;
        // only the magic is read before we know it is one.
        let magic = unsafe { core::ptr::addr_of!((*ptr).magic).read() };
        if magic != World::MAGIC {
            return None;
        }
        // SAFETY: it carries the magic, so it is a world, alive for 'a
        // (caller).
        Some(unsafe { &*ptr })
    }

    /// This world's address (what [`World::from_ptr`] takes back).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn as_ptr(&self) -> *const World {
        self
    }

    /// Width in cells.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    /// Height in cells.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn height(&self) -> u32 {
        self.height
    }

    /// The address of the temperature plane, border included.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn temperature_plane_ptr(&self) -> *const Temperature {
        self.temperature.wrapping_sub(self.origin)
    }

    /// Cells from one plane row to the next.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn plane_stride(&self) -> usize {
        self.stride as usize
    }

    /// Index of world cell (0, 0) inside each plane.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn plane_origin(&self) -> usize {
        self.origin
    }

    /// The material byte and temperature of cell (x, y); `InvalidArgument`
    /// outside the world.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn cell_at(&self, x: i32, y: i32) -> Result<(u8, Temperature), SimError> {
        if !self.contains(x, y) {
            return Err(SimError::InvalidArgument);
        }
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held, and (x, y) is in the world.
        Ok(unsafe { (self.read_raw(x, y).0, self.read_temperature(x, y)) })
    }

    /// The seed all randomness derives from.
    pub(super) fn seed(&self) -> u64 {
        self.seed.load(Ordering::Relaxed)
    }

    /// Steps completed.
    pub(crate) fn step_count(&self) -> u64 {
        self.step.load(Ordering::Relaxed)
    }

    /// All cells of the world.
    pub(super) fn bounds(&self) -> Rect {
        Rect { x0: 0, y0: 0, x1: self.width as i32, y1: self.height as i32 }
    }

    /// Whether (x, y) is a cell of the world.
    #[inline]
    pub(super) fn contains(&self, x: i32, y: i32) -> bool {
        x >= 0 && y >= 0 && x < self.width as i32 && y < self.height as i32
    }

    /// Plane index of world cell (x, y), relative to the plane origin.
    #[inline(always)]
    pub(super) fn cell_index(&self, x: i32, y: i32) -> isize {
        y as isize * self.stride + x as isize
    }

    /// The chunk with this index.
    #[inline]
    pub(super) fn chunk(&self, index: usize) -> &ChunkState {
        assert!(index < self.chunk_count, "chunk index out of range");
        // SAFETY: `index < chunk_count`; the chunk table was initialised at
        // creation and lives as long as the world; it is only accessed
        // through atomics.
        unsafe { &*self.chunks.add(index) }
    }

    /// The cells of chunk (cx, cy), clipped to the world.
    #[inline]
    pub(super) fn chunk_rect(&self, cx: u32, cy: u32) -> Rect {
        let x0 = (cx * CHUNK_SIZE) as i32;
        let y0 = (cy * CHUNK_SIZE) as i32;
        Rect {
            x0,
            y0,
            x1: (x0 + CHUNK_SIZE as i32).min(self.width as i32),
            y1: (y0 + CHUNK_SIZE as i32).min(self.height as i32),
        }
    }

    /// Makes the next step look at every cell within the dirty margins of
    /// the changed cells in `bounds`, in whichever chunks those lie.
    pub(super) fn mark_changed(&self, bounds: &ChangeBounds) {
        let rect = bounds.grown(DIRTY_MARGIN_X, DIRTY_MARGIN_Y);
        self.mark_rect(&rect);
    }

    /// Makes the next step look at every cell of `rect`.
    pub(super) fn mark_rect(&self, rect: &Rect) {
        let rect = rect.intersect(&self.bounds());
        if rect.is_empty() {
            return;
        }
        let (cx0, cx1) = (rect.x0 as u32 >> CHUNK_SHIFT, (rect.x1 - 1) as u32 >> CHUNK_SHIFT);
        let (cy0, cy1) = (rect.y0 as u32 >> CHUNK_SHIFT, (rect.y1 - 1) as u32 >> CHUNK_SHIFT);
        for cy in cy0..=cy1 {
            for cx in cx0..=cx1 {
                let index = (cy * self.chunks_x + cx) as usize;
                let part = rect.intersect(&self.chunk_rect(cx, cy));
                let chunk = self.chunk(index);
                chunk.next.grow(&part);
                chunk.mark_stale();
            }
        }
    }

    /// Makes the next step look at every cell.
    pub(super) fn mark_everything_dirty(&self) {
        self.mark_rect(&self.bounds());
    }

    /// The material and state bytes of cell (x, y), which must be in the
    /// world.
    ///
    /// # Safety
    ///
    /// The caller must have exclusive access to the cells (hold the
    /// exclusive lock, with no phase item running).
    #[inline]
    pub(super) unsafe fn read_raw(&self, x: i32, y: i32) -> (u8, u8) {
        assert!(self.contains(x, y));
        let index = self.cell_index(x, y);
        // SAFETY: (x, y) is in the world, so `index` is inside both planes;
        // the caller guarantees no concurrent writer.
        unsafe { (*self.material.offset(index), *self.state.offset(index)) }
    }

    /// Writes raw material and state bytes at (x, y), which must be in the
    /// world. Marks nothing: the caller marks what it changed.
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`].
    #[inline]
    pub(super) unsafe fn write_raw(&self, x: i32, y: i32, material: u8, state: u8) {
        assert!(self.contains(x, y));
        let index = self.cell_index(x, y);
        // SAFETY: (x, y) is in the world, so `index` is inside both planes;
        // the caller guarantees no concurrent reader or writer.
        unsafe {
            *self.material.offset(index) = material;
            *self.state.offset(index) = state;
        }
    }

    /// Puts a new cell at (x, y), which must be in the world, at its
    /// material's initial temperature. Marks nothing.
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`].
    #[inline]
    pub(super) unsafe fn write_fresh(&self, x: i32, y: i32, cell: Cell) {
        // SAFETY: the caller's contract is the one both need.
        unsafe {
            self.write_raw(x, y, cell.material.id(), cell.state.0);
            self.write_temperature(x, y, cell.material.props().initial_temperature);
        }
    }

    /// The temperature of cell (x, y), which must be in the world.
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`].
    #[inline]
    pub(super) unsafe fn read_temperature(&self, x: i32, y: i32) -> Temperature {
        assert!(self.contains(x, y));
        // SAFETY: (x, y) is in the world, so the index is inside the plane;
        // the caller guarantees no concurrent writer.
        unsafe { *self.temperature.offset(self.cell_index(x, y)) }
    }

    /// Sets the temperature of cell (x, y), which must be in the world.
    /// Marks nothing.
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`].
    #[inline]
    pub(super) unsafe fn write_temperature(&self, x: i32, y: i32, temperature: Temperature) {
        assert!(self.contains(x, y));
        // SAFETY: as in `read_temperature`, with no concurrent reader either.
        unsafe { *self.temperature.offset(self.cell_index(x, y)) = temperature };
    }

    /// Row `y` of the temperature plane (world cells only).
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`], for as long as the slice lives.
    #[inline]
    pub(super) unsafe fn temperature_row(&self, y: i32) -> &[Temperature] {
        assert!(y >= 0 && y < self.height as i32);
        // SAFETY: row `y` of the world is `width` cells inside the plane;
        // the caller guarantees nobody writes them while the slice lives.
        unsafe { core::slice::from_raw_parts(self.temperature.offset(self.cell_index(0, y)), self.width as usize) }
    }

    /// Row `y` of the material and state planes (world cells only).
    ///
    /// # Safety
    ///
    /// As for [`World::read_raw`], for as long as the slices live.
    #[inline]
    pub(super) unsafe fn rows(&self, y: i32) -> (&[u8], &[u8]) {
        assert!(y >= 0 && y < self.height as i32);
        let index = self.cell_index(0, y);
        // SAFETY: row `y` of the world is `width` bytes inside each plane;
        // the caller guarantees nobody writes them while the slices live.
        unsafe {
            (
                core::slice::from_raw_parts(self.material.offset(index), self.width as usize),
                core::slice::from_raw_parts(self.state.offset(index), self.width as usize),
            )
        }
    }

    /// A maker of new cells, shaded by the random stream `stream` of the
    /// current step, whose clocks let the coming step update them.
    pub(super) fn fresh_cells(&self, stream: Stream) -> FreshCells {
        let step = self.step_count();
        FreshCells { rng: StepRng::new(self.seed(), step, stream), clock: clock_for_step(step) ^ CLOCK_BIT }
    }

    /// The material of cell (x, y): wall outside the world, and the
    /// documented fallback for bytes that are not materials.
    #[cfg(test)]
    pub(super) fn material_at(&self, x: i32, y: i32) -> Material {
        match self.raw_cell_at(x, y) {
            Some((byte, _)) => Material::from_u8_or_fallback(byte),
            None => Material::Wall,
        }
    }

    /// The raw material byte and the state of cell (x, y), or `None`
    /// outside the world.
    #[cfg(test)]
    pub(super) fn raw_cell_at(&self, x: i32, y: i32) -> Option<(u8, CellState)> {
        if !self.contains(x, y) {
            return None;
        }
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held, and (x, y) is in the world.
        let (material, state) = unsafe { self.read_raw(x, y) };
        Some((material, CellState(state)))
    }

    /// The temperature of cell (x, y) in plane units (ambient outside).
    #[cfg(test)]
    pub(super) fn temperature_at(&self, x: i32, y: i32) -> Temperature {
        if !self.contains(x, y) {
            return AMBIENT;
        }
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held, and (x, y) is in the world.
        unsafe { self.read_temperature(x, y) }
    }

    /// Sets the temperature of cell (x, y) (in the world) and wakes it.
    #[cfg(test)]
    pub(super) fn set_temperature_at(&self, x: i32, y: i32, temperature: Temperature) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held; `write_temperature` checks (x, y).
        unsafe { self.write_temperature(x, y, temperature) };
        let mut changes = ChangeBounds::NONE;
        changes.include(x, y);
        self.mark_changed(&changes);
    }

    /// Puts a new cell of `material` at (x, y), to be updated from the next
    /// step on. Errors with `InvalidArgument` outside the world.
    #[cfg(test)]
    pub(super) fn set_cell(&self, x: i32, y: i32, material: Material) -> Result<(), SimError> {
        if !self.contains(x, y) {
            return Err(SimError::InvalidArgument);
        }
        self.fill_rect(&Rect { x0: x, y0: y, x1: x + 1, y1: y + 1 }, material);
        Ok(())
    }

    /// Fills `rect` (clipped to the world) with new cells of `material`.
    #[cfg(test)]
    pub(super) fn fill_rect(&self, rect: &Rect, material: Material) {
        let rect = rect.intersect(&self.bounds());
        if rect.is_empty() {
            return;
        }
        let _exclusive = self.exclusive.lock();
        let fresh = self.fresh_cells(Stream::Scene);
        for y in rect.y0..rect.y1 {
            for x in rect.x0..rect.x1 {
                let cell = fresh.make(material, x, y);
                // SAFETY: the lock is held, and (x, y) is in the world.
                unsafe { self.write_fresh(x, y, cell) };
            }
        }
        let mut changes = ChangeBounds::NONE;
        changes.include(rect.x0, rect.y0);
        changes.include(rect.x1 - 1, rect.y1 - 1);
        self.mark_changed(&changes);
    }

    /// How many cells hold `material` (unknown bytes count as nothing).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn count_material(&self, material: Material) -> u64 {
        let _exclusive = self.exclusive.lock();
        let mut count = 0;
        for y in 0..self.height as i32 {
            // SAFETY: the lock is held and `y` is a world row.
            let (materials, _) = unsafe { self.rows(y) };
            count += materials.iter().filter(|&&byte| byte == material.id()).count() as u64;
        }
        count
    }

    /// Writes raw bytes into a cell, bypassing every check on their meaning
    /// (for tests of garbage in the planes).
    #[cfg(test)]
    pub(super) fn poke_raw(&self, x: i32, y: i32, material: u8, state: u8) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held; `write_raw` checks (x, y) is in the world.
        unsafe { self.write_raw(x, y, material, state) };
        let mut changes = ChangeBounds::NONE;
        changes.include(x, y);
        self.mark_changed(&changes);
    }
}

// The border must hide every neighbour access near the edge.
const _: () = assert!(BORDER as i32 >= super::neighborhood::MAX_REACH);

/// Makes cells for the coming step (see [`World::fresh_cells`]).
pub(super) struct FreshCells {
    rng: StepRng,
    clock: u8,
}

impl FreshCells {
    /// A new cell of `material` for position (x, y).
    #[inline]
    pub(super) fn make(&self, material: Material, x: i32, y: i32) -> Cell {
        Cell::fresh(material, self.rng.at(x as u32, y as u32)).with_clock(self.clock)
    }
}
