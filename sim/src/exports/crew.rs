//! Exports of the crew: the workers that step a world together.

use core::sync::atomic::{AtomicU32, Ordering};

use super::world::world;
use crate::crew::Crew;
use crate::runtime::error::RuntimeError;
use crate::runtime::futex::HostFutex;
use crate::runtime::registry::Table;

/// How many crews can exist.
pub const MAX_CREWS: usize = 8;

static CREWS: Table<Crew, MAX_CREWS> = Table::new([const { Crew::new() }; MAX_CREWS]);
/// Crews inside `qs_crew_run_steps` right now.
static RUNNING_BATCHES: AtomicU32 = AtomicU32::new(0);

fn respond(result: Result<i32, RuntimeError>) -> i32 {
    result.unwrap_or_else(RuntimeError::code)
}

/// Err(Busy) while any crew may be inside a step.
pub(crate) fn ensure_no_crew_is_stepping() -> Result<(), RuntimeError> {
    let pending = (0..CREWS.len() as i32).filter_map(|h| CREWS.get(h).ok()).any(|crew| crew.pending_steps() != 0);
    if pending || RUNNING_BATCHES.load(Ordering::Acquire) != 0 {
        return Err(RuntimeError::Busy);
    }
    Ok(())
}

/// Creates a crew of `workers` (1..=64) and returns its handle.
#[no_mangle]
pub extern "C" fn qs_crew_new(workers: i32) -> i32 {
    respond((|| {
        let workers = u32::try_from(workers).map_err(|_| RuntimeError::InvalidArgument)?;
        let (handle, crew) = CREWS.push()?;
        crew.reset(workers)?;
        Ok(handle as i32)
    })())
}

/// Re-arms crew `crew` for `workers` workers (a new thread count) and
/// clears its counters. -7 while a worker is still inside it.
#[no_mangle]
pub extern "C" fn qs_crew_reset(crew: i32, workers: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let workers = u32::try_from(workers).map_err(|_| RuntimeError::InvalidArgument)?;
        crew.reset(workers)?;
        Ok(0)
    })())
}

/// Worker `worker` of crew `crew` runs exactly `steps` steps of world
/// `world` together with the crew's other workers, which make the same
/// call. Blocks: workers only. 0, or a negative error (-10/-11 when a
/// barrier wait passed `timeout_ms`).
#[no_mangle]
pub extern "C" fn qs_crew_run_steps(crew: i32, world_handle: i32, worker: i32, steps: i32, timeout_ms: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let world = world(world_handle)?;
        let worker = u32::try_from(worker).map_err(|_| RuntimeError::InvalidArgument)?;
        let steps = u32::try_from(steps).map_err(|_| RuntimeError::InvalidArgument)?;
        RUNNING_BATCHES.fetch_add(1, Ordering::AcqRel);
        let result = crew.run_steps(world, &HostFutex, worker, steps, timeout_ms);
        RUNNING_BATCHES.fetch_sub(1, Ordering::AcqRel);
        result.map(|()| 0)
    })())
}

/// Worker `worker` serves step requests for world `world` until
/// `qs_crew_stop`. Blocks: workers only. Returns 0 after a stop, or a
/// negative error.
#[no_mangle]
pub extern "C" fn qs_crew_serve(crew: i32, world_handle: i32, worker: i32, timeout_ms: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let world = world(world_handle)?;
        let worker = u32::try_from(worker).map_err(|_| RuntimeError::InvalidArgument)?;
        crew.serve(world, &HostFutex, worker, timeout_ms).map(|()| 0)
    })())
}

/// Asks the serving workers for `steps` more steps. Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_request_steps(crew: i32, steps: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let steps = u32::try_from(steps).map_err(|_| RuntimeError::InvalidArgument)?;
        crew.request_steps(&HostFutex, steps);
        Ok(0)
    })())
}

/// Drops requested steps that have not started. Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_cancel_pending(crew: i32) -> i32 {
    respond(CREWS.get(crew).map(|crew| {
        crew.cancel_pending();
        0
    }))
}

/// Steps the crew has finished (wrapping).
#[no_mangle]
pub extern "C" fn qs_crew_completed(crew: i32) -> i32 {
    respond(CREWS.get(crew).map(|crew| crew.completed_steps() as i32))
}

/// Steps requested and not yet finished.
#[no_mangle]
pub extern "C" fn qs_crew_pending(crew: i32) -> i32 {
    respond(CREWS.get(crew).map(|crew| crew.pending_steps().min(i32::MAX as u32) as i32))
}

/// Chunk updates worker `worker` has done (wrapping): the busy bars.
#[no_mangle]
pub extern "C" fn qs_crew_items_done(crew: i32, worker: i32) -> i32 {
    respond((|| {
        let crew = CREWS.get(crew)?;
        let worker = u32::try_from(worker).map_err(|_| RuntimeError::InvalidArgument)?;
        crew.items_done(worker).map(|n| n as i32).ok_or(RuntimeError::InvalidArgument)
    })())
}

/// Tells serving workers to return from `qs_crew_serve`. Never blocks.
#[no_mangle]
pub extern "C" fn qs_crew_stop(crew: i32) -> i32 {
    respond(CREWS.get(crew).map(|crew| {
        crew.stop(&HostFutex);
        0
    }))
}
