//! Frames that cost what changed: the changed rectangle each published frame
//! carries, exact pixels while only changed chunks are drawn, and
//! `render_now` for idle worlds.

use std::time::Instant;
use std::vec::Vec;

use super::support::{front_frame, run, TestWorld};
use crate::sand::cell::SHADE_MASK;
use crate::sand::{Material, Scene, World};

/// The frame every cell should show, drawn from scratch.
fn full_render(world: &World) -> Vec<u8> {
    let (width, height) = (world.width() as i32, world.height() as i32);
    let mut frame = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            let (byte, state) = world.raw_cell_at(x, y).unwrap();
            frame.push(Material::from_u8_or_fallback(byte).id() * 4 + (state.0 & SHADE_MASK));
        }
    }
    frame
}

/// The exact bounding box of the pixels that differ, `[0; 4]` if none.
fn differences(before: &[u8], after: &[u8], width: usize) -> [i32; 4] {
    let mut bounds: Option<[i32; 4]> = None;
    for (index, (a, b)) in before.iter().zip(after).enumerate() {
        if a != b {
            let (x, y) = ((index % width) as i32, (index / width) as i32);
            let r = bounds.get_or_insert([x, y, x + 1, y + 1]);
            *r = [r[0].min(x), r[1].min(y), r[2].max(x + 1), r[3].max(y + 1)];
        }
    }
    bounds.unwrap_or([0; 4])
}

/// Asks for a frame and steps once; the frame must have been published.
fn step_with_frame(world: &World) {
    let seq = world.frame_seq();
    world.request_frame();
    world.step();
    assert_eq!(world.frame_seq(), seq.wrapping_add(1), "a requested frame is published");
}

#[test]
fn a_single_painted_cell_gives_the_one_cell_rectangle() {
    let world = TestWorld::new(300, 200, 3);
    step_with_frame(&world);
    step_with_frame(&world);
    assert_eq!(world.front_frame_changes(), [0; 4], "an empty world changes nothing");
    world.enqueue_paint(150, 100, 150, 100, 0, Material::Stone.id().into()).unwrap();
    step_with_frame(&world);
    assert_eq!(world.front_frame_changes(), [150, 100, 151, 101]);
    // Negative control: the next frame has nothing new.
    step_with_frame(&world);
    assert_eq!(world.front_frame_changes(), [0; 4]);
    assert_eq!(front_frame(&world), full_render(&world));
}

#[test]
fn a_settled_world_publishes_empty_rectangles_and_draws_no_chunk() {
    let world = TestWorld::new(256, 256, 1);
    let empty = front_frame(&world);
    world.load_scene(Scene::Settled);
    step_with_frame(&world);
    // Negative control: the scene's sand and water replaced the empty
    // initial frame (its empty top half is no change).
    let changes = world.front_frame_changes();
    assert_eq!(changes, differences(&empty, &front_frame(&world), 256));
    assert_eq!((changes[0], changes[2], changes[3]), (0, 256, 256), "{changes:?}");
    step_with_frame(&world);
    for _ in 0..5 {
        world.request_frame();
        world.begin_step();
        for phase in 0..world.phase_count() {
            assert_eq!(world.phase_len(phase), 0, "a settled world updates nothing");
        }
        assert_eq!(world.begin_frame(), 0, "and draws nothing: no frame pass");
        let seq = world.frame_seq();
        world.end_step();
        assert_eq!(world.frame_seq(), seq + 1, "the frame is still published");
        assert_eq!(world.front_frame_changes(), [0; 4]);
    }
    assert_eq!(front_frame(&world), full_render(&world));
}

#[test]
fn frames_are_exact_and_rectangles_are_the_exact_bounds_of_what_changed() {
    let world = TestWorld::new(200, 130, 6);
    world.load_scene(Scene::Mixed);
    let mut shown = front_frame(&world);
    let mut nonempty = 0;
    for step in 0..80 {
        // Skip some frames, so that the buffers fall behind by different amounts.
        let wanted = step % 3 != 2;
        if step == 20 {
            world.enqueue_paint(0, 0, 199, 129, 4, Material::Empty.id().into()).unwrap();
        }
        if step == 40 {
            world.enqueue_paint(20, 10, 180, 12, 3, Material::Sand.id().into()).unwrap();
        }
        if !wanted {
            world.step();
            continue;
        }
        step_with_frame(&world);
        let frame = front_frame(&world);
        assert_eq!(frame, full_render(&world), "step {step}: the frame is the world");
        let changes = world.front_frame_changes();
        assert_eq!(changes, differences(&shown, &frame, 200), "step {step}: the rectangle is exact");
        nonempty += (changes != [0; 4]) as u32;
        shown = frame;
    }
    assert!(nonempty > 20, "the scene kept changing: {nonempty}");
}

