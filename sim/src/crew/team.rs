//! The crew's shared state and the two loops workers run in it.

use core::sync::atomic::{AtomicU32, Ordering};

use super::home_blocks::HomeBlocks;
use super::phased_work::{PhasedWork, PHASES};
use crate::runtime::barrier::Barrier;
use crate::runtime::error::RuntimeError;
use crate::runtime::futex::{Futex, ALL_WAITERS, FOREVER};

/// Most workers one crew can have.
pub const MAX_CREW_WORKERS: usize = 64;

/// What the workers do after the next barrier; decided by its leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Plan {
    Idle = 0,
    Step = 1,
    Stop = 2,
}

/// Shared by every worker of one crew; lives in a static table.
pub struct Crew {
    barrier: Barrier,
    phase_items: [HomeBlocks; PHASES as usize],
    /// Steps asked for; only ever increases (wrapping).
    requested: AtomicU32,
    /// Bumped by every request and by `stop`: idle workers sleep on it, so
    /// a stop can wake them without counting as a requested step.
    wake: AtomicU32,
    /// Steps finished; the page polls it.
    completed: AtomicU32,
    stop: AtomicU32,
    plan: AtomicU32,
    /// The `requested` value the idle decision was based on.
    idle_seen: AtomicU32,
    /// Items each worker has updated (wrapping): the page's busy bars.
    items_done: [AtomicU32; MAX_CREW_WORKERS],
    /// Workers inside `run_steps` or `serve` right now.
    inside: AtomicU32,
}

