//! The command log (`command_log.rs`): what the sim applied, with its step,
//! and a world that replays those entries ends where the original ended.

use std::vec::Vec;

use super::support::{run, TestWorld};
use crate::sand::paint::Command;
use crate::sand::{
    Material, Scene, World, COMMAND_LOG_CAPACITY, COMMAND_PAINT, COMMAND_REDO, COMMAND_UNDO, PAINT_MASK_DEFAULT,
    PAINT_RING_CAPACITY,
};

/// A history block for `world`, attached; keep it alive as long as the world.
fn attach(world: &World) -> Vec<u64> {
    let len = world.history_bytes_needed();
    let mut block = std::vec![0u64; len.div_ceil(8)];
    // SAFETY: the vector is `len` bytes or more, 8-aligned, never resized,
    // and outlives every use of the world in these tests.
    unsafe { world.attach_history(block.as_mut_ptr().cast(), len) }.unwrap();
    block
}

/// One taken entry: (step, words, result).
type Entry = (u64, [i32; 8], u32);

fn take(world: &World) -> Vec<Entry> {
    let count = world.take_command_log();
    (0..count)
        .map(|index| {
            let (words, step, result) = world.command_log_entry(index);
            (step, words, result)
        })
        .collect()
}

fn fresh(seed: u64) -> TestWorld {
    let world = TestWorld::new(160, 120, seed);
    world.load_scene(Scene::Mixed);
    world
}

/// A session: strokes, a rectangle, a fill, undo and redo (one of each with
/// nothing to do), a scene, with steps between, the log drained as a page
/// drains it. Returns the entries.
fn session(world: &World) -> Vec<Entry> {
    let mut log = Vec::new();
    world.set_command_log(true);
    world.enqueue(Command::Undo).unwrap();
    world.enqueue(Command::BeginStroke(1)).unwrap();
    world.enqueue_paint(10, 10, 60, 40, 4, Material::Sand.id().into()).unwrap();
    run(world, 3);
    log.extend(take(world));
    world.enqueue_paint(60, 40, 90, 30, 3, Material::Water.id().into()).unwrap();
    world.enqueue(Command::BeginStroke(2)).unwrap();
    world.enqueue_rect((20, 70, 70, 100), 2, Material::Stone.id().into(), PAINT_MASK_DEFAULT, true).unwrap();
    run(world, 5);
    world.enqueue(Command::Undo).unwrap();
    world.enqueue(Command::Redo).unwrap();
    world.enqueue(Command::Redo).unwrap();
    world.enqueue(Command::BeginStroke(3)).unwrap();
    world.enqueue_fill(100, 100, Material::Oil.id().into()).unwrap();
    world.apply_pending();
    log.extend(take(world));
    run(world, 4);
    world.enqueue(Command::Scene(Scene::Thermal)).unwrap();
    world.enqueue(Command::BeginStroke(4)).unwrap();
    world.enqueue_paint(5, 5, 150, 110, 5, Material::Lava.id().into()).unwrap();
    run(world, 6);
    log.extend(take(world));
    log
}

/// Plays `log` into `world` as docs/REPLAY_FORMAT.md says: steps up to
/// each entry's step, then the command, applied at that boundary.
fn play(world: &World, log: &[Entry], end_step: u64) {
    for &(step, words, _) in log {
        run(world, (step - world.step_count()) as u32);
        world.enqueue_command_words(words, 0).unwrap();
        world.apply_pending();
    }
    run(world, (end_step - world.step_count()) as u32);
}

#[test]
fn the_log_is_off_until_turned_on() {
    let world = fresh(3);
    world.enqueue_paint(1, 1, 20, 20, 2, Material::Sand.id().into()).unwrap();
    run(&world, 2);
    assert_eq!(world.take_command_log(), 0);
    world.set_command_log(true);
    world.enqueue_paint(1, 1, 20, 20, 2, Material::Sand.id().into()).unwrap();
    run(&world, 2);
    let log = take(&world);
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].0, log[0].1[0] as u32), (2, COMMAND_PAINT), "logged at the boundary after two steps");
}

