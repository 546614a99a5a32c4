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
//! | `error.rs` | [`SimError`] (its export codes are `abi::code`'s) |
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
//! | `phases.rs` | which phase of a step updates which chunk |
//! | `neighborhood.rs` | the relative-offset view rules get |
//! | `rules/` | one small function per material |
//! | `paint.rs` | the command ring (strokes, rectangles, fills, history commands) and stroke rasterising |
//! | `command_log.rs` | every command applied, with its step, for replays |
//! | `replay.rs` | the replay format's shared numbers, and the rules' identity |
//! | `paint_mask.rs` | replace mode: what a command may paint over |
//! | `fill.rs` | flood fill, bounded |
//! | `brush.rs` | what a stroke puts down: a material, or heat |
//! | `temperature.rs` | the temperature plane's unit, range and helpers |
//! | `uniform_heat.rs` | the heat shortcut for chunks all at one temperature |
//! | `history.rs` | undo and redo: chunks saved before a stroke changes them |
//! | `frame.rs` | frame buffers, handshake, palette |
//! | `hash.rs` | the world hash |
//! | `scene.rs` | ready-made worlds |
//! | `snapshot.rs` | the save format: world ↔ bytes |
//!
//! Items that only the wasm exports call (`sim/src/exports` is compiled for
//! wasm32 only) carry `#[cfg_attr(not(target_arch = "wasm32"),
//! allow(dead_code, ...))]`: a native build cannot see their callers, and the
//! wasm builds still report them if they become unused. Items only tests use
//! are `#[cfg(test)]`.

mod brush;
mod cell;
mod chunk;
mod command_log;
mod dirty;
mod error;
mod exclusive;
mod fill;
mod frame;
mod hash;
mod history;
mod layout;
mod material;
mod neighborhood;
mod paint;
mod paint_mask;
mod phases;
mod properties;
mod replay;
mod rng;
mod rules;
mod scene;
mod snapshot;
mod step;
mod temperature;
mod uniform_heat;
mod world;

#[cfg(test)]
mod tests;

// What other crates use (quicksand-tests: the native engine, the fuzzers;
// quicksand-tools: the abi.js tests). Everything else is `pub(crate)` or
// narrower.
pub use brush::{PAINT_TOOL_COOL, PAINT_TOOL_HEAT};
pub use cell::SHADE_COUNT;
pub use command_log::{
    COMMAND_LOG_CAPACITY, COMMAND_LOG_ENTRY_WORDS, COMMAND_LOG_KIND, COMMAND_LOG_RESULT, COMMAND_LOG_STEP_HIGH,
    COMMAND_LOG_STEP_LOW,
};
pub use dirty::Rect;
pub use error::SimError;
pub use fill::FILL_MAX_CELLS;
pub use frame::PALETTE_LEN;
pub use history::{HISTORY_BUDGET_MIB, HISTORY_WHOLE_WORLDS};
pub use layout::{CHUNK_SIZE, MAX_WORLD_SIZE};
pub use material::{Material, MATERIAL_COUNT};
pub use paint::{
    COMMAND_BEGIN_STROKE, COMMAND_FILL, COMMAND_PAINT, COMMAND_RECT_FILLED, COMMAND_RECT_OUTLINE, COMMAND_REDO,
    COMMAND_SCENE, COMMAND_UNDO, MAX_BRUSH_RADIUS, PAINT_COORD_MARGIN, PAINT_RING_CAPACITY,
};
pub use paint_mask::{PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY};
pub use replay::{
    rules_id, REPLAY_BODY_LENGTH_OFFSET, REPLAY_CHECKED_FROM, REPLAY_CHECKSUM_OFFSET, REPLAY_FINAL_HASH_OFFSET,
    REPLAY_FINAL_STEP_OFFSET, REPLAY_FLAGS_OFFSET, REPLAY_FLAG_BRUSH, REPLAY_FLAG_EFFECTIVE, REPLAY_FLAG_START,
    REPLAY_HEADER_BYTES, REPLAY_KIND_MASK, REPLAY_MAGIC, REPLAY_MAX_BODY_BYTES, REPLAY_MAX_SEGMENTS,
    REPLAY_RULES_ID_OFFSET, REPLAY_START_FRESH, REPLAY_START_RELOAD, REPLAY_START_SAVE, REPLAY_VERSION,
    REPLAY_VERSION_OFFSET, RULES_VERSION,
};
pub use scene::Scene;
pub use snapshot::{SNAPSHOT_HEADER_BYTES, SNAPSHOT_VERSION, SNAPSHOT_VERSION_WITHOUT_TEMPERATURE};
pub use temperature::{
    celsius, Temperature, AMBIENT, BRUSH_TEMPERATURE_STEP, MAX_TEMPERATURE, MIN_TEMPERATURE, TEMPERATURE_ERROR_SCALE,
    UNITS_PER_DEGREE,
};
pub use world::World;

// What the rest of this crate uses (`abi`, and the exports).
pub(crate) use cell::SHADE_MASK;
pub(crate) use frame::PALETTE;
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports, reason = "only the wasm exports use it"))]
pub(crate) use history::HISTORY_ALIGN;
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports, reason = "only the wasm exports use it"))]
pub(crate) use layout::REGION_ALIGN;
pub(crate) use material::UNKNOWN_BYTE_FALLBACK;
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports, reason = "only the wasm exports use it"))]
pub(crate) use paint::Command;
pub(crate) use snapshot::{
    offset as snapshot_offset, SnapshotError, CELL_BYTES as SNAPSHOT_CELL_BYTES,
    CELL_BYTES_WITHOUT_TEMPERATURE as SNAPSHOT_CELL_BYTES_WITHOUT_TEMPERATURE,
    CHECKSUM_BYTES as SNAPSHOT_CHECKSUM_BYTES, RECT_BYTES as SNAPSHOT_RECT_BYTES, SNAPSHOT_MAGIC,
};

/// The save checksum and world hash; public so that outside tools (the save
/// fuzz test) compute the checksum with the code itself.
pub use hash::WordHasher;
