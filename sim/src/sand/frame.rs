//! Frames for drawing: one palette index per cell, in two buffers that the
//! simulation and the page hand back and forth, the rectangle in which each
//! published frame differs from the one before it, and the palette.
//!
//! Handshake (the page never blocks, and never sees a half-written frame):
//!
//! 1. The page reads `frame_seq`; when it changed, it reads `front` and the
//!    changed rectangle and uploads that part of the buffer.
//! 2. Only when it has finished reading, the page sets `frame_wanted`
//!    (`request_frame`). It does not touch any buffer until `frame_seq`
//!    changes again.
//! 3. The step after that draws the frame: `begin_frame` (exclusive, right
//!    after the last phase) takes the request and picks the other buffer
//!    (the one the page is not reading); every thread of the crew then draws
//!    some of its chunks (`render_frame_item`); `end_step` makes that buffer
//!    the front and increments `frame_seq`. Without a request nothing is
//!    drawn.
//! 4. `render_now` (exclusive, idle worlds only) does step 3 at once on the
//!    calling thread, without a step and whether or not a frame was asked
//!    for: strokes drawn while paused show without stepping.
//!
//! The flag starts set, so the first step publishes a frame; the initial
//! (empty) world is drawn into buffer 0 at creation.
//!
//! Drawing costs what changed. Each chunk keeps a stale bit per buffer, set
//! whenever its cells are marked dirty. A frame item redraws a chunk only if
//! it is stale in the buffer being drawn; if it is not stale in the front
//! buffer either (it changed before the front frame was drawn, not since), it
//! copies the front's rows instead. Where it redraws, it compares each row
//! with the front frame, and the bounds of the pixels that differ, gathered
//! with atomic min/max (order-independent), become the published frame's
//! changed rectangle: the only part the page has to upload. A quiet world
//! draws nothing and publishes an empty rectangle.

use core::sync::atomic::{AtomicU32, Ordering};

use super::cell::{SHADE_COUNT, SHADE_MASK};
use super::dirty::{ChangeBounds, DirtyRect};
use super::material::{Material, MATERIAL_COUNT};
use super::world::World;

/// Palette entries: one per (material, shade); index = id * 4 + shade.
pub const PALETTE_LEN: usize = MATERIAL_COUNT * SHADE_COUNT;

/// The palette as little-endian `u32`s whose bytes are R, G, B, A (so a byte
/// view reads RGBA, and a `Uint32Array` holds `0xAABBGGRR`).
pub(crate) static PALETTE: [u32; PALETTE_LEN] = {
    let mut palette = [0; PALETTE_LEN];
    let mut id = 0;
    while id < MATERIAL_COUNT {
        let colors = Material::ALL[id].props().colors;
        let mut shade = 0;
        while shade < SHADE_COUNT {
            // Table colours are written 0xRRGGBBAA; swapping the bytes puts
            // R first in memory.
            palette[id * SHADE_COUNT + shade] = colors[shade].swap_bytes();
            shade += 1;
        }
        id += 1;
    }
    palette
};

/// The first palette index of each material byte (unknown bytes draw as the
/// fallback material), so rendering needs no branch.
static PALETTE_BASE: [u8; 256] = {
    let mut base = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        base[byte] = Material::from_u8_or_fallback(byte as u8).id() * SHADE_COUNT as u8;
        byte += 1;
    }
    base
};

const _: () = assert!(PALETTE_LEN <= u8::MAX as usize + 1);

/// `FrameSync::drawing` while no frame is being drawn.
const NOT_DRAWING: u32 = u32::MAX;

/// The atomics of the handshake and the changed rectangles.
#[derive(Debug)]
#[repr(C)]
pub(super) struct FrameSync {
    /// Which buffer (0 or 1) holds the latest published frame.
    front: AtomicU32,
    /// Frames published so far.
    seq: AtomicU32,
    /// 1 when the page has finished with the front buffer and wants another.
    wanted: AtomicU32,
    /// The buffer the frame under way is drawn into, or `NOT_DRAWING`.
    /// Written only by exclusive operations.
    drawing: AtomicU32,
    /// Where the frame under way differs from the front one so far.
    changes: DirtyRect,
    /// Per buffer: where the frame it holds differs from the frame
    /// published before it (what the page must upload).
    changed: [DirtyRect; 2],
}

