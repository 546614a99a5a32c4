//! Test helpers: worlds backed by a `Vec`, drawn from and to ASCII pictures.

use std::ops::Deref;
use std::string::String;
use std::vec::Vec;

use crate::sand::{Material, World};

/// The seed of every picture world (tests of chance use several).
pub const TEST_SEED: u64 = 0x5EED;

/// A world that owns its region.
pub struct TestWorld {
    /// Only the world touches these bytes after creation.
    _region: Vec<u8>,
    world: *const World,
}

impl TestWorld {
    /// An empty `width` x `height` world.
    pub fn new(width: u32, height: u32, seed: u64) -> TestWorld {
        let mut region = vec![0u8; World::bytes_needed(width, height).unwrap()];
        // SAFETY: the vector's buffer is valid for its length, never moves
        // (it is never resized), and is touched only through the world
        // until the `TestWorld` drops.
        let world = unsafe { World::create_at(region.as_mut_ptr(), region.len(), width, height, seed) }.unwrap()
            as *const World;
        TestWorld { _region: region, world }
    }

    /// A world drawn as rows of symbols (see [`symbol`]).
    pub fn from_picture(rows: &[&str]) -> TestWorld {
        TestWorld::from_picture_with_seed(rows, TEST_SEED)
    }

    /// [`TestWorld::from_picture`] with another seed.
    pub fn from_picture_with_seed(rows: &[&str], seed: u64) -> TestWorld {
        let width = rows[0].chars().count() as u32;
        let world = TestWorld::new(width, rows.len() as u32, seed);
        for (y, row) in rows.iter().enumerate() {
            assert_eq!(row.chars().count() as u32, width, "ragged picture");
            for (x, symbol) in row.chars().enumerate() {
                world.set_cell(x as i32, y as i32, material_of(symbol)).unwrap();
            }
        }
        world
    }
}

impl Deref for TestWorld {
    type Target = World;

    fn deref(&self) -> &World {
        // SAFETY: created in `new` and alive until `self` drops.
        unsafe { &*self.world }
    }
}

/// Symbols of pictures, by material id.
const SYMBOLS: [(Material, char); crate::sand::MATERIAL_COUNT] = [
    (Material::Empty, '.'),
    (Material::Wall, '#'),
    (Material::Sand, 's'),
    (Material::Water, 'w'),
    (Material::Stone, 'r'),
    (Material::Wood, 'd'),
    (Material::Fire, 'f'),
    (Material::Smoke, 'k'),
    (Material::Steam, 'v'),
    (Material::Oil, 'o'),
    (Material::Lava, 'l'),
    (Material::Ice, 'i'),
    (Material::Acid, 'a'),
    (Material::Plant, 'p'),
    (Material::Salt, 't'),
    (Material::Gunpowder, 'g'),
    (Material::Metal, 'm'),
    (Material::MoltenMetal, 'M'),
    (Material::Glass, 'b'),
    (Material::MoltenGlass, 'B'),
    (Material::Obsidian, 'x'),
    (Material::Coal, 'C'),
    (Material::Ash, 'A'),
    (Material::Snow, 'n'),
    (Material::Mud, 'u'),
    (Material::Clay, 'y'),
    (Material::Methane, 'e'),
    (Material::Nitro, 'N'),
    (Material::Thermite, 'T'),
    (Material::Heater, 'h'),
    (Material::Cooler, 'c'),
    (Material::Cloner, 'L'),
    (Material::Void, 'V'),
    (Material::Seed, 'S'),
    (Material::Ember, 'E'),
    (Material::Mercury, 'q'),
];

/// The picture symbol of a material.
pub fn symbol(material: Material) -> char {
    SYMBOLS[material.id() as usize].1
}

/// The material of a picture symbol.
pub fn material_of(symbol: char) -> Material {
    SYMBOLS.iter().find(|(_, s)| *s == symbol).unwrap_or_else(|| panic!("unknown symbol {symbol:?}")).0
}

/// The world as rows of symbols ('?' for bytes that are no material).
pub fn picture(world: &World) -> Vec<String> {
    (0..world.height() as i32)
        .map(|y| {
            (0..world.width() as i32)
                .map(|x| match Material::from_u8(world.raw_cell_at(x, y).unwrap().0) {
                    Some(material) => symbol(material),
                    None => '?',
                })
                .collect()
        })
        .collect()
}

/// A copy of the front frame: width * height palette indices, row by row.
pub fn front_frame(world: &World) -> Vec<u8> {
    let len = world.width() as usize * world.height() as usize;
    // SAFETY: the front buffer holds one byte per cell, and nothing rewrites
    // it before the next `request_frame`, which cannot run during this copy
    // (the tests step their worlds from one thread).
    unsafe { core::slice::from_raw_parts(world.front_frame_ptr(), len) }.to_vec()
}

/// Steps until `done` holds (checked before each step); the number of steps
/// it took, or `None` after `max_steps`.
pub fn steps_until(world: &World, max_steps: u32, mut done: impl FnMut(&World) -> bool) -> Option<u32> {
    for taken in 0..=max_steps {
        if done(world) {
            return Some(taken);
        }
        world.step();
    }
    None
}

/// Runs `steps` steps.
pub fn run(world: &World, steps: u32) {
    for _ in 0..steps {
        world.step();
    }
}

/// Positions of every cell of `material`.
pub fn find_all(world: &World, material: Material) -> Vec<(i32, i32)> {
    let mut found = Vec::new();
    for y in 0..world.height() as i32 {
        for x in 0..world.width() as i32 {
            if world.material_at(x, y) == material {
                found.push((x, y));
            }
        }
    }
    found
}