#[test]
fn render_now_shows_strokes_without_a_step_and_changes_no_result() {
    let stepped = TestWorld::new(128, 96, 9);
    let rendered = TestWorld::new(128, 96, 9);
    for world in [&stepped, &rendered] {
        world.load_scene(Scene::Active);
        run(world, 10);
        step_with_frame(world);
        world.enqueue_paint(10, 80, 100, 80, 2, Material::Wall.id().into()).unwrap();
    }
    let (steps, seq) = (rendered.step_count(), rendered.frame_seq());
    let before = front_frame(&rendered);
    // Negative control: without render_now nothing shows the stroke yet.
    assert_eq!(front_frame(&stepped), before);
    rendered.render_now();
    assert_eq!(rendered.step_count(), steps, "no step ran");
    assert_eq!(rendered.frame_seq(), seq + 1, "a frame was published");
    let frame = front_frame(&rendered);
    assert_eq!(frame, full_render(&rendered));
    assert_eq!(
        frame[80 * 128 + 50],
        Material::Wall.id() * 4 + (rendered.raw_cell_at(50, 80).unwrap().1 .0 & SHADE_MASK)
    );
    let changes = rendered.front_frame_changes();
    assert_eq!(changes, differences(&before, &frame, 128));
    assert!(changes[0] <= 8 && changes[2] >= 103 && changes[1] <= 78 && changes[3] >= 83, "{changes:?}");
    // The strokes went in as the next step would have applied them.
    run(&stepped, 30);
    run(&rendered, 30);
    assert_eq!(stepped.hash(), rendered.hash());
    step_with_frame(&rendered);
    assert_eq!(front_frame(&rendered), full_render(&rendered));
}

#[test]
fn frames_do_not_change_the_world() {
    let with = TestWorld::new(160, 120, 4);
    let without = TestWorld::new(160, 120, 4);
    for world in [&with, &without] {
        world.load_scene(Scene::Mixed);
    }
    for step in 0..120 {
        if step % 2 == 0 {
            with.request_frame();
        }
        with.step();
        without.step();
    }
    assert_eq!(with.hash(), without.hash());
}

/// Leader time of the exclusive end of a step with a frame wanted, on an
/// active 1024² world (the frame pass runs on the calling thread here, and
/// is timed separately).
#[test]
#[ignore = "timing; run with --ignored --nocapture"]
fn timing_leader_serial_time_per_step() {
    let world = TestWorld::new(1024, 1024, 1);
    world.load_scene(Scene::Active);
    run(&world, 2);
    let (mut leader, mut pass) = (0.0, 0.0);
    const STEPS: u32 = 30;
    for _ in 0..STEPS {
        world.request_frame();
        world.begin_step();
        for phase in 0..world.phase_count() {
            for item in 0..world.phase_len(phase) {
                // SAFETY: one thread runs every item of each phase in order.
                unsafe { world.update_phase_item(phase, item) };
            }
        }
        let start = Instant::now();
        let items = world.begin_frame();
        leader += start.elapsed().as_secs_f64();
        let start = Instant::now();
        for item in 0..items {
            // SAFETY: after the phases, before end_step, each item once.
            unsafe { world.render_frame_item(item) };
        }
        pass += start.elapsed().as_secs_f64();
        let start = Instant::now();
        world.end_step();
        leader += start.elapsed().as_secs_f64();
    }
    let per = |t: f64| t / f64::from(STEPS) * 1e6;
    println!(
        "Active 1024²: leader {:.1} µs/step, frame pass {:.1} µs/step (split over the crew)",
        per(leader),
        per(pass)
    );
}
