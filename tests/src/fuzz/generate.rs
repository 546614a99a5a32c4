//! Drawing random calls: mostly plausible ones (live handles, sizes in
//! range), mixed with mutated handles (another kind, stale, a flipped bit,
//! forged fields) and boundary numbers (0, -1, i32::MIN/MAX, limits ± 1).

use quicksand_sim::abi::handle::encode;
use quicksand_sim::abi::HandleKind;
use quicksand_sim::crew::MAX_CREW_WORKERS;
use quicksand_sim::runtime::registry::{MAX_BARRIERS, MAX_COUNTERS, MAX_THREADS};
use quicksand_sim::runtime::thread_slot::{MAX_STACK_BYTES, MAX_TLS_BYTES, MIN_STACK_BYTES};
use quicksand_sim::sand::{MATERIAL_COUNT, MAX_BRUSH_RADIUS, MAX_WORLD_SIZE, PAINT_COORD_MARGIN};

use super::export::{Call, Export};
use super::model::{Model, MAX_CREWS, MAX_WORLDS, SCENE_COUNT};
use super::rng::FuzzRng;

/// How often each export is drawn (relative weights).
const WEIGHTS: [(Export, u32); 51] = [
    (Export::ThreadNew, 3),
    (Export::ThreadSlot, 2),
    (Export::ThreadCanaryIntact, 2),
    (Export::ThreadCount, 1),
    (Export::BarrierNew, 2),
    (Export::BarrierWait, 3),
    (Export::CounterNew, 2),
    (Export::CounterClaim, 3),
    (Export::CounterClaimed, 2),
    (Export::HeapTop, 1),
    (Export::WorldNew, 7),
    (Export::WorldFree, 4),
    (Export::WorldWidth, 2),
    (Export::WorldHeight, 2),
    (Export::WorldStepCount, 2),
    (Export::WorldStep, 6),
    (Export::WorldPaint, 14),
    (Export::WorldQueuedPaint, 2),
    (Export::WorldBeginStroke, 4),
    (Export::WorldUndo, 3),
    (Export::WorldRedo, 3),
    (Export::WorldQueueScene, 2),
    (Export::WorldApplyPending, 3),
    (Export::WorldUndoDepth, 1),
    (Export::WorldRedoDepth, 1),
    (Export::WorldHistoryBytes, 1),
    (Export::WorldScene, 4),
    (Export::WorldHash, 4),
    (Export::WorldCount, 3),
    (Export::WorldRequestFrame, 1),
    (Export::WorldFrameSeq, 1),
    (Export::WorldFramePtr, 1),
    (Export::WorldPalettePtr, 1),
    (Export::WorldPaletteLen, 1),
    (Export::WorldBytesNeeded, 2),
    (Export::SnapshotPtr, 1),
    (Export::SnapshotCapacity, 1),
    (Export::SnapshotSave, 3),
    (Export::SnapshotLoad, 4),
    (Export::CrewNew, 2),
    (Export::CrewReset, 2),
    (Export::CrewRunSteps, 5),
    (Export::CrewServe, 2),
    (Export::CrewRequestSteps, 2),
    (Export::CrewCancelPending, 3),
    (Export::CrewPending, 2),
    (Export::CrewCompleted, 1),
    (Export::CrewCompletedPtr, 1),
    (Export::CrewFaulted, 1),
    (Export::CrewItemsDone, 2),
    (Export::CrewStop, 1),
];

/// Numbers that break careless range checks.
const EDGES: [i32; 8] = [0, -1, 1, i32::MIN, i32::MAX, i32::MIN + 1, i32::MAX - 1, 0x8000];

/// Numbers shaped like handles that are not handles.
const FAKE_HANDLES: [i32; 12] =
    [0, -1, 1, 255, 256, 0xFFFF, 0x1_0000, 0x0100_0000, 0x0400_0000, 0x7F00_0000, i32::MIN, i32::MAX];

