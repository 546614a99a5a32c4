//! Saves written by version 1 of the format (before temperature) still
//! load: at ambient temperature, with every material where it was.
//!
//! The fixture `tests/fixtures/save-v1-mixed-96x64.qsand` was written by the
//! v1 code (`write_v1_fixture` below, run once before the temperature plane
//! existed; tests/fixtures/README.md records how).

use anyhow::{ensure, Result};
use quicksand_sim::sand::Scene;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/save-v1-mixed-96x64.qsand");
const WIDTH: u32 = 96;
const HEIGHT: u32 = 64;
const SEED: u32 = 0x5A1D;
const STEPS: u32 = 40;

/// Writes the v1 fixture and prints its hash after a load. Run only by
/// hand, with the v1 code: `QS_WRITE_V1_FIXTURE=1 cargo test --release -p
/// quicksand-tests --test save_v1 -- --ignored write_v1_fixture`.
#[test]
#[ignore = "writes the committed fixture; run by hand with the v1 code"]
fn write_v1_fixture() -> Result<()> {
    ensure!(std::env::var_os("QS_WRITE_V1_FIXTURE").is_some(), "set QS_WRITE_V1_FIXTURE=1");
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Mixed)?;
    sim.run(2, STEPS)?;
    let saved = sim.save()?;
    let mut loaded = WasmSim::new(&module, WIDTH, HEIGHT, 1)?;
    ensure!(loaded.load(&saved)? == 0, "the fresh save does not load");
    let hash = loaded.hash()?;
    std::fs::write(FIXTURE, &saved)?;
    let hash_file = FIXTURE.replace(".qsand", ".v1-hash");
    std::fs::write(&hash_file, format!("{hash:#018x}\n"))?;
    eprintln!("wrote {FIXTURE} ({} bytes), v1 hash after load {hash:#018x}", saved.len());
    Ok(())
}

#[test]
fn a_version_1_save_loads_at_ambient_temperature_with_its_materials() -> Result<()> {
    const MATERIAL_START: usize = 32;
    const AMBIENT_UNITS: i32 = 20 * 8;
    let bytes = std::fs::read(FIXTURE)?;
    ensure!(u16::from_le_bytes([bytes[4], bytes[5]]) == 1, "the fixture is not a version 1 save");
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, WIDTH, HEIGHT, 1)?;
    ensure!(sim.load(&bytes)? == 0, "the v1 save was refused");
    let world = sim.world;
    for y in 0..HEIGHT as i32 {
        for x in 0..WIDTH as i32 {
            let at = MATERIAL_START + (y as usize * WIDTH as usize + x as usize);
            let material: i32 = sim.main().call("qs_world_cell_material", (world, x, y))?;
            ensure!(material == i32::from(bytes[at]), "({x}, {y}): material {material}, saved {}", bytes[at]);
            let temperature: i32 = sim.main().call("qs_world_cell_temperature", (world, x, y))?;
            ensure!(temperature == AMBIENT_UNITS, "({x}, {y}) loaded at {temperature}, not ambient");
        }
    }
    // Saved again, it is a version 2 save of the same world.
    let resaved = sim.save()?;
    ensure!(u16::from_le_bytes([resaved[4], resaved[5]]) == 2, "a re-save is not version 2");
    let mut again = WasmSim::new(&module, WIDTH, HEIGHT, 2)?;
    ensure!(again.load(&resaved)? == 0, "the v2 re-save was refused");
    ensure!(again.hash()? == sim.hash()?, "the v2 re-save does not give the same hash");
    // The loaded world steps on.
    sim.run(2, 20)?;
    Ok(())
}
