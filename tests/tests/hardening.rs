//! Regression tests for what the export probes found (issue "Hardening"):
//! refused calls leave no trace, handles cannot be confused, pending counts
//! survive a cancel, and a stack overflow during play faults the crew.
//!
//! Behaviour both builds share runs on `sim.wasm` and on `sim-st.wasm`.

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use quicksand_sim::abi::ErrorCode;
use quicksand_sim::runtime::registry::{MAX_BARRIERS, MAX_CREWS, MAX_THREADS, MAX_WORLDS};
use quicksand_sim::runtime::thread_slot::{MAX_STACK_BYTES, MIN_STACK_BYTES};
use quicksand_sim::sand::{MATERIAL_COUNT, MAX_WORLD_SIZE};
use quicksand_tests::calls::{Calls, SingleThreaded};
use quicksand_tests::{join_all, spawn_named, SimInstance, SimModule, Variant};

const STACK_BYTES: u32 = 64 * 1024;
const WAIT_MS: i32 = 20_000;
const JOIN_TIMEOUT: Duration = Duration::from_secs(120);
const MIN_STACK: i32 = MIN_STACK_BYTES as i32;
const MAX_STACK: i32 = MAX_STACK_BYTES as i32;

const INVALID: i32 = ErrorCode::InvalidArgument.code();
const TABLE_FULL: i32 = ErrorCode::TableFull.code();
const UNKNOWN_MATERIAL: i32 = ErrorCode::UnknownMaterial.code();

fn threaded() -> Result<SimInstance> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    Ok(SimInstance::main(&module, &memory, STACK_BYTES)?.0)
}

/// Runs `check` on a fresh instance of each build.
fn on_both_builds(check: impl Fn(&mut dyn Calls) -> Result<()>) -> Result<()> {
    let mut threaded = threaded()?;
    check(&mut threaded)?;
    let mut single = SingleThreaded::built()?;
    check(&mut single)
}

/// What a refusal must leave alone: the heap and the memory size.
fn footprint(sim: &mut dyn Calls) -> Result<(i32, u64)> {
    Ok((sim.call_i32("qs_heap_top", &[])?, sim.memory_bytes()))
}

fn world(sim: &mut dyn Calls, side: i32) -> Result<i32> {
    let handle = sim.call_i32("qs_world_new", &[side, side, 1])?;
    ensure!(handle >= 0, "{}: qs_world_new({side}) = {handle}", sim.build_name());
    Ok(handle)
}

#[test]
fn a_refused_crew_new_takes_no_slot() -> Result<()> {
    on_both_builds(|sim| {
        for _ in 0..MAX_CREWS {
            ensure!(sim.call_i32("qs_crew_new", &[0])? == INVALID, "{}: qs_crew_new(0)", sim.build_name());
            ensure!(sim.call_i32("qs_crew_new", &[65])? == INVALID);
        }
        let world = world(sim, 64)?;
        // 0 was the refused slot's index; it must not act as a crew.
        ensure!(sim.call_i32("qs_crew_request_steps", &[0, 5])? == INVALID, "{}", sim.build_name());
        ensure!(sim.call_i32("qs_world_scene", &[world, 1])? == 0, "{}: world ops still work", sim.build_name());
        let crews: Vec<i32> = (0..MAX_CREWS).map(|_| sim.call_i32("qs_crew_new", &[2])).collect::<Result<_>>()?;
        ensure!(crews.iter().all(|&crew| crew > 0), "{}: all {MAX_CREWS} slots free: {crews:?}", sim.build_name());
        ensure!(sim.call_i32("qs_crew_new", &[2])? == TABLE_FULL);
        Ok(())
    })
}

