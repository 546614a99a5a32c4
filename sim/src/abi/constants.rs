//! Every number a host hard-codes, in one table built from the Rust
//! constants themselves.
//!
//! `quicksand-tools abi-js` writes [`EXPORTS`] out as the ES module
//! `www/pkg/abi.js`, which the loader and the page import instead of
//! retyping error codes, limits, material ids, slot offsets or the save
//! layout. Nothing below is a literal number: each value names the constant,
//! enum or field it comes from, so changing one there changes abi.js at the
//! next `./build.sh`.
//!
//! An export is one of three shapes (see [`Body`]): a single number, an
//! object of named values, or labels keyed by number (so a host can turn a
//! code into words). Names are written the way Rust spells them (upper-case
//! constants, lower-case fields and materials); abi.js writes every object
//! key in upper case.

use core::mem::{offset_of, size_of};

use super::{ErrorCode, HandleKind, ABI_VERSION};
use crate::crew::MAX_CREW_WORKERS;
use crate::runtime::futex::WaitOutcome;
use crate::runtime::registry::{MAX_BARRIERS, MAX_COUNTERS, MAX_CREWS, MAX_THREADS, MAX_WORLDS};
use crate::runtime::thread_slot::{
    ThreadSlot, CANARY_BYTES, GUARD_BYTES, MAX_STACK_BYTES, MIN_STACK_BYTES, STACK_ALIGN,
};
use crate::sand::{
    snapshot_offset, Material, Scene, AMBIENT, BRUSH_TEMPERATURE_STEP, CHUNK_SIZE, COMMAND_BEGIN_STROKE, COMMAND_FILL,
    COMMAND_LOG_CAPACITY, COMMAND_LOG_ENTRY_WORDS, COMMAND_LOG_KIND, COMMAND_LOG_RESULT, COMMAND_LOG_STEP_HIGH,
    COMMAND_LOG_STEP_LOW, COMMAND_PAINT, COMMAND_RECT_FILLED, COMMAND_RECT_OUTLINE, COMMAND_REDO, COMMAND_SCENE,
    COMMAND_UNDO, FILL_MAX_CELLS, HISTORY_BUDGET_MIB, HISTORY_WHOLE_WORLDS, MATERIAL_COUNT, MAX_BRUSH_RADIUS,
    MAX_TEMPERATURE, MAX_WORLD_SIZE, MIN_TEMPERATURE, PAINT_COORD_MARGIN, PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY,
    PAINT_RING_CAPACITY, PAINT_TOOL_COOL, PAINT_TOOL_HEAT, PALETTE, PALETTE_LEN, REPLAY_BODY_LENGTH_OFFSET,
    REPLAY_CHECKED_FROM, REPLAY_CHECKSUM_OFFSET, REPLAY_FINAL_HASH_OFFSET, REPLAY_FINAL_STEP_OFFSET,
    REPLAY_FLAGS_OFFSET, REPLAY_FLAG_BRUSH, REPLAY_FLAG_EFFECTIVE, REPLAY_FLAG_START, REPLAY_HEADER_BYTES,
    REPLAY_KIND_MASK, REPLAY_MAGIC, REPLAY_MAX_BODY_BYTES, REPLAY_MAX_SEGMENTS, REPLAY_RULES_ID_OFFSET,
    REPLAY_START_FRESH, REPLAY_START_RELOAD, REPLAY_START_SAVE, REPLAY_VERSION, REPLAY_VERSION_OFFSET, RULES_VERSION,
    SHADE_COUNT, SHADE_MASK, SNAPSHOT_CELL_BYTES, SNAPSHOT_CELL_BYTES_WITHOUT_TEMPERATURE, SNAPSHOT_CHECKSUM_BYTES,
    SNAPSHOT_HEADER_BYTES, SNAPSHOT_MAGIC, SNAPSHOT_RECT_BYTES, SNAPSHOT_VERSION, SNAPSHOT_VERSION_WITHOUT_TEMPERATURE,
    TEMPERATURE_ERROR_SCALE, UNITS_PER_DEGREE, UNKNOWN_BYTE_FALLBACK,
};

/// One value: every number the ABI uses fits an `i64` (and a JS number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Number(i64),
    Text(&'static str),
}

/// A named value of an object export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub name: &'static str,
    pub value: Value,
}