fn table_slots(kind: HandleKind) -> u32 {
    (match kind {
        HandleKind::Thread => MAX_THREADS,
        HandleKind::Barrier => MAX_BARRIERS,
        HandleKind::Counter => MAX_COUNTERS,
        HandleKind::World => MAX_WORLDS,
        HandleKind::Crew => MAX_CREWS,
    }) as u32
}

/// Draws calls from a seeded generator.
pub struct Generator {
    rng: FuzzRng,
    weights: Vec<u32>,
}

impl Generator {
    pub fn new(rng: FuzzRng) -> Generator {
        Generator { rng, weights: WEIGHTS.iter().map(|&(_, weight)| weight).collect() }
    }

    pub fn rng(&mut self) -> &mut FuzzRng {
        &mut self.rng
    }

    /// The next call: never one the model says could block or run long.
    pub fn call(&mut self, model: &Model) -> Call {
        for _ in 0..64 {
            let export = WEIGHTS[self.rng.weighted(&self.weights)].0;
            let call = self.args_for(export, model);
            if !model.unsafe_to_call(&call) {
                return call;
            }
        }
        Call::new(Export::HeapTop, &[])
    }

    /// Any number, with the edges more likely than chance would make them.
    fn wild(&mut self) -> i32 {
        if self.rng.percent(50) {
            self.rng.pick(&EDGES)
        } else {
            self.rng.any_i32()
        }
    }

    /// One of `items`, or now and then any number at all.
    fn one_of(&mut self, items: &[i32]) -> i32 {
        if self.rng.below(items.len() as u64 + 1) == 0 {
            self.wild()
        } else {
            self.rng.pick(items)
        }
    }

    /// Mostly inside `low..=high`, sometimes at or just past its ends, and
    /// sometimes anything at all.
    fn number(&mut self, low: i32, high: i32) -> i32 {
        match self.rng.below(20) {
            0..=15 => self.rng.range_i32(low, high),
            16 => low.wrapping_sub(1),
            17 => high.wrapping_add(1),
            18 => self.rng.pick(&[low, high]),
            _ => self.wild(),
        }
    }

    /// A handle argument that should be of `kind`.
    pub fn handle(&mut self, model: &Model, kind: HandleKind) -> i32 {
        let live = model.handles_of(kind);
        let everything = model.live_handles();
        match self.rng.below(100) {
            0..=54 if !live.is_empty() => self.rng.pick(&live),
            55..=64 if !model.stale_worlds.is_empty() && kind == HandleKind::World => {
                self.rng.pick(&model.stale_worlds)
            }
            55..=69 if !everything.is_empty() => self.rng.pick(&everything),
            70..=77 if !everything.is_empty() => {
                let handle = self.rng.pick(&everything);
                handle ^ (1 << self.rng.below(31))
            }
            78..=85 => {
                let (any_generation, any_index) = (self.rng.below(256) as u32, self.rng.below(0x1_0000) as u32);
                let generation = self.rng.pick(&[0, 1, 2, 3, 254, 255, any_generation]);
                let slots = table_slots(kind);
                let index = self.rng.pick(&[0, 1, slots - 1, slots, slots + 1, any_index]);
                encode(kind, generation, index)
            }
            86..=92 => self.rng.pick(&FAKE_HANDLES),
            _ => self.rng.any_i32(),
        }
    }

    fn world_size(&mut self) -> (i32, i32) {
        let max = MAX_WORLD_SIZE as i32;
        match self.rng.below(100) {
            0..=79 => (self.rng.range_i32(1, 64), self.rng.range_i32(1, 64)),
            80..=84 => {
                let thin = self.rng.range_i32(1, 4);
                if self.rng.percent(50) {
                    (max, thin)
                } else {
                    (thin, max)
                }
            }
            _ => {
                let sides = [0, -1, i32::MIN, i32::MAX, max + 1, 5000, 1, 64];
                (self.one_of(&sides), self.one_of(&sides))
            }
        }
    }