#[test]
fn a_refused_thread_new_allocates_nothing() -> Result<()> {
    on_both_builds(|sim| {
        let before = footprint(sim)?;
        for args in [
            [MIN_STACK - 16, 0, 0],
            [MIN_STACK + 8, 0, 0],
            [MAX_STACK + 16, 0, 0],
            [MIN_STACK, -1, 0],
            [MIN_STACK, 0, 3],
        ] {
            ensure!(sim.call_i32("qs_thread_new", &args)? == INVALID, "{}: qs_thread_new{args:?}", sim.build_name());
        }
        ensure!(footprint(sim)? == before, "{}: refused arguments allocated", sim.build_name());
        while sim.call_i32("qs_thread_count", &[])? < MAX_THREADS as i32 {
            ensure!(sim.call_i32("qs_thread_new", &[MIN_STACK, 0, 0])? > 0);
        }
        let full = footprint(sim)?;
        for _ in 0..5 {
            ensure!(sim.call_i32("qs_thread_new", &[MAX_STACK, 0, 0])? == TABLE_FULL);
        }
        ensure!(
            footprint(sim)? == full,
            "{}: a full table still allocated stacks: {full:?} → {:?}",
            sim.build_name(),
            footprint(sim)?
        );
        Ok(())
    })
}

#[test]
fn a_refused_world_new_allocates_nothing_and_freed_memory_fits_any_size() -> Result<()> {
    on_both_builds(|sim| {
        let worlds: Vec<i32> = (0..MAX_WORLDS).map(|_| world(sim, 64)).collect::<Result<_>>()?;
        let full = footprint(sim)?;
        for _ in 0..5 {
            ensure!(sim.call_i32("qs_world_new", &[4096, 4096, 1])? == TABLE_FULL);
        }
        for (w, h) in [(0, 5), (5, -1), (MAX_WORLD_SIZE as i32 + 1, 5)] {
            ensure!(sim.call_i32("qs_world_new", &[w, h, 1])? < 0);
        }
        ensure!(footprint(sim)? == full, "{}: refused worlds allocated", sim.build_name());

        // A freed small world's slot takes a much larger world.
        ensure!(sim.call_i32("qs_world_free", &[worlds[1]])? == 0);
        let big = world(sim, 2048)?;
        ensure!(sim.call_i32("qs_world_width", &[big])? == 2048);
        // Freed memory is reused by smaller worlds without growing anything.
        ensure!(sim.call_i32("qs_world_free", &[big])? == 0);
        let after_free = footprint(sim)?;
        ensure!(sim.call_i32("qs_world_free", &[worlds[2]])? == 0);
        let (a, b) = (world(sim, 1024)?, world(sim, 1024)?);
        ensure!(footprint(sim)?.1 <= after_free.1, "{}: memory grew although freed memory fits", sim.build_name());
        ensure!(sim.call_i32("qs_world_scene", &[a, 1])? == 0 && sim.call_i32("qs_world_scene", &[b, 2])? == 0);
        Ok(())
    })
}

#[test]
fn handles_are_typed_and_a_freed_world_is_stale() -> Result<()> {
    on_both_builds(|sim| {
        let name = sim.build_name();
        let world = world(sim, 64)?;
        let crew = sim.call_i32("qs_crew_new", &[1])?;
        let barrier = sim.call_i32("qs_barrier_new", &[1])?;
        let counter = sim.call_i32("qs_counter_new", &[])?;
        ensure!(crew > 0 && barrier > 0 && counter > 0);
        for (export, wrong) in [
            ("qs_world_width", crew),
            ("qs_world_width", barrier),
            ("qs_crew_pending", world),
            ("qs_crew_pending", counter),
            ("qs_counter_claimed", barrier),
            ("qs_thread_canary_intact", world),
            ("qs_world_width", 0),
            ("qs_world_width", 1),
            ("qs_world_width", world ^ 1),
            ("qs_world_width", world + (1 << 16)),
        ] {
            ensure!(sim.call_i32(export, &[wrong])? == INVALID, "{name}: {export}({wrong:#x}) accepted");
        }
        ensure!(sim.call_i32("qs_world_width", &[world])? == 64);
        ensure!(sim.call_i32("qs_world_free", &[world])? == 0);
        let reused = self::world(sim, 64)?;
        ensure!(reused != world, "{name}: the reused slot kept its handle");
        for export in ["qs_world_width", "qs_world_free", "qs_world_queued_paint"] {
            ensure!(sim.call_i32(export, &[world])? == INVALID, "{name}: stale {export} accepted");
        }
        ensure!(sim.call_numbers("qs_world_hash", &[world])? == i64::from(INVALID));
        ensure!(sim.call_i32("qs_world_width", &[reused])? == 64);
        Ok(())
    })
}

