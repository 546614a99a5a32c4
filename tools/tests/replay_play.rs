//! Replays end to end: a session recorded by driving the real module
//! (www/pkg/sim.wasm under wasmtime, its command log drained as the page
//! does), played back by `quicksand-tools replay` on 1, 2, 4 and 16
//! threads to the recorded hash, and a one-coordinate edit that must not.
//!
//! `QS_BLESS=1 cargo test --release -p quicksand-tools --test replay_play`
//! rewrites tests/fixtures/replay-v1-small.{qsreplay,json} from the same
//! session (the page's JS codec is tested against them).

mod replay_support;

use quicksand_sim::sand::{Material, Scene, PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY};
use quicksand_tools::replay::json::{hex64, to_json};
use quicksand_tools::replay::recording::Recording;
use quicksand_tools::replay::sim_world::Sim;
use quicksand_tools::replay::{decode, encode, Brush, Command, Replay, ShapeKind};
use replay_support::*;

fn material(material: Material) -> u32 {
    u32::from(material.id())
}

fn stroke(from: (i32, i32), to: (i32, i32), brush: Brush) -> Command {
    Command::Shape { shape: ShapeKind::Stroke, from, to, brush }
}

/// A small session that uses every command and every segment start, on
/// `threads` crew threads: FRESH, strokes, a rectangle, an outline, a
/// fill, undo and redo (effective and not), a queued scene; RELOAD; a SAVE
/// taken earlier; a second FRESH ending with a command applied at its end
/// step on the idle world.
fn record_session(module: &[u8], threads: u32) -> Replay {
    let mut sim = Sim::new(module, threads).expect("the module runs");
    let sand = Brush { radius: 3, material: material(Material::Sand), mask: PAINT_MASK_DEFAULT };
    let water = Brush { radius: 2, material: material(Material::Water), mask: PAINT_MASK_DEFAULT };
    let wall = Brush { radius: 1, material: material(Material::Wall), mask: PAINT_MASK_NON_EMPTY };
    let mut recording = Recording::fresh(&mut sim, 96, 64, 0x5eed, Scene::Mixed as u32).expect("a world");
    let push = |recording: &mut Recording<'_>, command: Command| recording.push(&command).expect("queued");
    push(&mut recording, Command::BeginStroke { id: 1 });
    for i in 0..12 {
        push(&mut recording, stroke((10 + i, 5), (12 + i, 7 + i / 3), sand));
        recording.step(1).expect("steps");
    }
    push(&mut recording, Command::BeginStroke { id: 2 });
    push(&mut recording, Command::Shape { shape: ShapeKind::RectFilled, from: (40, 2), to: (50, 9), brush: water });
    recording.step(2).expect("steps");
    push(&mut recording, Command::BeginStroke { id: 3 });
    push(&mut recording, Command::Shape { shape: ShapeKind::RectOutline, from: (60, 20), to: (80, 40), brush: wall });
    push(&mut recording, Command::Fill { at: (70, 30), material: material(Material::Sand) });
    recording.step(3).expect("steps");
    push(&mut recording, Command::Undo { effective: true });
    recording.step(1).expect("steps");
    push(&mut recording, Command::Redo { effective: true });
    push(&mut recording, Command::Redo { effective: true });
    recording.step(4).expect("steps");
    let save = recording.save().expect("a save");
    push(&mut recording, Command::BeginStroke { id: 4 });
    push(&mut recording, Command::Scene { scene: Scene::Active as u32 });
    recording.step(2).expect("steps");
    push(&mut recording, Command::Undo { effective: true });
    push(&mut recording, Command::BeginStroke { id: 0 });
    recording.step(5).expect("steps");

    recording.reload().expect("reloads");
    push(&mut recording, Command::Undo { effective: true });
    push(&mut recording, Command::BeginStroke { id: 5 });
    push(&mut recording, stroke((20, 20), (30, 25), water));
    recording.step(6).expect("steps");

    recording.open_save(save).expect("opens the save");
    push(&mut recording, Command::BeginStroke { id: 6 });
    push(&mut recording, stroke((5, 50), (90, 50), sand));
    recording.step(8).expect("steps");

    recording.new_world(64, 48, 7, Scene::Landscape as u32).expect("a new world");
    push(&mut recording, Command::BeginStroke { id: 1 });
    for i in 0..6 {
        push(&mut recording, stroke((5 * i, 3), (5 * i + 4, 6), sand));
        recording.step(1).expect("steps");
    }
    recording.step(10).expect("steps");
    push(&mut recording, stroke((1, 1), (60, 1), water));
    recording.apply_now().expect("applies");
    let (replay, _) = recording.finish().expect("a replay");
    replay
}

