//! The thread runtime's claims, checked on the module `./build.sh` built,
//! running on real OS threads that share one `SharedMemory`.
//!
//! Each claim has a negative control next to it that shows the check can
//! fail: the same probe, run the way the earlier public attempts ran it.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use quicksand_tests::memory_view::{read_u32, write_u32};
use quicksand_tests::{join_all, spawn_named, SimInstance, SimModule, ThreadSlot, Variant};

/// The gap `qs_thread_new` leaves below every stack's canary.
const GUARD_BYTES: u32 = quicksand_sim::runtime::thread_slot::GUARD_BYTES as u32;
/// Per-thread stack for these tests: small, so overflows are quick.
const STACK_BYTES: u32 = 64 * 1024;
/// Every in-wasm wait gives up after this, turning a deadlock into an error.
const WAIT_MS: i32 = 20_000;
/// And every join gives up after this, turning a stuck thread into an error.
const JOIN_TIMEOUT: Duration = Duration::from_secs(120);
/// The `.data` word's initial value in sim/src/exports/probes.rs.
const DATA_WORD_INITIAL: i32 = 0x5EED_1234;

/// What one thread of `hold_patterns` saw.
#[derive(Debug)]
struct Held {
    clobbered: i32,
    stack_address: u32,
    slot: Option<ThreadSlot>,
}

/// Runs `qs_probe_stack_hold` on `threads` OS threads at once. With
/// `own_stacks`, each thread attaches its own slot first (the loader's
/// protocol); without, every instance keeps the default `__stack_pointer`.
fn hold_patterns(module: &SimModule, threads: usize, own_stacks: bool) -> Result<Vec<Held>> {
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(module, &memory, STACK_BYTES)?;
    let barrier: i32 = main.call("qs_barrier_new", threads as i32)?;
    ensure!(barrier >= 0, "qs_barrier_new failed: {barrier}");
    let mut handles = Vec::new();
    for index in 0..threads {
        let slot = if own_stacks { Some(main.create_thread(STACK_BYTES)?) } else { None };
        let (module, memory) = (module.clone(), memory.clone());
        handles.push(spawn_named(format!("hold-{index}"), move || {
            let mut instance = SimInstance::new(&module, &memory)?;
            if let Some(slot) = &slot {
                instance.attach(slot)?;
            }
            let stack_address = instance.call::<(), i32>("qs_probe_stack_address", ())? as u32;
            let seed = 0x1000 + index as i32;
            let clobbered: i32 = instance.call("qs_probe_stack_hold", (barrier, seed, 1, WAIT_MS))?;
            ensure!(clobbered >= 0, "qs_probe_stack_hold failed with {clobbered}");
            Ok(Held { clobbered, stack_address, slot })
        })?);
    }
    join_all(handles, JOIN_TIMEOUT)?.into_iter().collect()
}

fn own_stacks_hold_their_patterns(variant: Variant) -> Result<()> {
    const THREADS: usize = 16;
    let module = SimModule::built(variant)?;
    let held = hold_patterns(&module, THREADS, true)?;
    for (index, thread) in held.iter().enumerate() {
        let slot = thread.slot.context("slot")?;
        ensure!(thread.clobbered == 0, "thread {index}: {} words clobbered on its own stack", thread.clobbered);
        ensure!(
            (slot.stack_low..slot.stack_high).contains(&thread.stack_address),
            "thread {index}: local at {:#x} is outside its stack {:#x}..{:#x}",
            thread.stack_address,
            slot.stack_low,
            slot.stack_high
        );
    }
    let mut ranges: Vec<(u32, u32)> = held.iter().filter_map(|h| h.slot).map(|s| (s.stack_low, s.stack_high)).collect();
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        ensure!(pair[0].1 <= pair[1].0, "stacks overlap: {pair:?}");
    }
    Ok(())
}

#[test]
fn own_stacks_keep_a_stack_pattern_across_a_barrier_on_16_threads() -> Result<()> {
    own_stacks_hold_their_patterns(Variant::Release)
}

#[test]
fn own_stacks_keep_a_stack_pattern_in_the_checked_build_too() -> Result<()> {
    own_stacks_hold_their_patterns(Variant::Checked)
}

