//! Heat: every temperature transition reached from a plain setup,
//! conduction that conserves heat exactly, heat sources, the brushes, and
//! sleeping at equilibrium.

use super::support::{run, steps_until, TestWorld};
use crate::sand::dirty::Rect;
use crate::sand::properties::MATERIALS;
use crate::sand::rules::{heat_flow, CONDUCTION_SHIFT, MIN_FLOW_FACTOR};
use crate::sand::{celsius, Material, Temperature, World, AMBIENT, PAINT_TOOL_COOL, PAINT_TOOL_HEAT};

/// A single cell of `material` in a box of wall (which insulates), at
/// `temperature`.
fn boxed(material: Material, temperature: Temperature) -> TestWorld {
    let world = TestWorld::from_picture(&["###", "#.#", "###"]);
    world.set_cell(1, 1, material).unwrap();
    world.set_temperature_at(1, 1, temperature);
    world
}

/// Σ c·T over every cell that holds heat (empty cells hold none).
fn total_heat(world: &World) -> i64 {
    let mut total = 0;
    for y in 0..world.height() as i32 {
        for x in 0..world.width() as i32 {
            let material = world.material_at(x, y);
            if material.props().conductivity > 0 {
                total += i64::from(material.props().heat_capacity) * i64::from(world.temperature_at(x, y));
            }
        }
    }
    total
}

#[test]
fn every_high_transition_happens_at_its_point_and_not_below() {
    for row in MATERIALS.iter().filter(|row| row.high.exists()) {
        let below = boxed(row.material, row.high.at - 1);
        below.step();
        assert_eq!(below.material_at(1, 1), row.material, "{} changed below its high point", row.name);
        let at = boxed(row.material, row.high.at);
        let changed = steps_until(&at, 2000, |world| world.material_at(1, 1) != row.material);
        assert!(changed.is_some(), "{} never went through its high transition", row.name);
        let expected = if row.is_flammable() && row.blast_radius == 0 { Material::Fire } else { row.high.into };
        if row.blast_radius == 0 {
            assert_eq!(at.material_at(1, 1), expected, "{}", row.name);
        }
    }
}

#[test]
fn every_low_transition_happens_below_its_point_and_not_at_it() {
    for row in MATERIALS.iter().filter(|row| row.low.exists()) {
        let at = boxed(row.material, row.low.at + celsius(30));
        at.step();
        assert_eq!(at.material_at(1, 1), row.material, "{} changed above its low point", row.name);
        let below = boxed(row.material, row.low.at - 1);
        below.step();
        assert_eq!(below.material_at(1, 1), row.low.into, "{} did not go through its low transition", row.name);
    }
}

#[test]
fn ice_next_to_warm_water_melts_and_cold_ice_freezes_water() {
    // Warm water melts a little ice.
    let world = TestWorld::from_picture(&["#####", "#wwi#", "#####"]);
    world.set_temperature_at(1, 1, celsius(60));
    world.set_temperature_at(2, 1, celsius(60));
    assert!(steps_until(&world, 500, |world| world.count_material(Material::Ice) == 0).is_some());
    // A lot of cold ice freezes a little water.
    let world = TestWorld::from_picture(&["#####", "#iii#", "#iwi#", "#iii#", "#####"]);
    assert!(steps_until(&world, 500, |world| world.material_at(2, 2) == Material::Ice).is_some());
}

#[test]
fn lava_boils_water_into_steam_and_is_quenched_into_obsidian() {
    let world = TestWorld::from_picture(&["#...#", "#lll#", "#www#", "#####"]);
    let quenched = steps_until(&world, 400, |world| world.count_material(Material::Obsidian) > 0);
    assert!(quenched.is_some(), "no obsidian");
    let boiled = steps_until(&world, 400, |world| world.count_material(Material::Steam) > 0);
    assert!(boiled.is_some(), "no steam");
}

#[test]
fn lava_that_cools_slowly_sets_into_stone() {
    // Lava on cold metal that a cooler keeps drawing heat from.
    let world = TestWorld::from_picture(&["#####", "#lll#", "#mmm#", "#ccc#", "#####"]);
    for x in 1..4 {
        world.set_temperature_at(x, 3, celsius(-100));
    }
    let set = steps_until(&world, 3000, |world| world.count_material(Material::Stone) > 0);
    assert!(set.is_some(), "lava never set into stone");
}

#[test]
fn heat_melts_sand_into_molten_glass_that_sets_into_glass() {
    let world = boxed(Material::Sand, celsius(1700));
    world.step();
    assert_eq!(world.material_at(1, 1), Material::MoltenGlass);
    world.set_temperature_at(1, 1, celsius(1299));
    world.step();
    assert_eq!(world.material_at(1, 1), Material::Glass);
}

