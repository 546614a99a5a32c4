//! One test per movement rule, on tiny worlds.

use super::support::{find_all, picture, run, steps_until, TestWorld};
use crate::sand::{Material, World};

fn after_one_step(rows: &[&str]) -> std::vec::Vec<std::string::String> {
    let world = TestWorld::from_picture(rows);
    world.step();
    picture(&world)
}

/// Heights of the top-most `material` cell per column (0 where none).
fn column_heights(world: &World, material: Material) -> std::vec::Vec<i32> {
    (0..world.width() as i32)
        .map(|x| {
            (0..world.height() as i32)
                .find(|&y| world.material_at(x, y) == material)
                .map_or(0, |top| world.height() as i32 - top)
        })
        .collect()
}

#[test]
fn sand_falls_one_cell_per_step() {
    assert_eq!(after_one_step(&["s", ".", "."]), [".", "s", "."]);
}

#[test]
fn a_falling_column_moves_as_one() {
    assert_eq!(after_one_step(&["s", "s", ".", "."]), [".", "s", "s", "."]);
}

#[test]
fn sand_rests_on_the_floor_and_on_walls() {
    assert_eq!(after_one_step(&[".", "s"]), [".", "s"]);
    assert_eq!(after_one_step(&["#s#", "###"]), ["#s#", "###"]);
}

#[test]
fn sand_on_sand_slides_down_an_empty_diagonal() {
    let result = after_one_step(&[".s.", ".s."]);
    assert!(result == ["...", "ss."] || result == ["...", ".ss"], "{result:?}");
}

#[test]
fn sand_slides_to_the_only_free_diagonal() {
    assert_eq!(after_one_step(&[".s.", "#s."]), ["...", "#ss"]);
    assert_eq!(after_one_step(&[".s.", ".s#"]), ["...", "ss#"]);
}

#[test]
fn sand_on_a_full_row_stays() {
    assert_eq!(after_one_step(&[".s.", "sss"]), [".s.", "sss"]);
}

#[test]
fn sand_piles_up_at_its_natural_angle() {
    let world = TestWorld::new(41, 24, 3);
    for _ in 0..300 {
        world.set_cell(20, 0, Material::Sand).unwrap();
        world.step();
    }
    run(&world, 200);
    let heights = column_heights(&world, Material::Sand);
    assert!(heights[20] > 6, "{heights:?}");
    for pair in heights.windows(2) {
        assert!((pair[0] - pair[1]).abs() <= 1, "slope steeper than 45 degrees: {heights:?}");
    }
}

#[test]
fn sand_sinks_through_water() {
    assert_eq!(after_one_step(&["s", "w"]), ["w", "s"]);
}

#[test]
fn sand_sinks_through_oil_and_gases() {
    assert_eq!(after_one_step(&["s", "o"]), ["o", "s"]);
    assert_eq!(after_one_step(&["s", "k"]), ["k", "s"]);
}

#[test]
fn water_falls() {
    assert_eq!(after_one_step(&["w", "."]), [".", "w"]);
}

#[test]
fn water_sinks_below_oil_so_oil_floats() {
    assert_eq!(after_one_step(&["w", "o"]), ["o", "w"]);
    assert_eq!(after_one_step(&["o", "w"]), ["o", "w"]);
}

#[test]
fn oil_ends_up_on_top_of_water() {
    let world = TestWorld::from_picture(&["wwww", "wwww", "oooo", "oooo"]);
    let done = steps_until(&world, 400, |world| picture(world) == ["oooo", "oooo", "wwww", "wwww"]);
    assert!(done.is_some(), "{:?}", picture(&world));
}

#[test]
fn water_slides_down_a_diagonal() {
    let result = after_one_step(&[".w.", ".w#"]);
    assert_eq!(result, ["...", "ww#"]);
    // With both diagonals walled off it runs sideways instead.
    let result = after_one_step(&[".w.", "#w#"]);
    assert!(result == ["w..", "#w#"] || result == ["..w", "#w#"], "{result:?}");
}

#[test]
fn water_runs_sideways_up_to_its_spread() {
    let spread = Material::Water.props().spread as i32;
    let world = TestWorld::from_picture(&["....w...."]);
    world.step();
    let water = find_all(&world, Material::Water);
    assert_eq!(water.len(), 1);
    assert_eq!((water[0].0 - 4).abs(), spread, "{:?}", picture(&world));
}

#[test]
fn water_stops_above_a_drop() {
    let world = TestWorld::from_picture(&["w....", "###.#"]);
    world.step();
    assert_eq!(picture(&world), ["...w.", "###.#"]);
}

#[test]
fn water_between_walls_stays() {
    assert_eq!(after_one_step(&["#w#"]), ["#w#"]);
}

#[test]
fn water_finds_its_level() {
    let world = TestWorld::new(24, 12, 5);
    world.fill_rect(&crate::sand::Rect { x0: 0, y0: 0, x1: 4, y1: 12 }, Material::Water);
    run(&world, 300);
    let heights = column_heights(&world, Material::Water);
    let (low, high) = (heights.iter().min().unwrap(), heights.iter().max().unwrap());
    assert!(high - low <= 1, "{heights:?}");
    assert_eq!(find_all(&world, Material::Water).len(), 48);
}

