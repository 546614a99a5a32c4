//! Liquids: water, oil, lava and acid flow and find their level.

use super::motion::{flow, flow_viscous};
use super::reactions::{find_neighbour, radiate_heat, Heat};
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const WATER: &MaterialProps = Material::Water.props();
const OIL: &MaterialProps = Material::Oil.props();
const LAVA: &MaterialProps = Material::Lava.props();
const ACID: &MaterialProps = Material::Acid.props();

/// Water: flows. (Heat boils it, ice freezes it, plants drink it, salt
/// dissolves in it: the other materials' rules.)
#[inline(always)]
pub(super) fn water(cell: &mut Neighborhood) {
    flow(cell, WATER);
}

/// Oil: flows, and floats on water because it is lighter. (Fire lights it.)
#[inline(always)]
pub(super) fn oil(cell: &mut Neighborhood) {
    flow(cell, OIL);
}

/// Lava: heats its neighbours (turning to stone where it meets water), and
/// flows slowly.
#[inline]
pub(super) fn lava(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    match radiate_heat(cell, LAVA, &mut dice) {
        Heat::Quenched => return,
        Heat::Reacted | Heat::Pending => cell.keep_awake(),
        Heat::Nothing => {}
    }
    flow_viscous(cell, LAVA, &mut dice);
}

/// Acid: eats a corrodible neighbour, using itself up; else flows.
#[inline]
pub(super) fn acid(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    if let Some((dx, dy, _)) = find_neighbour(cell, &mut dice, |near| near.corrodible) {
        cell.keep_awake();
        if dice.roll(ACID.corrosion_chance) {
            cell.spawn(dx, dy, Material::Empty);
            cell.become_new(Material::Empty);
            return;
        }
    }
    flow(cell, ACID);
}
