//! The crew times its steps with the host's clock (`env.qs_now_ms`): the
//! module really calls the import, and what it reports is positive and no
//! more than the wall time the host measured around the same steps.

use std::time::Instant;

use anyhow::{ensure, Result};
use quicksand_sim::sand::Scene;
use quicksand_tests::host::now_ms_calls;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const SIDE: u32 = 256;
const STEPS: u32 = 12;
/// Clock readings a step takes at least: around its begin and its end.
const READINGS_PER_STEP: u64 = 4;

#[test]
fn steps_are_timed_with_the_host_clock_and_never_exceed_the_wall_time() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    for threads in [1, 2] {
        let mut sim = WasmSim::new(&module, SIDE, SIDE, 7)?;
        sim.scene(Scene::Active)?;
        let calls_before = now_ms_calls();
        let started = Instant::now();
        sim.run(threads, STEPS)?;
        let wall_ms = started.elapsed().as_secs_f64() * 1e3;
        let (steps, step_ms, serial_ms) = sim.step_times()?;
        let calls = now_ms_calls() - calls_before;
        ensure!(calls >= READINGS_PER_STEP * u64::from(STEPS), "{threads} threads: qs_now_ms called {calls} times");
        ensure!(steps == f64::from(STEPS), "{threads} threads: {steps} steps timed, {STEPS} run");
        ensure!(step_ms > 0.0, "{threads} threads: an active world's steps took {step_ms} ms");
        ensure!(step_ms <= wall_ms, "{threads} threads: {step_ms} ms of steps in {wall_ms} ms of wall time");
        ensure!(serial_ms > 0.0 && serial_ms <= step_ms, "{threads} threads: serial {serial_ms} of {step_ms} ms");
    }
    Ok(())
}

#[test]
fn a_number_that_is_not_a_crew_gets_the_error_code() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 8, 8, 1)?;
    let invalid = f64::from(quicksand_sim::abi::ErrorCode::InvalidArgument.code());
    for name in ["qs_crew_timed_steps", "qs_crew_step_ms", "qs_crew_serial_ms"] {
        for handle in [0, 1, -5, sim.world] {
            let value: f64 = sim.main().call(name, handle)?;
            ensure!(value == invalid, "{name}({handle}) = {value}");
        }
    }
    Ok(())
}
