//! Rough native timings (run with `--ignored --nocapture`). Each figure is
//! the best of a few runs from a fresh scene, to keep other load on the
//! machine out of it.

use std::time::Instant;

use super::support::{run, TestWorld};
use crate::sand::Scene;

const RUNS: u32 = 5;

/// Best seconds per step over `RUNS` runs of `steps` steps of `scene`.
fn seconds_per_step(scene: Scene, size: u32, steps: u32, frame_every_step: bool) -> f64 {
    let world = TestWorld::new(size, size, 1);
    (0..RUNS)
        .map(|_| {
            world.load_scene(scene);
            run(&world, 2);
            let start = Instant::now();
            for _ in 0..steps {
                if frame_every_step {
                    world.request_frame();
                }
                world.step();
            }
            start.elapsed().as_secs_f64() / steps as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(scene: Scene, size: u32, steps: u32, frame_every_step: bool) {
    let per_step = seconds_per_step(scene, size, steps, frame_every_step);
    let cells = size as f64 * size as f64;
    let frames = if frame_every_step { ", a frame every step" } else { "" };
    println!("{scene:?} {size}x{size}{frames}: {:.3} ms/step, {:.0} M cells/s", per_step * 1e3, cells / per_step / 1e6,);
}

#[test]
#[ignore = "timing; run with --ignored --nocapture"]
fn timing_single_thread() {
    report(Scene::Active, 1024, 50, false);
    report(Scene::Active, 1024, 50, true);
    report(Scene::Mixed, 1024, 50, false);
    report(Scene::Settled, 1024, 50, false);
}
