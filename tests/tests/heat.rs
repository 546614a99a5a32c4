//! Heat in the wasm module and natively: the `Thermal` scene gives
//! bit-identical hashes after 1000 steps for 1..16 threads, with and
//! without a crew, and natively; a one-degree change to one cell changes
//! the hash (the negative control).

use std::sync::Arc;

use anyhow::{ensure, Result};
use quicksand_sim::sand::{Scene, PAINT_TOOL_HEAT};
use quicksand_tests::native::NativeWorld;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const WIDTH: u32 = 192;
const HEIGHT: u32 = 160;
const SEED: u32 = 0x7E4A;
const STEPS: u32 = 1000;
const MAX_THREADS: u32 = 16;

fn wasm_hash(module: &SimModule, threads: Option<u32>) -> Result<u64> {
    let mut sim = WasmSim::new(module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Thermal)?;
    // Some heat brushed on too, half-way.
    match threads {
        Some(threads) => sim.run(threads, STEPS / 2).map(drop)?,
        None => sim.step_here(STEPS / 2)?,
    }
    sim.paint((10, 150), (180, 150), 6, PAINT_TOOL_HEAT as i32)?;
    match threads {
        Some(threads) => sim.run(threads, STEPS / 2).map(drop)?,
        None => sim.step_here(STEPS / 2)?,
    }
    sim.hash()
}

#[test]
fn thermal_hashes_are_bit_identical_for_1_to_16_threads_and_native() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let reference = wasm_hash(&module, None)?;
    for threads in 1..=MAX_THREADS {
        let hash = wasm_hash(&module, Some(threads))?;
        ensure!(hash == reference, "{threads} threads gave {hash:#018x}, no crew {reference:#018x}");
    }
    for threads in [1, 3, 8] {
        let world = Arc::new(NativeWorld::new(WIDTH, HEIGHT, u64::from(SEED))?);
        world.load_scene(Scene::Thermal);
        world.run(threads, STEPS / 2)?;
        world
            .world()
            .enqueue_paint(10, 150, 180, 150, 6, PAINT_TOOL_HEAT)
            .map_err(|e| anyhow::anyhow!("paint: {e:?}"))?;
        world.run(threads, STEPS / 2)?;
        let native = world.hash();
        ensure!(native == reference, "native ({threads} threads) {native:#018x} != wasm {reference:#018x}");
    }
    eprintln!("thermal: {reference:#018x} on 1..={MAX_THREADS} threads, no crew, and natively");
    Ok(())
}

#[test]
fn negative_control_one_degree_on_one_cell_changes_the_hash() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut a = WasmSim::new(&module, 64, 64, 1)?;
    a.scene(Scene::Settled)?;
    let mut b = WasmSim::new(&module, 64, 64, 1)?;
    b.scene(Scene::Settled)?;
    ensure!(a.hash()? == b.hash()?, "equal worlds hash differently");
    // Edit one cell's temperature through a save: +8 units = +1 °C.
    let mut saved = b.save()?;
    let cells = 64 * 64;
    let at = 32 + 2 * cells + 2 * (30 * 64 + 30);
    let units = i16::from_le_bytes([saved[at], saved[at + 1]]) + 8;
    saved[at..at + 2].copy_from_slice(&units.to_le_bytes());
    let body = saved.len() - 8;
    let mut hasher = quicksand_sim::sand::WordHasher::new();
    hasher.write_bytes(&saved[..body]);
    let sum = hasher.finish();
    saved[body..].copy_from_slice(&sum.to_le_bytes());
    ensure!(b.load(&saved)? == 0, "the edited save was refused");
    let handle = b.world;
    let temperature: i32 = b.main().call("qs_world_cell_temperature", (handle, 30, 30))?;
    ensure!(temperature == i32::from(units), "the edit did not land: {temperature}");
    ensure!(a.hash()? != b.hash()?, "one degree on one cell left the hash unchanged");
    Ok(())
}
