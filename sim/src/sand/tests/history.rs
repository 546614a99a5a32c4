//! Undo and redo taken by the sim (`history.rs`): exact restores, saving
//! only the chunks a stroke touches, the budget, the redo branch, scenes.

use std::time::Instant;
use std::vec::Vec;

use super::support::{run, TestWorld};
use crate::sand::paint::Command;
use crate::sand::{Material, Scene, World, CHUNK_SIZE};

/// A history block for `world`, attached; keep it alive as long as the world.
fn attach(world: &World) -> Vec<u64> {
    let len = world.history_bytes_needed();
    let mut block = vec![0u64; len.div_ceil(8)];
    // SAFETY: the vector is `len` bytes or more, 8-aligned, never resized,
    // and outlives every use of the world in these tests.
    unsafe { world.attach_history(block.as_mut_ptr().cast(), len) }.unwrap();
    block
}

/// Bytes one record of a full chunk takes (header + both planes).
fn full_chunk_record() -> u32 {
    let cells = (CHUNK_SIZE * CHUNK_SIZE) as usize;
    (40 + 4 * cells).next_multiple_of(8) as u32
}

fn stroke(world: &World, id: u32, (x0, y0): (i32, i32), (x1, y1): (i32, i32), radius: u32, material: Material) {
    world.enqueue(Command::BeginStroke(id)).unwrap();
    world.enqueue_paint(x0, y0, x1, y1, radius, material.id() as u32).unwrap();
}

fn mixed_world(side: u32, steps: u32) -> TestWorld {
    let world = TestWorld::new(side, side, 9);
    world.load_scene(Scene::Mixed);
    run(&world, steps);
    world
}

#[test]
fn undo_and_redo_at_one_boundary_restore_the_exact_hash_and_future() {
    let world = mixed_world(200, 30);
    let control = mixed_world(200, 30);
    let _block = attach(&world);
    let (before, steps) = (world.hash(), world.step_count());
    stroke(&world, 1, (20, 30), (150, 170), 6, Material::Sand);
    world.apply_pending();
    let painted = world.hash();
    assert_ne!(painted, before, "the stroke changed nothing");
    assert_eq!((world.undo_depth(), world.redo_depth()), (1, 0));

    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), before, "undo did not restore the hash before the stroke");
    assert_eq!(world.step_count(), steps, "the step count is kept");
    assert_eq!((world.undo_depth(), world.redo_depth()), (0, 1));

    world.enqueue(Command::Redo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), painted, "redo did not bring the stroke back");
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    // The dirty rectangles came back too: the future is the control's.
    run(&world, 40);
    run(&control, 40);
    assert_eq!(world.hash(), control.hash(), "after undo the world runs differently from one never painted");
}

#[test]
fn a_queued_stroke_applies_at_the_next_step_as_apply_pending_applies_it() {
    let stepped = mixed_world(128, 10);
    let applied = mixed_world(128, 10);
    let _a = attach(&stepped);
    let _b = attach(&applied);
    for world in [&stepped, &applied] {
        stroke(world, 7, (10, 10), (100, 40), 4, Material::Water);
    }
    applied.apply_pending();
    run(&stepped, 1);
    run(&applied, 1);
    assert_eq!(stepped.hash(), applied.hash());
    // Negative control: a world that never got the stroke differs.
    assert_ne!(stepped.hash(), mixed_world(128, 11).hash());
}

#[test]
fn only_the_chunks_a_stroke_touches_are_saved() {
    let world = TestWorld::new(512, 512, 1);
    let _block = attach(&world);
    let record = full_chunk_record();
    // Inside chunk (1, 1), far from its edges even with the dirty margins.
    stroke(&world, 1, (90, 90), (100, 100), 3, Material::Stone);
    world.apply_pending();
    assert_eq!(world.history_bytes(), record);
    // The same stroke going on inside the same chunk saves nothing more.
    world.enqueue_paint(100, 100, 110, 95, 3, Material::Stone.id() as u32).unwrap();
    world.apply_pending();
    assert_eq!(world.history_bytes(), record);
    assert_eq!(world.undo_depth(), 1);
    // Near a chunk corner: the dirty margins reach four chunks.
    stroke(&world, 2, (127, 127), (127, 127), 0, Material::Stone);
    world.apply_pending();
    assert_eq!(world.history_bytes(), 5 * record);
    // A diagonal across the world saves the chunks along it (each band's
    // rectangle and its margins reach the chunks beside the diagonal), not
    // all 64 of its bounding box.
    stroke(&world, 3, (0, 0), (511, 511), 1, Material::Stone);
    world.apply_pending();
    let diagonal = world.history_bytes() / record - 5;
    assert!((8..=34).contains(&diagonal), "the diagonal saved {diagonal} chunks");
    assert_eq!(world.undo_depth(), 3);
}

#[test]
fn strokes_outside_the_world_make_no_entry_and_keep_redo() {
    let world = TestWorld::new(64, 64, 1);
    let _block = attach(&world);
    stroke(&world, 1, (10, 10), (20, 20), 2, Material::Sand);
    world.enqueue(Command::Undo).unwrap();
    stroke(&world, 2, (-100, -100), (-90, -90), 2, Material::Sand);
    world.apply_pending();
    assert_eq!((world.undo_depth(), world.redo_depth()), (0, 1));
}

