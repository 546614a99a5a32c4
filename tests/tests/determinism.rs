//! The state after k steps is a pure function of size, seed and the inputs
//! applied at given step numbers: the same for 1..16 threads, the same with
//! no crew at all, and the same natively as in wasm.

use std::sync::Arc;

use anyhow::{ensure, Result};
use quicksand_sim::sand::{Material, Scene};
use quicksand_tests::native::NativeWorld;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const WIDTH: u32 = 192;
const HEIGHT: u32 = 160;
const SEED: u32 = 0xC0FFEE;
const STEPS: u32 = 1000;
const MAX_THREADS: u32 = 16;

/// A paint stroke applied before step `at`.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    at: u32,
    from: (i32, i32),
    to: (i32, i32),
    radius: u32,
    material: Material,
}

const fn stroke(at: u32, from: (i32, i32), to: (i32, i32), radius: u32, material: Material) -> Stroke {
    Stroke { at, from, to, radius, material }
}

/// Inputs for every scene: fire into the mixed scene's fuel, more sand and
/// water, an eraser pass, and a stroke that starts outside the world.
const INPUTS: &[Stroke] = &[
    stroke(0, (10, 5), (180, 5), 3, Material::Sand),
    stroke(0, (20, 40), (60, 90), 4, Material::Fire),
    stroke(150, (100, 10), (140, 20), 5, Material::Water),
    stroke(300, (-20, 70), (90, 75), 2, Material::Lava),
    stroke(450, (0, 120), (191, 120), 6, Material::Empty),
    stroke(600, (50, 2), (150, 2), 2, Material::Gunpowder),
    stroke(601, (50, 8), (150, 8), 1, Material::Fire),
    stroke(800, (30, 30), (160, 30), 3, Material::Acid),
];

/// Every material, each as its own stroke before the first step: the
/// scene that has all of them in motion and reacting.
fn every_material_strokes() -> Vec<Stroke> {
    Material::ALL
        .iter()
        .enumerate()
        .map(|(index, &material)| {
            let x = 6 + (index as i32 % 8) * 23;
            let y = 20 + (index as i32 / 8) * 50;
            stroke(0, (x, y), (x + 12, y + 20), 5, material)
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct Case {
    name: &'static str,
    scene: Scene,
    with_every_material: bool,
}

const CASES: &[Case] = &[
    Case { name: "active", scene: Scene::Active, with_every_material: false },
    Case { name: "mixed", scene: Scene::Mixed, with_every_material: false },
    Case { name: "every-material", scene: Scene::Empty, with_every_material: true },
];

fn inputs(case: &Case) -> Vec<Stroke> {
    let mut all = if case.with_every_material { every_material_strokes() } else { Vec::new() };
    all.extend_from_slice(INPUTS);
    all
}

/// Runs the schedule: steps up to each stroke's step, paint, continue.
fn drive(
    strokes: &[Stroke],
    mut run: impl FnMut(u32) -> Result<()>,
    mut paint: impl FnMut(&Stroke) -> Result<()>,
) -> Result<()> {
    let mut done = 0;
    for stroke in strokes {
        if stroke.at > done {
            run(stroke.at - done)?;
            done = stroke.at;
        }
        paint(stroke)?;
    }
    run(STEPS - done)
}

fn wasm_hash(module: &SimModule, case: &Case, threads: Option<u32>, strokes: &[Stroke]) -> Result<u64> {
    let mut sim = WasmSim::new(module, WIDTH, HEIGHT, SEED)?;
    sim.scene(case.scene)?;
    let sim = std::cell::RefCell::new(sim);
    drive(
        strokes,
        |steps| match threads {
            Some(threads) => sim.borrow_mut().run(threads, steps).map(drop),
            None => sim.borrow_mut().step_here(steps),
        },
        |s| sim.borrow_mut().paint(s.from, s.to, s.radius as i32, s.material.id() as i32),
    )?;
    let hash = sim.borrow_mut().hash()?;
    Ok(hash)
}

fn native_hash(case: &Case, threads: u32) -> Result<u64> {
    let world = Arc::new(NativeWorld::new(WIDTH, HEIGHT, SEED as u64)?);
    world.load_scene(case.scene);
    drive(
        &inputs(case),
        |steps| world.run(threads, steps),
        |s| {
            world
                .world()
                .enqueue_paint(s.from.0, s.from.1, s.to.0, s.to.1, s.radius, u32::from(s.material.id()))
                .map_err(|e| anyhow::anyhow!("paint: {e:?}"))
        },
    )?;
    Ok(world.hash())
}

#[test]
fn hashes_are_bit_identical_for_1_to_16_threads_after_1000_steps() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    for case in CASES {
        let reference = wasm_hash(&module, case, None, &inputs(case))?;
        for threads in 1..=MAX_THREADS {
            let hash = wasm_hash(&module, case, Some(threads), &inputs(case))?;
            ensure!(
                hash == reference,
                "{}: {threads} threads gave {hash:#018x}, one thread without a crew {reference:#018x}",
                case.name
            );
        }
        eprintln!("{}: {reference:#018x} on 1..={MAX_THREADS} threads", case.name);
    }
    Ok(())
}

#[test]
fn native_and_wasm_hashes_are_equal() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    for case in CASES {
        let wasm = wasm_hash(&module, case, Some(2), &inputs(case))?;
        for threads in [1, 3] {
            let native = native_hash(case, threads)?;
            ensure!(native == wasm, "{}: native ({threads} threads) {native:#018x} != wasm {wasm:#018x}", case.name);
        }
    }
    Ok(())
}

#[test]
fn negative_control_one_cell_of_input_or_another_seed_changes_the_hash() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let case = &CASES[1];
    let strokes = inputs(case);
    let reference = wasm_hash(&module, case, Some(2), &strokes)?;

    // The eraser overwrites whatever is there, so moving it by one row must
    // change the world (a sand stroke over filled cells might not).
    let mut nudged = strokes.clone();
    let eraser =
        nudged.iter_mut().find(|s| s.material == Material::Empty).ok_or_else(|| anyhow::anyhow!("no eraser stroke"))?;
    eraser.from.1 += 1;
    eraser.to.1 += 1;
    let moved = wasm_hash(&module, case, Some(2), &nudged)?;
    eprintln!("eraser one row lower: {moved:#018x} vs {reference:#018x}");
    ensure!(moved != reference, "moving the eraser by one row left the hash unchanged");

    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, SEED + 1)?;
    sim.scene(case.scene)?;
    sim.run(2, 10)?;
    let mut same_seed = WasmSim::new(&module, WIDTH, HEIGHT, SEED)?;
    same_seed.scene(case.scene)?;
    same_seed.run(2, 10)?;
    ensure!(sim.hash()? != same_seed.hash()?, "another seed gave the same hash");
    Ok(())
}

