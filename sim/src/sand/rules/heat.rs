//! Heat: conduction between neighbours and the changes of state that
//! temperature drives (melting, boiling, freezing, setting, ignition).
//!
//! **Conduction.** A visited cell exchanges heat with its right and lower
//! neighbours (so every edge between two visited cells is worked once per
//! step). For an edge between `a` and `b` with temperature difference
//! `d = T_a - T_b`, the flow is the integer
//! `m = trunc(d * min(k_a, k_b) / 2^CONDUCTION_SHIFT)`, at least one unit
//! (towards the colder cell) while `|d| >= MIN_FLOW_FACTOR * (c_a + c_b)`;
//! then `T_a -= m * c_b` and `T_b += m * c_a`. So `c_a * T_a + c_b * T_b`
//! is exactly unchanged (heat is conserved, bit for bit), the flow never
//! overshoots (checked for every pair of materials at compile time), and
//! below the threshold nothing changes, which is what lets a chunk at
//! thermal equilibrium fall asleep.
//!
//! Cells are visited in the fixed order of the phases (`phases.rs`) and the
//! sweep inside each chunk, so the result is the same for any number of
//! threads (docs/CELLS.md, "A step"); integer arithmetic only, so native
//! and wasm agree.

use super::reactions::explode;
use crate::sand::material::{Material, UNKNOWN_BYTE_FALLBACK};
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::{MaterialProps, Transition, MATERIALS};
use crate::sand::temperature::{clamp_temperature, Temperature, AMBIENT};

/// Conductivities are in `2^-CONDUCTION_SHIFT`ths of the difference per step.
pub(crate) const CONDUCTION_SHIFT: u32 = 10;
/// Differences below `MIN_FLOW_FACTOR * (c_a + c_b)` units do not flow.
pub(crate) const MIN_FLOW_FACTOR: i32 = 2;

/// `f(props)` for every byte (bytes that are no material get the
/// fallback's), so the per-cell heat checks are one load each.
macro_rules! by_byte {
    ($ty:ty, $zero:expr, |$props:ident| $value:expr) => {{
        let mut table: [$ty; 256] = [$zero; 256];
        let mut byte = 0;
        while byte < 256 {
            let $props: &MaterialProps = Material::from_u8_or_fallback(byte as u8).props();
            table[byte] = $value;
            byte += 1;
        }
        table
    }};
}

static CONDUCTIVITY: [u8; 256] = by_byte!(u8, 0, |props| props.conductivity);
static CAPACITY: [u8; 256] = by_byte!(u8, 0, |props| props.heat_capacity);
static HIGH_AT: [Temperature; 256] = by_byte!(Temperature, 0, |props| props.high.at);
static LOW_AT: [Temperature; 256] = by_byte!(Temperature, 0, |props| props.low.at);
/// Whether a cell of each byte is past one of its transition points at
/// ambient temperature, where most chunks that take the heat shortcut are.
static PAST_ITS_RANGE_AT_AMBIENT: [bool; 256] =
    by_byte!(bool, false, |props| AMBIENT >= props.high.at || AMBIENT < props.low.at);

/// The heat part of a cell's turn: conducts, then changes state if the
/// cell is past one of its transition points. Returns whether the cell
/// became something else (its turn is over).
#[inline(always)]
pub(in crate::sand) fn heat_turn(cell: &mut Neighborhood, byte: u8, material: Material) -> bool {
    let temperature = conduct(cell, byte);
    transition_turn(cell, byte, material, temperature)
}

/// `heat_turn` where the cell and every cell it could exchange heat with
/// are at `temperature` (`uniform_heat.rs`): conduction moves nothing
/// there, so only the transition check is left.
#[inline(always)]
pub(in crate::sand) fn uniform_heat_turn(
    cell: &mut Neighborhood,
    byte: u8,
    material: Material,
    temperature: Temperature,
) -> bool {
    if temperature == AMBIENT {
        PAST_ITS_RANGE_AT_AMBIENT[byte as usize] && transform(cell, material, temperature)
    } else {
        transition_turn(cell, byte, material, temperature)
    }
}

/// Changes the cell's state if `temperature` is past one of its points.
#[inline(always)]
fn transition_turn(cell: &mut Neighborhood, byte: u8, material: Material, temperature: Temperature) -> bool {
    let outside_its_range = temperature >= HIGH_AT[byte as usize] || temperature < LOW_AT[byte as usize];
    outside_its_range && transform(cell, material, temperature)
}