/// A text keyed by number: an error code's message, a material id's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub number: i64,
    pub text: &'static str,
}

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// `export const NAME = 2;`
    Scalar(Value),
    /// `export const NAME = Object.freeze({ KEY: value, ... });`
    Object(&'static [Named]),
    /// `export const NAME = Object.freeze({ "-1": "text", ... });`
    Labels(&'static [Label]),
}

/// One exported constant of abi.js.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Export {
    pub name: &'static str,
    /// One sentence for the doc comment above it.
    pub doc: &'static str,
    pub body: Body,
}

const fn number(name: &'static str, value: i64) -> Named {
    Named { name, value: Value::Number(value) }
}

const fn text(name: &'static str, value: &'static str) -> Named {
    Named { name, value: Value::Text(value) }
}

const fn label(number: i64, text: &'static str) -> Label {
    Label { number, text }
}

const ERRORS: [Named; ErrorCode::ALL.len()] = {
    let mut out = [const { number("", 0) }; ErrorCode::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let code = ErrorCode::ALL[i];
        out[i] = number(code.name(), code.code() as i64);
        i += 1;
    }
    out
};

const ERROR_MESSAGES: [Label; ErrorCode::ALL.len()] = {
    let mut out = [const { label(0, "") }; ErrorCode::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let code = ErrorCode::ALL[i];
        out[i] = label(code.code() as i64, code.message());
        i += 1;
    }
    out
};

const MATERIALS: [Named; MATERIAL_COUNT] = {
    let mut out = [const { number("", 0) }; MATERIAL_COUNT];
    let mut i = 0;
    while i < out.len() {
        let material = Material::ALL[i];
        out[i] = number(material.name(), material.id() as i64);
        i += 1;
    }
    out
};

const MATERIAL_NAMES: [Label; MATERIAL_COUNT] = {
    let mut out = [const { label(0, "") }; MATERIAL_COUNT];
    let mut i = 0;
    while i < out.len() {
        let material = Material::ALL[i];
        out[i] = label(material.id() as i64, material.name());
        i += 1;
    }
    out
};

const MATERIAL_KINDS: [Label; MATERIAL_COUNT] = {
    let mut out = [const { label(0, "") }; MATERIAL_COUNT];
    let mut i = 0;
    while i < out.len() {
        let material = Material::ALL[i];
        out[i] = label(material.id() as i64, material.kind_name());
        i += 1;
    }
    out
};

const MATERIAL_DESCRIPTIONS: [Label; MATERIAL_COUNT] = {
    let mut out = [const { label(0, "") }; MATERIAL_COUNT];
    let mut i = 0;
    while i < out.len() {
        let material = Material::ALL[i];
        out[i] = label(material.id() as i64, material.description());
        i += 1;
    }
    out
};

/// The name hosts use for a scene (`SCENE.MIXED` in abi.js). Exhaustive, so
/// a new scene does not compile until it has a name.
pub const fn scene_name(scene: Scene) -> &'static str {
    match scene {
        Scene::Empty => "empty",
        Scene::Active => "active",
        Scene::Mixed => "mixed",
        Scene::Settled => "settled",
        Scene::Thermal => "thermal",
        Scene::Landscape => "landscape",
    }
}

const SCENES: [Named; Scene::ALL.len()] = {
    let mut out = [const { number("", 0) }; Scene::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let scene = Scene::ALL[i];
        out[i] = number(scene_name(scene), scene as u32 as i64);
        i += 1;
    }
    out
};

const SCENE_NAMES: [Label; Scene::ALL.len()] = {
    let mut out = [const { label(0, "") }; Scene::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let scene = Scene::ALL[i];
        out[i] = label(scene as u32 as i64, scene_name(scene));
        i += 1;
    }
    out
};

const HANDLE_KINDS: [Named; HandleKind::ALL.len()] = {
    let mut out = [const { number("", 0) }; HandleKind::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        let kind = HandleKind::ALL[i];
        out[i] = number(kind.name(), kind as u32 as i64);
        i += 1;
    }
    out
};

/// Bytes of one element of an array (the palette's entries).
const fn element_bytes<T, const N: usize>(_: &[T; N]) -> usize {
    size_of::<T>()
}

