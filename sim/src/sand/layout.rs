//! Where everything of a world lies inside its region of memory.
//!
//! ```text
//! region start
//!   (padding up to REGION_ALIGN)
//!   World header            size_of::<World>()
//!   chunk table             chunk_count * size_of::<ChunkState>()
//!   phase item list         chunk_count * u32
//!   phase starts            (phase_count + 1) * u32
//!   paint ring slots        PAINT_RING_CAPACITY * PaintSlot
//!   paint row spans         height * RowSpan
//!   fill queue              min(width * height, FILL_MAX_CELLS) * u32
//!   command log ring        COMMAND_LOG_CAPACITY * COMMAND_LOG_ENTRY_WORDS * u32
//!   command log, taken      same size
//!   material plane          (width + 2*BORDER) * (height + 2*BORDER) bytes
//!   state plane             same size
//!   temperature plane       same number of cells, an i16 each
//!   frame buffer 0          width * height bytes
//!   frame buffer 1          width * height bytes
//! ```
//!
//! Every part starts at a multiple of `REGION_ALIGN`. The planes carry a
//! border of `BORDER` wall cells on every side, so neighbour reads near the
//! edge need no bounds checks and see wall.

use core::mem::size_of;

use super::chunk::ChunkState;
use super::command_log::COMMAND_LOG_BUFFER_WORDS;
use super::error::SimError;
use super::fill::fill_queue_len;
use super::paint::{PaintSlot, RowSpan, PAINT_RING_CAPACITY};
use super::phases::phase_count;
use super::temperature::Temperature;
use super::world::World;

/// Cells per chunk side. Chunks are the unit of parallel work and of
/// dirty tracking.
pub const CHUNK_SIZE: u32 = 64;
/// `log2(CHUNK_SIZE)`, for dividing by shifting.
pub(super) const CHUNK_SHIFT: u32 = CHUNK_SIZE.trailing_zeros();
/// The largest width or height a world may have.
pub const MAX_WORLD_SIZE: u32 = 4096;
/// Wall cells around the world in each plane.
pub(super) const BORDER: u32 = 8;
/// Alignment of the header and of every part of the region.
pub(crate) const REGION_ALIGN: usize = 64;

const _: () = assert!(CHUNK_SIZE.is_power_of_two());
const _: () = assert!(REGION_ALIGN >= core::mem::align_of::<World>());
const _: () = assert!(REGION_ALIGN.is_multiple_of(core::mem::align_of::<ChunkState>()));
const _: () = assert!(REGION_ALIGN.is_multiple_of(core::mem::align_of::<RowSpan>()));
const _: () = assert!(REGION_ALIGN.is_multiple_of(core::mem::align_of::<PaintSlot>()));
const _: () = assert!(REGION_ALIGN.is_multiple_of(core::mem::align_of::<Temperature>()));
// Coordinates, packed into 16 bits each for hashing, must fit.
const _: () = assert!(MAX_WORLD_SIZE + 2 * BORDER <= 1 << 16);

/// Offsets (from the aligned start) and sizes of every part of a world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    pub(super) width: u32,
    pub(super) height: u32,
    /// Bytes from one plane row to the next.
    pub(super) stride: usize,
    /// Bytes in one plane, border included.
    pub(super) plane_len: usize,
    /// Index of world cell (0, 0) inside a plane.
    pub(super) origin: usize,
    pub(super) chunks_x: u32,
    pub(super) chunks_y: u32,
    pub(super) chunk_count: usize,
    pub(super) chunks_offset: usize,
    pub(super) phase_items_offset: usize,
    /// Phases per step (`phases.rs`).
    pub(super) phase_count: u32,
    /// Where each phase's items start in the phase item list, and one
    /// entry more: the end of the last phase.
    pub(super) phase_starts_offset: usize,
    pub(super) paint_slots_offset: usize,
    pub(super) row_spans_offset: usize,
    pub(super) fill_queue_offset: usize,
    /// Entries of the flood-fill queue (`fill.rs`).
    pub(super) fill_queue_len: usize,
    /// The command log's ring and its taken copy (`command_log.rs`).
    pub(super) command_log_offsets: [usize; 2],
    pub(super) material_offset: usize,
    pub(super) state_offset: usize,
    /// The temperature plane: `plane_len` `i16` cells.
    pub(super) temperature_offset: usize,
    pub(super) frame_offsets: [usize; 2],
    /// Bytes in one frame: one palette index per cell.
    pub(super) frame_len: usize,
    /// Bytes from the aligned start to the end of the last part.
    pub(super) total: usize,
}

/// `a + b`, or `TooLarge` if it overflows the address space.
fn add(a: usize, b: usize) -> Result<usize, SimError> {
    a.checked_add(b).ok_or(SimError::TooLarge)
}

/// `a * b`, or `TooLarge` if it overflows the address space.
fn mul(a: usize, b: usize) -> Result<usize, SimError> {
    a.checked_mul(b).ok_or(SimError::TooLarge)
}

/// `offset` rounded up to the next multiple of `REGION_ALIGN`.
fn aligned(offset: usize) -> Result<usize, SimError> {
    Ok(add(offset, REGION_ALIGN - 1)? & !(REGION_ALIGN - 1))
}

/// Appends a part of `len` bytes at the next aligned offset after `end`;
/// returns (start of the part, new end).
fn place(end: usize, len: usize) -> Result<(usize, usize), SimError> {
    let start = aligned(end)?;
    Ok((start, add(start, len)?))
}

