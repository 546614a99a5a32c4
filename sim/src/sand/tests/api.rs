//! Tests of the outside of the world: creation and its errors, painting and
//! its errors, frames and the palette, hashing, and garbage in the planes.

use std::vec::Vec;

use super::support::{find_all, front_frame, picture, run, TestWorld};
use crate::sand::{
    Material, Scene, SimError, World, CHUNK_SIZE, MAX_BRUSH_RADIUS, MAX_WORLD_SIZE, PAINT_COORD_MARGIN,
    PAINT_RING_CAPACITY, PALETTE, PALETTE_LEN, SHADE_MASK,
};

#[test]
fn oversized_and_empty_worlds_are_refused() {
    assert_eq!(World::bytes_needed(0, 10), Err(SimError::InvalidArgument));
    assert_eq!(World::bytes_needed(10, 0), Err(SimError::InvalidArgument));
    assert_eq!(World::bytes_needed(MAX_WORLD_SIZE + 1, 10), Err(SimError::TooLarge));
    assert_eq!(World::bytes_needed(10, u32::MAX), Err(SimError::TooLarge));
    let mut region = vec![0u8; 1 << 16];
    assert!(matches!(World::create_in(&mut region, MAX_WORLD_SIZE + 1, 1, 0), Err(SimError::TooLarge)));
    assert!(matches!(World::create_in(&mut region, 0, 1, 0), Err(SimError::InvalidArgument)));
}

#[test]
fn the_largest_world_fits_a_32_bit_address_space() {
    let bytes = World::bytes_needed(MAX_WORLD_SIZE, MAX_WORLD_SIZE).unwrap();
    // 4096² with the temperature plane: about 101 MB.
    assert!(bytes < 110 << 20, "{bytes}");
}

#[test]
fn a_region_too_small_is_refused() {
    let needed = World::bytes_needed(100, 100).unwrap();
    let mut region = vec![0u8; needed - 1];
    assert!(matches!(World::create_in(&mut region, 100, 100, 0), Err(SimError::OutOfMemory)));
    // SAFETY: a null region is refused before it is touched.
    let null = unsafe { World::create_at(core::ptr::null_mut(), needed, 100, 100, 0) };
    assert!(matches!(null, Err(SimError::InvalidArgument)));
}

#[test]
fn any_region_alignment_works() {
    let needed = World::bytes_needed(70, 70).unwrap();
    let mut hashes = Vec::new();
    for shift in [0, 1, 3, 17, 63] {
        let mut region = vec![0u8; needed + 64];
        let world = World::create_in(&mut region[shift..shift + needed], 70, 70, 1).unwrap();
        world.load_scene(Scene::Mixed);
        run(world, 20);
        hashes.push(world.hash());
    }
    assert!(hashes.windows(2).all(|pair| pair[0] == pair[1]));
}

#[test]
fn a_world_is_found_again_by_its_address() {
    let world = TestWorld::new(10, 10, 0);
    // SAFETY: the pointer is the live world's.
    let again = unsafe { World::from_ptr(world.as_ptr()) }.unwrap();
    assert_eq!(again.width(), 10);
    let not_a_world = [0u64; 64];
    // SAFETY: the array is readable and large enough for a header.
    assert!(unsafe { World::from_ptr(not_a_world.as_ptr().cast()) }.is_none());
    // SAFETY: null is refused.
    assert!(unsafe { World::from_ptr(core::ptr::null()) }.is_none());
}

#[test]
fn paint_is_applied_at_the_next_step_in_order() {
    let world = TestWorld::new(9, 5, 0);
    world.enqueue_paint(0, 2, 8, 2, 0, Material::Wall.id().into()).unwrap();
    world.enqueue_paint(4, 0, 4, 4, 0, Material::Empty.id().into()).unwrap();
    assert_eq!(world.queued_paint_count(), 2);
    assert_eq!(world.count_material(Material::Wall), 0);
    world.begin_step();
    assert_eq!(world.queued_paint_count(), 0);
    assert_eq!(picture(&world), [".........", ".........", "####.####", ".........", "........."]);
    world.end_step();
}