#[test]
fn negative_control_threads_on_the_default_stack_pointer_clobber_each_other() -> Result<()> {
    const THREADS: usize = 4;
    let module = SimModule::built(Variant::Release)?;
    let held = hold_patterns(&module, THREADS, false)?;
    let addresses: Vec<u32> = held.iter().map(|h| h.stack_address).collect();
    ensure!(addresses.windows(2).all(|w| w[0] == w[1]), "default stacks should coincide: {addresses:x?}");
    let clobbered_threads = held.iter().filter(|h| h.clobbered > 0).count();
    let counts: Vec<i32> = held.iter().map(|h| h.clobbered).collect();
    eprintln!("shared default stack at {:#x}: clobbered words per thread {counts:?}", addresses[0]);
    // Only the last writer can find its own pattern intact.
    ensure!(
        clobbered_threads >= THREADS - 1,
        "expected at least {} of {THREADS} threads to see their stack clobbered, saw {clobbered_threads}: {held:?}",
        THREADS - 1
    );
    Ok(())
}

#[test]
fn a_second_instance_does_not_reinitialize_statics_data_or_heap() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut first, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    ensure!(first.call::<(), i32>("qs_probe_data_word", ())? == DATA_WORD_INITIAL, "data segment not copied in");
    for _ in 0..3 {
        first.call::<(), i32>("qs_probe_bss_bump", ())?;
    }
    first.call::<i32, ()>("qs_probe_data_word_set", 0x0BAD_F00D)?;
    let threads_before: i32 = first.call("qs_thread_count", ())?;
    let heap_before: i32 = first.call("qs_heap_top", ())?;

    let module_copy = module.clone();
    let memory_copy = memory.clone();
    let seen = join_all(
        vec![spawn_named("second-instance".into(), move || {
            let mut second = SimInstance::new(&module_copy, &memory_copy)?;
            let data: i32 = second.call("qs_probe_data_word", ())?;
            let bss: i32 = second.call("qs_probe_bss_bump", ())?;
            let threads: i32 = second.call("qs_thread_count", ())?;
            let heap: i32 = second.call("qs_heap_top", ())?;
            Ok((data, bss, threads, heap))
        })?],
        JOIN_TIMEOUT,
    )?
    .remove(0)?;
    ensure!(seen == (0x0BAD_F00D, 4, threads_before, heap_before), "second instance saw {seen:x?}");
    Ok(())
}

#[test]
fn negative_control_clearing_the_linker_init_flag_does_reinitialize() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut first, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    first.call::<(), i32>("qs_probe_bss_bump", ())?;
    first.call::<i32, ()>("qs_probe_data_word_set", 0x0BAD_F00D)?;
    let flag = module.init_flag_address()?;
    ensure!(read_u32(&memory, flag)? == 2, "word at {flag:#x} is not wasm-ld's 'initialised' flag");
    // What a loader that re-ran initialisation would do.
    write_u32(&memory, flag, 0)?;
    let mut again = SimInstance::new(&module, &memory)?;
    ensure!(again.call::<(), i32>("qs_probe_data_word", ())? == DATA_WORD_INITIAL, "data was not reset");
    ensure!(again.call::<(), i32>("qs_probe_bss_bump", ())? == 1, ".bss was not reset");
    Ok(())
}

/// Two adjacent thread stacks: `neighbour` first, so `overflowing` sits
/// right above it, one guard gap away, and overflows down towards it.
fn adjacent_stacks(main: &mut SimInstance) -> Result<(ThreadSlot, ThreadSlot)> {
    let neighbour = main.create_thread(STACK_BYTES)?;
    let overflowing = main.create_thread(STACK_BYTES)?;
    let gap = overflowing.stack_low.checked_sub(neighbour.stack_high);
    ensure!(
        gap.is_some_and(|gap| (GUARD_BYTES..GUARD_BYTES + 64).contains(&gap)),
        "stacks are not one guard gap apart: {neighbour:?} {overflowing:?}"
    );
    Ok((neighbour, overflowing))
}

/// What happened when `overflowing` recursed `depth(slot, instance)` frames
/// while `neighbour` held a pattern near its stack top.
struct Overflow {
    recursion: Result<i32>,
    neighbour_clobbered: i32,
    neighbour_canary_intact: i32,
    overflowing_canary_intact: i32,
    overflowing: ThreadSlot,
}