#[test]
fn smoke_rises() {
    let world = TestWorld::from_picture(&[".", ".", ".", ".", "k"]);
    let rose = steps_until(&world, 20, |world| world.material_at(0, 4) != Material::Smoke);
    assert!(rose.is_some());
    let smoke = find_all(&world, Material::Smoke);
    assert_eq!(smoke.len(), 1);
    assert!(smoke[0].1 < 4);
}

#[test]
fn steam_rises() {
    let world = TestWorld::from_picture(&[".", ".", ".", ".", "v"]);
    let rose = steps_until(&world, 20, |world| world.material_at(0, 0) == Material::Steam);
    assert!(rose.is_some(), "{:?}", picture(&world));
}

#[test]
fn gases_bubble_up_through_water() {
    let world = TestWorld::from_picture(&["w", "w", "v"]);
    let rose = steps_until(&world, 40, |world| world.material_at(0, 0) == Material::Steam);
    assert!(rose.is_some(), "{:?}", picture(&world));
    assert_eq!(picture(&world), ["v", "w", "w"]);
}

#[test]
fn gases_do_not_pass_solids() {
    let world = TestWorld::from_picture(&["...", "###", ".k."]);
    run(&world, 20);
    assert!(find_all(&world, Material::Smoke).iter().all(|&(_, y)| y == 2));
}

#[test]
fn fire_never_falls() {
    let world = TestWorld::from_picture(&["...", ".f.", "..."]);
    for _ in 0..10 {
        world.step();
        assert!(find_all(&world, Material::Fire).iter().all(|&(_, y)| y <= 1));
    }
}

#[test]
fn lava_flows_slowly() {
    let world = TestWorld::from_picture(&["l", "."]);
    world.step();
    let fell = steps_until(&world, 100, |world| world.material_at(0, 1) == Material::Lava);
    assert!(fell.is_some());
}

#[test]
fn acid_and_oil_flow_like_liquids() {
    assert_eq!(after_one_step(&["a", "."]), [".", "a"]);
    assert_eq!(after_one_step(&["o", "."]), [".", "o"]);
}

#[test]
fn powders_fall_too() {
    assert_eq!(after_one_step(&["t", "."]), [".", "t"]);
    assert_eq!(after_one_step(&["g", "."]), [".", "g"]);
}

#[test]
fn solids_never_move() {
    for solid in ["#", "r", "d", "i", "p"] {
        let world = TestWorld::from_picture(&[solid, ".", "."]);
        run(&world, 10);
        assert_eq!(picture(&world), [solid, ".", "."], "{solid}");
    }
}

#[test]
fn a_cell_moving_into_a_later_chunk_moves_once() {
    // Sand falls from chunk row 0 (phase 0) into chunk row 1 (phase 2).
    let world = TestWorld::new(1, 130, 0);
    world.set_cell(0, 63, Material::Sand).unwrap();
    world.step();
    assert_eq!(find_all(&world, Material::Sand), [(0, 64)]);
    // Water runs from chunk column 0 (phase 0) into chunk column 1 (phase 1).
    let spread = Material::Water.props().spread as i32;
    let world = TestWorld::new(130, 1, 0);
    world.set_cell(61, 0, Material::Wall).unwrap();
    world.set_cell(62, 0, Material::Water).unwrap();
    world.step();
    assert_eq!(find_all(&world, Material::Water), [(62 + spread, 0)]);
}

#[test]
fn a_gas_rises_at_most_one_cell_per_step() {
    let world = TestWorld::new(1, 140, 0);
    world.set_cell(0, 139, Material::Steam).unwrap();
    for step in 1..=30 {
        world.step();
        let steam = find_all(&world, Material::Steam);
        assert_eq!(steam.len(), 1);
        assert!(steam[0].1 >= 139 - step, "step {step}: {steam:?}");
    }
}

/// Rows between the top-most and bottom-most cell of `material` in column
/// `x` that hold no cell of it: the gaps ("venetian blinds") a block that
/// falls as a block never has.
fn gaps_in_column(world: &World, x: i32, material: Material) -> usize {
    let rows: std::vec::Vec<i32> =
        (0..world.height() as i32).filter(|&y| world.material_at(x, y) == material).collect();
    match (rows.first(), rows.last()) {
        (Some(&top), Some(&bottom)) => (bottom - top + 1) as usize - rows.len(),
        _ => 0,
    }
}

#[test]
fn a_falling_block_of_powder_or_liquid_stays_a_block_across_chunk_borders() {
    // The block starts in the top chunk row and falls across the borders at
    // y = 64 and y = 128. With the checkerboard phases of old the chunk above
    // the first border ran before the chunk below it, and the block striped
    // there (every other row left behind); `phases.rs` runs every chunk
    // after the one below it.
    for material in [Material::Sand, Material::Water] {
        let world = TestWorld::new(16, 200, 7);
        world.fill_rect(&crate::sand::dirty::Rect { x0: 4, y0: 10, x1: 12, y1: 50 }, material);
        for step in 0..120 {
            world.step();
            for x in 5..11 {
                let gaps = gaps_in_column(&world, x, material);
                assert_eq!(gaps, 0, "{material:?} column {x} after {} steps has {gaps} empty rows", step + 1);
            }
        }
    }
}
