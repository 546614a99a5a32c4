//! `./build.sh bench`: how fast the simulation steps, natively and as the
//! wasm module under wasmtime, on 1..N threads, and whether it meets the
//! targets. Targets are checked here, never in timed tests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use quicksand_sim::sand::Scene;
use quicksand_tests::native::NativeWorld;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};
use serde::Serialize;

#[path = "bench/replay.rs"]
mod replay;

/// Benchmarks quicksand's simulation natively and in wasm.
#[derive(Debug, Parser)]
#[command(
    name = "quicksand-bench",
    after_help = "Examples:\n  ./build.sh bench\n  ./build.sh bench --json --sizes 1024 --threads 1,2,4,8\n  ./build.sh bench --scenes active --engines wasm\n  ./build.sh bench --no-table --no-targets --competing 1,2\n  ./build.sh bench --no-table --no-targets --replay-minutes 1"
)]
struct Args {
    /// Also print one JSON object per measurement, one per line.
    #[arg(long)]
    json: bool,
    /// World sizes (square side in cells).
    #[arg(long, value_delimiter = ',', default_values_t = [512, 1024, 2048])]
    sizes: Vec<u32>,
    /// Scenes: active, settled, mixed, thermal.
    #[arg(long, value_delimiter = ',', default_values = ["active", "settled", "mixed", "thermal"])]
    scenes: Vec<String>,
    /// Thread counts (default: 1 up to the number of cores).
    #[arg(long, value_delimiter = ',')]
    threads: Vec<u32>,
    /// Engines: native, wasm.
    #[arg(long, value_delimiter = ',', default_values = ["native", "wasm"])]
    engines: Vec<String>,
    /// Timed batches per measurement; the median batch is reported.
    #[arg(long, default_value_t = 7)]
    batches: u32,
    /// Target wall time of one batch, in milliseconds.
    #[arg(long, default_value_t = 60)]
    batch_ms: u64,
    /// Skip the targets section.
    #[arg(long)]
    no_targets: bool,
    /// Skip the full table (the targets that need it say "not measured").
    #[arg(long)]
    no_table: bool,
    /// Also check the oversubscription targets while this many busy threads
    /// compete for the cores, once per number given (e.g. 1 and the core
    /// count: `--competing 1,2`).
    #[arg(long, value_delimiter = ',')]
    competing: Vec<u32>,
    /// Minutes of the replay group's scripted session (60 strokes and
    /// steps a second on 1024²), recorded, written and replayed on 1 and 2
    /// threads; 0 skips the group.
    #[arg(long, value_name = "MINUTES", default_value_t = 10.0)]
    replay_minutes: f64,
}

/// One measured line; the JSON keys are part of the benchmark's interface.
#[derive(Debug, Clone, Serialize)]
struct Measurement {
    engine: &'static str,
    scene: String,
    width: u32,
    height: u32,
    threads: u32,
    steps: u32,
    ms_per_step: f64,
    cells_per_sec: f64,
    hash: String,
}

/// Steps run after loading a scene and before timing: long enough for the
/// settled scene's chunks to fall asleep, as they would in play.
const WARMUP_STEPS: u32 = 4;

fn scene_named(name: &str) -> Result<Scene> {
    Ok(match name {
        "active" => Scene::Active,
        "settled" => Scene::Settled,
        "mixed" => Scene::Mixed,
        "empty" => Scene::Empty,
        "thermal" => Scene::Thermal,
        other => bail!("unknown scene {other:?} (active, settled, mixed, thermal)"),
    })
}

/// Something that can be stepped in timed batches.
trait Engine {
    fn run(&mut self, threads: u32, steps: u32) -> Result<Duration>;
    fn hash(&mut self) -> Result<u64>;
}

struct Native(Arc<NativeWorld>);

impl Engine for Native {
    fn run(&mut self, threads: u32, steps: u32) -> Result<Duration> {
        let started = Instant::now();
        self.0.run(threads, steps)?;
        Ok(started.elapsed())
    }
    fn hash(&mut self) -> Result<u64> {
        Ok(self.0.hash())
    }
}

struct Wasm(WasmSim);