#[test]
fn a_recorded_session_replays_to_its_hash_on_every_thread_count() {
    let Some(module_path) = built_module() else { return };
    let module = std::fs::read(&module_path).expect("the module");
    let replay = record_session(&module, 2);
    // The session holds what the test asked for.
    assert_eq!(replay.segments.len(), 4);
    let kinds: std::collections::BTreeSet<&str> =
        replay.segments.iter().flat_map(|s| &s.events).map(|e| e.command.kind_name()).collect();
    assert_eq!(kinds.len(), 8, "every command kind: {kinds:?}");
    // An undo of nothing (the RELOAD emptied the history) was logged as such.
    assert_eq!(replay.segments[1].events[0].command, Command::Undo { effective: false });
    let last = replay.segments.last().expect("segments");
    assert_eq!(last.events.last().expect("events").step, replay.final_step, "an event at the end step");
    // The same session recorded on one thread gives the same replay.
    assert_eq!(record_session(&module, 1), replay, "recording depends on the thread count");

    let file = encode(&replay).expect("encodes");
    assert_eq!(decode(&file).as_ref(), Ok(&replay));
    let dir = scratch_dir("threads");
    let path = dir.join("session.qsreplay");
    std::fs::write(&path, &file).expect("writes");
    let (path_text, module_text) = (path.to_string_lossy(), module_path.to_string_lossy());
    let expected = format!("hash={} steps={}", hex64(replay.final_hash), replay.final_step);
    for threads in ["1", "2", "4", "16"] {
        let output = run_tool(&[
            "replay",
            &path_text,
            "--module",
            &module_text,
            "--threads",
            threads,
            "--check",
            &hex64(replay.final_hash),
        ]);
        assert_eq!(output.status.code(), Some(0), "{threads} threads: {}", stderr(&output));
        assert_eq!(stdout(&output).lines().last(), Some(expected.as_str()), "{threads} threads");
        assert!(stderr(&output).contains("matched"), "{}", stderr(&output));
        assert!(!stderr(&output).contains("differed"), "{}", stderr(&output));
    }

    if std::env::var("QS_BLESS").as_deref() == Ok("1") {
        std::fs::write(fixture_replay_path(), &file).expect("writes the fixture");
        let json = serde_json::to_string_pretty(&to_json(&replay).expect("JSON")).expect("JSON text");
        std::fs::write(fixture_json_path(), json + "\n").expect("writes the fixture's JSON");
        eprintln!("blessed {} ({} bytes)", fixture_replay_path().display(), file.len());
    }
}

#[test]
fn editing_one_stroke_coordinate_changes_the_hash() {
    let Some(module_path) = built_module() else { return };
    let module = std::fs::read(&module_path).expect("the module");
    let replay = record_session(&module, 2);
    let mut edited = replay.clone();
    // The last segment: the final hash is its world's (the segments
    // before it start other worlds).
    let event = edited
        .segments
        .last_mut()
        .expect("segments")
        .events
        .iter_mut()
        .find(|event| matches!(event.command, Command::Shape { shape: ShapeKind::Stroke, .. }))
        .expect("a stroke");
    if let Command::Shape { to, .. } = &mut event.command {
        to.0 += 9;
    }
    let dir = scratch_dir("edit");
    let path = dir.join("edited.qsreplay");
    // `encode` writes a correct checksum: the edit is a valid file.
    std::fs::write(&path, encode(&edited).expect("encodes")).expect("writes");
    let output = run_tool(&[
        "replay",
        &path.to_string_lossy(),
        "--module",
        &module_path.to_string_lossy(),
        "--threads",
        "2",
        "--json",
        "--check",
        &hex64(replay.final_hash),
    ]);
    assert_eq!(output.status.code(), Some(EXIT_MISMATCH), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_ne!(json["hash"], hex64(replay.final_hash));
    assert_eq!(json["matches"], false);
    assert_eq!(json["threads"], 2);
    assert_eq!(json["segments"], 4);
    assert!(stderr(&output).contains("did NOT match"), "{}", stderr(&output));
}

#[test]
fn the_fixture_plays_to_its_recorded_hash_and_writes_a_save_and_a_png() {
    let Some(module_path) = built_module() else { return };
    let dir = scratch_dir("fixture");
    let (save, png) = (dir.join("end.qsand"), dir.join("end.png"));
    let output = run_tool(&[
        "replay",
        &fixture_replay_path().to_string_lossy(),
        "--module",
        &module_path.to_string_lossy(),
        "--threads",
        "2",
        "--json",
        "--save",
        &save.to_string_lossy(),
        "--png",
        &png.to_string_lossy(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{} (if the rules changed: QS_BLESS=1 cargo test --release -p quicksand-tools --test replay_play)",
        stderr(&output)
    );
    let json: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(json["matches"], true, "{json}");
    assert_eq!(json["hash"], json["recorded_hash"]);
    let replay = decode(&fixture_bytes()).expect("decodes");
    assert_eq!(json["events"], replay.event_count());
    let saved = std::fs::read(&save).expect("the save");
    assert_eq!(&saved[..4], b"QSND");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).expect("the png")));
    let reader = decoder.read_info().expect("a PNG");
    let last = match &replay.segments.last().expect("segments").start {
        quicksand_tools::replay::SegmentStart::Fresh { width, height, .. } => (*width, *height),
        other => panic!("the fixture ends with {other:?}"),
    };
    assert_eq!((reader.info().width, reader.info().height), last);
}