#[test]
fn sand_and_water_are_conserved_when_nothing_reacts_on_many_threads() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Active)?;
    let sand = i32::from(Material::Sand.id());
    let water = i32::from(Material::Water.id());
    let before = (sim.count(sand)?, sim.count(water)?);
    ensure!(before.0 > 0 && before.1 > 0, "the active scene should hold sand and water: {before:?}");
    for threads in [4, 7] {
        sim.run(threads, 150)?;
        ensure!((sim.count(sand)?, sim.count(water)?) == before, "{threads} threads changed the counts");
    }
    Ok(())
}

#[test]
fn world_exports_refuse_bad_input_without_touching_the_world() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 64, 64, 1)?;
    sim.scene(Scene::Mixed)?;
    let world = sim.world;
    let hash = sim.hash()?;
    let main = sim.main();
    let cases: Vec<(&str, i32)> = vec![
        ("qs_world_new(0 wide)", main.call("qs_world_new", (0, 10, 1))?),
        ("qs_world_new(-5 high)", main.call("qs_world_new", (10, -5, 1))?),
        ("qs_world_new(5000 wide)", main.call("qs_world_new", (5000, 10, 1))?),
        ("qs_world_new(4096² × 300 000)", main.call("qs_world_new", (4096, 300_000, 1))?),
        ("qs_world_width(bad handle)", main.call("qs_world_width", 99)?),
        ("qs_world_paint(material 300)", main.call("qs_world_paint", (world, 1, 1, 5, 5, 2, 300))?),
        ("qs_world_paint(material -1)", main.call("qs_world_paint", (world, 1, 1, 5, 5, 2, -1))?),
        ("qs_world_paint(radius -3)", main.call("qs_world_paint", (world, 1, 1, 5, 5, -3, 2))?),
        ("qs_world_paint(radius 10 000)", main.call("qs_world_paint", (world, 1, 1, 5, 5, 10_000, 2))?),
        ("qs_world_paint(far outside)", main.call("qs_world_paint", (world, i32::MIN, 0, i32::MAX, 0, 2, 2))?),
        ("qs_world_scene(9)", main.call("qs_world_scene", (world, 9))?),
        ("qs_world_step(-1)", main.call("qs_world_step", (world, -1))?),
        ("qs_world_count(material 200)", main.call("qs_world_count", (world, 200))?),
        ("qs_crew_new(0)", main.call("qs_crew_new", 0)?),
        ("qs_crew_new(65)", main.call("qs_crew_new", 65)?),
        ("qs_crew_run_steps(bad crew)", main.call("qs_crew_run_steps", (77, world, 0, 1, 10))?),
    ];
    for (call, code) in &cases {
        ensure!(*code < 0, "{call} returned {code}, expected a negative error code");
    }
    ensure!(main.call::<i32, i32>("qs_world_queued_paint", world)? == 0, "a refused stroke was queued");
    ensure!(sim.hash()? == hash, "refused calls changed the world");
    // A stroke partly outside the world is clipped, not refused.
    sim.paint((-10, 10), (10, 10), 2, i32::from(Material::Sand.id()))?;
    Ok(())
}

#[test]
fn worlds_that_memory_cannot_hold_are_refused_and_the_others_keep_working() -> Result<()> {
    const OUT_OF_MEMORY: i32 = -3;
    const TABLE_FULL: i32 = -6;
    const SIDE: i32 = 4096;
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 64, 64, 1)?;
    sim.scene(Scene::Mixed)?;
    let first_hash = sim.hash()?;
    let main = sim.main();
    let mut created = Vec::new();
    let refusal = loop {
        let code: i32 = main.call("qs_world_new", (SIDE, SIDE, 7))?;
        if code < 0 {
            break code;
        }
        created.push(code);
        ensure!(created.len() < 64, "a 1 GiB memory should not hold 64 worlds of 4096²");
    };
    eprintln!("{} worlds of 4096² fit; the next was refused with {refusal}", created.len());
    ensure!(refusal == OUT_OF_MEMORY || refusal == TABLE_FULL, "unexpected refusal {refusal}");
    ensure!(!created.is_empty(), "at least one 4096² world must fit");
    // Freeing one makes room again, in the same memory.
    let freed = created[0];
    ensure!(main.call::<i32, i32>("qs_world_free", freed)? == 0, "free");
    let again: i32 = main.call("qs_world_new", (SIDE, SIDE, 8))?;
    ensure!(again >= 0, "a freed world's memory was not reused: {again}");
    ensure!(sim.hash()? == first_hash, "the small world changed while memory ran out");
    sim.run(2, 5)?;
    Ok(())
}