impl Engine for Wasm {
    fn run(&mut self, threads: u32, steps: u32) -> Result<Duration> {
        self.0.run(threads, steps)
    }
    fn hash(&mut self) -> Result<u64> {
        self.0.hash()
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Times `batches` batches of `steps_per_batch` steps and returns the
/// median milliseconds per step and the total steps run.
fn time_steps(engine: &mut dyn Engine, threads: u32, batches: u32, steps_per_batch: u32) -> Result<(f64, u32)> {
    engine.run(threads, WARMUP_STEPS)?;
    let mut per_step = Vec::new();
    for _ in 0..batches {
        let elapsed = engine.run(threads, steps_per_batch)?;
        per_step.push(elapsed.as_secs_f64() * 1e3 / f64::from(steps_per_batch));
    }
    Ok((median(per_step), WARMUP_STEPS + batches * steps_per_batch))
}

/// Steps per batch for one scene and size, sized from a native one-thread
/// probe and then shared by every engine and thread count, so that equal
/// hashes in the table show they all computed the same world.
fn batch_steps(scene_name: &str, size: u32, batch_ms: u64) -> Result<u32> {
    let scene = scene_named(scene_name)?;
    let world = NativeWorld::new(size, size, 1)?;
    world.load_scene(scene);
    let mut engine = Native(Arc::new(world));
    engine.run(1, WARMUP_STEPS)?;
    let probe_steps = 3;
    let probe = engine.run(1, probe_steps)?.as_secs_f64() * 1e3 / f64::from(probe_steps);
    Ok(((batch_ms as f64 / probe.max(0.000_1)) as u32).clamp(1, 5_000))
}

fn measure(
    args: &Args,
    module: &SimModule,
    engine_name: &'static str,
    scene_name: &str,
    size: u32,
    threads: u32,
    steps_per_batch: u32,
) -> Result<Measurement> {
    let scene = scene_named(scene_name)?;
    let seed = 1;
    let mut engine: Box<dyn Engine> = match engine_name {
        "native" => {
            let world = NativeWorld::new(size, size, u64::from(seed))?;
            world.load_scene(scene);
            Box::new(Native(Arc::new(world)))
        }
        _ => {
            let mut sim = WasmSim::new(module, size, size, seed)?;
            sim.scene(scene)?;
            Box::new(Wasm(sim))
        }
    };
    let (ms_per_step, steps) = time_steps(engine.as_mut(), threads, args.batches, steps_per_batch)?;
    let cells = f64::from(size) * f64::from(size);
    Ok(Measurement {
        engine: engine_name,
        scene: scene_name.to_owned(),
        width: size,
        height: size,
        threads,
        steps,
        ms_per_step,
        cells_per_sec: cells / (ms_per_step / 1e3),
        hash: format!("{:016x}", engine.hash()?),
    })
}

fn print_row(m: &Measurement) {
    println!(
        "{:<7} {:<8} {:>5}² {:>3} {:>6} {:>10.3} {:>10.1} {}",
        m.engine,
        m.scene,
        m.width,
        m.threads,
        m.steps,
        m.ms_per_step,
        m.cells_per_sec / 1e6,
        m.hash
    );
}

fn find<'a>(all: &'a [Measurement], engine: &str, scene: &str, size: u32, threads: u32) -> Option<&'a Measurement> {
    all.iter().find(|m| m.engine == engine && m.scene == scene && m.width == size && m.threads == threads)
}

/// Paired batches for a ratio: two identical worlds advance in lockstep,
/// each batch alternating between them, and the median of the per-pair time
/// ratios is returned. On a noisy VM the speed drifts by tens of percent
/// within minutes; measuring the two sides back to back cancels the drift
/// that separate measurements would turn into a false ratio.
fn paired_ratio(
    (slow, slow_threads): (&mut dyn Engine, u32),
    (fast, fast_threads): (&mut dyn Engine, u32),
    pairs: u32,
    steps: u32,
) -> Result<f64> {
    slow.run(slow_threads, WARMUP_STEPS)?;
    fast.run(fast_threads, WARMUP_STEPS)?;
    let mut ratios = Vec::new();
    for _ in 0..pairs {
        let slow_time = slow.run(slow_threads, steps)?;
        let fast_time = fast.run(fast_threads, steps)?;
        ratios.push(slow_time.as_secs_f64() / fast_time.as_secs_f64());
    }
    anyhow::ensure!(slow.hash()? == fast.hash()?, "the paired worlds diverged");
    Ok(median(ratios))
}

fn active_world(engine: &str, module: &SimModule, size: u32) -> Result<Box<dyn Engine>> {
    Ok(match engine {
        "native" => {
            let world = NativeWorld::new(size, size, 1)?;
            world.load_scene(Scene::Active);
            Box::new(Native(Arc::new(world)))
        }
        _ => {
            let mut sim = WasmSim::new(module, size, size, 1)?;
            sim.scene(Scene::Active)?;
            Box::new(Wasm(sim))
        }
    })
}