#[test]
fn a_replay_of_other_rules_is_refused() {
    let Some(module_path) = built_module() else { return };
    let mut replay = decode(&fixture_bytes()).expect("decodes");
    replay.rules_id ^= 1;
    let dir = scratch_dir("rules");
    let path = dir.join("other-rules.qsreplay");
    std::fs::write(&path, encode(&replay).expect("encodes")).expect("writes");
    let output =
        run_tool(&["replay", &path.to_string_lossy(), "--module", &module_path.to_string_lossy(), "--threads", "1"]);
    assert_eq!(output.status.code(), Some(EXIT_REFUSED), "{}", stderr(&output));
    assert!(stderr(&output).contains("recorded by other rules"), "{}", stderr(&output));
    assert_eq!(stderr(&output).lines().count(), 1, "one line: {}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

#[test]
fn damaged_and_foreign_files_exit_2_with_one_line() {
    // No module is needed: a file is refused before the module is read.
    let file = fixture_bytes();
    let dir = scratch_dir("damaged");
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for len in (0..file.len()).step_by(97).chain([8, 43, 44, 45, file.len() - 1]) {
        cases.push((format!("truncated-{len}"), file[..len].to_vec()));
    }
    let mut flipped = file.clone();
    flipped[60] ^= 4;
    cases.push(("flipped".to_owned(), flipped));
    let save = std::fs::read(repo_root().join("tests/fixtures/save-v1-mixed-96x64.qsand")).expect("the save fixture");
    cases.push(("save.qsand".to_owned(), save));
    cases.push(("random".to_owned(), (0..500u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()));
    for (name, bytes) in cases {
        let path = dir.join(&name);
        std::fs::write(&path, bytes).expect("writes");
        let output = run_tool(&["replay", &path.to_string_lossy(), "--module", "/nonexistent.wasm"]);
        assert_eq!(output.status.code(), Some(EXIT_REFUSED), "{name}: {}", stderr(&output));
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{name}: {message}");
        assert!(message.starts_with("error: "), "{name}: {message}");
        assert!(!message.contains("panicked"), "{name}: {message}");
        assert!(stdout(&output).is_empty(), "{name}");
    }
    let missing = run_tool(&["replay", &dir.join("missing").to_string_lossy()]);
    assert_eq!(missing.status.code(), Some(EXIT_REFUSED));
}

#[test]
fn an_undo_whose_recorded_result_differs_is_reported_as_a_divergence() {
    let Some(module_path) = built_module() else { return };
    let mut replay = decode(&fixture_bytes()).expect("decodes");
    // The RELOAD segment starts with an undo of nothing (the reload emptied
    // the history); claim it undid an entry.
    let event = &mut replay.segments[1].events[0];
    assert_eq!(event.command, Command::Undo { effective: false });
    event.command = Command::Undo { effective: true };
    let dir = scratch_dir("divergence");
    let path = dir.join("forged-undo.qsreplay");
    std::fs::write(&path, encode(&replay).expect("encodes")).expect("writes");
    let output = run_tool(&["replay", &path.to_string_lossy(), "--module", &module_path.to_string_lossy(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(json["divergences"], 1, "{json}");
    // The same commands ran, so the world is the recorded one.
    assert_eq!(json["matches"], true);
    assert!(stderr(&output).contains("segment 1 event 0"), "{}", stderr(&output));
}