#[test]
fn a_brush_paints_a_disc() {
    let world = TestWorld::new(20, 20, 0);
    world.enqueue_paint(10, 10, 10, 10, 3, Material::Wall.id().into()).unwrap();
    world.step();
    // Cells with dx*dx + dy*dy <= 9.
    assert_eq!(world.count_material(Material::Wall), 29);
}

#[test]
fn a_thick_line_paints_a_capsule() {
    let world = TestWorld::new(40, 20, 0);
    world.enqueue_paint(5, 10, 30, 10, 2, Material::Wall.id().into()).unwrap();
    world.step();
    // A 26 x 5 band plus two half discs of radius 2 (2 * 4 cells).
    assert_eq!(world.count_material(Material::Wall), 26 * 5 + 8);
}

#[test]
fn materials_fill_only_empty_cells_while_erasing_and_walls_overwrite() {
    let world = TestWorld::from_picture(&["www", "..."]);
    world.enqueue_paint(0, 0, 2, 1, 1, Material::Sand.id().into()).unwrap();
    world.begin_step();
    assert_eq!(picture(&world), ["www", "sss"]);
    world.end_step();
    world.enqueue_paint(0, 0, 0, 1, 0, Material::Wall.id().into()).unwrap();
    world.enqueue_paint(2, 0, 2, 1, 0, Material::Empty.id().into()).unwrap();
    world.begin_step();
    assert_eq!(picture(&world), ["#w.", "#s."]);
    world.end_step();
}

#[test]
fn strokes_partly_outside_are_clipped() {
    let world = TestWorld::new(8, 5, 0);
    world.enqueue_paint(-30, 2, 3, 2, 1, Material::Wall.id().into()).unwrap();
    world.enqueue_paint(100, -50, 200, -60, 5, Material::Wall.id().into()).unwrap();
    world.enqueue_paint(7, 4, 50, 40, 64, Material::Stone.id().into()).unwrap();
    world.step();
    assert_eq!(world.material_at(0, 2), Material::Wall);
    assert_eq!(world.material_at(3, 2), Material::Wall);
    assert_eq!(world.material_at(5, 0), Material::Stone);
    assert_eq!(world.count_material(Material::Empty), 0);
}

#[test]
fn bad_paint_commands_are_refused() {
    let world = TestWorld::new(100, 50, 0);
    let first_unknown = crate::sand::MATERIAL_COUNT as u32;
    assert_eq!(world.enqueue_paint(1, 1, 2, 2, 1, first_unknown), Err(SimError::UnknownMaterial));
    assert_eq!(world.enqueue_paint(1, 1, 2, 2, 1, 255), Err(SimError::UnknownMaterial));
    assert_eq!(world.enqueue_paint(1, 1, 2, 2, 1, 252), Err(SimError::UnknownMaterial));
    // The heat tools are not materials but are accepted (on another world,
    // so this one's queue stays empty).
    let tools = TestWorld::new(10, 10, 0);
    assert_eq!(tools.enqueue_paint(1, 1, 2, 2, 1, crate::sand::PAINT_TOOL_HEAT), Ok(()));
    assert_eq!(tools.enqueue_paint(1, 1, 2, 2, 1, crate::sand::PAINT_TOOL_COOL), Ok(()));
    // Ids wider than a byte are not truncated (258 is not sand).
    assert_eq!(world.enqueue_paint(1, 1, 2, 2, 1, 258), Err(SimError::UnknownMaterial));
    assert_eq!(
        world.enqueue_paint(1, 1, 2, 2, MAX_BRUSH_RADIUS + 1, Material::Sand.id().into()),
        Err(SimError::InvalidArgument)
    );
    let far = -PAINT_COORD_MARGIN - 1;
    assert_eq!(world.enqueue_paint(far, 1, 2, 2, 1, 2), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_paint(1, 1, 2, i32::MAX, 1, 2), Err(SimError::InvalidArgument));
    assert_eq!(world.enqueue_paint(1, 1, 100 + PAINT_COORD_MARGIN, 2, 1, 2), Err(SimError::InvalidArgument));
    assert!(world.enqueue_paint(-PAINT_COORD_MARGIN, 0, 99 + PAINT_COORD_MARGIN, 49, 64, 2).is_ok());
    assert_eq!(world.queued_paint_count(), 1);
    world.step();
}

