//! Frames through the wasm exports (docs/CELLS.md, "Frames"): the crew's
//! frame pass gives the same world and the same pixels on 1..16 threads as
//! one thread without a crew; every published frame carries the exact
//! rectangle in which it differs from the one before; a settled world
//! publishes empty ones; `qs_world_render_now` shows strokes without a step
//! and is refused while a crew is busy.

use anyhow::{ensure, Result};
use quicksand_sim::sand::{Material, Scene, MATERIAL_COUNT, SHADE_COUNT, SNAPSHOT_HEADER_BYTES};
use quicksand_tests::memory_view::read_bytes;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const WIDTH: u32 = 192;
const HEIGHT: u32 = 160;
const SEED: u32 = 0xF2A3E5;
const BUSY: i32 = -7;
const INVALID_ARGUMENT: i32 = -1;
/// None: `qs_world_step` on the calling thread, no crew.
const THREADS: [Option<u32>; 8] = [None, Some(1), Some(2), Some(3), Some(4), Some(5), Some(8), Some(16)];

/// The front frame as the page reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Frame {
    seq: i32,
    pixels: Vec<u8>,
    dirty: [i32; 4],
}

fn front(sim: &mut WasmSim) -> Result<Frame> {
    let world = sim.world;
    let main = sim.main();
    let seq: i32 = main.call("qs_world_frame_seq", world)?;
    let address: i32 = main.call("qs_world_frame_ptr", world)?;
    let mut dirty = [0; 4];
    for (corner, name) in dirty.iter_mut().zip(["x0", "y0", "x1", "y1"]) {
        *corner = main.call(&format!("qs_world_frame_dirty_{name}"), world)?;
    }
    let width: i32 = main.call("qs_world_width", world)?;
    let height: i32 = main.call("qs_world_height", world)?;
    let pixels = read_bytes(&main.memory, address as u32, (width * height) as usize)?;
    Ok(Frame { seq, pixels, dirty })
}

/// What the frame must show, drawn from a save of the world's two planes:
/// `material * SHADE_COUNT + shade` (bytes that are no material as wall).
fn expected_pixels(sim: &mut WasmSim) -> Result<Vec<u8>> {
    let save = sim.save()?;
    let cells = (WIDTH * HEIGHT) as usize;
    let materials = &save[SNAPSHOT_HEADER_BYTES..SNAPSHOT_HEADER_BYTES + cells];
    let states = &save[SNAPSHOT_HEADER_BYTES + cells..SNAPSHOT_HEADER_BYTES + 2 * cells];
    let shade_mask = SHADE_COUNT as u8 - 1;
    Ok(materials
        .iter()
        .zip(states)
        .map(|(&m, &s)| {
            let material = if (m as usize) < MATERIAL_COUNT { m } else { Material::Wall.id() };
            material * SHADE_COUNT as u8 + (s & shade_mask)
        })
        .collect())
}

/// The exact bounding box of the pixels that differ, all 0 if none.
fn differences(before: &[u8], after: &[u8], width: usize) -> [i32; 4] {
    let mut bounds: Option<[i32; 4]> = None;
    for (index, (a, b)) in before.iter().zip(after).enumerate() {
        if a != b {
            let (x, y) = ((index % width) as i32, (index / width) as i32);
            let r = bounds.get_or_insert([x, y, x + 1, y + 1]);
            *r = [r[0].min(x), r[1].min(y), r[2].max(x + 1), r[3].max(y + 1)];
        }
    }
    bounds.unwrap_or([0; 4])
}

fn call(sim: &mut WasmSim, name: &str) -> Result<i32> {
    let world = sim.world;
    sim.main().call(name, world)
}

fn steps(sim: &mut WasmSim, threads: Option<u32>, steps: u32) -> Result<()> {
    match threads {
        Some(threads) => sim.run(threads, steps).map(drop),
        None => sim.step_here(steps),
    }
}

/// Per batch: request a frame, run 7 steps (the first draws it), record
/// the world's hash and the frame. Strokes go in before some batches.
fn frames_of(module: &SimModule, threads: Option<u32>, request_frames: bool) -> Result<Vec<(u64, Frame)>> {
    let mut sim = WasmSim::new(module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Mixed)?;
    let mut record = Vec::new();
    for batch in 0..12 {
        match batch {
            2 => sim.paint((10, 20), (180, 30), 3, i32::from(Material::Water.id()))?,
            5 => sim.paint((40, 60), (60, 120), 4, i32::from(Material::Fire.id()))?,
            8 => sim.paint((0, 100), (191, 100), 5, i32::from(Material::Empty.id()))?,
            _ => {}
        }
        if request_frames {
            call(&mut sim, "qs_world_request_frame")?;
        }
        steps(&mut sim, threads, 7)?;
        let hash = sim.hash()?;
        record.push((hash, front(&mut sim)?));
    }
    Ok(record)
}

