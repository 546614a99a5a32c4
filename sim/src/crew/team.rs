//! The crew's shared state and the two loops workers run in it.

use core::sync::atomic::{AtomicU32, Ordering};

use core::sync::atomic::AtomicUsize;

use super::deferred_items::DeferredItems;
use super::home_blocks::HomeBlocks;
use super::phase_blocks::{PhaseBlocks, MAX_ITEMS_PER_PHASE, MAX_PHASES};
use super::phased_work::PhasedWork;
use crate::runtime::barrier::Barrier;
use crate::runtime::clock::Clock;
use crate::runtime::error::RuntimeError;
use crate::runtime::futex::{Futex, ALL_WAITERS, FOREVER};
use crate::runtime::spin::SpinBudget;
use crate::runtime::step_timing::{StepTimes, StepTiming};
use crate::runtime::thread_slot;

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
    /// The items of the running phase; reset by the leader of the barrier
    /// that ends the phase before (or that starts the step).
    phase_items: HomeBlocks,
    /// The items of every phase at once, where the work orders its items
    /// (no barrier between phases); reset by the leader that starts a step.
    ordered_items: PhaseBlocks,
    /// How long a worker spins on an earlier item's turn before it parks.
    turn_spin: SpinBudget,
    /// The items of a step's frame pass, and how many there are (0: no
    /// pass); set by the leader of the last phase's barrier.
    frame_items: HomeBlocks,
    frame_len: AtomicU32,
    /// Steps asked for and not started. Requests add, the leader takes one
    /// per step, a cancel takes all: each a single atomic operation on this
    /// one word, so no interleaving can make the count wrap.
    unstarted: AtomicU32,
    /// Steps started and not finished: 1 during a served step, the rest of
    /// the batch during `run_steps`. Set before a step is taken from
    /// `unstarted` and cleared after it ends, so `pending_steps` never
    /// reads 0 while a step runs.
    running: AtomicU32,
    /// Bumped by every request and by `stop`: idle workers sleep on it, so
    /// a stop can wake them without counting as a requested step.
    wake: AtomicU32,
    /// Steps finished; the page polls it.
    completed: AtomicU32,
    stop: AtomicU32,
    plan: AtomicU32,
    /// The `wake` value the idle decision was based on.
    idle_seen: AtomicU32,
    /// Set by a leader that found a worker's canary damaged: every worker
    /// returns `StackOverflow`, and the crew refuses to step until `reset`.
    faulted: AtomicU32,
    /// `stack_low` of each worker's stack (0: not watched), recorded as it
    /// enters; the leader checks these canaries at the end of every step.
    watched_stacks: [AtomicUsize; MAX_CREW_WORKERS],
    /// Items each worker has updated (wrapping): the page's busy bars.
    items_done: [AtomicU32; MAX_CREW_WORKERS],
    /// Workers inside `run_steps` or `serve` right now.
    inside: AtomicU32,
    /// What steps cost: wall and serial (leader action) milliseconds.
    timing: StepTiming,
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
            phase_items: HomeBlocks::new(),
            ordered_items: PhaseBlocks::new(),
            turn_spin: SpinBudget::new(),
            frame_items: HomeBlocks::new(),
            frame_len: AtomicU32::new(0),
            unstarted: AtomicU32::new(0),
            running: AtomicU32::new(0),
            wake: AtomicU32::new(0),
            completed: AtomicU32::new(0),
            stop: AtomicU32::new(0),
            plan: AtomicU32::new(Plan::Idle as u32),
            idle_seen: AtomicU32::new(0),
            faulted: AtomicU32::new(0),
            watched_stacks: [const { AtomicUsize::new(0) }; MAX_CREW_WORKERS],
            items_done: [const { AtomicU32::new(0) }; MAX_CREW_WORKERS],
            inside: AtomicU32::new(0),
            timing: StepTiming::new(),
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
        for stack in &self.watched_stacks {
            stack.store(0, Ordering::Relaxed);
        }
        self.barrier.reset(workers)?;
        self.unstarted.store(0, Ordering::Relaxed);
        self.running.store(0, Ordering::Relaxed);
        self.faulted.store(0, Ordering::Relaxed);
        self.completed.store(0, Ordering::Relaxed);
        self.stop.store(0, Ordering::Relaxed);
        self.wake.store(0, Ordering::Relaxed);
        self.timing.reset();
        Ok(())
    }

    /// How many workers the crew waits for.
    pub fn workers(&self) -> u32 {
        self.barrier.parties()
    }

    /// Asks the serving workers for `steps` more steps. Never blocks: safe
    /// on the browser's main thread.
    pub fn request_steps<F: Futex>(&self, futex: &F, steps: u32) {
        // Saturate: a host that asks for more than 2³² steps gets 2³²−1.
        let _ = self.unstarted.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| Some(n.saturating_add(steps)));
        self.wake.fetch_add(1, Ordering::AcqRel);
        futex.notify(&self.wake, ALL_WAITERS);
    }

    /// Steps requested but not started are dropped; a step in progress
    /// finishes. Never blocks.
    pub fn cancel_pending(&self) {
        self.unstarted.store(0, Ordering::Release);
    }

    /// Steps finished since the crew was armed (wrapping).
    pub fn completed_steps(&self) -> u32 {
        self.completed.load(Ordering::Acquire)
    }

    /// The `completed` word itself, for hosts that wait on it: it is
    /// notified when a step ends with none left pending (or the crew
    /// faults). Only read it atomically.
    pub fn completed_word(&self) -> &AtomicU32 {
        &self.completed
    }

    /// Steps requested or running and not yet finished.
    pub fn pending_steps(&self) -> u32 {
        // Read `unstarted` first: a step moves from it to `running` by
        // setting `running` before taking from `unstarted`, so one of the
        // two reads sees it.
        let unstarted = self.unstarted.load(Ordering::Acquire);
        unstarted.saturating_add(self.running.load(Ordering::Acquire))
    }

    /// Whether the crew found a damaged canary and stopped stepping.
    pub fn is_faulted(&self) -> bool {
        self.faulted.load(Ordering::Acquire) != 0
    }

    /// Makes the crew check the canary of the stack at `stack_low` at the
    /// end of every step while `worker` is inside it (0: check nothing).
    ///
    /// # Safety
    /// A non-zero `stack_low` must be the `stack_low` of a thread block made
    /// by `qs_thread_new` (4-aligned, at least `CANARY_BYTES` readable and
    /// never freed), or of a buffer with that property that outlives every
    /// step of this crew until the next `reset` or `watch_stack`.
    pub unsafe fn watch_stack(&self, worker: u32, stack_low: usize) -> Result<(), RuntimeError> {
        self.check_worker(worker)?;
        self.watched_stacks[worker as usize].store(stack_low, Ordering::Release);
        Ok(())
    }

    /// Tells serving workers to return. Never blocks.
    pub fn stop<F: Futex>(&self, futex: &F) {
        self.stop.store(1, Ordering::Release);
        // Change the word idle workers sleep on, so one that is just about
        // to sleep sees a different value and cannot miss this wake-up.
        self.wake.fetch_add(1, Ordering::AcqRel);
        futex.notify(&self.wake, ALL_WAITERS);
    }

    /// Items worker `worker` has updated so far (wrapping), if the crew
    /// has that worker.
    pub fn items_done(&self, worker: u32) -> Option<u32> {
        if worker >= self.workers() {
            return None;
        }
        self.items_done.get(worker as usize).map(|count| count.load(Ordering::Relaxed))
    }

    /// Runs exactly `steps` steps. Every worker of the crew calls this with
    /// the same `steps`; `worker` is this caller's index.
    pub fn run_steps<W: PhasedWork, F: Futex + Clock>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        steps: u32,
        timeout_ms: i32,
    ) -> Result<(), RuntimeError> {
        self.check_worker(worker)?;
        self.check_not_faulted()?;
        if steps == 0 {
            return Ok(());
        }
        let _inside = self.enter();
        // Count the batch as running, so `pending_steps` says "busy" until
        // its last step is done; a cancel does not touch it.
        self.barrier.wait_and_lead(futex, timeout_ms, || {
            self.running.store(steps, Ordering::Release);
            self.begin(work, futex);
        })?;
        for step in 0..steps {
            let more = step + 1 < steps;
            self.step_phases(work, futex, worker, timeout_ms, || {
                self.end(work, futex);
                if more && !self.is_faulted() {
                    self.begin(work, futex);
                }
            })?;
            self.check_not_faulted()?;
        }
        Ok(())
    }

    /// Serves step requests until `stop`: sleeps while there is nothing to
    /// do, steps one at a time otherwise. Every worker of the crew calls it.
    pub fn serve<W: PhasedWork, F: Futex + Clock>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        timeout_ms: i32,
    ) -> Result<(), RuntimeError> {
        self.check_worker(worker)?;
        self.check_not_faulted()?;
        let _inside = self.enter();
        loop {
            // The leader decides for everyone, so no two workers can see a
            // different `requested` and disagree on whether to step.
            self.barrier.wait_and_lead(futex, timeout_ms, || self.decide(work, futex))?;
            match self.plan.load(Ordering::Acquire) {
                plan if plan == Plan::Stop as u32 => return Ok(()),
                plan if plan == Plan::Step as u32 => {
                    self.step_phases(work, futex, worker, timeout_ms, || self.end(work, futex))?;
                    self.check_not_faulted()?;
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

    /// What the steps since the last `reset` cost (`StepTiming`). Any
    /// thread; never blocks.
    pub fn step_times(&self) -> StepTimes {
        self.timing.times()
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

    fn check_not_faulted(&self) -> Result<(), RuntimeError> {
        if self.is_faulted() {
            return Err(RuntimeError::StackOverflow);
        }
        Ok(())
    }

    /// Whether every watched stack's canary is intact.
    fn watched_canaries_intact(&self) -> bool {
        self.watched_stacks[..self.workers() as usize].iter().all(|stack| {
            let low = stack.load(Ordering::Acquire);
            // SAFETY: `watch_stack`'s contract: a non-zero address starts a
            // readable, 4-aligned canary that outlives this crew's steps.
            low == 0 || unsafe { thread_slot::canary_intact(low) }
        })
    }

    /// Leader action: start a step (and its timing).
    fn begin<W: PhasedWork, C: Clock>(&self, work: &W, clock: &C) {
        self.timing.begin(clock, || {
            work.begin_step();
            self.reset_phase_items(work);
        });
    }

    /// Leader action: finish a step. A damaged canary faults the crew:
    /// whatever the overflow wrote may be anywhere below that stack, so no
    /// further step may run on this memory. Then, if no step is left
    /// pending, wakes whoever waits on `completed` (the page's main thread,
    /// with `Atomics.waitAsync`), once every counter of the step is final.
    fn end<W: PhasedWork, C: Clock + Futex>(&self, work: &W, clock: &C) {
        self.timing.end(clock, || {
            work.end_step();
            self.completed.fetch_add(1, Ordering::AcqRel);
            if !self.watched_canaries_intact() {
                self.faulted.store(1, Ordering::Release);
                self.unstarted.store(0, Ordering::Release);
                self.running.store(0, Ordering::Release);
            } else {
                // `run_steps` counts its batch down; a served step sets 1.
                let _ = self.running.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| Some(n.saturating_sub(1)));
            }
        });
        // Only a host waiting for the crew to go idle waits on this word, and
        // a wake-up per step would cost that host (and this leader) a round
        // trip per step: notify when nothing is left.
        if self.pending_steps() == 0 {
            clock.notify(&self.completed, ALL_WAITERS);
        }
    }

    /// Takes one unstarted step, marking it running first (see `running`).
    fn take_step(&self) -> bool {
        self.running.store(1, Ordering::Release);
        let taken = self.unstarted.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1)).is_ok();
        if !taken {
            self.running.store(0, Ordering::Release);
        }
        taken
    }

    /// Leader action of `serve`'s decision barrier.
    fn decide<W: PhasedWork, C: Clock>(&self, work: &W, clock: &C) {
        let plan = if self.stop.load(Ordering::Acquire) != 0 {
            Plan::Stop
        } else if self.take_step() {
            self.begin(work, clock);
            Plan::Step
        } else {
            // Read `wake` after finding nothing pending: a request that lands
            // in between changes it, and the idle wait returns at once.
            self.idle_seen.store(self.wake.load(Ordering::Acquire), Ordering::Release);
            Plan::Idle
        };
        self.plan.store(plan as u32, Ordering::Release);
    }

    /// The phases of one step that have items, then its frame pass if it
    /// draws a frame; the last barrier runs `after_step`.
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
        // Every worker reads the same lengths (written by `begin_step`
        // before the barrier that started this step), so all skip the same
        // empty phases and meet at the same barriers. An empty phase
        // writes nothing, so the barrier after the phase before it already
        // separates that phase from the next.
        let phases = work.phase_count();
        if runs_ordered(work) {
            done = self.run_ordered_phases(work, futex, worker, timeout_ms)?;
        } else {
            let last = (0..phases).rev().find(|&phase| work.phase_len(phase) > 0);
            for phase in 0..phases {
                let len = work.phase_len(phase);
                if len == 0 {
                    continue;
                }
                let mut visited = 0;
                while let Some(item) = self.phase_items.claim(len, workers, worker, &mut visited) {
                    // SAFETY: the home blocks hand each item of this phase to exactly
                    // one caller; phases are separated by the barrier below; and
                    // `begin_step`/`end_step` run only as leader actions, while
                    // every other party is parked in the barrier.
                    unsafe { work.update_phase_item(phase, item) };
                    done += 1;
                }
                if Some(phase) == last {
                    break;
                }
                self.barrier.wait_and_lead(futex, timeout_ms, || self.phase_items.reset(workers))?;
            }
        }
        // The last phase's barrier (the only one if no phase has items):
        // the leader starts the frame pass, if this step draws a frame;
        // without one the step ends right here.
        self.barrier.wait_and_lead(futex, timeout_ms, || {
            self.phase_items.reset(workers);
            let frame_len = work.begin_frame();
            self.frame_items.reset(workers);
            self.frame_len.store(frame_len, Ordering::Release);
            if frame_len == 0 {
                if let Some(action) = after_step.take() {
                    action();
                }
            }
        })?;
        self.items_done[worker as usize].fetch_add(done, Ordering::Relaxed);
        // Every worker draws part of the frame: nothing of it is left to
        // the leader of the barrier that ends the step.
        let frame_len = self.frame_len.load(Ordering::Acquire);
        if frame_len > 0 {
            let mut visited = 0;
            while let Some(item) = self.frame_items.claim(frame_len, workers, worker, &mut visited) {
                // SAFETY: the last phase ended at the barrier above; the home
                // blocks hand each item to exactly one caller; `end_step`
                // runs only as the leader action of the barrier below.
                unsafe { work.render_frame_item(item) };
            }
            self.barrier.wait_and_lead(futex, timeout_ms, || {
                if let Some(action) = after_step.take() {
                    action();
                }
            })?;
        }
        Ok(())
    }
}