/// The targets of the simulation issue. Absolute rates come from the table;
/// ratios come from paired, interleaved batches (see `paired_ratio`).
fn print_targets(args: &Args, module: &SimModule, all: &[Measurement]) -> Result<()> {
    println!("\ntargets (this machine: {} cores; ratios from {} interleaved batch pairs)", cores(), PAIRS);
    let check = |name: &str, value: Option<f64>, ok: fn(f64) -> bool, unit: &str| match value {
        Some(value) => println!("  [{}] {name}: {value:.3}{unit}", if ok(value) { "pass" } else { "FAIL" }),
        None => println!("  [ -- ] {name}: not measured in this run"),
    };
    let wasm_1 = find(all, "wasm", "active", 1024, 1);
    check(
        "wasm, 1 thread, active 1024² ≥ 150 M cells/s",
        wasm_1.map(|m| m.cells_per_sec / 1e6),
        |v| v >= 150.0,
        " M cells/s",
    );
    let settled = find(all, "wasm", "settled", 1024, 1);
    check(
        "settled / active cost (wasm, 1 thread, 1024²) ≤ 5%",
        settled.zip(wasm_1).map(|(s, a)| 100.0 * s.ms_per_step / a.ms_per_step),
        |v| v <= 5.0,
        "%",
    );
    if !args.engines.iter().any(|e| e == "wasm") {
        return Ok(());
    }
    let steps = batch_steps("active", 1024, args.batch_ms)?;
    let (mut native, mut wasm) = (active_world("native", module, 1024)?, active_world("wasm", module, 1024)?);
    let native_over_wasm = paired_ratio((wasm.as_mut(), 1), (native.as_mut(), 1), PAIRS, steps)?;
    check("wasm / native speed (1 thread, active 1024²) ≥ 0.85", Some(1.0 / native_over_wasm), |v| v >= 0.85, "");
    let (mut one, mut two) = (active_world("wasm", module, 1024)?, active_world("wasm", module, 1024)?);
    let scaling = paired_ratio((one.as_mut(), 1), (two.as_mut(), 2), PAIRS, steps)?;
    check("wasm, 2 threads over 1 (active 1024²) ≥ 1.8", Some(scaling), |v| v >= 1.8, "×");
    let (mut one, mut two) = (active_world("native", module, 1024)?, active_world("native", module, 1024)?);
    let native_scaling = paired_ratio((one.as_mut(), 1), (two.as_mut(), 2), PAIRS, steps)?;
    println!("  [info] native, 2 threads over 1 (active 1024²): {native_scaling:.3}×");
    // An empty world has no dirty chunk: a step is only its barrier rounds.
    let mut sim = WasmSim::new(module, 1024, 1024, 1)?;
    sim.run(2, WARMUP_STEPS)?;
    let sync_steps = 2_000;
    let per_step = (0..args.batches)
        .map(|_| sim.run(2, sync_steps).map(|d| d.as_secs_f64() * 1e6 / f64::from(sync_steps)))
        .collect::<Result<Vec<_>>>()?;
    check("synchronisation per step with 2 workers ≤ 25 µs", Some(median(per_step)), |v| v <= 25.0, " µs");
    println!(
        "  [info] stack canary checks at each step's end, 2 workers (native): {:.3} µs per step",
        canary_check_micros(2)
    );
    Ok(())
}

/// Busy threads that compete with the crew for the cores, as another busy
/// process would, until dropped.
struct Competitors {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Competitors {
    fn start(count: u32) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..count)
            .map(|index| {
                let stop = stop.clone();
                std::thread::Builder::new().name(format!("competitor-{index}")).spawn(move || {
                    let mut x = 1u64;
                    while !stop.load(Ordering::Relaxed) {
                        // Arithmetic, not `spin_loop`: a real busy process
                        // never tells the core it is waiting.
                        for _ in 0..10_000 {
                            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
                        }
                    }
                })
            })
            .collect::<std::io::Result<Vec<_>>>()
            .context("starting the competing threads")?;
        Ok(Competitors { stop, threads })
    }
}