#[test]
fn the_frame_pass_gives_the_same_world_and_pixels_on_1_to_16_threads() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let reference = frames_of(&module, None, true)?;
    for (batch, pair) in reference.windows(2).enumerate() {
        let (before, after) = (&pair[0].1, &pair[1].1);
        ensure!(after.seq == before.seq + 1, "batch {batch}: one frame per request");
        let exact = differences(&before.pixels, &after.pixels, WIDTH as usize);
        ensure!(after.dirty == exact, "batch {batch}: rectangle {:?}, the pixels differ in {exact:?}", after.dirty);
    }
    ensure!(reference.iter().filter(|(_, f)| f.dirty != [0; 4]).count() > 6, "the scene kept changing");
    for threads in THREADS.into_iter().flatten() {
        let frames = frames_of(&module, Some(threads), true)?;
        for (batch, (got, want)) in frames.iter().zip(&reference).enumerate() {
            ensure!(got.0 == want.0, "{threads} threads, batch {batch}: hash {:#x} != {:#x}", got.0, want.0);
            ensure!(got.1 == want.1, "{threads} threads, batch {batch}: the frame differs");
        }
    }
    // Negative control: without requests no frame is published, and the
    // world is the same: drawing frames never changes it.
    let without = frames_of(&module, Some(3), false)?;
    ensure!(
        without.iter().all(|(_, f)| f.seq == 1),
        "frames were published without a request (only the first is wanted from the start)"
    );
    ensure!(without.last().map(|r| r.0) == reference.last().map(|r| r.0), "frames changed the world");
    Ok(())
}

#[test]
fn frames_show_the_world_exactly() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Mixed)?;
    for threads in [2, 5] {
        call(&mut sim, "qs_world_request_frame")?;
        sim.run(threads, 1)?;
        let frame = front(&mut sim)?;
        ensure!(frame.pixels == expected_pixels(&mut sim)?, "{threads} threads: the frame is not the world");
    }
    // Negative control: a step without a request leaves the frame behind.
    sim.run(2, 1)?;
    ensure!(front(&mut sim)?.pixels != expected_pixels(&mut sim)?, "the mixed scene should have moved");
    Ok(())
}

#[test]
fn one_painted_cell_gives_a_one_cell_rectangle_and_a_settled_world_empty_ones() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 256, 256, 1)?;
    sim.scene(Scene::Settled)?;
    for _ in 0..3 {
        call(&mut sim, "qs_world_request_frame")?;
        sim.run(2, 2)?;
    }
    for _ in 0..3 {
        let seq = front(&mut sim)?.seq;
        call(&mut sim, "qs_world_request_frame")?;
        sim.run(2, 2)?;
        let frame = front(&mut sim)?;
        ensure!(frame.seq == seq + 1, "a frame is published");
        ensure!(frame.dirty == [0; 4], "a settled world changed {:?}", frame.dirty);
    }
    sim.paint((100, 10), (100, 10), 0, i32::from(Material::Stone.id()))?;
    call(&mut sim, "qs_world_request_frame")?;
    sim.run(2, 1)?;
    let frame = front(&mut sim)?;
    ensure!(frame.dirty == [100, 10, 101, 11], "one stone cell gave {:?}", frame.dirty);
    Ok(())
}

#[test]
fn render_now_shows_strokes_without_a_step_and_is_refused_while_a_crew_is_busy() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Active)?;
    call(&mut sim, "qs_world_request_frame")?;
    sim.run(2, 20)?;
    let before = front(&mut sim)?;
    let step_count = call(&mut sim, "qs_world_step_count")?;

    // While a crew has a step pending, render_now is refused and changes nothing.
    let crew: i32 = sim.main().call("qs_crew_new", 1)?;
    ensure!(crew > 0, "qs_crew_new: {crew}");
    ensure!(sim.main().call::<(i32, i32), i32>("qs_crew_request_steps", (crew, 1))? == 0, "request");
    sim.paint((20, 150), (170, 150), 2, i32::from(Material::Wall.id()))?;
    let hash = sim.hash()?;
    ensure!(call(&mut sim, "qs_world_render_now")? == BUSY, "render_now while busy must be refused with -7");
    ensure!(front(&mut sim)? == before, "a refused render_now published a frame");
    ensure!(call(&mut sim, "qs_world_queued_paint")? == 1, "a refused render_now applied the stroke");
    ensure!(sim.hash()? == hash, "a refused render_now changed the world");
    ensure!(sim.main().call::<i32, i32>("qs_crew_cancel_pending", crew)? == 0, "cancel");

    ensure!(call(&mut sim, "qs_world_render_now")? == 0, "render_now on an idle world");
    let after = front(&mut sim)?;
    ensure!(call(&mut sim, "qs_world_step_count")? == step_count, "render_now ran a step");
    ensure!(call(&mut sim, "qs_world_queued_paint")? == 0, "the stroke went in");
    ensure!(after.seq == before.seq + 1, "render_now publishes one frame");
    ensure!(after.pixels == expected_pixels(&mut sim)?, "the frame is the world, stroke included");
    let wall = Material::Wall.id() * SHADE_COUNT as u8;
    let row = 150 * WIDTH as usize;
    ensure!((20..=170).all(|x| after.pixels[row + x] & !(SHADE_COUNT as u8 - 1) == wall), "the stroke shows");
    ensure!(after.dirty == differences(&before.pixels, &after.pixels, WIDTH as usize), "exact rectangle");
    ensure!(after.dirty[1] <= 148 && after.dirty[3] >= 153, "the rectangle holds the stroke: {:?}", after.dirty);

    // Numbers that are not a live world handle are refused with -1.
    for name in ["x0", "y0", "x1", "y1"]
        .map(|c| format!("qs_world_frame_dirty_{c}"))
        .into_iter()
        .chain(["qs_world_render_now".into()])
    {
        for handle in [0, 7, crew, -1] {
            let code: i32 = sim.main().call(&name, handle)?;
            ensure!(code == INVALID_ARGUMENT, "{name}({handle}) returned {code}");
        }
    }
    ensure!(front(&mut sim)? == after, "refused calls changed the frame");
    Ok(())
}