#[test]
fn a_full_paint_ring_refuses_more_until_drained() {
    let world = TestWorld::new(16, 16, 0);
    for i in 0..PAINT_RING_CAPACITY {
        world.enqueue_paint((i % 16) as i32, 0, 0, 0, 0, Material::Sand.id().into()).unwrap();
    }
    assert_eq!(world.enqueue_paint(0, 0, 0, 0, 0, 2), Err(SimError::QueueFull));
    world.step();
    assert_eq!(world.queued_paint_count(), 0);
    assert!(world.enqueue_paint(0, 0, 0, 0, 0, 2).is_ok());
}

#[test]
fn painting_is_deterministic() {
    let paint = || {
        let world = TestWorld::new(64, 64, 77);
        world.enqueue_paint(3, 5, 60, 40, 6, Material::Water.id().into()).unwrap();
        world.enqueue_paint(10, 60, 50, 2, 4, Material::Sand.id().into()).unwrap();
        run(&world, 30);
        world.hash()
    };
    assert_eq!(paint(), paint());
}

#[test]
fn painted_cells_get_varied_shades() {
    let world = TestWorld::new(32, 32, 5);
    world.enqueue_paint(0, 0, 31, 31, 10, Material::Wall.id().into()).unwrap();
    world.step();
    let mut seen = [false; 4];
    for (x, y) in find_all(&world, Material::Wall) {
        seen[world.raw_cell_at(x, y).unwrap().1.shade() as usize] = true;
    }
    assert_eq!(seen, [true; 4]);
}

#[test]
fn garbage_in_the_planes_does_not_break_stepping() {
    let world = TestWorld::new(130, 70, 3);
    world.load_scene(Scene::Mixed);
    let mut unknown = Vec::new();
    for y in 0..70 {
        for x in 0..130 {
            let noise = crate::sand::rng::mix32((x * 7919 + y * 104_729) as u32);
            if noise.is_multiple_of(3) {
                let byte = (noise >> 8) as u8;
                world.poke_raw(x, y, byte, (noise >> 16) as u8);
                if Material::from_u8(byte).is_none() {
                    unknown.push((x, y, byte));
                }
            }
        }
    }
    assert!(unknown.len() > 500);
    run(&world, 200);
    world.hash();
    world.request_frame();
    world.step();
    // Bytes that are no material behave as wall: they never move or change.
    for (x, y, byte) in unknown {
        assert_eq!(world.raw_cell_at(x, y).unwrap().0, byte);
        assert_eq!(world.material_at(x, y), Material::Wall);
    }
}

#[test]
fn frames_are_published_only_when_wanted() {
    let world = TestWorld::new(70, 9, 0);
    assert_eq!(world.frame_seq(), 0);
    let first_front = world.front_frame_index();
    world.step();
    assert_eq!(world.frame_seq(), 1, "the first frame is wanted from the start");
    assert_ne!(world.front_frame_index(), first_front);
    world.step();
    assert_eq!(world.frame_seq(), 1, "no new frame without a request");
    world.request_frame();
    world.step();
    assert_eq!(world.frame_seq(), 2);
    assert_eq!(world.front_frame_index(), first_front);
}

#[test]
fn a_frame_holds_palette_indices_of_the_cells() {
    let world = TestWorld::new(70, 9, 0);
    world.load_scene(Scene::Mixed);
    world.request_frame();
    world.step();
    let frame = front_frame(&world);
    for y in 0..9 {
        for x in 0..70 {
            let (byte, state) = world.raw_cell_at(x, y).unwrap();
            let expected = byte * 4 + (state.0 & SHADE_MASK);
            assert_eq!(frame[(y * 70 + x) as usize], expected);
        }
    }
}

/// The front frame, checked against the cells it should show.
fn assert_front_frame_matches(world: &World) {
    let (width, height) = (world.width() as i32, world.height() as i32);
    let frame = front_frame(world);
    for y in 0..height {
        for x in 0..width {
            let (byte, state) = world.raw_cell_at(x, y).unwrap();
            let material = Material::from_u8_or_fallback(byte);
            let expected = material.id() * 4 + (state.0 & SHADE_MASK);
            assert_eq!(frame[(y * width + x) as usize], expected, "({x}, {y})");
        }
    }
}

