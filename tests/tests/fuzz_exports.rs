//! The export fuzzer (tests/src/fuzz/): seeded random calls on `sim.wasm`
//! and `sim-st.wasm`, each judged against a model of ABI version 2.
//!
//! `QS_FUZZ_SEED` replays a run (the seed is printed either way) and
//! `QS_FUZZ_CALLS` sets the number of calls (default 200 000 over both
//! builds; `./build.sh fuzz` makes a million). Next to the run are negative
//! controls: the judge and the driver fed modules that lie, each of which
//! must be caught.

use anyhow::{ensure, Context, Result};
use quicksand_sim::abi::HandleKind;
use quicksand_tests::fuzz::driver::{self, Session};
use quicksand_tests::fuzz::expect::{code, judge, Check, Expect, Outcome};
use quicksand_tests::fuzz::model::Model;
use quicksand_tests::fuzz::rng::{count_from_env, seed_from_env};
use quicksand_tests::fuzz::{Build, Call, Export, FuzzConfig, LoadedModule, Target, WasmTarget};

/// Calls over both builds unless `QS_FUZZ_CALLS` says otherwise.
const DEFAULT_CALLS: u64 = 200_000;

fn fuzz_both_builds(seed: u64, calls: u64) -> Result<()> {
    for build in Build::ALL {
        let module = LoadedModule::built(build)?;
        let mut config = FuzzConfig::new(seed, calls / 2);
        config.replay_hint = format!(
            "QS_FUZZ_SEED={seed:#x} QS_FUZZ_CALLS={calls} cargo test --release -p quicksand-tests --test fuzz_exports"
        );
        let report = driver::run(|| WasmTarget::new(&module), &config)?;
        eprintln!("fuzz_exports: {}", report.summary(build, seed));
        let one_sided = report.one_sided();
        if !one_sided.is_empty() {
            eprintln!("fuzz_exports: {}: only accepted or only refused: {}", build.file_name(), one_sided.join(", "));
        }
        ensure!(report.calls >= calls / 2, "{}: only {} calls ran", build.file_name(), report.calls);
    }
    Ok(())
}

#[test]
fn random_export_calls_match_the_model_on_both_builds() -> Result<()> {
    let seed = seed_from_env("QS_FUZZ_SEED")?;
    let calls = count_from_env("QS_FUZZ_CALLS", DEFAULT_CALLS)?;
    eprintln!("fuzz_exports: seed {seed:#x}, {calls} calls (QS_FUZZ_SEED={seed:#x} replays this run)");
    fuzz_both_builds(seed, calls)
}

#[test]
fn negative_control_the_judge_reports_a_fabricated_wrong_acceptance() -> Result<()> {
    // The model of a fresh instance refuses a world handle nobody issued.
    let model = Model::new(None, 1 << 30);
    let forged = quicksand_sim::abi::handle::encode(HandleKind::World, 1, 0);
    let expect = model.expect(&Call::new(Export::WorldWidth, &[forged]), 0);
    ensure!(expect == Expect::refused(&[code::INVALID]), "the model accepted a forged handle: {expect:?}");
    let verdict = judge(&expect, 64, 1 << 20);
    ensure!(
        verdict.as_ref().is_err_and(|why| why.contains("wrong acceptance")),
        "a fabricated acceptance passed: {verdict:?}"
    );
    ensure!(judge(&expect, i64::from(code::TABLE_FULL), 1 << 20).is_err(), "the wrong refusal code passed");
    ensure!(
        judge(&expect, i64::from(code::INVALID), 1 << 20) == Ok(Outcome::Refused(code::INVALID)),
        "the right refusal failed"
    );
    // And the other way round: a refusal where success is required.
    let must_succeed = Expect::ok(Check::Exactly(0));
    ensure!(judge(&must_succeed, i64::from(code::INVALID), 1 << 20).is_err(), "a fabricated refusal passed");
    Ok(())
}

/// How a lying module misbehaves.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lie {
    /// Answers 7 wherever `qs_world_width` should refuse.
    AcceptsBadWidthHandles,
    /// Allocates a stack whenever it refuses a stroke.
    AllocatesWhenRefusingPaint,
    /// Steps a world whenever it refuses a stroke.
    StepsWhenRefusingPaint,
    /// Damages the main thread's canary after 300 calls.
    DamagesACanary,
}

/// The real module behind a wrapper that breaks one promise.
struct Liar {
    inner: WasmTarget,
    lie: Lie,
    worlds: Vec<i32>,
    calls: u64,
}

impl Target for Liar {
    fn call(&mut self, export: Export, args: &[i32]) -> Result<i64> {
        self.calls += 1;
        let got = self.inner.call(export, args)?;
        match (self.lie, export) {
            (_, Export::WorldNew) if got > 0 => self.worlds.push(got as i32),
            (_, Export::WorldFree) if got == 0 => self.worlds.retain(|&w| w != args[0]),
            (Lie::AcceptsBadWidthHandles, Export::WorldWidth) if got < 0 => return Ok(7),
            (Lie::AllocatesWhenRefusingPaint, Export::WorldPaint) if got < 0 => {
                self.inner.call(Export::ThreadNew, &[16 * 1024, 0, 0])?;
            }
            (Lie::StepsWhenRefusingPaint, Export::WorldPaint) if got < 0 => {
                if let Some(&world) = self.worlds.first() {
                    self.inner.call(Export::WorldStep, &[world, 1])?;
                }
            }
            (Lie::DamagesACanary, _) if self.calls == 300 => {
                if let Some(thread) = self.inner.own_thread() {
                    let slot = self.inner.call(Export::ThreadSlot, &[thread])? as u32;
                    let low = u32::from_le_bytes(
                        self.inner.read_bytes(slot, 4)?.try_into().map_err(|_| anyhow::anyhow!("slot"))?,
                    );
                    self.inner.write_bytes(low + 8, &[0xAA; 8])?;
                }
            }
            _ => {}
        }
        Ok(got)
    }
    fn memory_bytes(&mut self) -> u64 {
        self.inner.memory_bytes()
    }
    fn max_memory_bytes(&self) -> u64 {
        self.inner.max_memory_bytes()
    }
    fn read_bytes(&mut self, address: u32, len: usize) -> Result<Vec<u8>> {
        self.inner.read_bytes(address, len)
    }
    fn write_bytes(&mut self, address: u32, bytes: &[u8]) -> Result<()> {
        self.inner.write_bytes(address, bytes)
    }
    fn build(&self) -> Build {
        self.inner.build()
    }
    fn own_thread(&self) -> Option<i32> {
        self.inner.own_thread()
    }
}

