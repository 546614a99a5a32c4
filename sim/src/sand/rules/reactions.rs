//! Reactions shared by several materials: looking for a neighbour to react
//! with, explosions and lifetimes. (Heat and what it does: `heat.rs`.)

use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::{MaterialProps, StateOfMatter};
use crate::sand::rng::RandomBits;
use crate::sand::temperature::Temperature;

/// The four orthogonal neighbours (below, right, above, left).
pub(super) const ORTHOGONAL: [(i32, i32); 4] = [(0, 1), (1, 0), (0, -1), (-1, 0)];

/// Random bits that pick where a search over `ORTHOGONAL` starts.
pub(super) const ORTHOGONAL_START_BITS: u32 = ORTHOGONAL.len().trailing_zeros();

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

/// A burst of fire in a disc of `radius` around (cx, cy): empty cells,
/// gases and everything flammable (more explosive included) become fire
/// burning for `fire_time` at `temperature`; solids, powders and liquids
/// that do not burn are left standing (and heat up by conduction).
pub(super) fn explode(cell: &mut Neighborhood, cx: i32, cy: i32, radius: i32, fire_time: u8, temperature: Temperature) {
    for dy in -radius..=radius {
        let half_width = (radius * radius - dy * dy).isqrt();
        for dx in -half_width..=half_width {
            let (x, y) = (cx + dx, cy + dy);
            let target = cell.get(x, y).props();
            let consumed =
                matches!(target.state_of_matter, StateOfMatter::Empty | StateOfMatter::Gas) || target.is_flammable();
            if consumed {
                cell.spawn_with_counter(x, y, Material::Fire, fire_time);
                cell.set_temperature(x, y, temperature);
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

/// Grows `props.grows_into` into a neighbour that nourishes plants (plant)
/// or turns into it there (seed), with the growth chance. Returns whether
/// a neighbour to grow into was found (the cell stays awake for it).
#[inline]
pub(super) fn grow(cell: &mut Neighborhood, props: &MaterialProps, dice: &mut RandomBits, in_place: bool) -> bool {
    let Some(grown) = props.grows_into else {
        return false;
    };
    let Some((dx, dy, _)) = find_neighbour(cell, dice, |near| near.nourishes_plants) else {
        return false;
    };
    cell.keep_awake();
    if dice.roll(props.growth_chance) {
        if in_place {
            cell.become_new(grown);
        } else {
            cell.spawn(dx, dy, grown);
        }
    }
    true
}
