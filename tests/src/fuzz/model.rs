//! The export fuzzer's model of the module: which handles are live and of
//! what kind, what each world and crew holds, and how full each table is.
//! From it follows, for any call, what the module must answer (docs/ABI.md,
//! ABI version 2), and how the model changes when the call succeeds.
//!
//! Validity is decided by looking a number up among the live handles, never
//! by how the generator made it: a mutated handle that happens to equal a
//! live one is valid, and the model says so.

use quicksand_sim::abi::HandleKind;
use quicksand_sim::crew::MAX_CREW_WORKERS;
use quicksand_sim::runtime::registry::{MAX_BARRIERS, MAX_COUNTERS, MAX_THREADS};
use quicksand_sim::runtime::thread_slot::{GUARD_BYTES, MAX_STACK_BYTES, MAX_TLS_BYTES, MIN_STACK_BYTES, STACK_ALIGN};
use quicksand_sim::sand::{
    Rect, World, CHUNK_SIZE, HISTORY_BUDGET_MIB, HISTORY_WHOLE_WORLDS, MATERIAL_COUNT, MAX_BRUSH_RADIUS,
    MAX_WORLD_SIZE, PAINT_COORD_MARGIN, PAINT_RING_CAPACITY, PAINT_TOOL_COOL, PAINT_TOOL_HEAT, PALETTE_LEN,
    SNAPSHOT_HEADER_BYTES,
};

use super::expect::{code, Check, Codes, Expect, Outcome};
use super::export::{Call, Export};

/// `MAX_WORLDS` and `MAX_CREWS` of sim/src/exports (docs/ABI.md); that
/// module is wasm-only, so the host cannot name them.
pub const MAX_WORLDS: usize = 16;
pub const MAX_CREWS: usize = 8;
/// Scenes 0..=4 (docs/ABI.md `qs_world_scene`).
pub const SCENE_COUNT: i32 = quicksand_sim::sand::Scene::ALL.len() as i32;
/// Slack for "might this allocation run out of memory": alignment, the
/// allocator's rounding, and native struct sizes differing from wasm's.
const ALLOCATION_SLACK: u64 = 1 << 20;

/// One save's length for a `width` × `height` world (docs/SAVE_FORMAT.md).
pub fn snapshot_len(width: u32, height: u32) -> u64 {
    let cells = u64::from(width) * u64::from(height);
    let chunks = u64::from(width.div_ceil(CHUNK_SIZE)) * u64::from(height.div_ceil(CHUNK_SIZE));
    SNAPSHOT_HEADER_BYTES as u64
        + 4 * cells
        + chunks * std::mem::size_of::<Rect>() as u64
        + std::mem::size_of::<u64>() as u64
}

#[derive(Debug, Clone)]
pub struct ThreadModel {
    pub handle: i32,
    pub stack_bytes: u32,
}

#[derive(Debug, Clone)]
pub struct BarrierModel {
    pub handle: i32,
    pub parties: u32,
    /// A wait timed out: every later wait is refused with -11.
    pub broken: bool,
}

#[derive(Debug, Clone)]
pub struct CounterModel {
    pub handle: i32,
    pub claimed: u64,
}

/// What a world's snapshot buffer is known to hold.
#[derive(Debug, Clone, Copy)]
pub struct Saved {
    pub hash: i64,
    pub steps: u64,
}

#[derive(Debug, Clone)]
pub struct WorldModel {
    pub handle: i32,
    pub width: u32,
    pub height: u32,
    pub steps: u64,
    pub queued: u32,
    /// The hash read after the last call that may have changed the world.
    pub hash: i64,
    /// A save of this world taken by `qs_world_snapshot_save`, if any.
    pub saved: Option<Saved>,
    /// Whether its snapshot buffer has been allocated.
    pub has_buffer: bool,
    /// Whether its undo history has been allocated.
    pub has_history: bool,
}

impl WorldModel {
    pub fn snapshot_len(&self) -> u64 {
        snapshot_len(self.width, self.height)
    }

    pub fn cells(&self) -> i64 {
        i64::from(self.width) * i64::from(self.height)
    }

