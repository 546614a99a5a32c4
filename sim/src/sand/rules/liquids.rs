//! Liquids flow and find their level.

use super::motion::{flow, flow_viscous};
use super::reactions::find_neighbour;
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const WATER: &MaterialProps = Material::Water.props();
const OIL: &MaterialProps = Material::Oil.props();
const LAVA: &MaterialProps = Material::Lava.props();
const ACID: &MaterialProps = Material::Acid.props();
const MOLTEN_METAL: &MaterialProps = Material::MoltenMetal.props();
const MOLTEN_GLASS: &MaterialProps = Material::MoltenGlass.props();
const MUD: &MaterialProps = Material::Mud.props();
const NITRO: &MaterialProps = Material::Nitro.props();
const MERCURY: &MaterialProps = Material::Mercury.props();

/// Water: flows. (Heat boils it and cold freezes it: `heat.rs`; plants
/// drink it, salt dissolves in it: the other materials' rules.)
#[inline(always)]
pub(super) fn water(cell: &mut Neighborhood) {
    flow(cell, WATER);
}

/// Oil: flows, and floats on water because it is lighter.
#[inline(always)]
pub(super) fn oil(cell: &mut Neighborhood) {
    flow(cell, OIL);
}

/// Lava: where a quenching neighbour (water) touches it, it sets into
/// obsidian; else it flows slowly. (Its heat boils the water.)
#[inline]
pub(super) fn lava(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    if let Some(quenched) = LAVA.quenched_into {
        if find_neighbour(cell, &mut dice, |near| near.quenches).is_some() {
            cell.keep_awake();
            if dice.roll(LAVA.quench_chance) {
                cell.become_new(quenched);
                return;
            }
        }
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

/// Molten metal: runs, and sets into metal as it cools.
#[inline]
pub(super) fn molten_metal(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    flow_viscous(cell, MOLTEN_METAL, &mut dice);
}

/// Molten glass: oozes, and sets into glass as it cools.
#[inline]
pub(super) fn molten_glass(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    flow_viscous(cell, MOLTEN_GLASS, &mut dice);
}

/// Mud: oozes; heat dries it into clay.
#[inline]
pub(super) fn mud(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    flow_viscous(cell, MUD, &mut dice);
}

/// Nitro: flows until heat sets it off.
#[inline(always)]
pub(super) fn nitro(cell: &mut Neighborhood) {
    flow(cell, NITRO);
}

/// Mercury: flows under everything else that flows.
#[inline(always)]
pub(super) fn mercury(cell: &mut Neighborhood) {
    flow(cell, MERCURY);
}
