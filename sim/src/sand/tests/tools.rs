//! The drawing tools as ring commands: rectangles (filled and outline),
//! replace-mode masks, and the bounded flood fill, each changing exactly
//! the cells it should, undoable like a stroke.

use std::vec::Vec;

use super::support::{find_all, TestWorld};
use crate::sand::paint::Command;
use crate::sand::{
    Material, SimError, World, FILL_MAX_CELLS, PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY, PAINT_TOOL_HEAT,
};

fn id(material: Material) -> u32 {
    material.id() as u32
}

/// A history block for `world`, attached; keep it alive as long as the world.
fn attach(world: &World) -> Vec<u64> {
    let len = world.history_bytes_needed();
    let mut block = vec![0u64; len.div_ceil(8)];
    // SAFETY: the vector is `len` bytes or more, 8-aligned, never resized,
    // and outlives every use of the world in these tests.
    unsafe { world.attach_history(block.as_mut_ptr().cast(), len) }.unwrap();
    block
}

#[test]
fn a_filled_rectangle_is_every_cell_between_its_corners_clipped_to_the_world() {
    let world = TestWorld::new(40, 30, 1);
    world.enqueue_rect((12, 20, 3, 5), 4, id(Material::Wall), PAINT_MASK_DEFAULT, true).unwrap();
    world.enqueue_rect((35, 25, 60, 60), 0, id(Material::Stone), PAINT_MASK_DEFAULT, true).unwrap();
    world.apply_pending();
    let walls = find_all(&world, Material::Wall);
    assert_eq!(walls.len(), 10 * 16, "corners in any order, the radius does not matter when filled");
    assert!(walls.iter().all(|&(x, y)| (3..=12).contains(&x) && (5..=20).contains(&y)));
    assert_eq!(world.count_material(Material::Stone), 5 * 5, "clipped at the world's edge");
}

#[test]
fn an_outline_is_the_four_edges_drawn_with_the_brush() {
    let world = TestWorld::new(40, 30, 1);
    world.enqueue_rect((5, 5, 14, 10), 0, id(Material::Wall), PAINT_MASK_DEFAULT, false).unwrap();
    world.apply_pending();
    let walls = find_all(&world, Material::Wall);
    assert_eq!(walls.len(), 2 * 10 + 2 * 4);
    assert!(walls.iter().all(|&(x, y)| x == 5 || x == 14 || y == 5 || y == 10));
    // A radius widens the edges: the inside of a 1-radius outline is 6x2.
    let wide = TestWorld::new(40, 30, 1);
    wide.enqueue_rect((5, 5, 14, 10), 1, id(Material::Wall), PAINT_MASK_DEFAULT, false).unwrap();
    wide.apply_pending();
    let inside = (7..=12).flat_map(|x| (7..=8).map(move |y| (x, y)));
    assert!(inside.clone().all(|(x, y)| wide.material_at(x, y) == Material::Empty));
    assert_eq!(wide.material_at(6, 6), Material::Wall);
}

#[test]
fn masks_paint_only_over_what_they_allow() {
    let picture = ["..........", ".wwww####.", ".wwww####.", ".........."];
    // Only over water: sand replaces the water and nothing else.
    let world = TestWorld::from_picture(&picture);
    world.enqueue_paint_masked((0, 0, 9, 3), 0, id(Material::Sand), Material::Water.id() as i32).unwrap();
    world.enqueue_rect((0, 0, 9, 3), 0, id(Material::Sand), Material::Water.id() as i32, true).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Sand), 8);
    assert_eq!(world.count_material(Material::Water), 0);
    assert_eq!(world.count_material(Material::Wall), 8);
    // Over anything not empty: the wall and the sand become stone, empty stays empty.
    world.enqueue_rect((0, 0, 9, 3), 0, id(Material::Stone), PAINT_MASK_NON_EMPTY, true).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Stone), 16);
    assert_eq!(world.count_material(Material::Empty), 40 - 16);
    // The default: sand fills empty cells only (the negative control of "only water").
    let plain = TestWorld::from_picture(&picture);
    plain.enqueue_rect((0, 0, 9, 3), 0, id(Material::Sand), PAINT_MASK_DEFAULT, true).unwrap();
    plain.apply_pending();
    assert_eq!((plain.count_material(Material::Sand), plain.count_material(Material::Water)), (24, 8));
}

#[test]
fn bad_masks_and_fills_are_refused_before_they_are_queued() {
    let world = TestWorld::new(20, 20, 1);
    assert_eq!(world.enqueue_paint_masked((0, 0, 5, 5), 1, id(Material::Sand), -3), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_rect((0, 0, 5, 5), 1, id(Material::Sand), 200, true), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_fill(20, 0, id(Material::Sand)), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_fill(0, -1, id(Material::Sand)), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_fill(0, 0, PAINT_TOOL_HEAT), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_fill(0, 0, 200), Err(SimError::UnknownMaterial));
    assert_eq!(world.queued_paint_count(), 0);
}

#[test]
fn a_fill_changes_exactly_the_connected_region_of_the_seeds_material() {
    let picture = ["##########", "#....#...#", "#....#...#", "######...#", "#........#", "##########"];
    let world = TestWorld::from_picture(&picture);
    world.enqueue_fill(2, 1, id(Material::Water)).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Water), 8, "the closed 4x2 room, nothing past its walls");
    // Diagonal gaps do not connect: 4-connected only.
    let diagonal = TestWorld::from_picture(&["#####", "#.#.#", "##.##", "#####"]);
    diagonal.enqueue_fill(1, 1, id(Material::Sand)).unwrap();
    diagonal.apply_pending();
    assert_eq!(diagonal.count_material(Material::Sand), 1);
    // Filling with the seed's own material changes nothing.
    let before = world.hash();
    world.enqueue_fill(2, 1, id(Material::Water)).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), before);
    // The eraser fills too: the walls around the big room go.
    world.enqueue_fill(0, 0, id(Material::Empty)).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Wall), 0);
}

#[test]
fn a_fill_stops_at_its_cell_limit_keeping_the_cells_nearest_the_seed() {
    let side = 600;
    let world = TestWorld::new(side, side, 3);
    assert!(side * side > FILL_MAX_CELLS, "the world must hold more than the limit");
    world.enqueue_fill(300, 300, id(Material::Stone)).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Stone), u64::from(FILL_MAX_CELLS));
    // Breadth first: the seed's neighbourhood is filled, the far corners are not.
    assert_eq!(world.material_at(300, 300), Material::Stone);
    assert_eq!(world.material_at(310, 290), Material::Stone);
    assert_eq!(world.material_at(0, 0), Material::Empty);
    assert_eq!(world.material_at(599, 599), Material::Empty);
}

#[test]
fn rectangles_and_fills_undo_and_redo_like_strokes() {
    let world = TestWorld::from_picture(&["##########", "#........#", "#........#", "##########"]);
    let _block = attach(&world);
    let before = world.hash();
    world.enqueue(Command::BeginStroke(1)).unwrap();
    world.enqueue_fill(3, 1, id(Material::Water)).unwrap();
    world.enqueue(Command::BeginStroke(2)).unwrap();
    world.enqueue_rect((0, 0, 9, 3), 0, id(Material::Stone), Material::Wall.id() as i32, false).unwrap();
    world.apply_pending();
    let done = world.hash();
    assert_eq!((world.count_material(Material::Water), world.count_material(Material::Stone)), (16, 24));
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!((world.count_material(Material::Water), world.count_material(Material::Stone)), (16, 0));
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), before, "both undone");
    world.enqueue(Command::Redo).unwrap();
    world.enqueue(Command::Redo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), done, "both redone");
}