const SAVE_MAGIC_TEXT: &str = match core::str::from_utf8(&SNAPSHOT_MAGIC) {
    Ok(magic) => magic,
    Err(_) => panic!("the save magic must be ASCII"),
};

/// Everything abi.js exports, in the order it writes them.
pub const EXPORTS: &[Export] = &[
    Export {
        name: "ABI_VERSION",
        doc: "The ABI version abi.js was generated for; the loader refuses a module whose qs_abi_version() differs.",
        body: Body::Scalar(Value::Number(ABI_VERSION as i64)),
    },
    Export {
        name: "ERROR",
        doc: "The negative codes exports return (sim/src/abi/code.rs).",
        body: Body::Object(&ERRORS),
    },
    Export {
        name: "ERROR_MESSAGE",
        doc: "Words for each code, keyed by code.",
        body: Body::Labels(&ERROR_MESSAGES),
    },
    Export {
        name: "MATERIAL",
        doc: "Material ids, the bytes of the material plane (sim/src/sand/material.rs).",
        body: Body::Object(&MATERIALS),
    },
    Export {
        name: "MATERIAL_NAME",
        doc: "Each material's lower-case name, keyed by id.",
        body: Body::Labels(&MATERIAL_NAMES),
    },
    Export {
        name: "MATERIAL_KIND",
        doc: "Each material's palette group, keyed by id: powder, liquid, gas, solid, energy or tool (the eraser).",
        body: Body::Labels(&MATERIAL_KINDS),
    },
    Export {
        name: "MATERIAL_DESCRIPTION",
        doc: "One line about each material for the page, keyed by id.",
        body: Body::Labels(&MATERIAL_DESCRIPTIONS),
    },
    Export {
        name: "TEMPERATURE",
        doc: "The temperature plane (qs_world_temperature_ptr): i16 per cell in UNITS_PER_DEGREE-ths of a degree Celsius; AMBIENT, MIN and MAX in those units (docs/CELLS.md).",
        body: Body::Object(&[
            number("UNITS_PER_DEGREE", UNITS_PER_DEGREE as i64),
            number("AMBIENT", AMBIENT as i64),
            number("MIN", MIN_TEMPERATURE as i64),
            number("MAX", MAX_TEMPERATURE as i64),
            number("BYTES_PER_CELL", core::mem::size_of::<crate::sand::Temperature>() as i64),
            number("BRUSH_STEP", BRUSH_TEMPERATURE_STEP as i64),
            number("ERROR_SCALE", TEMPERATURE_ERROR_SCALE as i64),
        ]),
    },
    Export {
        name: "PAINT_TOOL",
        doc: "Values of qs_world_paint's material argument that paint heat instead of a material.",
        body: Body::Object(&[number("HEAT", PAINT_TOOL_HEAT as i64), number("COOL", PAINT_TOOL_COOL as i64)]),
    },
    Export {
        name: "PAINT_MASK",
        doc: "Replace mode: the mask argument of qs_world_paint_masked and qs_world_paint_rect (a material id: only over that material).",
        body: Body::Object(&[
            number("DEFAULT", PAINT_MASK_DEFAULT as i64),
            number("NON_EMPTY", PAINT_MASK_NON_EMPTY as i64),
        ]),
    },
    Export {
        name: "SCENE",
        doc: "Scene ids of qs_world_scene (sim/src/sand/scene.rs).",
        body: Body::Object(&SCENES),
    },
    Export {
        name: "SCENE_NAME",
        doc: "Each scene's lower-case name, keyed by id.",
        body: Body::Labels(&SCENE_NAMES),
    },
    Export {
        name: "HANDLE_KIND",
        doc: "The kind field of a handle (sim/src/abi/handle.rs).",
        body: Body::Object(&HANDLE_KINDS),
    },
    Export {
        name: "WAIT_RESULT",
        doc: "What env.qs_wait32 returns: the numbers of memory.atomic.wait32 (sim/src/runtime/futex.rs).",
        body: Body::Object(&[
            number("WOKEN", WaitOutcome::Woken as i64),
            number("NOT_EQUAL", WaitOutcome::NotEqual as i64),
            number("TIMED_OUT", WaitOutcome::TimedOut as i64),
        ]),
    },
    Export {
        name: "LIMITS",
        doc: "Sizes the sim accepts and the fixed tables it has.",
        body: Body::Object(&[
            number("MAX_WORLD_SIZE", MAX_WORLD_SIZE as i64),
            number("CHUNK_SIZE", CHUNK_SIZE as i64),
            number("MAX_BRUSH_RADIUS", MAX_BRUSH_RADIUS as i64),
            number("FILL_MAX_CELLS", FILL_MAX_CELLS as i64),
            number("PAINT_COORD_MARGIN", PAINT_COORD_MARGIN as i64),
            number("PAINT_RING_CAPACITY", PAINT_RING_CAPACITY as i64),
            number("HISTORY_BUDGET_MIB", HISTORY_BUDGET_MIB as i64),
            number("HISTORY_WHOLE_WORLDS", HISTORY_WHOLE_WORLDS as i64),
            number("MAX_CREW_WORKERS", MAX_CREW_WORKERS as i64),
            number("MAX_THREADS", MAX_THREADS as i64),
            number("MAX_BARRIERS", MAX_BARRIERS as i64),
            number("MAX_COUNTERS", MAX_COUNTERS as i64),
            number("MAX_WORLDS", MAX_WORLDS as i64),
            number("MAX_CREWS", MAX_CREWS as i64),
            number("MIN_STACK_BYTES", MIN_STACK_BYTES as i64),
            number("MAX_STACK_BYTES", MAX_STACK_BYTES as i64),
        ]),
    },
    Export {
        name: "CELL",
        doc: "Frames and palettes: index = material id * SHADE_COUNT + shade (docs/CELLS.md).",
        body: Body::Object(&[
            number("MATERIAL_COUNT", MATERIAL_COUNT as i64),
            number("SHADE_COUNT", SHADE_COUNT as i64),
            number("SHADE_MASK", SHADE_MASK as i64),
            number("PALETTE_LEN", PALETTE_LEN as i64),
            number("PALETTE_ENTRY_BYTES", element_bytes(&PALETTE) as i64),
            number("UNKNOWN_BYTE_FALLBACK", UNKNOWN_BYTE_FALLBACK.id() as i64),
        ]),
    },
    Export {
        name: "THREAD_SLOT",
        doc: "The ThreadSlot record at qs_thread_slot(handle): little-endian u32 fields (sim/src/runtime/thread_slot.rs).",
        body: Body::Object(&[
            number("stack_low", offset_of!(ThreadSlot, stack_low) as i64),
            number("stack_high", offset_of!(ThreadSlot, stack_high) as i64),
            number("tls_base", offset_of!(ThreadSlot, tls_base) as i64),
            number("index", offset_of!(ThreadSlot, index) as i64),
            number("size", size_of::<ThreadSlot>() as i64),
            number("CANARY_BYTES", CANARY_BYTES as i64),
            number("GUARD_BYTES", GUARD_BYTES as i64),
            number("STACK_ALIGN", STACK_ALIGN as i64),
        ]),
    },
    Export {
        name: "SAVE",
        doc: "The .qsand save layout (docs/SAVE_FORMAT.md).",
        body: Body::Object(&[
            text("MAGIC", SAVE_MAGIC_TEXT),
            number("VERSION", SNAPSHOT_VERSION as i64),
            number("VERSION_WITHOUT_TEMPERATURE", SNAPSHOT_VERSION_WITHOUT_TEMPERATURE as i64),
            number("CELL_BYTES", SNAPSHOT_CELL_BYTES as i64),
            number("CELL_BYTES_WITHOUT_TEMPERATURE", SNAPSHOT_CELL_BYTES_WITHOUT_TEMPERATURE as i64),
            number("HEADER_BYTES", SNAPSHOT_HEADER_BYTES as i64),
            number("CHUNK_RECT_BYTES", SNAPSHOT_RECT_BYTES as i64),
            number("CHECKSUM_BYTES", SNAPSHOT_CHECKSUM_BYTES as i64),
        ]),
    },
    Export {
        name: "SAVE_OFFSET",
        doc: "Where each header field of a save starts, in bytes (little-endian).",
        body: Body::Object(&[
            number("magic", snapshot_offset::MAGIC as i64),
            number("version", snapshot_offset::VERSION as i64),
            number("flags", snapshot_offset::FLAGS as i64),
            number("width", snapshot_offset::WIDTH as i64),
            number("height", snapshot_offset::HEIGHT as i64),
            number("seed", snapshot_offset::SEED as i64),
            number("step", snapshot_offset::STEP as i64),
        ]),
    },
    Export {
        name: "COMMAND",
        doc: "Command kinds: the paint ring's, the command log's and replay events' (docs/REPLAY_FORMAT.md).",
        body: Body::Object(&[
            number("PAINT", COMMAND_PAINT as i64),
            number("BEGIN_STROKE", COMMAND_BEGIN_STROKE as i64),
            number("UNDO", COMMAND_UNDO as i64),
            number("REDO", COMMAND_REDO as i64),
            number("SCENE", COMMAND_SCENE as i64),
            number("RECT_FILLED", COMMAND_RECT_FILLED as i64),
            number("RECT_OUTLINE", COMMAND_RECT_OUTLINE as i64),
            number("FILL", COMMAND_FILL as i64),
        ]),
    },
    Export {
        name: "COMMAND_LOG",
        doc: "The command log (qs_world_log_take): entries of ENTRY_WORDS i32 words, and where step, kind and result lie.",
        body: Body::Object(&[
            number("CAPACITY", COMMAND_LOG_CAPACITY as i64),
            number("ENTRY_WORDS", COMMAND_LOG_ENTRY_WORDS as i64),
            number("STEP_LOW", COMMAND_LOG_STEP_LOW as i64),
            number("STEP_HIGH", COMMAND_LOG_STEP_HIGH as i64),
            number("KIND", COMMAND_LOG_KIND as i64),
            number("RESULT", COMMAND_LOG_RESULT as i64),
        ]),
    },
    Export {
        name: "REPLAY",
        doc: "The .qsreplay format's numbers (docs/REPLAY_FORMAT.md), shared by the page's codec and quicksand-tools'.",
        body: Body::Object(&[
            text("MAGIC", REPLAY_MAGIC),
            number("VERSION", REPLAY_VERSION as i64),
            number("HEADER_BYTES", REPLAY_HEADER_BYTES as i64),
            number("VERSION_OFFSET", REPLAY_VERSION_OFFSET as i64),
            number("FLAGS_OFFSET", REPLAY_FLAGS_OFFSET as i64),
            number("CHECKSUM_OFFSET", REPLAY_CHECKSUM_OFFSET as i64),
            number("CHECKED_FROM", REPLAY_CHECKED_FROM as i64),
            number("RULES_ID_OFFSET", REPLAY_RULES_ID_OFFSET as i64),
            number("FINAL_HASH_OFFSET", REPLAY_FINAL_HASH_OFFSET as i64),
            number("FINAL_STEP_OFFSET", REPLAY_FINAL_STEP_OFFSET as i64),
            number("BODY_LENGTH_OFFSET", REPLAY_BODY_LENGTH_OFFSET as i64),
            number("MAX_BODY_BYTES", REPLAY_MAX_BODY_BYTES as i64),
            number("MAX_SEGMENTS", REPLAY_MAX_SEGMENTS as i64),
            number("START_FRESH", REPLAY_START_FRESH as i64),
            number("START_SAVE", REPLAY_START_SAVE as i64),
            number("START_RELOAD", REPLAY_START_RELOAD as i64),
            number("KIND_MASK", REPLAY_KIND_MASK as i64),
            number("FLAG_START", REPLAY_FLAG_START as i64),
            number("FLAG_BRUSH", REPLAY_FLAG_BRUSH as i64),
            number("FLAG_EFFECTIVE", REPLAY_FLAG_EFFECTIVE as i64),
            number("RULES_VERSION", RULES_VERSION as i64),
        ]),
    },
];