impl Layout {
    /// The layout of a `width` x `height` world.
    pub(super) fn new(width: u32, height: u32) -> Result<Layout, SimError> {
        if width == 0 || height == 0 {
            return Err(SimError::InvalidArgument);
        }
        if width > MAX_WORLD_SIZE || height > MAX_WORLD_SIZE {
            return Err(SimError::TooLarge);
        }
        let border = BORDER as usize;
        let stride = add(width as usize, 2 * border)?;
        let plane_rows = add(height as usize, 2 * border)?;
        let plane_len = mul(stride, plane_rows)?;
        let origin = add(mul(border, stride)?, border)?;
        let chunks_x = width.div_ceil(CHUNK_SIZE);
        let chunks_y = height.div_ceil(CHUNK_SIZE);
        let chunk_count = mul(chunks_x as usize, chunks_y as usize)?;
        let frame_len = mul(width as usize, height as usize)?;

        let end = size_of::<World>();
        let (chunks_offset, end) = place(end, mul(chunk_count, size_of::<ChunkState>())?)?;
        let (phase_items_offset, end) = place(end, mul(chunk_count, size_of::<u32>())?)?;
        let phase_count = phase_count(chunks_y);
        let (phase_starts_offset, end) = place(end, mul(phase_count as usize + 1, size_of::<u32>())?)?;
        let paint_slots_len = mul(PAINT_RING_CAPACITY as usize, size_of::<PaintSlot>())?;
        let (paint_slots_offset, end) = place(end, paint_slots_len)?;
        let (row_spans_offset, end) = place(end, mul(height as usize, size_of::<RowSpan>())?)?;
        let fill_queue_len = fill_queue_len(width, height);
        let (fill_queue_offset, end) = place(end, mul(fill_queue_len, size_of::<u32>())?)?;
        let command_log_len = COMMAND_LOG_BUFFER_WORDS * size_of::<u32>();
        let (command_log_ring, end) = place(end, command_log_len)?;
        let (command_log_taken, end) = place(end, command_log_len)?;
        let (material_offset, end) = place(end, plane_len)?;
        let (state_offset, end) = place(end, plane_len)?;
        let (temperature_offset, end) = place(end, mul(plane_len, size_of::<Temperature>())?)?;
        let (frame0, end) = place(end, frame_len)?;
        let (frame1, end) = place(end, frame_len)?;
        Ok(Layout {
            width,
            height,
            stride,
            plane_len,
            origin,
            chunks_x,
            chunks_y,
            chunk_count,
            chunks_offset,
            phase_items_offset,
            phase_count,
            phase_starts_offset,
            paint_slots_offset,
            row_spans_offset,
            fill_queue_offset,
            fill_queue_len,
            command_log_offsets: [command_log_ring, command_log_taken],
            material_offset,
            state_offset,
            temperature_offset,
            frame_offsets: [frame0, frame1],
            frame_len,
            total: end,
        })
    }

    /// Region bytes a world needs, including the slack that lets any start
    /// address be aligned up to `REGION_ALIGN`.
    pub(super) fn bytes_needed(&self) -> Result<usize, SimError> {
        add(self.total, REGION_ALIGN - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_aligned_and_disjoint() {
        let layout = Layout::new(100, 70).unwrap();
        let parts = [
            (layout.chunks_offset, layout.chunk_count * size_of::<ChunkState>()),
            (layout.phase_items_offset, layout.chunk_count * 4),
            (layout.phase_starts_offset, (layout.phase_count as usize + 1) * 4),
            (layout.paint_slots_offset, PAINT_RING_CAPACITY as usize * size_of::<PaintSlot>()),
            (layout.row_spans_offset, 70 * size_of::<RowSpan>()),
            (layout.fill_queue_offset, 100 * 70 * 4),
            (layout.command_log_offsets[0], COMMAND_LOG_BUFFER_WORDS * 4),
            (layout.command_log_offsets[1], COMMAND_LOG_BUFFER_WORDS * 4),
            (layout.material_offset, layout.plane_len),
            (layout.state_offset, layout.plane_len),
            (layout.temperature_offset, layout.plane_len * 2),
            (layout.frame_offsets[0], layout.frame_len),
            (layout.frame_offsets[1], layout.frame_len),
        ];
        let mut end = size_of::<World>();
        for (start, len) in parts {
            assert_eq!(start % REGION_ALIGN, 0);
            assert!(start >= end);
            end = start + len;
        }
        assert_eq!(end, layout.total);
        assert_eq!((layout.chunks_x, layout.chunks_y), (2, 2));
    }

    #[test]
    fn the_header_is_small() {
        // Worlds are created on small thread stacks; the header is built
        // there before it is written into the region.
        assert!(size_of::<World>() <= 512, "{}", size_of::<World>());
        std::println!(
            "World {} ChunkState {} PaintSlot {} RowSpan {}",
            size_of::<World>(),
            size_of::<ChunkState>(),
            size_of::<PaintSlot>(),
            size_of::<RowSpan>()
        );
        let big = Layout::new(4096, 4096).unwrap();
        std::println!("4096x4096: {} bytes", big.bytes_needed().unwrap());
        let mid = Layout::new(1024, 1024).unwrap();
        std::println!("1024x1024: {} bytes", mid.bytes_needed().unwrap());
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(Layout::new(0, 5), Err(SimError::InvalidArgument));
        assert_eq!(Layout::new(5, 0), Err(SimError::InvalidArgument));
        assert_eq!(Layout::new(MAX_WORLD_SIZE + 1, 5), Err(SimError::TooLarge));
        assert_eq!(Layout::new(5, MAX_WORLD_SIZE + 1), Err(SimError::TooLarge));
        assert!(Layout::new(MAX_WORLD_SIZE, MAX_WORLD_SIZE).is_ok());
        assert!(Layout::new(1, 1).is_ok());
    }
}