    /// About what its history block takes (docs/ABI.md, "Undo and redo"):
    /// `HISTORY_WHOLE_WORLDS` saves of every chunk, at most the budget.
    pub fn history_bytes(&self) -> u64 {
        let chunks = u64::from(self.width.div_ceil(CHUNK_SIZE)) * u64::from(self.height.div_ceil(CHUNK_SIZE));
        let whole_world = chunks * 64 + 2 * self.cells() as u64;
        let budget = u64::from(HISTORY_BUDGET_MIB) << 20;
        budget.min(u64::from(HISTORY_WHOLE_WORLDS) * whole_world) + 4 * chunks + 64
    }
}

#[derive(Debug, Clone)]
pub struct CrewModel {
    pub handle: i32,
    pub workers: u32,
    /// Steps requested and not cancelled; nobody serves them, so they stay
    /// pending (and make exclusive world exports busy).
    pub requested: u64,
    pub completed: u64,
    /// The last `qs_crew_items_done` read per worker: it may only grow.
    pub items_done: Vec<i64>,
    /// A worker's canary was found damaged: stepping is refused with -12
    /// until `qs_crew_reset`.
    pub faulted: bool,
}

/// Something the driver must read back after an accepted call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followup {
    /// Read the world's hash and take it as the model's.
    Rehash(i32),
    /// A new world: its size, step count and queue must be the model's;
    /// then take its hash.
    Adopt(i32),
    /// The world's hash and step count must now be these.
    Restored { world: i32, hash: i64, steps: u64 },
    /// An accepted load of bytes the model did not know: take the world's
    /// hash and step count as they are.
    Resync(i32),
    /// Read every worker's `items_done`: none may have shrunk.
    ItemsDone(i32),
    /// A new thread: its slot must describe a stack of the requested size.
    ThreadSlot(i32),
}

/// The model of one module instance.
#[derive(Debug, Clone)]
pub struct Model {
    pub threads: Vec<ThreadModel>,
    pub barriers: Vec<BarrierModel>,
    pub counters: Vec<CounterModel>,
    pub worlds: Vec<WorldModel>,
    pub crews: Vec<CrewModel>,
    /// Handles of freed worlds, most recent last (a bounded list).
    pub stale_worlds: Vec<i32>,
    pub max_memory: u64,
    /// Whether multi-party barrier waits may be issued (they need a host
    /// wait that can time out; both builds have one).
    pub timed_waits: bool,
}

fn find<T>(items: &[T], handle: i32, of: impl Fn(&T) -> i32) -> Option<usize> {
    items.iter().position(|item| of(item) == handle)
}

const fn handle_check(kind: HandleKind, slots: usize) -> Check {
    Check::Handle { kind: kind as u32, slots: slots as u32 }
}

/// -1 and -2 of `qs_world_new`/`qs_world_bytes_needed` for a size; none if valid.
fn size_codes(width: i32, height: i32) -> Codes {
    let max = MAX_WORLD_SIZE as i32;
    let small = width <= 0 || height <= 0;
    let large = width > max || height > max;
    Codes::NONE.with_if(small, code::INVALID).with_if(large, code::TOO_LARGE)
}

impl Model {
    /// A fresh instance: the threaded build's main thread is the one
    /// thread that exists.
    pub fn new(own_thread: Option<(i32, u32)>, max_memory: u64) -> Model {
        Model {
            threads: own_thread.map(|(handle, stack_bytes)| ThreadModel { handle, stack_bytes }).into_iter().collect(),
            barriers: Vec::new(),
            counters: Vec::new(),
            worlds: Vec::new(),
            crews: Vec::new(),
            stale_worlds: Vec::new(),
            max_memory,
            timed_waits: true,
        }
    }

    pub fn world(&self, handle: i32) -> Option<&WorldModel> {
        find(&self.worlds, handle, |w| w.handle).map(|i| &self.worlds[i])
    }

    fn world_mut(&mut self, handle: i32) -> Option<&mut WorldModel> {
        find(&self.worlds, handle, |w| w.handle).map(|i| &mut self.worlds[i])
    }

    pub fn crew(&self, handle: i32) -> Option<&CrewModel> {
        find(&self.crews, handle, |c| c.handle).map(|i| &self.crews[i])
    }

    fn crew_mut(&mut self, handle: i32) -> Option<&mut CrewModel> {
        find(&self.crews, handle, |c| c.handle).map(|i| &mut self.crews[i])
    }

