//! `./build.sh soak`: a long run of scene Mixed with a random stroke before
//! every step, stepped by a crew of several workers and, in a memory of its
//! own, by one worker; the two must stay bit-identical throughout, and no
//! thread's stack canary may be touched.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use quicksand_sim::abi::handle::encode;
use quicksand_sim::abi::HandleKind;
use quicksand_sim::sand::{Scene, MATERIAL_COUNT};
use quicksand_tests::fuzz::rng::{fresh_seed, parse_seed};
use quicksand_tests::fuzz::FuzzRng;
use quicksand_tests::wasm_sim::WasmSim;
use quicksand_tests::{SimModule, Variant};

/// Soaks the simulation: many steps of play, several workers against one.
#[derive(Debug, Parser)]
#[command(
    name = "soak",
    after_help = "Examples:\n  ./build.sh soak\n  ./build.sh soak --steps 10000 --width 128 --height 96 --seed 7\n  \
                  ./build.sh soak --steps 2000 --perturb-at 1000   (negative control: must fail)\n\n\
                  Exit status: 0 when the hashes stayed equal and every canary is intact, 1 otherwise."
)]
struct Args {
    /// Steps to run.
    #[arg(long, default_value_t = 100_000)]
    steps: u32,
    /// World width in cells.
    #[arg(long, default_value_t = 256)]
    width: u32,
    /// World height in cells.
    #[arg(long, default_value_t = 256)]
    height: u32,
    /// Workers of the crew compared with a single worker.
    #[arg(long, default_value_t = 2)]
    workers: u32,
    /// Compare the hashes (and the canaries) every this many steps.
    #[arg(long, default_value_t = 1_000)]
    check_every: u32,
    /// Seed of the world and the strokes (decimal or 0x hex); drawn and
    /// printed if absent.
    #[arg(long, value_parser = |s: &str| parse_seed(s).ok_or("not a number"))]
    seed: Option<u64>,
    /// Negative control: paint one extra cell into the many-worker world
    /// before this step only, so the run must report a mismatch.
    #[arg(long)]
    perturb_at: Option<u32>,
}

/// A random stroke in a `width` × `height` world: anywhere (a little past
/// the edges too), any material including the eraser, small and large.
struct Stroke {
    from: (i32, i32),
    to: (i32, i32),
    radius: i32,
    material: i32,
}

impl Stroke {
    fn random(rng: &mut FuzzRng, width: u32, height: u32) -> Stroke {
        let (w, h) = (width as i32, height as i32);
        let point = |rng: &mut FuzzRng| (rng.range_i32(-8, w + 8), rng.range_i32(-8, h + 8));
        let from = point(rng);
        let to =
            if rng.percent(30) { from } else { (from.0 + rng.range_i32(-40, 40), from.1 + rng.range_i32(-40, 40)) };
        let radius = if rng.percent(90) { rng.range_i32(0, 6) } else { rng.range_i32(7, 24) };
        Stroke { from, to, radius, material: rng.range_i32(0, MATERIAL_COUNT as i32 - 1) }
    }

    fn paint(&self, sim: &mut WasmSim) -> Result<()> {
        sim.paint(self.from, self.to, self.radius, self.material)
    }
}

/// Every thread of `sim` has its canary intact. Handles are enumerated as a
/// fresh table hands them out (lowest slot first, generation 1: threads are
/// never freed), and each is checked to be one by its slot's record.
fn canaries_intact(sim: &mut WasmSim) -> Result<u32> {
    let main = sim.main();
    let count: i32 = main.call("qs_thread_count", ())?;
    for index in 0..count as u32 {
        let handle = encode(HandleKind::Thread, 1, index);
        let slot = main.thread_slot(handle).with_context(|| format!("thread {index} is not handle {handle:#x}"))?;
        ensure!(slot.handle == handle, "thread slot {index} names {:#x}", slot.handle);
        let intact: i32 = main.call("qs_thread_canary_intact", handle)?;
        ensure!(intact == 1, "thread {handle:#x}'s stack canary is damaged ({intact})");
    }
    Ok(count as u32)
}

fn run(args: &Args) -> Result<String> {
    ensure!(args.workers >= 2, "--workers must be at least 2 (the run compares them with one)");
    ensure!(args.check_every >= 1, "--check-every must be at least 1");
    let seed = args.seed.unwrap_or_else(fresh_seed);
    println!(
        "soak: {} steps of a {}×{} Mixed world, {} workers vs 1, seed {seed:#x} (--seed {seed:#x} replays it)",
        args.steps, args.width, args.height, args.workers
    );
    let module = SimModule::built(Variant::Release)?;
    let world_seed = seed as u32;
    let mut many = WasmSim::new(&module, args.width, args.height, world_seed)?;
    let mut one = WasmSim::new(&module, args.width, args.height, world_seed)?;
    for sim in [&mut many, &mut one] {
        sim.scene(Scene::Mixed)?;
    }
    let mut rng = FuzzRng::new(seed);
    let started = Instant::now();
    let mut hash = 0;
    for step in 0..args.steps {
        let stroke = Stroke::random(&mut rng, args.width, args.height);
        stroke.paint(&mut many).with_context(|| format!("stroke before step {step}"))?;
        stroke.paint(&mut one)?;
        if args.perturb_at == Some(step) {
            let wall = quicksand_sim::sand::Material::Wall as i32;
            many.paint((1, 1), (1, 1), 0, wall)?;
        }
        // Both batches at once: `WasmSim::run` joins its workers by polling
        // every 2 ms, which dominates a step this small; overlapping the two
        // halves the wall time and changes nothing else (separate memories).
        let (many_done, one_done) = std::thread::scope(|scope| {
            let one_thread = scope.spawn(|| one.run(1, 1));
            let many_done = many.run(args.workers, 1);
            (many_done, one_thread.join())
        });
        many_done.with_context(|| format!("{} workers, step {step}", args.workers))?;
        one_done
            .map_err(|_| anyhow::anyhow!("the one-worker batch panicked"))?
            .with_context(|| format!("1 worker, step {step}"))?;
        let last = step + 1 == args.steps;
        if (step + 1) % args.check_every == 0 || last {
            let (a, b) = (many.hash()?, one.hash()?);
            if a != b {
                bail!("after step {step}: {} workers give {a:016x}, 1 worker {b:016x} (seed {seed:#x})", args.workers);
            }
            hash = a;
        }
        if (step + 1) % (args.check_every * 10) == 0 || last {
            canaries_intact(&mut many)?;
            canaries_intact(&mut one)?;
            println!("soak: {} steps, hashes equal ({hash:016x}), {:.0} s", step + 1, started.elapsed().as_secs_f64());
        }
    }
    let threads = canaries_intact(&mut many)? + canaries_intact(&mut one)?;
    Ok(format!(
        "soak: {} steps, {} vs 1 workers, hashes equal (final {hash:016x}), canaries intact ({threads} threads), {:.1} s",
        args.steps,
        args.workers,
        started.elapsed().as_secs_f64()
    ))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("soak: FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}
