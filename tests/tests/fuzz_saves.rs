//! The save fuzzer (tests/src/fuzz/saves.rs): mutated saves loaded through
//! the real snapshot exports of `sim.wasm` and `sim-st.wasm`.
//!
//! `QS_FUZZ_SEED` replays a run (the seed is printed either way) and
//! `QS_FUZZ_SAVES` sets the loads per build (default 10 000).

use anyhow::{ensure, Result};
use quicksand_sim::sand::SNAPSHOT_HEADER_BYTES;
use quicksand_tests::fuzz::expect::{code, Codes};
use quicksand_tests::fuzz::rng::{count_from_env, seed_from_env};
use quicksand_tests::fuzz::save_format::{checksum, expected_code, judge_load, reseal, LoadObservation, SaveLayout};
use quicksand_tests::fuzz::saves;
use quicksand_tests::fuzz::{Build, Export, LoadedModule, Target, WasmTarget};

const DEFAULT_LOADS: u64 = 10_000;

#[test]
fn mutated_saves_are_refused_cleanly_or_load_to_the_same_world_on_both_builds() -> Result<()> {
    let seed = seed_from_env("QS_FUZZ_SEED")?;
    let loads = count_from_env("QS_FUZZ_SAVES", DEFAULT_LOADS)?;
    let replay = format!(
        "QS_FUZZ_SEED={seed:#x} QS_FUZZ_SAVES={loads} cargo test --release -p quicksand-tests --test fuzz_saves"
    );
    eprintln!("fuzz_saves: seed {seed:#x}, {loads} loads per build");
    for build in Build::ALL {
        let started = std::time::Instant::now();
        let report = saves::run(&LoadedModule::built(build)?, seed, loads, &replay)?;
        eprintln!(
            "fuzz_saves: {}: {} loads ({} accepted, {} refused; codes {}), seed {seed:#x}, {:.1} s",
            build.file_name(),
            report.loads,
            report.accepted,
            report.refused,
            report.codes_line(),
            started.elapsed().as_secs_f64()
        );
        ensure!(report.loads >= loads, "{}: only {} loads", build.file_name(), report.loads);
        ensure!(report.accepted > 0 && report.refused > 0, "{}: one-sided run {report:?}", build.file_name());
    }
    Ok(())
}

/// A real save of a small world, and its world.
fn real_save() -> Result<(WasmTarget, i32, Vec<u8>)> {
    let mut target = WasmTarget::new(&LoadedModule::built(Build::Threaded)?)?;
    let world = target.call(Export::WorldNew, &[70, 40, 9])? as i32;
    ensure!(world > 0 && target.call(Export::WorldScene, &[world, 2])? == 0, "setting up a world");
    let len = target.call(Export::SnapshotSave, &[world])?;
    let address = target.call(Export::SnapshotPtr, &[world])?;
    ensure!(len > 0 && address > 0, "saving: {len} at {address}");
    let bytes = target.read_bytes(address as u32, len as usize)?;
    Ok((target, world, bytes))
}

#[test]
fn negative_control_the_checksum_is_the_real_one_and_resealing_is_what_gets_past_it() -> Result<()> {
    let (mut target, world, save) = real_save()?;
    let layout = SaveLayout::new(70, 40)?;
    ensure!(
        save[layout.checksum..] == checksum(&save[..layout.checksum]).to_le_bytes(),
        "our checksum differs from the writer's"
    );
    ensure!(expected_code(&save, 70, 40, &layout) == 0, "an untouched save is not classed as loadable");
    let address = target.call(Export::SnapshotPtr, &[world])? as u32;
    let mut load = |bytes: &[u8]| -> Result<i64> {
        target.write_bytes(address, bytes)?;
        target.call(Export::SnapshotLoad, &[world, bytes.len() as i32])
    };
    let mut flipped = save.clone();
    flipped[SNAPSHOT_HEADER_BYTES + 5] ^= 0x40;
    ensure!(load(&flipped)? == i64::from(code::CORRUPT), "a flipped cell without a new checksum must be corrupt");
    reseal(&mut flipped);
    ensure!(load(&flipped)? == 0, "the same flip, resealed, must load: it is a valid save of another world");
    Ok(())
}

#[test]
fn negative_control_the_load_oracle_reports_wrong_answers() -> Result<()> {
    let quiet = LoadObservation {
        code: 0,
        before: (11, 3),
        after: (11, 3),
        footprint_before: (4096, 65536),
        footprint_after: (4096, 65536),
    };
    // A truncated file reported as loaded.
    ensure!(judge_load(code::NOT_A_SAVE, Codes::NONE, &quiet).is_err(), "a wrong acceptance passed");
    // A refusal that changed the world anyway.
    let changed = LoadObservation { code: i64::from(code::CORRUPT), after: (12, 3), ..quiet };
    ensure!(judge_load(code::CORRUPT, Codes::NONE, &changed).is_err(), "a refusal that changed the world passed");
    // A refusal that allocated.
    let grew = LoadObservation { code: i64::from(code::CORRUPT), footprint_after: (8192, 65536), ..quiet };
    ensure!(judge_load(code::CORRUPT, Codes::NONE, &grew).is_err(), "a refusal that grew the heap passed");
    // A valid save refused.
    let refused = LoadObservation { code: i64::from(code::NOT_A_SAVE), ..quiet };
    ensure!(judge_load(0, Codes::NONE, &refused).is_err(), "a wrong refusal passed");
    // And the right answers pass.
    ensure!(judge_load(0, Codes::NONE, &quiet).is_ok(), "a clean acceptance failed");
    ensure!(judge_load(code::NOT_A_SAVE, Codes::NONE, &refused).is_ok(), "a clean refusal failed");
    Ok(())
}
