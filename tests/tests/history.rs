//! Undo and redo through the wasm exports (docs/ABI.md, "Undo and redo"):
//! strokes, undo, redo and a queued clear applied at step boundaries by a
//! crew give the same hash for any worker count (and for `qs_world_step`
//! on one thread); on an idle world `qs_world_apply_pending` makes undo
//! and redo restore exact hashes.

use anyhow::{ensure, Result};
use quicksand_sim::sand::{Material, Scene};
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

/// `BUSY` of docs/ABI.md.
const BUSY: i32 = -7;

/// One step of a session: a stroke, steps, or a history command.
#[derive(Clone, Copy, Debug)]
enum Action {
    Stroke { id: i32, from: (i32, i32), to: (i32, i32), radius: i32, material: Material },
    Steps(u32),
    Undo,
    Redo,
    Clear,
}

fn call(sim: &mut WasmSim, name: &str, args: impl wasmtime::WasmParams) -> Result<i32> {
    let code: i32 = sim.main().call(name, args)?;
    ensure!(code >= 0, "{name} failed with {code}");
    Ok(code)
}

/// Runs `actions` on a 192² mixed world; `threads` 0 steps with
/// `qs_world_step` on the calling thread. Returns the hash.
fn session(module: &SimModule, actions: &[Action], threads: u32) -> Result<u64> {
    let mut sim = WasmSim::new(module, 192, 192, 21)?;
    sim.scene(Scene::Mixed)?;
    let world = sim.world;
    for &action in actions {
        match action {
            Action::Stroke { id, from, to, radius, material } => {
                call(&mut sim, "qs_world_begin_stroke", (world, id))?;
                sim.paint(from, to, radius, material.id() as i32)?;
            }
            Action::Steps(steps) if threads == 0 => sim.step_here(steps)?,
            Action::Steps(steps) => {
                sim.run(threads, steps)?;
            }
            Action::Undo => {
                call(&mut sim, "qs_world_undo", world)?;
            }
            Action::Redo => {
                call(&mut sim, "qs_world_redo", world)?;
            }
            Action::Clear => {
                call(&mut sim, "qs_world_queue_scene", (world, Scene::Empty as i32))?;
            }
        }
    }
    sim.hash()
}

fn script() -> Vec<Action> {
    use Action::*;
    let sand = |id, from, to| Stroke { id, from, to, radius: 5, material: Material::Sand };
    vec![
        Steps(10),
        sand(1, (10, 10), (180, 40)),
        Steps(7),
        // The same stroke goes on at a later boundary, into new chunks.
        Stroke { id: 1, from: (180, 40), to: (100, 150), radius: 5, material: Material::Sand },
        Steps(5),
        Stroke { id: 2, from: (20, 120), to: (60, 170), radius: 8, material: Material::Water },
        Steps(3),
        Undo,
        Steps(4),
        Redo,
        Undo,
        Undo,
        Steps(6),
        Redo,
        Stroke { id: 3, from: (150, 150), to: (150, 150), radius: 12, material: Material::Lava },
        Steps(8),
        Clear,
        Steps(2),
        Undo,
        Steps(20),
    ]
}

#[test]
fn strokes_and_undo_give_the_same_hash_for_any_worker_count() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let actions = script();
    let one = session(&module, &actions, 1)?;
    for threads in [0, 2, 3] {
        let hash = session(&module, &actions, threads)?;
        ensure!(hash == one, "{threads} workers: {hash:016x}, 1 worker: {one:016x}");
    }
    // Negative control: the same script without the last undo (of the
    // clear) ends elsewhere.
    let mut cleared = actions[..actions.len() - 2].to_vec();
    cleared.push(Action::Steps(20));
    ensure!(session(&module, &cleared, 2)? != one, "undoing the clear changed nothing");
    Ok(())
}

#[test]
fn on_an_idle_world_undo_and_redo_restore_exact_hashes() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 200, 150, 4)?;
    sim.scene(Scene::Mixed)?;
    sim.run(2, 25)?;
    let world = sim.world;
    let (before, steps) = (sim.hash()?, call(&mut sim, "qs_world_step_count", world)?);
    call(&mut sim, "qs_world_begin_stroke", (world, 1))?;
    sim.paint((5, 5), (190, 140), 7, Material::Stone.id() as i32)?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    let painted = sim.hash()?;
    ensure!(painted != before, "the stroke changed nothing");
    ensure!(call(&mut sim, "qs_world_undo_depth", world)? == 1);
    ensure!(call(&mut sim, "qs_world_history_bytes", world)? > 0);

    call(&mut sim, "qs_world_undo", world)?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    ensure!(sim.hash()? == before, "undo did not restore the hash before the stroke");
    ensure!(call(&mut sim, "qs_world_step_count", world)? == steps, "undo changed the step count");
    ensure!(call(&mut sim, "qs_world_redo_depth", world)? == 1);
    call(&mut sim, "qs_world_redo", world)?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    ensure!(sim.hash()? == painted, "redo did not bring the stroke back");

    // A queued clear is undone exactly too.
    call(&mut sim, "qs_world_queue_scene", (world, Scene::Empty as i32))?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    ensure!(sim.count(Material::Empty.id() as i32)? == 200 * 150);
    call(&mut sim, "qs_world_undo", world)?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    ensure!(sim.hash()? == painted, "undoing the clear did not restore the world");
    Ok(())
}

#[test]
fn apply_pending_is_refused_while_a_crew_has_steps_pending() -> Result<()> {
    let module = SimModule::built(Variant::Release)?;
    let mut sim = WasmSim::new(&module, 64, 64, 1)?;
    let world = sim.world;
    let crew: i32 = sim.main().call("qs_crew_new", 1)?;
    call(&mut sim, "qs_crew_request_steps", (crew, 3))?;
    sim.paint((1, 1), (9, 9), 1, Material::Sand.id() as i32)?;
    let before = sim.hash()?;
    let code: i32 = sim.main().call("qs_world_apply_pending", world)?;
    ensure!(code == BUSY, "apply_pending with steps pending returned {code}");
    ensure!(sim.hash()? == before && call(&mut sim, "qs_world_queued_paint", world)? == 1);
    call(&mut sim, "qs_crew_cancel_pending", crew)?;
    call(&mut sim, "qs_world_apply_pending", world)?;
    ensure!(sim.hash()? != before && call(&mut sim, "qs_world_queued_paint", world)? == 0);
    Ok(())
}
