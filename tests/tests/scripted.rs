//! The scripted sequence the browser test replays in Chromium: the same
//! schedule (tests/browser/scripted-sequence.json) run here under wasmtime.
//! The hash is written to target/scripted-hash.txt, and the browser test
//! requires the page to reach the very same hash.

use std::path::PathBuf;

use anyhow::{Context, Result};
use quicksand_sim::sand::Scene;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Stroke {
    at: u32,
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
    radius: i32,
    material: i32,
}

#[derive(Debug, Deserialize)]
struct Sequence {
    width: u32,
    height: u32,
    seed: u32,
    scene: u32,
    steps_total: u32,
    strokes: Vec<Stroke>,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the sequence on `threads` crew workers and returns the hash.
fn replay(module: &SimModule, sequence: &Sequence, threads: u32) -> Result<u64> {
    let mut sim = WasmSim::new(module, sequence.width, sequence.height, sequence.seed)?;
    let scene = Scene::from_u32(sequence.scene).with_context(|| format!("unknown scene {}", sequence.scene))?;
    sim.scene(scene)?;
    let mut done = 0;
    for stroke in &sequence.strokes {
        if stroke.at > done {
            sim.run(threads, stroke.at - done)?;
            done = stroke.at;
        }
        sim.paint((stroke.x0, stroke.y0), (stroke.x1, stroke.y1), stroke.radius, stroke.material)?;
    }
    sim.run(threads, sequence.steps_total - done)?;
    sim.hash()
}

#[test]
fn scripted_sequence_hash_is_recorded_for_the_browser_test() -> Result<()> {
    let path = repo().join("tests/browser/scripted-sequence.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let sequence: Sequence = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let module = SimModule::built(Variant::Release)?;
    let hash = replay(&module, &sequence, 2)?;
    anyhow::ensure!(
        replay(&module, &sequence, 3)? == hash,
        "the scripted sequence is not deterministic across thread counts"
    );
    let out = repo().join("target/scripted-hash.txt");
    std::fs::write(&out, format!("{hash:016x}\n")).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("scripted sequence: {hash:016x} -> {}", out.display());
    Ok(())
}
