//! The export fuzzer: epochs of seeded random calls, each on a fresh
//! memory, every call judged against the model, and after each refusal a
//! check that nothing changed.
//!
//! For every call it asserts: no trap; the answer the model allows (a
//! refusal with the right code, or success with the right value); after a
//! refusal, the same heap top, memory size, thread count and, for every
//! live world, the same hash and paint queue; after a success of an export
//! that allocates nothing, the same heap top and memory size. Every
//! `sweep_every` calls and at the end of each epoch it checks every thread's
//! canary and slot, every world's and crew's counters, and that no two
//! stacks, frames or snapshot buffers overlap.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};

use super::expect::{code, judge, Outcome};
use super::export::{Call, Export};
use super::generate::Generator;
use super::model::{Followup, Model};
use super::rng::FuzzRng;
use super::target::{Build, Target, FUZZ_STACK_BYTES};
use quicksand_sim::runtime::thread_slot::MAX_STACK_BYTES;
use quicksand_sim::sand::{MATERIAL_COUNT, PAINT_RING_CAPACITY};

/// How a run is set up. The seed and `calls` together replay a run.
#[derive(Debug, Clone)]
pub struct FuzzConfig {
    pub seed: u64,
    /// Calls in all (episodes and the driver's own checks not counted).
    pub calls: u64,
    /// Calls per epoch are drawn from this range.
    pub epoch_calls: (u64, u64),
    pub sweep_every: u64,
    /// Fill memory with the largest worlds once, to reach -3.
    pub fill_memory_once: bool,
    /// How the run is replayed, for failure messages.
    pub replay_hint: String,
}