impl Crew {
    /// Leader action, after `begin_step`: the items start over.
    fn reset_phase_items<W: PhasedWork>(&self, work: &W) {
        let workers = self.workers();
        if runs_ordered(work) {
            self.ordered_items.reset(workers);
        } else {
            self.phase_items.reset(workers);
        }
    }

    /// The phases of a step whose work orders its items (`orders_items`):
    /// no barrier between phases. A worker takes the phases in order, in
    /// each its home block first, then what is left of the others'. An
    /// item whose earlier items (the ones it depends on) have all finished
    /// runs at once; one that still waits for some is set aside
    /// (`deferred_items.rs`) while the worker claims on, and runs once they
    /// have. After an item its turn finishes. Returns how many items this
    /// worker ran.
    ///
    /// Why this cannot deadlock: an item only waits for items of earlier
    /// phases; a worker claims an item of phase p only once every item of
    /// the phases before p has been claimed (it took what its home block
    /// and the others' still held); and a worker only blocks on the oldest
    /// item it set aside, which is of its lowest phase. So the unfinished
    /// item of the lowest phase has been claimed by a worker that waits for
    /// nothing, or by none yet, and then whoever claims it next waits for
    /// nothing.
    fn run_ordered_phases<W: PhasedWork, F: Futex>(
        &self,
        work: &W,
        futex: &F,
        worker: u32,
        timeout_ms: i32,
    ) -> Result<u32, RuntimeError> {
        let workers = self.workers();
        let mut done = 0;
        let mut deferred = DeferredItems::new();
        for phase in 0..work.phase_count() {
            let len = work.phase_len(phase);
            if len == 0 {
                continue;
            }
            let mut visited = 0;
            while let Some(item) = self.ordered_items.claim(phase, len, workers, worker, &mut visited) {
                while let Some((ready_phase, ready_item)) =
                    deferred.take_first_ready(|p, i| earlier_finished(work, p, i))
                {
                    // SAFETY: claimed earlier in this step and set aside, so
                    // this worker alone holds it, and it leaves the list
                    // here; its earlier items have finished (just checked).
                    unsafe { self.run_ordered_item(work, futex, ready_phase, ready_item) };
                    done += 1;
                }
                if earlier_finished(work, phase, item) {
                    // SAFETY: just claimed, so this worker alone holds it;
                    // its earlier items have finished (just checked).
                    unsafe { self.run_ordered_item(work, futex, phase, item) };
                    done += 1;
                    continue;
                }
                if let Some((oldest_phase, oldest_item)) = deferred.push(phase, item) {
                    // The list was full: its oldest item made room.
                    self.wait_for_earlier(work, futex, oldest_phase, oldest_item, timeout_ms)?;
                    // SAFETY: set aside by this worker, now off the list;
                    // its earlier items have finished (waited for).
                    unsafe { self.run_ordered_item(work, futex, oldest_phase, oldest_item) };
                    done += 1;
                }
            }
        }
        // Nothing left to claim: what was set aside waits, oldest first.
        while let Some((phase, item)) = deferred.take_oldest() {
            self.wait_for_earlier(work, futex, phase, item, timeout_ms)?;
            // SAFETY: set aside by this worker, now off the list; its earlier
            // items have finished (waited for).
            unsafe { self.run_ordered_item(work, futex, phase, item) };
            done += 1;
        }
        Ok(done)
    }