    fn barrier(&self, handle: i32) -> Option<&BarrierModel> {
        find(&self.barriers, handle, |b| b.handle).map(|i| &self.barriers[i])
    }

    fn counter(&self, handle: i32) -> Option<&CounterModel> {
        find(&self.counters, handle, |c| c.handle).map(|i| &self.counters[i])
    }

    fn thread(&self, handle: i32) -> Option<&ThreadModel> {
        find(&self.threads, handle, |t| t.handle).map(|i| &self.threads[i])
    }

    /// Every live handle of every kind.
    pub fn live_handles(&self) -> Vec<i32> {
        let mut all: Vec<i32> = self.threads.iter().map(|t| t.handle).collect();
        all.extend(self.barriers.iter().map(|b| b.handle));
        all.extend(self.counters.iter().map(|c| c.handle));
        all.extend(self.worlds.iter().map(|w| w.handle));
        all.extend(self.crews.iter().map(|c| c.handle));
        all
    }

    /// Live handles of one kind.
    pub fn handles_of(&self, kind: HandleKind) -> Vec<i32> {
        match kind {
            HandleKind::Thread => self.threads.iter().map(|t| t.handle).collect(),
            HandleKind::Barrier => self.barriers.iter().map(|b| b.handle).collect(),
            HandleKind::Counter => self.counters.iter().map(|c| c.handle).collect(),
            HandleKind::World => self.worlds.iter().map(|w| w.handle).collect(),
            HandleKind::Crew => self.crews.iter().map(|c| c.handle).collect(),
        }
    }

    /// Whether any crew has steps pending: then the exports that replace
    /// a whole world refuse with -7.
    pub fn busy(&self) -> bool {
        self.crews.iter().any(|crew| crew.requested > 0)
    }

    /// Whether `bytes` more might not fit: only then may an allocating
    /// call answer -3. Below the top there may be free blocks, but past it
    /// the memory can always grow to its maximum.
    fn may_run_out(&self, heap_top: u64, bytes: u64) -> bool {
        heap_top.saturating_add(bytes).saturating_add(ALLOCATION_SLACK) > self.max_memory
    }

    /// Whether the call could block the calling thread, or run so long
    /// that it is not worth making: the driver never makes such calls.
    pub fn unsafe_to_call(&self, call: &Call) -> bool {
        match call.export {
            Export::BarrierWait => self.barrier(call.arg(0)).is_some_and(|barrier| {
                barrier.parties > 1 && !barrier.broken && !(self.timed_waits && (0..=2).contains(&call.arg(1)))
            }),
            Export::CrewRunSteps | Export::CrewServe => {
                // A faulted crew refuses before it waits for anyone.
                let faulted = self.crew(call.arg(0)).is_some_and(|crew| crew.faulted);
                let valid = !faulted
                    && self.crew(call.arg(0)).zip(self.world(call.arg(1))).is_some_and(|(crew, _)| {
                        u32::try_from(call.arg(2)).is_ok_and(|worker| worker < crew.workers)
                            && (call.export == Export::CrewServe || call.arg(3) >= 0)
                    });
                let one_worker = self.crew(call.arg(0)).is_some_and(|crew| crew.workers == 1);
                valid && (call.export == Export::CrewServe || !one_worker || call.arg(3) > 8)
            }
            Export::WorldStep => self.world(call.arg(0)).is_some() && call.arg(1) > 8,
            Export::WorldNew => {
                size_codes(call.arg(0), call.arg(1)).is_empty()
                    && i64::from(call.arg(0)) * i64::from(call.arg(1)) > 4 * 4096
            }
            _ => false,
        }
    }

