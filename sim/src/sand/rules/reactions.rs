//! Reactions shared by several materials: looking for a neighbour to react
//! with, heat (burning, boiling, melting), explosions and lifetimes.

use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::{MaterialProps, StateOfMatter};
use crate::sand::rng::RandomBits;

/// The four orthogonal neighbours (below, right, above, left).
const ORTHOGONAL: [(i32, i32); 4] = [(0, 1), (1, 0), (0, -1), (-1, 0)];

/// Random bits that pick where a search over `ORTHOGONAL` starts.
const ORTHOGONAL_START_BITS: u32 = ORTHOGONAL.len().trailing_zeros();

/// An orthogonal neighbour of the current cell whose material passes
/// `wanted`, searching from a random side; returns its offset and material.
#[inline]
pub(super) fn find_neighbour(
    cell: &Neighborhood,
    dice: &mut RandomBits,
    wanted: impl Fn(&MaterialProps) -> bool,
) -> Option<(i32, i32, Material)> {
    let start = dice.take(ORTHOGONAL_START_BITS) as usize;
    for turn in 0..ORTHOGONAL.len() {
        let (dx, dy) = ORTHOGONAL[(start + turn) % ORTHOGONAL.len()];
        let material = cell.get(dx, dy);
        if wanted(material.props()) {
            return Some((dx, dy, material));
        }
    }
    None
}

/// What a hot cell did to its surroundings this step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Heat {
    /// Nothing around reacts to heat.
    Nothing,
    /// Something could react, but the dice said not yet.
    Pending,
    /// A neighbour caught fire, exploded or melted.
    Reacted,
    /// The hot cell boiled a neighbour and was quenched (it is no longer
    /// what it was; the rule must stop).
    Quenched,
}

/// A hot cell (fire, lava) works on its four neighbours, at most one
/// reaction per step: it boils what boils (and is quenched by it), sets
/// alight what burns, and melts what melts.
#[inline]
pub(super) fn radiate_heat(cell: &mut Neighborhood, props: &MaterialProps, dice: &mut RandomBits) -> Heat {
    let start = dice.take(ORTHOGONAL_START_BITS) as usize;
    let mut pending = false;
    for turn in 0..ORTHOGONAL.len() {
        let (dx, dy) = ORTHOGONAL[(start + turn) % ORTHOGONAL.len()];
        let target = cell.get(dx, dy);
        let target_props = target.props();
        if let Some(vapour) = target_props.boils_into {
            cell.spawn(dx, dy, vapour);
            if let Some(cooled) = props.quenched_into {
                cell.become_new(cooled);
                return Heat::Quenched;
            }
            return Heat::Reacted;
        }
        if target_props.is_flammable() {
            pending = true;
            if dice.roll(target_props.flammability) {
                ignite(cell, dx, dy, target_props);
                return Heat::Reacted;
            }
        }
        if let Some(melted) = target_props.melts_into {
            pending = true;
            if dice.roll(target_props.melt_chance) {
                cell.spawn(dx, dy, melted);
                return Heat::Reacted;
            }
        }
    }
    if pending {
        Heat::Pending
    } else {
        Heat::Nothing
    }
}

/// Sets the cell at (dx, dy) alight: it becomes fire that burns for its
/// `burn_time`, or, if it is explosive, it blows up.
#[inline]
fn ignite(cell: &mut Neighborhood, dx: i32, dy: i32, burning: &MaterialProps) {
    if burning.blast_radius > 0 {
        explode(cell, dx, dy, burning.blast_radius as i32, burning.burn_time);
    } else {
        cell.spawn_with_counter(dx, dy, Material::Fire, burning.burn_time);
    }
}

/// A burst of fire in a disc of `radius` around (cx, cy): empty cells,
/// gases and everything flammable (more explosive included) become fire
/// burning for `fire_time`; solids, powders and liquids that do not burn
/// are left standing.
fn explode(cell: &mut Neighborhood, cx: i32, cy: i32, radius: i32, fire_time: u8) {
    for dy in -radius..=radius {
        let half_width = (radius * radius - dy * dy).isqrt();
        for dx in -half_width..=half_width {
            let (x, y) = (cx + dx, cy + dy);
            let target = cell.get(x, y).props();
            let consumed =
                matches!(target.state_of_matter, StateOfMatter::Empty | StateOfMatter::Gas) || target.is_flammable();
            if consumed {
                cell.spawn_with_counter(x, y, Material::Fire, fire_time);
            }
        }
    }
}

/// Timed cells: the counter ticks down with the `ageing` chance; at zero
/// the cell becomes `decays_into`. Returns whether it decayed.
#[inline]
pub(super) fn age(cell: &mut Neighborhood, props: &MaterialProps, dice: &mut RandomBits) -> bool {
    let state = cell.state();
    let mut counter = state.counter();
    if dice.roll(props.ageing) {
        counter = counter.saturating_sub(1);
    }
    if counter == 0 {
        cell.become_new(props.decays_into);
        return true;
    }
    cell.set_state(state.with_counter(counter));
    false
}