    fn material(&mut self) -> i32 {
        match self.rng.below(100) {
            0..=84 => self.rng.range_i32(0, MATERIAL_COUNT as i32 - 1),
            _ => self.one_of(&[MATERIAL_COUNT as i32, 255, 256, -1, i32::MIN, i32::MAX]),
        }
    }

    /// A paint coordinate for a side of `size` cells.
    fn coordinate(&mut self, size: u32) -> i32 {
        let size = size as i32;
        match self.rng.below(100) {
            0..=86 => self.rng.range_i32(-8, size + 8),
            87..=93 => self.rng.pick(&[
                -PAINT_COORD_MARGIN,
                size + PAINT_COORD_MARGIN - 1,
                -PAINT_COORD_MARGIN - 1,
                size + PAINT_COORD_MARGIN,
            ]),
            _ => self.wild(),
        }
    }

    fn workers(&mut self) -> i32 {
        match self.rng.below(100) {
            0..=59 => 1,
            60..=84 => self.rng.range_i32(2, 8),
            85..=89 => MAX_CREW_WORKERS as i32,
            _ => self.one_of(&[0, MAX_CREW_WORKERS as i32 + 1, -1, i32::MIN]),
        }
    }

    /// A worker index for `crew`.
    fn worker(&mut self, model: &Model, crew: i32) -> i32 {
        let workers = model.crew(crew).map_or(1, |c| c.workers as i32);
        match self.rng.below(100) {
            0..=69 => 0,
            70..=89 => self.rng.range_i32(0, workers),
            _ => self.one_of(&[-1, MAX_CREW_WORKERS as i32, i32::MIN]),
        }
    }

    fn small_count(&mut self) -> i32 {
        match self.rng.below(100) {
            0..=74 => self.rng.range_i32(0, 3),
            _ => self.wild(),
        }
    }