    /// What the module must answer to `call`, given the heap top before it.
    pub fn expect(&self, call: &Call, heap_top: u64) -> Expect {
        let invalid = Expect::refused(&[code::INVALID]);
        let busy = self.busy();
        let a = |i: usize| call.arg(i);
        match call.export {
            Export::ThreadNew => {
                let (stack, tls_size, tls_align) = (a(0), a(1), a(2));
                let stack_ok = (MIN_STACK_BYTES as i64..=MAX_STACK_BYTES as i64).contains(&i64::from(stack))
                    && (stack as usize).is_multiple_of(STACK_ALIGN);
                let tls_ok = (0..=MAX_TLS_BYTES as i64).contains(&i64::from(tls_size))
                    && (tls_align == 0
                        || (tls_align > 0
                            && (tls_align as u32).is_power_of_two()
                            && tls_align as usize <= MAX_TLS_BYTES));
                let full = self.threads.len() >= MAX_THREADS;
                if !(stack_ok && tls_ok) {
                    return Expect::Refused(Codes::of(&[code::INVALID]).with_if(full, code::TABLE_FULL));
                }
                if full {
                    return Expect::refused(&[code::TABLE_FULL]);
                }
                let bytes = (GUARD_BYTES as u64) + stack as u64 + tls_size as u64 + tls_align as u64;
                Expect::ok_or(
                    handle_check(HandleKind::Thread, MAX_THREADS),
                    Codes::NONE.with_if(self.may_run_out(heap_top, bytes), code::OUT_OF_MEMORY),
                )
            }
            Export::ThreadSlot => match self.thread(a(0)) {
                Some(_) => Expect::ok(Check::Address { len: 16 }),
                None => invalid,
            },
            Export::ThreadCanaryIntact => match self.thread(a(0)) {
                Some(_) => Expect::ok(Check::Exactly(1)),
                None => invalid,
            },
            Export::ThreadCount => Expect::ok(Check::Exactly(self.threads.len() as i64)),
            Export::BarrierNew => {
                let full = self.barriers.len() >= MAX_BARRIERS;
                match (a(0) >= 1, full) {
                    (false, _) => Expect::Refused(Codes::of(&[code::INVALID]).with_if(full, code::TABLE_FULL)),
                    (true, true) => Expect::refused(&[code::TABLE_FULL]),
                    // docs/ABI.md sets no upper limit on parties; a sim that
                    // refuses absurd counts (more than threads can exist) is
                    // within the spec too.
                    (true, false) => Expect::ok_or(
                        handle_check(HandleKind::Barrier, MAX_BARRIERS),
                        Codes::NONE.with_if(a(0) > MAX_THREADS as i32, code::INVALID),
                    ),
                }
            }
            Export::BarrierWait => match self.barrier(a(0)) {
                None => invalid,
                Some(barrier) if barrier.broken => Expect::refused(&[code::BARRIER_BROKEN]),
                // The only party is always the leader.
                Some(barrier) if barrier.parties == 1 => Expect::ok(Check::Exactly(1)),
                // Alone at a barrier for more: the wait times out and breaks it.
                Some(_) => Expect::refused(&[code::TIMED_OUT]),
            },
            Export::CounterNew => match self.counters.len() >= MAX_COUNTERS {
                true => Expect::refused(&[code::TABLE_FULL]),
                false => Expect::ok(handle_check(HandleKind::Counter, MAX_COUNTERS)),
            },
            Export::CounterClaim | Export::CounterClaimed => match self.counter(a(0)) {
                Some(counter) => Expect::ok(Check::Exactly((counter.claimed & i32::MAX as u64) as i64)),
                None => invalid,
            },
            Export::HeapTop => Expect::ok(Check::Exactly(heap_top as i64)),
            Export::WorldNew => {
                let size = size_codes(a(0), a(1));
                let full = self.worlds.len() >= MAX_WORLDS;
                if !size.is_empty() {
                    return Expect::Refused(size.with_if(full, code::TABLE_FULL));
                }
                if full {
                    return Expect::refused(&[code::TABLE_FULL]);
                }
                let bytes = World::bytes_needed(a(0) as u32, a(1) as u32).map_or(u64::MAX, |b| b as u64);
                Expect::ok_or(
                    handle_check(HandleKind::World, MAX_WORLDS),
                    Codes::NONE.with_if(self.may_run_out(heap_top, bytes), code::OUT_OF_MEMORY),
                )
            }
            Export::WorldBytesNeeded => {
                let size = size_codes(a(0), a(1));
                if !size.is_empty() {
                    return Expect::Refused(size);
                }
                // Two planes with borders and two frames: at least 4 bytes a cell.
                Expect::ok(Check::Range(4 * i64::from(a(0)) * i64::from(a(1)), i64::from(i32::MAX)))
            }
            export => self.expect_on_handle(export, call, heap_top, busy),
        }
    }

