//! Exports of the crew: the workers that step a world together.

use core::sync::atomic::{AtomicU32, Ordering};

use super::runtime::{current_stack_low, unsigned};
use super::world::world;
use crate::abi::{respond, ErrorCode, HandleKind};
use crate::crew::Crew;
use crate::runtime::futex::HostFutex;
use crate::runtime::registry::{Table, MAX_CREWS};
use crate::runtime::step_timing::StepTimes;

static CREWS: Table<Crew, MAX_CREWS> = Table::new(HandleKind::Crew, [const { Crew::new() }; MAX_CREWS]);
/// Crews inside `qs_crew_run_steps` right now.
static RUNNING_BATCHES: AtomicU32 = AtomicU32::new(0);

/// Err(Busy) while any crew may be inside a step.
pub(crate) fn ensure_no_crew_is_stepping() -> Result<(), ErrorCode> {
    let pending = CREWS.live().any(|crew| crew.pending_steps() != 0);
    if pending || RUNNING_BATCHES.load(Ordering::Acquire) != 0 {
        return Err(ErrorCode::Busy);
    }
    Ok(())
}

/// Makes crew `crew` watch the calling worker's stack canary.
fn watch_own_stack(crew: &Crew, worker: u32) -> Result<(), ErrorCode> {
    let stack_low = current_stack_low();
    // SAFETY: `current_stack_low` returns 0 or the `stack_low` of a live
    // thread block from `qs_thread_new`; thread blocks are never freed.
    unsafe { crew.watch_stack(worker, stack_low) }?;
    Ok(())
}

/// Creates a crew of `workers` (1..=64) and returns its handle. A refused
/// call takes no slot.
#[no_mangle]
pub extern "C" fn qs_crew_new(workers: i32) -> i32 {
    respond((|| {
        let workers = unsigned(workers)?;
        let reservation = CREWS.reserve()?;
        reservation.item().reset(workers)?;
        Ok(reservation.commit().0)
    })())
}

/// Re-arms crew `crew` for `workers` workers (a new thread count), clears
/// its counters and a stack-overflow fault. -7 while a worker is still
/// inside it.
#[no_mangle]
pub extern "C" fn qs_crew_reset(crew: i32, workers: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        crew.reset(unsigned(workers)?)?;
        Ok(0)
    })())
}

/// Worker `worker` of crew `crew` runs exactly `steps` steps of world
/// `world` together with the crew's other workers, which make the same
/// call. Blocks: workers only. 0, or a negative error (-10/-11 when a
/// barrier wait passed `timeout_ms`, -12 when a worker's stack overflowed).
#[no_mangle]
pub extern "C" fn qs_crew_run_steps(crew: i32, world_handle: i32, worker: i32, steps: i32, timeout_ms: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let world = world(world_handle)?;
        let worker = unsigned(worker)?;
        let steps = unsigned(steps)?;
        watch_own_stack(crew, worker)?;
        RUNNING_BATCHES.fetch_add(1, Ordering::AcqRel);
        let result = crew.run_steps(world, &HostFutex, worker, steps, timeout_ms);
        RUNNING_BATCHES.fetch_sub(1, Ordering::AcqRel);
        result?;
        Ok(0)
    })())
}

/// Worker `worker` serves step requests for world `world` until
/// `qs_crew_stop`. Blocks: workers only. Returns 0 after a stop, or a
/// negative error (-12 when a worker's stack overflowed: every worker
/// returns it, and the world must not be trusted).
#[no_mangle]
pub extern "C" fn qs_crew_serve(crew: i32, world_handle: i32, worker: i32, timeout_ms: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let world = world(world_handle)?;
        let worker = unsigned(worker)?;
        watch_own_stack(crew, worker)?;
        crew.serve(world, &HostFutex, worker, timeout_ms)?;
        Ok(0)
    })())
}

/// Asks the serving workers for `steps` more steps. Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_request_steps(crew: i32, steps: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        crew.request_steps(&HostFutex, unsigned(steps)?);
        Ok(0)
    })())
}

/// Drops requested steps that have not started; a running step finishes.
/// Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_cancel_pending(crew: i32) -> i32 {
    respond((|| {
        CREWS.get(crew)?.cancel_pending();
        Ok(0)
    })())
}

/// Steps the crew has finished (wrapping at 2³¹, so never negative).
#[no_mangle]
pub extern "C" fn qs_crew_completed(crew: i32) -> i32 {
    respond((|| Ok((CREWS.get(crew)?.completed_steps() & i32::MAX as u32) as i32))())
}

/// Address of the crew's completed-step counter (a u32, the value
/// `qs_crew_completed` reads before masking), notified when a step ends
/// with no step left pending: hosts that cannot block wait for an idle
/// crew with `Atomics.waitAsync` on it. Only read it atomically; the
/// address stays valid for the session.
#[no_mangle]
pub extern "C" fn qs_crew_completed_ptr(crew: i32) -> i32 {
    respond((|| Ok(CREWS.get(crew)?.completed_word().as_ptr() as usize as i32))())
}

/// Steps requested or running and not yet finished.
#[no_mangle]
pub extern "C" fn qs_crew_pending(crew: i32) -> i32 {
    respond((|| Ok(CREWS.get(crew)?.pending_steps().min(i32::MAX as u32) as i32))())
}

/// 1 if the crew stopped because a worker's stack overflowed, else 0.
#[no_mangle]
pub extern "C" fn qs_crew_faulted(crew: i32) -> i32 {
    respond((|| Ok(i32::from(CREWS.get(crew)?.is_faulted())))())
}

/// Chunk updates worker `worker` has done (wrapping): the busy bars. -1
/// for a worker the crew does not have.
#[no_mangle]
pub extern "C" fn qs_crew_items_done(crew: i32, worker: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let done = crew.items_done(unsigned(worker)?).ok_or(ErrorCode::InvalidArgument)?;
        Ok((done & i32::MAX as u32) as i32)
    })())
}

/// Steps crew `crew` has timed since its last reset, as an f64 that never
/// wraps: the page divides the deltas of the two sums below by the delta of
/// this. -1 for a number that is not a crew.
#[no_mangle]
pub extern "C" fn qs_crew_timed_steps(crew: i32) -> f64 {
    step_time(crew, |times| times.steps)
}

/// Milliseconds the timed steps took, from the start of each step's begin to
/// the end of its end, summed (the host's `qs_now_ms`). -1 for a number
/// that is not a crew.
#[no_mangle]
pub extern "C" fn qs_crew_step_ms(crew: i32) -> f64 {
    step_time(crew, |times| times.total_ms)
}

/// Milliseconds of `qs_crew_step_ms` spent in the leader's exclusive begin
/// and end of each step, while every other worker waited. -1 for a number
/// that is not a crew.
#[no_mangle]
pub extern "C" fn qs_crew_serial_ms(crew: i32) -> f64 {
    step_time(crew, |times| times.serial_ms)
}

/// One field of a crew's step times, or the error code as an f64.
fn step_time(crew: i32, field: fn(StepTimes) -> f64) -> f64 {
    match CREWS.get(crew) {
        Ok(crew) => field(crew.step_times()),
        Err(error) => f64::from(ErrorCode::from(error).code()),
    }
}

/// Tells serving workers to return from `qs_crew_serve`. Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_stop(crew: i32) -> i32 {
    respond((|| {
        CREWS.get(crew)?.stop(&HostFutex);
        Ok(0)
    })())
}