#[test]
fn metal_conducts_better_than_stone_and_melts() {
    let far_end = |bar: char| {
        let row: std::string::String = core::iter::once('h').chain(core::iter::repeat_n(bar, 10)).collect();
        let world = TestWorld::from_picture(&["############", &format!("#{row}"), "############"]);
        world.set_temperature_at(1, 1, celsius(600));
        run(&world, 100);
        world.temperature_at(10, 1)
    };
    let (metal, stone) = (far_end('m'), far_end('r'));
    assert!(metal > stone + celsius(20), "metal {metal} vs stone {stone}");
    let world = boxed(Material::Metal, celsius(1500));
    world.step();
    assert_eq!(world.material_at(1, 1), Material::MoltenMetal);
}

#[test]
fn fire_sets_wood_and_oil_alight() {
    for fuel in ['d', 'o'] {
        let rows = [&format!("#{fuel}{fuel}{fuel}#")[..], "#fff#", "#####"];
        let world = TestWorld::from_picture(&rows);
        let material = world.material_at(1, 0);
        let lit = steps_until(&world, 400, |world| world.count_material(material) < 3);
        assert!(lit.is_some(), "{fuel} never caught fire");
    }
}

#[test]
fn water_takes_the_fires_heat_and_puts_it_out() {
    // Fire lives at least its lifetime in ticks; surrounded by water it goes
    // out long before, as smoke (not by ageing).
    let world = TestWorld::from_picture(&["#####", "#www#", "#wfw#", "#www#", "#####"]);
    let lifetime = u32::from(Material::Fire.props().lifetime);
    let out = steps_until(&world, lifetime, |world| world.material_at(2, 2) != Material::Fire);
    assert!(out.is_some(), "the fire burnt on next to water");
    assert_ne!(world.material_at(2, 2), Material::Fire);
}

#[test]
fn wood_below_its_ignition_point_does_not_burn() {
    let world = boxed(Material::Wood, Material::Wood.props().high.at - celsius(1));
    run(&world, 500);
    assert_eq!(world.material_at(1, 1), Material::Wood);
}

#[test]
fn water_poured_on_burning_wood_puts_it_out() {
    // The same burning block twice; water is poured on one of them.
    let burning_block = || {
        let world = TestWorld::new(40, 60, 5);
        world.fill_rect(&Rect { x0: 10, y0: 40, x1: 30, y1: 58 }, Material::Wood);
        world.fill_rect(&Rect { x0: 10, y0: 58, x1: 30, y1: 60 }, Material::Fire);
        let burning = steps_until(&world, 400, |world| world.count_material(Material::Wood) < 20 * 18);
        assert!(burning.is_some(), "the wood never caught fire");
        world
    };
    let (wet, dry) = (burning_block(), burning_block());
    wet.fill_rect(&Rect { x0: 0, y0: 0, x1: 40, y1: 30 }, Material::Water);
    let out = steps_until(&wet, 3000, |world| world.count_material(Material::Fire) == 0);
    let Some(steps) = out else { panic!("the fire was not put out") };
    run(&dry, steps);
    let (left, dry_left) = (wet.count_material(Material::Wood), dry.count_material(Material::Wood));
    // The negative control: without the water the block burns on.
    assert!(dry.count_material(Material::Fire) > 0 || dry_left == 0, "the dry block went out by itself");
    assert!(left > 2 * dry_left + 20, "only {left} wood cells survived under water ({dry_left} dry)");
}

#[test]
fn gunpowder_and_nitro_explode_when_heated() {
    for material in [Material::Gunpowder, Material::Nitro] {
        let world = TestWorld::new(15, 15, 1);
        world.set_cell(7, 7, material).unwrap();
        world.set_temperature_at(7, 7, material.props().high.at);
        world.step();
        assert!(world.count_material(Material::Fire) > 20, "{material:?} did not explode");
    }
}

#[test]
fn thermite_burns_into_molten_metal_hotter_than_metal_melts() {
    let world = TestWorld::from_picture(&["#####", "#...#", "#...#", "#mmm#", "#####"]);
    world.fill_rect(&Rect { x0: 1, y0: 1, x1: 4, y1: 3 }, Material::Thermite);
    // Hot enough to stay past the ignition point after its first exchange.
    world.set_temperature_at(2, 2, celsius(800));
    let burnt = steps_until(&world, 400, |world| world.count_material(Material::MoltenMetal) > 0);
    assert!(burnt.is_some(), "the thermite never burnt");
    let hottest = (1..4).flat_map(|x| (1..4).map(move |y| (x, y))).map(|(x, y)| world.temperature_at(x, y)).max();
    assert!(hottest > Some(Material::Metal.props().high.at), "not hot enough to melt metal: {hottest:?}");
}

