//! One test per reaction, on tiny worlds. Reactions that happen by chance
//! are stepped until they happen, within a bound far above their expected
//! time.

use super::support::{find_all, picture, run, steps_until, TestWorld};
use crate::sand::Material;

fn count(world: &crate::sand::World, material: Material) -> u64 {
    world.count_material(material)
}

#[test]
fn fire_burns_wood_into_fire_and_smoke() {
    let world = TestWorld::from_picture(&["......", "......", "......", ".dddd.", ".dddd.", ".ffff."]);
    let wood = count(&world, Material::Wood);
    let caught = steps_until(&world, 400, |world| count(world, Material::Wood) < wood);
    assert!(caught.is_some(), "wood never caught fire");
    let mut saw_smoke = false;
    let burnt = steps_until(&world, 5000, |world| {
        saw_smoke |= count(world, Material::Smoke) > 0;
        count(world, Material::Wood) == 0 && count(world, Material::Fire) == 0
    });
    assert!(burnt.is_some(), "{:?}", picture(&world));
    assert!(saw_smoke, "burning left no smoke");
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
fn fire_lights_oil_plant_and_gunpowder() {
    for fuel in ["o", "p", "g"] {
        let rows = [&format!("#{fuel}#")[..], "#f#", "###"];
        let world = TestWorld::from_picture(&rows);
        let fuel_material = world.material_at(1, 0);
        let lit = steps_until(&world, 300, |world| world.material_at(1, 0) != fuel_material);
        assert!(lit.is_some(), "{fuel} never caught fire");
    }
}

#[test]
fn water_puts_fire_out_and_boils() {
    let world = TestWorld::from_picture(&["#f#", "#w#", "###"]);
    world.step();
    assert_eq!(picture(&world), ["#k#", "#v#", "###"]);
}

#[test]
fn lava_and_water_make_stone_and_steam() {
    let world = TestWorld::from_picture(&["#l#", "#w#", "###"]);
    world.step();
    assert_eq!(picture(&world), ["#r#", "#v#", "###"]);
    let world = TestWorld::from_picture(&["lw"]);
    world.step();
    assert_eq!(count(&world, Material::Stone), 1);
    assert_eq!(count(&world, Material::Steam), 1);
}

#[test]
fn lava_sets_wood_alight() {
    let world = TestWorld::from_picture(&["#d#", "#l#", "###"]);
    let lit = steps_until(&world, 500, |world| world.material_at(1, 0) != Material::Wood);
    assert!(lit.is_some());
}

#[test]
fn steam_condenses_into_water() {
    let world = TestWorld::from_picture(&["###", "#v#", "###"]);
    let condensed = steps_until(&world, 4000, |world| world.material_at(1, 1) == Material::Water);
    assert!(condensed.is_some());
}

#[test]
fn smoke_thins_out_into_nothing() {
    let world = TestWorld::from_picture(&["###", "#k#", "###"]);
    let gone = steps_until(&world, 4000, |world| world.material_at(1, 1) == Material::Empty);
    assert!(gone.is_some());
}

#[test]
fn ice_freezes_water() {
    let world = TestWorld::from_picture(&["#i#", "#w#", "###"]);
    let frozen = steps_until(&world, 5000, |world| world.material_at(1, 1) == Material::Ice);
    assert!(frozen.is_some());
    assert_eq!(count(&world, Material::Water), 0);
}

#[test]
fn ice_melts_next_to_lava() {
    let world = TestWorld::from_picture(&["#i#", "#l#", "###"]);
    let mut saw_water = false;
    let melted = steps_until(&world, 2000, |world| {
        saw_water |= count(world, Material::Water) > 0;
        count(world, Material::Ice) == 0
    });
    assert!(melted.is_some());
    // The meltwater meets the lava: stone and steam, unless seen as water.
    assert!(saw_water || count(&world, Material::Stone) + count(&world, Material::Steam) > 0);
}

#[test]
fn ice_melts_next_to_fire() {
    let melted = (0..8).any(|seed| {
        let world = TestWorld::from_picture_with_seed(&["#####", "#fif#", "#####"], seed);
        steps_until(&world, 200, |world| count(world, Material::Ice) == 0).is_some()
    });
    assert!(melted, "fire never melted the ice");
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

#[test]
fn gunpowder_explodes_near_fire() {
    let world = TestWorld::from_picture(&[
        "...........",
        "...........",
        "...........",
        "...........",
        "....ggg....",
        "....ggg....",
        "....ggg....",
        "....f......",
        "...........",
        "...........",
        "...........",
    ]);
    let blown = steps_until(&world, 200, |world| count(world, Material::Gunpowder) == 0);
    assert!(blown.is_some(), "{:?}", picture(&world));
    // A burst: fire far from where the powder was.
    let fire = find_all(&world, Material::Fire);
    assert!(fire.len() > 15, "{:?}", picture(&world));
    assert!(fire.iter().any(|&(x, y)| (x - 5).abs() + (y - 5).abs() >= 4), "{:?}", picture(&world));
}

#[test]
fn an_explosion_spares_stone_sand_and_water() {
    let world = TestWorld::from_picture(&["r.....w", ".......", "...g...", "...f...", "s......"]);
    run(&world, 3);
    assert_eq!(count(&world, Material::Gunpowder), 0);
    assert_eq!(count(&world, Material::Stone), 1);
    assert_eq!(count(&world, Material::Sand), 1);
    assert!(count(&world, Material::Fire) > 10);
}
