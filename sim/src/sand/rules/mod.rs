//! Cell rules: one small function per material, chosen by one exhaustive
//! `match`. Rules see the world only through a [`Neighborhood`] and take
//! every number from the material table.
//!
//! Shared pieces: `heat.rs` (conduction and the changes of state that
//! temperature drives), `motion.rs` (falling, flowing, rising) and
//! `reactions.rs` (explosions, ageing, growth, neighbour searches).

mod gases;
mod heat;
mod liquids;
mod motion;
mod powders;
mod reactions;
mod solids;

#[cfg(test)]
pub(super) use heat::{heat_flow, CONDUCTION_SHIFT, MIN_FLOW_FACTOR};
pub(super) use heat::{heat_turn, uniform_heat_turn};

use super::material::Material;
use super::neighborhood::Neighborhood;

/// Gives the current cell, made of `material`, its turn.
#[inline(always)]
pub(super) fn update(cell: &mut Neighborhood, material: Material) {
    match material {
        // Empty cells are skipped before dispatch; nothing to do either way.
        Material::Empty => {}
        Material::Wall
        | Material::Stone
        | Material::Wood
        | Material::Ice
        | Material::Metal
        | Material::Glass
        | Material::Obsidian
        | Material::Clay => solids::inert(cell),
        Material::Plant => solids::plant(cell),
        Material::Heater => solids::heater(cell),
        Material::Cooler => solids::cooler(cell),
        Material::Cloner => solids::cloner(cell),
        Material::Void => solids::void(cell),
        Material::Sand => powders::sand(cell),
        Material::Salt => powders::salt(cell),
        Material::Gunpowder => powders::gunpowder(cell),
        Material::Coal => powders::coal(cell),
        Material::Ash => powders::ash(cell),
        Material::Snow => powders::snow(cell),
        Material::Thermite => powders::thermite(cell),
        Material::Seed => powders::seed(cell),
        Material::Ember => powders::ember(cell),
        Material::Water => liquids::water(cell),
        Material::Oil => liquids::oil(cell),
        Material::Lava => liquids::lava(cell),
        Material::Acid => liquids::acid(cell),
        Material::MoltenMetal => liquids::molten_metal(cell),
        Material::MoltenGlass => liquids::molten_glass(cell),
        Material::Mud => liquids::mud(cell),
        Material::Nitro => liquids::nitro(cell),
        Material::Mercury => liquids::mercury(cell),
        Material::Fire => gases::fire(cell),
        Material::Smoke => gases::smoke(cell),
        Material::Steam => gases::steam(cell),
        Material::Methane => gases::methane(cell),
    }
}