#[test]
fn coal_glows_into_embers_that_cool_into_ash() {
    let world = boxed(Material::Coal, celsius(400));
    assert!(steps_until(&world, 400, |world| world.material_at(1, 1) == Material::Ember).is_some());
    assert!(steps_until(&world, 4000, |world| world.material_at(1, 1) == Material::Ash).is_some());
}

#[test]
fn steam_cools_and_condenses() {
    let world = boxed(Material::Steam, celsius(110));
    assert!(steps_until(&world, 2000, |world| world.material_at(1, 1) == Material::Water).is_some());
}

#[test]
fn heaters_and_coolers_drive_their_neighbours() {
    let world = TestWorld::from_picture(&["####", "#hw#", "####"]);
    run(&world, 300);
    assert_eq!(world.material_at(2, 1), Material::Steam, "the heater did not boil the water");
    let world = TestWorld::from_picture(&["####", "#cw#", "####"]);
    assert!(steps_until(&world, 300, |world| world.material_at(2, 1) == Material::Ice).is_some());
}

#[test]
fn conduction_conserves_heat_exactly() {
    // Solids and liquids at random temperatures below every transition,
    // with walls (which insulate) around: Σ c·T never changes.
    let symbols = ['m', 'r', 'w', 'b', 'q', 'o', 'y'];
    let rows: std::vec::Vec<std::string::String> = (0..40)
        .map(|y| {
            (0..50)
                .map(|x| if x == 0 || y == 0 || x == 49 || y == 39 { '#' } else { symbols[(x * 7 + y * 13) % 7] })
                .collect()
        })
        .collect();
    let rows: std::vec::Vec<&str> = rows.iter().map(|row| row.as_str()).collect();
    let world = TestWorld::from_picture(&rows);
    for y in 1..39 {
        for x in 1..49 {
            let degrees = (x * 37 + y * 91) % 70 + 5;
            world.set_temperature_at(x, y, celsius(degrees));
        }
    }
    let before = total_heat(&world);
    for _ in 0..10 {
        run(&world, 50);
        assert_eq!(total_heat(&world), before, "heat was made or lost");
    }
    // Negative control: a heat brush stroke does change the total.
    world.enqueue_paint(10, 10, 20, 10, 2, PAINT_TOOL_HEAT).unwrap();
    world.step();
    assert!(total_heat(&world) > before);
}

#[test]
fn heat_flow_is_antisymmetric_and_never_overshoots() {
    for difference in -4000..=4000 {
        for conductivity in [1u8, 8, 40, 120] {
            for capacities in 2..=8 {
                if u32::from(conductivity) * capacities as u32 > 1 << CONDUCTION_SHIFT {
                    continue;
                }
                let flow = heat_flow(difference, conductivity, capacities);
                assert_eq!(heat_flow(-difference, conductivity, capacities), -flow);
                assert!((flow * capacities).abs() <= difference.abs(), "{difference} {conductivity} {capacities}");
                let truncated = difference.abs() * i32::from(conductivity) < 1 << CONDUCTION_SHIFT;
                if truncated && difference.abs() < MIN_FLOW_FACTOR * capacities {
                    assert_eq!(flow, 0, "below the threshold nothing flows");
                }
            }
        }
    }
}

#[test]
fn a_world_at_thermal_equilibrium_sleeps() {
    let world = TestWorld::new(128, 128, 3);
    world.fill_rect(&Rect { x0: 0, y0: 64, x1: 128, y1: 128 }, Material::Metal);
    world.fill_rect(&Rect { x0: 0, y0: 100, x1: 128, y1: 128 }, Material::Stone);
    world.set_temperature_at(5, 70, celsius(300));
    let asleep = steps_until(&world, 5000, |world| {
        world.begin_step();
        let active = world.active_chunk_count();
        // SAFETY: not needed: the step is completed by `end_step` below with
        // no phase item run, which leaves the world as a finished step.
        world.end_step();
        active == 0
    });
    assert!(asleep.is_some(), "heat kept the world awake");
}

#[test]
fn heat_and_cool_brushes_change_temperature_only() {
    let world = TestWorld::from_picture(&["#####", "#rrr#", "#...#", "#####"]);
    let materials = super::support::picture(&world);
    world.enqueue_paint(1, 1, 3, 2, 1, PAINT_TOOL_HEAT).unwrap();
    world.apply_pending();
    let step = crate::sand::BRUSH_TEMPERATURE_STEP;
    assert_eq!(world.temperature_at(2, 1), AMBIENT + step);
    assert_eq!(world.temperature_at(2, 2), AMBIENT, "empty cells hold no heat");
    assert_eq!(super::support::picture(&world), materials);
    world.enqueue_paint(1, 1, 3, 1, 0, PAINT_TOOL_COOL).unwrap();
    world.enqueue_paint(1, 1, 3, 1, 0, PAINT_TOOL_COOL).unwrap();
    world.apply_pending();
    assert_eq!(world.temperature_at(2, 1), AMBIENT - step);
    // Clamped to the range.
    for _ in 0..200 {
        world.enqueue_paint(1, 1, 1, 1, 0, PAINT_TOOL_COOL).unwrap();
        world.apply_pending();
    }
    assert_eq!(world.temperature_at(1, 1), crate::sand::MIN_TEMPERATURE);
}

