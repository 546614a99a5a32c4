//! Frames for drawing: one palette index per cell, in two buffers that the
//! simulation and the page hand back and forth, and the palette.
//!
//! Handshake (the page never blocks, and never sees a half-written frame):
//!
//! 1. The page reads `frame_seq`; when it changed, it reads `front` and
//!    uploads that buffer.
//! 2. Only when it has finished reading, the page sets `frame_wanted`
//!    (`request_frame`). It does not touch any buffer until `frame_seq`
//!    changes again.
//! 3. `end_step` checks `frame_wanted`: if set, it clears it, renders into
//!    the other buffer (the one the page is not reading), makes that the
//!    front and increments `frame_seq`. Otherwise it renders nothing.
//!
//! The flag starts set, so the first step publishes a frame; the initial
//! (empty) world is rendered into buffer 0 at creation.
//!
//! Rendering redraws only the chunks that changed since that buffer last
//! drew them (each chunk keeps a stale bit per buffer, set whenever its
//! cells are marked dirty), so a quiet world costs nothing to draw.

use core::sync::atomic::{AtomicU32, Ordering};

use super::cell::{SHADE_COUNT, SHADE_MASK};
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

/// The atomics of the handshake.
#[derive(Debug)]
#[repr(C)]
pub(super) struct FrameSync {
    /// Which buffer (0 or 1) holds the latest published frame.
    front: AtomicU32,
    /// Frames published so far.
    seq: AtomicU32,
    /// 1 when the page has finished with the front buffer and wants another.
    wanted: AtomicU32,
}

impl FrameSync {
    /// Buffer 0 in front, nothing published, a frame wanted.
    pub(super) const fn new() -> FrameSync {
        FrameSync { front: AtomicU32::new(0), seq: AtomicU32::new(0), wanted: AtomicU32::new(1) }
    }
}

impl Default for FrameSync {
    fn default() -> Self {
        FrameSync::new()
    }
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
        self.frame_sync.front.load(Ordering::Acquire)
    }

    /// The front buffer: width * height palette indices, row by row.
    ///
    /// It may be read until the reader calls `request_frame`; after that, a
    /// later `end_step` may overwrite it.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, reason = "only the wasm exports call it"))]
    pub(crate) fn front_frame_ptr(&self) -> *const u8 {
        self.frames[(self.front_frame_index() != 0) as usize]
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

    /// Step 3 of the handshake.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn publish_frame_if_wanted(&self) {
        if self.frame_sync.wanted.swap(0, Ordering::Acquire) == 0 {
            return;
        }
        let back = self.front_frame_index() ^ 1;
        // SAFETY: the caller has exclusive access to the cells, and the page
        // finished reading the back buffer before it set `wanted`.
        unsafe { self.render_into(back) };
        self.frame_sync.front.store(back, Ordering::Release);
        self.frame_sync.seq.fetch_add(1, Ordering::Release);
    }

    /// Draws the world at creation into buffer 0, the initial front.
    pub(super) fn render_initial_frame(&self) {
        let _exclusive = self.exclusive.lock();
        // SAFETY: the lock is held, and the world was just created, so no
        // page has its address yet.
        unsafe { self.render_into(0) };
    }

    /// Brings buffer `buffer` up to date: writes the palette index of every
    /// cell of each chunk that changed since this buffer last drew it.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells and nobody reads the
    /// buffer meanwhile.
    unsafe fn render_into(&self, buffer: u32) {
        let buffer = (buffer != 0) as u32;
        let width = self.width as usize;
        let frame = self.frames[buffer as usize];
        for cy in 0..self.chunks_y {
            for cx in 0..self.chunks_x {
                let index = (cy * self.chunks_x + cx) as usize;
                if !self.chunk(index).take_stale(buffer) {
                    continue;
                }
                let rect = self.chunk_rect(cx, cy);
                let (x0, x1) = (rect.x0 as usize, rect.x1 as usize);
                for y in rect.y0..rect.y1 {
                    // SAFETY: exclusive access to the cells (caller).
                    let (materials, states) = unsafe { self.rows(y) };
                    // SAFETY: row `y` of a frame is `width` bytes inside the
                    // buffer, which nobody else touches meanwhile (caller).
                    let out = unsafe { core::slice::from_raw_parts_mut(frame.add(y as usize * width), width) };
                    let cells = materials[x0..x1].iter().zip(&states[x0..x1]);
                    for (pixel, (&material, &state)) in out[x0..x1].iter_mut().zip(cells) {
                        *pixel = PALETTE_BASE[material as usize] | (state & SHADE_MASK);
                    }
                }
            }
        }
    }
}