    fn args_for(&mut self, export: Export, model: &Model) -> Call {
        use HandleKind::{Barrier, Counter, Crew, Thread, World};
        let args: Vec<i32> = match export {
            Export::ThreadNew => {
                let min = MIN_STACK_BYTES as i32;
                let stack = match self.rng.below(100) {
                    0..=59 => min * self.rng.range_i32(1, 4),
                    60..=64 => MAX_STACK_BYTES as i32,
                    _ => self.one_of(&[
                        min - 16,
                        min - 1,
                        min + 8,
                        MAX_STACK_BYTES as i32 + 16,
                        0,
                        -1,
                        i32::MIN,
                        i32::MAX,
                    ]),
                };
                let tls_size = match self.rng.below(100) {
                    0..=79 => 0,
                    80..=89 => self.rng.range_i32(1, 4096),
                    _ => self.one_of(&[MAX_TLS_BYTES as i32, MAX_TLS_BYTES as i32 + 1, -1]),
                };
                let tls_align = match self.rng.below(100) {
                    0..=69 => 0,
                    70..=84 => self.rng.pick(&[1, 2, 4, 16, 64, 4096]),
                    _ => self.one_of(&[3, 6, MAX_TLS_BYTES as i32, 2 * MAX_TLS_BYTES as i32, -1]),
                };
                vec![stack, tls_size, tls_align]
            }
            Export::ThreadSlot | Export::ThreadCanaryIntact => vec![self.handle(model, Thread)],
            Export::ThreadCount | Export::CounterNew | Export::HeapTop => vec![],
            Export::BarrierNew => vec![match self.rng.below(100) {
                0..=49 => 1,
                50..=79 => self.rng.range_i32(2, 8),
                _ => self.one_of(&[0, -1, 256, 257]),
            }],
            Export::BarrierWait => {
                let timeout = match self.rng.below(100) {
                    0..=59 => self.rng.range_i32(0, 2),
                    60..=79 => -1,
                    _ => self.wild(),
                };
                vec![self.handle(model, Barrier), timeout]
            }
            Export::CounterClaim | Export::CounterClaimed => vec![self.handle(model, Counter)],
            Export::WorldNew | Export::WorldBytesNeeded => {
                let (width, height) = self.world_size();
                match export {
                    Export::WorldNew => vec![width, height, self.rng.any_i32()],
                    _ => vec![width, height],
                }
            }
            Export::WorldStep => vec![self.handle(model, World), self.small_count()],
            Export::WorldPaint => {
                let world = self.handle(model, World);
                let (width, height) = model.world(world).map_or((64, 64), |w| (w.width, w.height));
                let radius = match self.rng.below(100) {
                    0..=79 => self.rng.range_i32(0, 8),
                    80..=84 => MAX_BRUSH_RADIUS as i32,
                    85..=89 => MAX_BRUSH_RADIUS as i32 + 1,
                    _ => self.wild(),
                };
                let (x0, y0, x1, y1) =
                    (self.coordinate(width), self.coordinate(height), self.coordinate(width), self.coordinate(height));
                vec![world, x0, y0, x1, y1, radius, self.material()]
            }
            Export::WorldScene | Export::WorldQueueScene => {
                vec![self.handle(model, World), self.number(0, SCENE_COUNT - 1)]
            }
            Export::WorldBeginStroke => {
                let stroke = match self.rng.below(100) {
                    0..=69 => self.rng.range_i32(1, 5),
                    70..=79 => 0,
                    _ => self.wild(),
                };
                vec![self.handle(model, World), stroke]
            }
            Export::WorldCount => vec![self.handle(model, World), self.material()],
            Export::SnapshotLoad => {
                let world = self.handle(model, World);
                let exact = model.world(world).map_or(64, |w| w.snapshot_len() as i32);
                let len = match self.rng.below(100) {
                    0..=59 => exact,
                    60..=79 => self.rng.pick(&[exact - 1, exact + 1, 0, 31, 32]),
                    80..=89 => self.rng.range_i32(0, exact.saturating_mul(2)),
                    _ => self.wild(),
                };
                vec![world, len]
            }
            Export::WorldFree
            | Export::WorldWidth
            | Export::WorldHeight
            | Export::WorldStepCount
            | Export::WorldQueuedPaint
            | Export::WorldUndo
            | Export::WorldRedo
            | Export::WorldApplyPending
            | Export::WorldUndoDepth
            | Export::WorldRedoDepth
            | Export::WorldHistoryBytes
            | Export::WorldHash
            | Export::WorldRequestFrame
            | Export::WorldFrameSeq
            | Export::WorldFramePtr
            | Export::WorldPalettePtr
            | Export::WorldPaletteLen
            | Export::SnapshotPtr
            | Export::SnapshotCapacity
            | Export::SnapshotSave => vec![self.handle(model, World)],
            Export::CrewNew => vec![self.workers()],
            Export::CrewReset => vec![self.handle(model, Crew), self.workers()],
            Export::CrewRunSteps | Export::CrewServe => {
                let crew = self.handle(model, Crew);
                let world = self.handle(model, World);
                let worker = self.worker(model, crew);
                let timeout = self.one_of(&[-1, 0, 1000, 60_000]);
                match export {
                    Export::CrewRunSteps => vec![crew, world, worker, self.small_count(), timeout],
                    _ => vec![crew, world, worker, timeout],
                }
            }
            Export::CrewRequestSteps => {
                let steps = match self.rng.below(100) {
                    0..=59 => self.rng.range_i32(1, 5),
                    60..=69 => 0,
                    70..=79 => i32::MAX,
                    _ => self.wild(),
                };
                vec![self.handle(model, Crew), steps]
            }
            Export::CrewItemsDone => {
                let crew = self.handle(model, Crew);
                vec![crew, self.worker(model, crew)]
            }
            Export::CrewCancelPending
            | Export::CrewPending
            | Export::CrewCompleted
            | Export::CrewCompletedPtr
            | Export::CrewFaulted
            | Export::CrewStop => {
                vec![self.handle(model, Crew)]
            }
        };
        Call::new(export, &args)
    }
}