#[test]
fn the_budget_drops_the_oldest_entries() {
    // One chunk: each stroke below saves one record; the ring holds
    // HISTORY_WHOLE_WORLDS saves of the whole world.
    let world = TestWorld::new(64, 64, 3);
    let _block = attach(&world);
    let materials = [Material::Sand, Material::Wall, Material::Empty];
    let mut before = Vec::new();
    for i in 0..20u32 {
        before.push(world.hash());
        stroke(&world, i + 1, (0, 32), (63, 32), 40, materials[i as usize % materials.len()]);
        world.apply_pending();
    }
    let kept = crate::sand::HISTORY_WHOLE_WORLDS;
    assert_eq!(world.undo_depth(), kept, "the oldest entries were not dropped");
    assert_eq!(world.history_bytes(), kept * full_chunk_record());
    for _ in 0..kept + 3 {
        world.enqueue(Command::Undo).unwrap();
    }
    world.apply_pending();
    assert_eq!(world.hash(), before[(20 - kept) as usize], "undo went back to the oldest entry kept");
    assert_ne!(world.hash(), before[0], "entries beyond the budget were still undone");
    assert_eq!((world.undo_depth(), world.redo_depth()), (0, kept));
}

#[test]
fn a_new_stroke_after_undo_drops_the_redo_branch() {
    let world = TestWorld::new(128, 128, 4);
    let _block = attach(&world);
    stroke(&world, 1, (10, 10), (50, 10), 3, Material::Sand);
    stroke(&world, 2, (10, 80), (50, 80), 3, Material::Water);
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!((world.undo_depth(), world.redo_depth()), (1, 1));
    stroke(&world, 3, (100, 100), (110, 110), 3, Material::Stone);
    world.apply_pending();
    assert_eq!((world.undo_depth(), world.redo_depth()), (2, 0));
    let now = world.hash();
    world.enqueue(Command::Redo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), now, "a dropped redo entry came back");
    // A stroke of no stroke id is an edit too: it drops redo, records nothing.
    world.enqueue(Command::Undo).unwrap();
    world.enqueue(Command::BeginStroke(0)).unwrap();
    world.enqueue_paint(5, 120, 20, 120, 1, Material::Sand.id() as u32).unwrap();
    world.apply_pending();
    assert_eq!((world.undo_depth(), world.redo_depth()), (1, 0));
}

#[test]
fn clear_and_scenes_are_undone() {
    let world = mixed_world(150, 20);
    let _block = attach(&world);
    let before = world.hash();
    world.enqueue(Command::Scene(Scene::Empty)).unwrap();
    world.apply_pending();
    assert_eq!(world.count_material(Material::Empty), 150 * 150);
    let cleared = world.hash();
    world.replace_with_scene(Scene::Active);
    assert_eq!(world.undo_depth(), 2);
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), cleared);
    world.enqueue(Command::Undo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), before, "undoing the clear did not bring the world back");
    world.enqueue(Command::Redo).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), cleared);
}

#[test]
fn undo_after_steps_restores_the_chunks_and_keeps_the_step_count() {
    let world = TestWorld::new(128, 128, 5);
    let _block = attach(&world);
    // Stone does not move: after undo its chunk is empty again.
    stroke(&world, 1, (20, 20), (40, 20), 2, Material::Stone);
    run(&world, 5);
    assert!(world.count_material(Material::Stone) > 0);
    world.enqueue(Command::Undo).unwrap();
    run(&world, 1);
    assert_eq!(world.count_material(Material::Stone), 0);
    assert_eq!(world.step_count(), 6);
    // A loaded save clears the history.
    world.clear_history();
    assert_eq!((world.undo_depth(), world.redo_depth(), world.history_bytes()), (0, 0, 0));
}

#[test]
fn a_world_without_a_history_ignores_history_commands() {
    let world = mixed_world(64, 3);
    let before = world.hash();
    world.enqueue(Command::Undo).unwrap();
    world.enqueue(Command::Redo).unwrap();
    world.enqueue(Command::BeginStroke(3)).unwrap();
    world.apply_pending();
    assert_eq!(world.hash(), before);
    assert_eq!((world.undo_depth(), world.redo_depth()), (0, 0));
}

/// Prints what a checkpoint costs (`cargo test --release -- --nocapture`).
#[test]
fn checkpoint_cost() {
    let world = mixed_world(1024, 0);
    let _block = attach(&world);
    let plain = mixed_world(1024, 0);
    let time = |world: &World, id: u32| {
        let start = Instant::now();
        stroke(world, id, (100, 500), (700, 520), 8, Material::Sand);
        world.apply_pending();
        start.elapsed()
    };
    let with = time(&world, 1);
    let without = time(&plain, 1);
    let chunks = world.history_bytes() / full_chunk_record();
    let start = Instant::now();
    world.enqueue(Command::Scene(Scene::Empty)).unwrap();
    world.apply_pending();
    let clear = start.elapsed();
    let start = Instant::now();
    plain.enqueue(Command::Scene(Scene::Empty)).unwrap();
    plain.apply_pending();
    let plain_clear = start.elapsed();
    std::println!(
        "a 600-cell stroke of radius 8 on 1024²: {with:?} recorded ({chunks} chunks saved), {without:?} unrecorded; \
         a clear: {clear:?} recorded (every chunk saved), {plain_clear:?} unrecorded"
    );
}