impl Drop for Competitors {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

fn settled_world(engine: &str, module: &SimModule, size: u32) -> Result<Box<dyn Engine>> {
    Ok(match engine {
        "native" => {
            let world = NativeWorld::new(size, size, 1)?;
            world.load_scene(Scene::Settled);
            Box::new(Native(Arc::new(world)))
        }
        _ => {
            let mut sim = WasmSim::new(module, size, size, 1)?;
            sim.scene(Scene::Settled)?;
            Box::new(Wasm(sim))
        }
    })
}

/// The oversubscription targets of the "engine's speed" issue: with
/// `competing` busy threads on the cores, a second worker must not make the
/// crew slower than one, and a settled world (a step is its barrier rounds
/// and almost no work) must stay cheap. Bench only: never in timed tests.
fn print_competing(args: &Args, module: &SimModule, competing: u32) -> Result<()> {
    let steps = batch_steps("active", 1024, args.batch_ms)?;
    println!(
        "
competing: {competing} busy thread(s) on {} cores; ratios from {PAIRS} interleaved batch pairs",
        cores()
    );
    let _busy = Competitors::start(competing)?;
    for engine in ["native", "wasm"] {
        if !args.engines.iter().any(|e| e == engine) {
            continue;
        }
        let (mut one, mut two) = (active_world(engine, module, 1024)?, active_world(engine, module, 1024)?);
        let scaling = paired_ratio((one.as_mut(), 1), (two.as_mut(), 2), PAIRS, steps)?;
        println!(
            "  [{}] {engine}, 2 workers over 1 (active 1024², {competing} competing) ≥ 1.0: {scaling:.3}×",
            if scaling >= 1.0 { "pass" } else { "FAIL" }
        );
        let mut settled = settled_world(engine, module, 1024)?;
        settled.run(2, WARMUP_STEPS)?;
        let settled_steps = 1_000;
        let per_step = (0..args.batches)
            .map(|_| settled.run(2, settled_steps).map(|d| d.as_secs_f64() * 1e6 / f64::from(settled_steps)))
            .collect::<Result<Vec<_>>>()?;
        let micros = median(per_step);
        println!(
            "  [{}] {engine}, settled 1024² step with 2 workers ({competing} competing) ≤ 50 µs: {micros:.3} µs",
            if micros <= 50.0 { "pass" } else { "FAIL" }
        );
    }
    Ok(())
}

/// What the crew's end-of-step canary check costs: the leader reads every
/// worker's `CANARY_BYTES` canary once per step (sim/src/crew/team.rs).
fn canary_check_micros(workers: usize) -> f64 {
    use quicksand_sim::runtime::thread_slot::{canary_intact, write_canary, CANARY_BYTES};
    const ROUNDS: u32 = 100_000;
    let stacks: Vec<Vec<u32>> = (0..workers).map(|_| vec![0u32; CANARY_BYTES / 4]).collect();
    for stack in &stacks {
        // SAFETY: each buffer is live, 4-aligned and exactly CANARY_BYTES long.
        unsafe { write_canary(stack.as_ptr() as usize) };
    }
    let start = Instant::now();
    for _ in 0..ROUNDS {
        // SAFETY: as above; the buffers outlive the loop.
        let intact = stacks.iter().all(|stack| unsafe { canary_intact(std::hint::black_box(stack.as_ptr() as usize)) });
        assert!(intact);
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(ROUNDS)
}

/// Batch pairs behind each ratio target.
const PAIRS: u32 = 15;

fn cores() -> u32 {
    std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(1)
}

fn main() -> Result<()> {
    let mut args = Args::parse();
    if args.threads.is_empty() {
        args.threads = (1..=cores()).collect();
    }
    for engine in &args.engines {
        if engine != "native" && engine != "wasm" {
            bail!("unknown engine {engine:?} (native, wasm)");
        }
    }
    let module = SimModule::built(Variant::Release).context("the wasm engine needs www/pkg/sim.wasm")?;
    println!("quicksand benchmark: median of {} batches of ~{} ms; {} cores", args.batches, args.batch_ms, cores());
    println!(
        "{:<7} {:<8} {:>6} {:>3} {:>6} {:>10} {:>10} hash",
        "engine", "scene", "size", "thr", "steps", "ms/step", "Mcells/s"
    );
    let mut all = Vec::new();
    let table_sizes = if args.no_table { &[][..] } else { &args.sizes[..] };
    for &size in table_sizes {
        for scene in &args.scenes {
            let steps_per_batch = batch_steps(scene, size, args.batch_ms)?;
            for &threads in &args.threads {
                for engine in ["native", "wasm"] {
                    if !args.engines.iter().any(|e| e == engine) {
                        continue;
                    }
                    let measurement = measure(&args, &module, engine, scene, size, threads, steps_per_batch)?;
                    print_row(&measurement);
                    if args.json {
                        println!("{}", serde_json::to_string(&measurement)?);
                    }
                    all.push(measurement);
                }
            }
        }
    }
    if !args.no_targets {
        print_targets(&args, &module, &all)?;
    }
    for &competing in &args.competing {
        print_competing(&args, &module, competing)?;
    }
    if args.replay_minutes > 0.0 {
        replay::run(&module.bytes, args.replay_minutes, args.json)?;
    }
    Ok(())
}
