//! Powders fall and pile up.

use super::heat::cool_towards_ambient;
use super::motion::fall;
use super::reactions::{find_neighbour, grow};
use crate::sand::material::Material;
use crate::sand::neighborhood::Neighborhood;
use crate::sand::properties::MaterialProps;

const SAND: &MaterialProps = Material::Sand.props();
const SALT: &MaterialProps = Material::Salt.props();
const GUNPOWDER: &MaterialProps = Material::Gunpowder.props();
const COAL: &MaterialProps = Material::Coal.props();
const ASH: &MaterialProps = Material::Ash.props();
const SNOW: &MaterialProps = Material::Snow.props();
const THERMITE: &MaterialProps = Material::Thermite.props();
const SEED: &MaterialProps = Material::Seed.props();
const EMBER: &MaterialProps = Material::Ember.props();

/// Sand: falls and piles up (and melts into glass: `heat.rs`).
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

/// Gunpowder: falls like sand; at its ignition point it explodes.
#[inline(always)]
pub(super) fn gunpowder(cell: &mut Neighborhood) {
    fall(cell, GUNPOWDER);
}

/// Coal: falls; at its ignition point it becomes a glowing ember.
#[inline(always)]
pub(super) fn coal(cell: &mut Neighborhood) {
    fall(cell, COAL);
}

/// Ash: a light powder; it floats on water.
#[inline(always)]
pub(super) fn ash(cell: &mut Neighborhood) {
    fall(cell, ASH);
}

/// Snow: falls and piles up, and melts when warmed.
#[inline(always)]
pub(super) fn snow(cell: &mut Neighborhood) {
    fall(cell, SNOW);
}

/// Thermite: falls; at its ignition point it burns into white-hot metal.
#[inline(always)]
pub(super) fn thermite(cell: &mut Neighborhood) {
    fall(cell, THERMITE);
}

/// Seed: falls; resting next to water or mud, it sprouts into a plant.
#[inline]
pub(super) fn seed(cell: &mut Neighborhood) {
    if fall(cell, SEED) {
        return;
    }
    let mut dice = cell.dice();
    grow(cell, SEED, &mut dice, true);
}

/// Ember: falls, loses heat, and throws flames into the air above it.
#[inline]
pub(super) fn ember(cell: &mut Neighborhood) {
    cell.keep_awake();
    cool_towards_ambient(cell, EMBER);
    if fall(cell, EMBER) {
        return;
    }
    let mut dice = cell.dice();
    if cell.get(0, -1) == Material::Empty && dice.roll(EMBER.action_chance) {
        let temperature = cell.temperature();
        cell.spawn(0, -1, Material::Fire);
        cell.set_temperature(0, -1, temperature);
    }
}
