//! The bench's `replay` group: a scripted session of `minutes` at 60
//! frames a second, one step and one stroke segment a frame, on a 1024²
//! world (strokes that wander like a hand, a new stroke id about every
//! second, now and then an undo, a redo, a rectangle or a fill), recorded
//! from the sim's command log on the module, written as a `.qsreplay`, and
//! played back from that file by `quicksand-tools`' player (the module
//! under wasmtime on a crew of OS threads, as `quicksand-tools replay`
//! does) on 1 and 2 threads. Every playback must reach the recorded hash.
//!
//! Not on the native engine: a native `World` cannot attach an undo
//! history (`attach_history` is crate-private), so its undos would undo
//! nothing and the replay would diverge.

use std::time::Instant;

use anyhow::{ensure, Context, Result};
use quicksand_sim::sand::{Material, Scene, PAINT_MASK_DEFAULT};
use quicksand_tools::replay::player::play;
use quicksand_tools::replay::recording::Recording;
use quicksand_tools::replay::sim_world::Sim;
use quicksand_tools::replay::{decode, encode, Brush, Command, Replay, ShapeKind};
use serde::Serialize;

const SIDE: u32 = 1024;
const FRAMES_PER_SECOND: u32 = 60;
const SEED: u32 = 0x0051_ea7e;
/// The target for a 10-minute session.
const TARGET_BYTES: usize = 100 * 1024;
/// Crew threads the session is recorded on (any count gives the same replay).
const RECORD_THREADS: u32 = 2;

/// One line of the group; the keys of the other groups' rows come first.
#[derive(Debug, Serialize)]
struct ReplayRow {
    engine: &'static str,
    scene: &'static str,
    width: u32,
    height: u32,
    threads: u32,
    steps: u64,
    ms_per_step: f64,
    cells_per_sec: f64,
    hash: String,
    minutes: f64,
    events: usize,
    replay_bytes: usize,
    seconds: f64,
    matches: bool,
}