#[test]
fn frames_stay_exact_while_only_changed_chunks_are_redrawn() {
    let world = TestWorld::new(200, 130, 6);
    world.load_scene(Scene::Mixed);
    for step in 0..60 {
        // Skip some frames, so that buffers fall behind by different amounts.
        let wanted = step % 3 != 2;
        if wanted {
            world.request_frame();
        }
        if step == 20 {
            world.enqueue_paint(0, 0, 199, 129, 4, Material::Empty.id().into()).unwrap();
        }
        let seq = world.frame_seq();
        world.step();
        assert_eq!(world.frame_seq() != seq, wanted);
        if wanted {
            assert_front_frame_matches(&world);
        }
    }
}

#[test]
fn the_palette_has_four_rgba_shades_per_material() {
    let world = TestWorld::new(1, 1, 0);
    assert_eq!(world.palette_len(), PALETTE_LEN);
    assert_eq!(PALETTE_LEN, crate::sand::MATERIAL_COUNT * 4);
    const { assert!(PALETTE_LEN <= 256, "palette indices must fit a byte") };
    assert_eq!(world.palette_ptr(), PALETTE.as_ptr());
    let sand = PALETTE[Material::Sand.id() as usize * 4].to_le_bytes();
    assert_eq!(sand, [0xE2, 0xC2, 0x75, 0xFF]);
    assert!(PALETTE.iter().all(|entry| entry.to_le_bytes()[3] == 0xFF));
}

#[test]
fn the_hash_sees_every_cell_and_the_step() {
    let world = TestWorld::new(CHUNK_SIZE + 3, 5, 0);
    let empty = world.hash();
    world.set_cell(CHUNK_SIZE as i32 + 2, 4, Material::Wall).unwrap();
    let one_wall = world.hash();
    assert_ne!(one_wall, empty);
    world.step();
    assert_ne!(world.hash(), one_wall);
    assert_eq!(world.hash(), world.hash());
}

#[test]
fn cells_outside_read_as_wall_and_refuse_writes() {
    let world = TestWorld::new(4, 4, 0);
    assert_eq!(world.material_at(-1, 0), Material::Wall);
    assert_eq!(world.material_at(0, 4), Material::Wall);
    assert!(world.raw_cell_at(4, 0).is_none());
    assert_eq!(world.set_cell(4, 0, Material::Sand), Err(SimError::InvalidArgument));
}

/// docs/SAVE_FORMAT.md "The checksum", written out from the text alone.
fn documented_checksum(bytes: &[u8]) -> u64 {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    let mut word = |w: u64| state = (state.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut groups = bytes.chunks_exact(8);
    for group in &mut groups {
        word(u64::from_le_bytes(group.try_into().unwrap()));
    }
    let mut tail = [0u8; 8];
    tail[..groups.remainder().len()].copy_from_slice(groups.remainder());
    word(u64::from_le_bytes(tail));
    word(bytes.len() as u64);
    let mut h = state;
    h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[test]
fn the_documented_checksum_matches_the_code() {
    for len in [0usize, 1, 7, 8, 9, 63, 64, 1000] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
        let mut hasher = crate::sand::WordHasher::new();
        hasher.write_bytes(&bytes);
        assert_eq!(hasher.finish(), documented_checksum(&bytes), "{len} bytes");
    }
    let world = TestWorld::new(70, 40, 3);
    world.load_scene(Scene::Mixed);
    let mut save = vec![0u8; world.snapshot_len()];
    let len = world.write_snapshot(&mut save).unwrap();
    let (body, stored) = save[..len].split_at(len - 8);
    assert_eq!(u64::from_le_bytes(stored.try_into().unwrap()), documented_checksum(body), "a real save's trailer");
    // Negative control: FNV-1a 64, which the docs used to name, differs.
    let fnv = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    assert_ne!(fnv, documented_checksum(body));
}