    /// Exports whose first argument is a world or crew handle.
    fn expect_on_handle(&self, export: Export, call: &Call, heap_top: u64, busy: bool) -> Expect {
        let invalid = Expect::refused(&[code::INVALID]);
        let a = |i: usize| call.arg(i);
        if let Some(crew_export) = self.expect_on_crew(export, call, busy) {
            return crew_export;
        }
        let Some(world) = self.world(a(0)) else {
            return invalid;
        };
        let busy_codes = Codes::of(&[code::BUSY]);
        match export {
            Export::WorldFree if busy => Expect::Refused(busy_codes),
            Export::WorldFree => Expect::ok(Check::Exactly(0)),
            Export::WorldWidth => Expect::ok(Check::Exactly(i64::from(world.width))),
            Export::WorldHeight => Expect::ok(Check::Exactly(i64::from(world.height))),
            Export::WorldStepCount => Expect::ok(Check::Exactly((world.steps & i32::MAX as u64) as i64)),
            Export::WorldStep => match (a(1) < 0, busy) {
                (true, _) => Expect::Refused(Codes::of(&[code::INVALID]).with_if(busy, code::BUSY)),
                (false, true) => Expect::Refused(busy_codes),
                (false, false) => Expect::ok(Check::Exactly(0)),
            },
            Export::WorldPaint => {
                let near = |value: i32, size: u32| {
                    (-i64::from(PAINT_COORD_MARGIN)..i64::from(size) + i64::from(PAINT_COORD_MARGIN))
                        .contains(&i64::from(value))
                };
                let tools = [PAINT_TOOL_HEAT as i32, PAINT_TOOL_COOL as i32];
                let material_bad = !(0..MATERIAL_COUNT as i32).contains(&a(6)) && !tools.contains(&a(6));
                let ends_near = near(a(1), world.width)
                    && near(a(3), world.width)
                    && near(a(2), world.height)
                    && near(a(4), world.height);
                let other_bad = !(0..=MAX_BRUSH_RADIUS as i32).contains(&a(5)) || !ends_near;
                let codes = Codes::NONE.with_if(material_bad, code::UNKNOWN_MATERIAL).with_if(other_bad, code::INVALID);
                if !codes.is_empty() {
                    Expect::Refused(codes)
                } else if world.queued >= PAINT_RING_CAPACITY {
                    Expect::refused(&[code::QUEUE_FULL])
                } else {
                    Expect::ok(Check::Exactly(0))
                }
            }
            Export::WorldQueuedPaint => Expect::ok(Check::Exactly(i64::from(world.queued))),
            Export::WorldBeginStroke | Export::WorldUndo | Export::WorldRedo | Export::WorldQueueScene => {
                let bad = match export {
                    Export::WorldBeginStroke => a(1) < 0,
                    Export::WorldQueueScene => !(0..SCENE_COUNT).contains(&a(1)),
                    _ => false,
                };
                let allocates = match export {
                    Export::WorldBeginStroke => a(1) != 0,
                    _ => export == Export::WorldQueueScene,
                };
                if bad {
                    invalid
                } else if world.queued >= PAINT_RING_CAPACITY {
                    Expect::refused(&[code::QUEUE_FULL])
                } else {
                    let may_run_out =
                        allocates && !world.has_history && self.may_run_out(heap_top, world.history_bytes());
                    Expect::ok_or(Check::Exactly(0), Codes::NONE.with_if(may_run_out, code::OUT_OF_MEMORY))
                }
            }
            Export::WorldApplyPending if busy => Expect::Refused(busy_codes),
            Export::WorldApplyPending => Expect::ok(Check::Exactly(0)),
            // What the history holds depends on which strokes changed
            // anything; the sim's own tests pin it.
            Export::WorldUndoDepth | Export::WorldRedoDepth | Export::WorldHistoryBytes => {
                Expect::ok(Check::Range(0, i64::from(i32::MAX)))
            }
            Export::WorldScene => match ((0..SCENE_COUNT).contains(&a(1)), busy) {
                (false, _) => Expect::Refused(Codes::of(&[code::INVALID]).with_if(busy, code::BUSY)),
                (true, true) => Expect::Refused(busy_codes),
                (true, false) => Expect::ok(Check::Exactly(0)),
            },
            // Nothing but the calls the model follows changes a world, so
            // its hash must be the one read after the last of them.
            Export::WorldHash => Expect::ok(Check::Exactly(world.hash)),
            Export::WorldCount if (0..MATERIAL_COUNT as i32).contains(&a(1)) => {
                Expect::ok(Check::Range(0, world.cells()))
            }
            Export::WorldCount => Expect::refused(&[code::UNKNOWN_MATERIAL]),
            Export::WorldRequestFrame => Expect::ok(Check::Exactly(0)),
            Export::WorldFrameSeq => Expect::ok(Check::Range(0, i64::from(i32::MAX))),
            Export::WorldFramePtr => Expect::ok(Check::Address { len: world.cells() as u64 }),
            Export::WorldPalettePtr => Expect::ok(Check::Address { len: 4 * PALETTE_LEN as u64 }),
            Export::WorldPaletteLen => Expect::ok(Check::Exactly(PALETTE_LEN as i64)),
            Export::SnapshotPtr | Export::SnapshotCapacity | Export::SnapshotSave | Export::SnapshotLoad => {
                self.expect_snapshot(export, world, call.args.get(1).copied().unwrap_or(0), heap_top, busy)
            }
            other => unreachable!("{} is not a world export", other.name()),
        }
    }

