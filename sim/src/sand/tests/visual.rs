//! Snapshots for looking at: writes frames as PPM images into the directory
//! named by `QS_SNAPSHOT_DIR` (default: the temp directory). Run with
//! `--ignored`.

use std::io::Write;
use std::path::PathBuf;
use std::string::String;
use std::vec::Vec;

use super::support::{front_frame, run, TestWorld};
use crate::sand::{Material, Rect, Scene, World, PALETTE};

/// Pixels per cell in the images.
const SCALE: usize = 3;

fn snapshot_dir() -> PathBuf {
    std::env::var_os("QS_SNAPSHOT_DIR").map_or_else(std::env::temp_dir, PathBuf::from)
}

/// Writes the world's next frame as `<name>.ppm`.
fn snapshot(world: &World, name: &str) {
    world.request_frame();
    world.step();
    let (width, height) = (world.width() as usize, world.height() as usize);
    let frame = front_frame(world);
    let mut pixels = Vec::with_capacity(width * height * SCALE * SCALE * 3);
    for y in 0..height * SCALE {
        for x in 0..width * SCALE {
            let rgba = PALETTE[frame[(y / SCALE) * width + x / SCALE] as usize].to_le_bytes();
            pixels.extend_from_slice(&rgba[..3]);
        }
    }
    let path = snapshot_dir().join(String::from(name) + ".ppm");
    let mut file = std::fs::File::create(&path).unwrap();
    write!(file, "P6\n{} {}\n255\n", width * SCALE, height * SCALE).unwrap();
    file.write_all(&pixels).unwrap();
    println!("wrote {}", path.display());
}

fn paint(world: &World, from: (i32, i32), to: (i32, i32), radius: u32, material: Material) {
    world.enqueue_paint(from.0, from.1, to.0, to.1, radius, material.id().into()).unwrap();
}

#[test]
#[ignore = "writes images; run with --ignored --nocapture"]
fn snapshots() {
    let world = TestWorld::new(200, 150, 42);
    world.load_scene(Scene::Mixed);
    snapshot(&world, "mixed-0");
    run(&world, 100);
    snapshot(&world, "mixed-100");
    run(&world, 400);
    snapshot(&world, "mixed-500");

    let world = TestWorld::new(200, 150, 7);
    paint(&world, (10, 100), (190, 100), 1, Material::Wall);
    paint(&world, (60, 99), (60, 70), 1, Material::Wall);
    for step in 0..400 {
        if step < 250 {
            paint(&world, (30, 5), (30, 5), 3, Material::Sand);
            paint(&world, (100, 5), (100, 5), 2, Material::Water);
            paint(&world, (150, 5), (150, 5), 2, Material::Oil);
        }
        world.step();
    }
    snapshot(&world, "pour-400");

    let world = TestWorld::new(160, 120, 9);
    world.fill_rect(&Rect { x0: 20, y0: 60, x1: 140, y1: 70 }, Material::Wood);
    world.fill_rect(&Rect { x0: 60, y0: 40, x1: 100, y1: 60 }, Material::Plant);
    world.fill_rect(&Rect { x0: 20, y0: 100, x1: 140, y1: 120 }, Material::Water);
    paint(&world, (20, 59), (25, 59), 2, Material::Fire);
    run(&world, 60);
    snapshot(&world, "fire-60");
    run(&world, 300);
    snapshot(&world, "fire-360");

    let world = TestWorld::new(160, 120, 11);
    world.fill_rect(&Rect { x0: 0, y0: 90, x1: 160, y1: 120 }, Material::Water);
    world.fill_rect(&Rect { x0: 70, y0: 20, x1: 90, y1: 40 }, Material::Gunpowder);
    world.fill_rect(&Rect { x0: 0, y0: 60, x1: 40, y1: 90 }, Material::Ice);
    for step in 0..200 {
        if step < 120 {
            paint(&world, (130, 5), (130, 5), 3, Material::Lava);
        }
        if step == 30 {
            paint(&world, (80, 45), (80, 45), 1, Material::Fire);
        }
        world.step();
    }
    snapshot(&world, "lava-200");
}
