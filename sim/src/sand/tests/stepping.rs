//! Whole-world tests of stepping: conservation, determinism whatever the
//! order (or thread count) of phase items, and dirty tracking.

use std::sync::atomic::{AtomicU32, Ordering};
use std::vec::Vec;

use super::support::{run, TestWorld};
use crate::sand::rng::mix32;
use crate::sand::{Material, Rect, Scene, World};

#[test]
fn sand_and_water_are_conserved() {
    let world = TestWorld::new(150, 130, 11);
    world.load_scene(Scene::Active);
    world.fill_rect(&Rect { x0: 30, y0: 100, x1: 120, y1: 104 }, Material::Wall);
    let sand = world.count_material(Material::Sand);
    let water = world.count_material(Material::Water);
    assert!(sand > 1000 && water > 1000);
    for _ in 0..10 {
        run(&world, 40);
        assert_eq!(world.count_material(Material::Sand), sand);
        assert_eq!(world.count_material(Material::Water), water);
    }
}

/// How a test runs the items of one phase.
#[derive(Clone, Copy, Debug)]
enum Order {
    Forward,
    Reverse,
    Shuffled,
    Threads(u32),
}

/// One step, running phase items in `order`.
fn step_in_order(world: &World, order: Order) {
    world.begin_step();
    for phase in 0..world.phase_count() {
        let len = world.phase_len(phase);
        let mut items: Vec<u32> = (0..len).collect();
        match order {
            Order::Forward => {}
            Order::Reverse => items.reverse(),
            Order::Shuffled => {
                let salt = mix32(world.step_count() as u32 ^ phase);
                for i in (1..items.len()).rev() {
                    let j = mix32(salt ^ i as u32) as usize % (i + 1);
                    items.swap(i, j);
                }
            }
            Order::Threads(threads) => {
                let next = AtomicU32::new(0);
                std::thread::scope(|scope| {
                    for _ in 0..threads {
                        scope.spawn(|| loop {
                            let item = next.fetch_add(1, Ordering::Relaxed);
                            if item >= len {
                                break;
                            }
                            // SAFETY: between begin_step and end_step; each
                            // item is claimed once; the scope joins every
                            // thread (a barrier) before the next phase.
                            unsafe { world.update_phase_item(phase, item) };
                        });
                    }
                });
                continue;
            }
        }
        for item in items {
            // SAFETY: one thread, between begin_step and end_step, each item
            // of the phase once, phases in order.
            unsafe { world.update_phase_item(phase, item) };
        }
    }
    world.end_step();
}

/// The hash after `steps` steps of `scene` in a world that also gets a few
/// paint strokes, with phase items run in `order`.
fn hash_after(scene: Scene, width: u32, height: u32, steps: u32, order: Order) -> u64 {
    let world = TestWorld::new(width, height, 0xD37E);
    world.load_scene(scene);
    for step in 0..steps {
        if step % 50 == 7 {
            let x = (step * 13 % width) as i32;
            world.enqueue_paint(x, 0, x + 20, 30, 3, Material::Sand.id().into()).unwrap();
            world.enqueue_paint(x, 40, x - 10, 10, 2, Material::Empty.id().into()).unwrap();
        }
        step_in_order(&world, order);
    }
    world.hash()
}

#[test]
fn phase_item_order_does_not_change_the_result() {
    let (width, height, steps) = (200, 150, 300);
    let reference = {
        let world = TestWorld::new(width, height, 0xD37E);
        world.load_scene(Scene::Mixed);
        let before = world.hash();
        for step in 0..steps {
            if step % 50 == 7 {
                let x = (step * 13 % width) as i32;
                world.enqueue_paint(x, 0, x + 20, 30, 3, Material::Sand.id().into()).unwrap();
                world.enqueue_paint(x, 40, x - 10, 10, 2, Material::Empty.id().into()).unwrap();
            }
            world.step();
        }
        assert_ne!(world.hash(), before, "nothing happened");
        world.hash()
    };
    for order in [Order::Forward, Order::Reverse, Order::Shuffled, Order::Threads(4)] {
        assert_eq!(hash_after(Scene::Mixed, width, height, steps, order), reference, "{order:?}");
    }
}

#[test]
fn the_active_scene_is_deterministic_across_orders() {
    let forward = hash_after(Scene::Active, 256, 256, 60, Order::Forward);
    assert_eq!(hash_after(Scene::Active, 256, 256, 60, Order::Reverse), forward);
    assert_eq!(hash_after(Scene::Active, 256, 256, 60, Order::Threads(3)), forward);
}

#[test]
fn the_seed_changes_the_outcome() {
    let hash = |seed| {
        let world = TestWorld::new(100, 100, seed);
        world.load_scene(Scene::Mixed);
        run(&world, 50);
        world.hash()
    };
    assert_eq!(hash(1), hash(1));
    assert_ne!(hash(1), hash(2));
}