    fn expect_snapshot(&self, export: Export, world: &WorldModel, len: i32, heap_top: u64, busy: bool) -> Expect {
        let needed = world.snapshot_len();
        let may_run_out = !world.has_buffer && self.may_run_out(heap_top, needed);
        let oom = Codes::NONE.with_if(may_run_out, code::OUT_OF_MEMORY);
        match export {
            Export::SnapshotPtr => Expect::ok_or(Check::Address { len: needed }, oom),
            Export::SnapshotCapacity => Expect::ok_or(Check::Range(needed as i64, i64::from(i32::MAX)), oom),
            Export::SnapshotSave if busy => Expect::Refused(oom.with(code::BUSY)),
            Export::SnapshotSave => Expect::ok_or(Check::Exactly(needed as i64), oom),
            Export::SnapshotLoad => {
                // -1 for a negative length (or one past the buffer); a
                // refused save code for anything that is not a save of
                // this world (docs/SAVE_FORMAT.md).
                let refusals = Codes::SAVE.with(code::INVALID).union(oom);
                if len < 0 {
                    return Expect::Refused(oom.with(code::INVALID).with_if(busy, code::BUSY));
                }
                if busy {
                    return Expect::Refused(refusals.with(code::BUSY));
                }
                if len as u64 != needed {
                    return Expect::Refused(refusals);
                }
                match world.saved {
                    Some(_) => Expect::ok_or(Check::Exactly(0), oom),
                    // A buffer of unknown content (fresh from the heap, or
                    // a freed world's) may or may not hold a save.
                    None => Expect::ok_or(Check::Exactly(0), refusals),
                }
            }
            other => unreachable!("{} is not a snapshot export", other.name()),
        }
    }

