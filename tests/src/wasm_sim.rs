//! A world in the wasm module, stepped by a crew of attached OS threads:
//! exactly what the page's workers do, minus the browser.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use wasmtime::SharedMemory;

use crate::instance::{SimInstance, ThreadSlot};
use crate::join::{join_all, spawn_named};
use crate::module::SimModule;
use quicksand_sim::sand::Scene;

/// Stack per worker thread.
pub const WORKER_STACK_BYTES: u32 = 256 * 1024;
/// Every in-wasm barrier wait gives up after this.
pub const WAIT_MS: i32 = 60_000;
/// Every batch of steps must finish within this.
pub const BATCH_TIMEOUT: Duration = Duration::from_secs(600);

pub struct WasmSim {
    module: SimModule,
    memory: SharedMemory,
    main: SimInstance,
    pub world: i32,
    crew: i32,
    slots: Vec<ThreadSlot>,
}

fn check(what: &str, code: i32) -> Result<i32> {
    ensure!(code >= 0, "{what} failed with {code}");
    Ok(code)
}

impl WasmSim {
    /// A fresh memory, the main instance, and a `width` × `height` world.
    pub fn new(module: &SimModule, width: u32, height: u32, seed: u32) -> Result<Self> {
        let memory = module.new_memory()?;
        let (mut main, _) = SimInstance::main(module, &memory, WORKER_STACK_BYTES)?;
        let world = check("qs_world_new", main.call("qs_world_new", (width as i32, height as i32, seed as i32))?)?;
        let crew = check("qs_crew_new", main.call("qs_crew_new", 1)?)?;
        Ok(WasmSim { module: module.clone(), memory, main, world, crew, slots: Vec::new() })
    }

    pub fn main(&mut self) -> &mut SimInstance {
        &mut self.main
    }

    pub fn scene(&mut self, scene: Scene) -> Result<()> {
        check("qs_world_scene", self.main.call("qs_world_scene", (self.world, scene as u32 as i32))?)?;
        Ok(())
    }

    /// Queues a stroke for the next step.
    pub fn paint(&mut self, from: (i32, i32), to: (i32, i32), radius: i32, material: i32) -> Result<()> {
        let code: i32 = self.main.call("qs_world_paint", (self.world, from.0, from.1, to.0, to.1, radius, material))?;
        check("qs_world_paint", code)?;
        Ok(())
    }

    pub fn hash(&mut self) -> Result<u64> {
        Ok(self.main.call::<i32, i64>("qs_world_hash", self.world)? as u64)
    }

    pub fn count(&mut self, material: i32) -> Result<i32> {
        check("qs_world_count", self.main.call("qs_world_count", (self.world, material))?)
    }

    /// Steps on the calling thread with `qs_world_step` (no crew at all).
    pub fn step_here(&mut self, steps: u32) -> Result<()> {
        check("qs_world_step", self.main.call("qs_world_step", (self.world, steps as i32))?)?;
        Ok(())
    }

    /// Runs `steps` steps on `threads` OS threads and returns the wall time
    /// from the moment every thread was ready to the moment all were done.
    pub fn run(&mut self, threads: u32, steps: u32) -> Result<Duration> {
        ensure!(threads >= 1, "at least one thread");
        while self.slots.len() < threads as usize {
            let slot = self.main.create_thread(WORKER_STACK_BYTES)?;
            self.slots.push(slot);
        }
        check("qs_crew_reset", self.main.call("qs_crew_reset", (self.crew, threads as i32))?)?;
        let start_line = Arc::new(std::sync::Barrier::new(threads as usize));
        let mut handles = Vec::new();
        for worker in 0..threads {
            let (module, memory, slot, start_line) =
                (self.module.clone(), self.memory.clone(), self.slots[worker as usize], start_line.clone());
            let (crew, world) = (self.crew, self.world);
            handles.push(spawn_named(format!("crew-{worker}"), move || {
                let mut instance = SimInstance::attached(&module, &memory, &slot)?;
                let run = instance
                    .instance
                    .get_typed_func::<(i32, i32, i32, i32, i32), i32>(&mut instance.store, "qs_crew_run_steps")?;
                start_line.wait();
                let started = Instant::now();
                let code = run.call(&mut instance.store, (crew, world, worker as i32, steps as i32, WAIT_MS))?;
                let finished = Instant::now();
                if code < 0 {
                    bail!("worker {worker}: qs_crew_run_steps failed with {code}");
                }
                Ok((started, finished))
            })?);
        }
        let times = join_all(handles, BATCH_TIMEOUT)?.into_iter().collect::<Result<Vec<_>>>()?;
        let first = times.iter().map(|t| t.0).min().unwrap_or_else(Instant::now);
        let last = times.iter().map(|t| t.1).max().unwrap_or(first);
        Ok(last - first)
    }

    /// Saves the world through the snapshot exports and copies the bytes out.
    pub fn save(&mut self) -> Result<Vec<u8>> {
        let len = check("qs_world_snapshot_save", self.main.call("qs_world_snapshot_save", self.world)?)?;
        let address = check("qs_world_snapshot_ptr", self.main.call("qs_world_snapshot_ptr", self.world)?)?;
        crate::memory_view::read_bytes(&self.memory, address as u32, len as usize)
    }

    /// Copies `bytes` into the snapshot buffer and loads them; returns the
    /// export's code (0 or a negative error) without failing on refusal.
    pub fn load(&mut self, bytes: &[u8]) -> Result<i32> {
        let capacity = check("qs_world_snapshot_capacity", self.main.call("qs_world_snapshot_capacity", self.world)?)?;
        ensure!(bytes.len() <= capacity as usize, "{} bytes do not fit the {capacity}-byte buffer", bytes.len());
        let address = check("qs_world_snapshot_ptr", self.main.call("qs_world_snapshot_ptr", self.world)?)?;
        crate::memory_view::write_bytes(&self.memory, address as u32, bytes)?;
        self.main.call("qs_world_snapshot_load", (self.world, bytes.len() as i32))
    }

    /// What the last `run`'s steps cost, from the crew's own clock readings:
    /// `(qs_crew_timed_steps, qs_crew_step_ms, qs_crew_serial_ms)`.
    pub fn step_times(&mut self) -> Result<(f64, f64, f64)> {
        let mut read = |name: &str| -> Result<f64> {
            let value: f64 = self.main.call(name, self.crew)?;
            ensure!(value >= 0.0, "{name} failed with {value}");
            Ok(value)
        };
        Ok((read("qs_crew_timed_steps")?, read("qs_crew_step_ms")?, read("qs_crew_serial_ms")?))
    }

    /// Chunk updates worker `worker` did in the last `run`.
    pub fn items_done(&mut self, worker: u32) -> Result<i32> {
        check("qs_crew_items_done", self.main.call("qs_crew_items_done", (self.crew, worker as i32))?)
    }
}