impl FuzzConfig {
    pub fn new(seed: u64, calls: u64) -> FuzzConfig {
        FuzzConfig {
            seed,
            calls,
            epoch_calls: (2_000, 8_000),
            sweep_every: 500,
            fill_memory_once: true,
            replay_hint: format!("QS_FUZZ_SEED={seed:#x} QS_FUZZ_CALLS={calls}"),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct FuzzReport {
    pub calls: u64,
    pub accepted: u64,
    pub refused: u64,
    /// Calls the driver made to check the module, beyond `calls`.
    pub checks: u64,
    pub epochs: u64,
    pub per_export: Vec<(Export, u64, u64)>,
    /// How often each refusal code came back, as (code, count).
    pub refusals: Vec<(i32, u64)>,
    pub elapsed: Duration,
}

impl FuzzReport {
    /// One line for the log.
    pub fn summary(&self, build: Build, seed: u64) -> String {
        let refusals: Vec<String> = self.refusals.iter().map(|(code, count)| format!("{code}×{count}")).collect();
        format!(
            "{}: {} calls ({} accepted, {} refused: {}) in {} epochs, {} checking calls, seed {seed:#x}, {:.1} s",
            build.file_name(),
            self.calls,
            self.accepted,
            self.refused,
            refusals.join(" "),
            self.epochs,
            self.checks,
            self.elapsed.as_secs_f64()
        )
    }

    /// Exports with arguments that were never accepted or never refused
    /// (coverage gaps; `qs_crew_serve` is only ever made when it must be
    /// refused, since an accepted one would block).
    pub fn one_sided(&self) -> Vec<String> {
        self.per_export
            .iter()
            .filter(|(export, _, _)| export.arity() > 0 && *export != Export::CrewServe)
            .filter(|(_, accepted, refused)| *accepted == 0 || *refused == 0)
            .map(|(export, accepted, refused)| format!("{} ({accepted} accepted, {refused} refused)", export.name()))
            .collect()
    }
}

/// Runs `config.calls` calls in epochs, each on a target from `fresh`.
pub fn run<T: Target>(mut fresh: impl FnMut() -> Result<T>, config: &FuzzConfig) -> Result<FuzzReport> {
    let started = Instant::now();
    let mut rng = FuzzRng::new(config.seed);
    let mut report =
        FuzzReport { per_export: Export::ALL.iter().map(|&e| (e, 0, 0)).collect(), ..FuzzReport::default() };
    let mut filled_memory = !config.fill_memory_once;
    while report.calls < config.calls {
        let epoch_seed = rng.next_u64();
        let budget = FuzzRng::new(epoch_seed).range(config.epoch_calls.0 as i64, config.epoch_calls.1 as i64) as u64;
        let budget = budget.min(config.calls - report.calls);
        let mut session = Session::new(fresh()?, epoch_seed, report.epochs, config)?;
        // The second epoch (or the first, in a one-epoch run) fills memory
        // half-way through, when the tables hold a mix of everything.
        let fill_at =
            (!filled_memory && (report.epochs == 1 || budget == config.calls - report.calls)).then_some(budget / 2);
        // Every epoch faults a crew once, at a point of its own.
        let fault_at = FuzzRng::new(!epoch_seed).below(budget.max(1));
        for n in 0..budget {
            if Some(n) == fill_at {
                session.fill_memory()?;
                filled_memory = true;
            }
            if n == fault_at {
                session.fault_a_crew()?;
            }
            session.random_call()?;
            if (n + 1) % config.sweep_every == 0 {
                session.sweep()?;
            }
        }
        session.sweep()?;
        report.calls += session.calls;
        report.accepted += session.accepted;
        report.refused += session.refused;
        report.checks += session.checks;
        for (total, counts) in report.per_export.iter_mut().zip(&session.per_export) {
            total.1 += counts.0;
            total.2 += counts.1;
        }
        for (code, count) in session.refusals {
            match report.refusals.iter_mut().find(|(c, _)| *c == code) {
                Some(entry) => entry.1 += count,
                None => report.refusals.push((code, count)),
            }
        }
        report.epochs += 1;
    }
    report.refusals.sort_by_key(|&(code, _)| std::cmp::Reverse(code));
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Calls the driver makes itself, to check the module.
const HISTORY: usize = 12;
/// Exports that may move the heap top or grow memory when they succeed.
const ALLOCATING: [Export; 9] = [
    Export::ThreadNew,
    Export::WorldBeginStroke,
    Export::WorldQueueScene,
    Export::WorldNew,
    Export::WorldFree,
    Export::SnapshotPtr,
    Export::SnapshotCapacity,
    Export::SnapshotSave,
    Export::SnapshotLoad,
];

/// One epoch: one target, its model and its generator.
pub struct Session<'c, T: Target> {
    pub target: T,
    pub model: Model,
    generator: Generator,
    config: &'c FuzzConfig,
    epoch: u64,
    epoch_seed: u64,
    history: VecDeque<String>,
    pub calls: u64,
    pub accepted: u64,
    pub refused: u64,
    pub checks: u64,
    per_export: Vec<(u64, u64)>,
    refusals: Vec<(i32, u64)>,
}

/// A number as the reports print it: large ones (handles) in hex.
fn shown(value: i64) -> String {
    if value > 0xFFFF {
        format!("{value:#x}")
    } else {
        value.to_string()
    }
}

impl<'c, T: Target> Session<'c, T> {
    pub fn new(mut target: T, epoch_seed: u64, epoch: u64, config: &'c FuzzConfig) -> Result<Self> {
        let max_memory = target.max_memory_bytes();
        let own = target.own_thread().map(|handle| (handle, FUZZ_STACK_BYTES));
        let model = Model::new(own, max_memory);
        // The attach protocol must have left this thread's canary intact.
        if let Some(handle) = target.own_thread() {
            if target.call(Export::ThreadCanaryIntact, &[handle])? != 1 {
                bail!("{}: the main thread's canary is damaged before any call", target.build().file_name());
            }
        }
        Ok(Session {
            target,
            model,
            generator: Generator::new(FuzzRng::new(epoch_seed)),
            config,
            epoch,
            epoch_seed,
            history: VecDeque::with_capacity(HISTORY),
            calls: 0,
            accepted: 0,
            refused: 0,
            checks: 0,
            per_export: vec![(0, 0); Export::ALL.len()],
            refusals: Vec::new(),
        })
    }

    /// The failure report: what failed, how to replay it, and what led up.
    fn failure(&self, what: String) -> anyhow::Error {
        let mut message = format!(
            "{}: epoch {} (epoch seed {:#x}), call {}: {what}\n  replay: {} (seed {:#x})",
            self.target.build().file_name(),
            self.epoch,
            self.epoch_seed,
            self.calls,
            self.config.replay_hint,
            self.config.seed
        );
        if !self.history.is_empty() {
            message.push_str("\n  the last calls, up to the failing one:");
            for line in &self.history {
                let _ = write!(message, "\n    {line}");
            }
        }
        anyhow!(message)
    }

    /// A call the driver makes to look at the module; a trap fails the run.
    fn query(&mut self, export: Export, args: &[i32]) -> Result<i64> {
        self.checks += 1;
        let call = Call::new(export, args);
        self.target.call(export, args).map_err(|error| self.failure(format!("{call} trapped: {error:#}")))
    }

    fn heap_top(&mut self) -> Result<u64> {
        Ok(self.query(Export::HeapTop, &[])? as u32 as u64)
    }

    fn remember(&mut self, line: String) {
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(line);
    }

    /// Draws and makes one random call.
    pub fn random_call(&mut self) -> Result<Outcome> {
        // Now and then, fill a paint queue: random paints alone rarely do.
        if self.generator.rng().below(3_000) == 0 {
            self.paint_burst()?;
        }
        let call = self.generator.call(&self.model);
        self.checked_call(&call)
    }

    /// Makes `call` and checks everything the model says about it.
    pub fn checked_call(&mut self, call: &Call) -> Result<Outcome> {
        let heap_before = self.heap_top()?;
        let memory_before = self.target.memory_bytes();
        let expect = self.model.expect(call, heap_before);
        self.calls += 1;
        let got = match self.target.call(call.export, &call.args) {
            Ok(got) => got,
            Err(error) => return Err(self.failure(format!("{call} trapped: {error:#}\n  expected {expect}"))),
        };
        let memory_after = self.target.memory_bytes();
        let outcome = judge(&expect, got, memory_after).map_err(|why| self.failure(format!("{call} → {why}")))?;
        self.remember(format!("{call} → {}", shown(got)));
        let counts = &mut self.per_export[call.export.index()];
        match outcome {
            Outcome::Accepted(_) => (self.accepted, counts.0) = (self.accepted + 1, counts.0 + 1),
            Outcome::Refused(refusal) => {
                (self.refused, counts.1) = (self.refused + 1, counts.1 + 1);
                match self.refusals.iter_mut().find(|(c, _)| *c == refusal) {
                    Some(entry) => entry.1 += 1,
                    None => self.refusals.push((refusal, 1)),
                }
            }
        }
        let heap_after = self.heap_top()?;
        let may_allocate = matches!(outcome, Outcome::Accepted(_)) && ALLOCATING.contains(&call.export);
        if !may_allocate && (heap_after, memory_after) != (heap_before, memory_before) {
            let what =
                if matches!(outcome, Outcome::Refused(_)) { "a refused call" } else { "a call that allocates nothing" };
            return Err(self.failure(format!(
                "{call} → {got}: {what} changed the heap top ({heap_before:#x} → {heap_after:#x}) or the memory size ({memory_before:#x} → {memory_after:#x} bytes)"
            )));
        }
        if let Outcome::Refused(_) = outcome {
            self.check_nothing_changed(call, got)?;
        }
        let followups =
            self.model.apply(call, outcome).map_err(|why| self.failure(format!("{call} → {got}: {why}")))?;
        for followup in followups {
            self.follow_up(call, followup)?;
        }
        Ok(outcome)
    }

    /// After a refusal: every live world as it was, no thread created.
    fn check_nothing_changed(&mut self, call: &Call, got: i64) -> Result<()> {
        let threads = self.query(Export::ThreadCount, &[])?;
        if threads != self.model.threads.len() as i64 {
            return Err(self.failure(format!(
                "{call} → {got}: a refusal left {threads} threads, the model has {}",
                self.model.threads.len()
            )));
        }
        let worlds: Vec<(i32, i64, u32)> = self.model.worlds.iter().map(|w| (w.handle, w.hash, w.queued)).collect();
        for (world, hash, queued) in worlds {
            let now = self.query(Export::WorldHash, &[world])?;
            let queue = self.query(Export::WorldQueuedPaint, &[world])?;
            if now != hash || queue != i64::from(queued) {
                return Err(self.failure(format!(
                    "{call} → {got}: a refusal changed world {world:#x}: hash {hash:#018x} → {now:#018x}, queued paint {queued} → {queue}"
                )));
            }
        }
        Ok(())
    }

    fn expect_value(&mut self, what: &str, export: Export, args: &[i32], expected: i64) -> Result<i64> {
        let got = self.query(export, args)?;
        if got != expected {
            let call = Call::new(export, args);
            return Err(self.failure(format!("{what}: {call} → {got}, expected {expected}")));
        }
        Ok(got)
    }

    fn follow_up(&mut self, call: &Call, followup: Followup) -> Result<()> {
        let after = format!("after {call}");
        match followup {
            Followup::Rehash(world) => {
                let hash = self.query(Export::WorldHash, &[world])?;
                self.model.set_world_state(world, hash, None);
            }
            Followup::Adopt(world) => {
                let (width, height) = (call.arg(0) as i64, call.arg(1) as i64);
                self.expect_value(&after, Export::WorldWidth, &[world], width)?;
                self.expect_value(&after, Export::WorldHeight, &[world], height)?;
                self.expect_value(&after, Export::WorldStepCount, &[world], 0)?;
                self.expect_value(&after, Export::WorldQueuedPaint, &[world], 0)?;
                let hash = self.query(Export::WorldHash, &[world])?;
                self.model.set_world_state(world, hash, None);
            }
            Followup::Restored { world, hash, steps } => {
                self.expect_value(
                    &format!("{after} (a load of this world's own save)"),
                    Export::WorldHash,
                    &[world],
                    hash,
                )?;
                self.expect_value(&after, Export::WorldStepCount, &[world], (steps & i32::MAX as u64) as i64)?;
            }
            Followup::Resync(world) => {
                let hash = self.query(Export::WorldHash, &[world])?;
                let steps = self.query(Export::WorldStepCount, &[world])?;
                if steps < 0 {
                    return Err(self.failure(format!("{after}: qs_world_step_count({world:#x}) → {steps}")));
                }
                self.model.set_world_state(world, hash, Some(steps as u64));
            }
            Followup::ItemsDone(crew) => {
                let before = self.model.crew(crew).map(|c| c.items_done.clone()).unwrap_or_default();
                for (worker, old) in before.into_iter().enumerate() {
                    let now = self.query(Export::CrewItemsDone, &[crew, worker as i32])?;
                    if now < old {
                        return Err(self.failure(format!(
                            "{after}: qs_crew_items_done({crew:#x}, {worker}) fell from {old} to {now}"
                        )));
                    }
                    self.model.set_items_done(crew, worker, now);
                }
            }
            Followup::ThreadSlot(thread) => {
                self.check_thread(thread)?;
            }
        }
        Ok(())
    }

    /// A thread's slot describes its own stack, and its canary is intact.
    /// Returns its stack's range.
    fn check_thread(&mut self, thread: i32) -> Result<(u64, u64)> {
        self.expect_value(&format!("thread {thread:#x}'s canary"), Export::ThreadCanaryIntact, &[thread], 1)?;
        let slot = self.query(Export::ThreadSlot, &[thread])?;
        let bytes = self.target.read_bytes(slot as u32, 16)?;
        let word = |i: usize| u32::from_le_bytes([bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]]);
        let (low, high, tls, index) = (word(0), word(1), word(2), word(3));
        let stack = self.model.thread_stack(thread).unwrap_or(0);
        if high.wrapping_sub(low) != stack || tls < high || index != thread as u32 {
            return Err(self.failure(format!(
                "thread {thread:#x}'s slot reads stack {low:#x}..{high:#x}, TLS {tls:#x}, handle {index:#x}; it asked for {stack} bytes"
            )));
        }
        Ok((u64::from(low), u64::from(high)))
    }

    /// Everything the model knows, compared with the module at once.
    pub fn sweep(&mut self) -> Result<()> {
        let heap_top = self.heap_top()?;
        let mut blocks: Vec<(u64, u64, String)> = Vec::new();
        let threads: Vec<i32> = self.model.threads.iter().map(|t| t.handle).collect();
        for thread in threads {
            let (low, high) = self.check_thread(thread)?;
            blocks.push((low, high, format!("thread {thread:#x}'s stack")));
        }
        self.expect_value("sweep", Export::ThreadCount, &[], self.model.threads.len() as i64)?;
        let worlds = self.model.worlds.clone();
        for world in &worlds {
            let h = world.handle;
            self.expect_value("sweep", Export::WorldWidth, &[h], i64::from(world.width))?;
            self.expect_value("sweep", Export::WorldHeight, &[h], i64::from(world.height))?;
            self.expect_value("sweep", Export::WorldStepCount, &[h], (world.steps & i32::MAX as u64) as i64)?;
            self.expect_value("sweep", Export::WorldQueuedPaint, &[h], i64::from(world.queued))?;
            self.expect_value("sweep", Export::WorldHash, &[h], world.hash)?;
            // Every cell holds exactly one material.
            let mut counted = 0;
            for material in 0..MATERIAL_COUNT as i32 {
                counted += self.query(Export::WorldCount, &[h, material])?;
            }
            if counted != world.cells() {
                return Err(self.failure(format!(
                    "world {h:#x}: qs_world_count over every material sums to {counted}, not its {} cells",
                    world.cells()
                )));
            }
            let frame = self.query(Export::WorldFramePtr, &[h])? as u64;
            blocks.push((frame, frame + world.cells() as u64, format!("world {h:#x}'s front frame")));
            if world.has_buffer {
                let buffer = self.query(Export::SnapshotPtr, &[h])? as u64;
                let capacity = self.query(Export::SnapshotCapacity, &[h])? as u64;
                blocks.push((buffer, buffer + capacity, format!("world {h:#x}'s snapshot buffer")));
            }
        }
        let crews = self.model.crews.clone();
        for crew in &crews {
            let h = crew.handle;
            self.expect_value("sweep", Export::CrewPending, &[h], crew.requested.min(i32::MAX as u64) as i64)?;
            self.expect_value("sweep", Export::CrewCompleted, &[h], (crew.completed & i32::MAX as u64) as i64)?;
            self.expect_value("sweep", Export::CrewFaulted, &[h], i64::from(crew.faulted))?;
        }
        let counters = self.model.counters.clone();
        for counter in &counters {
            self.expect_value(
                "sweep",
                Export::CounterClaimed,
                &[counter.handle],
                (counter.claimed & i32::MAX as u64) as i64,
            )?;
        }
        blocks.sort();
        for pair in blocks.windows(2) {
            if pair[0].1 > pair[1].0 {
                return Err(self.failure(format!(
                    "{} ({:#x}..{:#x}) overlaps {} ({:#x}..{:#x})",
                    pair[0].2, pair[0].0, pair[0].1, pair[1].2, pair[1].0, pair[1].1
                )));
            }
        }
        if let Some(last) = blocks.iter().find(|block| block.1 > heap_top) {
            return Err(self.failure(format!("{} ends at {:#x}, above the heap top {heap_top:#x}", last.2, last.1)));
        }
        Ok(())
    }

    /// Fills the memory with the largest worlds until one is refused with
    /// -3, makes the other allocating calls meet a full memory too, then
    /// frees everything again. Every call is checked like a random one.
    pub fn fill_memory(&mut self) -> Result<()> {
        let side = quicksand_sim::sand::MAX_WORLD_SIZE as i32;
        for crew in self.model.crews.iter().filter(|c| c.requested > 0).map(|c| c.handle).collect::<Vec<_>>() {
            self.checked_call(&Call::new(Export::CrewCancelPending, &[crew]))?;
        }
        for world in self.model.worlds.iter().map(|w| w.handle).collect::<Vec<_>>() {
            self.checked_call(&Call::new(Export::WorldFree, &[world]))?;
        }
        let mut big = Vec::new();
        let refusal = loop {
            match self.checked_call(&Call::new(Export::WorldNew, &[side, side, big.len() as i32]))? {
                Outcome::Accepted(world) => big.push(world as i32),
                Outcome::Refused(refusal) => break refusal,
            }
        };
        if refusal != code::OUT_OF_MEMORY || big.is_empty() {
            return Err(self.failure(format!(
                "filling memory with {side}² worlds: {} fit, then {refusal}; expected some, then -3",
                big.len()
            )));
        }
        // A full memory refuses a large stack and a large snapshot buffer
        // too, and neither refusal may leave anything behind.
        self.checked_call(&Call::new(Export::ThreadNew, &[MAX_STACK_BYTES as i32, 0, 0]))?;
        self.checked_call(&Call::new(Export::SnapshotSave, &[big[0]]))?;
        let small = self.checked_call(&Call::new(Export::WorldNew, &[64, 64, 1]))?;
        for world in big {
            self.checked_call(&Call::new(Export::WorldFree, &[world]))?;
        }
        if let Outcome::Accepted(world) = small {
            self.checked_call(&Call::new(Export::WorldScene, &[world as i32, 2]))?;
        }
        self.sweep()
    }

    /// Damages this thread's canary, runs a step on a one-worker crew from
    /// it, and checks the crew faults (-12 at the end of that step) and
    /// stays faulted until `qs_crew_reset`. Threaded build only: the
    /// single-threaded build runs on the linker's stack, which no crew
    /// watches.
    pub fn fault_a_crew(&mut self) -> Result<()> {
        let Some(thread) = self.target.own_thread() else {
            return Ok(());
        };
        // While any crew is busy a batch may be refused with -7 first.
        if self.model.busy() {
            return Ok(());
        }
        let (crew, world) =
            match (self.model.crews.iter().find(|c| c.workers == 1 && !c.faulted), self.model.worlds.first()) {
                (Some(crew), Some(world)) => (crew.handle, world.handle),
                _ => return Ok(()),
            };
        let slot = self.query(Export::ThreadSlot, &[thread])? as u32;
        let low =
            u32::from_le_bytes(self.target.read_bytes(slot, 4)?.try_into().map_err(|_| anyhow!("a slot of 4 bytes"))?);
        let canary = self.target.read_bytes(low, 64)?;
        self.target.write_bytes(low + 16, &[0x5A; 16])?;
        let call = Call::new(Export::CrewRunSteps, &[crew, world, 0, 3, 1_000]);
        let got = self.query(call.export, &call.args)?;
        self.target.write_bytes(low, &canary)?;
        self.remember(format!("{call} → {got} (with this thread's canary damaged)"));
        if got != i64::from(code::STACK_OVERFLOW) {
            return Err(
                self.failure(format!("{call} with a damaged canary → {got}, expected {}", code::STACK_OVERFLOW))
            );
        }
        self.model.crew_faulted(crew, world);
        self.follow_up(&call, Followup::Rehash(world))?;
        // Everything the model now says about the faulted crew, checked.
        self.sweep()?;
        self.checked_call(&Call::new(Export::CrewRunSteps, &[crew, world, 0, 1, 1_000]))?;
        self.checked_call(&Call::new(Export::CrewServe, &[crew, world, 0, 1_000]))?;
        self.checked_call(&Call::new(Export::CrewReset, &[crew, 1]))?;
        self.checked_call(&Call::new(Export::CrewRunSteps, &[crew, world, 0, 1, 1_000]))?;
        Ok(())
    }

    /// Fills one world's paint queue past its capacity with valid strokes,
    /// so that -4 is reached and then cleared by a step.
    pub fn paint_burst(&mut self) -> Result<()> {
        let Some(world) = self.model.worlds.first().cloned() else {
            return Ok(());
        };
        let extra = 3;
        for _ in world.queued..PAINT_RING_CAPACITY + extra {
            let rng = self.generator.rng();
            let (x, y) = (rng.range_i32(0, world.width as i32 - 1), rng.range_i32(0, world.height as i32 - 1));
            let material = rng.range_i32(0, MATERIAL_COUNT as i32 - 1);
            self.checked_call(&Call::new(Export::WorldPaint, &[world.handle, x, y, x + 1, y, 1, material]))?;
        }
        self.checked_call(&Call::new(Export::WorldStep, &[world.handle, 1]))?;
        Ok(())
    }
}