#[test]
fn a_settled_world_costs_nothing() {
    let world = TestWorld::new(300, 200, 4);
    world.load_scene(Scene::Settled);
    let hash = world.hash();
    world.step();
    world.step();
    assert_eq!(world.active_chunk_count(), 0);
    run(&world, 10);
    assert_eq!(world.active_chunk_count(), 0);
    // Only the step counter moved.
    let world_again = TestWorld::new(300, 200, 4);
    world_again.load_scene(Scene::Settled);
    run(&world_again, 12);
    assert_eq!(world.hash(), world_again.hash());
    assert_ne!(world.hash(), hash);
}

#[test]
fn an_empty_world_goes_to_sleep() {
    let world = TestWorld::new(256, 256, 4);
    world.step();
    world.step();
    assert_eq!(world.active_chunk_count(), 0);
}

#[test]
fn only_chunks_near_a_change_wake_up() {
    let world = TestWorld::new(512, 512, 4);
    run(&world, 2);
    world.set_cell(100, 10, Material::Sand).unwrap();
    world.step();
    assert_eq!(world.active_chunk_count(), 1);
    // A grain on a chunk corner wakes the chunks around it.
    world.set_cell(128, 128, Material::Sand).unwrap();
    world.begin_step();
    assert_eq!(world.active_chunk_count(), 1 + 4);
    for phase in 0..world.phase_count() {
        for item in 0..world.phase_len(phase) {
            // SAFETY: one thread, between begin_step and end_step, phases
            // in order.
            unsafe { world.update_phase_item(phase, item) };
        }
    }
    world.end_step();
}

#[test]
fn the_active_scene_settles_into_the_settled_scene_counts() {
    let world = TestWorld::new(64, 64, 9);
    world.load_scene(Scene::Active);
    let settled = TestWorld::new(64, 64, 9);
    settled.load_scene(Scene::Settled);
    run(&world, 3000);
    for material in [Material::Sand, Material::Water] {
        assert_eq!(world.count_material(material), settled.count_material(material));
    }
    // Sand ends below the water.
    for x in 0..64 {
        assert_eq!(world.material_at(x, 63), Material::Sand);
        assert_eq!(world.material_at(x, 20), Material::Empty);
    }
}

#[test]
fn every_world_size_steps_safely() {
    for (width, height) in [(1, 1), (1, 70), (70, 1), (63, 65), (65, 63), (129, 3)] {
        let world = TestWorld::new(width, height, 8);
        world.load_scene(Scene::Mixed);
        world.enqueue_paint(0, 0, width as i32, height as i32, 2, Material::Water.id().into()).unwrap();
        run(&world, 40);
        assert_eq!(world.step_count(), 40);
    }
}

/// The hash of the mixed 256x256 scene, seed 1, after 300 steps, under
/// every `RULES_VERSION` so far, oldest first: the same on every build
/// (docs/CELLS.md quotes the last). Any change to a rule, the update order
/// or the material table changes it; add a row then, with the next version,
/// set `RULES_VERSION` (`replay.rs`) to it, and update docs/CELLS.md, so
/// that replays recorded by the old rules are refused, not played into
/// another world.
const REFERENCE_HASHES: &[(u32, u64)] = &[
    (1, 0xf08f_da63_0356_0eff),
    // Chunk rows from the bottom (falling blocks stay blocks).
    (2, 0x256b_7142_7844_ebd4),
];

#[test]
fn the_rules_version_goes_with_the_reference_hash() {
    for pair in REFERENCE_HASHES.windows(2) {
        assert_eq!(pair[1].0, pair[0].0 + 1, "each row of REFERENCE_HASHES takes the next rules version");
    }
    let (version, _) = REFERENCE_HASHES[REFERENCE_HASHES.len() - 1];
    assert_eq!(crate::sand::RULES_VERSION, version, "RULES_VERSION is not the version of the last reference hash");
}

#[test]
fn reference_hash() {
    let world = TestWorld::new(256, 256, 1);
    world.load_scene(Scene::Mixed);
    run(&world, 300);
    let hash = world.hash();
    std::println!("Mixed 256x256 seed 1 after 300 steps: hash {hash:#018x}");
    let (_, reference) = REFERENCE_HASHES[REFERENCE_HASHES.len() - 1];
    assert_eq!(
        hash, reference,
        "rules changed? add a row to REFERENCE_HASHES with the next RULES_VERSION, set RULES_VERSION, update docs/CELLS.md"
    );
}

/// A grain woken with a stale clock stamp once sat its step out while
/// nothing else in its chunk changed, the chunk fell asleep, and the grain
/// hung in mid-air for good (found in the browser next to a chunk corner).
#[test]
fn no_grain_is_left_hanging_when_its_chunk_falls_asleep() {
    for seed in [1, 2, 3] {
        let world = TestWorld::new(256, 256, seed);
        run(&world, 1);
        let sand = u32::from(Material::Sand.id());
        world.enqueue_paint(60, 30, 130, 30, 4, sand).unwrap();
        world.enqueue_paint(130, 30, 200, 30, 4, sand).unwrap();
        run(&world, 1500);
        for y in 0..255 {
            for x in 0..256 {
                if world.material_at(x, y) == Material::Sand {
                    assert_ne!(
                        world.material_at(x, y + 1),
                        Material::Empty,
                        "seed {seed}: sand at ({x}, {y}) hangs over an empty cell"
                    );
                }
            }
        }
    }
}