fn overflow_next_to_a_neighbour(
    variant: Variant,
    depth: impl FnOnce(&ThreadSlot, &mut SimInstance) -> Result<i32> + Send + 'static,
) -> Result<Overflow> {
    let module = SimModule::built(variant)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let (neighbour, overflowing) = adjacent_stacks(&mut main)?;
    let barrier: i32 = main.call("qs_barrier_new", 2)?;

    // The neighbour writes its pattern, then waits twice before checking:
    // round 1 tells this thread the pattern is in place, round 2 comes
    // after the overflow.
    let (module_copy, memory_copy) = (module.clone(), memory.clone());
    let holder = spawn_named("neighbour".into(), move || {
        let mut instance = SimInstance::attached(&module_copy, &memory_copy, &neighbour)?;
        instance.call::<(i32, i32, i32, i32), i32>("qs_probe_stack_hold", (barrier, 7, 2, WAIT_MS))
    })?;
    ensure!(main.call::<(i32, i32), i32>("qs_barrier_wait", (barrier, WAIT_MS))? >= 0, "round 1");

    let (module_copy, memory_copy) = (module.clone(), memory.clone());
    let recursion = join_all(
        vec![spawn_named("overflowing".into(), move || {
            let mut instance = SimInstance::attached(&module_copy, &memory_copy, &overflowing)?;
            let depth = depth(&overflowing, &mut instance)?;
            instance.call::<i32, i32>("qs_probe_recurse", depth)
        })?],
        JOIN_TIMEOUT,
    )?
    .remove(0);

    for round in [2, 3] {
        ensure!(main.call::<(i32, i32), i32>("qs_barrier_wait", (barrier, WAIT_MS))? >= 0, "round {round}");
    }
    let neighbour_clobbered = join_all(vec![holder], JOIN_TIMEOUT)?.remove(0)?;
    Ok(Overflow {
        recursion,
        neighbour_clobbered,
        neighbour_canary_intact: main.call("qs_thread_canary_intact", neighbour.handle)?,
        overflowing_canary_intact: main.call("qs_thread_canary_intact", overflowing.handle)?,
        overflowing,
    })
}

#[test]
fn checked_build_traps_on_overflow_before_touching_the_neighbour() -> Result<()> {
    let outcome = overflow_next_to_a_neighbour(Variant::Checked, |slot, instance| {
        instance.recursion_depth_reaching(slot, 16 * 1024)
    })?;
    let error = match outcome.recursion {
        Ok(lowest) => anyhow::bail!("overflow did not trap; reached {lowest:#x}"),
        Err(error) => format!("{error:#}"),
    };
    ensure!(error.contains("unreachable"), "expected the stack check's trap, got: {error}");
    ensure!(outcome.neighbour_clobbered == 0, "neighbour clobbered: {}", outcome.neighbour_clobbered);
    ensure!(outcome.neighbour_canary_intact == 1, "neighbour canary damaged");
    ensure!(outcome.overflowing_canary_intact == 1, "the trap should come before the canary is touched");
    Ok(())
}

#[test]
fn release_build_canary_reports_a_small_overflow() -> Result<()> {
    let outcome =
        overflow_next_to_a_neighbour(Variant::Release, |slot, instance| instance.recursion_depth_reaching(slot, 0))?;
    let lowest = outcome.recursion? as u32;
    let low = outcome.overflowing.stack_low;
    ensure!(lowest >= low && lowest < low + 1024, "recursion reached {lowest:#x}, wanted the canary above {low:#x}");
    ensure!(outcome.overflowing_canary_intact == 0, "the canary did not notice the overflow");
    ensure!(outcome.neighbour_clobbered == 0 && outcome.neighbour_canary_intact == 1, "neighbour was touched");
    Ok(())
}

#[test]
fn release_build_guard_gap_absorbs_an_overflow_past_the_canary() -> Result<()> {
    let outcome = overflow_next_to_a_neighbour(Variant::Release, |slot, instance| {
        instance.recursion_depth_reaching(slot, 12 * 1024)
    })?;
    outcome.recursion?;
    ensure!(outcome.overflowing_canary_intact == 0, "canary should be gone");
    ensure!(
        outcome.neighbour_clobbered == 0 && outcome.neighbour_canary_intact == 1,
        "a 12 KiB overflow crossed the {GUARD_BYTES}-byte guard gap: neighbour lost {} words",
        outcome.neighbour_clobbered
    );
    Ok(())
}

#[test]
fn negative_control_an_overflow_deeper_than_the_guard_gap_clobbers_the_neighbour() -> Result<()> {
    let past_guard = i64::from(GUARD_BYTES) + 12 * 1024;
    let outcome = overflow_next_to_a_neighbour(Variant::Release, move |slot, instance| {
        instance.recursion_depth_reaching(slot, past_guard)
    })?;
    outcome.recursion?;
    eprintln!("unchecked overflow 12 KiB past the guard: neighbour lost {} of 1024 words", outcome.neighbour_clobbered);
    ensure!(outcome.overflowing_canary_intact == 0, "canary should be gone");
    ensure!(outcome.neighbour_clobbered > 0, "expected the overflow to reach the neighbour's pattern");
    Ok(())
}