/// Counts a worker as inside the crew until dropped.
struct Inside<'a>(&'a AtomicU32);

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Crew {
    /// A crew with no workers yet; `reset` arms it.
    pub const fn new() -> Self {
        Crew {
            barrier: Barrier::new(),
            phase_items: [const { HomeBlocks::new() }; PHASES as usize],
            requested: AtomicU32::new(0),
            wake: AtomicU32::new(0),
            completed: AtomicU32::new(0),
            stop: AtomicU32::new(0),
            plan: AtomicU32::new(Plan::Idle as u32),
            idle_seen: AtomicU32::new(0),
            items_done: [const { AtomicU32::new(0) }; MAX_CREW_WORKERS],
            inside: AtomicU32::new(0),
        }
    }

    /// Arms the crew for `workers` parties: `Busy` while any worker is
    /// still inside `run_steps` or `serve`.
    pub fn reset(&self, workers: u32) -> Result<(), RuntimeError> {
        if workers == 0 || workers as usize > MAX_CREW_WORKERS {
            return Err(RuntimeError::InvalidArgument);
        }
        if self.inside.load(Ordering::Acquire) != 0 {
            return Err(RuntimeError::Busy);
        }
        for count in &self.items_done {
            count.store(0, Ordering::Relaxed);
        }
        self.barrier.reset(workers)?;
        self.requested.store(0, Ordering::Relaxed);
        self.completed.store(0, Ordering::Relaxed);
        self.stop.store(0, Ordering::Relaxed);
        self.wake.store(0, Ordering::Relaxed);
        Ok(())
    }

    /// How many workers the crew waits for.
    pub fn workers(&self) -> u32 {
        self.barrier.parties()
    }

    /// Asks the serving workers for `steps` more steps. Never blocks: safe
    /// on the browser's main thread.
    pub fn request_steps<F: Futex>(&self, futex: &F, steps: u32) {
        self.requested.fetch_add(steps, Ordering::AcqRel);
        self.wake.fetch_add(1, Ordering::AcqRel);
        futex.notify(&self.wake, ALL_WAITERS);
    }

    /// Steps requested but not started are dropped; a step in progress
    /// finishes. Never blocks.
    pub fn cancel_pending(&self) {
        self.requested.store(self.completed.load(Ordering::Acquire), Ordering::Release);
    }

    /// Steps finished since the crew was armed (wrapping).
    pub fn completed_steps(&self) -> u32 {
        self.completed.load(Ordering::Acquire)
    }

    /// Steps requested and not yet finished.
    pub fn pending_steps(&self) -> u32 {
        self.requested.load(Ordering::Acquire).wrapping_sub(self.completed_steps())
    }

    /// Tells serving workers to return. Never blocks.
    pub fn stop<F: Futex>(&self, futex: &F) {
        self.stop.store(1, Ordering::Release);
        // Change the word idle workers sleep on, so one that is just about
        // to sleep sees a different value and cannot miss this wake-up.
        self.wake.fetch_add(1, Ordering::AcqRel);
        futex.notify(&self.wake, ALL_WAITERS);
    }

    /// Items worker `worker` has updated so far (wrapping), if it exists.
    pub fn items_done(&self, worker: u32) -> Option<u32> {
        self.items_done.get(worker as usize).map(|count| count.load(Ordering::Relaxed))
    }

    /// Runs exactly `steps` steps. Every worker of the crew calls this with
    /// the same `steps`; `worker` is this caller's index.
    pub fn run_steps<W: PhasedWork, F: Futex>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        steps: u32,
        timeout_ms: i32,
    ) -> Result<(), RuntimeError> {
        self.check_worker(worker)?;
        if steps == 0 {
            return Ok(());
        }
        let _inside = self.enter();
        // Count the batch as requested, so `pending_steps` says "busy"
        // until its last step is done.
        self.barrier.wait_and_lead(futex, timeout_ms, || {
            self.requested.fetch_add(steps, Ordering::AcqRel);
            self.begin(work);
        })?;
        for step in 0..steps {
            let more = step + 1 < steps;
            self.step_phases(work, futex, worker, timeout_ms, || {
                self.end(work);
                if more {
                    self.begin(work);
                }
            })?;
        }
        Ok(())
    }

    /// Serves step requests until `stop`: sleeps while there is nothing to
    /// do, steps one at a time otherwise. Every worker of the crew calls it.
    pub fn serve<W: PhasedWork, F: Futex>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        timeout_ms: i32,
    ) -> Result<(), RuntimeError> {
        self.check_worker(worker)?;
        let _inside = self.enter();
        loop {
            // The leader decides for everyone, so no two workers can see a
            // different `requested` and disagree on whether to step.
            self.barrier.wait_and_lead(futex, timeout_ms, || self.decide(work))?;
            match self.plan.load(Ordering::Acquire) {
                plan if plan == Plan::Stop as u32 => return Ok(()),
                plan if plan == Plan::Step as u32 => {
                    self.step_phases(work, futex, worker, timeout_ms, || self.end(work))?;
                }
                _ => {
                    let seen = self.idle_seen.load(Ordering::Acquire);
                    futex.wait(&self.wake, seen, FOREVER);
                }
            }
        }
    }

    fn enter(&self) -> Inside<'_> {
        self.inside.fetch_add(1, Ordering::AcqRel);
        Inside(&self.inside)
    }

    /// Workers inside `run_steps` or `serve` right now.
    pub fn workers_inside(&self) -> u32 {
        self.inside.load(Ordering::Acquire)
    }

    fn check_worker(&self, worker: u32) -> Result<(), RuntimeError> {
        if worker >= self.workers() {
            return Err(RuntimeError::InvalidArgument);
        }
        Ok(())
    }

    /// Leader action: start a step.
    fn begin<W: PhasedWork>(&self, work: &W) {
        let workers = self.workers();
        for blocks in &self.phase_items {
            blocks.reset(workers);
        }
        work.begin_step();
    }

    /// Leader action: finish a step.
    fn end<W: PhasedWork>(&self, work: &W) {
        work.end_step();
        self.completed.fetch_add(1, Ordering::AcqRel);
    }

    /// Leader action of `serve`'s decision barrier.
    fn decide<W: PhasedWork>(&self, work: &W) {
        let plan = if self.stop.load(Ordering::Acquire) != 0 {
            Plan::Stop
        } else if self.pending_steps() != 0 {
            self.begin(work);
            Plan::Step
        } else {
            // Read `wake` after finding nothing pending: a request that lands
            // in between changes it, and the idle wait returns at once.
            self.idle_seen.store(self.wake.load(Ordering::Acquire), Ordering::Release);
            Plan::Idle
        };
        self.plan.store(plan as u32, Ordering::Release);
    }

    /// The `PHASES` phases of one step; the last barrier runs `after_step`.
    fn step_phases<W: PhasedWork, F: Futex>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        timeout_ms: i32,
        after_step: impl FnOnce(),
    ) -> Result<(), RuntimeError> {
        let mut after_step = Some(after_step);
        let mut done = 0u32;
        let workers = self.workers();
        for phase in 0..PHASES {
            let blocks = &self.phase_items[phase as usize];
            let len = work.phase_len(phase);
            let mut visited = 0;
            while let Some(item) = blocks.claim(len, workers, worker, &mut visited) {
                // SAFETY: the home blocks hand each item of this phase to exactly
                // one caller; phases are separated by the barrier below; and
                // `begin_step`/`end_step` run only as leader actions, while
                // every other party is parked in the barrier.
                unsafe { work.update_phase_item(phase, item) };
                done += 1;
            }
            if phase + 1 == PHASES {
                let action = after_step.take();
                self.barrier.wait_and_lead(futex, timeout_ms, || {
                    if let Some(action) = action {
                        action();
                    }
                })?;
            } else {
                self.barrier.wait(futex, timeout_ms)?;
            }
        }
        self.items_done[worker as usize].fetch_add(done, Ordering::Relaxed);
        Ok(())
    }
}

