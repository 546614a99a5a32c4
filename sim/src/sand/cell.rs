//! One cell: a material byte and a state byte, kept in two planes.
//!
//! State byte layout (see docs/CELLS.md):
//!
//! ```text
//!  bit  7 6 5 4 3 | 2     | 1 0
//!       counter   | clock | shade
//! ```
//!
//! * shade (bits 0-1): which of the material's four colours it is drawn in,
//!   chosen at random when the cell is made; it travels with the cell.
//! * clock (bit 2): the parity of the last step that updated or moved the
//!   cell; a cell whose clock equals the current step's parity has already
//!   had its turn this step.
//! * counter (bits 3-7): a lifetime for timed materials (fire, smoke,
//!   steam); liquids use its lowest bit as their flow direction.

use super::material::Material;
use super::properties::StateOfMatter;
use super::rng::RandomBits;

/// Shades per material.
pub const SHADE_COUNT: usize = 4;
/// Bits of the state byte that hold the shade.
pub(crate) const SHADE_MASK: u8 = 0b0000_0011;
/// The bit holding the clock parity.
pub(super) const CLOCK_BIT: u8 = 0b0000_0100;
/// Liquids: set when the liquid flows to the left (-x).
pub(super) const FLOW_LEFT_BIT: u8 = 0b0000_1000;
/// Where the counter starts.
pub(super) const COUNTER_SHIFT: u32 = 3;
/// The largest counter value.
pub(super) const COUNTER_MAX: u8 = u8::MAX >> COUNTER_SHIFT;
/// Bits of the state byte that hold the counter.
pub(super) const COUNTER_MASK: u8 = COUNTER_MAX << COUNTER_SHIFT;

const _: () = assert!(SHADE_COUNT == SHADE_MASK as usize + 1);
const _: () = assert!(SHADE_MASK & CLOCK_BIT == 0 && CLOCK_BIT & COUNTER_MASK == 0);
const _: () = assert!(FLOW_LEFT_BIT & COUNTER_MASK != 0 && FLOW_LEFT_BIT & !COUNTER_MASK == 0);

/// The clock value cells updated during `step` carry.
#[inline(always)]
pub(super) const fn clock_for_step(step: u64) -> u8 {
    if step.is_multiple_of(2) {
        0
    } else {
        CLOCK_BIT
    }
}

/// A state byte, with accessors for its fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct CellState(pub(super) u8);

impl CellState {
    /// The shade, `0..SHADE_COUNT`.
    #[inline(always)]
    #[cfg(test)]
    pub(super) const fn shade(self) -> u8 {
        self.0 & SHADE_MASK
    }

    /// This state with another shade.
    #[inline(always)]
    pub(super) const fn with_shade(self, shade: u8) -> CellState {
        CellState((self.0 & !SHADE_MASK) | (shade & SHADE_MASK))
    }

    /// The clock bit (0 or `CLOCK_BIT`).
    #[inline(always)]
    #[cfg(test)]
    pub(super) const fn clock(self) -> u8 {
        self.0 & CLOCK_BIT
    }

    /// This state with the clock bit set to `clock` (0 or `CLOCK_BIT`).
    #[inline(always)]
    pub(super) const fn with_clock(self, clock: u8) -> CellState {
        CellState((self.0 & !CLOCK_BIT) | (clock & CLOCK_BIT))
    }

    /// The counter, `0..=COUNTER_MAX`.
    #[inline(always)]
    pub(super) const fn counter(self) -> u8 {
        self.0 >> COUNTER_SHIFT
    }

    /// This state with another counter (saturated to `COUNTER_MAX`).
    #[inline(always)]
    pub(super) const fn with_counter(self, counter: u8) -> CellState {
        let counter = if counter > COUNTER_MAX { COUNTER_MAX } else { counter };
        CellState((self.0 & !COUNTER_MASK) | (counter << COUNTER_SHIFT))
    }

    /// Liquids: the direction they flow in, -1 (left) or +1 (right).
    #[inline(always)]
    pub(super) const fn flow_direction(self) -> i32 {
        if self.0 & FLOW_LEFT_BIT != 0 {
            -1
        } else {
            1
        }
    }

    /// This state flowing in `direction` (negative: left).
    #[inline(always)]
    pub(super) const fn with_flow_direction(self, direction: i32) -> CellState {
        if direction < 0 {
            CellState(self.0 | FLOW_LEFT_BIT)
        } else {
            CellState(self.0 & !FLOW_LEFT_BIT)
        }
    }
}

/// A material and its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Cell {
    pub(super) material: Material,
    pub(super) state: CellState,
}

impl Cell {
    /// Nothing.
    pub(super) const EMPTY: Cell = Cell { material: Material::Empty, state: CellState(0) };

    /// A newly made cell of `material`: a random shade, a random flow
    /// direction for liquids, and a full counter for timed materials; clock 0.
    #[inline]
    pub(super) fn fresh(material: Material, random: u32) -> Cell {
        Cell::fresh_with_counter(material, random, material.props().lifetime)
    }

    /// Like [`Cell::fresh`], with the counter given (fire from a burning
    /// material burns for that material's `burn_time`).
    #[inline]
    pub(super) fn fresh_with_counter(material: Material, random: u32, counter: u8) -> Cell {
        if material == Material::Empty {
            return Cell::EMPTY;
        }
        let mut bits = RandomBits::new(random);
        let shade = bits.take(SHADE_MASK.count_ones()) as u8;
        let mut state = CellState(0).with_shade(shade);
        state = match material.props().state_of_matter {
            StateOfMatter::Liquid => state.with_flow_direction(bits.sign()),
            _ => state.with_counter(counter),
        };
        Cell { material, state }
    }

    /// The same cell with its clock set to `clock`.
    #[inline(always)]
    pub(super) const fn with_clock(self, clock: u8) -> Cell {
        Cell { material: self.material, state: self.state.with_clock(clock) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_do_not_overlap() {
        let state = CellState(0).with_shade(3).with_clock(CLOCK_BIT).with_counter(COUNTER_MAX);
        assert_eq!(state.0, u8::MAX);
        assert_eq!(state.with_shade(1).counter(), COUNTER_MAX);
        assert_eq!(state.with_counter(2).shade(), 3);
        assert_eq!(state.with_clock(0).clock(), 0);
        assert_eq!(CellState(0).with_counter(200).counter(), COUNTER_MAX);
        assert_eq!(CellState(0).with_flow_direction(-1).flow_direction(), -1);
        assert_eq!(CellState(0).with_flow_direction(1).flow_direction(), 1);
    }

    #[test]
    fn fresh_cells_start_with_their_lifetime() {
        let fire = Cell::fresh(Material::Fire, 12345);
        assert_eq!(fire.state.counter(), Material::Fire.props().lifetime);
        assert_eq!(Cell::fresh(Material::Empty, 99), Cell::EMPTY);
        assert_eq!(Cell::fresh(Material::Sand, 7).state.clock(), 0);
    }
}