#[test]
fn unknown_materials_are_refused_with_their_own_code() -> Result<()> {
    on_both_builds(|sim| {
        let world = world(sim, 64)?;
        for material in [MATERIAL_COUNT as i32, 200, 255, 256, -1, i32::MIN] {
            ensure!(
                sim.call_i32("qs_world_count", &[world, material])? == UNKNOWN_MATERIAL,
                "{}: count({material})",
                sim.build_name()
            );
            ensure!(sim.call_i32("qs_world_paint", &[world, 1, 1, 2, 2, 1, material])? == UNKNOWN_MATERIAL);
        }
        ensure!(sim.call_i32("qs_world_count", &[world, 0])? == 64 * 64, "negative control: empty cells count");
        Ok(())
    })
}

#[test]
fn items_done_refuses_workers_past_the_crew() -> Result<()> {
    on_both_builds(|sim| {
        let crew = sim.call_i32("qs_crew_new", &[1])?;
        ensure!(sim.call_i32("qs_crew_items_done", &[crew, 0])? == 0);
        for worker in [1, 2, 63, 64, -1] {
            ensure!(
                sim.call_i32("qs_crew_items_done", &[crew, worker])? == INVALID,
                "{}: worker {worker}",
                sim.build_name()
            );
        }
        Ok(())
    })
}

#[test]
fn barriers_refused_for_bad_sizes_take_no_slot() -> Result<()> {
    on_both_builds(|sim| {
        for _ in 0..MAX_BARRIERS {
            ensure!(sim.call_i32("qs_barrier_new", &[0])? == INVALID);
        }
        for _ in 0..MAX_BARRIERS {
            ensure!(sim.call_i32("qs_barrier_new", &[2])? > 0, "{}: slot taken by a refusal", sim.build_name());
        }
        Ok(())
    })
}

/// Polls `condition` for up to 10 s.
fn eventually(mut condition: impl FnMut() -> Result<bool>) -> Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if condition()? {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(false)
}

#[test]
fn cancelling_while_a_crew_serves_never_wraps_and_leaves_nothing_stuck() -> Result<()> {
    const REQUESTED: i32 = 100_000;
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let world = main.call::<(i32, i32, i32), i32>("qs_world_new", (256, 256, 7))?;
    ensure!(main.call::<(i32, i32), i32>("qs_world_scene", (world, 1))? == 0);
    let crew = main.call::<i32, i32>("qs_crew_new", 1)?;
    let slot = main.create_thread(STACK_BYTES)?;
    let server = {
        let (module, memory) = (module.clone(), memory.clone());
        spawn_named("server".into(), move || {
            let mut instance = SimInstance::attached(&module, &memory, &slot)?;
            instance.call::<(i32, i32, i32, i32), i32>("qs_crew_serve", (crew, world, 0, WAIT_MS))
        })?
    };
    main.call::<(i32, i32), i32>("qs_crew_request_steps", (crew, REQUESTED))?;
    ensure!(eventually(|| Ok(main.call::<i32, i32>("qs_crew_completed", crew)? >= 2))?, "the crew never stepped");
    ensure!(main.call::<i32, i32>("qs_crew_cancel_pending", crew)? == 0);
    let mut highest = 0;
    let drained = eventually(|| {
        let pending = main.call::<i32, i32>("qs_crew_pending", crew)?;
        highest = highest.max(pending);
        Ok(pending == 0)
    })?;
    ensure!(highest <= 1, "after the cancel pending read {highest} (only the running step may remain)");
    ensure!(drained, "pending never reached 0 after the cancel");
    let completed = main.call::<i32, i32>("qs_crew_completed", crew)?;
    std::thread::sleep(Duration::from_millis(50));
    ensure!(main.call::<i32, i32>("qs_crew_completed", crew)? == completed, "the crew kept stepping");
    ensure!(main.call::<(i32, i32), i32>("qs_world_scene", (world, 2))? == 0, "an exclusive op is still refused");
    main.call::<i32, i32>("qs_crew_stop", crew)?;
    let served = join_all(vec![server], JOIN_TIMEOUT)?.remove(0)?;
    ensure!(served == 0, "serve returned {served}");
    Ok(())
}