    /// Waits until every earlier item that item `item` of phase `phase`
    /// depends on has finished.
    fn wait_for_earlier<W: PhasedWork, F: Futex>(
        &self,
        work: &W,
        futex: &F,
        phase: u32,
        item: u32,
        timeout_ms: i32,
    ) -> Result<(), RuntimeError> {
        let mut waited = Ok(());
        work.for_each_earlier_turn(phase, item, &mut |turn| {
            waited = turn.wait_finished(futex, &self.turn_spin, timeout_ms);
            waited.is_ok()
        });
        if waited.is_err() {
            // Like a barrier wait that timed out: the others must not wait
            // for this worker at the step's last barrier.
            self.barrier.break_for_everyone(futex);
            return Err(RuntimeError::TimedOut);
        }
        Ok(())
    }

    /// Runs one claimed item, then finishes its turn.
    ///
    /// # Safety
    /// Inside `run_ordered_phases`: the caller claimed item `item` of phase
    /// `phase` in this step, runs it this once, and has seen every turn
    /// that `for_each_earlier_turn` names for it finished.
    unsafe fn run_ordered_item<W: PhasedWork, F: Futex>(&self, work: &W, futex: &F, phase: u32, item: u32) {
        // SAFETY: the claim hands each item to one caller, which runs it
        // once (the contract above); every earlier item it may touch has
        // finished (its turn, read with Acquire), and the later ones that
        // may touch it wait for its turn below; `begin_step`/`end_step` run
        // only as leader actions of barriers, where no item runs.
        unsafe { work.update_phase_item(phase, item) };
        if let Some(turn) = work.item_turn(phase, item) {
            turn.finish(futex);
        }
    }
}

