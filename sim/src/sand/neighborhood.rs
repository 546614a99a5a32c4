//! What a cell rule sees: its own cell and its neighbours at relative
//! offsets, through `get(dx, dy)` / `set(dx, dy, cell)` / `swap(dx, dy)`.
//!
//! One `Neighborhood` walks over the cells of one chunk. It reads and writes
//! the planes through the world's raw plane pointers, without bounds checks:
//! every visited cell is inside the world and every access is within
//! `MAX_REACH` of it, and the planes carry a `BORDER >= MAX_REACH` of wall
//! cells, so every access lands inside the plane, and outside the world it
//! reads wall. An offset beyond `MAX_REACH` reads as wall and writes nowhere.
//!
//! Every write records the changed cell, so the chunk can mark what the next
//! step must look at; `keep_awake` records a cell that changed nothing but
//! wants another turn.

use super::cell::{Cell, CellState, CLOCK_BIT};
use super::dirty::ChangeBounds;
use super::layout::CHUNK_SIZE;
use super::material::{Material, UNKNOWN_BYTE_FALLBACK};
use super::properties::{DISPLACEMENT_WEIGHT_BY_BYTE, MAX_BLAST_RADIUS, MAX_SPREAD};
use super::rng::{mix32, RandomBits, StepRng, Stream};
use super::rules;
use super::temperature::{Temperature, AMBIENT};
use super::world::World;

/// The farthest (in x or y) a rule may read or write from its own cell.
pub(super) const MAX_REACH: i32 = 6;

/// How far sideways a rule's decision looks: a change wakes the cells up to
/// this far left and right of it (liquids look `spread` cells sideways).
pub(super) const DIRTY_MARGIN_X: i32 = if MAX_SPREAD as i32 > 1 { MAX_SPREAD as i32 } else { 1 };
/// How far up and down a rule's decision looks (the rows above and below).
pub(super) const DIRTY_MARGIN_Y: i32 = 1;

// Liquids look one row below their farthest sideways cell; explosions reach
// a neighbour's blast radius; and no access may leave the half chunk around
// the chunk being updated (which is what keeps the items of one phase apart).
const _: () = assert!(MAX_SPREAD as i32 <= MAX_REACH);
const _: () = assert!((MAX_BLAST_RADIUS as i32) < MAX_REACH);
const _: () = assert!(MAX_REACH <= CHUNK_SIZE as i32 / 2);

/// Distinguishes the random word that shades a spawned cell from the word
/// the rule at that position uses.
const SPAWN_SALT: u32 = 0x5EED_CE11;
/// Distinguishes the random word of heat decisions from the rule's.
const HEAT_SALT: u32 = 0x0B0E_1A1D;

/// A cursor over the cells of one chunk during one step.
pub(super) struct Neighborhood {
    /// World cell (0, 0) of the material plane.
    material: *mut u8,
    /// World cell (0, 0) of the state plane.
    state: *mut u8,
    /// World cell (0, 0) of the temperature plane.
    temperature: *mut Temperature,
    stride: isize,
    /// Plane index of the current cell.
    index: isize,
    x: i32,
    y: i32,
    /// The clock value of cells updated this step.
    clock: u8,
    rng: StepRng,
    changes: ChangeBounds,
    /// `Some(t)` while every cell this cursor may reach is known to be at
    /// temperature `t` (`uniform_heat.rs`): conduction and the temperature
    /// half of a swap are no-ops then, and are skipped. The first write of
    /// a temperature ends it for the rest of the chunk.
    uniform: Option<Temperature>,
}

impl Neighborhood {
    /// A cursor for updating cells of `world` during the step `step`.
    ///
    /// # Safety
    ///
    /// While the cursor is used, every cell within `MAX_REACH` of each cell
    /// it visits must be accessible to it alone (no other thread reads or
    /// writes them). See `World::update_phase_item`.
    pub(super) unsafe fn new(world: &World, step: u64) -> Neighborhood {
        Neighborhood {
            material: world.material,
            state: world.state,
            temperature: world.temperature,
            stride: world.stride,
            index: 0,
            x: 0,
            y: 0,
            clock: super::cell::clock_for_step(step),
            rng: StepRng::new(world.seed(), step, Stream::Rules),
            changes: ChangeBounds::NONE,
            uniform: None,
        }
    }

    /// Tells the cursor that every cell it may reach (within `MAX_REACH`
    /// of the cells it will visit) is at `temperature` now.
    ///
    /// # Safety
    ///
    /// That must be true (`World::uniform_temperature` checks it): the
    /// cursor then skips heat exchanges that would otherwise not be no-ops.
    pub(super) unsafe fn assume_uniform_temperature(&mut self, temperature: Temperature) {
        self.uniform = Some(temperature);
    }

