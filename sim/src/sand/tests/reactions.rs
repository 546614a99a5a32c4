//! One test per reaction that does not need heat, on tiny worlds (heat:
//! `heat.rs`). Reactions that happen by chance
//! are stepped until they happen, within a bound far above their expected
//! time.

use super::support::{picture, run, steps_until, TestWorld};
use crate::sand::Material;

fn count(world: &crate::sand::World, material: Material) -> u64 {
    world.count_material(material)
}

#[test]
fn fire_burns_out_into_smoke() {
    let world = TestWorld::from_picture(&["###", "#f#", "###"]);
    let mut saw_smoke = false;
    let out = steps_until(&world, 500, |world| {
        saw_smoke |= world.material_at(1, 1) == Material::Smoke;
        world.material_at(1, 1) != Material::Fire
    });
    assert!(out.is_some());
    assert!(saw_smoke || world.material_at(1, 1) == Material::Smoke);
}

#[test]
fn smoke_thins_out_into_nothing() {
    let world = TestWorld::from_picture(&["###", "#k#", "###"]);
    let gone = steps_until(&world, 4000, |world| world.material_at(1, 1) == Material::Empty);
    assert!(gone.is_some());
}

#[test]
fn acid_dissolves_stone_and_is_used_up() {
    let world = TestWorld::from_picture(&["#a#", "#r#", "###"]);
    let eaten = steps_until(&world, 1000, |world| count(world, Material::Stone) == 0);
    assert!(eaten.is_some());
    assert_eq!(count(&world, Material::Acid), 0);
    assert_eq!(picture(&world), ["#.#", "#.#", "###"]);
}

#[test]
fn acid_does_not_dissolve_walls_or_water() {
    let world = TestWorld::from_picture(&["###", "#a#", "#w#", "###"]);
    run(&world, 300);
    assert_eq!(count(&world, Material::Acid), 1);
    assert_eq!(count(&world, Material::Water), 1);
    assert_eq!(count(&world, Material::Wall), 10);
}

#[test]
fn salt_dissolves_in_water() {
    let world = TestWorld::from_picture(&["#tw#", "####"]);
    let dissolved = steps_until(&world, 3000, |world| count(world, Material::Salt) == 0);
    assert!(dissolved.is_some());
    assert_eq!(count(&world, Material::Water), 2);
}

#[test]
fn plant_grows_into_water() {
    let world = TestWorld::from_picture(&["#pw#", "####"]);
    let grown = steps_until(&world, 3000, |world| count(world, Material::Plant) == 2);
    assert!(grown.is_some());
    assert_eq!(count(&world, Material::Water), 0);
}
