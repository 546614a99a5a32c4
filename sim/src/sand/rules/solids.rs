//! Materials that never move: wall, stone, wood, ice and plant.

use super::reactions::find_neighbour;
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const ICE: &MaterialProps = Material::Ice.props();
const PLANT: &MaterialProps = Material::Plant.props();

/// Wall: does nothing, ever.
#[inline(always)]
pub(super) fn wall(_cell: &mut Neighborhood) {}

/// Stone: does nothing by itself (acid eats it).
#[inline(always)]
pub(super) fn stone(_cell: &mut Neighborhood) {}

/// Wood: does nothing by itself (fire and lava light it).
#[inline(always)]
pub(super) fn wood(_cell: &mut Neighborhood) {}

/// Ice: slowly freezes a neighbour that freezes (water). Heat melts it (see
/// `radiate_heat`).
#[inline]
pub(super) fn ice(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    let freezable = find_neighbour(cell, &mut dice, |near| near.freezes_into.is_some());
    if let Some((dx, dy, target)) = freezable {
        cell.keep_awake();
        if let Some(frozen) = target.props().freezes_into {
            if dice.roll(ICE.freeze_chance) {
                cell.spawn(dx, dy, frozen);
            }
        }
    }
}

/// Plant: slowly grows into a neighbour that nourishes plants (water).
#[inline]
pub(super) fn plant(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    let food = find_neighbour(cell, &mut dice, |near| near.nourishes_plants);
    if let Some((dx, dy, _)) = food {
        cell.keep_awake();
        if dice.roll(PLANT.growth_chance) {
            cell.spawn(dx, dy, Material::Plant);
        }
    }
}