/// Exchanges heat with the right and lower neighbours; returns the cell's
/// temperature afterwards.
#[inline(always)]
fn conduct(cell: &mut Neighborhood, byte: u8) -> Temperature {
    let mut here = cell.temperature();
    let conductivity_here = CONDUCTIVITY[byte as usize];
    if conductivity_here == 0 {
        return here;
    }
    let capacity_here = CAPACITY[byte as usize] as i32;
    let mut changed = false;
    for (dx, dy) in [(1, 0), (0, 1)] {
        let there = cell.temperature_at(dx, dy);
        if there == here {
            continue;
        }
        let other = cell.byte_at(dx, dy) as usize;
        let conductivity = conductivity_here.min(CONDUCTIVITY[other]);
        if conductivity == 0 {
            continue;
        }
        let capacity_there = CAPACITY[other] as i32;
        let flow = heat_flow(here as i32 - there as i32, conductivity, capacity_here + capacity_there);
        if flow == 0 {
            continue;
        }
        // Neither side passes the other (`pair_is_stable`), so both stay
        // between the two old temperatures: no overflow, no clamping.
        here = (here as i32 - flow * capacity_there) as Temperature;
        cell.set_temperature(dx, dy, (there as i32 + flow * capacity_here) as Temperature);
        changed = true;
    }
    if changed {
        cell.set_temperature(0, 0, here);
    }
    here
}

/// The heat flow `m` across one edge (see the module documentation).
#[inline(always)]
pub(crate) const fn heat_flow(difference: i32, conductivity: u8, capacities: i32) -> i32 {
    let flow = difference * conductivity as i32 / (1 << CONDUCTION_SHIFT);
    if flow != 0 {
        flow
    } else if difference.abs() >= MIN_FLOW_FACTOR * capacities {
        difference.signum()
    } else {
        0
    }
}

/// The cell is past a transition point: it changes (with the transition's
/// chance) and returns true, or stays awake for another roll.
#[cold]
fn transform(cell: &mut Neighborhood, material: Material, temperature: Temperature) -> bool {
    let props = material.props();
    let (transition, reaction_heat): (&Transition, Temperature) =
        if temperature >= props.high.at { (&props.high, props.reaction_heat) } else { (&props.low, 0) };
    if !cell.heat_dice().roll(transition.chance) {
        cell.keep_awake();
        return false;
    }
    let heated = clamp_temperature(temperature as i32 + reaction_heat as i32);
    match transition.into {
        Material::Fire if props.blast_radius > 0 => {
            explode(cell, 0, 0, props.blast_radius as i32, props.burn_time, heated);
        }
        Material::Fire => cell.spawn_with_counter(0, 0, Material::Fire, props.burn_time),
        into => cell.become_new(into),
    }
    if transition.into != Material::Empty {
        cell.set_temperature(0, 0, heated);
    }
    true
}

/// Heat sources (fire, heater, cooler): the cell drives its own temperature
/// towards the source's target.
#[inline]
pub(super) fn drive_temperature(cell: &mut Neighborhood, props: &MaterialProps) {
    let source = props.source;
    let now = cell.temperature() as i32;
    let target = source.target as i32;
    let next =
        if now < target { (now + source.rate as i32).min(target) } else { (now - source.rate as i32).max(target) };
    if next != now {
        cell.set_temperature(0, 0, next as Temperature);
    }
}

/// Materials that lose heat to their surroundings (steam, smoke, embers):
/// `(T - ambient) >> cooling_shift` per step.
#[inline]
pub(super) fn cool_towards_ambient(cell: &mut Neighborhood, props: &MaterialProps) {
    let now = cell.temperature() as i32;
    let loss = (now - AMBIENT as i32) >> props.cooling_shift;
    if loss != 0 {
        cell.set_temperature(0, 0, (now - loss) as Temperature);
    }
}

/// Whether heat can flow between materials `a` and `b` without either
/// passing the other's temperature: `min(k_a, k_b) * (c_a + c_b)` at most
/// `2^CONDUCTION_SHIFT`.
const fn pair_is_stable(a: &MaterialProps, b: &MaterialProps) -> bool {
    let conductivity = if a.conductivity < b.conductivity { a.conductivity } else { b.conductivity };
    conductivity as u32 * (a.heat_capacity as u32 + b.heat_capacity as u32) <= 1 << CONDUCTION_SHIFT
}

// The table is checked at compile time: capacities in 1..=4, every pair
// stable, initial temperatures inside the material's own range, and no
// transition whose product would change straight back.
const _: () = {
    let mut i = 0;
    while i < MATERIALS.len() {
        let row = &MATERIALS[i];
        assert!(row.heat_capacity >= 1 && row.heat_capacity <= 4, "heat capacity out of 1..=4");
        let mut j = 0;
        while j < MATERIALS.len() {
            assert!(pair_is_stable(row, &MATERIALS[j]), "a pair of materials would conduct unstably");
            j += 1;
        }
        assert!(
            row.initial_temperature < row.high.at && row.initial_temperature >= row.low.at,
            "a material must not start past its own transition points"
        );
        if row.high.exists() {
            let product = row.high.into.props();
            let after = row.high.at as i32 + row.reaction_heat as i32;
            assert!((product.low.at as i32) <= after, "a high transition's product would change straight back");
        }
        if row.low.exists() {
            let product = row.low.into.props();
            assert!(product.high.at >= row.low.at, "a low transition's product would change straight back");
        }
        i += 1;
    }
    assert!(UNKNOWN_BYTE_FALLBACK.props().conductivity == 0, "unknown bytes must insulate");
};