fn barrier_rounds(threads: usize, parties: i32, rounds: i32, timeout_ms: i32) -> Result<(Vec<i32>, i32)> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let barrier: i32 = main.call("qs_barrier_new", parties)?;
    let counter: i32 = main.call("qs_counter_new", ())?;
    let mut handles = Vec::new();
    for index in 0..threads {
        let slot = main.create_thread(STACK_BYTES)?;
        let (module, memory) = (module.clone(), memory.clone());
        handles.push(spawn_named(format!("rounds-{index}"), move || {
            let mut instance = SimInstance::attached(&module, &memory, &slot)?;
            instance
                .call::<(i32, i32, i32, i32), i32>("qs_probe_barrier_rounds", (barrier, counter, rounds, timeout_ms))
        })?);
    }
    let results = join_all(handles, JOIN_TIMEOUT)?.into_iter().collect::<Result<Vec<i32>>>()?;
    let claimed: i32 = main.call("qs_counter_claimed", counter)?;
    Ok((results, claimed))
}

#[test]
fn barrier_stress_loses_no_wakeups_over_thousands_of_rounds() -> Result<()> {
    for (threads, rounds) in [(2, 5_000), (4, 3_000), (16, 1_000)] {
        let (results, claimed) = barrier_rounds(threads, threads as i32, rounds, WAIT_MS)?;
        ensure!(
            results.iter().all(|&short| short == 0),
            "{threads} threads: rounds came up short or timed out: {results:?}"
        );
        ensure!(claimed == rounds * threads as i32, "{threads} threads: {claimed} arrivals counted");
    }
    Ok(())
}

#[test]
fn negative_control_a_missing_party_times_out_instead_of_hanging() -> Result<()> {
    const TIMED_OUT: i32 = -10;
    const BROKEN: i32 = -11;
    let (results, _) = barrier_rounds(3, 4, 10, 200)?;
    ensure!(results.iter().all(|&r| r == TIMED_OUT || r == BROKEN), "expected timeouts, got {results:?}");
    ensure!(results.contains(&TIMED_OUT), "someone must have timed out: {results:?}");
    Ok(())
}

#[test]
fn a_trap_on_a_thread_comes_back_as_an_error_through_its_join_handle() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let slot = main.create_thread(STACK_BYTES)?;
    let handle = spawn_named("panics".into(), move || {
        let mut instance = SimInstance::attached(&module, &memory, &slot)?;
        instance.call::<i32, i32>("qs_probe_panic", 1)
    })?;
    let outcome = handle.join().map_err(|_| anyhow::anyhow!("the thread itself panicked"))?;
    let error = format!("{:#}", outcome.err().context("qs_probe_panic(1) should trap")?);
    ensure!(error.contains("unreachable"), "unexpected error: {error}");
    // The other threads' state is untouched: the main instance still works.
    ensure!(main.call::<i32, i32>("qs_probe_panic", 0)? == 0);
    Ok(())
}

#[test]
fn exports_refuse_out_of_range_arguments_with_error_codes() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let memory = module.new_memory()?;
    let (mut main, _) = SimInstance::main(&module, &memory, STACK_BYTES)?;
    let heap_before: i32 = main.call("qs_heap_top", ())?;
    let cases: Vec<(&str, i32)> = vec![
        ("qs_thread_new(-1)", main.call("qs_thread_new", (-1, 0, 0))?),
        ("qs_thread_new(unaligned)", main.call("qs_thread_new", (65_537, 0, 0))?),
        ("qs_thread_new(2 GiB)", main.call("qs_thread_new", (i32::MAX - 15, 0, 0))?),
        ("qs_thread_new(tls_align 3)", main.call("qs_thread_new", (65_536, 0, 3))?),
        ("qs_thread_slot(-1)", main.call("qs_thread_slot", -1)?),
        ("qs_thread_slot(99)", main.call("qs_thread_slot", 99)?),
        ("qs_thread_canary_intact(99)", main.call("qs_thread_canary_intact", 99)?),
        ("qs_barrier_new(0)", main.call("qs_barrier_new", 0)?),
        ("qs_barrier_new(-4)", main.call("qs_barrier_new", -4)?),
        ("qs_barrier_wait(7)", main.call("qs_barrier_wait", (7, 10))?),
        ("qs_counter_claim(-3)", main.call("qs_counter_claim", -3)?),
        ("qs_probe_stack_hold(bad barrier)", main.call("qs_probe_stack_hold", (42, 0, 1, 10))?),
    ];
    for (call, code) in &cases {
        ensure!(*code < 0, "{call} returned {code}, expected a negative error code");
    }
    ensure!(main.call::<(), i32>("qs_heap_top", ())? == heap_before, "a refused call allocated memory");
    Ok(())
}