/// The value of `export.key`, for tests and the generator's own checks.
pub fn lookup(export: &str, key: &str) -> Option<Value> {
    let export = EXPORTS.iter().find(|e| e.name == export)?;
    match export.body {
        Body::Scalar(value) => key.is_empty().then_some(value),
        Body::Object(entries) => entries.iter().find(|e| e.name.eq_ignore_ascii_case(key)).map(|e| e.value),
        Body::Labels(labels) => {
            labels.iter().find(|l| key.parse::<i64>().ok() == Some(l.number)).map(|l| Value::Text(l.text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sand::World;

    #[test]
    fn names_are_unique_within_each_export_and_across_exports() {
        for (i, export) in EXPORTS.iter().enumerate() {
            assert!(EXPORTS[i + 1..].iter().all(|other| other.name != export.name), "{}", export.name);
            match export.body {
                Body::Scalar(_) => {}
                Body::Object(entries) => {
                    for (j, entry) in entries.iter().enumerate() {
                        assert!(!entry.name.is_empty(), "{}", export.name);
                        let clash = entries[j + 1..].iter().any(|other| other.name.eq_ignore_ascii_case(entry.name));
                        assert!(!clash, "{}.{}", export.name, entry.name);
                    }
                }
                Body::Labels(labels) => {
                    for (j, label) in labels.iter().enumerate() {
                        assert!(labels[j + 1..].iter().all(|other| other.number != label.number), "{}", export.name);
                    }
                }
            }
        }
    }

    #[test]
    fn the_table_holds_the_constants_it_names() {
        assert_eq!(lookup("ABI_VERSION", ""), Some(Value::Number(i64::from(ABI_VERSION))));
        assert_eq!(lookup("ERROR", "STACK_OVERFLOW"), Some(Value::Number(-12)));
        assert_eq!(lookup("ERROR_MESSAGE", "-7"), Some(Value::Text(ErrorCode::Busy.message())));
        assert_eq!(lookup("MATERIAL", "GUNPOWDER"), Some(Value::Number(i64::from(Material::Gunpowder.id()))));
        assert_eq!(lookup("SCENE", "SETTLED"), Some(Value::Number(Scene::Settled as i64)));
        assert_eq!(lookup("LIMITS", "MAX_WORLD_SIZE"), Some(Value::Number(i64::from(MAX_WORLD_SIZE))));
        assert_eq!(lookup("THREAD_SLOT", "STACK_HIGH"), Some(Value::Number(4)));
        assert_eq!(lookup("SAVE", "MAGIC"), Some(Value::Text("QSND")));
        // Negative control: a key that is not there is not found.
        assert_eq!(lookup("LIMITS", "MAX_WORLD_SIDE"), None);
    }

    /// The save mirror against the real writer: the fields sit at the
    /// offsets abi.js publishes, and the length is what saves.js computes.
    #[test]
    fn the_save_layout_matches_a_written_snapshot() {
        let number = |export: &str, key: &str| match lookup(export, key) {
            Some(Value::Number(value)) => value as usize,
            other => panic!("{export}.{key}: {other:?}"),
        };
        let size = |key: &str| number("SAVE", key);
        let at = |key: &str| number("SAVE_OFFSET", key);
        let read = |bytes: &[u8], key: &str, len: usize| {
            let start = at(key);
            bytes[start..start + len].iter().rev().fold(0u64, |word, &byte| (word << 8) | u64::from(byte))
        };
        for (width, height) in [(1, 1), (64, 64), (65, 3), (150, 90)] {
            let mut region = std::vec![0u8; World::bytes_needed(width, height).unwrap()];
            let world = World::create_in(&mut region, width, height, 0x1234_5678_9abc).unwrap();
            world.load_scene(Scene::Mixed);
            for _ in 0..3 {
                world.step();
            }
            let mut bytes = std::vec![0u8; world.snapshot_len()];
            let len = world.write_snapshot(&mut bytes).unwrap();
            let chunks = width.div_ceil(CHUNK_SIZE) as usize * height.div_ceil(CHUNK_SIZE) as usize;
            let cells = (width * height) as usize;
            let expected = size("HEADER_BYTES")
                + size("CELL_BYTES") * cells
                + chunks * size("CHUNK_RECT_BYTES")
                + size("CHECKSUM_BYTES");
            assert_eq!(len, expected, "{width}x{height}");
            let magic = at("MAGIC");
            assert_eq!(&bytes[magic..magic + 4], SAVE_MAGIC_TEXT.as_bytes());
            assert_eq!(read(&bytes, "VERSION", 2), u64::from(SNAPSHOT_VERSION));
            assert_eq!(read(&bytes, "FLAGS", 2), 0);
            assert_eq!(read(&bytes, "WIDTH", 4), u64::from(width));
            assert_eq!(read(&bytes, "HEIGHT", 4), u64::from(height));
            assert_eq!(read(&bytes, "SEED", 8), 0x1234_5678_9abc);
            assert_eq!(read(&bytes, "STEP", 8), 3);
        }
    }
}
