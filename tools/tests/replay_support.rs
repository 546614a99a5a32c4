//! What the replay tests share: the fixture's paths, a hand-made replay
//! with every kind of segment and command, forging files, and finding the
//! built module. Included with `mod replay_support;` (as its own test
//! crate it holds no tests).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use quicksand_sim::sand::{Material, PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY};
use quicksand_tools::replay::format::{self, Header};
use quicksand_tools::replay::{Brush, Command, Event, Replay, Segment, SegmentStart, ShapeKind};

pub const BINARY: &str = env!("CARGO_BIN_EXE_quicksand-tools");
pub const EXIT_MISMATCH: i32 = 1;
pub const EXIT_REFUSED: i32 = 2;

/// Set to `1` to fail instead of skipping when www/pkg/sim.wasm is not
/// built with the replay exports.
pub const REQUIRE_BUILT_VAR: &str = "QS_REQUIRE_BUILT_MODULES";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixture_replay_path() -> PathBuf {
    repo_root().join("tests/fixtures/replay-v1-small.qsreplay")
}

pub fn fixture_json_path() -> PathBuf {
    repo_root().join("tests/fixtures/replay-v1-small.json")
}

/// The committed fixture's bytes.
pub fn fixture_bytes() -> Vec<u8> {
    let path = fixture_replay_path();
    std::fs::read(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error} (make it with QS_BLESS=1 cargo test --release -p quicksand-tools --test replay_play)",
            path.display()
        )
    })
}

/// A fresh directory for one test's files.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qs-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    dir
}

pub fn run_tool(args: &[&str]) -> Output {
    Process::new(BINARY).args(args).output().unwrap_or_else(|error| panic!("cannot run {BINARY}: {error}"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A save-shaped byte string: just the header fields a replay reads
/// (magic, size, seed, step), for codec tests that never load it.
pub fn fake_save(width: u32, height: u32, seed: u64, step: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; 48];
    bytes[..4].copy_from_slice(b"QSND");
    bytes[4..6].copy_from_slice(&2u16.to_le_bytes());
    bytes[8..12].copy_from_slice(&width.to_le_bytes());
    bytes[12..16].copy_from_slice(&height.to_le_bytes());
    bytes[16..24].copy_from_slice(&seed.to_le_bytes());
    bytes[24..32].copy_from_slice(&step.to_le_bytes());
    bytes
}

fn material(material: Material) -> u32 {
    u32::from(material.id())
}

/// Every start and every command kind and flag, with extreme values.
pub fn hand_made_replay() -> Replay {
    let sand = Brush { radius: 3, material: material(Material::Sand), mask: PAINT_MASK_DEFAULT };
    let water = Brush { radius: 64, material: material(Material::Water), mask: PAINT_MASK_NON_EMPTY };
    let replace = Brush { radius: 0, material: material(Material::Wall), mask: i32::from(Material::Sand.id()) };
    let shape = |shape, from, to, brush| Command::Shape { shape, from, to, brush };
    let first = Segment {
        start: SegmentStart::Fresh { width: 96, height: 64, seed: u32::MAX, scene: 2 },
        duration: 40,
        events: vec![
            Event { step: 0, command: Command::BeginStroke { id: 1 } },
            Event { step: 0, command: shape(ShapeKind::Stroke, (0, 0), (5, 5), sand) },
            // Continues at the pen with the same brush: no flags.
            Event { step: 1, command: shape(ShapeKind::Stroke, (5, 5), (9, 2), sand) },
            Event { step: 1, command: shape(ShapeKind::Stroke, (-4096, 8191), (i32::MIN, i32::MAX), water) },
            Event { step: 3, command: shape(ShapeKind::RectFilled, (10, 10), (20, 30), replace) },
            Event { step: 3, command: shape(ShapeKind::RectOutline, (20, 30), (1, 1), replace) },
            Event { step: 7, command: Command::Fill { at: (i32::MAX, i32::MIN), material: 3 } },
            Event { step: 7, command: Command::BeginStroke { id: u32::MAX } },
            Event { step: 8, command: Command::BeginStroke { id: 0 } },
            Event { step: 9, command: Command::Undo { effective: true } },
            Event { step: 9, command: Command::Undo { effective: false } },
            Event { step: 10, command: Command::Redo { effective: true } },
            Event { step: 10, command: Command::Redo { effective: false } },
            Event { step: 11, command: Command::Scene { scene: 5 } },
            // An event at the segment's end step.
            Event { step: 40, command: shape(ShapeKind::Stroke, (1, 1), (1, 1), Brush::INITIAL) },
        ],
    };
    let reload = Segment {
        start: SegmentStart::Reload,
        duration: 5,
        events: vec![Event { step: 41, command: Command::Undo { effective: false } }],
    };
    let save = Segment { start: SegmentStart::Save(fake_save(64, 64, 7, 1_000_000)), duration: 0, events: vec![] };
    let last = Segment {
        start: SegmentStart::Fresh { width: 4096, height: 1, seed: 0, scene: 0 },
        duration: u64::from(u32::MAX) + 5,
        events: vec![Event { step: u64::from(u32::MAX), command: Command::Fill { at: (0, 0), material: 0 } }],
    };
    let segments = vec![first, reload, save, last];
    Replay {
        rules_id: 0x0123_4567_89ab_cdef,
        final_hash: 0xfedc_ba98_7654_3210,
        final_step: u64::from(u32::MAX) + 5,
        segments,
    }
}

/// The header of `file` (which must be a valid replay).
pub fn header_of(file: &[u8]) -> Header {
    format::read_file(file).expect("a valid replay").0
}

/// A file with `header`'s numbers around another inflated `body`, the
/// checksum fixed up: what a forger who knows the format would write.
pub fn with_body(header: &Header, body: &[u8]) -> Vec<u8> {
    let header = Header { body_length: body.len() as u32, ..*header };
    format::write_file(&header, body).expect("a body under the limit")
}

/// The built module, or `None` (skipping) when it is not built with the
/// replay exports, unless `QS_REQUIRE_BUILT_MODULES=1`.
pub fn built_module() -> Option<PathBuf> {
    let path = repo_root().join("www/pkg/sim.wasm");
    let usable = std::fs::read(&path)
        .ok()
        .is_some_and(|bytes| bytes.windows(b"qs_world_log_take".len()).any(|window| window == b"qs_world_log_take"));
    if usable {
        return Some(path);
    }
    if std::env::var(REQUIRE_BUILT_VAR).as_deref() == Ok("1") {
        panic!("{} is not built with the replay exports (run ./build.sh)", path.display());
    }
    eprintln!("skipping: {} is not built with the replay exports (run ./build.sh)", path.display());
    None
}