    /// Updates cell (x, y), unless it is empty or already had its turn.
    ///
    /// # Safety
    ///
    /// (x, y) must be a cell of the world the cursor was made for, and the
    /// contract of [`Neighborhood::new`] must hold for it.
    #[inline(always)]
    pub(super) unsafe fn visit(&mut self, x: i32, y: i32) {
        let index = y as isize * self.stride + x as isize;
        // SAFETY: (x, y) is in the world, so `index` is inside the plane,
        // and the caller guarantees nobody else accesses it.
        let byte = unsafe { *self.material.offset(index) };
        if byte == Material::Empty.id() {
            return;
        }
        // SAFETY: as above, for the state plane.
        let state = unsafe { *self.state.offset(index) };
        if state & CLOCK_BIT == self.clock {
            // Either it moved here this step (and is already in `changes`),
            // or it woke with a stale stamp and sits this step out. In the
            // second case nothing else may change in its chunk, so keep the
            // chunk awake for the step in which it gets its turn; without
            // this a grain could hang in mid-air in a sleeping chunk.
            self.changes.include(x, y);
            return;
        }
        // The cell takes its turn now; flipping the clock marks that, even if
        // the rule leaves it where it is.
        // SAFETY: as above.
        unsafe { *self.state.offset(index) = state ^ CLOCK_BIT };
        self.index = index;
        self.x = x;
        self.y = y;
        // A byte that is no material behaves as the fallback (wall), which
        // never does anything and insulates.
        let Some(material) = Material::from_u8(byte) else {
            return;
        };
        // Heat first: conduction from the temperatures as they are, then a
        // change of state if the cell is now past a transition point (which
        // ends its turn).
        let changed_state = match self.uniform {
            Some(temperature) => rules::uniform_heat_turn(self, byte, material, temperature),
            None => rules::heat_turn(self, byte, material),
        };
        if changed_state {
            return;
        }
        rules::update(self, material);
    }

    /// The cells changed (or kept awake) so far.
    pub(super) fn changes(&self) -> &ChangeBounds {
        &self.changes
    }

    /// Plane index of the cell at (dx, dy), or `None` beyond `MAX_REACH`.
    #[inline(always)]
    fn offset(&self, dx: i32, dy: i32) -> Option<isize> {
        if dx.unsigned_abs() > MAX_REACH as u32 || dy.unsigned_abs() > MAX_REACH as u32 {
            return None;
        }
        Some(self.index + dy as isize * self.stride + dx as isize)
    }

    /// The material at (dx, dy): wall outside the world or beyond reach, and
    /// the fallback for bytes that are not materials.
    #[inline(always)]
    pub(super) fn get(&self, dx: i32, dy: i32) -> Material {
        match self.offset(dx, dy) {
            // SAFETY: within `MAX_REACH <= BORDER` of a visited world cell,
            // so inside the plane, and ours alone (contract of `new`).
            Some(index) => Material::from_u8_or_fallback(unsafe { *self.material.offset(index) }),
            None => UNKNOWN_BYTE_FALLBACK,
        }
    }

    /// How heavy the cell at (dx, dy) is to push aside (its material's
    /// `displacement_weight`): a falling cell moves into it only if lighter.
    #[inline(always)]
    pub(super) fn weight(&self, dx: i32, dy: i32) -> u8 {
        match self.offset(dx, dy) {
            // SAFETY: as in `get`.
            Some(index) => DISPLACEMENT_WEIGHT_BY_BYTE[unsafe { *self.material.offset(index) } as usize],
            None => UNKNOWN_BYTE_FALLBACK.props().displacement_weight(),
        }
    }

    /// Whether a falling cell of density `density` can swap into (dx, dy).
    #[inline(always)]
    pub(super) fn can_sink_into(&self, dx: i32, dy: i32, density: u8) -> bool {
        self.weight(dx, dy) < density
    }

    /// The state at (dx, dy) (zero beyond reach).
    #[inline(always)]
    pub(super) fn get_state(&self, dx: i32, dy: i32) -> CellState {
        match self.offset(dx, dy) {
            // SAFETY: as in `get`.
            Some(index) => CellState(unsafe { *self.state.offset(index) }),
            None => CellState(0),
        }
    }

    /// The state of the current cell.
    #[inline(always)]
    pub(super) fn state(&self) -> CellState {
        self.get_state(0, 0)
    }

    /// Replaces the state of the current cell without recording a change
    /// (for invisible bookkeeping, or when the rule keeps the cell awake).
    #[inline(always)]
    pub(super) fn set_state(&mut self, state: CellState) {
        // SAFETY: the current cell is a visited world cell (contract of `new`).
        unsafe { *self.state.offset(self.index) = state.with_clock(self.clock).0 };
    }

    /// Puts `cell` at (dx, dy), marked as updated this step. Ignored beyond
    /// reach.
    #[inline(always)]
    pub(super) fn set(&mut self, dx: i32, dy: i32, cell: Cell) {
        if let Some(index) = self.offset(dx, dy) {
            // SAFETY: as in `get`.
            unsafe {
                *self.material.offset(index) = cell.material.id();
                *self.state.offset(index) = cell.state.with_clock(self.clock).0;
                // Empty space holds no heat: what vanishes takes its heat
                // out of the world (docs/CELLS.md, "Temperature").
                if cell.material == Material::Empty {
                    *self.temperature.offset(index) = AMBIENT;
                    if self.uniform != Some(AMBIENT) {
                        self.uniform = None;
                    }
                }
            }
            self.changes.include(self.x + dx, self.y + dy);
        }
    }