    /// Exports whose first argument is a crew handle; `None` for others.
    fn expect_on_crew(&self, export: Export, call: &Call, busy: bool) -> Option<Expect> {
        let invalid = Expect::refused(&[code::INVALID]);
        let a = |i: usize| call.arg(i);
        let crew_export = matches!(
            export,
            Export::CrewReset
                | Export::CrewRunSteps
                | Export::CrewServe
                | Export::CrewRequestSteps
                | Export::CrewCancelPending
                | Export::CrewPending
                | Export::CrewCompleted
                | Export::CrewCompletedPtr
                | Export::CrewFaulted
                | Export::CrewItemsDone
                | Export::CrewStop
                | Export::CrewNew
        );
        if !crew_export {
            return None;
        }
        let workers_ok = |n: i32| (1..=MAX_CREW_WORKERS as i32).contains(&n);
        if export == Export::CrewNew {
            let full = self.crews.len() >= MAX_CREWS;
            return Some(match (workers_ok(a(0)), full) {
                (false, _) => Expect::Refused(Codes::of(&[code::INVALID]).with_if(full, code::TABLE_FULL)),
                (true, true) => Expect::refused(&[code::TABLE_FULL]),
                (true, false) => Expect::ok(handle_check(HandleKind::Crew, MAX_CREWS)),
            });
        }
        let Some(crew) = self.crew(a(0)) else {
            return Some(invalid);
        };
        let worker_ok = |w: i32| u32::try_from(w).is_ok_and(|w| w < crew.workers);
        Some(match export {
            Export::CrewReset if workers_ok(a(1)) => Expect::ok(Check::Exactly(0)),
            Export::CrewReset => invalid,
            Export::CrewRunSteps | Export::CrewServe => {
                let steps_ok = export == Export::CrewServe || a(3) >= 0;
                if self.world(a(1)).is_none() || !worker_ok(a(2)) || !steps_ok {
                    invalid
                } else if crew.faulted {
                    Expect::refused(&[code::STACK_OVERFLOW])
                } else if busy {
                    // docs/ABI.md only promises -7 for the exports that
                    // replace a world; a sim may refuse a batch then too.
                    Expect::ok_or(Check::Exactly(0), Codes::of(&[code::BUSY]))
                } else {
                    Expect::ok(Check::Exactly(0))
                }
            }
            Export::CrewRequestSteps if a(1) < 0 => invalid,
            Export::CrewRequestSteps => Expect::ok(Check::Exactly(0)),
            Export::CrewCancelPending | Export::CrewStop => Expect::ok(Check::Exactly(0)),
            // Never wraps: what was requested, capped at what an i32 holds.
            Export::CrewPending => Expect::ok(Check::Exactly(crew.requested.min(i32::MAX as u64) as i64)),
            Export::CrewCompleted => Expect::ok(Check::Exactly((crew.completed & i32::MAX as u64) as i64)),
            // The u32 counter inside the crew table: 4 bytes in memory.
            Export::CrewCompletedPtr => Expect::ok(Check::Address { len: 4 }),
            Export::CrewFaulted => Expect::ok(Check::Exactly(i64::from(crew.faulted))),
            Export::CrewItemsDone if worker_ok(a(1)) => {
                Expect::ok(Check::Range(crew.items_done[a(1) as usize], i64::from(i32::MAX)))
            }
            Export::CrewItemsDone => invalid,
            other => unreachable!("{} is not a crew export", other.name()),
        })
    }