impl FrameSync {
    /// Buffer 0 in front, nothing published, a frame wanted.
    pub(super) const fn new() -> FrameSync {
        FrameSync {
            front: AtomicU32::new(0),
            seq: AtomicU32::new(0),
            wanted: AtomicU32::new(1),
            drawing: AtomicU32::new(NOT_DRAWING),
            changes: DirtyRect::new(),
            changed: [const { DirtyRect::new() }; 2],
        }
    }
}

impl Default for FrameSync {
    fn default() -> Self {
        FrameSync::new()
    }
}

/// The other frame buffer.
#[inline]
const fn other(buffer: u32) -> u32 {
    buffer ^ 1
}

impl World {
    /// Tells the simulation the page has finished reading the front buffer
    /// and wants the next frame. Never blocks.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn request_frame(&self) {
        self.frame_sync.wanted.store(1, Ordering::Release);
    }

    /// Frames published so far; a change means a new front buffer.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn frame_seq(&self) -> u32 {
        self.frame_sync.seq.load(Ordering::Acquire)
    }

    /// Which buffer is the front one (0 or 1).
    pub(super) fn front_frame_index(&self) -> u32 {
        self.frame_sync.front.load(Ordering::Acquire) & 1
    }

    /// The front buffer: width * height palette indices, row by row.
    ///
    /// It may be read until the reader calls `request_frame`; after that, a
    /// later step may overwrite it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn front_frame_ptr(&self) -> *const u8 {
        self.frames[self.front_frame_index() as usize]
    }

    /// Where the front frame differs from the frame published before it,
    /// as `[x0, y0, x1, y1]` (half-open, world cells, rows top to bottom);
    /// all zero when nothing differs. Read it with the front buffer, before
    /// `request_frame`.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn front_frame_changes(&self) -> [i32; 4] {
        let rect = self.frame_sync.changed[self.front_frame_index() as usize].load();
        if rect.is_empty() {
            return [0; 4];
        }
        [rect.x0, rect.y0, rect.x1, rect.y1]
    }

    /// Address of the palette ([`PALETTE`]).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn palette_ptr(&self) -> *const u32 {
        PALETTE.as_ptr()
    }

    /// Entries in the palette.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn palette_len(&self) -> usize {
        PALETTE_LEN
    }

    /// Exclusive, after the last phase of a step and before `end_step`:
    /// takes a frame request, if there is one, and starts drawing that frame
    /// into the back buffer. Returns how many frame items to run (every one
    /// once, on any threads, with `render_frame_item`) before `end_step`
    /// publishes the frame: 0 when no frame was asked for, or when no chunk
    /// needs drawing (the frame is then published as it is, unchanged).
    pub(crate) fn begin_frame(&self) -> u32 {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held; the caller runs this between the phases
        // and `end_step`, so no phase item runs.
        unsafe { self.begin_frame_exclusive(false) }
    }

    /// `begin_frame` without the lock; `force` draws a frame even if none
    /// was asked for.
    ///
    /// # Safety
    ///
    /// The caller holds the exclusive lock and no phase or frame item runs.
    pub(super) unsafe fn begin_frame_exclusive(&self, force: bool) -> u32 {
        let sync = &self.frame_sync;
        if sync.drawing.load(Ordering::Relaxed) != NOT_DRAWING {
            // A frame is already under way (begin_frame twice in one step):
            // its items are the same.
            return self.frame_item_count();
        }
        let wanted = sync.wanted.swap(0, Ordering::Acquire) != 0;
        if !wanted && !force {
            return 0;
        }
        let back = other(self.front_frame_index());
        sync.changes.clear();
        sync.drawing.store(back, Ordering::Relaxed);
        // O(chunks), not O(cells): a quiet world skips the frame pass.
        let any_stale = (0..self.chunk_count).any(|index| self.chunk(index).is_stale(back));
        if any_stale {
            self.frame_item_count()
        } else {
            0
        }
    }

    /// Frame items: one per chunk (most are skipped at once).
    fn frame_item_count(&self) -> u32 {
        self.chunk_count as u32
    }

    /// Draws frame item `item` (one chunk) of the frame under way; nothing
    /// when no frame is under way or `item` is out of range.
    ///
    /// # Safety
    ///
    /// * It runs after `begin_frame` and before the `end_step` of the same
    ///   step, after every phase item of that step finished (and its writes
    ///   are visible, e.g. through a barrier); nothing writes cells meanwhile.
    /// * Calls that overlap in time are for different items; each item runs
    ///   at most once per frame.
    pub(crate) unsafe fn render_frame_item(&self, item: u32) {
        let back = self.frame_sync.drawing.load(Ordering::Relaxed);
        if back == NOT_DRAWING || item as usize >= self.chunk_count {
            return;
        }
        // SAFETY: a frame is under way, so `back` is the buffer it draws into,
        // which the page does not read; distinct items are distinct chunks,
        // so their rows of it are disjoint; nothing writes cells (caller).
        unsafe { self.render_chunk(item as usize, back & 1) };
    }

    /// Brings chunk `index` of buffer `back` up to date and records where it
    /// now differs from the front buffer.
    ///
    /// # Safety
    ///
    /// Nobody writes the cells, and nobody else reads or writes this chunk's
    /// part of buffer `back`, while it runs; `back` is not the front buffer.
    unsafe fn render_chunk(&self, index: usize, back: u32) {
        let chunk = self.chunk(index);
        if !chunk.take_stale(back) {
            return;
        }
        let front = other(back);
        let rect = self.chunk_rect(index as u32 % self.chunks_x, index as u32 / self.chunks_x);
        let (x0, x1) = (rect.x0 as usize, rect.x1 as usize);
        if !chunk.is_stale(front) {
            // Unchanged since the front frame drew it: the front's pixels are
            // right, and copying them is cheaper than drawing.
            for y in rect.y0..rect.y1 {
                // SAFETY: this chunk's span of `back` is ours alone and
                // nobody writes the front buffer (caller).
                let (out, shown) = unsafe { (self.frame_span_mut(back, y, x0, x1), self.frame_span(front, y, x0, x1)) };
                out.copy_from_slice(shown);
            }
            return;
        }
        let mut changes = ChangeBounds::NONE;
        for y in rect.y0..rect.y1 {
            // SAFETY: as above.
            let (out, shown) = unsafe { (self.frame_span_mut(back, y, x0, x1), self.frame_span(front, y, x0, x1)) };
            // SAFETY: nobody writes the cells (caller).
            unsafe { self.draw_row(out, y, x0) };
            let out = &*out;
            if out != shown {
                // A row differs somewhere: find its first and last change.
                let first = out.iter().zip(shown).position(|(a, b)| a != b).unwrap_or(0);
                let last = out.iter().zip(shown).rposition(|(a, b)| a != b).unwrap_or(first);
                changes.include_span((x0 + first) as i32, (x0 + last) as i32, y);
            }
        }
        self.frame_sync.changes.grow(&changes.grown(0, 0));
    }

    /// Writes the palette indices of the cells `x0 .. x0 + out.len()` of row
    /// `y` into `out`.
    ///
    /// # Safety
    ///
    /// Nobody writes row `y` of the planes meanwhile.
    #[inline]
    unsafe fn draw_row(&self, out: &mut [u8], y: i32, x0: usize) {
        // SAFETY: the caller keeps writers away.
        let (materials, states) = unsafe { self.rows(y) };
        let end = x0 + out.len();
        let cells = materials[x0..end].iter().zip(&states[x0..end]);
        for (pixel, (&material, &state)) in out.iter_mut().zip(cells) {
            *pixel = PALETTE_BASE[material as usize] | (state & SHADE_MASK);
        }
    }

    /// Cells `x0 .. x1` of row `y` of frame buffer `buffer`, to write.
    ///
    /// # Safety
    ///
    /// While the slice lives nobody else reads or writes these bytes.
    #[allow(clippy::mut_from_ref, reason = "the buffers are raw memory that callers split by contract")]
    unsafe fn frame_span_mut(&self, buffer: u32, y: i32, x0: usize, x1: usize) -> &mut [u8] {
        let start = self.frame_span_start(buffer, y, x0, x1);
        // SAFETY: the span lies inside the buffer (checked in
        // `frame_span_start`); exclusive use is the caller's contract.
        unsafe { core::slice::from_raw_parts_mut(start, x1 - x0) }
    }

    /// Cells `x0 .. x1` of row `y` of frame buffer `buffer`, to read.
    ///
    /// # Safety
    ///
    /// While the slice lives nobody writes these bytes.
    unsafe fn frame_span(&self, buffer: u32, y: i32, x0: usize, x1: usize) -> &[u8] {
        let start = self.frame_span_start(buffer, y, x0, x1);
        // SAFETY: as in `frame_span_mut`; only reads may overlap (caller).
        unsafe { core::slice::from_raw_parts(start, x1 - x0) }
    }

    /// Address of cell `x0` of row `y` of frame buffer `buffer`, once the
    /// span `x0 .. x1` is known to lie in the row.
    fn frame_span_start(&self, buffer: u32, y: i32, x0: usize, x1: usize) -> *mut u8 {
        let width = self.width as usize;
        assert!(y >= 0 && y < self.height as i32 && x0 <= x1 && x1 <= width, "frame span out of range");
        // SAFETY: (x0, y) lies in the frame (checked), and a frame buffer
        // holds width * height bytes (the region's layout).
        unsafe { self.frames[buffer as usize & 1].add(y as usize * width + x0) }
    }

    /// Exclusive, in `end_step`: publishes the frame under way, if any.
    pub(super) fn finish_frame(&self) {
        let sync = &self.frame_sync;
        let back = sync.drawing.swap(NOT_DRAWING, Ordering::Relaxed);
        if back == NOT_DRAWING {
            return;
        }
        sync.changed[back as usize & 1].store(&sync.changes.take());
        // Release: the pixels and the rectangle are written before the page
        // can see the new front.
        sync.front.store(back & 1, Ordering::Release);
        sync.seq.fetch_add(1, Ordering::Release);
    }

    /// Applies the queued strokes and publishes a frame of the world now, on
    /// the calling thread, whether or not one was asked for (and takes any
    /// request, as a step would). The strokes are applied exactly as the next
    /// step would apply them (same step number, same order), so the world
    /// after that step is the same either way.
    ///
    /// Only while no crew steps this world (the export refuses otherwise).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn render_now(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held and no crew steps (caller), so nothing
        // else touches the cells; this thread runs every frame item alone.
        unsafe {
            self.apply_paint_queue();
            let items = self.begin_frame_exclusive(true);
            for item in 0..items {
                self.render_frame_item(item);
            }
        }
        self.finish_frame();
    }

    /// Draws the world at creation into buffer 0, the initial front.
    pub(super) fn render_initial_frame(&self) {
        let _exclusive = self.exclusive.lock();
        for index in 0..self.chunk_count {
            if !self.chunk(index).take_stale(0) {
                continue;
            }
            let rect = self.chunk_rect(index as u32 % self.chunks_x, index as u32 / self.chunks_x);
            let (x0, x1) = (rect.x0 as usize, rect.x1 as usize);
            for y in rect.y0..rect.y1 {
                // SAFETY: the lock is held, and the world was just created,
                // so no page has the buffer's address yet.
                unsafe { self.draw_row(self.frame_span_mut(0, y, x0, x1), y, x0) };
            }
        }
    }
}