/// Whether every earlier item that item `item` of phase `phase` depends on
/// has finished (Acquire: what they wrote is visible).
fn earlier_finished<W: PhasedWork>(work: &W, phase: u32, item: u32) -> bool {
    let mut finished = true;
    work.for_each_earlier_turn(phase, item, &mut |turn| {
        finished = turn.is_finished();
        finished
    });
    finished
}

/// Whether a step of `work` runs without barriers between its phases: the
/// work orders its items, and the cursors can count its phases and items
/// (a work beyond them runs with barriers, as one that does not order).
fn runs_ordered<W: PhasedWork>(work: &W) -> bool {
    work.orders_items()
        && work.phase_count() <= MAX_PHASES
        && (0..work.phase_count()).all(|phase| work.phase_len(phase) <= MAX_ITEMS_PER_PHASE)
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
    use crate::runtime::turn::Turn;
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
        fn phase_count(&self) -> u32 {
            LEDGER_PHASES
        }
        fn phase_len(&self, phase: u32) -> u32 {
            // Phase 2 is empty: the crew skips it.
            if phase == 2 {
                0
            } else {
                self.items_per_phase + phase
            }
        }
        unsafe fn update_phase_item(&self, phase: u32, item: u32) {
            assert_eq!(self.in_step.load(Ordering::SeqCst), 1, "update outside a step");
            let step = self.step.load(Ordering::SeqCst);
            let mut seen = self.seen.lock().unwrap();
            // Every item of the earlier phases has finished: the barriers
            // still separate the phases when an empty one is skipped.
            let earlier = seen.iter().filter(|&&(s, p, _)| s == step && p < phase).count() as u32;
            let wanted: u32 = (0..phase).map(|p| self.phase_len(p)).sum();
            assert_eq!(earlier, wanted, "phase {phase} of step {step} started before the phases before it ended");
            seen.push((step, phase, item));
        }
        fn end_step(&self) {
            assert_eq!(self.in_step.swap(0, Ordering::SeqCst), 1, "end_step without begin");
            self.step.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn ledger() -> Arc<Ledger> {
        Arc::new(Ledger {
            items_per_phase: 7,
            step: AtomicU64::new(0),
            in_step: AtomicU32::new(0),
            seen: Mutex::new(Vec::new()),
        })
    }

    /// Phases per step of a `Ledger`.
    const LEDGER_PHASES: u32 = 5;

    fn expected(steps: u64, items_per_phase: u32) -> Vec<(u64, u32, u32)> {
        let mut all = Vec::new();
        for step in 0..steps {
            for phase in (0..LEDGER_PHASES).filter(|&phase| phase != 2) {
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

    /// Work that orders its items (`orders_items`): item i of phase p
    /// runs after items i - 1, i and i + 1 of phase p - 1, and nothing else.
    /// With `gated: Some((held, opener))`, item `held` of phase 0 holds on
    /// in the first step until item `opener` of phase 1 has run, which only
    /// a crew without a barrier between the phases allows.
    struct Ordered {
        turns: Vec<Turn>,
        finished: Vec<AtomicU32>,
        step: AtomicU32,
        seen: Mutex<Vec<(u32, u32, u32)>>,
        /// Bit i: item i of phase 1 has run in the first step.
        phase_one_ran: AtomicU32,
        gated: Option<(u32, u32)>,
    }

    const ORDERED_PHASES: u32 = 6;
    const ORDERED_ITEMS: u32 = 9;

    impl Ordered {
        fn new(gated: Option<(u32, u32)>) -> Arc<Ordered> {
            let count = (ORDERED_PHASES * ORDERED_ITEMS) as usize;
            Arc::new(Ordered {
                turns: (0..count).map(|_| Turn::finished()).collect(),
                finished: (0..count).map(|_| AtomicU32::new(0)).collect(),
                step: AtomicU32::new(0),
                seen: Mutex::new(Vec::new()),
                phase_one_ran: AtomicU32::new(0),
                gated,
            })
        }

        fn at(phase: u32, item: u32) -> usize {
            (phase * ORDERED_ITEMS + item) as usize
        }

        fn earlier(phase: u32, item: u32) -> impl Iterator<Item = (u32, u32)> {
            let items = item.saturating_sub(1)..(item + 2).min(ORDERED_ITEMS);
            items.filter(move |_| phase > 0).map(move |i| (phase - 1, i))
        }
    }

    impl PhasedWork for Ordered {
        fn begin_step(&self) {
            for (turn, finished) in self.turns.iter().zip(&self.finished) {
                turn.arm(true);
                finished.store(0, Ordering::SeqCst);
            }
        }
        fn phase_count(&self) -> u32 {
            ORDERED_PHASES
        }
        fn phase_len(&self, _phase: u32) -> u32 {
            ORDERED_ITEMS
        }
        unsafe fn update_phase_item(&self, phase: u32, item: u32) {
            for (p, i) in Self::earlier(phase, item) {
                assert_eq!(
                    self.finished[Self::at(p, i)].load(Ordering::Relaxed),
                    1,
                    "({phase}, {item}) ran before ({p}, {i})"
                );
            }
            let first_step = self.step.load(Ordering::SeqCst) == 0;
            if let Some((held, opener)) = self.gated.filter(|&(held, _)| first_step && phase == 0 && item == held) {
                let start = std::time::Instant::now();
                while self.phase_one_ran.load(Ordering::SeqCst) & (1 << opener) == 0 {
                    assert!(
                        start.elapsed().as_secs() < 5,
                        "item {opener} of phase 1 never ran while item {held} of phase 0 held on"
                    );
                    std::thread::yield_now();
                }
            }
            if phase == 1 && first_step {
                self.phase_one_ran.fetch_or(1 << item, Ordering::SeqCst);
            }
            self.seen.lock().unwrap().push((self.step.load(Ordering::SeqCst), phase, item));
            // Relaxed: the crew's finishing of the turn must publish it.
            self.finished[Self::at(phase, item)].store(1, Ordering::Relaxed);
        }
        fn orders_items(&self) -> bool {
            true
        }
        fn item_turn(&self, phase: u32, item: u32) -> Option<&Turn> {
            self.turns.get(Self::at(phase, item))
        }
        fn for_each_earlier_turn(&self, phase: u32, item: u32, visit: &mut dyn FnMut(&Turn) -> bool) {
            for (p, i) in Self::earlier(phase, item) {
                if !visit(&self.turns[Self::at(p, i)]) {
                    return;
                }
            }
        }
        fn end_step(&self) {
            self.step.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn run_ordered(work: &Arc<Ordered>, workers: u32, steps: u32) -> Vec<Result<(), RuntimeError>> {
        let crew = Arc::new(Crew::new());
        crew.reset(workers).unwrap();
        run_on_threads(&crew, work, workers, steps)
    }

    #[test]
    fn ordered_items_run_once_each_after_what_they_depend_on() {
        for workers in [1u32, 2, 3, 5] {
            let work = Ordered::new(None);
            assert!(run_ordered(&work, workers, 4).iter().all(Result::is_ok), "{workers} workers");
            let mut seen = work.seen.lock().unwrap().clone();
            seen.sort_unstable();
            let all: Vec<_> = (0..4)
                .flat_map(|s| (0..ORDERED_PHASES).flat_map(move |p| (0..ORDERED_ITEMS).map(move |i| (s, p, i))))
                .collect();
            assert_eq!(seen, all, "{workers} workers: every item once per step");
        }
    }

    #[test]
    fn ordered_items_of_a_later_phase_run_while_an_earlier_phase_still_runs() {
        // Phase 1's first item does not depend on phase 0's last one, so a
        // second worker runs it while the first still holds that item.
        let work = Ordered::new(Some((ORDERED_ITEMS - 1, 0)));
        assert!(run_ordered(&work, 2, 2).iter().all(Result::is_ok));
        assert_eq!(work.seen.lock().unwrap().len(), (2 * ORDERED_PHASES * ORDERED_ITEMS) as usize);
    }

    #[test]
    fn a_blocked_item_is_set_aside_while_the_items_claimed_after_it_run() {
        // Phase 1's items 0 and 1 depend on phase 0's item 0, which holds on
        // until phase 1's item 3 (independent of it) has run. Whoever claims
        // phase 1's first block meets 0 and 1 before 3: waiting for them
        // there would hold the step until the gate's assertion gives up.
        for _ in 0..20 {
            let work = Ordered::new(Some((0, 3)));
            assert!(run_ordered(&work, 2, 2).iter().all(Result::is_ok));
            let mut seen = work.seen.lock().unwrap().clone();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), (2 * ORDERED_PHASES * ORDERED_ITEMS) as usize, "every item once per step");
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

    /// Work whose first item of every step waits for `gate`, so a test can
    /// act while a step is running.
    struct GatedWork {
        gate: AtomicU32,
        started: AtomicU32,
    }

    impl PhasedWork for GatedWork {
        fn begin_step(&self) {}
        fn phase_count(&self) -> u32 {
            4
        }
        fn phase_len(&self, _phase: u32) -> u32 {
            1
        }
        unsafe fn update_phase_item(&self, phase: u32, _item: u32) {
            if phase == 0 {
                self.started.fetch_add(1, Ordering::SeqCst);
                while self.gate.load(Ordering::SeqCst) == 0 {
                    std::thread::yield_now();
                }
            }
        }
        fn end_step(&self) {}
    }

    fn wait_until(what: &str, condition: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !condition() {
            assert!(std::time::Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::yield_now();
        }
    }

    #[test]
    fn cancelling_during_a_served_step_drops_only_unstarted_steps() {
        let crew = Arc::new(Crew::new());
        crew.reset(1).unwrap();
        let work = Arc::new(GatedWork { gate: AtomicU32::new(0), started: AtomicU32::new(0) });
        let server = {
            let (crew, work) = (crew.clone(), work.clone());
            std::thread::spawn(move || crew.serve(&*work, &SpinFutex, 0, 5_000))
        };
        crew.request_steps(&SpinFutex, 5);
        wait_until("the first step runs", || work.started.load(Ordering::SeqCst) == 1);
        assert_eq!(crew.pending_steps(), 5);
        crew.cancel_pending();
        assert_eq!(crew.pending_steps(), 1, "the running step is still pending");
        work.gate.store(1, Ordering::SeqCst);
        wait_until("the running step ends", || crew.completed_steps() == 1);
        wait_until("nothing is pending", || crew.pending_steps() == 0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(crew.completed_steps(), 1, "no step ran after the cancel");
        assert_eq!(crew.pending_steps(), 0, "the count never wraps");
        crew.stop(&SpinFutex);
        server.join().unwrap().unwrap();
    }

    #[test]
    fn a_cancel_during_a_batch_leaves_the_batch_alone_and_nothing_stuck() {
        let crew = Arc::new(Crew::new());
        crew.reset(1).unwrap();
        let work = Arc::new(GatedWork { gate: AtomicU32::new(0), started: AtomicU32::new(0) });
        let batch = {
            let (crew, work) = (crew.clone(), work.clone());
            std::thread::spawn(move || crew.run_steps(&*work, &SpinFutex, 0, 3, 5_000))
        };
        wait_until("the batch runs", || work.started.load(Ordering::SeqCst) == 1);
        assert_eq!(crew.pending_steps(), 3);
        crew.cancel_pending();
        assert_eq!(crew.pending_steps(), 3, "a batch is not cancellable");
        work.gate.store(1, Ordering::SeqCst);
        batch.join().unwrap().unwrap();
        assert_eq!(crew.completed_steps(), 3);
        assert_eq!(crew.pending_steps(), 0, "not stuck after the batch");
    }

    /// A stack-like buffer with a canary at its low end.
    fn canary_buffer() -> Vec<u32> {
        let buffer = vec![0u32; thread_slot::CANARY_BYTES / 4 + 16];
        // SAFETY: the buffer is live, 4-aligned and longer than the canary.
        unsafe { thread_slot::write_canary(buffer.as_ptr() as usize) };
        buffer
    }

    /// Damages the canary at `low` when step `at_step` begins.
    struct Overflowing {
        inner: Arc<Ledger>,
        low: usize,
        at_step: u64,
    }

    impl PhasedWork for Overflowing {
        fn begin_step(&self) {
            if self.inner.step.load(Ordering::SeqCst) == self.at_step {
                // SAFETY: `low` is the canary of a live buffer the test owns;
                // an atomic store is what a racing overflow would look like.
                unsafe {
                    (*(self.low as *const AtomicU32).add(thread_slot::CANARY_BYTES / 4 - 1)).store(0, Ordering::SeqCst)
                };
            }
            self.inner.begin_step();
        }
        fn phase_count(&self) -> u32 {
            self.inner.phase_count()
        }
        fn phase_len(&self, phase: u32) -> u32 {
            self.inner.phase_len(phase)
        }
        unsafe fn update_phase_item(&self, phase: u32, item: u32) {
            // SAFETY: forwarded under the caller's contract.
            unsafe { self.inner.update_phase_item(phase, item) }
        }
        fn end_step(&self) {
            self.inner.end_step();
        }
    }

    /// Runs `steps` steps of `work` on `workers` threads of `crew`; each thread's result.
    fn run_on_threads<W: PhasedWork + Send + 'static>(
        crew: &Arc<Crew>,
        work: &Arc<W>,
        workers: u32,
        steps: u32,
    ) -> Vec<Result<(), RuntimeError>> {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let (crew, work) = (crew.clone(), work.clone());
                std::thread::spawn(move || crew.run_steps(&*work, &SpinFutex, worker, steps, 5_000))
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    }

    #[test]
    fn a_damaged_canary_faults_every_worker_at_the_end_of_that_step() {
        const WORKERS: u32 = 3;
        for (at_step, expect_fault) in [(2, true), (u64::MAX, false)] {
            let buffer = canary_buffer();
            let crew = Arc::new(Crew::new());
            crew.reset(WORKERS).unwrap();
            // SAFETY: `buffer` holds a canary and outlives every step below.
            unsafe { crew.watch_stack(1, buffer.as_ptr() as usize) }.unwrap();
            let work = Arc::new(Overflowing { inner: ledger(), low: buffer.as_ptr() as usize, at_step });
            let results = run_on_threads(&crew, &work, WORKERS, 6);
            if expect_fault {
                assert!(results.iter().all(|r| *r == Err(RuntimeError::StackOverflow)), "{results:?}");
                assert!(crew.is_faulted());
                assert_eq!(crew.completed_steps(), 3, "the damaging step ends, no later one starts");
                assert_eq!(crew.pending_steps(), 0, "a faulted crew is not busy");
                let again = run_on_threads(&crew, &work, WORKERS, 1);
                assert!(again.iter().all(|r| *r == Err(RuntimeError::StackOverflow)), "stays faulted");
                crew.reset(WORKERS).unwrap();
                assert!(!crew.is_faulted(), "reset clears the fault and the watch");
                assert!(run_on_threads(&crew, &work, WORKERS, 1).iter().all(Result::is_ok));
            } else {
                assert!(results.iter().all(Result::is_ok), "negative control: {results:?}");
                assert_eq!(crew.completed_steps(), 6);
            }
            drop(buffer);
        }
    }

    /// The host seam with a fake clock: SpinFutex's waits, TickingClock's time.
    struct FakeHost(crate::runtime::clock::tests::TickingClock);

    impl Futex for FakeHost {
        fn wait(&self, word: &AtomicU32, expected: u32, timeout_ms: i32) -> crate::runtime::futex::WaitOutcome {
            SpinFutex.wait(word, expected, timeout_ms)
        }
        fn notify(&self, word: &AtomicU32, count: u32) -> u32 {
            SpinFutex.notify(word, count)
        }
    }

    impl Clock for FakeHost {
        fn now_ms(&self) -> f64 {
            self.0.now_ms()
        }
    }

    #[test]
    fn steps_are_timed_with_the_hosts_clock_and_reset_clears_the_sums() {
        let crew = Crew::new();
        crew.reset(1).unwrap();
        let host = FakeHost(crate::runtime::clock::tests::TickingClock::new(1.0));
        crew.run_steps(&*ledger(), &host, 0, 3, 5_000).unwrap();
        // Each step reads the clock around its begin and its end (one
        // millisecond per reading): 3 ms from begin to end, 2 of them serial.
        assert_eq!(host.0.readings(), 12);
        assert_eq!(crew.step_times(), StepTimes { steps: 3.0, total_ms: 9.0, serial_ms: 6.0 });
        crew.reset(1).unwrap();
        assert_eq!(crew.step_times(), StepTimes { steps: 0.0, total_ms: 0.0, serial_ms: 0.0 });
    }

    #[test]
    fn items_done_refuses_workers_past_the_crew() {
        let crew = Crew::new();
        crew.reset(1).unwrap();
        assert_eq!(crew.items_done(0), Some(0));
        assert_eq!(crew.items_done(1), None);
        assert_eq!(crew.items_done(63), None);
    }
}