/// Fuzzes a lying module; the run must fail, naming one of `symptoms` and
/// the seed.
fn lie_is_caught(lie: Lie, symptoms: &[&str]) -> Result<()> {
    const SEED: u64 = 0x5EED;
    let module = LoadedModule::built(Build::Threaded)?;
    let mut config = FuzzConfig::new(SEED, 20_000);
    config.fill_memory_once = false;
    config.sweep_every = 100;
    let result =
        driver::run(|| Ok(Liar { inner: WasmTarget::new(&module)?, lie, worlds: Vec::new(), calls: 0 }), &config);
    let error = match result {
        Ok(report) => anyhow::bail!("{lie:?} went unnoticed for {} calls", report.calls),
        Err(error) => format!("{error:#}"),
    };
    eprintln!("{lie:?} caught:\n{error}");
    ensure!(
        symptoms.iter().any(|symptom| error.contains(symptom)),
        "{lie:?}: the report says none of {symptoms:?}:\n{error}"
    );
    ensure!(error.contains("QS_FUZZ_SEED=0x5eed"), "{lie:?}: the report does not say how to replay it:\n{error}");
    Ok(())
}

#[test]
fn negative_control_a_module_that_accepts_bad_handles_is_caught() -> Result<()> {
    lie_is_caught(Lie::AcceptsBadWidthHandles, &["qs_world_width"])
}

#[test]
fn negative_control_a_refusal_that_allocates_is_caught() -> Result<()> {
    lie_is_caught(Lie::AllocatesWhenRefusingPaint, &["changed the heap top"])
}

#[test]
fn negative_control_a_refusal_that_changes_a_world_is_caught() -> Result<()> {
    lie_is_caught(Lie::StepsWhenRefusingPaint, &["a refusal changed world"])
}

#[test]
fn negative_control_a_damaged_canary_is_caught() -> Result<()> {
    // Found by a sweep, or by a crew this thread steps faulting with -12.
    lie_is_caught(Lie::DamagesACanary, &["canary", "returned -12"])
}

#[test]
fn freed_world_memory_is_reused_by_any_size_that_fits_on_both_builds() -> Result<()> {
    for build in Build::ALL {
        let module = LoadedModule::built(build)?;
        let config = FuzzConfig::new(1, 0);
        let mut session = Session::new(WasmTarget::new(&module)?, 1, 0, &config)?;
        let name = build.file_name();
        let top = |s: &mut Session<WasmTarget>| s.target.call(Export::HeapTop, &[]);
        let new_world = |s: &mut Session<WasmTarget>, w: i32, h: i32| -> Result<i32> {
            match s.checked_call(&Call::new(Export::WorldNew, &[w, h, 5]))? {
                Outcome::Accepted(world) => Ok(world as i32),
                Outcome::Refused(code) => {
                    anyhow::bail!("{name}: qs_world_new({w}, {h}) refused with {code}")
                }
            }
        };
        // The heap top reads 0 until the first allocation (sim-st has no
        // thread yet); after one world has come and gone it sits at the
        // heap's start, and every lone world freed must bring it back there.
        let first = new_world(&mut session, 8, 8)?;
        session.checked_call(&Call::new(Export::WorldFree, &[first]))?;
        let base = top(&mut session)?;
        ensure!(base > 0, "{name}: the heap top is 0 after an allocation");
        let mut rng = quicksand_tests::fuzz::FuzzRng::new(9);
        for _ in 0..200 {
            let (w, h) = (rng.range_i32(1, 300), rng.range_i32(1, 300));
            let world = new_world(&mut session, w, h)?;
            session.checked_call(&Call::new(Export::SnapshotSave, &[world]))?;
            session.checked_call(&Call::new(Export::WorldFree, &[world]))?;
            let after = top(&mut session)?;
            ensure!(
                after == base,
                "{name}: after freeing a lone {w}×{h} world (and its save) the heap top is {after:#x}, not {base:#x}"
            );
        }
        // A hole left by a freed world takes a smaller world without growth.
        let (a, b) = (new_world(&mut session, 256, 256)?, new_world(&mut session, 64, 64)?);
        let before = top(&mut session)?;
        session.checked_call(&Call::new(Export::WorldFree, &[a]))?;
        let c = new_world(&mut session, 200, 100)?;
        ensure!(top(&mut session)? == before, "{name}: a 200×100 world did not reuse a freed 256² world's memory");
        let d = new_world(&mut session, 128, 64)?;
        ensure!(top(&mut session)? == before, "{name}: a second smaller world did not fit the rest of the hole");
        session.sweep().context("no two blocks may overlap")?;
        for world in [b, c, d] {
            session.checked_call(&Call::new(Export::WorldFree, &[world]))?;
        }
        ensure!(top(&mut session)? == base, "{name}: freeing every world did not coalesce back to the start");
    }
    Ok(())
}