impl Default for Crew {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::futex::tests::SpinFutex;
    use std::sync::atomic::AtomicU64;
    use std::sync::{Arc, Mutex};

    /// Records which (step, phase, item) ran, to check the crew's schedule.
    struct Ledger {
        items_per_phase: u32,
        step: AtomicU64,
        in_step: AtomicU32,
        seen: Mutex<Vec<(u64, u32, u32)>>,
    }

    impl PhasedWork for Ledger {
        fn begin_step(&self) {
            assert_eq!(self.in_step.swap(1, Ordering::SeqCst), 0, "begin_step twice");
        }
        fn phase_len(&self, phase: u32) -> u32 {
            self.items_per_phase + phase
        }
        unsafe fn update_phase_item(&self, phase: u32, item: u32) {
            assert_eq!(self.in_step.load(Ordering::SeqCst), 1, "update outside a step");
            let step = self.step.load(Ordering::SeqCst);
            self.seen.lock().unwrap().push((step, phase, item));
        }
        fn end_step(&self) {
            assert_eq!(self.in_step.swap(0, Ordering::SeqCst), 1, "end_step without begin");
            self.step.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn ledger() -> Arc<Ledger> {
        Arc::new(Ledger { items_per_phase: 7, step: AtomicU64::new(0), in_step: AtomicU32::new(0), seen: Mutex::new(Vec::new()) })
    }

    fn expected(steps: u64, items_per_phase: u32) -> Vec<(u64, u32, u32)> {
        let mut all = Vec::new();
        for step in 0..steps {
            for phase in 0..PHASES {
                for item in 0..items_per_phase + phase {
                    all.push((step, phase, item));
                }
            }
        }
        all
    }

    #[test]
    fn run_steps_updates_every_item_once_per_step_on_any_worker_count() {
        for workers in [1u32, 2, 3, 5] {
            let crew = Arc::new(Crew::new());
            crew.reset(workers).unwrap();
            let work = ledger();
            let handles: Vec<_> = (0..workers)
                .map(|worker| {
                    let (crew, work) = (crew.clone(), work.clone());
                    std::thread::spawn(move || crew.run_steps(&*work, &SpinFutex, worker, 6, 5_000))
                })
                .collect();
            for handle in handles {
                handle.join().unwrap().unwrap();
            }
            let mut seen = work.seen.lock().unwrap().clone();
            seen.sort_unstable();
            assert_eq!(seen, expected(6, 7), "{workers} workers");
            assert_eq!(crew.completed_steps(), 6);
            assert_eq!(crew.pending_steps(), 0, "a finished batch leaves nothing pending");
            assert_eq!(crew.workers_inside(), 0);
            let total: u32 = (0..workers).map(|w| crew.items_done(w).unwrap()).sum();
            assert_eq!(total as usize, seen.len());
        }
    }

    #[test]
    fn serve_steps_on_request_and_stops_on_request() {
        const WORKERS: u32 = 3;
        let crew = Arc::new(Crew::new());
        crew.reset(WORKERS).unwrap();
        let work = ledger();
        let handles: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let (crew, work) = (crew.clone(), work.clone());
                std::thread::spawn(move || crew.serve(&*work, &SpinFutex, worker, 5_000))
            })
            .collect();
        crew.request_steps(&SpinFutex, 3);
        while crew.completed_steps() < 3 {
            std::thread::yield_now();
        }
        crew.request_steps(&SpinFutex, 2);
        while crew.completed_steps() < 5 {
            std::thread::yield_now();
        }
        crew.stop(&SpinFutex);
        for handle in handles {
            handle.join().unwrap().unwrap();
        }
        assert_eq!(crew.completed_steps(), 5);
        assert_eq!(crew.pending_steps(), 0, "a stop is not a pending step");
        let mut seen = work.seen.lock().unwrap().clone();
        seen.sort_unstable();
        assert_eq!(seen, expected(5, 7));
    }

    #[test]
    fn bad_worker_indices_and_sizes_are_refused() {
        let crew = Crew::new();
        assert_eq!(crew.reset(0), Err(RuntimeError::InvalidArgument));
        assert_eq!(crew.reset(MAX_CREW_WORKERS as u32 + 1), Err(RuntimeError::InvalidArgument));
        crew.reset(2).unwrap();
        let work = ledger();
        assert_eq!(crew.run_steps(&*work, &SpinFutex, 2, 1, 10), Err(RuntimeError::InvalidArgument));
        assert_eq!(crew.items_done(MAX_CREW_WORKERS as u32), None);
    }
}
