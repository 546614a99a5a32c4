//! Powders: sand, salt and gunpowder fall and pile up.

use super::motion::fall;
use super::reactions::find_neighbour;
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const SAND: &MaterialProps = Material::Sand.props();
const SALT: &MaterialProps = Material::Salt.props();
const GUNPOWDER: &MaterialProps = Material::Gunpowder.props();

/// Sand: falls and piles up.
#[inline(always)]
pub(super) fn sand(cell: &mut Neighborhood) {
    fall(cell, SAND);
}

/// Salt: dissolves next to a solvent (water), else falls like sand.
#[inline]
pub(super) fn salt(cell: &mut Neighborhood) {
    let mut dice = cell.dice();
    if find_neighbour(cell, &mut dice, |near| near.solvent).is_some() {
        cell.keep_awake();
        if let Some(dissolved) = SALT.dissolves_into {
            if dice.roll(SALT.dissolve_chance) {
                cell.become_new(dissolved);
                return;
            }
        }
    }
    fall(cell, SALT);
}

/// Gunpowder: falls like sand; heat makes it explode (see `radiate_heat`).
#[inline]
pub(super) fn gunpowder(cell: &mut Neighborhood) {
    fall(cell, GUNPOWDER);
}