    /// Updates the model after `call` came out as `outcome`; returns what
    /// the driver must read back, or why the outcome is impossible.
    pub fn apply(&mut self, call: &Call, outcome: Outcome) -> Result<Vec<Followup>, String> {
        let a = |i: usize| call.arg(i);
        let value = match outcome {
            Outcome::Accepted(value) => value,
            Outcome::Refused(refusal) => {
                if call.export == Export::BarrierWait && refusal == code::TIMED_OUT {
                    if let Some(i) = find(&self.barriers, a(0), |b| b.handle) {
                        self.barriers[i].broken = true;
                    }
                }
                return Ok(Vec::new());
            }
        };
        let handle = value as i32;
        let fresh = |model: &Model| -> Result<(), String> {
            match model.live_handles().contains(&handle) {
                true => Err(format!("handed out {handle:#x}, which is already live")),
                false => Ok(()),
            }
        };
        let mut followups = Vec::new();
        match call.export {
            Export::ThreadNew => {
                fresh(self)?;
                self.threads.push(ThreadModel { handle, stack_bytes: a(0) as u32 });
                followups.push(Followup::ThreadSlot(handle));
            }
            Export::BarrierNew => {
                fresh(self)?;
                self.barriers.push(BarrierModel { handle, parties: a(0) as u32, broken: false });
            }
            Export::CounterNew => {
                fresh(self)?;
                self.counters.push(CounterModel { handle, claimed: 0 });
            }
            Export::CounterClaim => {
                if let Some(i) = find(&self.counters, a(0), |c| c.handle) {
                    self.counters[i].claimed += 1;
                }
            }
            Export::WorldNew => {
                fresh(self)?;
                self.stale_worlds.retain(|&stale| stale != handle);
                self.worlds.push(WorldModel {
                    handle,
                    width: a(0) as u32,
                    height: a(1) as u32,
                    steps: 0,
                    queued: 0,
                    hash: 0,
                    saved: None,
                    has_buffer: false,
                    has_history: false,
                });
                followups.push(Followup::Adopt(handle));
            }
            Export::WorldFree => {
                self.worlds.retain(|w| w.handle != a(0));
                self.stale_worlds.push(a(0));
                if self.stale_worlds.len() > 64 {
                    self.stale_worlds.remove(0);
                }
            }
            Export::WorldStep => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.steps += a(1) as u64;
                    if a(1) > 0 {
                        world.queued = 0;
                    }
                }
                followups.push(Followup::Rehash(a(0)));
            }
            Export::WorldPaint => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.queued += 1;
                }
            }
            Export::WorldScene | Export::WorldApplyPending => {
                if let Some(world) = self.world_mut(a(0)) {
                    if call.export == Export::WorldApplyPending {
                        world.queued = 0;
                    }
                }
                followups.push(Followup::Rehash(a(0)));
            }
            Export::WorldBeginStroke | Export::WorldUndo | Export::WorldRedo | Export::WorldQueueScene => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.queued += 1;
                    world.has_history |= call.export == Export::WorldQueueScene
                        || (call.export == Export::WorldBeginStroke && a(1) != 0);
                }
            }
            Export::SnapshotPtr | Export::SnapshotCapacity => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.has_buffer = true;
                }
            }
            Export::SnapshotSave => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.has_buffer = true;
                    world.saved = Some(Saved { hash: world.hash, steps: world.steps });
                }
            }
            Export::SnapshotLoad => {
                if let Some(world) = self.world_mut(a(0)) {
                    world.has_buffer = true;
                    match world.saved {
                        Some(saved) => {
                            (world.hash, world.steps) = (saved.hash, saved.steps);
                            followups.push(Followup::Restored { world: a(0), hash: saved.hash, steps: saved.steps });
                        }
                        None => followups.push(Followup::Resync(a(0))),
                    }
                }
            }
            Export::CrewNew => {
                fresh(self)?;
                self.crews.push(CrewModel {
                    handle,
                    workers: a(0) as u32,
                    requested: 0,
                    completed: 0,
                    items_done: vec![0; a(0) as usize],
                    faulted: false,
                });
            }
            Export::CrewReset => {
                if let Some(crew) = self.crew_mut(a(0)) {
                    (crew.workers, crew.requested, crew.completed, crew.faulted) = (a(1) as u32, 0, 0, false);
                    crew.items_done = vec![0; a(1) as usize];
                }
            }
            Export::CrewRunSteps => {
                let steps = a(3) as u64;
                if let Some(crew) = self.crew_mut(a(0)) {
                    crew.completed += steps;
                }
                if let Some(world) = self.world_mut(a(1)) {
                    world.steps += steps;
                    if steps > 0 {
                        world.queued = 0;
                    }
                }
                followups.extend([Followup::Rehash(a(1)), Followup::ItemsDone(a(0))]);
            }
            Export::CrewRequestSteps => {
                if let Some(crew) = self.crew_mut(a(0)) {
                    crew.requested += a(1) as u64;
                }
            }
            Export::CrewCancelPending => {
                if let Some(crew) = self.crew_mut(a(0)) {
                    crew.requested = 0;
                }
            }
            Export::CrewItemsDone => {
                if let Some(crew) = self.crew_mut(a(0)) {
                    crew.items_done[a(1) as usize] = value;
                }
            }
            _ => {}
        }
        Ok(followups)
    }

    /// Records a world's hash (and, after a load, its step count) read back.
    pub fn set_world_state(&mut self, handle: i32, hash: i64, steps: Option<u64>) {
        if let Some(world) = self.world_mut(handle) {
            world.hash = hash;
            if let Some(steps) = steps {
                world.steps = steps;
            }
        }
    }

    /// A crew found a damaged canary at the end of a step of `world`: that
    /// step completed, the crew dropped its pending steps and is faulted.
    pub fn crew_faulted(&mut self, crew: i32, world: i32) {
        if let Some(crew) = self.crew_mut(crew) {
            (crew.completed, crew.requested, crew.faulted) = (crew.completed + 1, 0, true);
        }
        if let Some(world) = self.world_mut(world) {
            (world.steps, world.queued) = (world.steps + 1, 0);
        }
    }

    /// Records the `items_done` of a crew's worker read back.
    pub fn set_items_done(&mut self, crew: i32, worker: usize, value: i64) {
        if let Some(crew) = self.crew_mut(crew) {
            crew.items_done[worker] = value;
        }
    }

    /// A world's expected stack bytes per thread, for slot checks.
    pub fn thread_stack(&self, handle: i32) -> Option<u32> {
        self.thread(handle).map(|t| t.stack_bytes)
    }
}