/// xorshift64*: the script is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    /// Uniform in -1.0 ..= 1.0.
    fn signed(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// A hand on the canvas: it keeps some of its velocity from frame to
/// frame, turns a little, and bounces off the edges.
struct Hand {
    at: (f64, f64),
    velocity: (f64, f64),
}

impl Hand {
    fn next(&mut self, rng: &mut Rng) -> (i32, i32) {
        self.velocity.0 = (self.velocity.0 * 0.9 + rng.signed() * 3.0).clamp(-24.0, 24.0);
        self.velocity.1 = (self.velocity.1 * 0.9 + rng.signed() * 3.0).clamp(-24.0, 24.0);
        for (position, velocity) in [(&mut self.at.0, &mut self.velocity.0), (&mut self.at.1, &mut self.velocity.1)] {
            *position += *velocity;
            if !(0.0..f64::from(SIDE)).contains(position) {
                *velocity = -*velocity;
                *position = position.clamp(0.0, f64::from(SIDE - 1));
            }
        }
        (self.at.0 as i32, self.at.1 as i32)
    }
}

/// Materials the hand picks for a stroke: mostly falling ones, and the
/// eraser often enough that the world does not fill up.
const PALETTE: [Material; 7] = [
    Material::Sand,
    Material::Water,
    Material::Empty,
    Material::Stone,
    Material::Oil,
    Material::Plant,
    Material::Empty,
];

fn brush(rng: &mut Rng) -> Brush {
    Brush {
        radius: 1 + rng.below(8),
        material: u32::from(PALETTE[rng.below(PALETTE.len() as u32) as usize].id()),
        mask: PAINT_MASK_DEFAULT,
    }
}

/// Records the scripted session of `minutes` on the module.
fn record(module: &[u8], minutes: f64) -> Result<Replay> {
    let frames = (minutes * 60.0 * f64::from(FRAMES_PER_SECOND)).round() as u64;
    let mut sim = Sim::new(module, RECORD_THREADS)?;
    let mut recording = Recording::fresh(&mut sim, SIDE, SIDE, SEED, Scene::Empty as u32)?;
    let mut rng = Rng(0x5e55_1011);
    let mut hand = Hand { at: (512.0, 300.0), velocity: (4.0, 0.0) };
    let mut stroke_id = 0u32;
    let mut stroke_left = 0;
    let mut current = brush(&mut rng);
    let mut pen = hand.next(&mut rng);
    for _ in 0..frames {
        if stroke_left == 0 {
            // About a second per stroke; the hand lifts and lands elsewhere now and then.
            stroke_id += 1;
            stroke_left = 40 + rng.below(41);
            recording.push(&Command::BeginStroke { id: stroke_id })?;
            if rng.below(3) == 0 {
                current = brush(&mut rng);
            }
            if rng.below(4) == 0 {
                hand.at = (f64::from(rng.below(SIDE)), f64::from(rng.below(SIDE / 2)));
                pen = hand.next(&mut rng);
            }
            match rng.below(40) {
                0 | 1 => recording.push(&Command::Undo { effective: true })?,
                2 => recording.push(&Command::Redo { effective: true })?,
                3 => {
                    let (x, y) = (rng.below(SIDE - 64) as i32, rng.below(SIDE - 64) as i32);
                    let to = (x + 8 + rng.below(56) as i32, y + 8 + rng.below(56) as i32);
                    let shape = if rng.below(2) == 0 { ShapeKind::RectFilled } else { ShapeKind::RectOutline };
                    recording.push(&Command::Shape { shape, from: (x, y), to, brush: current })?;
                }
                4 => {
                    let at = (rng.below(SIDE) as i32, rng.below(SIDE) as i32);
                    recording.push(&Command::Fill { at, material: u32::from(Material::Water.id()) })?;
                }
                _ => {}
            }
        }
        let to = hand.next(&mut rng);
        recording.push(&Command::Shape { shape: ShapeKind::Stroke, from: pen, to, brush: current })?;
        pen = to;
        stroke_left -= 1;
        recording.step(1)?;
    }
    Ok(recording.finish()?.0)
}

fn row(
    engine: &'static str,
    threads: u32,
    replay: &Replay,
    bytes: usize,
    minutes: f64,
    hash: u64,
    seconds: f64,
) -> ReplayRow {
    let ms_per_step = seconds * 1e3 / replay.final_step.max(1) as f64;
    ReplayRow {
        engine,
        scene: "replay",
        width: SIDE,
        height: SIDE,
        threads,
        steps: replay.final_step,
        ms_per_step,
        cells_per_sec: f64::from(SIDE) * f64::from(SIDE) / (ms_per_step / 1e3),
        hash: format!("{hash:016x}"),
        minutes,
        events: replay.event_count(),
        replay_bytes: bytes,
        seconds,
        matches: hash == replay.final_hash,
    }
}

/// Runs the group and prints its lines (and JSON rows with `json`).
pub fn run(module: &[u8], minutes: f64, json: bool) -> Result<()> {
    println!("\nreplay: a scripted {minutes}-minute session at {FRAMES_PER_SECOND} strokes/s on {SIDE}², recorded on {RECORD_THREADS} threads");
    let started = Instant::now();
    let recorded = record(module, minutes).context("recording the session")?;
    let recording_seconds = started.elapsed().as_secs_f64();
    let file = encode(&recorded)?;
    // Play what the file says, not what was recorded in memory.
    let replay = decode(&file)?;
    ensure!(replay == recorded, "the file does not decode to the recorded session");
    let per_ten_minutes = file.len() as f64 * 10.0 / minutes;
    println!(
        "  {} events, {} steps, recorded in {recording_seconds:.1} s: {} bytes ({per_ten_minutes:.0} bytes per 10 minutes)",
        replay.event_count(),
        replay.final_step,
        file.len()
    );
    println!(
        "  [{}] .qsreplay of 10 minutes < {TARGET_BYTES} bytes: {per_ten_minutes:.0}",
        if per_ten_minutes < TARGET_BYTES as f64 { "pass" } else { "FAIL" }
    );
    let mut rows = Vec::new();
    for threads in [1, 2] {
        let mut sim = Sim::new(module, threads)?;
        let played = play(&mut sim, &replay)?;
        rows.push(row("wasm", threads, &replay, file.len(), minutes, played.hash, played.seconds));
    }
    for row in &rows {
        println!(
            "  {:<7} {} thread(s): replayed in {:>7.2} s ({:.3} ms/step), hash {} {}",
            row.engine,
            row.threads,
            row.seconds,
            row.ms_per_step,
            row.hash,
            if row.matches { "= recorded" } else { "DIFFERS from the recorded hash" }
        );
        if json {
            println!("{}", serde_json::to_string(row)?);
        }
    }
    ensure!(rows.iter().all(|row| row.matches), "a replay did not reach the recorded hash");
    Ok(())
}
