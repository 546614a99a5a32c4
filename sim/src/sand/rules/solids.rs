//! Materials that never move.

use super::heat::drive_temperature;
use super::reactions::{find_neighbour, grow, ORTHOGONAL, ORTHOGONAL_START_BITS};
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::{MaterialProps, StateOfMatter};

const PLANT: &MaterialProps = Material::Plant.props();
const HEATER: &MaterialProps = Material::Heater.props();
const COOLER: &MaterialProps = Material::Cooler.props();
const CLONER: &MaterialProps = Material::Cloner.props();
const VOID: &MaterialProps = Material::Void.props();

/// Wall, stone, wood, ice, metal, glass, obsidian, clay: nothing by
/// themselves. (Heat melts, fires or ignites them: `heat.rs`; acid eats
/// the corrodible ones.)
#[inline(always)]
pub(super) fn inert(_cell: &mut Neighborhood) {}

/// Plant: slowly grows into a neighbour that nourishes plants (water).
#[inline]
pub(super) fn plant(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    grow(cell, PLANT, &mut dice, false);
}

/// Heater: heats itself towards its target (and so whatever touches it).
#[inline]
pub(super) fn heater(cell: &mut Neighborhood) {
    drive_temperature(cell, HEATER);
}

/// Cooler: cools itself towards its target.
#[inline]
pub(super) fn cooler(cell: &mut Neighborhood) {
    drive_temperature(cell, COOLER);
}

/// Cloner: copies a neighbour it can clone into another, empty neighbour,
/// at the copied cell's temperature.
#[inline]
pub(super) fn cloner(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    let Some((sx, sy, source)) =
        find_neighbour(cell, &mut dice, |near| near.clonable && near.state_of_matter != StateOfMatter::Empty)
    else {
        return;
    };
    let Some((dx, dy, _)) = find_neighbour(cell, &mut dice, |near| near.state_of_matter == StateOfMatter::Empty) else {
        return;
    };
    cell.keep_awake();
    if dice.roll(CLONER.action_chance) {
        let temperature = cell.temperature_at(sx, sy);
        cell.spawn(dx, dy, source);
        cell.set_temperature(dx, dy, temperature);
    }
}

/// Void: swallows every powder, liquid and gas next to it.
#[inline]
pub(super) fn void(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    let start = dice.take(ORTHOGONAL_START_BITS) as usize;
    for turn in 0..ORTHOGONAL.len() {
        let (dx, dy) = ORTHOGONAL[(start + turn) % ORTHOGONAL.len()];
        let movable = matches!(
            cell.get(dx, dy).props().state_of_matter,
            StateOfMatter::Powder | StateOfMatter::Liquid | StateOfMatter::Gas
        );
        if movable && dice.roll(VOID.action_chance) {
            cell.spawn(dx, dy, Material::Empty);
        }
    }
}
