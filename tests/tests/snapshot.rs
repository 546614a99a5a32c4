//! Saving and loading through the wasm exports: the same hash, the same
//! future, and bad files refused with the world kept.

use anyhow::{ensure, Result};
use quicksand_sim::sand::Scene;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

/// Codes of docs/ABI.md.
const NOT_A_SAVE: i32 = -20;
const OTHER_SIZE: i32 = -22;
const CORRUPT: i32 = -23;

#[test]
fn save_then_load_into_another_world_gives_the_same_hash_and_future() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut original = WasmSim::new(&module, 130, 100, 11)?;
    original.scene(Scene::Mixed)?;
    original.paint((5, 5), (120, 30), 4, 6)?;
    original.run(3, 77)?;
    let saved = original.save()?;
    ensure!(&saved[..4] == b"QSND", "magic");

    let mut restored = WasmSim::new(&module, 130, 100, 999)?;
    ensure!(restored.load(&saved)? == 0, "load refused");
    ensure!(restored.hash()? == original.hash()?, "hash after load differs");
    original.run(2, 50)?;
    restored.run(4, 50)?;
    ensure!(restored.hash()? == original.hash()?, "the loaded world continued differently");
    Ok(())
}

#[test]
fn bad_files_are_refused_and_the_world_is_kept() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut source = WasmSim::new(&module, 64, 48, 1)?;
    source.scene(Scene::Mixed)?;
    let saved = source.save()?;
    let mut other = WasmSim::new(&module, 65, 48, 1)?;
    let other_size = other.save()?;

    let mut target = WasmSim::new(&module, 64, 48, 2)?;
    target.scene(Scene::Active)?;
    let before = target.hash()?;
    let mut flipped = saved.clone();
    flipped[40] ^= 0x10;
    let png_header = b"\x89PNG\r\n\x1a\n-- not a quicksand save --".to_vec();
    for (name, bytes, expected) in [
        ("one flipped bit", flipped, CORRUPT),
        ("a PNG", png_header, NOT_A_SAVE),
        ("truncated", saved[..saved.len() / 2].to_vec(), NOT_A_SAVE),
        ("empty", Vec::new(), NOT_A_SAVE),
        ("another size", other_size[..saved.len().min(other_size.len())].to_vec(), OTHER_SIZE),
    ] {
        let code = target.load(&bytes)?;
        ensure!(code == expected, "{name}: got {code}, expected {expected}");
        ensure!(target.hash()? == before, "{name}: the world changed");
    }
    Ok(())
}