#[test]
fn cancelling_during_run_steps_leaves_nothing_pending_afterwards() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let world = main.call::<(i32, i32, i32), i32>("qs_world_new", (256, 256, 7))?;
    ensure!(main.call::<(i32, i32), i32>("qs_world_scene", (world, 1))? == 0);
    let crew = main.call::<i32, i32>("qs_crew_new", 2)?;
    let mut workers = Vec::new();
    for worker in 0..2 {
        let slot = main.create_thread(STACK_BYTES)?;
        let (module, memory) = (module.clone(), memory.clone());
        workers.push(spawn_named(format!("batch-{worker}"), move || {
            let mut instance = SimInstance::attached(&module, &memory, &slot)?;
            instance.call::<(i32, i32, i32, i32, i32), i32>("qs_crew_run_steps", (crew, world, worker, 40, WAIT_MS))
        })?);
    }
    let mut cancels = 0;
    while main.call::<i32, i32>("qs_crew_completed", crew)? < 40 && cancels < 1_000_000 {
        main.call::<i32, i32>("qs_crew_cancel_pending", crew)?;
        let pending = main.call::<i32, i32>("qs_crew_pending", crew)?;
        ensure!((0..=40).contains(&pending), "pending read {pending} during the batch");
        cancels += 1;
    }
    let results = join_all(workers, JOIN_TIMEOUT)?.into_iter().collect::<Result<Vec<i32>>>()?;
    ensure!(results == [0, 0], "run_steps returned {results:?}");
    ensure!(main.call::<i32, i32>("qs_crew_pending", crew)? == 0, "pending stuck after the batch");
    ensure!(main.call::<(i32, i32), i32>("qs_world_scene", (world, 2))? == 0, "exclusive ops still refused");
    Ok(())
}

/// Two workers run `steps` steps together; worker 1 first overflows its
/// stack `overflow_bytes` past its low end (into the guard gap) if given.
fn run_after_overflow(overflow_bytes: Option<i64>, steps: i32) -> Result<(Vec<i32>, i32, i32)> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let world = main.call::<(i32, i32, i32), i32>("qs_world_new", (128, 128, 7))?;
    ensure!(main.call::<(i32, i32), i32>("qs_world_scene", (world, 1))? == 0);
    let crew = main.call::<i32, i32>("qs_crew_new", 2)?;
    let mut workers = Vec::new();
    for worker in 0..2 {
        let slot = main.create_thread(STACK_BYTES)?;
        let (module, memory) = (module.clone(), memory.clone());
        workers.push(spawn_named(format!("worker-{worker}"), move || {
            let mut instance = SimInstance::attached(&module, &memory, &slot)?;
            if let (1, Some(bytes)) = (worker, overflow_bytes) {
                let depth = instance.recursion_depth_reaching(&slot, bytes)?;
                instance.call::<i32, i32>("qs_probe_recurse", depth)?;
            }
            instance.call::<(i32, i32, i32, i32, i32), i32>("qs_crew_run_steps", (crew, world, worker, steps, WAIT_MS))
        })?);
    }
    let results = join_all(workers, JOIN_TIMEOUT)?.into_iter().collect::<Result<Vec<i32>>>()?;
    Ok((results, main.call::<i32, i32>("qs_crew_faulted", crew)?, main.call::<i32, i32>("qs_crew_completed", crew)?))
}

#[test]
fn a_stack_overflow_in_play_faults_the_crew_at_the_end_of_the_step() -> Result<()> {
    let overflow = ErrorCode::StackOverflow.code();
    let (results, faulted, completed) = run_after_overflow(Some(2048), 5)?;
    ensure!(results == [overflow, overflow], "every worker must report the overflow: {results:?}");
    ensure!(faulted == 1 && completed == 1, "faulted {faulted} after {completed} steps; wanted 1 after 1");

    let (results, faulted, completed) = run_after_overflow(None, 5)?;
    ensure!(results == [0, 0] && faulted == 0 && completed == 5, "negative control: {results:?} {faulted} {completed}");
    Ok(())
}