    /// Exchanges the current cell with the one at (dx, dy); both are marked
    /// as updated this step. The cursor stays where it is, so the rule
    /// should stop after moving its cell. Ignored beyond reach.
    #[inline(always)]
    pub(super) fn swap(&mut self, dx: i32, dy: i32) {
        let Some(other) = self.offset(dx, dy) else {
            return;
        };
        let here = self.index;
        // SAFETY: both indices are within reach of a visited world cell
        // (see `get`).
        unsafe {
            let material_here = *self.material.offset(here);
            let state_here = *self.state.offset(here);
            *self.material.offset(here) = *self.material.offset(other);
            *self.state.offset(here) = (*self.state.offset(other) & !CLOCK_BIT) | self.clock;
            *self.material.offset(other) = material_here;
            *self.state.offset(other) = (state_here & !CLOCK_BIT) | self.clock;
            // Heat travels with the cell (where all is at one temperature,
            // exchanging two equal values changes nothing).
            if self.uniform.is_none() {
                let temperature_here = *self.temperature.offset(here);
                *self.temperature.offset(here) = *self.temperature.offset(other);
                *self.temperature.offset(other) = temperature_here;
            }
        }
        self.changes.include(self.x, self.y);
        self.changes.include(self.x + dx, self.y + dy);
    }

    /// The raw material byte at (dx, dy) (the wall's beyond reach).
    #[inline(always)]
    pub(super) fn byte_at(&self, dx: i32, dy: i32) -> u8 {
        match self.offset(dx, dy) {
            // SAFETY: as in `get`.
            Some(index) => unsafe { *self.material.offset(index) },
            None => UNKNOWN_BYTE_FALLBACK.id(),
        }
    }

    /// The temperature at (dx, dy) (ambient beyond reach).
    #[inline(always)]
    pub(super) fn temperature_at(&self, dx: i32, dy: i32) -> Temperature {
        match self.offset(dx, dy) {
            // SAFETY: as in `get`.
            Some(index) => unsafe { *self.temperature.offset(index) },
            None => AMBIENT,
        }
    }

    /// Sets the temperature at (dx, dy) and records the change (so the
    /// cell and its margins are looked at next step). Ignored beyond reach.
    #[inline(always)]
    pub(super) fn set_temperature(&mut self, dx: i32, dy: i32, temperature: Temperature) {
        if let Some(index) = self.offset(dx, dy) {
            // SAFETY: as in `get`.
            unsafe { *self.temperature.offset(index) = temperature };
            self.changes.include(self.x + dx, self.y + dy);
            // Temperatures may differ from here on.
            self.uniform = None;
        }
    }

    /// The temperature of the current cell.
    #[inline(always)]
    pub(super) fn temperature(&self) -> Temperature {
        self.temperature_at(0, 0)
    }

    /// Puts a new cell of `material` at (dx, dy).
    #[inline]
    pub(super) fn spawn(&mut self, dx: i32, dy: i32, material: Material) {
        let cell = Cell::fresh(material, self.spawn_random(dx, dy));
        self.set(dx, dy, cell);
    }

    /// Puts a new cell of `material` with the given counter at (dx, dy).
    #[inline]
    pub(super) fn spawn_with_counter(&mut self, dx: i32, dy: i32, material: Material, counter: u8) {
        let cell = Cell::fresh_with_counter(material, self.spawn_random(dx, dy), counter);
        self.set(dx, dy, cell);
    }

    /// Turns the current cell into a new cell of `material`.
    #[inline]
    pub(super) fn become_new(&mut self, material: Material) {
        self.spawn(0, 0, material);
    }

    /// The random word that shapes a cell spawned at (dx, dy).
    #[inline]
    fn spawn_random(&self, dx: i32, dy: i32) -> u32 {
        mix32(self.rng.at((self.x + dx) as u32, (self.y + dy) as u32) ^ SPAWN_SALT)
    }

    /// Random bits for this cell's heat decisions, independent of
    /// [`Neighborhood::dice`] (so an ignition roll does not steer the
    /// rule that follows).
    #[inline(always)]
    pub(super) fn heat_dice(&self) -> RandomBits {
        RandomBits::new(mix32(self.rng.at(self.x as u32, self.y as u32) ^ HEAT_SALT))
    }

    /// This cell's random bits for this step: hash(seed, step, x, y).
    #[inline(always)]
    pub(super) fn dice(&self) -> RandomBits {
        RandomBits::new(self.rng.at(self.x as u32, self.y as u32))
    }

    /// Asks for the current cell to be looked at again next step even though
    /// nothing changed (a reaction that may still happen, a timer running).
    #[inline(always)]
    pub(super) fn keep_awake(&mut self) {
        self.changes.include(self.x, self.y);
    }
}
