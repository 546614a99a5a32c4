//! Flood fill: the connected region of one material around a cell becomes
//! another material, as one command of the paint ring (`paint.rs`), so it
//! applies at a step boundary, is undoable and is replayed exactly.
//!
//! The region is 4-connected (up, down, left, right) and grows breadth
//! first from the seed, neighbours in a fixed order, so the same command
//! fills the same cells on every build and thread count. It is bounded:
//! at most `FILL_MAX_CELLS` cells change per command; past that the fill
//! stops, keeping the cells nearest the seed (breadth first), and the rest
//! of the region is left as it was (fill again to go on). The queue it
//! needs lives in the world's region (`layout.rs`), so a fill never
//! allocates.

use super::brush::Brush;
use super::cell::{clock_for_step, Cell, CLOCK_BIT};
use super::dirty::ChangeBounds;
use super::error::SimError;
use super::material::Material;
use super::neighborhood::{DIRTY_MARGIN_X, DIRTY_MARGIN_Y};
use super::rng::{StepRng, Stream};
use super::world::World;

/// The most cells one fill command changes (512², 1 MiB of queue at most).
pub const FILL_MAX_CELLS: u32 = 1 << 18;

/// Up, down, left, right: the order the region grows in.
const NEIGHBOURS: [(i32, i32); 4] = [(0, -1), (0, 1), (-1, 0), (1, 0)];

/// One fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FillCommand {
    pub(super) x: i32,
    pub(super) y: i32,
    pub(super) material: Material,
}

impl FillCommand {
    /// A checked fill for a `width` x `height` world: `UnknownMaterial`
    /// for a byte that is no material, `InvalidArgument` for the Heat and
    /// Cool tools (a fill changes materials; brush heat on instead) and for
    /// a seed outside the world.
    pub(super) fn new(x: i32, y: i32, material: u32, (width, height): (u32, u32)) -> Result<FillCommand, SimError> {
        let material = match Brush::from_u32(material).ok_or(SimError::UnknownMaterial)? {
            Brush::Material(material) => material,
            Brush::Heat | Brush::Cool => return Err(SimError::InvalidArgument),
        };
        if !(0..width as i32).contains(&x) || !(0..height as i32).contains(&y) {
            return Err(SimError::InvalidArgument);
        }
        Ok(FillCommand { x, y, material })
    }
}

/// Queue entries needed for a `width` x `height` world.
pub(super) const fn fill_queue_len(width: u32, height: u32) -> usize {
    let cells = width as usize * height as usize;
    if cells < FILL_MAX_CELLS as usize {
        cells
    } else {
        FILL_MAX_CELLS as usize
    }
}

/// A fill in progress: the queue of changed cells still to grow from.
struct Filler<'a> {
    world: &'a World,
    queue: &'a mut [u32],
    tail: usize,
    changes: ChangeBounds,
    material: Material,
    rng: StepRng,
    clock: u8,
}

impl Filler<'_> {
    /// Changes cell (x, y) and queues it; false once the queue (the bound) is full.
    ///
    /// # Safety
    ///
    /// (x, y) is in the world; the caller has exclusive access to the cells.
    unsafe fn take(&mut self, x: i32, y: i32) -> bool {
        if self.tail == self.queue.len() {
            return false;
        }
        let mut cell_area = ChangeBounds::NONE;
        cell_area.include(x, y);
        let cell = Cell::fresh(self.material, self.rng.at(x as u32, y as u32)).with_clock(self.clock);
        // SAFETY: the caller's contract.
        unsafe {
            self.world.history_before_change(&cell_area.grown(DIRTY_MARGIN_X, DIRTY_MARGIN_Y));
            self.world.write_fresh(x, y, cell);
        }
        self.queue[self.tail] = y as u32 * self.world.width + x as u32;
        self.tail += 1;
        self.changes.include(x, y);
        true
    }
}

impl World {
    /// Fills now; returns how many cells changed.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the cells.
    pub(super) unsafe fn fill_region(&self, command: &FillCommand) -> u32 {
        if !self.contains(command.x, command.y) {
            return 0;
        }
        // SAFETY: the seed is in the world; exclusive access (caller).
        let (target, _) = unsafe { self.read_raw(command.x, command.y) };
        if target == command.material.id() {
            return 0;
        }
        let step = self.step_count();
        let mut filler = Filler {
            world: self,
            // SAFETY: the queue part holds `fill_queue_len` entries inside
            // the region, used by nothing else; exclusive access (caller).
            queue: unsafe { core::slice::from_raw_parts_mut(self.fill_queue, self.fill_queue_len) },
            tail: 0,
            changes: ChangeBounds::NONE,
            material: command.material,
            rng: StepRng::new(self.seed(), step, Stream::Paint),
            // Filled cells take their turn in the step that is starting.
            clock: clock_for_step(step) ^ CLOCK_BIT,
        };
        // SAFETY: the seed is in the world; exclusive access (caller).
        unsafe { filler.take(command.x, command.y) };
        let mut head = 0;
        'grow: while head < filler.tail {
            let index = filler.queue[head];
            head += 1;
            let (x, y) = ((index % self.width) as i32, (index / self.width) as i32);
            for (dx, dy) in NEIGHBOURS {
                let (nx, ny) = (x + dx, y + dy);
                if !self.contains(nx, ny) {
                    continue;
                }
                // SAFETY: (nx, ny) is in the world; exclusive access (caller).
                let (neighbour, _) = unsafe { self.read_raw(nx, ny) };
                // SAFETY: as above.
                if neighbour == target && !unsafe { filler.take(nx, ny) } {
                    break 'grow;
                }
            }
        }
        self.mark_changed(&filler.changes);
        filler.tail as u32
    }
}