#[test]
fn entries_carry_their_step_and_whether_undo_and_redo_did_anything() {
    let world = fresh(5);
    let _history = attach(&world);
    let log = session(&world);
    let steps: Vec<u64> = log.iter().map(|entry| entry.0).collect();
    assert!(steps.windows(2).all(|pair| pair[0] <= pair[1]), "steps go forward: {steps:?}");
    let history: Vec<(u32, u32)> = log
        .iter()
        .filter(|entry| [COMMAND_UNDO, COMMAND_REDO].contains(&(entry.1[0] as u32)))
        .map(|entry| (entry.1[0] as u32, entry.2))
        .collect();
    // Undo with nothing to undo; then undo, redo (both did something), redo with nothing left.
    assert_eq!(history, [(COMMAND_UNDO, 0), (COMMAND_UNDO, 1), (COMMAND_REDO, 1), (COMMAND_REDO, 0)]);
}

#[test]
fn a_world_that_plays_the_log_ends_with_the_same_hash() {
    let original = fresh(11);
    let _history = attach(&original);
    let log = session(&original);
    let end = original.step_count();

    let replayed = fresh(11);
    let _replayed_history = attach(&replayed);
    replayed.set_command_log(true);
    play(&replayed, &log, end);
    assert_eq!(replayed.hash(), original.hash(), "the replayed world differs");
    assert_eq!(take(&replayed), log, "the replay applied other commands than the log holds");

    // Negative control: the last stroke (after the scene, which replaces
    // every cell) one cell to the side ends elsewhere.
    let mut edited = log.clone();
    let paint = edited.iter_mut().rfind(|entry| entry.1[0] as u32 == COMMAND_PAINT).unwrap();
    paint.1[1] += 1;
    let control = fresh(11);
    let _control_history = attach(&control);
    play(&control, &edited, end);
    assert_ne!(control.hash(), original.hash(), "moving a stroke changed nothing");
}

#[test]
fn commands_queued_ahead_wait_for_their_step() {
    let original = fresh(13);
    let _history = attach(&original);
    let log = session(&original);
    let end = original.step_count();

    // Everything queued at once, each due at its step, then one run: the
    // steps apply them at their boundaries, with nobody stopping the world.
    let ahead = fresh(13);
    let _ahead_history = attach(&ahead);
    ahead.set_command_log(true);
    for &(step, words, _) in &log {
        ahead.enqueue_command_words(words, step).unwrap();
    }
    run(&ahead, end as u32);
    assert_eq!(take(&ahead), log, "commands queued ahead applied at other steps");
    assert_eq!(ahead.hash(), original.hash());
}

#[test]
fn a_full_log_holds_commands_back_instead_of_losing_them() {
    let world = fresh(7);
    world.set_command_log(true);
    let rounds = COMMAND_LOG_CAPACITY / PAINT_RING_CAPACITY + 1;
    for _ in 0..rounds {
        for i in 0..PAINT_RING_CAPACITY as i32 {
            world.enqueue_paint(i % 150, 5, i % 150, 6, 0, Material::Sand.id().into()).unwrap();
        }
        run(&world, 1);
    }
    // The log filled during the last round; the rest wait in the ring.
    assert_eq!(world.command_log.waiting(), COMMAND_LOG_CAPACITY);
    assert_eq!(world.queued_paint_count(), rounds * PAINT_RING_CAPACITY - COMMAND_LOG_CAPACITY);
    let first = take(&world);
    run(&world, 1);
    let second = take(&world);
    assert_eq!(first.len() + second.len(), (rounds * PAINT_RING_CAPACITY) as usize, "an entry was lost");
    assert_eq!(second[0].0, u64::from(rounds), "held-back commands apply, and are logged, at a later boundary");
    assert_eq!(world.queued_paint_count(), 0);
}

#[test]
fn words_that_make_no_command_are_refused() {
    let world = fresh(1);
    assert!(world.enqueue_command_words([99, 0, 0, 0, 0, 0, 0, 0], 0).is_err(), "unknown kind");
    assert!(
        world.enqueue_command_words([COMMAND_PAINT as i32, 0, 0, 1, 1, 0, 250, -1], 0).is_err(),
        "unknown material"
    );
    assert!(world.enqueue_command_words([COMMAND_PAINT as i32, 0, 0, 1, 1, 1000, 1, -1], 0).is_err(), "radius");
    assert!(world.enqueue_command_words([COMMAND_PAINT as i32, 0, 0, 1, 1, 2, 1, -1], 0).is_ok());
}
