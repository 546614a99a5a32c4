//! The drawing tools in the wasm module and natively: a script of
//! rectangles, outlines, masked strokes and fills, applied between steps,
//! gives bit-identical hashes for 1, 2, 4 and 16 threads and natively; the
//! negative control moves one rectangle by one cell and gets another hash.

use std::sync::Arc;

use anyhow::{ensure, Result};
use quicksand_sim::sand::{Material, Scene, PAINT_MASK_DEFAULT, PAINT_MASK_NON_EMPTY};
use quicksand_tests::native::NativeWorld;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

const WIDTH: u32 = 256;
const HEIGHT: u32 = 192;
const SEED: u32 = 0x70015;
const STEPS_BETWEEN: u32 = 60;

/// One tool command, as its export takes it.
#[derive(Clone, Copy)]
enum Tool {
    Rect { corners: (i32, i32, i32, i32), radius: i32, material: Material, mask: i32, filled: bool },
    Masked { ends: (i32, i32, i32, i32), radius: i32, material: Material, mask: i32 },
    Fill { x: i32, y: i32, material: Material },
}

fn script(shift: i32) -> Vec<Tool> {
    vec![
        Tool::Rect {
            corners: (20 + shift, 150, 230, 160),
            radius: 0,
            material: Material::Wall,
            mask: PAINT_MASK_DEFAULT,
            filled: true,
        },
        Tool::Rect {
            corners: (40, 40, 120, 100),
            radius: 2,
            material: Material::Wall,
            mask: PAINT_MASK_DEFAULT,
            filled: false,
        },
        Tool::Fill { x: 80, y: 70, material: Material::Water },
        Tool::Masked {
            ends: (0, 120, 255, 120),
            radius: 6,
            material: Material::Sand,
            mask: Material::Water.id() as i32,
        },
        Tool::Rect {
            corners: (0, 0, 255, 60),
            radius: 0,
            material: Material::Stone,
            mask: PAINT_MASK_NON_EMPTY,
            filled: true,
        },
        Tool::Fill { x: 200, y: 100, material: Material::Oil },
    ]
}

fn wasm_hash(module: &SimModule, threads: Option<u32>, shift: i32) -> Result<u64> {
    let mut sim = WasmSim::new(module, WIDTH, HEIGHT, SEED)?;
    sim.scene(Scene::Mixed)?;
    let world = sim.world;
    for tool in script(shift) {
        let code: i32 = match tool {
            Tool::Rect { corners: (x0, y0, x1, y1), radius, material, mask, filled } => sim.main().call(
                "qs_world_paint_rect",
                (world, x0, y0, x1, y1, radius, material.id() as i32, mask, i32::from(filled)),
            )?,
            Tool::Masked { ends: (x0, y0, x1, y1), radius, material, mask } => {
                sim.main().call("qs_world_paint_masked", (world, x0, y0, x1, y1, radius, material.id() as i32, mask))?
            }
            Tool::Fill { x, y, material } => sim.main().call("qs_world_fill", (world, x, y, material.id() as i32))?,
        };
        ensure!(code == 0, "a tool command was refused: {code}");
        match threads {
            Some(threads) => sim.run(threads, STEPS_BETWEEN).map(drop)?,
            None => sim.step_here(STEPS_BETWEEN)?,
        }
    }
    sim.hash()
}

fn native_hash(threads: u32) -> Result<u64> {
    let native = Arc::new(NativeWorld::new(WIDTH, HEIGHT, u64::from(SEED))?);
    native.load_scene(Scene::Mixed);
    for tool in script(0) {
        let world = native.world();
        let queued = match tool {
            Tool::Rect { corners, radius, material, mask, filled } => {
                world.enqueue_rect(corners, radius as u32, material.id().into(), mask, filled)
            }
            Tool::Masked { ends, radius, material, mask } => {
                world.enqueue_paint_masked(ends, radius as u32, material.id().into(), mask)
            }
            Tool::Fill { x, y, material } => world.enqueue_fill(x, y, material.id().into()),
        };
        queued.map_err(|e| anyhow::anyhow!("a tool command was refused: {e:?}"))?;
        native.run(threads, STEPS_BETWEEN)?;
    }
    Ok(native.hash())
}

#[test]
fn tool_commands_give_identical_hashes_on_every_thread_count_and_natively() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let reference = wasm_hash(&module, None, 0)?;
    for threads in [1, 2, 4, 16] {
        let hash = wasm_hash(&module, Some(threads), 0)?;
        ensure!(hash == reference, "{threads} threads gave {hash:#018x}, no crew {reference:#018x}");
    }
    for threads in [1, 4] {
        let hash = native_hash(threads)?;
        ensure!(hash == reference, "native ({threads} threads) {hash:#018x} != wasm {reference:#018x}");
    }
    // The negative control: one rectangle one cell to the right.
    let moved = wasm_hash(&module, None, 1)?;
    ensure!(moved != reference, "moving a rectangle by one cell did not change the hash");
    eprintln!("tools: {reference:#018x} on 1, 2, 4, 16 threads, no crew, and natively");
    Ok(())
}
