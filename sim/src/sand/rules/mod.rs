//! Cell rules: one small function per material, chosen by one exhaustive
//! `match`. Rules see the world only through a [`Neighborhood`] and take
//! every number from the material table.
//!
//! Shared pieces: `motion.rs` (falling, flowing, rising) and `reactions.rs`
//! (heat, ageing, explosions, neighbour searches).

mod gases;
mod liquids;
mod motion;
mod powders;
mod reactions;
mod solids;

use super::material::Material;
use super::neighborhood::Neighborhood;

/// Gives the current cell, made of `material`, its turn.
#[inline(always)]
pub(super) fn update(cell: &mut Neighborhood, material: Material) {
    match material {
        // Empty cells are skipped before dispatch; nothing to do either way.
        Material::Empty => {}
        Material::Wall => solids::wall(cell),
        Material::Stone => solids::stone(cell),
        Material::Wood => solids::wood(cell),
        Material::Ice => solids::ice(cell),
        Material::Plant => solids::plant(cell),
        Material::Sand => powders::sand(cell),
        Material::Salt => powders::salt(cell),
        Material::Gunpowder => powders::gunpowder(cell),
        Material::Water => liquids::water(cell),
        Material::Oil => liquids::oil(cell),
        Material::Lava => liquids::lava(cell),
        Material::Acid => liquids::acid(cell),
        Material::Fire => gases::fire(cell),
        Material::Smoke => gases::smoke(cell),
        Material::Steam => gases::steam(cell),
    }
}