#[test]
fn one_degree_on_one_cell_changes_the_hash() {
    let a = TestWorld::from_picture(&["rrr", "rrr"]);
    let b = TestWorld::from_picture(&["rrr", "rrr"]);
    assert_eq!(a.hash(), b.hash());
    b.set_temperature_at(1, 1, AMBIENT + celsius(1));
    assert_ne!(a.hash(), b.hash());
}

/// The heat shortcut (`uniform_heat.rs`) skips only exchanges of equal
/// temperatures, so every step must hash the same with it and without it:
/// scenes where it is taken almost everywhere (`active`), where heat moves
/// (`thermal`, `mixed`, fire, brushes), and the two kinds of write that
/// must end it inside a chunk: a heat source at ambient driving its own
/// temperature, and a warm full block that acid eats into ambient empty
/// cells; and cells at ambient past their melting points (the shortcut's
/// own transition check).
#[test]
fn the_heat_shortcut_changes_nothing() {
    use crate::sand::uniform_heat::{heat_shortcuts_taken, without_heat_shortcut};
    use crate::sand::Scene;

    type Setup = fn(&World);
    let setups: [(&str, Setup); 7] = [
        ("active", |world| world.load_scene(Scene::Active)),
        ("thermal", |world| world.load_scene(Scene::Thermal)),
        ("mixed", |world| world.load_scene(Scene::Mixed)),
        ("fire, wood and brushes", |world| {
            world.load_scene(Scene::Active);
            world.fill_rect(&Rect { x0: 20, y0: 150, x1: 180, y1: 170 }, Material::Wood);
            world.fill_rect(&Rect { x0: 90, y0: 140, x1: 100, y1: 150 }, Material::Fire);
            world.enqueue_paint(10, 100, 190, 120, 6, PAINT_TOOL_HEAT).unwrap();
        }),
        ("a heater and a cooler switched on in ambient sand", |world| {
            // Both start at ambient, so their chunks take the shortcut and
            // the first write of their own temperature must end it.
            world.fill_rect(&Rect { x0: 0, y0: 160, x1: 256, y1: 256 }, Material::Sand);
            world.fill_rect(&Rect { x0: 90, y0: 200, x1: 92, y1: 202 }, Material::Heater);
            world.fill_rect(&Rect { x0: 160, y0: 200, x1: 162, y1: 202 }, Material::Cooler);
        }),
        ("ice and snow warmed to ambient in ambient sand", |world| {
            // Uniform at ambient, but past their melting points: the
            // shortcut's transition check must still melt them.
            world.fill_rect(&Rect { x0: 0, y0: 160, x1: 256, y1: 256 }, Material::Sand);
            world.fill_rect(&Rect { x0: 90, y0: 100, x1: 94, y1: 104 }, Material::Ice);
            world.fill_rect(&Rect { x0: 150, y0: 100, x1: 154, y1: 104 }, Material::Snow);
            for y in 100..104 {
                for x in (90..94).chain(150..154) {
                    world.set_temperature_at(x, y, AMBIENT);
                }
            }
        }),
        ("a warm block eaten by acid", |world| {
            // All at 60 °C and away from the border (which is at ambient):
            // the acid's chunk takes the shortcut until the first cell it
            // eats becomes ambient empty space.
            world.fill_rect(&Rect { x0: 0, y0: 0, x1: 256, y1: 256 }, Material::Water);
            world.fill_rect(&Rect { x0: 100, y0: 100, x1: 156, y1: 156 }, Material::Stone);
            world.fill_rect(&Rect { x0: 120, y0: 120, x1: 124, y1: 122 }, Material::Acid);
            for y in 0..256 {
                for x in 0..256 {
                    world.set_temperature_at(x, y, celsius(60));
                }
            }
        }),
    ];
    for (name, setup) in setups {
        let with = TestWorld::new(256, 256, 3);
        let without = TestWorld::new(256, 256, 3);
        setup(&with);
        setup(&without);
        let taken_before = heat_shortcuts_taken();
        for step in 1..=150 {
            with.step();
            without_heat_shortcut(|| without.step());
            assert_eq!(with.hash(), without.hash(), "{name}: the shortcut changed step {step}");
        }
        let taken = heat_shortcuts_taken() - taken_before;
        std::println!("{name}: {taken} chunk updates took the shortcut");
        assert!(taken > 0, "{name}: the shortcut was never taken, so nothing was compared");
    }
}
