//! The falling-sand simulation: see docs/CELLS.md.
//!
//! A [`World`] lives in a region of memory its caller provides. Threads
//! advance it together with `begin_step` / `update_phase_item` /
//! `end_step` (see `step.rs`), or one thread calls `step`. Input arrives as
//! paint strokes through a lock-free ring (`enqueue_paint`); output leaves as
//! palette-indexed frames in two buffers with a handshake (`frame.rs`).
//!
//! One concept per file:
//!
//! | file | concept |
//! |---|---|
//! | `error.rs` | [`SimError`] and its stable codes |
//! | `material.rs` | [`Material`] ids and the checked byte conversion |
//! | `properties.rs` | the material table: every per-material number |
//! | `cell.rs` | the state byte layout, [`Cell`] |
//! | `rng.rs` | hash-based randomness |
//! | `layout.rs` | where everything lies in the region |
//! | `world.rs` | the header, creation, cell access |
//! | `exclusive.rs` | the lock of the exclusive operations |
//! | `dirty.rs` | dirty rectangles |
//! | `chunk.rs` | chunks and the per-chunk update loop |
//! | `step.rs` | the stepping protocol |
//! | `neighborhood.rs` | the relative-offset view rules get |
//! | `rules/` | one small function per material |
//! | `paint.rs` | the paint ring and stroke rasterising |
//! | `frame.rs` | frame buffers, handshake, palette |
//! | `hash.rs` | the world hash |
//! | `scene.rs` | ready-made worlds |
//! | `snapshot.rs` | the save format: world ↔ bytes |

mod cell;
mod chunk;
mod dirty;
mod error;
mod exclusive;
mod frame;
mod hash;
mod layout;
mod material;
mod neighborhood;
mod paint;
mod properties;
mod rng;
mod rules;
mod scene;
mod snapshot;
mod step;
mod world;

#[cfg(test)]
mod tests;

pub use cell::{
    Cell, CellState, CLOCK_BIT, COUNTER_MASK, COUNTER_MAX, COUNTER_SHIFT, FLOW_LEFT_BIT, SHADE_COUNT,
    SHADE_MASK,
};
pub use dirty::Rect;
pub use error::SimError;
pub use frame::{PALETTE, PALETTE_LEN};
pub use hash::WordHasher;
pub use layout::{BORDER, CHUNK_SIZE, MAX_WORLD_SIZE, REGION_ALIGN};
pub use material::{Material, MATERIAL_COUNT, UNKNOWN_BYTE_FALLBACK};
pub use neighborhood::{Neighborhood, DIRTY_MARGIN_X, DIRTY_MARGIN_Y, MAX_REACH};
pub use paint::{PaintCommand, MAX_BRUSH_RADIUS, PAINT_COORD_MARGIN, PAINT_RING_CAPACITY};
pub use properties::{MaterialProps, Rgba, StateOfMatter, MATERIALS};
pub use rng::{mix32, Chance, RandomBits, StepRng, Stream};
pub use scene::Scene;
pub use snapshot::{SnapshotError, SNAPSHOT_HEADER_BYTES, SNAPSHOT_MAGIC, SNAPSHOT_VERSION};
pub use step::PHASE_COUNT;
pub use world::World;
