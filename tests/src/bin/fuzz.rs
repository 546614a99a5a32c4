//! `./build.sh fuzz`: the export fuzzer and the save fuzzer for a long run
//! (a million calls by default), on both builds.

use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Parser;
use quicksand_tests::fuzz::rng::{fresh_seed, parse_seed};
use quicksand_tests::fuzz::{driver, saves, Build, FuzzConfig, LoadedModule, WasmTarget};

/// Fuzzes the module's exports and its save loader.
#[derive(Debug, Parser)]
#[command(
    name = "fuzz",
    after_help = "Examples:\n  ./build.sh fuzz\n  ./build.sh fuzz --seed 0x1234 --calls 200000 --builds sim.wasm\n\n\
                  Exit status: 0 when every call and load matched the spec, 1 otherwise\n\
                  (the report names the seed and the failing call, to replay it)."
)]
struct Args {
    /// Seed (decimal or 0x hex); a fresh one is drawn and printed if absent.
    #[arg(long, value_parser = |s: &str| parse_seed(s).ok_or("not a number"))]
    seed: Option<u64>,
    /// Export calls per build.
    #[arg(long, default_value_t = 1_000_000)]
    calls: u64,
    /// Mutated save loads per build.
    #[arg(long, default_value_t = 50_000)]
    saves: u64,
    /// Builds to fuzz: sim.wasm, sim-st.wasm.
    #[arg(long, value_delimiter = ',', default_values = ["sim.wasm", "sim-st.wasm"])]
    builds: Vec<String>,
}

fn run(args: &Args) -> Result<()> {
    let seed = args.seed.unwrap_or_else(fresh_seed);
    println!("fuzz: seed {seed:#x} (./build.sh fuzz --seed {seed:#x} replays this run)");
    for name in &args.builds {
        let Some(build) = Build::parse(name) else { bail!("unknown build {name:?} (sim.wasm or sim-st.wasm)") };
        let module = LoadedModule::built(build)?;
        let mut config = FuzzConfig::new(seed, args.calls);
        config.replay_hint =
            format!("./build.sh fuzz --seed {seed:#x} --calls {} --builds {}", args.calls, build.file_name());
        let report = driver::run(|| WasmTarget::new(&module), &config)?;
        println!("fuzz: exports {}", report.summary(build, seed));
        let one_sided = report.one_sided();
        if !one_sided.is_empty() {
            println!("fuzz: only accepted or only refused: {}", one_sided.join(", "));
        }
        let started = std::time::Instant::now();
        let replay = format!("./build.sh fuzz --seed {seed:#x} --saves {} --builds {}", args.saves, build.file_name());
        let saved = saves::run(&module, seed, args.saves, &replay)?;
        println!(
            "fuzz: saves {}: {} loads ({} accepted, {} refused; codes {}), {:.1} s",
            build.file_name(),
            saved.loads,
            saved.accepted,
            saved.refused,
            saved.codes_line(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fuzz: FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}
